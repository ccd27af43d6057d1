"""Finds special-category, criminal and asylum-motive terms in Dutch text and links them to a person."""

from __future__ import annotations

import re
import threading
import tomllib
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain
from pathlib import Path
from typing import ClassVar, NamedTuple

import ahocorasick
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.tokens import Doc

DATA_DIR = Path(__file__).parent / "data" / "lexicon"
CATEGORY_FILES = (
    "ethnicity",
    "political",
    "religion",
    "trade_union",
    "genetic",
    "biometric",
    "health",
    "sexual_orientation",
    "criminal",
    "asylum_motive",
)

# lexicon.md §0.4: the rest of a compound after a stem, or before a tail, has at least 3 letters.
MIN_COMPOUND_REST = 3
# Single-word terms of this length or more also match as the first part of a compound
# ("kankerbehandeling", "moslimgemeenschap"); shorter ones only through listed stems.
MIN_HEAD_LENGTH = 5
# Words between a category term ("asielmotieven") and the anchor that governs it ("zijn", "van betrokkene").
CLOSE_ANCHOR_WORDS = 3
# Weight of weak general-discussion cues at which a sentence without a strong anchor is general.
WEAK_GENERAL_THRESHOLD = 2.0
# Words from the sender ("ik ben", "ik lig in het") to a term that is about the sender.
SENDER_STATE_WORDS = 3
# Distinct category names in one sentence that make it a category list ("ras, etniciteit, godsdienst").
CATEGORY_LIST_MIN = 3
# Distinct document markers that make a whole text a quoted policy or parliamentary document.
DOCUMENT_MARKERS_MIN = 2

# Scores: a linked term is special data; an unlinked one may still be, in a document about
# one person (the core links those), so it stays at the analyzer threshold (engine.SCORE_THRESHOLD);
# general text and the sender's own statements fall below it.
SCORE_LINKED = 0.85
SCORE_LINKED_AMBIGUOUS = 0.7
SCORE_UNLINKED = 0.5
SCORE_NOT_ABOUT_A_PERSON = 0.2

# The category of a veto that applies to all categories (ambiguous.toml `vetoes`).
EVERY_CATEGORY = -1

# Anchor strengths (lexicon.md §12).
STRONG = 2.0  # a name, a title with a name, a V-nummer: one identified person
ROLE = 1.0  # betrokkene, de vreemdeling, hij: one person, not identified in the sentence
CONTINUATION = 0.5  # zijn, haar, ze: only with an anchor in the sentence before or after
SECOND_PERSON = 0.25  # uw: only the term right after it ("uw PTSS" in a mail to the person)

# --------------------------------------------------------------------------- normalisation

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_APOSTROPHES = "\u2018\u2019\u201b\u02bc\u02b9\u00b4`\u2032"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"


