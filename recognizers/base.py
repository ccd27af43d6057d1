"""Shared base and label helpers for the Dutch identifier recognizers (one recognizer per file)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from itertools import pairwise
from operator import attrgetter
from typing import ClassVar

import regex
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.pattern_recognizer import REGEX_TIMEOUT_SECONDS

from recognizers.engine import REGEX_FLAGS

# Characters before a number that its label must lie in; short, so a label of the previous sentence does not reach.
LABEL_WINDOW = 40
# Labels of other numbers: any "...nummer" or "...nr" (zaaknummer, huisnummer, klantnr) and the usual words.
OTHER_NUMBER = (
    r"[\w&]+-?(?:nummer|nr)s?|zaak|kenmerk|referentie|ref|bsn|tel|telefoon|mobiel|gsm|fax|iban|kvk|btw|awb|ecli"
)
# A capital right before a digit, or a dash between them: held by every kenteken (with `\\d-?[A-Z]`) and by
# the document numbers that start with letters; a requirement both recognizers share (`occurrences`).
CAPITAL_BY_DIGIT = r"[A-Z]-?\d"
# A currency right before a number makes it an amount.
AMOUNT = re.compile(r"(?:€|\bEUR|\beuro)\s*$", re.IGNORECASE)


def is_amount(text: str, start: int, window: int) -> bool:
    """Whether AMOUNT ends the `window` characters before `start`. Only "€" or "eur" in any case starts
    it (no other character matches e, u or r case-insensitively, and lower() maps each of those to its
    letter): a window without either, most, is not searched, which tries the pattern at every character."""
    before = text[max(0, start - window):start]
    if "€" not in before and "eur" not in before.lower():
        return False
    return AMOUNT.search(text, max(0, start - window), start) is not None

logger = logging.getLogger("presidio-analyzer")


@lru_cache(maxsize=8)
def fold_case(text: str) -> str:
    """`text` in lower case such that every stretch a case-insensitive `regex` pattern matches to a
    lower-case word reads as that word: str.lower maps the Kelvin sign to "k", and the two other
    characters `regex` matches to a Latin letter, the dotted capital I (which lower() makes two
    characters) and the long s, are mapped first (tests/test_identifiers.py checks this). Cached (a few
    texts only): the recognizers with label words fold the same text in turn, as scanner.prefilter
    lowers it once for its marker groups."""
    return text.replace("\u0130", "i").replace("\u017f", "s").lower()


DIGIT = re.compile(r"\d")


@lru_cache(maxsize=8)
def has_digit(text: str) -> bool:
    """Whether `text` holds a digit (`\\d`: any decimal digit, as the patterns read it). Most subject lines
    hold none, and most identifiers are numbers: a recognizer whose every match holds a digit returns at
    once instead of running its gates and patterns. Cached like `fold_case`: the recognizers ask in turn."""
    return DIGIT.search(text) is not None


@cache
def requirement(fragment: str) -> regex.Pattern:
    """`fragment` compiled like the patterns (the `regex` module, the same flags, so it means the same),
    once per process: recognizers that require the same fragment share one object, and so its search."""
    return regex.compile(fragment, REGEX_FLAGS)


class Occurrences(dict):
    """Where each requirement asked about first occurs in one text (None: nowhere), searched on first
    asking (`__missing__`), then read by a dict look-up in C."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def __missing__(self, fragment: regex.Pattern) -> int | None:
        found = fragment.search(self.text)
        start = self[fragment] = found.start() if found is not None else None
        return start


@lru_cache(maxsize=8)
def occurrences(text: str) -> Occurrences:
    """The requirements' first occurrences in `text` (fragments made by `requirement`). Kept per text like
    `fold_case`: a fragment several recognizers require ("\\d{10}" of a V-nummer and of a list row's birth
    date, a capital by a digit of a kenteken and of a document number) is searched once."""
    return Occurrences(text)


def number_labels(own: str) -> re.Pattern[str]:
    """The labels around a number: `own` names it (tried first), OTHER_NUMBER names a different number."""
    return re.compile(rf"(?P<own>\b{own}\b)|(?P<other>\b(?:{OTHER_NUMBER})\b)", re.IGNORECASE)


def nearest_label(labels: re.Pattern[str], text: str, start: int, window: int = LABEL_WINDOW) -> str | None:
    """The group name ("own" or "other") of the last label in the `window` characters before `start`."""
    label = None
    for match in labels.finditer(text, max(0, start - window), start):
        label = match.lastgroup
    return label


