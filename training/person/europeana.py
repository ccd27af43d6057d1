"""Convert the Europeana Newspapers Dutch BIO file (OCR tokens, no sentence breaks) to labelled sentences."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from training.person.synth import Example

# Quote marks and dashes as OCR leaves them glued to words (escaped: ruff RUF001).
QUOTES = "\"'\u201e\u201c\u201d\u2018\u2019\u00ab\u00bb"
LEADING = QUOTES + "(<[*-\u2014\u2013"
TRAILING = QUOTES + ")>],.;:!?*"
SENTENCE_END = re.compile("[.!?][" + re.escape(QUOTES) + ")]*$")
# Abbreviations and initials after which a full stop does not end a sentence.
NO_BREAK = re.compile(
    r"^(?:[A-Za-z]|[A-Z][a-z]?|mr|mej|mevr|mad|dr|st|sr|jr|jhr|hr|ds|prof|v|vs|no|nr|blz|bl|art|fr|fl|ct|ca|enz|z|w|n|o)\.$",
    re.IGNORECASE,
)
MAX_TOKENS = 60


def read_bio(path: Path) -> list[tuple[str, str]]:
    """Read `token TAG` lines (tags O, B-/I-PER, LOC, ORG)."""
    rows: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            rows.append((parts[0], parts[-1]))
    return rows


def split_sentences(rows: list[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    """Cut the running token stream into sentences at sentence-final punctuation."""
    current: list[tuple[str, str]] = []
    for index, (token, tag) in enumerate(rows):
        current.append((token, tag))
        next_row = rows[index + 1] if index + 1 < len(rows) else None
        next_inside = next_row is not None and next_row[1].startswith("I-")
        ends = bool(SENTENCE_END.search(token)) and not NO_BREAK.match(token)
        starts_upper = next_row is None or next_row[0][:1].isupper() or not next_row[0][:1].isalpha()
        if (ends and starts_upper and not next_inside) or (len(current) >= MAX_TOKENS and not next_inside):
            yield current
            current = []
    if current:
        yield current


def to_example(sentence: list[tuple[str, str]]) -> Example:
    """Join tokens with spaces and map tags to labelled character spans without edge punctuation."""
    text_parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    length = 0
    open_span: list[int] | None = None
    open_label = ""
    for token, tag in sentence:
        if text_parts:
            text_parts.append(" ")
            length += 1
        start = length
        text_parts.append(token)
        length += len(token)
        core_start = start + (len(token) - len(token.lstrip(LEADING)))
        core_end = start + len(token.rstrip(TRAILING))
        label = tag[2:] if tag != "O" else ""
        continues = tag.startswith("I-") and open_span is not None and label == open_label
        if open_span is not None and not continues:
            spans.append((open_span[0], open_span[1], open_label))
            open_span = None
        if label and continues and open_span is not None:
            open_span[1] = max(core_end, open_span[1])
        elif label:
            open_span = [core_start, max(core_end, core_start)]
            open_label = label
    if open_span is not None:
        spans.append((open_span[0], open_span[1], open_label))
    text = "".join(text_parts)
    spans = [(s, _keep_initial_dot(text, e), label) for s, e, label in spans if e > s]
    return Example(text, spans)


def _keep_initial_dot(text: str, end: int) -> int:
    """Keep the dot of a trailing initial or abbreviation ("J. H." ends with its dot)."""
    word_start = text.rfind(" ", 0, end) + 1
    word = text[word_start:end]
    if end < len(text) and text[end] == "." and len(word) <= 3 and word[:1].isupper():
        return end + 1
    return end


def europeana_examples(path: Path) -> list[Example]:
    """All sentences of the Europeana file as labelled examples."""
    return [to_example(sentence) for sentence in split_sentences(read_bio(path))]
