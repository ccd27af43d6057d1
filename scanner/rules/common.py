"""Shared pieces of the rules: the Hit a rule returns, text helpers and person anchors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.documents import (
    fold,
    fold_text,
    load_terms,
    load_toml,
    search_patterns,
    term_regex,
    terms_pattern,
    terms_search,
)
from scanner.model import Finding, Suggestion, mask
from scanner.rules.context import SUBJECT_ENTITIES, RuleContext

# Entities that point at a data subject (lexicon.md §12).
ANCHOR_ENTITIES = SUBJECT_ENTITIES
ORG_FIELDS = frozenset({"afzender_org", "ontvanger_org", "organisatie", "bron"})
_FIELD = re.compile(r"\{(\w+)\}")  # a field in a message template
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n\s*\n|\n(?=\s*[-*•]|\s*\d+[.)]\s)")


@dataclass
class Hit:
    """One rule firing for some recipients (and an attachment), before de-duplication and rendering."""

    rule: str
    severity: str
    variant: str = "default"
    recipients: list[str] = field(default_factory=list)
    attachment: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    suggestions: list[Suggestion] = field(default_factory=list)
    per_recipient: bool = True  # recipients may be removed by §3 suppression

    def group_key(self) -> tuple[Any, ...]:
        return (self.rule, self.variant, self.severity, self.attachment,
                tuple(sorted((k, str(v)) for k, v in self.fields.items())))


def join_words(items: Iterable[str], lang: str = "nl") -> str:
    """"a, b en c" (nl) or "a, b and c" (en)."""
    words = [w for w in dict.fromkeys(items) if w]
    if len(words) <= 1:
        return "".join(words)
    conj = "and" if lang == "en" else "en"
    return f"{', '.join(words[:-1])} {conj} {words[-1]}"


def fill(template: str, fields: dict[str, Any]) -> str:
    """Put the fields in a template; organisation phrases start with a capital at a sentence start."""

    def put(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in fields:
            return m.group(0)
        value = str(fields[name])
        if name in ORG_FIELDS:  # the text before is looked at only for these
            before = template[: m.start()].rstrip(" ")
            if not before or before[-1] in ".?!:":
                value = value[:1].upper() + value[1:]
        return value

    return _FIELD.sub(put, template)


def sentence_bounds(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """Start and end of the sentence around text[start:end]."""
    end = start if end is None else end
    lo = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        lo = m.end()
    hi_m = _SENTENCE_END.search(text, end)
    hi = hi_m.end() if hi_m else len(text)
    return lo, hi


def previous_sentence(text: str, lo: int) -> tuple[int, int]:
    if lo <= 0:
        return 0, 0
    plo, _ = sentence_bounds(text, max(0, lo - 2))
    return plo, lo


def page_text(ctx: RuleContext, part_index: int, page: int | None) -> str:
    part = ctx.part(part_index)
    if part is None or not part.pages:
        return ""
    i = (page or 1) - 1
    return part.pages[i] if 0 <= i < len(part.pages) else ""


def anchors_in(ctx: RuleContext, part_index: int, page: int | None, lo: int, hi: int) -> list[Finding]:
    """Person findings (lexicon.md §12 entities) in text[lo:hi] of one page."""
    return [f for f in ctx.findings
            if f.part_index == part_index and (f.page or 1) == (page or 1) and f.entity in ANCHOR_ENTITIES
            and lo <= f.start < hi]


def anchored(ctx: RuleContext, part_index: int, page: int | None, text: str, start: int,
             end: int) -> list[Finding] | bool:
    """Whether text[start:end] is about a data subject (lexicon.md §12).

    Returns the anchoring person findings when there are any, True for a role
    noun or pronoun anchor without a finding, or [] when not anchored. A pronoun
    sentence or a very short one ("Echt een querulant.") takes the anchor of the
    sentence before.
    """
    lo, hi = sentence_bounds(text, start, end)
    found = anchors_in(ctx, part_index, page, lo, hi)
    if found:
        return found
    sentence = fold(text[lo:hi])
    if terms_pattern("anchors.txt").search(sentence):
        return True
    wording = load_toml("rules.toml")["wording"]
    if term_regex(wording["pronouns"]).search(sentence) or len(sentence.split()) <= wording["elliptic_words"]:
        plo, phi = previous_sentence(text, lo)
        previous = anchors_in(ctx, part_index, page, plo, phi)
        if previous:
            return previous
        if terms_pattern("anchors.txt").search(fold(text[plo:phi])):
            return True
    return []


def mask_person(findings: Sequence[Finding] | bool, ctx: RuleContext) -> str:
    """A masked name for messages ("K**** M******"), or the word for the person concerned."""
    if isinstance(findings, Sequence):
        for f in findings:
            if f.entity == "PERSON":
                return mask(f.text, f.entity)
    return ctx.policy.common("person", ctx.lang)


def main_person(ctx: RuleContext, part_indices: Iterable[int] | None = None) -> str:
    """Masked most frequent PERSON in the given parts (all when None)."""
    wanted = set(part_indices) if part_indices is not None else None
    counts: dict[str, int] = {}
    first: dict[str, Finding] = {}
    for f in ctx.personal:
        if f.entity != "PERSON" or (wanted is not None and f.part_index not in wanted):
            continue
        key = " ".join(fold(f.text).split())
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, f)
    if not counts:
        return ctx.policy.common("person", ctx.lang)
    best = max(counts, key=lambda k: counts[k])
    return mask(first[best].text, "PERSON")


# These search whole texts with a literal prefilter (scanner.prefilter): most texts hold none of
# the markers, and a substring test of the markers' words shows that without running the regex.


def find_all(regexes: Sequence[str], text: str) -> list[re.Match[str]]:
    return list(search_patterns(*regexes).finditer(fold_text(text))) if regexes else []


def find_terms(name: str, text: str) -> list[re.Match[str]]:
    return list(terms_search(name).finditer(fold_text(text)))


def has_terms(name: str, text: str) -> bool:
    return terms_search(name).search(fold_text(text)) is not None


def terms(name: str) -> tuple[str, ...]:
    return load_terms(name)


def pages_of(findings: Iterable[Finding]) -> list[int]:
    return sorted({f.page for f in findings if f.page})


def redact_suggestion(ctx: RuleContext, findings: Sequence[Finding], **extra: Any) -> list[Suggestion]:
    """One `redact` suggestion per part: which entities, on which pages (masked, no text)."""
    by_part: dict[int, list[Finding]] = {}
    for f in findings:
        by_part.setdefault(f.part_index, []).append(f)
    out = []
    for index, items in by_part.items():
        part = ctx.part(index)
        details: dict[str, Any] = {
            "part": part.part if part else "body",
            "attachment": part.name if part and part.part == "attachment" else None,
            "entities": sorted({f.entity for f in items}),
            "pages": pages_of(items),
            "masked": sorted({mask(f.text, f.entity) for f in items}),
        }
        details.update(extra)
        out.append(Suggestion("redact", details))
    return out


def remove_recipient(address: str, **extra: Any) -> Suggestion:
    return Suggestion("remove_recipient", {"address": address, **extra})


def is_distribution_list(ctx: RuleContext, address: str) -> bool:
    """A team or department list (rules.md CC_OVERREACH), unless the policy lists it as LKO/LSO members."""
    boxes = ctx.policy.get("mailboxes")
    if address.lower() in {a.lower() for a in boxes["lso_member_lists"]}:
        return False
    local = address.partition("@")[0].lower()
    words = set(re.split(r"[._\-+]", local))
    if words & {w.lower() for w in boxes["list_words"]}:
        return True
    return any(local.endswith(s.lower()) for s in boxes["list_suffixes"])


def negated(text: str, start: int, words: Sequence[str]) -> bool:
    """Whether a negation word stands earlier in the same sentence ("gebruik nooit WeTransfer")."""
    lo, _ = sentence_bounds(text, start)
    before = fold(text[lo:start])
    return term_regex(words).search(before) is not None
