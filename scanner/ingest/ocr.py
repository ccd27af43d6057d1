"""OCR of scanned pages and images through Debian's Tesseract (`nld+eng`), one subprocess per page.

Every call has a time budget: a page over it is killed and reported as not read, never waited for.
Pages that look upside down or sideways (few words, low confidence) are turned upright with
Tesseract's orientation detection (`--psm 0`) and read again. Nothing here raises for a bad page:
the result carries a reason key (`ocr_missing`, `ocr_timeout`, `ocr_poor`, `ocr_failed`) that the
UNSCANNABLE_ATTACHMENT rule turns into a Dutch sentence.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

LANGUAGES = "nld+eng"
MIN_CONFIDENCE = 60.0  # mean word confidence (0-100) below which a page with text counts as not read
MIN_WORDS_POOR = 12  # an image with at least this many word boxes and a low confidence is a scan not read
MIN_WORDS_POOR_PAGE = 6  # the same for a PDF page without text layer: a scan by definition, not a photo
RECHECK_CONFIDENCE = 80.0  # below this (or with few words) the orientation is checked and the page read again
RECHECK_WORDS = 25
TESSERACT = "tesseract"
# OCR noise in numbers: letters that look like digits, inside a token that is mostly digits.
_DIGIT_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "i": "1",
                                  "S": "5", "B": "8", "Z": "2"})
_NUMBERISH = re.compile(r"(?<![\w])[0-9OoDQIl|iSBZ][0-9OoDQIl|iSBZ.\-/]{4,}(?![\w])")


@dataclass
class OcrPage:
    """The text read from one image, with the mean word confidence; `error` is a reason key when not read."""

    text: str = ""
    confidence: float = 0.0
    words: int = 0
    rotated: int = 0  # degrees turned clockwise to read it
    error: str | None = None
    seconds: float = 0.0
    raw: str = ""  # the text as read, also when too poor to keep (an MRZ next to a photo reads poorly)

    @property
    def has_text(self) -> bool:
        return bool(self.text.strip()) and self.error is None


def available() -> bool:
    """Whether the Tesseract binary is on PATH (looked up on every call: PATH may change in tests)."""
    return shutil.which(TESSERACT) is not None


def _run(args: list[str], png: bytes, timeout: float) -> str:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # one core per page; parallelism comes from our threads
    proc = subprocess.run([TESSERACT, "stdin", "stdout", *args], input=png, capture_output=True, timeout=timeout,
                          env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError("tesseract failed")
    return proc.stdout.decode("utf-8", errors="replace")


def _png(img: Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


COLUMN_GAP = 1.5  # a gap wider than this many line heights between two words is a table column: a tab
PARAGRAPH_GAP = 0.8  # a vertical gap wider than this many line heights between two rows: a blank line


@dataclass
class _Line:
    words: list[tuple[str, int, int]]  # (word, left, right)
    top: int
    bottom: int

    @property
    def height(self) -> int:
        return max(1, self.bottom - self.top)


def _read_tsv(tsv: str) -> tuple[str, float, int]:
    """Text, mean word confidence and word count of Tesseract's TSV output.

    Tesseract's own lines are joined into visual rows by their height on the page, left to right, with a
    tab where a wide gap separates them: a form's label and value ("V-nummer" ... "2718293645") and a
    scanned list's cells stay on one line as in a spreadsheet's text, however Tesseract split the blocks.
    """
    units: dict[tuple[int, int, int], _Line] = {}
    confs: list[float] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        if row.get("level") != "5" or not word:
            continue
        try:
            conf = float(row["conf"])
            left, top, width, height = (int(row[k]) for k in ("left", "top", "width", "height"))
        except (TypeError, ValueError):
            continue
        if conf < 0:
            continue
        confs.append(conf)
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        unit = units.setdefault(key, _Line([], top, top + height))
        unit.words.append((word, left, left + width))
        unit.top, unit.bottom = min(unit.top, top), max(unit.bottom, top + height)
    rows: list[_Line] = []
    for unit in sorted(units.values(), key=lambda u: (u.top + u.bottom) / 2):
        middle = (unit.top + unit.bottom) / 2
        row = rows[-1] if rows else None
        if row is not None and row.top <= middle <= row.bottom and (row.top + row.bottom) / 2 >= unit.top:
            row.words += unit.words
            row.top, row.bottom = min(row.top, unit.top), max(row.bottom, unit.bottom)
        else:
            rows.append(_Line(list(unit.words), unit.top, unit.bottom))
    out: list[str] = []
    previous = None
    for row in rows:
        words = sorted(row.words, key=lambda w: w[1])
        text = words[0][0]
        for (_, _, right0), (word, left, _) in pairwise(words):
            text += ("\t" if left - right0 > COLUMN_GAP * row.height else " ") + word
        if previous is not None and row.top - previous.bottom > PARAGRAPH_GAP * previous.height:
            out.append("")
        out.append(text)
        previous = row
    mean = sum(confs) / len(confs) if confs else 0.0
    return "\n".join(out), mean, len(confs)


def fix_digits(text: str) -> str:
    """Letters read for digits inside number-like tokens (V-nummer `27l829364S` -> `2718293645`)."""

    def repl(m: re.Match[str]) -> str:
        token = m.group(0)
        digits = sum(c.isdigit() for c in token)
        letters = sum(c.isalpha() for c in token)
        if digits >= 4 and letters <= max(1, digits // 3):
            return token.translate(_DIGIT_LOOKALIKE)
        return token

    return _NUMBERISH.sub(repl, text)


def _orientation(png: bytes, timeout: float) -> int:
    """Degrees to turn the image clockwise to make it upright (Tesseract OSD), 0 when unsure."""
    try:
        out = _run(["--psm", "0"], png, timeout)
    except (RuntimeError, subprocess.TimeoutExpired):
        return 0
    rotate = re.search(r"Rotate:\s*(\d+)", out)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    if not rotate or not confidence or float(confidence.group(1)) < 1.0:
        return 0
    return int(rotate.group(1)) % 360


def ocr_image(img: Image, *, timeout: float = 20.0, dpi: int | None = None,
              min_words_poor: int = MIN_WORDS_POOR) -> OcrPage:
    """Read one page image; never raises. `timeout` covers all Tesseract runs for this page.

    A page with at least `min_words_poor` words read at a low mean confidence is `ocr_poor` (not read);
    fewer shaky words (a photo, a drawing) are dropped as noise. A page with an MRZ (`<<`) has its zone
    read again with the MRZ characters only, appended to its text.
    """
    if not available():
        return OcrPage(error="ocr_missing")
    started = time.monotonic()
    gray = img.convert("L")
    args = ["-l", LANGUAGES, "--psm", "3", *(["--dpi", str(dpi)] if dpi else []), "tsv"]
    png = _png(gray)
    try:
        text, conf, words = _read_tsv(_run(args, png, timeout))
        rotated = 0
        if words < RECHECK_WORDS or conf < RECHECK_CONFIDENCE:
            left = timeout - (time.monotonic() - started)
            rotate = _orientation(png, left) if left > 0 else 0
            left = timeout - (time.monotonic() - started)
            if rotate and left > 0:
                turned = _png(gray.rotate(-rotate, expand=True))
                text2, conf2, words2 = _read_tsv(_run(args, turned, left))
                if words2 and conf2 > conf:
                    text, conf, words, rotated, png = text2, conf2, words2, rotate, turned
    except subprocess.TimeoutExpired:
        return OcrPage(error="ocr_timeout", seconds=time.monotonic() - started)
    except (RuntimeError, OSError):
        return OcrPage(error="ocr_failed", seconds=time.monotonic() - started)
    page = OcrPage(fix_digits(text), conf, words, rotated, raw=text)
    if words >= min_words_poor and conf < MIN_CONFIDENCE:
        page.error, page.text = "ocr_poor", ""
    elif conf < MIN_CONFIDENCE:  # a few shaky words on a photo or a drawing: no text, nothing unread
        page.text = ""
    if "<<" in text:  # a passport or an ID card: its machine-readable zone, read with its own characters
        zone = _read_mrz(png, timeout - (time.monotonic() - started))
        if zone:
            page.text, page.error = f"{page.text}\n\n{zone}".strip(), None
    page.seconds = time.monotonic() - started
    return page


MRZ_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"


def _read_mrz(png: bytes, timeout: float) -> str:
    """The MRZ lines of an image read again with only the characters of a machine-readable zone (ICAO 9303:
    OCR-B capitals, digits and `<`); other text comes out as noise that no MRZ line matches. Empty when
    no zone is found, Tesseract fails or the time is up."""
    from scanner.ingest.mrz import looks_like_mrz

    if timeout <= 0:
        return ""
    args = ["-l", "eng", "--psm", "3", "-c", f"tessedit_char_whitelist={MRZ_CHARACTERS}"]
    try:
        lines = [line for line in _run(args, png, timeout).splitlines() if "<<" in line]
    except (RuntimeError, OSError, subprocess.TimeoutExpired):
        return ""
    zone = "\n".join(lines)
    return zone if looks_like_mrz(zone) else ""


def workers(jobs: int) -> int:
    """Threads for OCR: the cores this process may use that are not busy, at least one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    try:
        busy = round(os.getloadavg()[0])
    except OSError:  # pragma: no cover
        busy = 0
    return max(1, min(jobs, cores - max(0, busy - 1)))


