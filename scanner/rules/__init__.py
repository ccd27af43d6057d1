"""The 22 rules of rules.md, run in the order of §3 with its de-duplication: `evaluate(ctx)`."""

from __future__ import annotations

import json
from collections.abc import Callable

from scanner.model import SEVERITY_RANK, Suggestion, Violation
from scanner.policy import RULE_IDS
from scanner.rules.basis import (
    consent_required,
    lawyer_unverified,
    no_legal_basis,
    personal_mailbox,
    purpose_not_stated,
)
from scanner.rules.bulk import bulk_personal_data
from scanner.rules.common import Hit, fill, join_words
from scanner.rules.context import RuleContext, find_motivation, resolve_recipients
from scanner.rules.documents import (
    full_beschikking,
    full_dossier,
    internal_correspondence,
    photo_attachment,
    source_not_owner,
    third_party_data,
    use_chain_system,
    vertrekstrategie_to_ngo,
)
from scanner.rules.recipients import case_not_anonymised, cc_overreach
from scanner.rules.special import asylum_motive_in_chain, special_outside_chain
from scanner.rules.transport import banned_channel, insecure_transport, unscannable_attachment
from scanner.rules.wording import subjective_remark

__all__ = ["RULES", "RuleContext", "evaluate", "find_motivation", "resolve_recipients", "verdict_of"]

Rule = Callable[[RuleContext], list[Hit]]

# rules.md §3 step 2: the "whether" rules first, then the "how" rules.
RULES: dict[str, Rule] = {
    "NO_LEGAL_BASIS": no_legal_basis,
    "CONSENT_REQUIRED": consent_required,
    "SPECIAL_OUTSIDE_CHAIN": special_outside_chain,
    "VERTREKSTRATEGIE_TO_NGO": vertrekstrategie_to_ngo,
    "BULK_PERSONAL_DATA": bulk_personal_data,
    "PERSONAL_MAILBOX": personal_mailbox,
    "INTERNAL_CORRESPONDENCE": internal_correspondence,
    "BANNED_CHANNEL": banned_channel,
    "INSECURE_TRANSPORT": insecure_transport,
    "CC_OVERREACH": cc_overreach,
    "FULL_BESCHIKKING": full_beschikking,
    "SOURCE_NOT_OWNER": source_not_owner,
    "THIRD_PARTY_DATA": third_party_data,
    "PHOTO_ATTACHMENT": photo_attachment,
    "FULL_DOSSIER": full_dossier,
    "UNSCANNABLE_ATTACHMENT": unscannable_attachment,
    "ASYLUM_MOTIVE_IN_CHAIN": asylum_motive_in_chain,
    "CASE_NOT_ANONYMISED": case_not_anonymised,
    "USE_CHAIN_SYSTEM": use_chain_system,
    "LAWYER_UNVERIFIED": lawyer_unverified,
    "PURPOSE_NOT_STATED": purpose_not_stated,
    "SUBJECTIVE_REMARK": subjective_remark,
}
assert set(RULES) == set(RULE_IDS)

# rules.md §3 step 2: not reported for a recipient without a legal basis.
HOW_RULES = frozenset({"INSECURE_TRANSPORT", "CC_OVERREACH", "PURPOSE_NOT_STATED", "LAWYER_UNVERIFIED"})


def verdict_of(violations: list[Violation]) -> str:
    """block, warn or pass: the highest severity; info never raises it (CONTRACT §2)."""
    worst = max((SEVERITY_RANK.get(v.severity, 0) for v in violations), default=0)
    return {2: "block", 1: "warn"}.get(worst, "pass")


def evaluate(ctx: RuleContext) -> tuple[list[Violation], list[Suggestion]]:
    """Run every rule, apply rules.md §3 (suppression, one violation per rule and attachment), render messages."""
    hits = [hit for rule in RULES.values() for hit in rule(ctx)]
    hits = _suppress(hits)
    merged = _merge(hits)
    merged.sort(key=lambda h: (-SEVERITY_RANK.get(h.severity, 0), RULE_IDS.index(h.rule)))
    violations = [_render(ctx, h) for h in merged]
    suggestions = _suggestions(merged)
    return violations, suggestions


