"""Signature blocks: the contact details of the people writing, never a data subject's (rules.md §0).

A block starts at a closing ("Met vriendelijke groet,", "Groet, Samira", "Kind regards / Met
vriendelijke groet") or at a line that holds the name of the sender or a recipient from the
headers, and runs to the next quoted-message header or a fixed number of lines; a disclaimer after
it adds no findings. Every block in the text counts, also the earlier ones in a quoted reply or a
forwarded message. In quoted and forwarded text the block must have the shape of a work signature
(a function, an organisation, an office number or site), so a client's own letter, forwarded with
his phone number under his name, still counts as his data. Markers: scanner/data/markers/rules.toml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from scanner.documents import fold, load_toml, patterns

# Identifiers of a data subject (V-nummer, BSN, date of birth ...) never stand in a staff signature,
# so one found inside a block is still reported; everything else there is the writer's.
SUBJECT_IDENTIFIERS = frozenset({"V_NUMBER", "BSN", "KLANTNUMMER", "DATE_OF_BIRTH", "ID_DOCUMENT"})
_QUOTE = re.compile(r"^[ \t]*>")
# Where the name part of a signature line ends ("Kim Bos | Coördinator", "Kim Bos - Coördinator").
_NAME_END = re.compile(r"[|,\t]| - ")
_TITLES = frozenset({"mr", "drs", "dr", "ir"})


@cache
def _spec() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], int]:
    spec = load_toml("rules.toml")["signature"]
    closing = "|".join(f"(?:{c})" for c in spec["closings"])
    start = re.compile(rf"^[ \t]*(?:>[ \t]*)*(?:{closing}){spec['closing_tail']}", re.IGNORECASE)
    return start, patterns(*spec["ends"]), patterns(*spec["work_lines"]), int(spec["max_lines"])


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line without its line end) for every line; a carriage return counts as line end.

    str.split, not a regex match per line: a text of many short lines is split at C speed.
    """
    out = []
    offset = 0
    pieces = text.split("\n")
    if len(pieces) > 1 and not pieces[-1]:  # a final line end starts no further line
        pieces.pop()
    for piece in pieces:
        out.append((offset, piece.rstrip("\r")))
        offset += len(piece) + 1
    return out


def _name_line(folded: str, names: list[set[str]], needles: tuple[str, ...]) -> bool:
    """A line (folded) that starts with a known person's whole name ("Ingrid Bosman", "Kim Bos | Coördinator").

    `names` are the word sets of two words or more (a single word never makes a whole name here) and
    `needles` one word of each: a line that holds none of them as a substring starts with no name,
    and most lines are done with those few substring tests (in C), before any splitting into words."""
    if not any(map(folded.__contains__, needles)):
        return False
    head = folded.lstrip("> \t")
    end = _NAME_END.search(head)
    if end:
        head = head[:end.start()]
    words = {w for w in (w.strip(".") for w in head.split()) if w}
    return bool(words) and len(words) <= 5 and any(n <= words and words - n <= _TITLES for n in names)


def signature_blocks(text: str, names: Iterable[set[str]] = (), *, quoted: bool = False) -> list[tuple[int, int]]:
    """Spans (start, end) of the signature blocks in a body; `quoted` for forwarded text.

    `names` are the word sets of the header names (sender and recipients).
    """
    start_re, end_re, work_re, max_lines = _spec()
    names = [n for n in names if len(n) >= 2]
    needles = tuple(max(sorted(n), key=len) for n in names)  # the longest word of each name
    lines = _lines(text)
    folded = [fold(line) for _, line in lines]  # each line folded once, not once per look at it
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        offset, line = lines[i]
        if end_re.match(folded[i]):  # a quoted message's header line names its writer and addressees
            spans.append((offset, offset + len(line)))
            quoted = True  # what follows is an earlier message in the thread
            i += 1
            continue
        by_name = not start_re.match(line)
        if by_name and not (names and _name_line(folded[i], names, needles)):
            i += 1
            continue
        in_quote = bool(_QUOTE.match(line))
        count, j, end = 0, i, offset + len(line)
        while j < len(lines):
            o, ln = lines[j]
            if j > i and (end_re.search(folded[j]) or ((_QUOTE.match(ln) is not None) != in_quote and ln.strip())):
                break
            if ln.strip():
                count += 1
                if count > max_lines:
                    break
            end = o + len(ln)
            j += 1
        block = text[offset:end]
        own = not quoted and not in_quote and not by_name
        if own or work_re.search(fold(block)):
            spans.append((offset, end))
        i = max(j, i + 1)
    return spans


def last_own_start(text: str) -> int | None:
    """Where the writer's own (unquoted) signature starts: the last closing before any quoted message."""
    start_re, end_re, _, _ = _spec()
    found = None
    for offset, line in _lines(text):
        # Only a quoted message's header after a closing ends the search: the lines before the
        # first closing (most of a mail) are not folded and searched for one.
        if found is not None and end_re.search(fold(line)):
            break
        if not _QUOTE.match(line) and start_re.match(line):
            found = offset
    return found


def inside(spans: list[tuple[int, int]], position: int) -> bool:
    return any(lo <= position < hi for lo, hi in spans)
