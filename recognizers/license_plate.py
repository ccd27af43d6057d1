"""Recognizes Dutch vehicle registration numbers (kentekens) of sidecodes 1 to 14."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from recognizers.base import CAPITAL_BY_DIGIT, DutchPatternRecognizer

# RDW sidecodes: X a letter, 9 a digit.
_SIDECODES = {
    1: "XX-99-99", 2: "99-99-XX", 3: "99-XX-99", 4: "XX-99-XX", 5: "XX-XX-99",
    6: "99-XX-XX", 7: "99-XXX-9", 8: "9-XXX-99", 9: "XX-999-X", 10: "X-999-XX",
    11: "XXX-99-X", 12: "X-99-XXX", 13: "9-XX-999", 14: "999-XX-9",
}  # fmt: skip
# From sidecode 4 (1978) on, the RDW issues no vowels (no words) and no C or Q
# (they look like a zero); M and W lead motorcycle and trailer plates.
_LETTERS_SINCE_4 = "[BDFGHJKLMNPRSTVWXZ]"
_LETTERS_BEFORE_4 = "[A-Z]"
_START = r"(?<![\w-])"
# Every sidecode has a group of letters next to a group of digits (across a dash, or touching
# without dashes): a text without a capital next to a digit holds no kenteken. Two fragments, each
# found by a fast scan for its first character (see DutchPatternRecognizer.REQUIRES).
LETTER_BY_DIGIT = (CAPITAL_BY_DIGIT, r"\d-?[A-Z]")
_END = r"(?![\w-])"


def _regex(sidecodes: list[int], letters: str, dashes: bool) -> str:
    forms = (
        _SIDECODES[code].replace("X", letters).replace("9", r"\d").replace("-", "-" if dashes else "")
        for code in sidecodes
    )
    return _START + "(?:" + "|".join(forms) + ")" + _END


class LicensePlateRecognizer(DutchPatternRecognizer):
    """
    Recognizes a Dutch kenteken.

    Formats are the RDW sidecodes 1 to 14 (XX-99-99 … 999-XX-9), in capitals with
    dashes; from sidecode 4 on, the RDW issues no vowels and no C or Q, which
    keeps words and most codes out. The older sidecodes 1 to 3 used vowels too
    and count only near the word "kenteken", as does a plate without dashes.
    """

    COUNTRY_CODE = "nl"
    ENTITY = "LICENSE_PLATE"
    NEEDS_DIGIT = True  # every sidecode has digits

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("Kenteken (sidecode 4-14)", _regex(list(range(4, 15)), _LETTERS_SINCE_4, dashes=True), 0.6),
        Pattern("Kenteken (sidecode 1-3)", _regex([1, 2, 3], _LETTERS_BEFORE_4, dashes=True), 0.3),
        Pattern("Kenteken without dashes", _regex(list(range(4, 15)), _LETTERS_SINCE_4, dashes=False), 0.2),
    ]

    # One search for LETTER_BY_DIGIT instead of three patterns of fourteen forms each over such a text.
    REQUIRES: ClassVar[dict[str, str]] = {pattern.name: LETTER_BY_DIGIT for pattern in PATTERNS}

    CONTEXT: ClassVar[list[str]] = ["kenteken", "nummerbord", "voertuig"]
