"""Recognizes the burgerservicenummer (BSN) by its shape, the 11-proef and its label."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern, RecognizerResult
from stdnum.nl import bsn

from recognizers.base import DutchPatternRecognizer, number_labels

_START = r"(?<![\w+]|\d[.,/ -])"
_END = r"(?![\w]|[.,/ -]\d)"


class BsnRecognizer(DutchPatternRecognizer):
    """
    Recognizes the Dutch burgerservicenummer (BSN).

    Nine digits (Wet algemene bepalingen burgerservicenummer), written whole, as
    1234.56.782 or in groups of three; eight digits are the same number without
    its leading zero and count only with a BSN label. The check is the 11-proef
    as python-stdnum implements it (`stdnum.nl.bsn`). A passing check
    rules nothing in: one random nine-digit number in eleven passes it, so the
    label decides the score, and the label of another number rules it out.
    Numbers of one repeated digit never pass the 11-proef.
    """

    COUNTRY_CODE = "nl"
    ENTITY = "BSN"
    NEEDS_DIGIT = True  # a BSN is digits

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("BSN (8-9 digits)", _START + r"\d{8,9}" + _END, 0.6),
        Pattern(
            "BSN (grouped 4.2.3 or 3-3-3)",
            _START + r"(?:\d{4}([ .\u00a0])\d{2}\1\d{3}|\d{3}([ .\u00a0])\d{3}\2\d{3})" + _END,
            0.5,
        ),
    ]

    # What every match contains: eight digits in a row; a group of two or three digits between separators.
    REQUIRES: ClassVar[dict[str, str]] = {
        PATTERNS[0].name: r"\d{8}",
        PATTERNS[1].name: r"\d[ .\u00a0]\d{2,3}[ .\u00a0]\d",
    }

    CONTEXT: ClassVar[list[str]] = ["bsn", "burgerservicenummer", "sofinummer", "sofi-nummer"]

    # The last label before a number names it; the label of another number rules it out.
    LABELS = number_labels(r"(?:bsn|burgerservice|sofi)(?:-?(?:nummer|nr))?s?")
    # With its label, the nine digits in any other grouping ("BSN 123-456-782"); every own label holds
    # one of these words.
    LOOSE_DIGITS = 9
    LOOSE_WORDS = ("bsn", "burgerservice", "sofi")

    def validate_result(self, pattern_text: str) -> bool | None:
        """Rule out numbers failing the 11-proef; a pass leaves the score to the label."""
        return None if bsn.is_valid(re.sub(r"\D", "", pattern_text)) else False

    def keep_unlabelled(self, text: str, result: RecognizerResult) -> bool:
        """Drop a bare 8-digit number: only a BSN label makes it a BSN without its leading zero."""
        return result.end - result.start != 8
