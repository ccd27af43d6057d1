"""Recognizes a Dutch address: street and house number, postbus, or postcode and house number."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import ClassVar

from presidio_analyzer import Pattern
from stdnum.nl import postcode

from recognizers.base import DutchPatternRecognizer

_SUFFIX_FILE = Path(__file__).parent / "data" / "identifiers" / "street_suffixes.txt"
_SUFFIXES = sorted(
    (
        line.strip()
        for line in _SUFFIX_FILE.read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ),
    key=len,
    reverse=True,
)
_LOWER = r"[a-zà-öø-ÿ']"
# A capitalised word ("'s-Gravendijkwal", "Oost-Indië"), a title or an initial ("Burg.", "H.").
_WORD = (
    rf"(?:(?:['\u2019]s-)?[A-Z](?:{_LOWER}|-[A-Za-z])*"
    r"|(?:Burg|Dr|Prof|Mr|Ir|Ing|Drs|Ds|St|Gen|Mgr|Jhr|Gebr|Pres|Kon|[A-Z])\.)"
)
_PARTICLE = r"(?:van|de|der|den|het|ten|ter|te|op|aan|in|'t|la|le|du)"
# Capitalised words that start a sentence rather than a street name.
_NOT_STREET = (
    r"(?:In|Op|Aan|Naar|Bij|Uit|Tot|Met|Via|Het|Een|Hij|Zij|Ze|Wij|We|Ik|Zie|Adres|Woonadres|Postadres"
    r"|Verblijfadres|Verblijfsadres|Woont|Wonende|Woonachtig|Betrokkene|Naam|Gerechtshof|Rechtbank)\b"
)
# The whole word, then a look back for its ending: one pass instead of one per ending.
_STREET_WORD = rf"(?:['\u2019]s-)?[A-Z](?:{_LOWER}|-[A-Za-z])*(?<={_LOWER}(?:{'|'.join(_SUFFIXES)}))"
# An ending as a word of its own needs a word before it: "Oude Gracht", not "Markt 5".
_ENDING_WORD = "(?:" + "|".join(suffix.capitalize() for suffix in _SUFFIXES) + r")(?![\w'-])"
# "Laan van Meerdervoort": a street that starts with its kind, then a particle and a name.
_AVENUES = ("Laan", "Weg", "Plein", "Kade", "Dreef", "Park", "Singel", "Hof", "Pad", "Gracht", "Straat")
_PREFIX = rf"(?!{_NOT_STREET}){_WORD}[ ](?:(?:{_WORD}|{_PARTICLE})[ ]){{0,3}}"
_STREET = (
    rf"(?:(?:{_PREFIX})?{_STREET_WORD}|{_PREFIX}{_ENDING_WORD}"
    rf"|(?:{'|'.join(_AVENUES)})[ ]{_PARTICLE}(?:[ ]{_PARTICLE})?"
    rf"(?:[ ]{_WORD}){{1,3}})"
)
# Four-digit numbers from 1900 to 2099 are years ("Gerechtshof 2024"), not house numbers.
_NUMBER = r"(?!(?:19|20)\d\d(?!\d))\d{1,4}(?![\d,.]\d)"
_ADDITION = r"(?:-\d{1,4}|[ ]?-?[ ]?(?:bis|hs|huis|III|II)|[ ]?-?[A-Za-z])?(?![\w])"
_NOT_AFTER = (
    r"(?![ ](?:jaar|jaren|maand\w*|weken|week|dag\w*|uur|uren|minuten|keer|km|kilometer|meter|procent|euro"
    r"|personen|mensen|januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november"
    r"|december|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec)\b|[ ]?%)"
)
_HOUSE_NUMBER = _NUMBER + _ADDITION + _NOT_AFTER
_POSTCODE = r"(?:NL-?)?[1-9]\d{3}[ ]?[A-Z]{2}(?![\w])"
_PLACE = rf"(?:['\u2019]s-)?[A-Z]{_LOWER}+(?:-[A-Z]{_LOWER}+)*"
_POSTCODE_AND_PLACE = (
    rf",?[ \t]*\n?[ \t]*{_POSTCODE}(?:[ \t]+{_PLACE}(?:(?:[ ](?:aan|den|op|de|a/d|in|bij)){{0,2}}[ ]{_PLACE})*)?"
)
# The endings of a street's last word, in lower case ("Kerkstraat") or as a word ("Oude Gracht"), by
# their last two characters: a number follows many words, and one look-up leaves a few endings to
# test instead of all.
_STREET_ENDS = (*_SUFFIXES, *(suffix.capitalize() for suffix in _SUFFIXES))
if min(map(len, _STREET_ENDS)) < 2:
    raise ValueError(f"a street ending of one letter in {_SUFFIX_FILE}: the look-up by two needs two or more")
_STREET_ENDS_BY_TAIL = {
    tail: tuple(end for end in _STREET_ENDS if end.endswith(tail)) for tail in {end[-2:] for end in _STREET_ENDS}
}
_START = r"(?<![\w'\u2019-])"
# Typed in lower case ("adres: kerkstraat 12a", "woont op de dorpsweg 3"), a street is read only right after
# an address label: a lower-case word ending in "weg" or "hof" before a number is too often something else.
_ADDRESS_LABEL = (
    r"(?<![\w])(?i:(?:woon|verblijfs?|post|huis)?adres(?:[ ]is)?"
    r"|(?:woon(?:t|achtig|ende)|verblijft)[ ]+(?:op|aan|in)(?:[ ]+de|[ ]+het)?)[ \t]*:?[ \t]*"
)
_LOWER_STREET_WORD = rf"[a-z](?:{_LOWER}|-[a-z])*(?<={_LOWER}(?:{'|'.join(_SUFFIXES)}))"
# Cheap tests first: a street starts with a capital and has a number within 60 characters.
_STREET_REACH = 60
_STREET_START = rf"(?=['\u2019A-Z])(?=[^\n\d]{{0,{_STREET_REACH}}}[ ]\d)" + _START


class AddressRecognizer(DutchPatternRecognizer):
    """
    Recognizes the address of a person in the Netherlands.

    Street names end in one of the endings in `data/identifiers/street_suffixes.txt`
    ("Kerkstraat", "Burg. de Vlugtlaan", "Oude Gracht") or read "Laan van …";
    the house number follows the Basisregistratie Adressen en Gebouwen (BAG):
    a number with an optional letter and addition ("1001 A", "12-3", "12hs").
    A postcode is four digits and two capitals as PostNL issues them, checked
    with python-stdnum (`stdnum.nl.postcode`, which refuses SA, SD and SS). A
    postcode with a place and no house number ("2595 AA Den Haag") locates a
    street, not a person, and is not an address here.
    """

    COUNTRY_CODE = "nl"
    ENTITY = "ADDRESS"
    NEEDS_DIGIT = True  # a house number, Postbus number or postcode

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("Street and house number", _STREET_START + _STREET + r"[ ]" + _HOUSE_NUMBER, 0.7),
        Pattern(
            "Street, house number and postcode",
            _STREET_START + _STREET + r"[ ]" + _HOUSE_NUMBER + _POSTCODE_AND_PLACE,
            0.85,
        ),
        Pattern("Postbus", _START + r"Postbus[ ]\d{1,6}(?![\w])", 0.6),
        Pattern("Postbus and postcode", _START + r"Postbus[ ]\d{1,6}" + _POSTCODE_AND_PLACE, 0.65),
        Pattern(
            "Postcode and house number",
            _START + _POSTCODE + r"(?:,?[ ]*(?i:huisnummer|huisnr\.?|nr\.?)[ ]*:?[ ]*|[ ])" + _HOUSE_NUMBER,
            0.85,
        ),
        Pattern(
            "House number and postcode",
            r"(?=\d)(?<=(?<![\w])(?i:huisnummer|huisnr\.?)[ ]{0,3}:?[ ]{0,3})"
            + _HOUSE_NUMBER
            + r",?[ ]*(?i:postcode)?[ ]*:?[ ]*"
            + _POSTCODE,
            0.85,
        ),
        Pattern(
            "Street in lower case after an address label",
            _ADDRESS_LABEL + r"\K(?:[a-z.'\u2019-]+[ ]){0,3}?" + _LOWER_STREET_WORD + r"[ ]" + _HOUSE_NUMBER,
            0.7,
        ),
    ]

    # What every match contains: a space and a digit (the street start's look-ahead), "Postbus" and its
    # number, a postcode (one search instead of three; without the optional "NL-" and the look-ahead,
    # which make the search try every position).
    REQUIRES: ClassVar[dict[str, str]] = {
        "Street and house number": r"[ ]\d",
        "Postbus": r"Postbus[ ]\d",
        "Postbus and postcode": r"Postbus[ ]\d",
        **{name: r"[1-9]\d{3}[ ]?[A-Z]{2}" for name in ("Street, house number and postcode",
                                                         "Postcode and house number", "House number and postcode")},
    }

    # Every address label holds one of these.
    REQUIRES_WORDS: ClassVar[dict[str, tuple[str, ...]]] = {
        "Street in lower case after an address label": ("adres", "woon", "verblijf"),
    }

    CONTEXT: ClassVar[list[str]] = ["adres", "woont", "wonende", "woonachtig", "verblijft", "verhuisd", "address"]

    POSTCODE = re.compile(r"\b[1-9]\d{3} ?[A-Z]{2}\b")
    SPACED_DIGIT = re.compile(r"[ ]\d")
    # A street that does not end in one of _STREET_ENDS starts with an avenue's kind ("Laan van").
    AVENUE_START = re.compile("|".join(re.escape(avenue + " ") for avenue in _AVENUES))

    def search_spans(self, pattern: Pattern, text: str) -> Iterable[tuple[int, int]]:
        """The street-and-number pattern is searched only on the lines where a street can end.

        That pattern costs a look-ahead at every capital and a street's words at each capital before a
        number, while a street ends at a space and a digit, the first digit after its start and at
        most _STREET_REACH characters on (its start's look-ahead; a street holds no digit or newline),
        with one of _STREET_ENDS, or starts with an AVENUE_START. A line is searched from that
        reach before its first such end. A stretch ends before the line's newline, which none of the
        pattern's look-aheads accepts, so at the stretch's end they decide as at the newline; the
        look-behinds see the text before the stretch.
        """
        if pattern.name != self.PATTERNS[0].name:
            return super().search_spans(pattern, text)
        return self._street_lines(text)

    def _street_lines(self, text: str) -> Iterator[tuple[int, int]]:
        hit = self.SPACED_DIGIT.search(text)
        while hit is not None:
            end = hit.start()
            line_start = text.rfind("\n", 0, end) + 1
            start = max(line_start, end - _STREET_REACH)
            ends = _STREET_ENDS_BY_TAIL.get(text[max(0, end - 2):end])
            if (ends is not None and text.endswith(ends, start, end)) or self.AVENUE_START.search(text, start, end):
                line_end = text.find("\n", end)
                line_end = len(text) if line_end == -1 else line_end
                yield start, line_end
                hit = self.SPACED_DIGIT.search(text, line_end)
            else:
                hit = self.SPACED_DIGIT.search(text, end + 1)

    def validate_result(self, pattern_text: str) -> bool | None:
        """Rule out a postcode PostNL does not issue; a street without one is left to its pattern."""
        found = self.POSTCODE.search(pattern_text)
        if found and not postcode.is_valid(found.group()):
            return False
        return None
