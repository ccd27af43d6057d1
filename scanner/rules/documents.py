"""Rules about what is attached: FULL_BESCHIKKING, SOURCE_NOT_OWNER, USE_CHAIN_SYSTEM,
INTERNAL_CORRESPONDENCE, THIRD_PARTY_DATA, PHOTO_ATTACHMENT, FULL_DOSSIER, VERTREKSTRATEGIE_TO_NGO."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from redaction.pages import beschikking_pages
from scanner.documents import Document, any_match, fold, load_toml, patterns
from scanner.model import Finding, Part, Suggestion, mask
from scanner.policy import CHAIN_CATEGORIES
from scanner.rules.common import Hit, join_words, main_person, redact_suggestion
from scanner.rules.context import RuleContext

BESCHIKKING = "beschikking"
# Documents whose owner matters for "halen bij de bron" (documents.md §9).
OWNED_KINDS = frozenset({"beschikking", "gespreksverslag", "pip_verslag", "vertrekstrategie", "lijst",
                         "lso_verslag", "dossier", "interne_notitie"})
CHAIN_DOCUMENT_KINDS = frozenset({"beschikking", "id_document", "lijst"})
_PASTED_PAGE_CHARS = 2500  # a page of a pasted beschikking, to count its pages


def _effective_pages(ctx: RuleContext, index: int, doc: Document) -> int:
    """Pages present: footers or the PDF's pages; a pasted beschikking counts by its length."""
    part = ctx.part(index)
    if part is not None and part.part == "body" and not part.paged:
        return max(1, len(part.text) // _PASTED_PAGE_CHARS)
    return len(doc.page_numbers) or doc.pages


def full_beschikking_parts(ctx: RuleContext) -> list[int]:
    """Parts that are a full IND beschikking of more than the threshold of pages (FULL_BESCHIKKING)."""
    limit = ctx.policy.threshold("full_beschikking_pages")
    out = []
    for index, doc in enumerate(ctx.documents):
        if doc.kind != BESCHIKKING or doc.excerpt:
            continue
        if doc.part == "body" and doc.confidence < 0.8:
            continue
        if _effective_pages(ctx, index, doc) > limit:
            out.append(index)
    return out


def _pages_text(pages: list[int] | tuple[int, ...], lang: str) -> str:
    return join_words([str(p) for p in pages], lang)


def full_beschikking(ctx: RuleContext) -> list[Hit]:
    """A whole beschikking attached where page 1 and the last (two) pages usually suffice."""
    rule = "FULL_BESCHIKKING"
    if ctx.targets and not ctx.outside:
        return []
    variant = "motivated" if ctx.motivation else "default"
    severity = ctx.policy.severity(rule, variant)
    hits = []
    for index in full_beschikking_parts(ctx):
        doc = ctx.documents[index]
        keep = list(doc.keep_pages) or beschikking_pages(doc.original_pages or doc.pages)
        name = doc.name or ctx.policy.common("the_message", ctx.lang)
        hits.append(Hit(
            rule, severity, variant, [r.address for r in ctx.outside], attachment=doc.name,
            fields={"bijlage": name, "n": _effective_pages(ctx, index, doc), "paginas": _pages_text(keep, ctx.lang)},
            suggestions=[Suggestion("keep_pages", {"attachment": doc.name, "pages": keep})],
            per_recipient=False,
        ))
    return hits


def source_not_owner_parts(ctx: RuleContext) -> dict[int, tuple[str, list[str]]]:
    """Attachments owned by another chain organisation: part -> (owner name, recipients that are not the owner)."""
    sender = ctx.sender_org
    out: dict[int, tuple[str, list[str]]] = {}
    if sender is None:
        return out
    for index, doc in enumerate(ctx.documents):
        if doc.part != "attachment" or doc.kind not in OWNED_KINDS or not doc.owner:
            continue
        owner = ctx.policy.organisation(doc.owner)
        if owner is None or owner.key == sender.key or owner.category not in CHAIN_CATEGORIES:
            continue
        if not ctx.findings_in(index) and not doc.about_one_person:
            continue
        recipients = [r.address for r in ctx.outside if ctx.match(r).key != owner.key]
        if recipients:
            out[index] = (owner.name, recipients)
    return out


def source_not_owner(ctx: RuleContext) -> list[Hit]:
    """Passing on another chain organisation's document (or mail) instead of letting the recipient ask the source."""
    rule = "SOURCE_NOT_OWNER"
    hits = []
    policy = ctx.policy
    for index, (owner_name, recipients) in source_not_owner_parts(ctx).items():
        doc = ctx.documents[index]
        owner = policy.organisation(owner_name)
        hits.append(Hit(
            rule, policy.severity(rule), "default", recipients, attachment=doc.name,
            fields={"bijlage": doc.name, "bron": policy.org_phrase(owner, ctx.lang),
                    "ontvanger_org": _orgs(ctx, recipients)},
            suggestions=[Suggestion("ask_source", {"attachment": doc.name, "organisation": owner_name,
                                                   "channel": (owner.chain_system if owner else None) or "BVV"})],
        ))
    sender = ctx.sender_org
    if sender is None:
        return hits
    for index, part in ctx.indexed_parts(attachments=False):
        doc = ctx.documents[index]
        if not part.forwarded or not ctx.findings_in(index):
            continue
        owners = {ctx.match(a).organisation for a in doc.quoted_from}
        chain_owners = [o for o in owners if o is not None and o.key != sender.key and o.category == "kleine_keten"]
        if not chain_owners:
            continue
        owner = chain_owners[0]
        recipients = [r.address for r in ctx.outside if ctx.match(r).key != owner.key]
        if recipients:
            hits.append(Hit(rule, policy.severity(rule, "forwarded"), "forwarded", recipients,
                            fields={"bron": policy.org_phrase(owner, ctx.lang), "bijlage": "",
                                    "ontvanger_org": _orgs(ctx, recipients)}))
    return hits


def _orgs(ctx: RuleContext, addresses: list[str]) -> str:
    return join_words([ctx.policy.org_phrase(ctx.match(a), ctx.lang) for a in addresses], ctx.lang)


def use_chain_system(ctx: RuleContext) -> list[Hit]:
    """Chain documents mailed to a chain partner that can fetch them from the ketenvoorzieningen."""
    rule = "USE_CHAIN_SYSTEM"
    chain = [r for r in ctx.outside if ctx.match(r).category in CHAIN_CATEGORIES]
    if not chain:
        return []
    covered = source_not_owner_parts(ctx)
    hits = []
    for index, doc in enumerate(ctx.documents):
        if doc.part != "attachment" or index in covered or doc.kind not in CHAIN_DOCUMENT_KINDS:
            continue
        if doc.kind == "lijst" and not ctx.findings_in(index):
            continue
        addresses = [r.address for r in chain]
        hits.append(Hit(
            rule, ctx.policy.severity(rule), "default", addresses, attachment=doc.name,
            fields={"ontvanger_org": _orgs(ctx, addresses)},
            suggestions=[Suggestion("use_channel", {"channel": "BVV/Indigo", "attachment": doc.name,
                                                    "recipients": addresses})],
        ))
    return hits


def internal_correspondence(ctx: RuleContext) -> list[Hit]:
    """Internal notes or internal threads of the sender's organisation going outside it."""
    rule = "INTERNAL_CORRESPONDENCE"
    recipients = [r.address for r in ctx.outside]
    if not recipients:
        return []
    sender = ctx.sender_match
    hits = []
    for index, part in ctx.indexed_parts():
        doc = ctx.documents[index]
        if part.part == "body" and not part.forwarded:
            continue
        personal = bool(ctx.findings_in(index))
        name = doc.name or ctx.policy.common("the_message", ctx.lang)
        if doc.internal == "explicit" and (personal or doc.restricted):
            hits.append(Hit(rule, ctx.policy.severity(rule), "default", recipients, attachment=doc.name,
                            fields={"bijlage": name},
                            suggestions=[Suggestion("redact", {"attachment": doc.name, "part": part.part,
                                                               "remove": True})]))
            continue
        quoted = [ctx.match(a) for a in doc.quoted_from]
        if (personal and doc.deliberation and quoted and sender.organisation is not None
                and all(q.identity == sender.identity for q in quoted)):
            hits.append(Hit(rule, ctx.policy.severity(rule, "inferred"), "inferred", recipients,
                            attachment=doc.name, fields={"bijlage": name},
                            suggestions=[Suggestion("redact", {"attachment": doc.name, "part": part.part,
                                                               "remove": True})]))
    return hits


def _line_matches(regexes: list[str], text: str, pos: int) -> bool:
    """The line of `pos` starts with a label, or the line before is only that label (a table cell)."""
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    line = text[lo: hi if hi >= 0 else len(text)]
    if any_match(tuple(regexes), fold(line)):
        return True
    before = text[:max(0, lo - 1)].rpartition("\n")[2].strip()
    bare_label = bool(before) and ":" not in before and len(before) <= 30
    return bare_label and bool(any_match(tuple(regexes), fold(before) + ":"))


def _same_person(name: str, main: str) -> bool:
    a, b = set(fold(name).replace(".", " ").split()), set(fold(main).replace(".", " ").split())
    return bool(a) and (a <= b or b <= a)


@cache
def _roles() -> re.Pattern[str]:
    """The role words of third parties as one pattern (made once, not per message)."""
    return patterns(r"\b(?:" + "|".join(load_toml("documents.toml")["third_party"]["roles"]) + r")\b")


def third_party_data(ctx: RuleContext) -> list[Hit]:
    """Gespreksverslagen, PiP and incident reports that hold third parties' data (family, witnesses, victims)."""
    rule = "THIRD_PARTY_DATA"
    recipients = [r.address for r in ctx.outside]
    if ctx.targets and not recipients:
        return []
    spec = load_toml("documents.toml")["third_party"]
    roles = _roles()
    hits = []
    reports = ("gespreksverslag", "pip_verslag")
    for index, doc in enumerate(ctx.documents):
        # An attached report, or one pasted into the mail (an incident report, notes of a hearing).
        if doc.kind not in reports and not (doc.kind == "mail" and set(doc.signals) & set(reports)):
            continue
        part = ctx.part(index)
        findings = ctx.findings_in(index)
        persons = [f for f in findings if f.entity == "PERSON"]
        if not persons or part is None:
            continue

        def text_of(f: Finding, part: Part = part) -> str:
            i = (f.page or 1) - 1
            return part.pages[i] if 0 <= i < len(part.pages) else part.text

        main = None
        for f in persons:
            if _line_matches(spec["subject_labels"], text_of(f), f.start):
                main = f.text
                break
        if main is None:
            counts = Counter(" ".join(fold(f.text).split()) for f in persons)
            best = counts.most_common(1)[0][0]
            main = next(f.text for f in persons if " ".join(fold(f.text).split()) == best)
        third: list[Finding] = []
        found_roles: list[str] = []
        for f in findings:
            if f.special or f.entity in ("V_NUMBER", "BSN", "KLANTNUMMER"):
                continue
            text = text_of(f)
            if any(_line_matches(spec[k], text, f.start) for k in ("staff_labels", "subject_labels")):
                continue
            if f.entity == "PERSON" and _same_person(f.text, main):
                continue
            # The role word stands just before (or after) the value on the same line; sentence
            # bounds would cut at abbreviations such as "tel.".
            lo = text.rfind("\n", 0, f.start) + 1
            hi = text.find("\n", f.end)
            window = fold(text[max(lo, f.start - 70): min(hi if hi >= 0 else len(text), f.end + 30)])
            role = roles.search(window)
            if role:
                third.append(f)
                if role.group(0) not in found_roles:  # a brother's name and his phone number: one role
                    found_roles.append(role.group(0))
        if third:
            hits.append(Hit(
                rule, ctx.policy.severity(rule), "default", recipients, attachment=doc.name,
                fields={"bijlage": doc.name or ctx.policy.common("the_message", ctx.lang),
                        "betrokkene": mask(main, "PERSON"), "rol": join_words(found_roles[:3], ctx.lang)},
                suggestions=redact_suggestion(ctx, third, reason="derden"), per_recipient=False,
            ))
    return hits


def photo_attachment(ctx: RuleContext) -> list[Hit]:
    """A (pas)foto or image of a person sent outside the organisation."""
    rule = "PHOTO_ATTACHMENT"
    recipients = [r.address for r in ctx.outside]
    # Most mails have no image attachment: then the body is not searched for publication words.
    if not recipients or not any(doc.image and doc.part == "attachment" for doc in ctx.documents):
        return []
    spec = load_toml("rules.toml")["photo"]
    body = fold(ctx.own_text)
    published = bool(any_match(tuple(spec["publication"]), body))
    publication = published or any(ctx.match(a).category == "onbekend" for a in recipients)
    hits = []
    for index, doc in enumerate(ctx.documents):
        if not doc.image or doc.part != "attachment":
            continue
        named = bool(any_match(tuple(spec["signals"]), fold(doc.name or "")))
        part = ctx.part(index)
        if doc.kind == "afbeelding" and not named and part is not None and part.meta.get("faces") == 0:
            continue  # looked at: no face, no ID-document zone (a logo, chart, screenshot or signature)
        if doc.kind == "afbeelding" and (doc.inline or not named):
            part = ctx.part(index)
            small = part is not None and 0 < part.size < ctx.policy.threshold("photo_min_bytes")
            if doc.inline or small:
                continue
        signal = ctx.has_personal or named or published or bool(any_match(tuple(spec["signals"]), body))
        if not signal:
            continue
        variant = "publication" if publication else "default"
        hits.append(Hit(rule, ctx.policy.severity(rule), variant, recipients, attachment=doc.name,
                        fields={"bijlage": doc.name or ""},
                        suggestions=[Suggestion("redact", {"attachment": doc.name, "remove": True})],
                        per_recipient=False))
    return hits


def _archive_members(ctx: RuleContext, name: str) -> list[int]:
    prefix = name.rstrip("/") + "/"
    return [i for i, p in enumerate(ctx.message.parts) if p.part == "attachment" and (p.name or "").startswith(prefix)]


def full_dossier(ctx: RuleContext) -> list[Hit]:
    """A whole file instead of the needed parts: an archive, many documents on one person, a dossier."""
    rule = "FULL_DOSSIER"
    if not ctx.has_personal:
        return []
    recipients = [r.address for r in ctx.outside]
    if ctx.targets and not recipients:
        return []
    spec = load_toml("rules.toml")["dossier"]
    policy = ctx.policy
    attachments = [(i, d) for i, d in enumerate(ctx.documents) if d.part == "attachment" and not d.archive]
    with_data = [i for i, _ in attachments if ctx.findings_in(i)]
    attachment, n = None, 0

    for doc in ctx.documents:
        if doc.archive and doc.name:
            members = _archive_members(ctx, doc.name)
            if len(members) >= policy.threshold("archive_members") and (
                    any(ctx.findings_in(i) for i in members) or any(ctx.part(i).error for i in members)):
                attachment, n = doc.name, len(members)
                break
    if attachment is None:
        subjects: dict[str, set[int]] = {}
        for f in ctx.personal:
            if f.entity in ("V_NUMBER", "BSN", "KLANTNUMMER", "PERSON") and f.part == "attachment":
                key = re.sub(r"\D", "", f.text) if f.entity != "PERSON" else " ".join(fold(f.text).split())
                subjects.setdefault(f"{f.entity}:{key}", set()).add(f.part_index)
        most = max((len(v) for v in subjects.values()), default=0)
        if most >= policy.threshold("dossier_attachments"):
            n = most
    if attachment is None and not n:
        for index, doc in attachments:
            if len(doc.doc_types) >= policy.threshold("dossier_doc_types"):
                attachment, n = doc.name, len(doc.doc_types)
                break
            if doc.kind == "dossier" and ctx.findings_in(index):
                attachment, n = doc.name, max(1, len(doc.doc_types))
                break
    if attachment is None and not n and with_data and any_match(tuple(spec["phrases"]), fold(ctx.own_text)):
        n = len(with_data)
    if attachment is None and not n:
        return []
    return [Hit(rule, policy.severity(rule), "default", recipients, attachment=attachment, fields={"n": n},
                suggestions=[Suggestion("redact", {"attachment": attachment, "keep": "alleen de nodige stukken"
                                                   if ctx.lang == "nl" else "only the documents needed"})],
                per_recipient=False)]


def vertrekstrategie_to_ngo(ctx: RuleContext) -> list[Hit]:
    """The departure strategy of a person sent to an ngo or stichting (Nidos: warn)."""
    rule = "VERTREKSTRATEGIE_TO_NGO"
    targets = [r for r in ctx.targets if ctx.match(r).category in ("ngo", "nidos")]
    if not targets or not ctx.has_personal:
        return []
    parts = []
    for index, doc in enumerate(ctx.documents):
        if doc.kind == "vertrekstrategie" or "vertrekstrategie" in doc.signals:
            if ctx.findings_in(index) or (doc.about_one_person and doc.part == "attachment"):
                parts.append(index)
    if not parts:
        return []
    person = main_person(ctx, parts) if any(ctx.findings_in(i) for i in parts) else main_person(ctx)
    first = ctx.documents[parts[0]]
    attachment = first.name if first.part == "attachment" else None
    hits = []
    for r in targets:
        variant = "nidos" if ctx.match(r).category == "nidos" else "default"
        hits.append(Hit(rule, ctx.policy.severity(rule, variant), variant, [r.address], attachment=attachment,
                        fields={"betrokkene": person},
                        suggestions=[Suggestion("redact", {"attachment": attachment, "remove": bool(attachment),
                                                           "what": "vertrekstrategie"})]))
    return hits
