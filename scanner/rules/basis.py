"""Whether the recipient may get the data at all: NO_LEGAL_BASIS, CONSENT_REQUIRED, PERSONAL_MAILBOX,
LAWYER_UNVERIFIED and PURPOSE_NOT_STATED."""

from __future__ import annotations

from functools import cache

from scanner.documents import any_match, fold, load_toml
from scanner.model import Suggestion
from scanner.rules.common import Hit, find_all, has_terms, join_words, negated, remove_recipient
from scanner.rules.context import RuleContext


def no_legal_basis(ctx: RuleContext) -> list[Hit]:
    """Personal data to a recipient without a basis: unknown, or not in the sender's matrix column."""
    rule = "NO_LEGAL_BASIS"
    if not ctx.has_subject:
        return []
    hits = []
    severity = ctx.policy.severity(rule)
    for r in ctx.targets:
        m = ctx.match(r)
        if ctx.is_own(r):
            continue
        if m.category == "webmail":
            # Only asked for a private mailbox (most mails have none): its text is searched once.
            if not ctx.once(_third_party_mailbox):  # it may be the data subject's own: PERSONAL_MAILBOX
                continue
            hit = Hit(rule, severity, "derde", [r.address])
        elif m.category == "onbekend":
            if not m.lookalike_of and _lawyer_addressed(ctx, r.address):
                continue  # the client's lawyer on a domain the directory does not know: LAWYER_UNVERIFIED
            if m.lookalike_of:
                hit = Hit(rule, severity, "lookalike", [r.address],
                          fields={"domein": m.domain, "bekend_domein": m.lookalike_of})
            else:
                hit = Hit(rule, severity, "onbekend", [r.address])
        elif ctx.sender_org is not None and not ctx.policy.is_partner(ctx.sender_org, m):
            hit = Hit(rule, severity, "default", [r.address],
                      fields={"organisatie": ctx.policy.org_phrase(m, ctx.lang)})
        else:
            continue
        hit.suggestions.append(remove_recipient(r.address))
        hits.append(hit)
    return hits


def _third_party_mailbox(ctx: RuleContext) -> bool:
    """The sender's text shows a private address is a relative's or a friend's, not the client's ("uw neef")."""
    return bool(find_all(_third_party_signals(), ctx.own_text))


@cache
def _third_party_signals() -> tuple[str, ...]:
    spec = load_toml("rules.toml")["third_party_mailbox"]
    return tuple(signal.replace("{relatives}", spec["relatives"]) for signal in spec["signals"])


def _lawyer_addressed(ctx: RuleContext, address: str) -> bool:
    """The message shows the recipient is the client's lawyer: "Geachte mr.", "uw cliënt", or a quoted claim."""
    return bool(find_all(load_toml("rules.toml")["lawyer"]["addressed"], ctx.own_text)) or _lawyer_claim(ctx, address)


def _machtiging_referenced(ctx: RuleContext) -> bool:
    """A sentence in the body or the quoted thread that refers to a machtiging (not "geen machtiging")."""
    spec = load_toml("rules.toml")["machtiging"]
    text = ctx.all_body_text
    for m in find_all(spec["references"], text):
        if not negated(text, m.start(), spec["negations"]):
            return True
    return False