def _recipients_of(hits: list[Hit], rule: str) -> set[str]:
    return {a for h in hits if h.rule == rule for a in h.recipients}


def _suppress(hits: list[Hit]) -> list[Hit]:
    no_basis = _recipients_of(hits, "NO_LEGAL_BASIS")
    consent = _recipients_of(hits, "CONSENT_REQUIRED")
    case = _recipients_of(hits, "CASE_NOT_ANONYMISED")
    out = []
    for hit in hits:
        drop: set[str] = set()
        if hit.rule in HOW_RULES:
            drop |= no_basis
        if hit.rule == "PURPOSE_NOT_STATED":
            drop |= consent
        if hit.rule == "CC_OVERREACH":
            drop |= case
        if drop and hit.recipients:
            kept = [a for a in hit.recipients if a not in drop]
            if not kept:
                continue
            hit.recipients = kept
            hit.suggestions = [s for s in hit.suggestions
                               if s.action != "remove_recipient" or s.details.get("address") in kept]
        out.append(hit)
    return out


def _merge(hits: list[Hit]) -> list[Hit]:
    """One violation per rule, attachment, variant and severity, listing all affected recipients."""
    groups: dict[tuple[object, ...], Hit] = {}
    for hit in hits:
        key = hit.group_key()
        if key not in groups:
            groups[key] = Hit(hit.rule, hit.severity, hit.variant, list(hit.recipients), hit.attachment,
                              dict(hit.fields), list(hit.suggestions), hit.per_recipient)
            continue
        group = groups[key]
        group.recipients += [a for a in hit.recipients if a not in group.recipients]
        group.suggestions += hit.suggestions
    return list(groups.values())


def _render(ctx: RuleContext, hit: Hit) -> Violation:
    policy, lang = ctx.policy, ctx.lang
    # The fields that have two names are made once, and those of the sender once per message.
    recipients = join_words(hit.recipients, lang)
    organisations = join_words([policy.org_phrase(ctx.match(a), lang) for a in hit.recipients], lang)
    sender_fields, the_message = ctx.once(_sender_fields)
    fields: dict[str, object] = {
        "ontvanger": recipients,
        "adressen": ", ".join(hit.recipients),
        "adres": recipients,
        "n": len(hit.recipients),
        "ontvanger_org": organisations,
        "organisatie": organisations,
        **sender_fields,
        "bijlage": hit.attachment or the_message,
    }
    fields.update(hit.fields)
    message = fill(policy.template(hit.rule, hit.variant, lang), fields)
    if message.startswith(the_message):  # "{bijlage} lijkt …" without an attachment
        message = message[:1].upper() + message[1:]
    fix_template = policy.template(hit.rule, "fix", lang) if policy.has_template(hit.rule, "fix", lang) else ""
    return Violation(
        rule=hit.rule,
        severity=hit.severity,
        message=message,
        source=policy.source(hit.rule),
        recipients=list(hit.recipients),
        attachment=hit.attachment,
        fix=fill(fix_template, fields) or None,
    )


def _sender_fields(ctx: RuleContext) -> tuple[dict[str, object], str]:
    """The message fields about the sender (the same in every violation of a message), and the
    phrase for the message itself ("het bericht")."""
    policy, lang = ctx.policy, ctx.lang
    your_org = policy.common("your_org", lang)
    fields: dict[str, object] = {
        "afzender_org": policy.org_phrase(ctx.sender_match, lang, fallback=your_org)
        if ctx.sender_match.organisation else your_org,
        "privacy_office": policy.privacy_office(ctx.sender_org),
        "infosec": policy.infosec(ctx.sender_org),
    }
    return fields, policy.common("the_message", lang)


def _suggestions(hits: list[Hit]) -> list[Suggestion]:
    out: list[Suggestion] = []
    seen: set[str] = set()
    for hit in hits:
        for s in hit.suggestions:
            details = {**s.details, "rule": hit.rule}
            key = json.dumps({"action": s.action, **{k: v for k, v in details.items() if k != "rule"}},
                             sort_keys=True, default=str)
            if key in seen:
                continue
            seen.add(key)
            out.append(Suggestion(s.action, details))
    return out
