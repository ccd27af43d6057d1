"""Machine-readable zones of passports and ID cards (ICAO 9303: TD1, TD2, TD3) found in OCR text.

The PyPI `mrz` package is GPL-3.0 and unmaintained since 2020, so this is a small parser of the
public standard. Fields count only when their check digit is right: a document number with a
wrong check digit is no document number (it is OCR noise or a made-up line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scanner.model import Finding, Message

# (lines, length) per format; TD3 passports, TD2 older ID cards and visas, TD1 ID cards (Dutch ID card: I<NLD)
FORMATS = {"TD3": (2, 44), "TD2": (2, 36), "TD1": (3, 30)}
_LINE = re.compile(r"^[A-Z0-9<]{26,48}$")
_LOOKALIKE = str.maketrans({"\u00ab": "<", "\u2039": "<", "\u3008": "<", "(": "<", "[": "<", "{": "<"})
WEIGHTS = (7, 3, 1)
SLACK = 2  # characters a data line may be short or long (lost or doubled filler) and still give its fields


def check_digit(value: str) -> str:
    """The ICAO 9303 check digit of a field (weights 7-3-1, `<` counts 0, A=10 … Z=35)."""
    total = 0
    for i, c in enumerate(value):
        n = int(c) if c.isdigit() else (ord(c) - 55 if c.isalpha() else 0)
        total += n * WEIGHTS[i % 3]
    return str(total % 10)


@dataclass
class Zone:
    """One MRZ: its format and the spans (in the searched text) of the fields whose check digits hold."""

    format: str
    document_type: str
    valid: bool  # the composite check digit holds
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # ID_DOCUMENT, DATE_OF_BIRTH, PERSON
    values: dict[str, str] = field(default_factory=dict)  # parsed values (personal data: never logged)


def _lines(text: str) -> list[tuple[str, list[int]]]:
    """Candidate MRZ lines: spaces dropped, look-alikes of `<` mended, with each character's offset."""
    out: list[tuple[str, list[int]]] = []
    pos = 0
    for raw in text.split("\n"):
        chars = [(c, pos + i) for i, c in enumerate(raw.translate(_LOOKALIKE).upper()) if not c.isspace()]
        compact = "".join(c for c, _ in chars)
        if _LINE.match(compact) and compact.count("<") >= 2:
            out.append((compact, [p for _, p in chars]))
        else:
            out.append(("", []))
        pos += len(raw) + 1
    return out


def _fit(line: str, length: int) -> str:
    """A name line may lose or gain filler `<` in OCR: pad or cut the filler at its end."""
    return (line + "<" * length)[:length] if len(line) < length or line.endswith("<") else line


def _names(field_text: str) -> str:
    surname, _, given = field_text.strip("<").partition("<<")
    return " ".join(w for w in [*given.split("<"), *surname.split("<")] if w)


def find_zones(text: str) -> list[Zone]:
    """Every MRZ in `text` (consecutive candidate lines of one format)."""
    lines = _lines(text)
    zones: list[Zone] = []
    i = 0
    while i < len(lines):
        zone = None
        for fmt, (count, length) in FORMATS.items():
            group = lines[i:i + count]
            if len(group) == count and all(g[0] for g in group) and _matches(fmt, [g[0] for g in group], length):
                zone = _parse(fmt, group, length)
                i += count
                break
        if zone is None:
            i += 1
        else:
            zones.append(zone)
    return zones


def _data_lines(fmt: str) -> slice:
    """The lines of a format whose fields sit at fixed places (all but the name line)."""
    return slice(0, 2) if fmt == "TD1" else slice(1, 2)


def _matches(fmt: str, group: list[str], length: int) -> bool:
    """A name line may gain or lose any filler; a data line up to SLACK characters (OCR drops or doubles a
    `<` in a long run of them, mostly in a photo): its fields up to the first filler are at their places."""
    return group[0][0] in "PIAVC" and all(abs(len(line) - length) <= SLACK for line in group[_data_lines(fmt)])


