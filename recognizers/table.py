"""Recognizes the cells of a table column whose header names an entity (naam, geboortedatum, bsn ...)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cache
from pathlib import Path

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.phone import is_organisation_number

HEADERS_FILE = Path(__file__).parent / "data" / "table_headers.toml"
# Cell separators of the table forms ingest produces (tabs: xlsx, csv, docx rows) and of tables typed
# or pasted into a mail ("naam | geboortedatum", "naam;geboortedatum").
SEPARATORS = ("\t", "|", ";")
_STRIP = " \t\r\"'\ufeff\u00a0"
SEPARATOR = re.compile("|".join(map(re.escape, SEPARATORS)))


@cache
def header_map() -> dict[str, str]:
    """Folded header word -> entity."""
    with HEADERS_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    return {fold_header(h): entity for entity, headers in data.items() for h in headers}


def fold_header(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip(_STRIP)).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _line_at(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of the line of `text` that holds position `pos`, without its newline."""
    end = text.find("\n", pos)
    return text.rfind("\n", 0, pos) + 1, len(text) if end == -1 else end


def _cells(line: str, sep: str) -> list[tuple[int, int]]:
    """(start, end) of each cell of a line, quotes, spaces and a byte-order mark left out."""
    spans, pos = [], 0
    for piece in line.split(sep):
        lo, hi = pos, pos + len(piece)
        while lo < hi and line[lo] in _STRIP:
            lo += 1
        while hi > lo and line[hi - 1] in _STRIP:
            hi -= 1
        spans.append((lo, hi))
        pos += len(piece) + 1
    return spans


def _fits(entity: str, cell: str) -> bool:
    """Whether a cell can hold the column's entity at all (an empty or "onbekend" cell does not)."""
    digits = sum(map(str.isdigit, cell))  # the per-character tests mapped in C, not a generator step each
    if entity == "PERSON":
        return any(map(str.isalpha, cell)) and digits == 0 and len(cell.split()) <= 6 and fold_header(cell) not in {
            "onbekend", "nvt", "geen", "unknown", "na"}
    if entity == "EMAIL_ADDRESS":
        return "@" in cell
    if entity == "ID_DOCUMENT":
        return digits >= 3 and len(cell) <= 20
    if entity == "DATE_OF_BIRTH":
        return 4 <= digits <= 8 and len(cell) <= 24
    if entity == "PHONE_NUMBER" and is_organisation_number(cell):
        return False  # a letterhead's "Telefoon | 088 043 1298" is the organisation's number
    return 6 <= digits <= 16 and len(cell) <= 24  # phone numbers and the numbers BSN, V-nummer, klantnummer


class TableColumnRecognizer(LocalRecognizer):
    """
    Recognizes the data under a table column header.

    A header row is a line of at least two cells (tab, "|" or ";" separated) of which one names an
    entity: "geboortedatum", "Geb. datum", "telefoon", "mobiel", "bsn", "v-nummer", "naam",
    "achternaam", "paspoortnummer" ... (recognizers/data/table_headers.toml). Every following row
    with the same separator until a blank line is a row of the table, and each of its cells under
    such a header is that entity, whatever its format (ISO dates, numbers without a label, quoted
    cells): the header is the label.
    """

    SCORE = 0.9
    MIN_CELLS = 2

    def __init__(self, supported_language: str = "nl", name: str | None = None) -> None:
        super().__init__(supported_entities=sorted(set(header_map().values())),
                         supported_language=supported_language, name=name)

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        """The cells under the entity headers of each table. Only the lines with a cell separator can be
        header rows (MIN_CELLS is at least 2), and in mail they are a few lines in a hundred: the text
        is searched for the next separator, not walked line by line."""
        hit = SEPARATOR.search(text)
        if hit is None:
            return []
        headers = header_map()
        wanted = set(entities) if entities else set(self.supported_entities)
        results: list[RecognizerResult] = []
        while hit is not None:
            start, end = _line_at(text, hit.start())
            line = text[start:end]
            sep = next((s for s in SEPARATORS if line.count(s) >= self.MIN_CELLS - 1), None)
            columns = {}
            cells = _cells(line, sep) if sep is not None else []
            # A header row holds no digits and no "Naam:" labels of a form (a form's value stands beside them).
            if cells and ":" not in line and not any(map(str.isdigit, line)):
                for n, (lo, hi) in enumerate(cells):
                    entity = headers.get(fold_header(line[lo:hi]))
                    if entity in wanted:
                        columns[n] = entity
            if len(columns) < 2 and len(cells) < 3:  # "Naam | Karim Haddad" is a form line, not a header
                columns = {}
            # The table's rows: the following lines with the header's separator, up to a blank line.
            while columns and end < len(text):
                row_offset, end = _line_at(text, end + 1)
                row = text[row_offset:end]
                if not (row.strip() and sep in row):
                    end = row_offset  # not a row: searched again as a header
                    break
                for n, (lo, hi) in enumerate(_cells(row, sep)):
                    entity = columns.get(n)
                    if entity and lo < hi and _fits(entity, row[lo:hi]):
                        results.append(self._result(entity, row_offset + lo, row_offset + hi))
            hit = SEPARATOR.search(text, end)
        return results

    def _result(self, entity: str, start: int, end: int) -> RecognizerResult:
        return RecognizerResult(
            entity_type=entity, start=start, end=end, score=self.SCORE,
            analysis_explanation=AnalysisExplanation(recognizer=self.name, original_score=self.SCORE,
                                                     textual_explanation="Cell under a column header"),
            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                  RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
        )
