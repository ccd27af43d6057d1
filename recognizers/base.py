"""Shared base and label helpers for the Dutch identifier recognizers (one recognizer per file)."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.engine import REGEX_FLAGS

# Characters before a number that its label must lie in; short, so a label of the previous sentence does not reach.
LABEL_WINDOW = 40
# Labels of other numbers: any "...nummer" or "...nr" (zaaknummer, huisnummer, klantnr) and the usual words.
OTHER_NUMBER = (
    r"[\w&]+-?(?:nummer|nr)s?|zaak|kenmerk|referentie|ref|bsn|tel|telefoon|mobiel|gsm|fax|iban|kvk|btw|awb|ecli"
)
# A currency right before a number makes it an amount.
AMOUNT = re.compile(r"(?:€|\bEUR|\beuro)\s*$", re.IGNORECASE)


def number_labels(own: str) -> re.Pattern[str]:
    """The labels around a number: `own` names it (tried first), OTHER_NUMBER names a different number."""
    return re.compile(rf"(?P<own>\b{own}\b)|(?P<other>\b(?:{OTHER_NUMBER})\b)", re.IGNORECASE)


def nearest_label(labels: re.Pattern[str], text: str, start: int, window: int = LABEL_WINDOW) -> str | None:
    """The group name ("own" or "other") of the last label in the `window` characters before `start`."""
    label = None
    for match in labels.finditer(text, max(0, start - window), start):
        label = match.lastgroup
    return label


class DutchPatternRecognizer(PatternRecognizer):
    """
    A Presidio PatternRecognizer for Dutch text, in the style of Presidio's country_specific recognizers.

    A subclass sets PATTERNS, CONTEXT and ENTITY as class constants and checks
    a candidate in `validate_result`. One that sets LABELS (a regex with the
    groups "own" and "other") is scored by the nearest label before each
    candidate: its own label raises it to LABELLED_SCORE, another number's
    label or a currency rules it out, and `keep_unlabelled` decides the rest.
    """

    PATTERNS: ClassVar[list[Pattern]] = []
    CONTEXT: ClassVar[list[str]] = []
    ENTITY: ClassVar[str] = ""

    LABELS: ClassVar[re.Pattern[str] | None] = None
    LABEL_WINDOW: ClassVar[int] = LABEL_WINDOW
    LABELLED_SCORE: ClassVar[float] = 0.95

    def __init__(
        self,
        patterns: list[Pattern] | None = None,
        context: list[str] | None = None,
        supported_language: str = "nl",
        supported_entity: str | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(
            supported_entity=supported_entity or self.ENTITY,
            patterns=patterns if patterns else self.PATTERNS,
            context=context if context else self.CONTEXT,
            supported_language=supported_language,
            name=name,
            global_regex_flags=REGEX_FLAGS,
        )

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
            if label == "other" or AMOUNT.search(text, max(0, result.start - self.LABEL_WINDOW), result.start):
                continue
            if label == "own":
                result.score = max(result.score, self.LABELLED_SCORE)
            elif not self.keep_unlabelled(text, result):
                continue
            # A labelled number is decided; Presidio's lemma window may still raise the others.
            result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = label == "own"
            results.append(result)
        return results
