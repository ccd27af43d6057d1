"""The heart: `scan_message(message, policy) -> Result`, called by every front end."""

from __future__ import annotations

import time

from recognizers.engine import get_analyzer
from scanner.analysis import analyse_message
from scanner.documents import classify
from scanner.model import SEVERITY_RANK, Message, Recipient, Result
from scanner.policy import Policy, load_policy
from scanner.rules import evaluate
from scanner.rules.context import RuleContext, find_motivation


def scan_message(message: Message, policy: Policy | None = None, *, org: str | None = None,
                 lang: str = "nl") -> Result:
    """Scan one parsed message against the policy. Pure apart from the shared, read-only models.

    `org` ("IND", "DTV", "COA") overrides the sender organisation taken from the From domain.
    """
    started = time.perf_counter()
    policy = policy or load_policy()
    findings = analyse_message(message, get_analyzer())
    by_part: dict[int, list] = {}
    for finding in findings:
        by_part.setdefault(finding.part_index, []).append(finding)
    documents = [classify(part, by_part.get(i, []), policy) for i, part in enumerate(message.parts)]
    for finding in findings:
        if finding.special and documents[finding.part_index].about_one_person:
            finding.linked = True
    sender = policy.sender(message.sender, org)
    recipients = [
        Recipient(address, field, *policy.resolve(address))
        for field, addresses in (("to", message.to), ("cc", message.cc), ("bcc", message.bcc))
        for address in addresses
    ]
    motivation = find_motivation(message)
    violations, suggestions = evaluate(RuleContext(
        message=message, findings=findings, documents=documents, policy=policy, sender=sender,
        recipients=recipients, motivation=motivation, lang=lang,
    ))
    worst = max((SEVERITY_RANK[v.severity] for v in violations), default=0)
    verdict = {2: "block", 1: "warn"}.get(worst, "pass")
    return Result(
        input=message.input,
        message_id=message.message_id,
        verdict=verdict,
        sender={"address": message.sender, "organisation": sender.organisation} if message.sender or org else None,
        recipients=recipients,
        findings=findings,
        violations=violations,
        suggestions=suggestions,
        errors=list(message.errors),
        elapsed_ms=(time.perf_counter() - started) * 1000,
        motivation=motivation,
        documents=[d.to_json() | {"part": p.part, "attachment": p.name} for d, p in zip(documents, message.parts,
                                                                                          strict=True)],
    )
