"""A literal prefilter for regular expressions: skip the regex engine when a text cannot match.

Python's `re` has no fast path for an alternation such as `\\bbeschikking\\b|\\bbesluit\\s+op…`
(the word boundary in front, and case-insensitivity, hide every literal prefix), so a search tries
each alternative at each position of the text. Most marker lists match nothing in most mails. Each
alternative, though, contains a literal ("beschikking", "besluit") that every match must contain; a
substring test (`needle in text`, a C loop over memory) for those needles is far cheaper and
proves that no match exists whenever none of them occurs. When one does, the regex runs as before,
so results are identical.

The needles are read from the pattern's parse tree (`re._parser`, the module `re` itself compiles
with). The reading is conservative: anything it does not understand requires nothing, and a
pattern with an alternative that requires nothing gets no prefilter at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

# Needles shorter than this occur in nearly every text: testing them costs more than it saves.
MIN_NEEDLE = 3
# A literal branch ("(?:van|uit|over)") multiplies the strings a sequence may be; beyond this
# many the sequence is cut there (still exact, only less selective).
MAX_VARIANTS = 32
# In a lower-cased text, a case-insensitive ASCII literal matches only itself, except that "i"
# also matches the dotless i (U+0131) and "s" the long s (U+017F); and the dotted capital I
# (U+0130) lowers to "i" plus U+0307, which splits the word. (Checked against `re` over every
# code point: tests/test_prefilter.py.) A text with one of these is searched without the prefilter.
_CASE_TWINS = ("\u0131", "\u017f", "\u0307")

_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)


@dataclass(frozen=True, slots=True)
class Prefiltered:
    """A compiled pattern with the needles (lower case when it ignores case) one of which every
    match contains; `needles` is None when no such set is known (the regex always runs)."""

    regex: re.Pattern[str]
    needles: tuple[str, ...] | None
    ignore_case: bool  # the needles are tested on the lower-cased text

    @classmethod
    def of(cls, regex: re.Pattern[str]) -> Prefiltered:
        return cls(regex, required_literals(regex), bool(regex.flags & re.IGNORECASE))

    def possible(self, text: str) -> bool:
        """False when the pattern cannot match anywhere in `text` (then the regex need not run)."""
        needles = self.needles
        if needles is None:
            return True
        if self.ignore_case:
            haystack = _lowered(text)
            if haystack is None:
                return True
        else:
            haystack = text
        return any(needle in haystack for needle in needles)

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text) if self.possible(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text) if self.possible(text) else iter(())

    def findall(self, text: str) -> list[Any]:
        return self.regex.findall(text) if self.possible(text) else []


@lru_cache(maxsize=16)
def _lowered(text: str) -> str | None:
    """`text` in lower case for the needle test, or None when a case twin makes the test inexact.

    Cached: the many marker groups of one part (documents.py) all test the same text."""
    lowered = text.lower()
    return None if any(twin in lowered for twin in _CASE_TWINS) else lowered


def required_literals(regex: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which occurs in every match of `regex`, or None when none are known."""
    try:
        tree = _parser.parse(regex.pattern, regex.flags)
    except Exception:  # a parser change in a later Python: simply no prefilter
        return None
    needles = _required(list(tree))
    if not needles:
        return None
    if regex.flags & re.IGNORECASE:
        needles = {n.lower() for n in needles}
    # A needle that contains another is redundant: the shorter one occurs whenever it does.
    kept = sorted(needles, key=lambda n: (len(n), n))
    kept = [n for i, n in enumerate(kept) if not any(k in n for k in kept[:i])]
    return tuple(kept)


def _required(items: list[tuple[Any, Any]]) -> set[str] | None:
    """Best set of strings one of which every match of the sequence `items` contains."""
    candidates: list[set[str]] = []
    run: set[str] | None = None  # what the text just matched may be (contiguous literal text)
    for op, av in items:
        exact = _exact(op, av)
        if exact is not None and (run is None or len(run) * len(exact) <= MAX_VARIANTS):
            run = exact if run is None else {a + b for a in run for b in exact}
            continue
        if op in _ZERO_WIDTH:  # consumes nothing: the text on both sides stays contiguous
            continue
        if run is not None:
            candidates.append(run)
        run = exact  # a literal piece that was too varied to extend the run starts a new one
        inner = _inner(op, av)
        if inner is not None:
            candidates.append(inner)
    if run is not None:
        candidates.append(run)
    candidates = [c for c in candidates if min(map(len, c)) >= MIN_NEEDLE]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(map(len, c)), -len(c)))


def _inner(op: Any, av: Any) -> set[str] | None:
    """Needles of a group, branch or repetition that is not a literal piece as a whole."""
    if op is sre.SUBPATTERN:
        _, add_flags, del_flags, body = av
        return None if add_flags or del_flags else _required(list(body))
    if op is sre.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            needles = _required(list(branch))
            if needles is None:
                return None
            out |= needles
        return out
    if op in _REPEATS and av[0] >= 1:
        return _required(list(av[2]))
    return None


def _exact(op: Any, av: Any) -> set[str] | None:
    """All the strings a piece can match when it is plain literal text (ASCII), else None."""
    if op is sre.LITERAL:
        return {chr(av)} if av < 128 else None
    if op is sre.IN:  # a class of single characters only ("[sz]")
        if all(o is sre.LITERAL and a < 128 for o, a in av):
            return {chr(a) for o, a in av}
        return None
    if op is sre.SUBPATTERN:
        _, add_flags, del_flags, body = av
        return None if add_flags or del_flags else _exact_sequence(list(body))
    if op is sre.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            strings = _exact_sequence(list(branch))
            if strings is None:
                return None
            out |= strings
        return out if len(out) <= MAX_VARIANTS else None
    if op in _REPEATS and av[1] <= 1:  # "x?" or "(?:en)?"
        body = _exact_sequence(list(av[2]))
        if body is None:
            return None
        return body | {""} if av[0] == 0 else body
    return None


def _exact_sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    out = {""}
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        strings = _exact(op, av)
        if strings is None or len(out) * len(strings) > MAX_VARIANTS:
            return None
        out = {a + b for a in out for b in strings}
    return out
