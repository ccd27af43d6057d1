"""A literal prefilter for regular expressions: skip the regex engine when a text cannot match.

Python's `re` has no fast path for an alternation such as `\\bbeschikking\\b|\\bbesluit\\s+op…`
(the word boundary in front, and case-insensitivity, hide every literal prefix), so a search tries
each alternative at each position of the text. Most marker lists match nothing in most mails. Each
alternative, though, contains a literal ("beschikking", "besluit") that every match must contain; a
substring test (`needle in text`, a C loop over memory) for those needles is far cheaper and
proves that an alternative cannot match. `Alternation` runs on a text only the alternatives whose
needles occur in it, and no regex at all when none do; results are identical (see its docstring).
`Prefilter` tells which of several separate patterns may match. A `NeedleIndex` finds the needles
of many prefilters in one pass over a text, for a caller that asks them all about the same text.

A needle also tells where a match may start, when every match begins with one (the word after a
`\b`): then `Alternation` tries the regex only at those places (`regex.match(text, position)`)
instead of letting it scan the whole text, which `re` does slowly for a pattern that opens with
`\b` or is case-insensitive (it has no fast skip then). Same matches, in the same order.

The needles are read from each alternative's parse tree (`re._parser`, the module `re` itself
compiles with). The reading is conservative: anything it does not understand requires nothing,
and an alternative that requires nothing always runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any, NamedTuple

import ahocorasick

# Needles shorter than this occur in nearly every text: testing them costs more than it saves.
MIN_NEEDLE = 3
# A literal branch ("(?:van|uit|over)") multiplies the strings a sequence may be; beyond this
# many the sequence is cut there (still exact, only less selective).
MAX_VARIANTS = 32
# Distinct sets of live alternatives kept compiled per alternation (a bound against odd mails).
MAX_SUBSETS = 64
# A NeedleIndex tests up to this many needles one by one (substring tests) rather than in one
# Aho-Corasick pass, which costs about as much as fifteen of them.
FEW_NEEDLES = 8
# Above one possible start per this many characters, the regex's own scan beats trying each start.
CHARS_PER_START = 8
# In a lower-cased text, a case-insensitive ASCII literal matches only itself, except that "i"
# also matches the dotless i (U+0131) and "s" the long s (U+017F); and the dotted capital I
# (U+0130) lowers to "i" plus U+0307, which splits the word. (Checked against `re` over every
# code point: tests/test_prefilter.py.) A text with one of these is searched without the prefilter.
_CASE_TWINS = ("\u0131", "\u017f", "\u0307")

_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)


class Needles(NamedTuple):
    """Strings one of which every match contains; tested on the lower-cased text when `fold_case`."""

    strings: tuple[str, ...]
    fold_case: bool


class Prefilter:
    """Which of several patterns may match in a text: those whose needles occur in it, and those
    without needles."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        read = [_read(p) for p in patterns]
        self.needles = tuple(needles for needles, _ in read)
        self.leading = tuple(leading for _, leading in read)  # strings one of which each match starts with
        # Each distinct needle once, with the patterns it lets run: one pass of substring tests
        # per text (or one NeedleIndex scan), whatever the number of patterns.
        self._always = tuple(i for i, n in enumerate(self.needles) if n is None)
        self._plain: dict[str, list[int]] = {}  # needles tested on the text as it is
        self._folded: dict[str, list[int]] = {}  # needles tested on the lower-cased text
        for i, needles in enumerate(self.needles):
            if needles is not None:
                for needle in needles.strings:
                    (self._folded if needles.fold_case else self._plain).setdefault(needle, []).append(i)
        # As sets, so that `found & keys` loops over the smaller side, in C.
        self._plain_keys = frozenset(self._plain)
        self._folded_keys = frozenset(self._folded)
        self._by_needles: dict[tuple[frozenset[str], frozenset[str] | None], tuple[int, ...]] = {}

    def live(self, text: str, found: Found | None = None) -> tuple[int, ...]:
        """Indices (ascending) of the patterns that may match in `text`; `found`, when given, is
        `text` scanned by a NeedleIndex that holds this prefilter's needles."""
        if not text:
            # No needle is empty, so none occurs: answered without the needle tests (the pages
            # after the first of a one-page part, searched for the owners' marks, are "").
            return self._always
        if found is not None:
            # The answer depends only on which of its needles were found: remembered for each such
            # set (a few recur: the same letterhead, the same signature words).
            key = (found.plain & self._plain_keys, None if found.folded is None else found.folded & self._folded_keys)
            live = self._by_needles.get(key)
            if live is None:
                if len(self._by_needles) >= MAX_SUBSETS:
                    self._by_needles.clear()
                live = self._by_needles[key] = self._owners_live(key)
            return live
        else:
            # filter(text.__contains__, …) runs the substring tests in C, without a Python step
            # per needle (most needles are not in the text).
            owners = list(map(self._plain.__getitem__, filter(text.__contains__, self._plain)))
            if self._folded:
                lowered = _lowered(text)
                if lowered is None:  # a case twin: every case-insensitive needle may be there
                    owners += self._folded.values()
                else:
                    owners += map(self._folded.__getitem__, filter(lowered.__contains__, self._folded))
        return self._live(owners)

    def _owners_live(self, key: tuple[frozenset[str], frozenset[str] | None]) -> tuple[int, ...]:
        plain, folded = key
        owners = [self._plain[n] for n in plain]
        if folded is None:  # a case twin: every case-insensitive needle may be there
            owners += self._folded.values()
        else:
            owners += [self._folded[n] for n in folded]
        return self._live(owners)

    def _live(self, owners: list[list[int]]) -> tuple[int, ...]:
        if not owners:
            return self._always
        return tuple(sorted(set(self._always).union(*owners)))