def consent_required(ctx: RuleContext) -> list[Hit]:
    """Personal data to an ngo (not Nidos) without a machtiging with date, name and signature."""
    rule = "CONSENT_REQUIRED"
    ngos = [r for r in ctx.targets if ctx.match(r).category == "ngo"]
    if not ngos or not ctx.has_subject:
        return []
    machtigingen = [(i, d) for i, d in enumerate(ctx.documents) if d.kind == "machtiging"]
    if any(all(d.machtiging.get(k) for k in ("datum", "naam", "handtekening")) for _, d in machtigingen):
        return []
    severity = ctx.policy.severity(rule)
    incomplete = [(i, d) for i, d in machtigingen if d.part == "attachment"]
    if not incomplete and _machtiging_referenced(ctx):
        return []
    hits = []
    for r in ngos:
        suggestion = Suggestion("add_machtiging", {"recipient": r.address})
        if incomplete:
            doc = incomplete[0][1]
            labels = {"datum": "date", "naam": "name", "handtekening": "signature"}
            missing = [k if ctx.lang == "nl" else labels[k] for k in ("datum", "naam", "handtekening")
                       if not doc.machtiging.get(k)]
            hits.append(Hit(rule, severity, "incomplete", [r.address], attachment=doc.name,
                            fields={"ontbreekt": join_words(missing, ctx.lang)}, suggestions=[suggestion]))
        else:
            hits.append(Hit(rule, severity, "default", [r.address],
                            fields={"organisatie": ctx.policy.org_phrase(ctx.match(r), ctx.lang)},
                            suggestions=[suggestion]))
    return hits


def personal_mailbox(ctx: RuleContext) -> list[Hit]:
    """Personal data to a private mailbox (gmail.com, hotmail.com …)."""
    rule = "PERSONAL_MAILBOX"
    if not ctx.has_personal:
        return []
    private = [r for r in ctx.targets if ctx.match(r).category == "webmail"]
    if not private or ctx.once(_third_party_mailbox):
        return []  # NO_LEGAL_BASIS: the address is not the data subject's
    severity = ctx.policy.severity(rule)
    return [Hit(rule, severity, "default", [r.address], fields={"adres": r.address},
                suggestions=[remove_recipient(r.address)])
            for r in private]


def _lawyer_claim(ctx: RuleContext, address: str) -> bool:
    """Someone claims to be a lawyer in the quoted request or its signature."""
    claims = load_toml("rules.toml")["lawyer"]["claim"]
    for index, part in ctx.indexed_parts(attachments=False):
        doc = ctx.document(index)
        quoted = part.forwarded or any(line.lstrip().startswith(">") for line in part.text.splitlines())
        if not quoted:
            continue
        if doc is not None and doc.quoted_from and address not in doc.quoted_from:
            continue
        lines = part.text if part.forwarded else "\n".join(
            line for line in part.text.splitlines() if line.lstrip().startswith(">"))
        if any_match(tuple(claims), fold(lines)):
            return True
    return False


def lawyer_unverified(ctx: RuleContext) -> list[Hit]:
    """Personal data to a lawyer: a reminder to verify at the NOvA; warn for a lawyer on a private mailbox."""
    rule = "LAWYER_UNVERIFIED"
    if not ctx.has_personal:
        return []
    hits = []
    for r in ctx.targets:
        category = ctx.match(r).category
        if category == "advocaat":
            hits.append(Hit(rule, ctx.policy.severity(rule), "default", [r.address]))
        elif category == "webmail" and _lawyer_claim(ctx, r.address):
            hits.append(Hit(rule, ctx.policy.severity(rule, "claim_private"), "claim_private", [r.address]))
        elif category == "onbekend" and not ctx.match(r).lookalike_of and _lawyer_addressed(ctx, r.address):
            hits.append(Hit(rule, ctx.policy.severity(rule, "claim_unknown"), "claim_unknown", [r.address]))
    return hits


def purpose_not_stated(ctx: RuleContext) -> list[Hit]:
    """Personal data to a gemeente, overheid or ngo, with no request and no stated purpose."""
    rule = "PURPOSE_NOT_STATED"
    if not ctx.has_personal:
        return []
    hits = []
    severity = ctx.policy.severity(rule)
    for r in ctx.targets:
        m = ctx.match(r)
        if m.category not in ("gemeente", "overheid", "ngo") or ctx.is_own(r):
            continue
        variant = "gemeente" if m.category == "gemeente" else "default"
        hits.append(Hit(rule, severity, variant, [r.address]))
    # The message is looked at for a request or a stated purpose only when a recipient needs
    # one (few do).
    if not hits or ctx.request_context or ctx.motivation or has_terms("purpose.txt", ctx.all_body_text):
        return []
    return hits