class _Fold(dict):
    """str.translate table, filled on demand: lower case, no diacritics, one dash, one apostrophe.

    Every character maps to exactly one character so offsets survive; characters
    to drop become NUL and are removed in the second pass with the offset map.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in _DASHES:
            out = "-"
        elif char in _APOSTROPHES:
            out = "'"
        elif char in _INVISIBLE or unicodedata.combining(char):
            out = "\x00"
        elif char in "\n\f\v\u2028\u2029":
            out = "\n"
        elif char.isspace():
            out = " "
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            out = base.lower()[:1] or "\x00"
        self[code] = out
        return out


_FOLD = _Fold()
# The same table for the ASCII characters as a plain dict: `str.translate` reads a plain dict about
# twice as fast as the dict subclass (most texts are ASCII; the others take `_FOLD`).
_ASCII_FOLD = {code: _FOLD[code] for code in range(128)}
# PDF line-break hyphenation ("psychia-\ntrische") is undone; runs of spaces and hyphens
# become one space, so hyphenated, spaced and (via listed variants) closed forms are equal.
# Only runs of two or more separators change the length; a single one (most word gaps) is made a
# space afterwards (`normalize`), in C passes instead of one Python step per word.
# (After _FOLD a separator is " ", "\n" or "-".)
_JOIN = re.compile(r"(?P<hyphenation>(?<=[a-z])-[ \t]*\n[ \t\n]*(?=[a-z]))|(?P<drop>\x00+)|(?P<separator>[\s\-]{2,})")


# Where a `_JOIN` match can start: each of its three forms begins with two separators or a NUL
# (a line-break hyphen is followed by a space, tab or line break). Most texts hold none: they are
# folded without a Python step; in the others `_JOIN` is tried only at these places, not at every
# character (its look-behind made it cost several times more than this search).
_MAY_JOIN = re.compile(r"[\s\-]{2}|\x00")


class NormalizedText:
    """Folded text with, for each character, its offset in the original.

    The map is kept as the runs of characters that the folding kept in place, each as its start
    in the folded text and in the original (`_starts`, `_origins`): most texts are one run, and
    most texts only ever ask for a few offsets (a cased abbreviation, a term found, a sentence start),
    so a tuple of one offset per character is never spelt out for them.
    """

    def __init__(self, text: str, starts: Sequence[int] = (0,), origins: Sequence[int] = (0,)) -> None:
        self.text = text
        self._starts = starts
        self._origins = origins

    def original_offset(self, pos: int) -> int:
        """`offsets[pos]` without spelling out `offsets`."""
        run = bisect_right(self._starts, pos) - 1
        return self._origins[run] + pos - self._starts[run]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.original_offset(start), self.original_offset(end - 1) + 1

    def folded_offset(self, original: int) -> int:
        """Where the folded text is at or after `original` in the original: `bisect_left(offsets, original)`
        without spelling out `offsets`."""
        run = bisect_right(self._origins, original) - 1
        if run < 0:
            return 0
        end = self._starts[run + 1] if run + 1 < len(self._starts) else len(self.text)
        return min(self._starts[run] + original - self._origins[run], end)

    @cached_property
    def offsets(self) -> tuple[int, ...]:
        """Each character's offset in the original, spelt out (`original_offset` and `folded_offset` read
        the runs instead)."""
        ends = (*self._starts[1:], len(self.text))
        runs = zip(self._starts, ends, self._origins, strict=True)
        return tuple(chain.from_iterable(range(origin, origin + end - start) for start, end, origin in runs))


def normalize(text: str) -> NormalizedText:
    """Fold `text` for matching (lexicon.md §0.1-2), keeping a map back to the original offsets.

    The single separators left are made spaces by two `str.replace` passes (in C, without the
    table lookup per character of a `str.translate`).
    """
    folded = text.translate(_ASCII_FOLD if text.isascii() else _FOLD)
    found = _MAY_JOIN.search(folded)
    if found is None:  # nothing changes length: the offsets are the identity
        return NormalizedText(folded.replace("\n", " ").replace("-", " "))
    pieces: list[str] = []
    starts, origins = [0], [0]
    pos = length = 0
    while found is not None:
        # `_JOIN` matches here (see `_MAY_JOIN`), as its finditer would: no match starts earlier.
        match = _JOIN.match(folded, found.start())
        start, end = match.span()
        pieces.append(folded[pos:start])
        length += start - pos
        if match.lastgroup == "separator":
            pieces.append(" ")  # maps to `start`: the run before it goes on
            length += 1
        starts.append(length)  # a new run: the folded text goes on at `end` of the original
        origins.append(end)
        pos = end
        found = _MAY_JOIN.search(folded, end)
    pieces.append(folded[pos:])
    return NormalizedText("".join(pieces).replace("\n", " ").replace("-", " "), starts, origins)


def fold_term(term: str) -> str:
    """The matching key of a lexicon entry: folded, separators as single spaces."""
    return normalize(term.strip()).text.strip()


# --------------------------------------------------------------------------- sentences

_ABBREVIATIONS = frozenset(
    "dhr mevr mw mr dr drs ir ing prof nr nrs art bijv bv vgl ca jl resp evt incl excl mbt ivm ivb tav zgn "
    "enz etc e.d o.a i.v.m m.b.t t.a.v z.s.m d.w.z e.a n.a.v a.s b.v.d. st vw wvggz blz pag tel".split()
)
# Every form starts with end punctuation, a space, a tab or a line break: the first look-ahead says
# so, and the four forms are tried only there, not at every character (a third of the time).
_SENTENCE_END = re.compile(
    r"(?=[.!?…\t\n ])(?:"
    r"(?P<punct>[.!?…]+[\"'\u201d\u2019)\]]*)(?P<gap>\s+)(?=[\"'\u201c\u2018(\[]?[A-ZÀ-Ý0-9•\-*])"
    r"|(?P<blank>[ \t]*\n[ \t]*\n\s*)(?=[^\sa-zà-ÿ])"
    r"|(?P<line>(?<=[.!?:;])[ \t]*\n\s*)"
    r"|(?P<bullet>[ \t]*\n[ \t]*)(?=(?:[-•*▪◦]|\d{1,2}[.)])\s)"
    r")"
)
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")  # "a.b" (from "A.B."): initials, not a sentence end


def _word_before(text: str, end: int) -> str:
    r"""The word (with its dots) that ends at `end`: `re.search(r"([\w.]+)$", text[:end])`, or "".

    Read backwards from `end`, because that search scans from the text's start at every sentence
    end, quadratic in a long document. `\w` is `str.isalnum()` or "_"; `$` also matches before a
    final line break."""
    if end and text[end - 1] == "\n":
        end -= 1
    start = end
    while start and (text[start - 1].isalnum() or text[start - 1] in "._"):
        start -= 1
    return text[start:end]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split `text` into sentences: end punctuation before a capital, blank lines, list items.

    Abbreviations (dhr., art., nr.) and initials (A. Yusuf) do not end a sentence; a
    blank line followed by a lower-case word is a PDF page or column break inside one.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.lastgroup == "gap" or match.group("punct"):
            word = _word_before(text, match.start("punct")).lower().rstrip(".")
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            if _INITIALS.fullmatch(word):
                continue
        end = match.start()
        if end > start and text[start:end].strip():
            spans.append((start, end if not match.group("punct") else match.end("punct")))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


# --------------------------------------------------------------------------- lexicon data


@dataclass(frozen=True)
class Entry:
    """What a key in the automaton stands for.

    kind: term | head | tail | ambiguous | cue | blocker | sentence_blocker | veto | anchor | general.
    ref: the category index (term, head, tail, sentence_blocker; veto, or EVERY_CATEGORY),
    the group index (ambiguous, cue, blocker), or the class of an anchor or general cue.
    """

    kind: str
    ref: int | str
    term: str
    cased: str | None = None  # the exact spelling for a case-sensitive abbreviation
    category_term: bool = False
    prefix: bool = False  # matches at the start of a longer word too (cues, veto "x*")


@dataclass(frozen=True)
class Category:
    entity: str
    subcategory: str | None


@dataclass(frozen=True)
class AmbiguousGroup:
    """lexicon.md §16: terms that count only with a person anchor and, if given, a cue."""

    category: int
    needs_cue: bool


class Hit(NamedTuple):
    """One accepted key occurrence in the normalised text (a named tuple: made ~7 times per text,
    at a third of a frozen dataclass's cost)."""

    entry: Entry
    start: int
    end: int


def split_items(value: str | Sequence[str]) -> list[str]:
    """Items of a data-file field: a comma- or line-separated string (as in lexicon.md) or a list."""
    if isinstance(value, str):  # a comment line ("# ziektes, aandoeningen") is dropped whole
        lines = [line for line in value.splitlines() if not line.strip().startswith("#")]
        value = re.split(r"[,\n]", "\n".join(lines))
    return [item.strip() for item in value if item.strip() and not item.strip().startswith("#")]


def _is_cased(term: str) -> bool:
    """Terms written all in capitals in the data files match only in capitals (OM, IS, PI)."""
    letters = [c for c in term if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


_DOUBLING = re.compile(r"(?:^|[^aeiou])[aeiou]([bdfgklmnprst])$")
_LONG_VOWEL = re.compile(r"(aa|ee|oo|uu)([bdfgklmnprst])$")
_ADJECTIVAL = ("isch", "ig", "lijk", "ief", "eel", "aal", "baar", "ueel", "ant", "ent")


def word_forms(word: str, last: bool = True, abbreviation: bool = False) -> set[str]:
    """Inflected forms of one folded word (lexicon.md §0.3): -e, -en, -s, -'s, -je, -tje and spelling rules."""
    forms = {word}
    if not last:
        if word.endswith(_ADJECTIVAL):
            forms.add(word[:-1] + "ve" if word.endswith("f") else word + "e")
        return forms
    if abbreviation or any(c.isdigit() for c in word):
        return forms | {word + "'s", word + "s", word + "er", word + "ers", word + "'er", word + "'ers"}
    forms |= {word + "s", word + "'s", word + "e", word + "en", word + "je", word + "tje"}
    if word.endswith("e"):
        forms |= {word + "n", word + "s"}
    if word.endswith("f"):
        forms |= {word[:-1] + "ve", word[:-1] + "ven"}
    doubling = _DOUBLING.search(word)
    if doubling and len(word) > 3:
        forms |= {word + doubling.group(1) + "en", word + doubling.group(1) + "e"}
    long_vowel = _LONG_VOWEL.search(word)
    if long_vowel:
        short = word[: long_vowel.start()] + long_vowel.group(1)[0] + long_vowel.group(2)
        forms |= {short + "en", short + "e"}
    return forms


def term_variants(term: str) -> set[str]:
    """Folded keys for a listed term: inflections of its words, and for hyphenated terms the closed form."""
    key = fold_term(term)
    words = key.split(" ")
    per_word = [word_forms(w, last=i == len(words) - 1, abbreviation=_is_cased(term)) for i, w in enumerate(words)]
    variants = {""}
    for forms in per_word:
        variants = {f"{v} {f}".strip() for v in variants for f in forms}
    if "-" in term and len(words) == 2:
        variants |= {v.replace(" ", "") for v in variants}
    return variants


class Lexicon:
    """All data files compiled into one Aho-Corasick automaton, plus the few regexes for number patterns."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.categories: list[Category] = []
        self.groups: list[AmbiguousGroup] = []
        keys: dict[str, set[Entry]] = {}

        def add(key: str, entry: Entry) -> None:
            if key:
                keys.setdefault(key, set()).add(entry)

        for name in CATEGORY_FILES:
            data = tomllib.loads((data_dir / f"{name}.toml").read_text(encoding="utf-8"))
            index = len(self.categories)
            self.categories.append(Category(data["entity"], data.get("subcategory")))
            category_terms = {fold_term(t) for t in split_items(data.get("category_terms", ""))}
            whole_words = {fold_term(t) for t in split_items(data.get("whole_word_only", ""))}
            for term in split_items(data.get("terms", "")) + split_items(data.get("category_terms", "")):
                cased = term if _is_cased(term) else None
                canonical = fold_term(term)
                entry = Entry("term", index, canonical, cased, canonical in category_terms)
                for variant in term_variants(term):
                    add(variant, entry)
                if (
                    " " not in canonical
                    and len(canonical) >= MIN_HEAD_LENGTH
                    and not cased
                    and canonical not in whole_words
                ):
                    add(canonical, Entry("head", index, canonical))
            for stem in split_items(data.get("stems", "")):
                add(fold_term(stem), Entry("head", index, fold_term(stem)))
            for tail in split_items(data.get("tails", "")):
                add(fold_term(tail), Entry("tail", index, fold_term(tail)))
            for exception in split_items(data.get("exceptions", "")):
                self._add_veto(add, exception, index)
            for blocker in split_items(data.get("sentence_blockers", "")):
                add(fold_term(blocker), Entry("sentence_blocker", index, fold_term(blocker), prefix=True))

        ambiguous = tomllib.loads((data_dir / "ambiguous.toml").read_text(encoding="utf-8"))
        category_index = {(c.entity, c.subcategory): i for i, c in enumerate(self.categories)}
        for group in ambiguous["group"]:
            index = len(self.groups)
            cues = split_items(group.get("cues", ""))
            category = category_index[(group["entity"], group.get("subcategory"))]
            self.groups.append(AmbiguousGroup(category, bool(cues)))
            for term in split_items(group["terms"]):
                cased = term if _is_cased(term) else None
                for variant in term_variants(term):
                    add(variant, Entry("ambiguous", index, fold_term(term), cased))
            # Cues and blockers match at the start of a word; "=hij" matches the whole word only.
            for cue in cues:
                word = cue.lstrip("=")
                add(
                    fold_term(word),
                    Entry("cue", index, fold_term(word), word if _is_cased(word) else None, prefix=word == cue),
                )
            for blocker in split_items(group.get("blockers", "")):
                word = blocker.lstrip("=")
                add(fold_term(word), Entry("blocker", index, fold_term(word), prefix=word == blocker))
        for veto in split_items(ambiguous.get("vetoes", "")):
            self._add_veto(add, veto, EVERY_CATEGORY)

        anchors = tomllib.loads((data_dir / "anchors.toml").read_text(encoding="utf-8"))
        kinds = ("titles", "roles", "strong_roles", "pronouns", "she", "continuation", "second_person")
        for kind in (*kinds, "first_person", "generic"):
            for phrase in split_items(anchors.get(kind, "")):
                add(fold_term(phrase), Entry("anchor", kind, fold_term(phrase)))
        self.salutations = frozenset(fold_term(s) for s in split_items(anchors.get("salutations", "")))
        self.not_names = tuple(fold_term(s) for s in split_items(anchors.get("not_names", "")))
        # `_organisation_word` as two C calls instead of a Python loop over the list: the whole
        # words as a set, the longer ones as a tuple for str.endswith.
        self.not_name_words = frozenset(self.not_names)
        self.not_name_endings = tuple(w for w in self.not_names if len(w) > 4)
        self.sender_subjects = frozenset(fold_term(s) for s in split_items(anchors.get("sender_subjects", "")))
        self.owner_prepositions = frozenset(fold_term(s) for s in split_items(anchors.get("owner_prepositions", "")))
        self.anchor_patterns = re.compile("|".join(f"(?:{p})" for p in anchors["patterns"]))

        general = tomllib.loads((data_dir / "general.toml").read_text(encoding="utf-8"))
        for kind in ("strong", "document_markers", "weak", "modals", "conditionals", "category_names"):
            for phrase in split_items(general.get(kind, "")):
                add(fold_term(phrase), Entry("general", kind, fold_term(phrase)))
        self.general_patterns = re.compile("|".join(f"(?:{p})" for p in general["strong_patterns"]))
        self.general_weights: dict[str, float] = dict(general["weights"])

        self.automaton = ahocorasick.Automaton()
        for key, entries in keys.items():
            self.automaton.add_word(key, _key_value(key, _prefer_listed(key, entries)))
        self.automaton.make_automaton()

    @staticmethod
    def _add_veto(add: Callable[[str, Entry], None], phrase: str, category: int) -> None:
        prefix = phrase.endswith("*")
        key = fold_term(phrase.rstrip("*"))
        add(key, Entry("veto", category, key, prefix=prefix))

    def hits(self, norm: NormalizedText, original: str) -> tuple[list[Hit], bool]:
        """Every key occurrence that passes its boundary rule (lexicon.md §0.4-6), and whether one of
        them is a term (`_TERM_KINDS`): told by the keys, without reading each hit's entry again."""
        text = norm.text
        size = len(text)
        out: list[Hit] = []
        append = out.append
        terms = False
        for last, (length, plain, whole, prefix) in self.automaton.iter(text):
            start, end = last - length + 1, last + 1
            if plain:  # most keys: the boundaries alone decide, for all entries at once
                if start and text[start - 1].isalnum():
                    continue
                entries, term = whole if end == size or not text[end].isalnum() else prefix
                for entry in entries:
                    append(Hit(entry, start, end))
                terms = terms or term
                continue
            left = start == 0 or not text[start - 1].isalnum()
            right = end == size or not text[end].isalnum()
            for entry in whole[0]:
                # The boundaries first, the original's capitals last: most cased keys ("is", "om",
                # "sp") occur inside longer words.
                kind = entry.kind
                if kind == "head":
                    if not left:
                        continue
                    hit = Hit(entry, start, _token_end(text, end))
                    if hit.end - end < MIN_COMPOUND_REST:
                        continue
                elif kind == "tail":
                    if not right:
                        continue
                    token_start = _token_start(text, start)
                    if token_start == start and _hyphen_before(norm, original, start):
                        token_start = _token_start(text, start - 1)  # "stress-stoornis", "PTSS-kliniek"
                    if start - token_start < MIN_COMPOUND_REST:
                        continue
                    hit = Hit(entry, token_start, end)
                elif left and (right or entry.prefix):
                    hit = Hit(entry, start, end)
                else:
                    continue
                if entry.cased is None or _cased_match(entry.cased, norm, start, end, original):
                    append(hit)
                    terms = terms or kind in _TERM_KINDS
        return out, terms


def _key_value(key: str, entries: list[Entry]) -> tuple[int, bool, _Entries, _Entries]:
    """What the automaton keeps for a key: its length, whether it is plain (no head, tail or cased
    entry: a word boundary before it and, unless an entry is a prefix, after it decide alone), its
    entries and its prefix entries (the ones that stand without a boundary after the key), each with
    whether one of them is a term.

    Worked out once here, so that `Lexicon.hits` takes most occurrences without a Python step per entry.
    """
    plain = all(e.kind not in ("head", "tail") and e.cased is None for e in entries)
    prefixed = tuple(e for e in entries if e.prefix)
    return len(key), plain, _with_terms(tuple(entries)), _with_terms(prefixed)


_Entries = tuple[tuple[Entry, ...], bool]  # entries, and whether one of them is a term (`_TERM_KINDS`)


def _with_terms(entries: tuple[Entry, ...]) -> _Entries:
    return entries, any(e.kind in _TERM_KINDS for e in entries)


def _prefer_listed(key: str, entries: set[Entry]) -> list[Entry]:
    """When a generated form equals a listed term of the same category, report the listed term."""
    listed = {(e.kind, e.ref) for e in entries if e.term == key}
    return [e for e in entries if e.term == key or (e.kind, e.ref) not in listed]


def _token_end(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isalnum():
        pos += 1
    return pos


def _token_start(text: str, pos: int) -> int:
    while pos > 0 and text[pos - 1].isalnum():
        pos -= 1
    return pos


def _hyphen_before(norm: NormalizedText, original: str, start: int) -> bool:
    """The word at `start` follows a hyphen inside a word in the original ("stress-stoornis")."""
    if start < 2 or norm.text[start - 1] != " " or not norm.text[start - 2].isalnum():
        return False
    between = original[norm.original_offset(start - 2) + 1 : norm.original_offset(start)]
    return between == "-"


def _cased_match(cased: str, norm: NormalizedText, start: int, end: int, original: str) -> bool:
    """An upper-case abbreviation matches only where the original letters are capitals too."""
    ostart, oend = norm.original_span(start, end)
    if original[ostart:oend].islower():  # most occurrences ("is", "om"): no capital, so no match
        return False
    letters = [c for c in original[ostart:oend] if c.isalpha()]
    wanted = [c for c in cased if c.isalpha()]
    return letters[: len(wanted)] == wanted


_lexicon: Lexicon | None = None
_lexicon_lock = threading.Lock()


def _lexicon_sources() -> list[Path]:
    return [Path(__file__), *sorted(DATA_DIR.glob("*.toml"))]


# Kept compiled between processes by recognizers.fastload: (name, sources, build, serializer).
CACHED = [("lexicon", _lexicon_sources, Lexicon, "pickle")]


def get_lexicon() -> Lexicon:
    """The process-wide lexicon; compiled from the data files on first use (or read compiled from the cache)."""
    global _lexicon
    with _lexicon_lock:
        if _lexicon is None:
            from recognizers import fastload

            _lexicon = fastload.cached("lexicon", _lexicon_sources(), Lexicon, serializer="pickle")
        return _lexicon


# --------------------------------------------------------------------------- sentence analysis


@dataclass
class SentenceFeatures:
    """What the linking and general-discussion decisions need to know about one sentence."""

    anchor: float = 0.0  # strongest person anchor (STRONG, ROLE, CONTINUATION)
    anchor_spans: list[tuple[int, int, float]] = field(default_factory=list)  # normalised offsets
    first_person: bool = False
    sender_subjects: list[int] = field(default_factory=list)  # where "ik", "wij" start (normalised)
    strong_general: bool = False
    weak_general: float = 0.0
    category_names: set[str] = field(default_factory=set)
    cues: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # ambiguous group -> spans
    blockers: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    category_blockers: set[int] = field(default_factory=set)

    @property
    def general(self) -> bool:
        if self.anchor >= STRONG:
            return False
        return (
            self.strong_general
            or len(self.category_names) >= CATEGORY_LIST_MIN
            or self.weak_general >= WEAK_GENERAL_THRESHOLD
        )


@dataclass(frozen=True)
class TermMatch:
    """A special-data term found in a text (offsets in the original text)."""

    entity: str
    subcategory: str | None
    term: str
    start: int
    end: int
    linked: bool
    general: bool
    ambiguous: bool
    first_person: bool = False

    @property
    def score(self) -> float:
        if self.linked:
            return SCORE_LINKED_AMBIGUOUS if self.ambiguous else SCORE_LINKED
        return SCORE_NOT_ABOUT_A_PERSON if self.general or self.first_person else SCORE_UNLINKED

    def metadata(self) -> dict[str, object]:
        return {
            "linked": self.linked,
            "subcategory": self.subcategory,
            "term": self.term,
            "general": self.general,
            "ambiguous": self.ambiguous,
            "first_person": self.first_person,
        }


@dataclass
class _Analysis:
    norm: NormalizedText
    hits: list[Hit]
    sentences: list[SentenceFeatures]
    starts: list[int]
    document: bool  # a quoted policy or parliamentary document (lexicon.md §13)

    def sentence_of(self, pos: int) -> int:
        return max(bisect_right(self.starts, pos) - 1, 0)


# Hits that are words of the lexicon itself, never part of a person's name.
_LEXICAL_KINDS = frozenset({"term", "head", "tail", "ambiguous", "veto"})
_GENERAL_PHRASE = frozenset({"strong", "document_markers", "category_names"})
_SINGULAR_AFTER_SHE = re.compile(r" ?([a-z']+)")
# "mevrouw Yusuf", "dhr. A. Karimi", "bewoner A": a capitalised name or initial right after the title.
# No full stop between them: "dhr." is a title of its own, "de bewoner. Mail ons" ends a sentence.
_NAME_AFTER_TITLE = re.compile(r"[ \t\u00a0]+[A-ZÀ-Ý]")


_TERM_KINDS = frozenset({"term", "head", "tail", "ambiguous"})  # the hits that can become a finding


@lru_cache(maxsize=8)
def _hits(text: str) -> tuple[NormalizedText, list[Hit], bool]:
    """The folded text, its lexicon hits and whether one is a term: read by `find_terms` first and by
    `_analyse` after it."""
    norm = normalize(text)
    return norm, *get_lexicon().hits(norm, text)


def _analyse(text: str, person_spans: Sequence[tuple[int, int]]) -> _Analysis:
    lexicon = get_lexicon()
    norm, hits, _ = _hits(text)
    spans = sentence_spans(text)
    # Sentence starts in normalised offsets.
    starts = [norm.folded_offset(ostart) for ostart, _ in spans] or [0]
    sentences = [SentenceFeatures() for _ in starts]
    analysis = _Analysis(norm, hits, sentences, starts, False)
    markers: set[str] = set()

    def anchor(pos: int, end: int, strength: float) -> None:
        sentence = sentences[analysis.sentence_of(pos)]
        sentence.anchor = max(sentence.anchor, strength)
        sentence.anchor_spans.append((pos, end, strength))

    for hit in hits:
        entry = hit.entry
        kind = entry.kind
        sentence = sentences[analysis.sentence_of(hit.start)]
        if kind == "anchor":
            strength = _anchor_strength(entry, hit, norm, text, lexicon)
            if strength:
                anchor(hit.start, hit.end, strength)
            if entry.ref == "first_person":
                sentence.first_person = True
                if entry.term in lexicon.sender_subjects:
                    sentence.sender_subjects.append(hit.start)
        elif kind == "general":
            if entry.ref == "strong":
                sentence.strong_general = True
            elif entry.ref == "document_markers":
                markers.add(entry.term)
                sentence.strong_general = True
            elif entry.ref == "category_names":
                sentence.category_names.add(entry.term)
            else:
                sentence.weak_general += lexicon.general_weights[entry.ref]
        elif kind == "cue":
            sentence.cues.setdefault(entry.ref, []).append((hit.start, hit.end))
        elif kind == "blocker":
            sentence.blockers.setdefault(entry.ref, []).append((hit.start, hit.end))
        elif kind == "sentence_blocker":
            sentence.category_blockers.add(entry.ref)
    for match in lexicon.anchor_patterns.finditer(norm.text):
        anchor(match.start(), match.end(), STRONG)
    for match in lexicon.general_patterns.finditer(norm.text):
        sentences[analysis.sentence_of(match.start())].strong_general = True
    # A PERSON entity is an anchor unless the NER took a lexicon word ("Koerdisch", "LHBTI"),
    # an organisation or a lower-case word for a name; a full name identifies someone, a
    # single word only points at them.
    lexical = person_spans and [  # not made for a text without names
        (h.start, h.end)
        for h in hits
        if h.entry.kind in _LEXICAL_KINDS or (h.entry.kind == "general" and h.entry.ref in _GENERAL_PHRASE)
    ]
    for ostart, oend in person_spans:
        if not any(word[:1].isupper() for word in text[ostart:oend].split()):
            continue
        nstart = norm.folded_offset(ostart)
        nend = norm.folded_offset(oend)
        if any(_organisation_word(word, lexicon) for word in norm.text[nstart:nend].split()):
            continue
        if nend > nstart and not _overlaps(nstart, nend, lexical):
            anchor(nstart, nend, STRONG if " " in norm.text[nstart:nend].strip() else ROLE)
    analysis.document = len(markers) >= DOCUMENT_MARKERS_MIN
    if analysis.document:
        for sentence in sentences:
            sentence.strong_general = True
    return analysis


def _organisation_word(word: str, lexicon: Lexicon) -> bool:
    """A word of an organisation's name; short ones must match whole ("ind" is not "Rosalind")."""
    return word in lexicon.not_name_words or word.endswith(lexicon.not_name_endings)


def _anchor_strength(entry: Entry, hit: Hit, norm: NormalizedText, original: str, lexicon: Lexicon) -> float:
    """How firmly an anchor phrase points at one data subject (0 when it does not)."""
    kind = entry.ref
    text = norm.text
    if kind in ("first_person", "generic"):
        return 0.0
    before = text[max(0, hit.start - 2) : hit.start]
    after = text[hit.end : hit.end + 2]
    if "/" in before or "/" in after:  # "hem/haar", "hij/zij": generic
        return 0.0
    if kind == "titles":
        previous = text[: hit.start].rstrip().rsplit(" ", 1)[-1].strip(",.:;")
        if previous in lexicon.salutations:
            return 0.0
        following = _NAME_AFTER_TITLE.match(original, norm.original_span(hit.start, hit.end)[1])
        return STRONG if following else ROLE
    if kind == "strong_roles":
        return STRONG
    if kind == "roles" or kind == "pronouns":
        return ROLE
    if kind == "she":
        following = _SINGULAR_AFTER_SHE.match(text, hit.end)
        verb = following.group(1) if following else ""
        return CONTINUATION if verb.endswith("en") else ROLE
    if kind == "continuation":
        return CONTINUATION
    if kind == "second_person":
        return SECOND_PERSON
    return 0.0


# --------------------------------------------------------------------------- linking


def _gap_words(text: str, start: int, end: int) -> int:
    return len(text[start:end].split()) if end > start else 0


def _close_anchor(analysis: _Analysis, index: int, start: int, end: int) -> bool:
    """A governing anchor right next to a category term: "zijn asielmotieven", "gegevens van betrokkene"."""
    if _possessive_before(analysis, index, start):
        return True
    text = analysis.norm.text
    for astart, _, strength in analysis.sentences[index].anchor_spans:
        if strength >= ROLE and astart >= end and _gap_words(text, end, astart) <= CLOSE_ANCHOR_WORDS:
            return True
    return False


def _subject_anchor(analysis: _Analysis, index: int, start: int) -> bool:
    """A person anchor earlier in the sentence, as its subject: "Betrokkene heeft de biometrische gegevens ..."."""
    return any(strength >= ROLE and aend <= start for _, aend, strength in analysis.sentences[index].anchor_spans)


def _possessive_before(analysis: _Analysis, index: int, start: int, weakest: float = CONTINUATION) -> bool:
    """A pronoun right before the term, or before one adjective: "zijn bekering", "haar medische klachten"."""
    text = analysis.norm.text
    for _, aend, strength in analysis.sentences[index].anchor_spans:
        if aend <= start and strength >= weakest:
            between = text[aend:start].split()
            if not between or (len(between) == 1 and between[0].endswith("e")):
                return True
    return False


def _sender_is_subject(analysis: _Analysis, index: int, start: int, end: int) -> bool:
    """The sender states something about themselves: "Ik ben ziek thuis, collega Jeroen neemt waar".

    "ik" or "wij" is the last person before the term, at most a few words before it, and no
    person follows the term as its owner ("Ik heb de medische verklaring van dhr. Karimi").
    """
    sentence = analysis.sentences[index]
    text = analysis.norm.text
    sender = max((pos for pos in sentence.sender_subjects if pos < start), default=None)
    if sender is None or _gap_words(text, sender, start) > SENDER_STATE_WORDS + 1:
        return False
    lexicon = get_lexicon()
    for astart, aend, _ in sentence.anchor_spans:
        if sender < aend <= start:
            return False
        between = text[end:astart].split()  # "van", "rapportage van" (PTSS-rapportage van mevrouw X)
        if astart >= end and len(between) <= 3 and lexicon.owner_prepositions.intersection(between[:2]):
            return False
    return True


def _surname_after_title(title_ends: set[int], norm: NormalizedText, original: str, hit: Hit) -> bool:
    """A capitalised term right after a title is a surname: "meneer Baloch", "mevrouw Koerd"."""
    ostart = norm.original_offset(hit.start)
    if not original[ostart : ostart + 1].isupper() or original[ostart : ostart + 2].isupper():
        return False
    return len(norm.text[: hit.start].rstrip(" ")) in title_ends  # "dhr." ends with its dot


def _adjacent_anchor(analysis: _Analysis, index: int) -> float:
    sentences = analysis.sentences
    around = [sentences[i].anchor for i in (index - 1, index + 1) if 0 <= i < len(sentences)]
    return max(around, default=0.0)


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _inside_longer_name(start: int, end: int, person_spans: Iterable[tuple[int, int]]) -> bool:
    """The term is one word of a longer PERSON entity: "Iris de Jong", "Christian van der Berg"."""
    return any(s <= start and end <= e and (e - s) > (end - start) for s, e in person_spans)


def _looks_like_name(original: str, ostart: int, oend: int) -> bool:
    """A capitalised ambiguous term next to another capitalised word is a name (Islam, Christian, Iris)."""
    word = original[ostart:oend]
    if not word[:1].isupper() or word.isupper():
        return False
    before = re.search(r"([A-ZÀ-Ý][\w'-]*)[ \t]+$", original[max(0, ostart - 30) : ostart])
    after = re.match(r"[ \t]+([A-ZÀ-Ý][\w'-]*)", original[oend : oend + 30])
    return bool(before and not re.search(r"[.!?:]\s*$", original[: ostart - len(before.group(0))])) or bool(after)


@lru_cache(maxsize=64)
def find_terms(text: str, person_spans: tuple[tuple[int, int], ...] = ()) -> tuple[TermMatch, ...]:
    """All special-data terms in `text`, each with whether it is linked to a data subject.

    `person_spans` are PERSON entities (original offsets) from the NER; they count as
    anchors and veto ambiguous terms that are part of a name. Ambiguous terms (lexicon.md
    §16) are left out unless linked and cued. Terms in a general sentence (§13), or in a
    sentence the sender writes about themselves ("Ik ben opgenomen ..."), are never linked.
    """
    if not _hits(text)[2]:
        # Most texts: no term at all, so no sentence needs reading (only terms become matches).
        return ()
    lexicon = get_lexicon()
    analysis = _analyse(text, person_spans)
    norm = analysis.norm
    vetoes = [(h.start, h.end, h.entry.ref) for h in analysis.hits if h.entry.kind == "veto"]
    title_ends = {h.end for h in analysis.hits if h.entry.kind == "anchor" and h.entry.ref == "titles"}
    candidates: list[tuple[bool, int, tuple[int, int, int], TermMatch]] = []
    for hit in analysis.hits:
        kind = hit.entry.kind
        if kind not in _TERM_KINDS:
            continue
        ostart, oend = norm.original_span(hit.start, hit.end)
        ostart, oend = _extend_hyphenated(text, ostart, oend)
        index = analysis.sentence_of(hit.start)
        sentence = analysis.sentences[index]
        ambiguous = kind == "ambiguous"
        if ambiguous:
            group = lexicon.groups[hit.entry.ref]
            category_index = group.category
            # Cues and blockers are other words of the sentence, not the term itself ("straf" in "strafbaar").
            if _outside(sentence.blockers.get(hit.entry.ref, ()), hit):
                continue
            if group.needs_cue and not _outside(sentence.cues.get(hit.entry.ref, ()), hit):
                continue
            if _inside_longer_name(ostart, oend, person_spans) or (
                _looks_like_name(text, ostart, oend) and not _organisation_word(hit.entry.term, lexicon)
            ):
                continue
        else:
            category_index = hit.entry.ref
        if _surname_after_title(title_ends, norm, text, hit):
            continue
        if _overlaps(hit.start, hit.end, [(s, e) for s, e, ref in vetoes if ref in (EVERY_CATEGORY, category_index)]):
            continue
        category = lexicon.categories[category_index]
        # "uw" links a named condition ("uw PTSS"), never a category ("uw medische gegevens").
        possessive = _possessive_before(
            analysis, index, hit.start, CONTINUATION if hit.entry.category_term else SECOND_PERSON
        )
        own_statement = (
            sentence.first_person
            and not possessive
            and (sentence.anchor < ROLE or _sender_is_subject(analysis, index, hit.start, hit.end))
        )
        general = sentence.general
        adjacent = _adjacent_anchor(analysis, index)
        if general or own_statement or category_index in sentence.category_blockers:
            linked = False
        elif hit.entry.category_term:
            linked = (
                sentence.anchor >= STRONG
                or adjacent >= STRONG
                or _close_anchor(analysis, index, hit.start, hit.end)
                or _subject_anchor(analysis, index, hit.start)
            )
        elif ambiguous:
            linked = possessive or sentence.anchor >= ROLE or (sentence.anchor >= CONTINUATION and adjacent >= ROLE)
        else:
            linked = (
                possessive
                or sentence.anchor >= ROLE
                or (sentence.anchor >= CONTINUATION and adjacent >= ROLE)
                or (adjacent >= ROLE and sentence.weak_general == 0)
            )
        if ambiguous and not linked:
            continue
        key = (ostart, oend, category_index)
        match = TermMatch(
            category.entity,
            category.subcategory,
            hit.entry.term,
            ostart,
            oend,
            linked,
            general,
            ambiguous,
            own_statement,
        )
        candidates.append((kind == "term", hit.end - hit.start, key, match))
    # A listed term beats a compound reading of the same word within one entity
    # ("Moslimbroederschap" is political, not religion; "sikkelcelziekte" is genetic).
    # On one span, the longest listed term names it ("hiv-positief", not "hiv").
    listed = {(key[0], key[1], match.entity) for is_listed, _, key, match in candidates if is_listed}
    found: dict[tuple[int, int, int], TermMatch] = {}
    for is_listed, _, key, match in sorted(candidates, key=lambda c: (not c[0], -c[1])):
        if not is_listed and (key[0], key[1], match.entity) in listed:
            continue
        found.setdefault(key, match)
    return tuple(_drop_contained(list(found.values())))


def _outside(spans: Iterable[tuple[int, int]], hit: Hit) -> bool:
    """Whether any of `spans` lies outside the hit."""
    return any(end <= hit.start or start >= hit.end for start, end in spans)


def _extend_hyphenated(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a match to the whole hyphenated word it is part of ("PTSS-behandeling")."""
    while start > 1 and text[start - 1] == "-" and text[start - 2].isalnum():
        start -= 2
        while start > 0 and text[start - 1].isalnum():
            start -= 1
    while end + 1 < len(text) and text[end] == "-" and text[end + 1].isalnum():
        end += 2
        while end < len(text) and text[end].isalnum():
            end += 1
    return start, end


def _drop_contained(matches: list[TermMatch]) -> list[TermMatch]:
    """Within one entity and subcategory, keep the longest of overlapping matches."""
    matches.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[TermMatch] = []
    for match in matches:
        if any(
            k.entity == match.entity
            and k.subcategory == match.subcategory
            and k.start <= match.start
            and match.end <= k.end
            for k in kept
        ):
            continue
        kept.append(match)
    return kept


# --------------------------------------------------------------------------- reusable helpers


def general_discussion_score(text: str, person_spans: tuple[tuple[int, int], ...] = ()) -> float:
    """How much of the special-data talk in `text` is general rather than about someone, 0.0 to 1.0.

    1.0 for a quoted policy or parliamentary document (two document markers such as
    "Kamervragen", "Antwoord op vraag"). Otherwise the share of sentences with a special
    term or a category name in which no term is linked to a data subject (a seed phrase
    or AVG citation, a list of category names, weak cues such as "bijvoorbeeld" or
    "indien", or simply no person anchor). A text without any special term scores 1.0 if
    it has a strong general phrase and 0.0 otherwise (a sender's own sick note is 0.0).
    """
    analysis = _analyse(text, person_spans)
    if analysis.document:
        return 1.0
    norm = analysis.norm
    topical = {analysis.sentence_of(h.start) for h in analysis.hits if h.entry.kind in ("term", "head", "tail")}
    topical |= {i for i, s in enumerate(analysis.sentences) if s.category_names}
    if not topical:
        return 1.0 if any(s.strong_general for s in analysis.sentences) else 0.0
    linked = set()
    for match in find_terms(text, person_spans):
        if match.linked:
            linked.add(analysis.sentence_of(norm.folded_offset(match.start)))
    return 1.0 - len(topical & linked) / len(topical)


def is_general_text(text: str, threshold: float = 0.5) -> bool:
    """True when `text` discusses special data in general rather than about someone (lexicon.md §13)."""
    return general_discussion_score(text) >= threshold


def person_spans(nlp_artifacts: NlpArtifacts | None) -> tuple[tuple[int, int], ...]:
    """Names found by the PERSON recognizer's logic (model spans cleaned by its rules), as character offsets.

    The raw model spans are not used: they include capitalised words such as "Adres" in a table,
    which would make general text look as if it were about a person.
    """
    from recognizers.person import person_offsets

    doc = nlp_artifacts.tokens if nlp_artifacts is not None else None
    if not isinstance(doc, Doc):
        return ()
    return person_offsets(doc)  # kept on the doc: the three term recognizers each ask for them


def merge_nested(matches: Sequence[TermMatch]) -> list[tuple[TermMatch, list[str | None], bool]]:
    """Fold each match into a longer match of the same entity that contains it.

    Presidio keeps one result per span and entity ("ziekte van Huntington" would swallow
    the health reading of "ziekte"), so the subcategories of nested matches travel along
    with the outer one. Returns (outer match, its subcategories, linked if any is linked).
    """
    merged: list[list] = []
    for match in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        outer = next(
            (m for m in merged if m[0].entity == match.entity and m[0].start <= match.start and match.end <= m[0].end),
            None,
        )
        if outer is None:
            merged.append([match, [match.subcategory], match.linked])
            continue
        if match.subcategory not in outer[1]:
            outer[1].append(match.subcategory)
        outer[2] = outer[2] or match.linked
    return [(m, subcategories, linked) for m, subcategories, linked in merged]


class LexiconRecognizer(EntityRecognizer):
    """Base of the three term recognizers: one entity each, all sharing one cached scan of the text."""

    ENTITY: ClassVar[str]

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY], supported_language="nl", name=type(self).__name__)

    def load(self) -> None:
        get_lexicon()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        results = []
        own = [m for m in find_terms(text, person_spans(nlp_artifacts)) if m.entity == self.ENTITY]
        for match, subcategories, linked in merge_nested(own):
            metadata = match.metadata()
            metadata["linked"] = linked
            metadata["subcategories"] = subcategories
            metadata[RecognizerResult.RECOGNIZER_NAME_KEY] = self.name
            metadata[RecognizerResult.RECOGNIZER_IDENTIFIER_KEY] = self.id
            score = max(match.score, SCORE_LINKED_AMBIGUOUS) if linked and not match.linked else match.score
            results.append(RecognizerResult(self.ENTITY, match.start, match.end, score, None, metadata))
        return results