class Alternation(Prefilter):
    """`alternative|alternative|…` compiled whole, that runs on a text only the alternatives whose
    needles occur in it (results as of the whole: an alternative that can match nowhere in the
    text never wins at any position, so leaving it out changes no match)."""

    def __init__(self, alternatives: Sequence[str], flags: int = 0, *, numbered_groups: bool = True) -> None:
        """`numbered_groups=False`: the caller reads no capture group by its number (only, say, the
        groups that took part in the match), so the alternatives may be left out all the same."""
        self.alternatives = tuple(alternatives)
        self.flags = flags
        self.regex = re.compile("|".join(self.alternatives) or r"(?!x)x", flags)
        super().__init__([re.compile(a, flags) for a in self.alternatives])
        # Leaving alternatives out would renumber capture groups: then all or nothing runs.
        self._narrow = self.regex.groups == 0 or not numbered_groups
        self._subsets: dict[tuple[int, ...], re.Pattern[str]] = {}
        self._starts: dict[tuple[int, ...], tuple[frozenset[str], frozenset[str]] | None] = {}

    def narrowed(self, text: str, found: Found | None = None) -> re.Pattern[str] | None:
        """The pattern to run on `text`: None when no alternative can match in it, else the
        alternation of those that can (`found` as for `live`)."""
        return self._pattern(self.live(text, found))

    def _pattern(self, live: tuple[int, ...]) -> re.Pattern[str] | None:
        if not live:
            return None
        if len(live) == len(self.alternatives) or not self._narrow:
            return self.regex
        subset = self._subsets.get(live)
        if subset is None:
            if len(self._subsets) >= MAX_SUBSETS:
                self._subsets.clear()
            subset = self._subsets[live] = re.compile("|".join(self.alternatives[i] for i in live), self.flags)
        return subset

    def search(self, text: str, found: Found | None = None) -> re.Match[str] | None:
        live = self.live(text, found)
        regex = self._pattern(live)
        if regex is None:
            return None
        starts = self._possible_starts(text, live)
        if starts is None:
            return regex.search(text)
        match = regex.match
        for start in starts:
            m = match(text, start)
            if m is not None:
                return m
        return None

    def finditer(self, text: str, found: Found | None = None) -> Iterator[re.Match[str]]:
        live = self.live(text, found)
        regex = self._pattern(live)
        if regex is None:
            return iter(())
        starts = self._possible_starts(text, live)
        return regex.finditer(text) if starts is None else _matches_at(regex, text, starts)

    def findall(self, text: str) -> list[Any]:
        regex = self.narrowed(text)
        return regex.findall(text) if regex is not None else []

    def _possible_starts(self, text: str, live: tuple[int, ...]) -> list[int] | None:
        """Where in `text` a match of the live alternatives may start, ascending: the places of
        their leading strings. None when one of them has none (it may start anywhere), when a case
        twin makes the lower-cased places inexact, or when there are so many that the regex's
        own scan is cheaper.

        Exact: each match starts with a leading string of its alternative, and lower() keeps
        every offset in a text without case twins (only the dotted capital I changes length)."""
        strings = self._starts.get(live, False)
        if strings is False:
            strings = self._starts[live] = self._leading_strings(live)
        if strings is None:
            return None
        plain, folded = strings
        starts: set[int] = set()
        limit = len(text) // CHARS_PER_START
        for target, needles in ((text, plain), (_lowered(text) if folded else text, folded)):
            if target is None:
                return None
            for needle in needles:
                at = target.find(needle)
                while at >= 0:
                    starts.add(at)
                    at = target.find(needle, at + 1)
                if len(starts) > limit:
                    return None
        return sorted(starts)

    def _leading_strings(self, live: tuple[int, ...]) -> tuple[frozenset[str], frozenset[str]] | None:
        plain: set[str] = set()
        folded: set[str] = set()
        for i in live:
            leading = self.leading[i]
            if leading is None:
                return None
            (folded if leading.fold_case else plain).update(leading.strings)
        return frozenset(plain), frozenset(folded)