def remove_duplicates(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """`EntityRecognizer.remove_duplicates` of one recognizer's results of score above 0, which are mostly
    one or a few apart: then nothing is a duplicate or contained in another, and Presidio's answer is
    the results by falling score, then start. Its set of string hashes, sorts and groups cost more than
    the patterns of a short text; overlapping results still go to it (tests/test_speed.py compares)."""
    if len(results) > 1:
        ordered = sorted(results, key=attrgetter("start"))
        if any(before.end > after.start for before, after in pairwise(ordered)):
            return EntityRecognizer.remove_duplicates(results)
        results = sorted(ordered, key=lambda result: -result.score)
    return results


# A date at the start of a run of digit groups, day first or year first (not a loosely grouped number).
_DATE_FIRST = (r"(?:(?:0?[1-9]|[12]\d|3[01])([-./])(?:0?[1-9]|1[0-2])\1(?:\d{4}|\d{2})"
               r"|\d{4}([-./])(?:0?[1-9]|1[0-2])\2(?:0?[1-9]|[12]\d|3[01]))(?!\d)")


def loose_number(digits: int) -> str:
    """A number of `digits` digits in any grouping: digit groups split by one space, dot or hyphen
    ("123-456-782", "12 345 678 90"), never glued to a word or a further group at either end, and not
    opening with a date ("op 12-03-2024 10:30" after a V-nummer label holds ten digits, but no V-nummer)."""
    exactly = r"(?=(?:\d[ .\u00a0-]?){" + str(digits) + r"}(?![ .\u00a0-]?\d))"  # that many digits, no more
    return (r"(?<![\w+]|\d[.,/ -])(?!" + _DATE_FIRST + ")" + exactly
            + r"\d{1,6}(?:[ .\u00a0-]\d{1,6}){1,9}(?![\w]|[.,/ -]\d)")


def _matches_at(compiled: regex.Pattern, text: str, starts: Iterable[int], endpos: int) -> Iterator[regex.Match]:
    """`compiled.finditer(text, pos, endpos)` when a match can start only at `starts` (ascending, from pos):
    the match at the first start that has one, then at the next start from where it ends, as the search
    goes on after a match (the matches are not empty)."""
    end = 0
    for start in starts:
        if start >= end:
            match = compiled.match(text, start, endpos, timeout=REGEX_TIMEOUT_SECONDS)
            if match is not None:
                yield match
                end = match.end()


class DutchPatternRecognizer(PatternRecognizer):
    """
    A Presidio PatternRecognizer for Dutch text, in the style of Presidio's country_specific recognizers.

    A subclass sets PATTERNS, CONTEXT and ENTITY as class constants and checks
    a candidate in `validate_result`. One that sets LABELS (a regex with the
    groups "own" and "other") is scored by the nearest label before each
    candidate: its own label raises it to LABELLED_SCORE, another number's
    label or a currency rules it out, and `keep_unlabelled` decides the rest.

    REQUIRES names, per pattern, a regex that any text with a match of that pattern contains
    (the label its look-behind demands, the postcode it ends with): one search for it is much
    cheaper than the pattern itself, whose look-behind is tried at every digit, and a text
    without it is not searched with the pattern at all. A requirement may also be a plain
    fragment the pattern cannot match without ("\\d{10}" for a ten-digit number): a search for a
    short fragment without look-arounds skips most positions at once. A tuple of fragments requires
    any of them: the `regex` module tries an alternation at every position, while it finds a fragment
    that starts with one character class by a fast scan, so two such searches are cheaper than one for
    their alternation. A fragment is searched once per text whichever recognizers require it
    (`occurrences`), so recognizers may share a cheap one (CAPITAL_BY_DIGIT, "\\d{10}").
    A subclass that knows where a match can lie narrows the search with `search_spans`.

    SEARCH_FROM_REQUIRED names the patterns whose requirement lies before each match (in its look-behind,
    as a label does) or is how each match begins ("\\d{10}" of a ten-digit number): no match starts
    before the requirement's first occurrence, so the search starts there, and the look-behind, which
    sees the text before the searched stretch, decides as before.

    NEEDS_DIGIT says that every match of every pattern holds a digit, so a text without one (`has_digit`)
    is not searched at all; a recognizer made with other patterns than PATTERNS searches every text.

    REQUIRES_WORDS names, per pattern, lower-case words of which any text with a match holds one, in
    any case (`fold_case`): a case-insensitive alternation of labels is one of the slowest searches of
    the `regex` module, while the text is put in lower case once and a word found with `in` in no time.

    LOOSE_DIGITS (with LABELS) adds a pattern for the number typed in any other grouping ("BSN
    123-456-782", "V-nummer 12 345 678 90"): it counts only with its own label before it, and only with
    that many digits; it is sought only after such a label (LOOSE_WORDS: words of which every own label
    holds one, in lower case).
    """

    PATTERNS: ClassVar[list[Pattern]] = []
    REQUIRES: ClassVar[dict[str, str | tuple[str, ...]]] = {}
    REQUIRES_WORDS: ClassVar[dict[str, tuple[str, ...]]] = {}
    SEARCH_FROM_REQUIRED: ClassVar[frozenset[str]] = frozenset()
    NEEDS_DIGIT: ClassVar[bool] = False
    CONTEXT: ClassVar[list[str]] = []
    ENTITY: ClassVar[str] = ""

    LABELS: ClassVar[re.Pattern[str] | None] = None
    LABEL_WINDOW: ClassVar[int] = LABEL_WINDOW
    LABELLED_SCORE: ClassVar[float] = 0.95
    LOOSE_DIGITS: ClassVar[int | None] = None
    LOOSE_WORDS: ClassVar[tuple[str, ...]] = ()
    LOOSE_PATTERN: ClassVar[str] = "labelled, any grouping"

    def __init__(
        self,
        patterns: list[Pattern] | None = None,
        context: list[str] | None = None,
        supported_language: str = "nl",
        supported_entity: str | None = None,
        name: str | None = None,
    ) -> None:
        loose = ([Pattern(self.LOOSE_PATTERN, loose_number(self.LOOSE_DIGITS), 0.3)]
                 if self.LOOSE_DIGITS and not patterns else [])
        super().__init__(
            supported_entity=supported_entity or self.ENTITY,
            patterns=patterns if patterns else [*self.PATTERNS, *loose],
            context=context if context else self.CONTEXT,
            supported_language=supported_language,
            name=name,
            global_regex_flags=REGEX_FLAGS,
        )
        names = {pattern.name for pattern in self.patterns}
        if unknown := (set(self.REQUIRES) | set(self.REQUIRES_WORDS) | self.SEARCH_FROM_REQUIRED) - names:
            raise ValueError(f"REQUIRES names no pattern of {type(self).__name__}: {sorted(unknown)}")
        # Per pattern, worked out once: the words and fragments it requires and whether it is searched
        # from the first of them (not looked up by its name in three dicts per pattern and text).
        self._plan = tuple(
            (
                pattern,
                self.LOOSE_WORDS if pattern in loose else self.REQUIRES_WORDS.get(pattern.name),
                self._fragments(self.REQUIRES.get(pattern.name)),
                pattern.name in self.SEARCH_FROM_REQUIRED,
            )
            for pattern in self.patterns
        )
        self._loose = loose[0] if loose else None
        self._needs_digit = self.NEEDS_DIGIT and not patterns
        # Whether a subclass narrows the search (`search_spans`); else the text is searched whole, from `begin`.
        self._narrows = type(self).search_spans is not DutchPatternRecognizer.search_spans
        self._knows_starts = type(self).match_starts is not DutchPatternRecognizer.match_starts

    @staticmethod
    def _fragments(required: str | tuple[str, ...] | None) -> tuple[regex.Pattern, ...] | None:
        if required is None:
            return None
        return tuple(map(requirement, (required,) if isinstance(required, str) else required))

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Presidio's pattern analysis (`PatternRecognizer.__analyze_patterns`: the same results),
        without the patterns whose REQUIRES the text lacks, and without Presidio's per-pattern
        clock readings and debug log."""
        if self._needs_digit and not has_digit(text):
            return []
        flags = regex_flags if regex_flags else self.global_regex_flags
        folded = occurs = None
        results: list[RecognizerResult] = []
        for pattern, words, required, search_from in self._plan:
            if words is not None:
                if folded is None:
                    folded = fold_case(text)
                if not any(word in folded for word in words):
                    continue
            begin = 0
            if required is not None:
                if occurs is None:
                    occurs = occurrences(text)
                if search_from:
                    # No match starts before the requirement's first occurrence: the search starts there.
                    begin = min((at for at in map(occurs.__getitem__, required) if at is not None), default=None)
                    if begin is None:
                        continue
                else:
                    for fragment in required:
                        if occurs[fragment] is not None:
                            break
                    else:
                        continue
            if pattern is self._loose:
                spans = self._after_own_labels(text)
            elif self._narrows:
                spans = self.search_spans(pattern, text)
                if begin:
                    spans = [(max(pos, begin), endpos) for pos, endpos in spans if endpos > begin]
            else:
                spans = ((begin, len(text)),)
            if not pattern.compiled_regex or pattern.compiled_with_flags != flags:
                pattern.compiled_with_flags = flags
                pattern.compiled_regex = regex.compile(pattern.regex, flags=flags)
            try:
                for pos, endpos in spans:
                    starts = self.match_starts(pattern, text, pos, endpos) if self._knows_starts else None
                    matches = (
                        pattern.compiled_regex.finditer(text, pos, endpos, timeout=REGEX_TIMEOUT_SECONDS)
                        if starts is None
                        else _matches_at(pattern.compiled_regex, text, starts, endpos)
                    )
                    for match in matches:
                        start, end = match.span()
                        if start != end:
                            result = self._pattern_result(pattern, text[start:end], start, end, flags)
                            if result is not None:
                                results.append(result)
            except TimeoutError:
                logger.warning("Regex pattern '%s' timed out after %s seconds, skipping.", pattern.name,
                               REGEX_TIMEOUT_SECONDS, exc_info=True)
        return remove_duplicates(results)

    def _after_own_labels(self, text: str) -> list[tuple[int, int]]:
        """The stretches from each own label to the label window and the longest loosely grouped number
        (a digit and a separator per digit) past it, merged where they overlap: where such a number with
        its own label before it can lie."""
        stretches: list[tuple[int, int]] = []
        for label in self.LABELS.finditer(text):
            if label.lastgroup != "own":
                continue
            start, end = label.end(), min(len(text), label.end() + self.LABEL_WINDOW + 2 * self.LOOSE_DIGITS)
            if stretches and start <= stretches[-1][1]:
                stretches[-1] = (stretches[-1][0], end)
            else:
                stretches.append((start, end))
        return stretches

    def search_spans(self, pattern: Pattern, text: str) -> Iterable[tuple[int, int]]:
        """The (pos, endpos) stretches of `text`, in order and apart, to search with `pattern`: the whole
        text here. A subclass may name fewer where it can show that no match lies outside them and that
        the pattern's look-arounds decide the same at their edges."""
        return ((0, len(text)),)

    def match_starts(self, pattern: Pattern, text: str, pos: int, endpos: int) -> Iterable[int] | None:
        """The places in the stretch `text[pos:endpos]`, ascending, where a match of `pattern` may start,
        or None (anywhere: the stretch is searched). A subclass names them where a cheap test finds a few
        places that every match starts at, and the pattern is costly to try at the others (a look-behind
        tried at every digit); its matches must not be empty."""
        return None

    def _pattern_result(self, pattern: Pattern, matched: str, start: int, end: int,
                        flags: int) -> RecognizerResult | None:
        """One match as Presidio scores it: validation sets the score to 1 or 0, invalidation to 0;
        a result of score 0 is dropped."""
        validation_result = self.validate_result(matched)
        explanation = self.build_regex_explanation(
            self.name, pattern.name, pattern.regex, pattern.score, validation_result, flags
        )
        result = RecognizerResult(
            entity_type=self.supported_entities[0],
            start=start,
            end=end,
            score=pattern.score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )
        if validation_result is not None:
            result.score = EntityRecognizer.MAX_SCORE if validation_result else EntityRecognizer.MIN_SCORE
        if self.invalidate_result(matched):
            result.score = EntityRecognizer.MIN_SCORE
        explanation.score = result.score
        return result if result.score > EntityRecognizer.MIN_SCORE else None

    def keep_unlabelled(self, text: str, result: RecognizerResult) -> bool:
        """Whether a candidate without a label before it stays; may raise its score."""
        return True

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Score each candidate by the nearest label before it (when LABELS is set); drop amounts."""
        if self.LABELS is None:
            return super().enhance_using_context(
                text, raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts, context
            )
        results = []
        for result in raw_recognizer_results:
            label = nearest_label(self.LABELS, text, result.start, self.LABEL_WINDOW)
            if label == "other" or is_amount(text, result.start, self.LABEL_WINDOW):
                continue
            explanation = result.analysis_explanation
            if label != "own" and self._loose is not None and explanation is not None \
                    and explanation.pattern_name == self._loose.name:
                continue  # a number in an unusual grouping counts only with its own label
            if label == "own":
                result.score = max(result.score, self.LABELLED_SCORE)
            elif not self.keep_unlabelled(text, result):
                continue
            # A labelled number is decided; Presidio's lemma window may still raise the others.
            result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = label == "own"
            results.append(result)
        return results
