"""Recognizes the vreemdelingennummer (V-nummer) by its shape and the words around it."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern, RecognizerResult

from recognizers.base import DutchPatternRecognizer, number_labels

# Left edge: not glued to a letter, a "+" (country code) or a digit group (IBAN,
# phone, amount); right edge: no further digits or digit groups.
_START = r"(?<![\w+]|\d[.,/ -])"
_END = r"(?![\w]|[.,/ -]\d)"


class VNumberRecognizer(DutchPatternRecognizer):
    """
    Recognizes the Dutch vreemdelingennummer (V-nummer) of a foreign national.

    The V-nummer is the 10-digit number under which the Basisvoorziening
    Vreemdelingen (BVV) registers a foreign national for the whole chain (IND,
    COA, DT&V, police); it is written whole or in the groups clerks type ("12 3456 7890",
    "123.456.7890", "1234 567 890", "1234 5678 90", "301-888-2745").
    It has no check digit, so the score comes from the words before it: its own
    label wins, the label of another number (zaaknummer, kenmerk, BSN, telefoon,
    ...) rules it out, and immigration words nearby raise an unlabelled one.
    A 10-digit number starting with 0 is a Dutch phone number unless labelled.
    """

    COUNTRY_CODE = "nl"
    ENTITY = "V_NUMBER"
    NEEDS_DIGIT = True  # V-nummer is ten digits

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("V-nummer (10 digits)", _START + r"\d{10}" + _END, 0.6),
        Pattern(
            "V-nummer (grouped 2-4-4, 3-3-4, 4-3-3, 4-4-2; spaces, dots or hyphens)",
            _START
            + r"(?:\d{2}([ .\u00a0-])\d{4}\1\d{4}|\d{3}([ .\u00a0-])\d{3}\2\d{4}|\d{4}([ .\u00a0-])\d{3}\3\d{3}"
            + r"|\d{4}([ .\u00a0-])\d{4}\4\d{2})"
            + _END,
            0.6,
        ),
    ]

    # What every match contains: ten digits in a row; a group of three or four digits between separators.
    REQUIRES: ClassVar[dict[str, str]] = {
        PATTERNS[0].name: r"\d{10}",
        PATTERNS[1].name: r"\d[ .\u00a0-]\d{3,4}[ .\u00a0-]\d",
    }
    # A ten-digit V-nummer starts with its ten digits: none before their first occurrence.
    SEARCH_FROM_REQUIRED: ClassVar[frozenset[str]] = frozenset({PATTERNS[0].name})

    CONTEXT: ClassVar[list[str]] = ["vreemdelingennummer", "v-nummer", "v-nr", "vnr"]

    # The last label before a number names it; the window is short so a label
    # of the previous sentence does not reach, and the label of another number rules it out.
    LABELS = number_labels(r"(?:vreemdelingen-?nummer|vreemdelingennr|v-?nummer|v-?nr)s?")
    # With its label, the ten digits in any other grouping ("V-nummer 12 345 678 90"); every own label
    # holds one of these words.
    LOOSE_DIGITS = 10
    LOOSE_WORDS = ("vnummer", "v-nummer", "vnr", "v-nr", "vreemdelingen")

    # Acronyms are matched in capitals only: "ind" is part of many Dutch words.
    IMMIGRATION_WORDS = re.compile(
        r"\b(?:IND|COA|DT&V|AVIM|KMar|AZC|azc|Nidos)\b"
        r"|\b(?i:vreemdeling\w*|asiel\w*|verblijfsvergunning\w*|verblijfsdocument\w*"
        r"|statushouder\w*|terugkeer\w*|vertrek\w*|nareis\w*|inburger\w*|dublin\w*)"
    )
    IMMIGRATION_WINDOW = 200

    IMMIGRATION_SCORE = 0.8

    def invalidate_result(self, pattern_text: str) -> bool:
        """Rule out numbers of one repeated digit (0000000000, 1111111111 …)."""
        digits = re.sub(r"\D", "", pattern_text)
        return len(set(digits)) == 1

    def keep_unlabelled(self, text: str, result: RecognizerResult) -> bool:
        """Drop an unlabelled number starting with 0 (a phone number); immigration words around raise the rest."""
        if text[result.start] == "0":
            return False
        if self.IMMIGRATION_WORDS.search(
            text,
            max(0, result.start - self.IMMIGRATION_WINDOW),
            result.end + self.IMMIGRATION_WINDOW,
        ):
            result.score = max(result.score, self.IMMIGRATION_SCORE)
        return True
