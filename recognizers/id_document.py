"""Recognizes passport, identity card, W-document and verblijfsdocument numbers."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from stdnum.nl import identiteitskaartnummer

from recognizers.base import CAPITAL_BY_DIGIT, DutchPatternRecognizer

_START = r"(?<![\w-])"
_END = r"(?![\w-])"
_DOCUMENT = (
    r"(?:paspoort|id-kaart|identiteitskaart|identiteitsbewijs|reisdocument|verblijfsdocument|verblijfspas"
    r"|w-document|document|passport)"
)
# A document's name at the start of a word: every label below holds one.
_NAMED = rf"(?i:\b{_DOCUMENT})"
_LABEL = (
    rf"(?i:\b{_DOCUMENT}(?:[ -]?(?:nummer|nr\.?|number|no\.?))?"
    rf"|\bnummer[ ](?:van[ ])?(?:het|de|zijn|haar)[ ]{_DOCUMENT})"
    r"(?:[ \t]*\([^)\n]{1,30}\))?[ \t]*[:#]?[ \t]*"
)


class IdDocumentRecognizer(DutchPatternRecognizer):
    """
    Recognizes the number of an identity document.

    - Dutch passport and identity card: nine characters, two letters, six letters
      or digits, a digit, never the letter O (RvIG's document number format),
      checked with python-stdnum (`stdnum.nl.identiteitskaartnummer`). The format has no check digit, so a
      number counts only near a word such as "paspoort" or "ID-kaart".
    - Verblijfsdocument: the document type as a roman numeral (I to V) or EU,
      then a letter-led number ("III-V123AL568").
    - W-document (asylum seeker's document): W and seven to nine digits, only
      near "W-document".
    - Any travel document number right after its label ("paspoortnummer:",
      "passport no.", "documentnummer"), since foreign passports follow no single
      format; after "paspoort met nummer" only a letter-led number (A18273645).
    """

    ENTITY = "ID_DOCUMENT"
    NEEDS_DIGIT = True  # every number has a digit

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("Dutch passport or ID card", _START + r"[A-NP-Z]{2}[A-NP-Z0-9]{6}\d" + _END, 0.4),
        Pattern("Verblijfsdocument", _START + r"(?:III|II|IV|I|V|EU)[- ](?=[A-Z]*\d)[A-Z][A-Z0-9]{5,10}" + _END, 0.5),
        Pattern("W-document", _START + r"W-?\d{7,9}" + _END, 0.3),
        Pattern(
            "Labelled document number",
            r"(?=[A-Z\d])(?<=" + _LABEL + r")(?=[A-Z]*\d)[A-Z0-9]{6,12}" + _END,
            0.85,
        ),
        # "een Somalische ID-kaart overgelegd, nummer SO1847302", "verblijfsdocument met documentnummer XK7L29P41":
        # the document named a few words before its number label; a letter in the number keeps phone numbers
        # and V-nummers out.
        Pattern(
            "Document named before its number",
            r"(?<=" + rf"(?i:\b{_DOCUMENT}\b[^.;:]{{0,40}}?\b(?:document)?(?:nummer|nr\.?|number|no\.?))[ \t]*:?[ \t]*"
            + r")(?=[A-Z0-9]*[A-Z])(?=[A-Z]*\d)[A-Z0-9]{6,12}" + _END,
            0.85,
        ),
        # "een Iraaks paspoort met nummer A18273645": a foreign number (one or two letters, then digits) after
        # "<document> met (het) nummer". Looser wording than a label, so a stricter shape.
        Pattern(
            "Document met nummer",
            r"(?<=" + rf"(?i:\b{_DOCUMENT}[ ]met[ ](?:het[ ])?(?:nummer|nr\.?))[ \t]*" + r")[A-Z]{1,2}\d{6,9}" + _END,
            0.85,
        ),
    ]

    # The first three numbers each hold a capital right before a digit (the last letter before the first
    # digit of a Dutch number, of a verblijfsdocument's number, the W): the fragment the kenteken requires
    # too, searched once per text for both (most texts have none). A document's name, at the start of a
    # word, appears in the text before any number of the last three patterns (in their labels; in "nummer
    # van het paspoort" after a space): one search for it, shared by the three.
    REQUIRES: ClassVar[dict[str, str]] = {
        PATTERNS[0].name: CAPITAL_BY_DIGIT,
        PATTERNS[1].name: CAPITAL_BY_DIGIT,
        PATTERNS[2].name: CAPITAL_BY_DIGIT,
        PATTERNS[3].name: _NAMED,
        PATTERNS[4].name: _NAMED,
        PATTERNS[5].name: _NAMED,
    }
    # A label in the look-behind: no match before its first occurrence.
    SEARCH_FROM_REQUIRED: ClassVar[frozenset[str]] = frozenset({PATTERNS[3].name, PATTERNS[4].name, PATTERNS[5].name})
    # Every name in _DOCUMENT holds one of these ("document" in "reisdocument", "identiteits" in "identiteitskaart").
    _DOCUMENT_WORDS = ("paspoort", "passport", "id-kaart", "identiteits", "document", "verblijfspas")
    REQUIRES_WORDS: ClassVar[dict[str, tuple[str, ...]]] = {
        PATTERNS[3].name: _DOCUMENT_WORDS,
        PATTERNS[4].name: _DOCUMENT_WORDS,
        PATTERNS[5].name: _DOCUMENT_WORDS,
    }

    CONTEXT: ClassVar[list[str]] = [
        "paspoort",
        "id-kaart",
        "identiteitskaart",
        "identiteitsbewijs",
        "reisdocument",
        "verblijfsdocument",
        "verblijfspas",
        "vergunning",
        "w-document",
        "documentnummer",
        "passport",
        "legitimatie",
    ]

    DUTCH_LENGTH = 9
    # "een Somalische ID-kaart", "zijn Iraanse paspoort", "buitenlands reisdocument": a foreign document
    # may have a nine-character number the Dutch format refuses.
    FOREIGN = re.compile(
        rf"(?i:\b(?!nederlands)(?:buitenlands\w*|\w{{3,}}(?:se|sche|ans|aans|ees|ees|isch))\s+{_DOCUMENT})"
    )
    FOREIGN_WINDOW = 80
    FOREIGN_SHAPE = re.compile(r"[A-Z]{1,2}\d{6,9}")  # "A18273645", "K4471902"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """Rule out a Dutch-shaped number stdnum refuses, unless a foreign document is named ("SO1847302")."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in results if not self._bare_invalid(r, text[r.start:r.end], text)]

    def _bare_invalid(self, result: RecognizerResult, value: str, text: str) -> bool:
        """A Dutch-shaped number stdnum refuses ("XR1O01R58"), unless the text calls the document foreign."""
        if identiteitskaartnummer.is_valid(value):
            return False
        explanation = result.analysis_explanation
        pattern = explanation.pattern_name if explanation is not None else None
        foreign = self.FOREIGN.search(text, max(0, result.start - self.FOREIGN_WINDOW), result.start)
        if pattern == "Document named before its number":
            # A loose label: a number of neither the Dutch nor the common foreign shape needs a foreign document.
            return not foreign and not self.FOREIGN_SHAPE.fullmatch(value)
        dutch_shaped = len(value) == self.DUTCH_LENGTH and value[:2].isalpha() and value[-1].isdigit()
        if not dutch_shaped:
            return False
        return pattern == self.PATTERNS[0].name or not foreign