def _matches_at(regex: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """`regex.finditer(text)` when a match can start only at `starts`: the leftmost match, then the
    next from where it ends (never empty: each starts with a leading string)."""
    end = 0
    for start in starts:
        if start >= end:
            m = regex.match(text, start)
            if m is not None:
                yield m
                end = m.end()


class Found(NamedTuple):
    """The needles a NeedleIndex found in a text (`plain`) and in the text in lower case (`folded`,
    None when a case twin makes that test inexact)."""

    plain: frozenset[str]
    folded: frozenset[str] | None


class NeedleIndex:
    """The needles of many prefilters in one Aho-Corasick automaton: one pass over a text finds
    those it holds (the same set as a substring test of each), which all the prefilters then use.

    It pays when many prefilters are asked about the same text (the ~45 signal groups of a part in
    scanner/documents.py: 5 us for the pass against ~55 us of substring tests); for a text asked
    about once, the prefilter's own few substring tests are cheaper."""

    def __init__(self, prefilters: Iterable[Prefilter]) -> None:
        prefilters = list(prefilters)
        self._plain = _NeedleSet(set().union(*(p._plain_keys for p in prefilters)))
        self._folded = _NeedleSet(set().union(*(p._folded_keys for p in prefilters)))
        # For `live`: which prefilters (by position) each needle lets run, which run always, and
        # which have case-insensitive needles (all of those may match in a text with a case twin).
        self._always = frozenset(i for i, p in enumerate(prefilters) if p._always)
        self._case_insensitive = frozenset(i for i, p in enumerate(prefilters) if p._folded)
        self._plain_owners: dict[str, set[int]] = {}
        self._folded_owners: dict[str, set[int]] = {}
        for i, p in enumerate(prefilters):
            for needle in p._plain_keys:
                self._plain_owners.setdefault(needle, set()).add(i)
            for needle in p._folded_keys:
                self._folded_owners.setdefault(needle, set()).add(i)

    def scan(self, text: str) -> Found:
        """What to pass as `found` to the index's prefilters for `text`."""
        lowered = _lowered(text)
        return Found(self._plain.occurring(text), None if lowered is None else self._folded.occurring(lowered))

    def rescan(self, text: str, other: str, found: Found) -> Found:
        """`scan(text)`, given `found = scan(other)` of a text that may read the same in lower case
        (a part's text as written and folded): when it does, the case-insensitive needles found
        there are the same, and only the case-sensitive ones are sought in `text`."""
        if _lowered(text) != _lowered(other):
            return self.scan(text)
        return Found(self._plain.occurring(text), found.folded)

    def live(self, found: Found) -> set[int]:
        """Positions (in the order given) of the prefilters that may match in the text `found` was
        scanned from: exactly those whose own `live` would not be empty. A caller with many
        prefilters and a text that holds few needles then skips the others without asking each."""
        live = set(self._always)
        live.update(*map(self._plain_owners.__getitem__, found.plain))
        if found.folded is None:
            live |= self._case_insensitive
        else:
            live.update(*map(self._folded_owners.__getitem__, found.folded))
        return live


class _NeedleSet:
    """Which of a set of needles occur in a text: one Aho-Corasick pass for many needles, a
    substring test of each (in C) for a few. A pass costs about as much as some fifteen substring
    tests, so it does not pay for the index's few case-sensitive needles ("LSO", "LKO")."""

    def __init__(self, needles: set[str]) -> None:
        self.needles = tuple(sorted(needles))
        self.automaton: Any = None
        if len(needles) > FEW_NEEDLES:
            self.automaton = ahocorasick.Automaton()
            for needle in needles:
                self.automaton.add_word(needle, needle)
            self.automaton.make_automaton()

    def occurring(self, text: str) -> frozenset[str]:
        if self.automaton is None:
            return frozenset(filter(text.__contains__, self.needles))
        return frozenset(needle for _, needle in self.automaton.iter(text))


@lru_cache(maxsize=8)
def _lowered(text: str) -> str | None:
    """`text` in lower case for the needle test, or None when a case twin makes the test inexact.

    Cached (a few texts only): the many marker groups of one part (documents.py) test the same
    one or two texts in turn."""
    lowered = text.lower()
    if lowered.isascii():  # no twin (they are not ASCII), known without a search (most texts)
        return lowered
    return None if any(twin in lowered for twin in _CASE_TWINS) else lowered


def required_literals(regex: re.Pattern[str]) -> Needles | None:
    """Strings one of which occurs in every match of `regex`, or None when none are known."""
    return _read(regex)[0]


def leading_literals(regex: re.Pattern[str]) -> Needles | None:
    """Strings one of which every match of `regex` starts with, or None when none are known."""
    return _read(regex)[1]


def _read(regex: re.Pattern[str]) -> tuple[Needles | None, Needles | None]:
    """`required_literals` and `leading_literals` from one parse."""
    try:
        tree = list(_parser.parse(regex.pattern, regex.flags))
    except Exception:  # a parser change in a later Python: simply no prefilter
        return None, None
    ignore_case = bool(regex.flags & re.IGNORECASE)
    # Each reading is tested in lower case when it read a group that toggles case.
    reader = _Reader()
    needles = _needles(reader.required(tree), ignore_case or reader.case_toggled, str.__contains__)
    reader = _Reader()
    leading = _needles(reader.leading(tree)[0], ignore_case or reader.case_toggled, str.startswith)
    return needles, leading


def _needles(strings: set[str] | None, fold_case: bool, covers: Any) -> Needles | None:
    if not strings or "" in strings:
        return None
    if fold_case:
        strings = {n.lower() for n in strings}
    # A needle that contains (or starts with) another is redundant: the shorter one is there whenever it is.
    kept = sorted(strings, key=lambda n: (len(n), n))
    kept = [n for i, n in enumerate(kept) if not any(covers(n, k) for k in kept[:i])]
    return Needles(tuple(kept), fold_case)


class _Reader:
    """Walks a parse tree for needles. A group that switches case-insensitivity on or off
    ("(?i:lokaal)") is read too; its pattern's needles are then all tested in lower case, which
    finds every match the mixed-case pattern can make (and a few texts that it cannot)."""

    def __init__(self) -> None:
        self.case_toggled = False

    def _group_body(self, av: Any) -> list[tuple[Any, Any]] | None:
        _, add_flags, del_flags, body = av
        if (add_flags | del_flags) & ~re.IGNORECASE:
            return None
        if add_flags or del_flags:
            self.case_toggled = True
        return list(body)

    def required(self, items: list[tuple[Any, Any]]) -> set[str] | None:
        """Best set of strings one of which every match of the sequence `items` contains."""
        candidates: list[set[str]] = []
        run: set[str] | None = None  # what the text just matched may be (contiguous literal text)
        for op, av in items:
            exact = self._exact(op, av)
            if exact is not None and (run is None or len(run) * len(exact) <= MAX_VARIANTS):
                run = exact if run is None else {a + b for a in run for b in exact}
                continue
            if op in _ZERO_WIDTH:  # consumes nothing: the text on both sides stays contiguous
                continue
            if run is not None:
                candidates.append(run)
            run = exact  # a literal piece that was too varied to extend the run starts a new one
            inner = self._inner(op, av)
            if inner is not None:
                candidates.append(inner)
        if run is not None:
            candidates.append(run)
        candidates = [c for c in candidates if min(map(len, c)) >= MIN_NEEDLE]
        if not candidates:
            return None
        return max(candidates, key=lambda c: (min(map(len, c)), -len(c)))

    def leading(self, items: list[tuple[Any, Any]]) -> tuple[set[str], bool]:
        """Strings one of which every match of the sequence `items` starts with ("" among them:
        it may start with anything), and whether they are all it can match."""
        run = {""}
        for op, av in items:
            if op in _ZERO_WIDTH:  # consumes nothing: the match goes on at the same place
                continue
            exact = self._exact(op, av)
            if exact is not None and len(run) * len(exact) <= MAX_VARIANTS:
                run = {a + b for a in run for b in exact}
                continue
            # Not literal text as a whole: the run goes on with how the piece itself starts.
            inner = self._leading_piece(op, av)
            if inner is not None and len(run) * len(inner) <= MAX_VARIANTS:
                run = {a + b for a in run for b in inner}
            return run, False
        return run, True

    def _leading_piece(self, op: Any, av: Any) -> set[str] | None:
        """How a group, branch or repetition that is not a literal piece as a whole starts."""
        if op is sre.SUBPATTERN:
            body = self._group_body(av)
            return None if body is None else self.leading(body)[0]
        if op is sre.BRANCH:
            out: set[str] = set()
            for branch in av[1]:
                out |= self.leading(list(branch))[0]
            return out
        if op in _REPEATS and av[0] >= 1:
            return self.leading(list(av[2]))[0]
        return None

    def _inner(self, op: Any, av: Any) -> set[str] | None:
        """Needles of a group, branch or repetition that is not a literal piece as a whole."""
        if op is sre.SUBPATTERN:
            body = self._group_body(av)
            return None if body is None else self.required(body)
        if op is sre.BRANCH:
            out: set[str] = set()
            for branch in av[1]:
                needles = self.required(list(branch))
                if needles is None:
                    return None
                out |= needles
            return out
        if op in _REPEATS and av[0] >= 1:
            return self.required(list(av[2]))
        return None

    def _exact(self, op: Any, av: Any) -> set[str] | None:
        """All the strings a piece can match when it is plain literal text (ASCII), else None."""
        if op is sre.LITERAL:
            return {chr(av)} if av < 128 else None
        if op is sre.IN:  # a class of single characters only ("[sz]")
            if all(o is sre.LITERAL and a < 128 for o, a in av):
                return {chr(a) for o, a in av}
            return None
        if op is sre.SUBPATTERN:
            body = self._group_body(av)
            return None if body is None else self._exact_sequence(body)
        if op is sre.BRANCH:
            out: set[str] = set()
            for branch in av[1]:
                strings = self._exact_sequence(list(branch))
                if strings is None:
                    return None
                out |= strings
            return out if len(out) <= MAX_VARIANTS else None
        if op in _REPEATS and av[1] <= 1:  # "x?" or "(?:en)?"
            body = self._exact_sequence(list(av[2]))
            if body is None:
                return None
            return body | {""} if av[0] == 0 else body
        return None

    def _exact_sequence(self, items: list[tuple[Any, Any]]) -> set[str] | None:
        out = {""}
        for op, av in items:
            if op in _ZERO_WIDTH:
                continue
            strings = self._exact(op, av)
            if strings is None or len(out) * len(strings) > MAX_VARIANTS:
                return None
            out = {a + b for a in out for b in strings}
        return out
