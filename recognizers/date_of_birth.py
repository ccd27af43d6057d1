"""Recognizes a date given as someone's birth date; other dates are not findings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import ClassVar

import regex
from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.tokens import Doc

from recognizers.base import DutchPatternRecognizer, has_digit, remove_duplicates
from recognizers.engine import REGEX_FLAGS
from recognizers.person_model import source_text

_MONTHS = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "february": 2, "febr": 2, "feb": 2,
    "maart": 3, "march": 3, "mrt": 3, "maa": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "augustus": 8, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_MONTH_WORD = "(?i:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"
# "maart", "mrt.", and as a Dutch passport prints it, in Dutch and English: "MAA/MAR"
_MONTH_NAME = rf"{_MONTH_WORD}\.?(?:/{_MONTH_WORD}\b)?"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DAY2 = r"(?:0[1-9]|[12]\d|3[01])"
_MONTH2 = r"(?:0[1-9]|1[0-2])"
_DATE = (
    # 01-02-1990, 1.2.90, 3-2-'95, and typed with spaces around the separators: "12 - 03 - 1990"
    rf"(?:{_DAY}[ ]?([-./])[ ]?{_MONTH}[ ]?\1[ ]?(?:(?:19|20)\d{{2}}|['\u2019]?\d{{2}})"
    # year first: 1990-02-01, 1990/02/01, 1990.02.01
    rf"|(?:19|20)\d{{2}}([-./])(?:0[1-9]|1[0-2])\2(?:0[1-9]|[12]\d|3[01])"
    # no separators, as clerks type it and systems export it: 01021990, 19900201
    rf"|{_DAY2}{_MONTH2}(?:19|20)\d{{2}}|(?:19|20)\d{{2}}{_MONTH2}{_DAY2}"
    # 1 februari 1990, 1e feb. '90, the year on the next line
    rf"|{_DAY}(?:e|ste|de)?[ \u00a0]+{_MONTH_NAME}(?:[ \u00a0]+|[ \t]*\r?\n[ \t]*)"
    rf"(?:(?:19|20)\d{{2}}|['\u2019]\d{{2}}))"
    r"(?![\w]|[-./]\d)"
)
_LABEL = (
    r"\b(?i:geboren|geb\.?|geboortedatum(?:[ ]en[ ]-?plaats|[ ]?/[ ]?-?plaats)?|geboorte-?[ ]?datum|geb\.?[ ]?datum"
    r"|d\.d\.[ ]?geboorte|datum[ ]van[ ]geboorte|date[ ]of[ ]birth|birth[ ]?date|born(?:[ ]on)?|date[ ]de[ ]naissance"
    r"|dob|d\.o\.b\.)"
)
# "geboren te Khartoem (Soedan) op", "geboren in Aleppo, Syrië, op": capitalised
# place words, then "op"; "geboren in Syrië en kwam op 3 maart" is no birth date.
_PLACE_WORDS = r"(?:'s-)?[A-Z(][^\s,;:]*(?:[ ](?:[A-Z(][^\s,;:]*|aan|den|de|der|al|el))*"
_PLACE = rf"[ \t]+(?i:te|in)[ \t]+{_PLACE_WORDS}(?:,[ ]{_PLACE_WORDS},?)?"
_GAP = rf"(?:{_PLACE})?(?:[ \t]+(?i:op))?[ \t]*[:(/\u2013-]?[ \t]*\r?\n?[ \t]*"


class DateOfBirthRecognizer(DutchPatternRecognizer):
    """
    Recognizes a date that a label marks as a birth date.

    A date is personal data here only as a birth date, so the pattern demands a
    label right before it: "geboren (op)", "geb.", "geboortedatum", "geb. datum",
    "d.d. geboorte", "geboren te <plaats> op", "date of birth", "DOB". Dates are
    numeric (01-02-1990, 1.2.1990, "01 - 02 - 1990", 1990-02-01, 1990/02/01, two-digit years as
    in "3-2-'95", no separators as in 01021990 or 19900201) or use Dutch or English month names
    ("1 februari 1990", "1e feb. 1990", "1 feb. '90", the year on the next line), day first as is
    usual in Dutch, or year first as in ISO 8601. In a list row a date right after a V-nummer is
    a birth date too, and so is one right after a person's name ("A. Rahimi (01-02-1990)") unless
    it lies within the last year. A date that does not exist, lies in the future or before 1900 is
    ruled out.
    """

    COUNTRY_CODE = "nl"
    ENTITY = "DATE_OF_BIRTH"
    NEEDS_DIGIT = True  # a date in digits, or a day and a year

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("Date after a birth label", rf"(?=\d)(?<={_LABEL}{_GAP}){_DATE}", 0.9),
        # A row of a list of persons: "Ahmad Rahimi - 2718293645 - 03-02-1995", "| 2718293645 | 03-02-1995".
        Pattern("Date after a V-nummer in a list row", rf"(?=\d)(?<=\b\d{{10}}[ \t]*[-|;,\t\u2013][ \t]*){_DATE}", 0.6),
    ]

    # A text without ten digits in a row has no list row; the V-nummer of the row is in the look-behind, so
    # no match lies before its first occurrence. A labelled date is searched only from each label on
    # (search_spans): a text without a label has no stretch to search, and no label is searched twice.
    REQUIRES: ClassVar[dict[str, str]] = {PATTERNS[1].name: r"\d{10}"}
    SEARCH_FROM_REQUIRED: ClassVar[frozenset[str]] = frozenset({PATTERNS[1].name})
    # Every alternative of _LABEL holds one of these ("geb" in "geboren", "d.d. geboorte", "datum van geboorte").
    REQUIRES_WORDS: ClassVar[dict[str, tuple[str, ...]]] = {
        PATTERNS[0].name: ("geb", "birth", "born", "dob", "d.o.b", "naissance"),
    }

    CONTEXT: ClassVar[list[str]] = ["geboren", "geboortedatum", "birth"]

    LABEL = regex.compile(_LABEL, REGEX_FLAGS)
    # A label holds no line break, the gap after it one at most, and so does a date: a labelled date
    # lies on the label's line or the two after it.
    LINES_AFTER_LABEL = 2

    def search_spans(self, pattern: Pattern, text: str) -> Iterable[tuple[int, int]]:
        """A labelled date is searched only on the lines from each label to LINES_AFTER_LABEL after it.

        The pattern's look-behind (label and gap) is tried at every digit, and a mail with one birth
        date has many other dates and numbers. Each stretch starts at a label, which the look-behind,
        seeing the text before the stretch, finds as before; it ends before a newline, which none of
        the date's look-aheads accepts, so they decide there as at the newline. A label that starts
        inside another (the search goes on after each) lies on that one's line.
        """
        if pattern.name != self.PATTERNS[0].name:
            return super().search_spans(pattern, text)
        return self._label_lines(text)

    def _label_lines(self, text: str) -> Iterator[tuple[int, int]]:
        start = end = -1
        for label in self.LABEL.finditer(text):
            last = text.find("\n", label.start())
            for _ in range(self.LINES_AFTER_LABEL):
                if last != -1:
                    last = text.find("\n", last + 1)
            last = len(text) if last == -1 else last
            if label.start() <= end:
                end = max(end, last)
                continue
            if end != -1:
                yield start, end
            start, end = label.start(), last
        if end != -1:
            yield start, end

    # Where a date can start: one or two digits and a separator (a day), or a year of 19xx or 20xx and a dash
    # (ISO): what each of _DATE's forms opens with, tested as a look-ahead at each place.
    DATE_START = regex.compile(r"(?=\d\d?(?:e|ste|de)?[-./ \u00a0]|(?:19|20)\d\d[-./]|\d{8}(?!\d))", REGEX_FLAGS)
    # The date alone: the labelled pattern without its look-behind (its group is the pattern's group 1).
    DATE = regex.compile(_DATE, REGEX_FLAGS)

    def match_starts(self, pattern: Pattern, text: str, pos: int, endpos: int) -> list[int] | None:
        """The labelled date is tried only where a date starts, on its label's line or the next, not at
        every digit of its stretch: its look-behind (a label and its gap, read backwards) costs some
        microseconds at each, and a label's stretch holds many digits (the rows of a table under
        "Geboortedatum", the numbers of a paragraph) where no date starts. The places where one can
        (DATE_START) are found in one scan, and the date alone, forwards, is tried at each.

        A label and its gap hold at most one line break: a labelled date starts on the label's line or
        the next, before the stretch's last line break when the stretch ends at the end of the second
        line after its last label (`search_spans`); one that ends at the text's end is tried whole."""
        if pattern.name != self.PATTERNS[0].name:
            return None  # the list row's look-behind is short: its own search is cheaper
        limit = text.rfind("\n", pos, endpos) if endpos < len(text) else endpos
        date = self.DATE.match
        return [start.start() for start in self.DATE_START.finditer(text, pos, limit)
                if date(text, start.start(), endpos) is not None]

    NUMERIC = re.compile(r"(\d{1,4}) ?[-./] ?(\d{1,2}) ?[-./] ?['\u2019]?(\d{1,4})")
    COMPACT = re.compile(r"\d{8}")
    WRITTEN = re.compile(r"(\d{1,2})(?:e|ste|de)?\s+([A-Za-z]+)\.?(?:/[A-Za-z]+)?\s+['\u2019]?(\d{4}|\d{2})")
    EARLIEST_YEAR = 1900

    # "A. Rahimi (12-03-1990)", "Rahimi, 12-03-1990", "Rahimi - 12031990": a date right after a person's
    # name (in brackets, or after a comma or a dash) is how clerks write a birth date. A date of the last
    # year there is an appointment or a letter ("gesprek met Rahimi (3-11-2026)"), not a birth date.
    AFTER_NAME_GAP = regex.compile(r"[ \t]*[(,\u2013-][ \t]*(?=\d)")
    AFTER_NAME = Pattern("Date right after a person's name", AFTER_NAME_GAP.pattern + _DATE, 0.6)  # at a name's end
    AFTER_NAME_MIN_AGE = timedelta(days=365)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """The labelled dates and list rows (the patterns), and a date right after a person's name: the
        names are the PERSON recognizer's (`person_offsets`, worked out once per text)."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        doc = nlp_artifacts.tokens if nlp_artifacts is not None else None
        if not isinstance(doc, Doc) or not has_digit(text) or source_text(doc) != text:
            return results
        from recognizers.person import person_offsets  # the person rules import the engine, as this module

        latest = date.today() - self.AFTER_NAME_MIN_AGE
        added = []
        for _, end in person_offsets(doc):
            if (gap := self.AFTER_NAME_GAP.match(text, end)) is None:
                continue
            if (found := self.DATE.match(text, gap.end())) is None:
                continue
            born = self.parse(found.group())
            if born is None or born > latest:
                continue
            result = self._pattern_result(self.AFTER_NAME, found.group(), *found.span(),
                                          regex_flags or self.global_regex_flags)
            if result is not None:
                added.append(result)
        return remove_duplicates(results + added) if added else results

    def validate_result(self, pattern_text: str) -> bool | None:
        """Rule out dates that do not exist or lie in the future; a real date keeps the label's score."""
        born = self.parse(pattern_text)
        return None if born and self.EARLIEST_YEAR <= born.year and born <= date.today() else False

    def parse(self, pattern_text: str) -> date | None:
        """The date a matched text names, or None when there is no such day."""
        if numeric := self.NUMERIC.fullmatch(pattern_text):
            first, month, last = (int(part) for part in numeric.groups())
            year, day = (first, last) if len(numeric.group(1)) == 4 else (last, first)
        elif self.COMPACT.fullmatch(pattern_text):  # day first, as in Dutch, else year first
            digits = pattern_text
            return (_day(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
                    or _day(int(digits[:4]), int(digits[4:6]), int(digits[6:])))
        elif written := self.WRITTEN.fullmatch(pattern_text):
            day, year = int(written.group(1)), int(written.group(3))
            month = _MONTHS[written.group(2).lower()]
        else:
            return None
        if year < 100:
            century = 2000 if 2000 + year <= date.today().year else 1900
            year += century
        return _day(year, month, day)


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
