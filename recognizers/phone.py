"""Recognizes Dutch and international phone numbers with the phonenumbers library."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import ClassVar

import phonenumbers
from phonenumbers import FrozenPhoneNumber, Leniency, PhoneNumberMatch, PhoneNumberMatcher, PhoneNumberType
from phonenumbers.phonenumbermatcher import _INNER_MATCHES, _LEAD_CLASS_CHARS, _PATTERN
from phonenumbers.phonenumberutil import _SECOND_NUMBER_START_PATTERN
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.base import has_digit, nearest_label

# Numbers an organisation publishes for everyone, not a person's number: free, paid and shared-cost
# service numbers, and the organisation-wide 088 numbers (libphonenumber's UAN type, "+31 88 ...").
SERVICE_TYPES = frozenset({PhoneNumberType.TOLL_FREE, PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST,
                           PhoneNumberType.UAN})


# Enough for the numbers of a day's mail: a signature's number, repeated in every mail of its sender,
# is parsed once.
VERIFIED_CACHE_SIZE = 2048


def is_organisation_number(number: str | phonenumbers.PhoneNumber, region: str = "NL") -> bool:
    """An 088, 0800, 0900 or 14 0xx number (also "+31 88 ..."): an organisation's, no person's."""
    if isinstance(number, str):
        return _is_organisation_text(number, region)
    return phonenumbers.number_type(number) in SERVICE_TYPES


@lru_cache(maxsize=VERIFIED_CACHE_SIZE)
def _is_organisation_text(number: str, region: str) -> bool:
    """`is_organisation_number` of a written number, remembered: parsing costs tens of microseconds, and
    a table's phone column (a letterhead's "Telefoon | 088 ...") recurs in mail after mail."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) in SERVICE_TYPES


@lru_cache(maxsize=VERIFIED_CACHE_SIZE)
def _verified_number(candidate: str, before: str, after: str, region: str, leniency: int) -> FrozenPhoneNumber | None:
    """The number phonenumbers' matcher finds in `candidate` (None: it finds none), given the character
    before and after it in the text ("" at an edge).

    Those two characters are all of the text its `_parse_and_verify` reads besides the candidate (a
    letter or "%" glued on rules a number out), and parsing and validating costs tens of microseconds,
    so the verdict is kept: the same number in the same surroundings recurs in mail after mail (a
    signature, a letterhead). Frozen, as it is shared by every match that reads it.
    """
    match = PhoneNumberMatcher(before + candidate + after, region, leniency)._parse_and_verify(candidate, len(before))
    return FrozenPhoneNumber(match.number) if match is not None else None


@lru_cache(maxsize=VERIFIED_CACHE_SIZE)
def _number_facts(number: FrozenPhoneNumber) -> tuple[bool, int, str | None]:
    """Whether `number` is an organisation's, its count of national digits and its region: what
    PhoneRecognizer asks of every number found, kept per number like the verdict above."""
    return is_organisation_number(number), len(str(number.national_number)), phonenumbers.region_code_for_number(number)


class _DutchMatcher(PhoneNumberMatcher):
    """phonenumbers' matcher without parsing the candidates that could only give a number PhoneRecognizer drops.

    Parsing and validating a candidate costs tens of microseconds, and most candidates in Dutch mail
    are dates, amounts and case numbers ("2025", "14-02-2009", "2711093342"). A candidate that does
    not start with 0, + or ( and that phonenumbers would not split (it looks for a number inside a
    candidate only after a slash, a bracket, a spaced or wide hyphen, a full stop or a space:
    `_INNER_MATCHES`) can only match as a whole, and such a match is dropped (`PhoneRecognizer.LEADS`).
    Matched or not, the matcher then goes on after the candidate, as it does after one skipped here.
    """

    # Where a candidate (phonenumbers' _PATTERN) can start: it opens with up to two leads (an opening bracket
    # or a plus sign, `_LEAD_CLASS`, each followed by punctuation) before its first digit, or with that digit.
    CANDIDATE_START = re.compile("[" + _LEAD_CLASS_CHARS + r"\d]")

    def _search(self, index: int) -> re.Match[str] | None:
        """`_PATTERN.search(self.text, index)`: the same match, found by trying the pattern only where a
        candidate can start. The search for one class of characters skips the rest of the text at once,
        while _PATTERN, which opens with an optional group, is tried at every character (half the
        matcher's time on the text mails)."""
        start = self.CANDIDATE_START.search(self.text, index)
        while start is not None:
            match = _PATTERN.match(self.text, start.start())
            if match is not None:
                return match
            start = self.CANDIDATE_START.search(self.text, start.start() + 1)
        return None

    def _find(self, index: int) -> PhoneNumberMatch | None:
        """phonenumbers' `PhoneNumberMatcher._find` (9.0), with its candidate search done by `_search`.
        tests/test_speed.py compares the numbers found with phonenumbers' own matcher."""
        match = self._search(index)
        while self._max_tries > 0 and match is not None:
            start = match.start()
            candidate = self._trim_after_first_match(_SECOND_NUMBER_START_PATTERN, self.text[start:match.end()])
            if len(candidate) >= self._min_candidate_length:
                found = self._extract_match(candidate, start)
                if found is not None:
                    return found
                self._max_tries -= 1
            match = self._search(start + len(candidate))
        return None

    def _extract_match(self, candidate: str, offset: int):
        if candidate[0] not in PhoneRecognizer.LEADS and not any(inner.search(candidate) for inner in _INNER_MATCHES):
            return None
        return super()._extract_match(candidate, offset)

    def _parse_and_verify(self, candidate: str, offset: int) -> PhoneNumberMatch | None:
        """phonenumbers' check of one candidate, remembered per candidate and the characters around it.

        A candidate of digits and punctuation with four digits or fewer is no number at all (no such
        number is valid), and the matcher tries many ("2025", "12.00" in "14 mei 2025 om 12.00"): it is
        not parsed."""
        if sum(c.isdigit() for c in candidate) <= 4 and not any(c.isalpha() for c in candidate):
            return None
        end = offset + len(candidate)
        number = _verified_number(candidate, self.text[offset - 1] if offset else "", self.text[end:end + 1],
                                  self.preferred_region, self.leniency)
        return PhoneNumberMatch(offset, candidate, number) if number is not None else None


