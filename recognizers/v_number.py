"""Recognizes the vreemdelingennummer (V-nummer) by its shape and the words around it."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.engine import REGEX_FLAGS

# Left edge: not glued to a letter, a "+" (country code) or a digit group (IBAN,
# phone, amount); right edge: no further digits or digit groups.
_START = r"(?<![\w+]|\d[.,/ -])"
_END = r"(?![\w]|[.,/ -]\d)"


class VNumberRecognizer(PatternRecognizer):
    """
    Recognizes the Dutch vreemdelingennummer (V-nummer) of a foreign national.

    The V-nummer is the 10-digit number under which the Basisvoorziening
    Vreemdelingen (BVV) registers a foreign national for the whole chain (IND,
    COA, DT&V, police); it is written whole or in groups ("12 3456 7890",
    "123.456.7890", "1234 567 890").
    It has no check digit, so the score comes from the words before it: its own
    label wins, the label of another number (zaaknummer, kenmerk, BSN, telefoon,
    ...) rules it out, and immigration words nearby raise an unlabelled one.
    A 10-digit number starting with 0 is a Dutch phone number unless labelled.
    """

    COUNTRY_CODE = "nl"

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("V-nummer (10 digits)", _START + r"\d{10}" + _END, 0.6),
        Pattern(
            "V-nummer (grouped 2-4-4, 3-3-4, 4-3-3)",
            _START
            + r"(?:\d{2}([ .\u00a0])\d{4}\1\d{4}|\d{3}([ .\u00a0])\d{3}\2\d{4}|\d{4}([ .\u00a0])\d{3}\3\d{3})"
            + _END,
            0.6,
        ),
    ]

    CONTEXT: ClassVar[list[str]] = ["vreemdelingennummer", "v-nummer", "v-nr", "vnr"]

    # The last label before a number names it; the window is short so a label
    # of the previous sentence does not reach. Any other "...nummer" or "...nr"
    # (zaaknummer, huisnummer, SR-nummer) names a different number.
    LABELS = re.compile(
        r"(?P<own>\b(?:vreemdelingen-?nummer|vreemdelingennr|v-?nummer|v-?nr)s?\b)"
        r"|(?P<other>\b(?:[\w&]+-?(?:nummer|nr)s?|zaak|kenmerk|referentie|ref|bsn|tel|telefoon|mobiel|gsm|fax"
        r"|iban|kvk|btw|awb|ecli)\b)",
        re.IGNORECASE,
    )
    LABEL_WINDOW = 40
    AMOUNT = re.compile(r"(?:€|\bEUR|\beuro)\s*$", re.IGNORECASE)

    # Acronyms are matched in capitals only: "ind" is part of many Dutch words.
    IMMIGRATION_WORDS = re.compile(
        r"\b(?:IND|COA|DT&V|AVIM|KMar|AZC|azc|Nidos)\b"
        r"|\b(?i:vreemdeling\w*|asiel\w*|verblijfsvergunning\w*|verblijfsdocument\w*"
        r"|statushouder\w*|terugkeer\w*|vertrek\w*|nareis\w*|inburger\w*|dublin\w*)"
    )
    IMMIGRATION_WINDOW = 200

    LABELLED_SCORE = 0.95
    IMMIGRATION_SCORE = 0.8

    def __init__(
        self,
        patterns: list[Pattern] | None = None,
        context: list[str] | None = None,
        supported_language: str = "nl",
        supported_entity: str = "V_NUMBER",
        name: str | None = None,
    ) -> None:
        super().__init__(
            supported_entity=supported_entity,
            patterns=patterns if patterns else self.PATTERNS,
            context=context if context else self.CONTEXT,
            supported_language=supported_language,
            name=name,
            global_regex_flags=REGEX_FLAGS,
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Rule out numbers of one repeated digit (0000000000, 1111111111 …)."""
        digits = re.sub(r"\D", "", pattern_text)
        return len(set(digits)) == 1

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Score each candidate by the nearest label before it and immigration words around it; drop amounts."""
        results = []
        for result in raw_recognizer_results:
            window_start = max(0, result.start - self.LABEL_WINDOW)
            label = None
            for match in self.LABELS.finditer(text, window_start, result.start):
                label = match.lastgroup
            if label == "other" or self.AMOUNT.search(text, window_start, result.start):
                continue
            if label == "own":
                result.score = max(result.score, self.LABELLED_SCORE)
            elif text[result.start] == "0":
                continue
            elif self.IMMIGRATION_WORDS.search(
                text,
                max(0, result.start - self.IMMIGRATION_WINDOW),
                result.end + self.IMMIGRATION_WINDOW,
            ):
                result.score = max(result.score, self.IMMIGRATION_SCORE)
            # A labelled number is decided; Presidio's lemma window may still raise the others.
            result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = label == "own"
            results.append(result)
        return results
