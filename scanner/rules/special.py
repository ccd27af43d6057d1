"""Special data: SPECIAL_OUTSIDE_CHAIN (outside IND, DT&V, COA) and ASYLUM_MOTIVE_IN_CHAIN (inside it)."""

from __future__ import annotations

from collections.abc import Sequence

from scanner.model import Finding, Suggestion
from scanner.rules.common import Hit, join_words, redact_suggestion
from scanner.rules.context import RuleContext
from scanner.rules.documents import full_beschikking_parts

_SOORT = (("SPECIAL_CATEGORY", "soort_special"), ("CRIMINAL_DATA", "soort_criminal"), ("ASYLUM_MOTIVE", "soort_asylum"))


def examples(ctx: RuleContext, findings: Sequence[Finding], limit: int = 3) -> str:
    """Lexicon terms that matched (not personal data), else the subcategory in words."""
    words: list[str] = []
    for f in findings:
        word = f.term or ctx.policy.common(f"sub_{f.subcategory or f.entity}", ctx.lang)
        if word not in words:
            words.append(word)
    return join_words(words[:limit], ctx.lang)


def kinds_of_special(ctx: RuleContext, findings: Sequence[Finding]) -> str:
    """"bijzondere persoonsgegevens en strafrechtelijke gegevens" for the entities present."""
    entities = {f.entity for f in findings}
    words = [ctx.policy.template("SPECIAL_OUTSIDE_CHAIN", key, ctx.lang)
             for entity, key in _SOORT if entity in entities]
    return join_words(words, ctx.lang)


def _keep_pages(ctx: RuleContext, findings: Sequence[Finding]) -> list[Suggestion]:
    out = []
    for index in sorted({f.part_index for f in findings}):
        doc = ctx.document(index)
        if doc is not None and doc.kind == "beschikking" and doc.keep_pages and not doc.excerpt:
            out.append(Suggestion("keep_pages", {"attachment": doc.name, "pages": list(doc.keep_pages)}))
    return out


def special_outside_chain(ctx: RuleContext) -> list[Hit]:
    """Special or criminal data, or asylum motives, to anyone outside the kleine keten."""
    rule = "SPECIAL_OUTSIDE_CHAIN"
    special = ctx.special
    if not special or not ctx.has_subject:  # an anonymised case ("een bewoner uit Eritrea") names nobody
        return []
    policy = ctx.policy
    health_only = all(f.entity == "SPECIAL_CATEGORY" and f.subcategory == "health" for f in special)
    criminal_only = all(f.entity == "CRIMINAL_DATA" for f in special)
    fields = {"soort": kinds_of_special(ctx, special), "voorbeelden": examples(ctx, special)}
    suggestions = _keep_pages(ctx, special) + redact_suggestion(ctx, special)
    hits = []
    for r in ctx.targets:
        m = ctx.match(r)
        if m.category == "kleine_keten":
            continue
        org = m.organisation
        if m.category == "advocaat":
            variant = "advocaat"
        elif m.category == "nidos":
            variant = "nidos"
        elif org is not None and org.zorg and health_only and policy.is_partner(ctx.sender_org, m):
            variant = "zorg_health"
        elif org is not None and org.criminal_partner and criminal_only:
            variant = "criminal_partner"
        else:
            variant = "default"
        severity = policy.severity(rule, variant)
        message = "default" if severity == "block" else "warn"
        hits.append(Hit(rule, severity, message, [r.address], fields=dict(fields), suggestions=list(suggestions)))
    return hits


def asylum_motive_in_chain(ctx: RuleContext) -> list[Hit]:
    """Asylum motives to another kleine-keten organisation: confidential inside the chain too."""
    rule = "ASYLUM_MOTIVE_IN_CHAIN"
    covered = set(full_beschikking_parts(ctx))
    asylum = [f for f in ctx.special if f.entity == "ASYLUM_MOTIVE" and f.part_index not in covered]
    if not asylum:
        return []
    policy = ctx.policy
    hits = []
    for r in ctx.targets:
        m = ctx.match(r)
        if m.category != "kleine_keten" or ctx.is_own(r):
            continue
        if ctx.motivation:
            variant = "motivated"
        elif m.key == "COA":
            variant = "default"
        else:
            variant = "ind_dtv"
        hits.append(Hit(rule, policy.severity(rule, variant), variant, [r.address],
                        fields={"voorbeelden": examples(ctx, asylum),
                                "ontvanger_org": policy.org_phrase(m, ctx.lang)},
                        suggestions=redact_suggestion(ctx, asylum)))
    return hits
