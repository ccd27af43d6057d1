"""Faster forms of lexicon helpers give what the plain regular expressions gave (random texts)."""

from __future__ import annotations

import random
import re
from bisect import bisect_left

from recognizers.lexicon import _FOLD, _SENTENCE_END, _TERM_KINDS, _word_before, get_lexicon, normalize

_OLD_JOIN = re.compile(r"(?P<hyphenation>(?<=[a-z])-[ \t]*\n[ \t\n]*(?=[a-z]))|(?P<drop>\x00+)|(?P<separator>[\s\-]+)")


def _old_normalize(text: str) -> tuple[str, tuple[int, ...]]:
    """normalize() as it was: every separator run, also a single space, one Python step, and an
    offset per character spelt out; the folded text and its offsets."""
    folded = text.translate(_FOLD)
    pieces: list[str] = []
    offsets: list[int] = []
    pos = 0
    for match in _OLD_JOIN.finditer(folded):
        start, end = match.span()
        if start > pos:
            pieces.append(folded[pos:start])
            offsets.extend(range(pos, start))
        if match.lastgroup == "separator":
            pieces.append(" ")
            offsets.append(start)
        pos = end
    pieces.append(folded[pos:])
    offsets.extend(range(pos, len(folded)))
    return "".join(pieces), tuple(offsets)


def _texts(alphabet: str, n: int = 20000) -> list[str]:
    rng = random.Random(19)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16))) for _ in range(n)]


def test_normalize_equals_the_one_step_per_separator_form() -> None:
    for text in [*_texts("ab -\n\t\r\x00\u00ad\u2013\u0301\u00c9z.\u2028\xa0"), "psychia-\ntrische", "hiv-positief"]:
        norm = normalize(text)
        folded, offsets = _old_normalize(text)
        assert (norm.text, norm.offsets) == (folded, offsets), repr(text)
        # each offset read alone (the runs the folding kept) is the one spelt out
        assert [norm.original_offset(pos) for pos in range(len(folded))] == list(offsets), repr(text)
        assert [norm.folded_offset(pos) for pos in range(-1, len(text) + 2)] == [
            bisect_left(offsets, pos) for pos in range(-1, len(text) + 2)
        ], repr(text)
        assert all(norm.original_span(s, e) == (offsets[s], offsets[e - 1] + 1)
                   for s in range(len(folded)) for e in range(s + 1, len(folded) + 1)), repr(text)


def test_word_before_equals_the_regex_search() -> None:
    regex = re.compile(r"([\w.]+)$")
    for text in _texts("ab_.\n \t1\u00e9-\r\u00b2"):
        for end in range(len(text) + 1):
            found = regex.search(text, 0, end)
            assert _word_before(text, end) == (found.group(1) if found else ""), (text, end)


def test_sentence_end_equals_the_regex_without_its_look_ahead() -> None:
    """`_SENTENCE_END`'s leading look-ahead (where a form can start) changes no match."""
    old = re.compile(_SENTENCE_END.pattern.removeprefix(r"(?=[.!?…\t\n ])"))
    assert old.pattern != _SENTENCE_END.pattern
    for text in [*_texts("aZ1 .!?…\t\n\"')(•-*:;\u201d\u2019\u2028\xa0é"), "Dhr. A. Yusuf kwam. Hij\n\n- ging"]:
        assert [(m.span(), m.groupdict()) for m in _SENTENCE_END.finditer(text)] == [
            (m.span(), m.groupdict()) for m in old.finditer(text)
        ], repr(text)


def test_hits_tell_whether_one_is_a_term() -> None:
    """`Lexicon.hits`' term flag (from the keys) is whether a hit's entry is a term kind."""
    lexicon = get_lexicon()
    texts = ["Hij heeft diabetes en is moslim.", "Dit is OM zaak, IS strijder", "kankerbehandeling, stress-stoornis",
             "Ik bel om 3 uur over de vergadering.", "de PTSS-kliniek", "", "ziekte zieke ziektes medisch"]
    rng = random.Random(19)
    words = " ".join(texts).split()
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(300)]
    seen = set()
    for text in texts:
        found, terms = lexicon.hits(normalize(text), text)
        assert terms == any(hit.entry.kind in _TERM_KINDS for hit in found), text
        seen.add(terms)
    assert seen == {True, False}