def ocr_pages(images: Iterable[tuple[int, Callable[[], Image]]], *, count: int, deadline: float,
              page_seconds: float, dpi: int | None = None,
              min_words_poor: int = MIN_WORDS_POOR) -> Iterator[tuple[int, OcrPage]]:
    """OCR many pages in parallel threads (each a Tesseract process), in page order.

    `images` yields (page number, a function that renders the page) and is consumed in the calling
    thread (PDFium is not thread-safe); at most `workers` rendered pages wait in memory at once.
    A page whose turn comes after `deadline` is not read (`ocr_timeout`).
    """
    if not available():
        for number, _render in images:
            yield number, OcrPage(error="ocr_missing")
        return
    size = workers(count)
    pending: list[tuple[int, Future[OcrPage] | None]] = []
    with ThreadPoolExecutor(max_workers=size, thread_name_prefix="ocr") as pool:
        for number, render in images:
            left = deadline - time.monotonic()
            if left <= 0:
                pending.append((number, None))
            else:
                pending.append((number, pool.submit(ocr_image, render(), timeout=min(page_seconds, left), dpi=dpi,
                                                    min_words_poor=min_words_poor)))
            active = [f for _, f in pending if f is not None and not f.done()]
            if len(active) >= size:
                wait(active, return_when=FIRST_COMPLETED)
            while pending and (pending[0][1] is None or pending[0][1].done()):
                number0, fut = pending.pop(0)
                yield number0, fut.result() if fut is not None else OcrPage(error="ocr_timeout")
        for number, fut in pending:
            yield number, fut.result() if fut is not None else OcrPage(error="ocr_timeout")
