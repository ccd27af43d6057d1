"""Recognizes the burgerservicenummer (BSN) by its shape, the 11-proef and its label."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from stdnum.nl import bsn

from recognizers.engine import REGEX_FLAGS

_START = r"(?<![\w+]|\d[.,/ -])"
_END = r"(?![\w]|[.,/ -]\d)"


class BsnRecognizer(PatternRecognizer):
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

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("BSN (8-9 digits)", _START + r"\d{8,9}" + _END, 0.6),
        Pattern(
            "BSN (grouped 4.2.3 or 3-3-3)",
            _START + r"(?:\d{4}([ .\u00a0])\d{2}\1\d{3}|\d{3}([ .\u00a0])\d{3}\2\d{3})" + _END,
            0.5,
        ),
    ]

    CONTEXT: ClassVar[list[str]] = ["bsn", "burgerservicenummer", "sofinummer", "sofi-nummer"]

    # The last label before a number names it; any other "...nummer" or "...nr"
    # (zaaknummer, huisnummer, klantnr) names a different number.
    LABELS = re.compile(
        r"(?P<own>\b(?:bsn|burgerservice|sofi)(?:-?(?:nummer|nr))?s?\b)"
        r"|(?P<other>\b(?:[\w&]+-?(?:nummer|nr)s?|zaak|kenmerk|referentie|ref|tel|telefoon|mobiel|gsm|fax"
        r"|iban|kvk|btw|awb|ecli)\b)",
        re.IGNORECASE,
    )
    LABEL_WINDOW = 40
    AMOUNT = re.compile(r"(?:€|\bEUR|\beuro)\s*$", re.IGNORECASE)

    LABELLED_SCORE = 0.95

    def __init__(
        self,
        patterns: list[Pattern] | None = None,
        context: list[str] | None = None,
        supported_language: str = "nl",
        supported_entity: str = "BSN",
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

    def validate_result(self, pattern_text: str) -> bool | None:
        """Rule out numbers failing the 11-proef; a pass leaves the score to the label."""
        return None if bsn.is_valid(re.sub(r"\D", "", pattern_text)) else False

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Score each candidate by the nearest label before it; drop amounts and bare 8-digit numbers."""
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
            elif result.end - result.start == 8:
                continue
            # A labelled number is decided; Presidio's lemma window may still raise the others.
            result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = label == "own"
            results.append(result)
        return results
