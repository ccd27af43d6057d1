"""Recognizes IBAN bank account numbers of any country, checked by mod 97 and country format."""

from __future__ import annotations

import re
from functools import cache
from typing import ClassVar

from presidio_analyzer import EntityRecognizer, Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from stdnum import iban, numdb
from stdnum.exceptions import InvalidComponent, ValidationError

from recognizers.base import DutchPatternRecognizer, has_digit

# The IBAN registry stdnum validates against (`stdnum.iban` reads the same data set).
_IBAN_REGISTRY = numdb.get("iban")


@cache
def known_country(code: str) -> bool:
    """Whether the IBAN registry has the upper-case country `code`: stdnum refuses a number of any other
    country, whatever its digits, with or without the country check."""
    return bool(_IBAN_REGISTRY.info(code)[0][1])


class IbanRecognizer(DutchPatternRecognizer):
    """
    Recognizes an International Bank Account Number (IBAN).

    Format: ISO 13616 (country code, two check digits, a country-specific BBAN of
    up to 30 characters), written whole, in groups of four, or as the national
    account number is grouped ("ES10 0075 0080 11 0600658108", "BE 43.4679.1170.4101").
    Checked with python-stdnum (`stdnum.iban`): the ISO 7064 mod 97-10 check
    digits, the BBAN structure of the IBAN registry and the national check digits
    where a country has them, so a passing number is confirmed. A bank code
    missing from stdnum's bank lists does not rule a number out: those lists age.
    A candidate that fails is retried without its last group, so a following
    word ("... 6769 BIC GEBABEBB", "... 00 t.n.v.") does not hide the IBAN.
    """

    ENTITY = "IBAN"
    NEEDS_DIGIT = True  # two check digits

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "IBAN (whole or with single spaces, dots or dashes)",
            r"(?<![\w-])(?:[A-Z]{2}|[a-z]{2})[ ]?\d{2}(?:[ .-]?[A-Za-z0-9]){11,30}(?![\w])",
            0.5,
        ),
    ]

    CONTEXT: ClassVar[list[str]] = ["iban", "rekeningnummer", "bankrekening", "rekening", "bank"]

    LAST_GROUP = re.compile(r"[ .-]?[A-Za-z0-9]*$")

    def validate_result(self, pattern_text: str) -> bool:
        """Check digits (mod 97), BBAN structure and national check digits."""
        try:
            iban.validate(pattern_text)
        except InvalidComponent:
            # The country module also refuses banks it does not list; keep those.
            return iban.is_valid(pattern_text, check_country=False)
        except ValidationError:
            return False
        return True

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Find candidates and keep the longest valid prefix of each, cut at a group boundary."""
        if self._needs_digit and not has_digit(text):
            return []
        # A no-break space is as wide as a space, so offsets stay the same.
        searched = text.replace("\u00a0", " ")
        results = []
        for pattern in self.patterns:
            for match in re.finditer(pattern.regex, searched, self.global_regex_flags):
                candidate = match.group()
                # Most candidates are words and numbers ("op 24 april 2025"): no country, none of its
                # prefixes valid, and validating each costs a mod 97 over the whole of it.
                if not known_country(candidate[:2].upper()):
                    continue
                while candidate and not self.validate_result(candidate):
                    candidate = self.LAST_GROUP.sub("", candidate)
                if not candidate:
                    continue
                explanation = self.build_regex_explanation(
                    self.name, pattern.name, pattern.regex, pattern.score, True, self.global_regex_flags
                )
                explanation.score = EntityRecognizer.MAX_SCORE
                results.append(
                    RecognizerResult(
                        entity_type=self.supported_entities[0],
                        start=match.start(),
                        end=match.start() + len(candidate),
                        score=EntityRecognizer.MAX_SCORE,
                        analysis_explanation=explanation,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    )
                )
        return results