def _parse(fmt: str, group: list[tuple[str, list[int]]], length: int) -> Zone:
    name_line = 2 if fmt == "TD1" else 0
    texts = [_fit(t, length) if k == name_line else t for k, (t, _) in enumerate(group)]
    offs = [o for _, o in group]
    exact = all(len(line) == length for line in texts[_data_lines(fmt)])  # else no composite check digit

    def span(line: int, start: int, end: int) -> tuple[int, int]:
        positions = offs[line]
        end = min(end, len(positions))
        return positions[start], positions[end - 1] + 1

    if fmt == "TD1":
        l1, l2, l3 = texts
        number, number_cd = l1[5:14], l1[14]
        dob, dob_cd = l2[0:6], l2[6]
        composite = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
        valid = exact and check_digit(composite) == l2[29]
        where = {"ID_DOCUMENT": (0, 5, 14), "DATE_OF_BIRTH": (1, 0, 6), "PERSON": (2, 0, len(group[2][0]))}
        names, doc_type = l3, l1[:2]
    else:
        l1, l2 = texts
        number, number_cd = l2[0:9], l2[9]
        dob, dob_cd = l2[13:19], l2[19]
        composite = l2[0:10] + l2[13:20] + l2[21:length - 1]
        valid = exact and check_digit(composite) == l2[length - 1]
        where = {"ID_DOCUMENT": (1, 0, 9), "DATE_OF_BIRTH": (1, 13, 19), "PERSON": (0, 5, len(group[0][0]))}
        names, doc_type = l1[5:], l1[:2]
    zone = Zone(fmt, doc_type.strip("<"), valid)
    number_ok = number.strip("<") != "" and check_digit(number) == number_cd
    dob_ok = dob.isdigit() and check_digit(dob) == dob_cd
    if number_ok:
        zone.values["ID_DOCUMENT"] = number.strip("<")
        zone.spans["ID_DOCUMENT"] = span(*where["ID_DOCUMENT"])
    if dob_ok:
        zone.values["DATE_OF_BIRTH"] = f"{dob[4:6]}-{dob[2:4]}-{dob[0:2]}"
        zone.spans["DATE_OF_BIRTH"] = span(*where["DATE_OF_BIRTH"])
    person = _names(names)
    if person and (number_ok or dob_ok or valid):
        zone.values["PERSON"] = person
        line, start, _end = where["PERSON"]
        filler = group[line][0].rstrip("<")
        zone.spans["PERSON"] = span(line, start, max(start + 1, len(filler)))
    return zone


def looks_like_mrz(text: str) -> bool:
    """An MRZ zone seen (even one whose check digits fail): the image is a copy of an ID document."""
    if find_zones(text):
        return True
    return bool(re.search(r"^\s*(?:P<|I<|ID|IR|AC|V<)[A-Z<]{3}[A-Z<]{10,}<<", text.translate(_LOOKALIKE).upper(),
                          re.MULTILINE))


def mrz_findings(message: Message) -> list[Finding]:
    """ID_DOCUMENT, DATE_OF_BIRTH and PERSON findings for the MRZ zones in OCR text (fields whose check
    digits hold only)."""
    from scanner.model import Finding

    findings: list[Finding] = []
    for index, part in enumerate(message.parts):
        for page_no in part.meta.get("ocr_pages", ()) if not part.error else ():
            text = part.pages[page_no - 1] if page_no <= len(part.pages) else ""
            for zone in find_zones(text):
                for entity, (start, end) in zone.spans.items():
                    findings.append(Finding(
                        entity=entity, part=part.part, start=start, end=end, text=text[start:end], score=1.0,
                        attachment=part.name if part.part == "attachment" else None,
                        page=page_no if part.paged else None, part_index=index, source="ocr",
                    ))
    return findings
