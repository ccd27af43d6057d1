"""Need to know among recipients: CC_OVERREACH and CASE_NOT_ANONYMISED."""

from __future__ import annotations

from scanner.model import Suggestion
from scanner.rules.common import Hit, fill, has_terms, is_distribution_list, remove_recipient
from scanner.rules.context import RuleContext


def cc_overreach(ctx: RuleContext) -> list[Hit]:
    """Bcc, Cc of another organisation, too many Cc, or a Cc list, on a message with personal data."""
    rule = "CC_OVERREACH"
    if not ctx.has_personal:
        return []
    policy = ctx.policy
    archive = {a.lower() for a in policy.get("mailboxes", "archive", default=())}
    to_identities = {ctx.match(r).identity for r in ctx.targets if r.field == "to"}
    own = ctx.sender_match.identity if ctx.sender_match.organisation is not None else None
    flagged: list[str] = []
    for r in ctx.targets:
        if r.field == "bcc":
            if r.address != ctx.sender.address and r.address not in archive:
                flagged.append(r.address)
        elif r.field == "cc":
            m = ctx.match(r)
            if ctx.lko_feedback and m.organisation is not None and m.organisation.lso_member:
                continue
            if (m.identity != own and m.identity not in to_identities) or is_distribution_list(ctx, r.address):
                flagged.append(r.address)
    cc = [r.address for r in ctx.targets if r.field == "cc"]
    limit = int(policy.threshold("cc_count"))
    if len(cc) > limit:
        flagged += [a for a in cc[limit:] if a not in flagged]
    if not flagged:
        return []
    variant = "motivated" if ctx.motivation else "default"
    return [Hit(rule, policy.severity(rule, variant), variant, flagged, fields={},
                suggestions=[remove_recipient(a) for a in flagged])]


def case_not_anonymised(ctx: RuleContext) -> list[Hit]:
    """A case shared with colleagues or a team list for information, not anonymised."""
    rule = "CASE_NOT_ANONYMISED"
    # It fires when a name, V-nummer or date of birth is still there, not for "mevrouw A.".
    if not ctx.has_subject or not ctx.targets or ctx.outside or ctx.sender_match.organisation is None:
        return []
    visible = [r for r in ctx.targets if r.field in ("to", "cc")]
    lists = [r.address for r in visible if is_distribution_list(ctx, r.address)]
    if not lists and len(visible) < ctx.policy.threshold("case_colleagues"):
        return []
    text = ctx.own_text
    if not has_terms("info_sharing.txt", text) or has_terms("handover.txt", text) or ctx.lko_feedback:
        return []
    affected = lists or [r.address for r in visible]
    key = "lijst_list" if lists else "lijst_colleagues"
    lijst = fill(ctx.policy.template(rule, key, ctx.lang), {"adressen": ", ".join(affected), "n": len(affected)})
    return [Hit(rule, ctx.policy.severity(rule), "default", [r.address for r in ctx.targets],
                fields={"lijst": lijst}, suggestions=[Suggestion("anonymise", {"recipients": affected})])]
