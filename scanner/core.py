"""The heart: `scan_message(message, policy) -> Result`, called by every front end."""

from __future__ import annotations

import time

from recognizers.engine import get_analyzer
from scanner import analysis
from scanner.documents import classify_message
from scanner.model import Message, Result
from scanner.policy import Policy, load_policy
from scanner.rules import evaluate, verdict_of
from scanner.rules.context import RuleContext


def scan_message(message: Message, policy: Policy | None = None, *, org: str | None = None,
                 lang: str = "nl") -> Result:
    """Scan one parsed message against the policy.

    Pure apart from the process-wide, read-only models, so threads may share it. `org`
    ("IND", "DTV", "COA") overrides the sender organisation taken from the From domain.
    """
    started = time.perf_counter()
    policy = policy or load_policy()
    budget = analysis.ANALYSIS_SECONDS
    if message.deadline is not None:  # the message's one budget: what ingest and OCR left over
        budget = min(budget, max(0.0, message.deadline - time.monotonic()))
    findings = analysis.analyse_message(message, get_analyzer(), budget=budget)
    documents = classify_message(message, findings, policy)
    for finding in findings:
        # Special data in a document about one person (a beschikking, a gespreksverslag) is about that person.
        if finding.special and documents[finding.part_index].about_one_person:
            finding.linked = True
    ctx = RuleContext.build(message, findings, documents, policy, org=org, lang=lang)
    violations, suggestions = evaluate(ctx)
    return Result(
        input=message.input,
        message_id=message.message_id,
        verdict=verdict_of(violations),
        sender={"address": message.sender, "organisation": ctx.sender.organisation} if message.sender or org else None,
        recipients=ctx.recipients,
        findings=findings,
        violations=violations,
        suggestions=suggestions,
        errors=list(message.errors),
        elapsed_ms=(time.perf_counter() - started) * 1000,
        motivation=ctx.motivation,
        documents=[d.to_json() | {"part": p.part, "attachment": p.name}
                   for d, p in zip(documents, message.parts, strict=True)],
    )
