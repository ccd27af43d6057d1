"""The literal prefilter (scanner.prefilter) never hides a match: it only skips texts that cannot match."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from scanner.documents import MARKERS_DIR, load_toml, patterns, search_patterns, terms_search
from scanner.prefilter import (
    _CASE_TWINS,
    Alternation,
    NeedleIndex,
    Prefilter,
    leading_literals,
    required_literals,
)

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _regex_lists(value: Any) -> list[tuple[str, ...]]:
    """Every list of regular expressions in a marker file (documents.toml, rules.toml)."""
    if isinstance(value, dict):
        return [found for v in value.values() for found in _regex_lists(v)]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return [tuple(value)]
    return []


def _all_marker_searches() -> list[Alternation]:
    out = []
    for name in ("documents.toml", "rules.toml"):
        spec = load_toml(name)
        for regexes in _regex_lists(spec):
            out.append(search_patterns(*regexes))
            out.append(search_patterns(*regexes, case_sensitive=True))
    out += [terms_search(p.name) for p in sorted(MARKERS_DIR.glob("*.txt"))]
    return out


def test_case_twins_are_all_lower_case_characters_that_ignorecase_matches_to_another_ascii() -> None:
    lowered = {c for code in range(0x110000) if not 0xD800 <= code < 0xE000 for c in chr(code).lower()}
    text = "".join(sorted(lowered))
    odd = set()
    for a in map(chr, range(128)):
        odd |= {m.group() for m in re.finditer(re.escape(a), text, re.IGNORECASE) if m.group() != a.lower()}
    # U+0307 is not a twin itself: it marks where a dotted capital I was split by lower().
    assert odd | {"\u0307"} == set(_CASE_TWINS)


@pytest.mark.parametrize(("regex", "needles"), [
    (r"\bbeschikking\b", ("beschikking",)),
    (r"\bv-?(?:nummer|nr)\b", ("v-nr", "vnr", "v-nummer", "vnummer")),
    (r"\brechtsmiddel(?:en)?\b", ("rechtsmiddel",)),
    (r"\bauthori[sz]ation\b", ("authorisation", "authorization")),
    (r"(?:\bvw\s*2000\b)|(?:\bKAMER\b)", ("2000", "kamer")),
    (r"^\s*v\s*:", None),  # no literal of three characters
    (r"(?:\bgezin\b)|(?:.*)", None),  # an alternative that needs nothing
    (r"(?-s:\bgezin\b)", None),  # a local flag other than i: not read
])
def test_required_literals(regex: str, needles: tuple[str, ...] | None) -> None:
    found = required_literals(re.compile(regex, re.IGNORECASE))
    assert (found and sorted(found.strings)) == (needles and sorted(needles))
    assert found is None or found.fold_case


@pytest.mark.parametrize(("regex", "leading"), [
    (r"\bbeschikking\b", ("beschikking",)),
    (r"(?:\bbesluit\s+op)", ("besluit",)),  # the run stops at the first piece that is not literal
    (r"\bv-?(?:nummer|nr)\b", ("v-nr", "vnr", "v-nummer", "vnummer")),
    (r"(?<!\w)ten[\s\-]+behoeve(?!\w)", ("ten",)),  # a look-behind consumes nothing
    (r"\b(?:naam|achternaam)\b.{0,40}", ("naam", "achternaam")),
    (r"(?:\bu\s+bent)", ("u",)),  # one character is a start too
    (r"(?:ab|abc)d", ("abd", "abcd")),
    (r"(?:ab|abc)\s", ("ab",)),  # "abc" starts with "ab": the shorter one marks every start
    (r"(?:de\s+)?heer", None),  # may start with "de" or with "heer"
    (r"^\s*v\s*:", None),
    (r"(?:x?)", None),  # may be empty
])
def test_leading_literals(regex: str, leading: tuple[str, ...] | None) -> None:
    found = leading_literals(re.compile(regex, re.IGNORECASE))
    assert (found and sorted(found.strings)) == (leading and sorted(leading))


def test_case_sensitive_needles_keep_their_case_unless_a_group_ignores_case() -> None:
    assert required_literals(re.compile(r"\bLSO\b|\bLKO\b")) == (("LKO", "LSO"), False)
    assert required_literals(re.compile(r"\bLSO\b|(?i:lokaal\s+Overleg)")) == (("lso", "overleg"), True)
    assert Alternation([r"\bLSO\b"]).search("het lso") is None


def test_only_the_alternatives_that_can_match_run() -> None:
    alternation = Alternation([r"(?:\bbeschikking\b)", r"(?:\bbesluit\s+op)", r"(?:^\s*v\s*:)"], re.I | re.M)
    assert alternation.narrowed("geen van alle") is not None  # the third needs no word: it always runs
    assert alternation.narrowed("het besluit").pattern == r"(?:\bbesluit\s+op)|(?:^\s*v\s*:)"
    assert Alternation([r"\bgezin\b"]).narrowed("kinderen") is None
    # Capture groups keep their numbers: all alternatives run.
    assert Alternation([r"(gezin)", r"(kind)"]).narrowed("kind").pattern == "(gezin)|(kind)"
    # Unless the caller reads no group by its number.
    assert Alternation([r"(gezin)", r"(kind)"], numbered_groups=False).narrowed("kind").pattern == "(kind)"


@pytest.mark.parametrize("text", [
    "De BESCHIKKING van de IND", "be\u017fchikking", "Gemeente D\u0131eren", "VERTROUWEL\u0130JK - intern",
    "\u212aAMERBRIEF", "uitspraak", "",
])
def test_no_match_is_hidden_on_odd_texts(text: str) -> None:
    for search in _all_marker_searches():
        _assert_same(search, text)


def test_no_match_is_hidden_on_the_samples() -> None:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SAMPLES.glob("*.eml"))]
    texts += [t.lower() for t in texts]
    searches = _all_marker_searches()
    for text in texts:
        for search in searches:
            _assert_same(search, text)


def test_a_needle_index_finds_what_each_prefilter_tests() -> None:
    searches = _all_marker_searches()
    index = NeedleIndex(searches)
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SAMPLES.glob("*.eml"))]
    texts += ["be\u017fchikking", "VERTROUWEL\u0130JK - intern", "", "x"]
    for text in texts:
        found = index.scan(text)
        live = index.live(found)
        for i, search in enumerate(searches):
            assert search.live(text, found) == search.live(text), search.regex.pattern
            # The index's own answer: which prefilters may match, without asking each.
            assert (i in live) == bool(search.live(text)), search.regex.pattern
    assert NeedleIndex([]).scan("tekst") == (frozenset(), frozenset())


def test_a_rescan_equals_a_scan() -> None:
    """`rescan` of a text as written, given the scan of its folded form, finds what `scan` finds
    (also when the two do not read the same in lower case, or a case twin is in one of them)."""
    from scanner.documents import fold

    index = NeedleIndex(_all_marker_searches())
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SAMPLES.glob("*.eml"))]
    texts += ["Verslag LSO Ter Apel", "be\u017fchikking", "VERTROUWEL\u0130JK - intern", "", "x"]
    for text in texts:
        for other in (fold(text), text.upper(), "iets anders"):
            assert index.rescan(text, other, index.scan(other)) == index.scan(text)
    assert NeedleIndex([]).live(NeedleIndex([]).scan("tekst")) == set()


def _assert_same(search: Alternation, text: str) -> None:
    expected = [(m.span(), m.group()) for m in search.regex.finditer(text)]
    assert [(m.span(), m.group()) for m in search.finditer(text)] == expected, search.regex.pattern
    first, found = search.regex.search(text), search.search(text)
    assert (found and (found.span(), found.group())) == (first and (first.span(), first.group()))


@pytest.mark.parametrize("text", [
    "aaab abab", "abcd abd", "x over uw neef, van uw oom", "van van vanvan", "u bent de neef van",
    "Het V-nummer en vnr en V-NR", "ten  behoeve van", "be\u017fchikking", "", "a" * 40,
])
def test_trying_each_possible_start_finds_what_the_regex_finds(text: str) -> None:
    cases = [
        Alternation([r"(?:aa)", r"(?:ab)"]),  # starts that overlap each other
        Alternation([r"(?:aab|ab)", r"(?:ba)"]),
        Alternation([r"(?:ab|abc)d"], re.IGNORECASE),
        Alternation([r"\b(?:over|van|namens|voor)\s+uw\s+(?:neef|oom)\b", r"\bu\s+bent\s+de\s+neef\b"],
                    re.IGNORECASE | re.MULTILINE),
        Alternation([r"\bv-?(?:nummer|nr)\b", r"(?<!\w)ten[\s\-]+behoeve(?!\w)"], re.IGNORECASE),
        Alternation([r"(?:\bvan)+"], re.IGNORECASE),
        Alternation([r"bes(?-i:CHIK)"], re.IGNORECASE),
    ]
    for search in cases:
        _assert_same(search, text)


def test_search_equals_the_plain_regex() -> None:
    search = search_patterns(r"\bbeschikking\b", r"\bbesluit\s+op")
    regex = patterns(r"\bbeschikking\b", r"\bbesluit\s+op")
    for text in ("zie het besluit  op uw aanvraag", "geen", "BESCHIKKING"):
        found, expected = search.search(text), regex.search(text)
        assert (found and found.span()) == (expected and expected.span())
        assert [m.span() for m in search.finditer(text)] == [m.span() for m in regex.finditer(text)]


def test_prefilter_of_separate_patterns_keeps_their_own_flags() -> None:
    phrases = [re.compile(r"(?i)via\s+wetransfer"), re.compile(r"\bZoom\b"), re.compile(r"app\s+me", re.I)]
    prefilter = Prefilter(phrases)
    assert prefilter.live("stuur het VIA WeTransfer") == (0,)
    assert prefilter.live("even zoom") == ()  # case-sensitive "Zoom"
    assert prefilter.live("App me, via Zoom") == (1, 2)
