"""Recognizes a client number of the COA, DT&V or IND, only where a label names it."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from recognizers.base import DutchPatternRecognizer

_LABEL = (
    r"(?i:\b(?:(?:ind|coa|dt&v|dtv)[- ]?)?(?:klant|cli[eë]nt|relatie)(?:nummer|nr\.?)"
    r"|\bkl\.?[ ]?nr\.?|\b(?:ind|coa|dt&v|dtv)-?(?:nummer|nr\.?))"
    r"(?:[ ](?:IND|COA|DT&V|DTV))?"
)
# The end of every label: see KlantnummerRecognizer.REQUIRES.
_LABEL_END = r"(?i:nummer|nr)(?<=(?i:klant|cli[eë]nt|relatie|kl\.?[ ]?|ind-?|coa-?|dt&v-?|dtv-?)(?i:nummer|nr))"


class KlantnummerRecognizer(DutchPatternRecognizer):
    """
    Recognizes a client number of a chain organisation (COA, DT&V, IND).

    These numbers are assigned by each organisation's own case system and have
    no published format: 5 to 10 digits, sometimes after a letter prefix
    ("K-123456"). Without a label they are indistinguishable from any other
    number, so only a labelled number ("klantnummer", "COA-nummer", "kl.nr",
    "cliëntnummer", "relatienummer", "DT&V-nummer", "IND-nummer") is reported.
    """

    COUNTRY_CODE = "nl"
    ENTITY = "KLANTNUMMER"
    NEEDS_DIGIT = True  # the number has five to ten digits

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Klantnummer (labelled)",
            r"(?=[A-Z\d])(?<=" + _LABEL + r"[ \t]{0,3}[:#]?[ \t]{0,3})(?:[A-Z]{1,3}[- ]?)?\d{5,10}(?![\w]|[.,/-]\d)",
            0.85,
        ),
    ]

    # A text without the label has no labelled number (the label's look-behind at every digit is the cost).
    # Every label ends in "nummer" or "nr" right after "klant", "cliënt", "relatie", "kl" or an
    # organisation: that word, found by a fast scan and checked backwards, instead of the labels'
    # alternation tried at every position (tests/test_identifiers.py checks that it finds every label).
    REQUIRES: ClassVar[dict[str, str]] = {PATTERNS[0].name: _LABEL_END}
    # A label in the look-behind: no match before its first occurrence.
    SEARCH_FROM_REQUIRED: ClassVar[frozenset[str]] = frozenset({PATTERNS[0].name})
    # Every alternative of _LABEL ends in "nummer" or "nr" (the organisations and "klant" are words of
    # most mails here; a longer list of whole labels costs as much as the search for _LABEL).
    REQUIRES_WORDS: ClassVar[dict[str, tuple[str, ...]]] = {PATTERNS[0].name: ("nummer", "nr")}

    CONTEXT: ClassVar[list[str]] = [
        "klantnummer",
        "cliëntnummer",
        "clientnummer",
        "relatienummer",
        "coa-nummer",
        "dt&v-nummer",
    ]
