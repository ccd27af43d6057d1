"""SUBJECTIVE_REMARK: judgemental labels about a person (lexicon.md §15)."""

from __future__ import annotations

from scanner.documents import any_match, fold, load_toml
from scanner.rules.common import Hit, anchored, find_terms, mask_person, sentence_bounds
from scanner.rules.context import RuleContext

_QUOTES = "\"'\u201c\u201d\u201e\u2018\u2019\u00ab\u00bb"


def subjective_remark(ctx: RuleContext) -> list[Hit]:
    """The sender's own judgement ("querulant", "gelukzoeker") about a person, not reported speech."""
    rule = "SUBJECTIVE_REMARK"
    if not ctx.has_personal:
        return []
    reported = tuple(load_toml("rules.toml")["wording"]["reported_speech"])
    words: list[str] = []
    person = None
    for index, part in ctx.indexed_parts(attachments=False, forwarded=False):
        text = part.text
        for m in find_terms("judgemental.txt", text):
            lo, _ = sentence_bounds(text, m.start(), m.end())
            before = text[max(lo, m.start() - 1): m.start()]
            if before and before in _QUOTES:
                continue
            if any_match(reported, fold(text[lo:m.start()])):
                continue
            anchor = anchored(ctx, index, None, text, m.start(), m.end())
            if not anchor:
                continue
            word = text[m.start():m.end()].lower()
            if word not in words:
                words.append(word)
            if person is None:
                person = mask_person(anchor, ctx)
    if not words:
        return []
    return [Hit(rule, ctx.policy.severity(rule), "default", [r.address for r in ctx.targets],
                fields={"betrokkene": person or ctx.policy.common("person", ctx.lang), "woord": '", "'.join(words)},
                per_recipient=False)]
