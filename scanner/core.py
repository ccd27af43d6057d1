"""The heart: `scan_message(message, policy) -> Result`, called by every front end."""

from __future__ import annotations

import time
from collections.abc import Sequence

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
    return _scan(message, policy or load_policy(), org, lang, None, time.perf_counter())


def scan_messages(messages: Sequence[Message], policy: Policy | None = None, *, org: str | None = None,
                  lang: str = "nl") -> list[Result]:
    """`scan_message` of each message (the same results), the short ones' text through the NLP pipeline in
    one run (`analysis.shared_nlp`): for a batch of short mails, a quarter less time per mail. For a caller
    with several messages at hand (an audit worker, `scan` of a folder); each message keeps its own budget.
    """
    policy = policy or load_policy()
    started = time.perf_counter()
    shared = analysis.shared_nlp(messages, get_analyzer())
    share = (time.perf_counter() - started) / max(1, sum(nlp is not None for nlp in shared))
    return [_scan(message, policy, org, lang, nlp, time.perf_counter() - (share if nlp is not None else 0.0))
            for message, nlp in zip(messages, shared, strict=True)]


def _scan(message: Message, policy: Policy, org: str | None, lang: str, nlp: analysis.Artifacts | None,
          started: float) -> Result:
    """`scan_message`, with the message's share of a shared pipeline run (`nlp`) and the time its scan
    began (`elapsed_ms` counts that share too)."""
    budget = analysis.ANALYSIS_SECONDS
    if message.deadline is not None:  # the message's one budget: what ingest and OCR left over
        budget = min(budget, max(0.0, message.deadline - time.monotonic()))
    findings = analysis.analyse_message(message, get_analyzer(), budget=budget, nlp=nlp)
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