class PhoneRecognizer(LocalRecognizer):
    """
    Recognizes phone numbers written the Dutch way or with a country code.

    Numbers are found and validated by Google's libphonenumber metadata
    (python `phonenumbers`, Apache-2.0) for region NL: national numbers with the
    trunk prefix 0 (06-12345678, 020-1234567) and any country's number written
    with + or 00 (+31 (0)6 ..., 0031 ..., +249 ..., +963 ..., +251 ...). A match
    must start with 0, + or ( so a bare nine- or ten-digit number stays a BSN or
    V-nummer, and one glued to a longer code ("96/0388/060/029") is part of it;
    service numbers (0800, 0900, 14 0xx) and organisation numbers (088) belong to
    organisations and are left out. The nearest label before a number decides as for V-nummers: "tel",
    "mobiel", "bel" raise it, the label of another number rules it out.
    """

    COUNTRY_CODE = "nl"

    REGION = "NL"
    SCORE = 0.75
    LEADS = "0+("  # what a number must start with: a bare digit run is a BSN, V-nummer or part of a code
    LABELLED_SCORE = 0.95

    CONTEXT: ClassVar[list[str]] = ["telefoon", "mobiel", "gsm", "bellen", "phone", "mobile"]

    LABELS = re.compile(
        r"(?P<own>\b(?:telefoon|tel|mobiel|mob|gsm|bel|bellen|gebeld|telefonisch|phone|mobile|whatsapp|fax)"
        r"(?:nummer|nr)?\b|(?-i:\b[TMF]\b)(?=[\s:.]*$))"
        r"|(?P<other>\b(?:(?:zaak|dossier|parket|rol|klant|cli[eë]nt|relatie|registratie|factuur|order|polis|rekening"
        r"|referentie|coa|dt&v|dtv|bsn|burgerservice|sofi|vreemdelingen|v)-?(?:nummer|nr)s?"
        r"|zaak|kenmerk|referentie|ref|bsn|iban|kvk|btw|awb|ecli)\b)",
        re.IGNORECASE,
    )
    # Part of a longer code such as case number "96/0388/060/029" or "07-681054-10".
    GLUED_BEFORE = re.compile(r"[\w/-]$")
    # GLUED_BEFORE ends at the number, or before a newline right before it: two characters decide, and
    # a search of the text's whole start for them would try every position.
    GLUED_REACH = 2
    GLUED_AFTER = re.compile(r"[\w/]|-\d")

    SERVICE_TYPES = SERVICE_TYPES
    MIN_NATIONAL_DIGITS = 8
    # Eritrean and other countries' numbers have seven digits after the country code ("+291 7 123 456").
    MIN_FOREIGN_DIGITS = 7
    # The matcher and the shortest candidate it parses. A kept number has at least MIN_FOREIGN_DIGITS
    # national digits, each written as a character. A shorter candidate, split at its punctuation, cannot
    # hold a valid number either (none has four digits or fewer), which would make the matcher go on
    # inside it. So the same numbers are found as with every candidate parsed, in a third less time.
    MATCHER = _DutchMatcher
    MIN_CANDIDATE_LENGTH = 7

    def __init__(
        self,
        context: list[str] | None = None,
        supported_language: str = "nl",
        supported_entity: str = "PHONE_NUMBER",
        name: str | None = None,
    ) -> None:
        super().__init__(
            supported_entities=[supported_entity],
            supported_language=supported_language,
            context=context if context else self.CONTEXT,
            name=name,
        )

    def load(self) -> None:
        """Nothing to load: the metadata ships with phonenumbers."""
        return None

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        """Find valid numbers, then score each by the nearest label before it."""
        if not has_digit(text):
            return []  # no candidate at all (most subject lines): no matcher
        results = []
        matcher = self.MATCHER(text, self.REGION, leniency=Leniency.VALID,
                               min_candidate_length=self.MIN_CANDIDATE_LENGTH)
        for match in matcher:
            if (
                match.raw_string[0] not in self.LEADS
                or self.GLUED_BEFORE.search(text, max(0, match.start - self.GLUED_REACH), match.start)
                or self.GLUED_AFTER.match(text, match.end)
            ):
                continue
            number = match.number
            organisation, national_digits, region = _number_facts(
                number if isinstance(number, FrozenPhoneNumber) else FrozenPhoneNumber(number))
            if organisation or national_digits < (
                self.MIN_NATIONAL_DIGITS if number.country_code == 31 else self.MIN_FOREIGN_DIGITS
            ):
                continue
            label = nearest_label(self.LABELS, text, match.start)
            if label == "other":
                continue
            score = self.LABELLED_SCORE if label == "own" else self.SCORE
            # A labelled number is decided; Presidio's lemma window may still raise the others.
            results.append(
                RecognizerResult(
                    entity_type=self.supported_entities[0],
                    start=match.start,
                    end=match.end,
                    score=score,
                    analysis_explanation=AnalysisExplanation(
                        recognizer=self.name,
                        original_score=score,
                        textual_explanation=f"Recognized as {region} phone number, using phonenumbers",
                    ),
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: label == "own",
                    },
                )
            )
        return results
