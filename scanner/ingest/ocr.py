"""OCR of scanned pages and images through Debian's Tesseract (`nld+eng`), one subprocess per page.

Every call has a time budget: a page over it is killed and reported as not read, never waited for.
A phone photo's shadows are evened out and a page turned a few degrees is straightened (`skew`) before
reading; pages that look upside down or sideways (few words, low confidence) are turned upright with
Tesseract's orientation detection (`--psm 0`) and read again, and so are pages with small print
(enlarged) or text that the page layout dropped (`--psm 6`): the page's ink that looks like print is
compared with the words read. Nothing here raises for a bad page: the result carries a reason key
(`ocr_missing`, `ocr_timeout`, `ocr_poor`, `ocr_failed`) that the UNSCANNABLE_ATTACHMENT rule turns into
a Dutch sentence; a page read only in part keeps its text and is `partial` (reported as `ocr_partial`).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from PIL.Image import Image

LANGUAGES = "nld+eng"
MIN_CONFIDENCE = 60.0  # mean word confidence (0-100) below which a page with text counts as not read
MIN_WORDS_POOR = 12  # an image with at least this many word boxes and a low confidence is a scan not read
MIN_WORDS_POOR_PAGE = 6  # the same for a PDF page without text layer: a scan by definition, not a photo
RECHECK_CONFIDENCE = 80.0  # below this (or with few words) the orientation is checked and the page read again
RECHECK_WORDS = 25
TESSERACT = "tesseract"
# Uneven light (`even_light`): the paper's brightness is estimated on a copy of about this many pixels a
# side, by a closing in a window of this many (wider than a printed letter); a page whose paper is nowhere
# darker than this part of its brightest is lit evenly and left alone.
PAPER_SIDE = 400
PAPER_WINDOW = 9
EVEN_LIGHT = 0.85
# Small print (`_upscale`): word boxes lower than SMALL_TEXT pixels (median) are enlarged towards
# TEXT_HEIGHT, at most MAX_UPSCALE times and to MAX_OCR_PIXELS pixels.
SMALL_TEXT = 14
TEXT_HEIGHT = 24
MAX_UPSCALE = 3.0
MAX_OCR_PIXELS = 36_000_000
# Lost text (`ocr_image`): Tesseract's page layout (`--psm 3`) took a block of at least this part of the page
# for a picture and read nothing in it: on a photographed letter, the page's edge against the desk made it
# drop the column of labels ("Geboortedatum:", "BSN:") beside the values. The page is then read again as one
# block of text (`--psm 6`), kept when it has more words at a confidence at most the slack lower.
BLANK_BLOCK = 0.3
BLOCK_CONFIDENCE_SLACK = 5.0
# Unread text (`unread_ink`): letters are compared with the word boxes on a copy where they are about
# INK_LETTER pixels high. When more than REREAD_INK of the page's text-like ink lies outside every word read
# (a scan turned 3 degrees: --psm 3 dropped a whole paragraph, 32 of 74 words, and left no empty block; at
# 4 degrees one line of 14, 10 % of the ink), the page is read again as one block of text; if more than
# UNREAD_INK is still unread, it is reported as partly read (`ocr_partial`), its text kept.
INK_LETTER = 8
WORD_LETTERS = 15  # a blot wider than this many word heights is no word (a page's edge against the desk)
PICTURE_PAGE = 0.25  # a picture (where letter-sized ink is no text) covers at most this part of the page
REREAD_INK = 0.05
UNREAD_INK = 0.1
# A page turned by a small angle (`skew`): Tesseract reads lines tilted a few degrees, but misreads letters
# and digits in them (a scan turned 4-6 degrees: 2-8 % of its words, a V-nummer among them) and drops lines.
# The angle is found on a copy of about SKEW_SIDE pixels a side, within SKEW_LIMIT degrees either way; the
# page is turned straight when the angle is at least SKEW_MIN and its text lines line up clearly better
# there: the projection's peakiness at least SKEW_GAIN times that of the page as it lies, from at least
# SKEW_BLOTS letter- or word-sized blots of ink.
SKEW_SIDE = 600
SKEW_LIMIT = 15.0
SKEW_MIN = 1.5
SKEW_GAIN = 1.5
SKEW_BLOTS = 20
# What may be an identifier among a few shaky words: a long number (BSN, V-nummer, document number) or an MRZ.
_IDENTIFIER_LIKE = re.compile(r"\d(?:[ .-]?\d){5,}|<<")
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
    unread: float = 0.0  # the share of the page's text-like ink outside every word read (`unread_ink`)
    skew: float = 0.0  # degrees turned counter-clockwise to straighten its lines before reading (`skew`)

    @property
    def partial(self) -> bool:
        """Whether text on the page was left unread: its text is kept, but the page may not pass unseen."""
        return self.unread > UNREAD_INK and self.error is None

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


class _Reading(NamedTuple):
    text: str
    confidence: float  # mean word confidence, 0-100
    words: int
    height: float  # median height of a word box in pixels
    blank: float = 0.0  # the largest part of the page in one block without a word (what Tesseract took for a picture)
    boxes: tuple[tuple[int, int, int, int], ...] = ()  # each word's box: left, top, width, height


def _read_tsv(tsv: str) -> _Reading:
    """Text, mean word confidence, word count and median word height of Tesseract's TSV output.

    Tesseract's own lines are joined into visual rows by their height on the page, left to right, with a
    tab where a wide gap separates them: a form's label and value ("V-nummer" ... "2718293645") and a
    scanned list's cells stay on one line as in a spreadsheet's text, however Tesseract split the blocks.
    """
    units: dict[tuple[int, int, int], _Line] = {}
    confs: list[float] = []
    heights: list[int] = []
    boxes: list[tuple[int, int, int, int]] = []
    page_area, blocks, read_blocks = 1, {}, set()
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        if row.get("level") in ("1", "2"):
            try:
                area = int(row["width"]) * int(row["height"])
            except (TypeError, ValueError):
                continue
            if row["level"] == "1":
                page_area = max(1, area)
            else:
                blocks[row["block_num"]] = area
        if row.get("level") != "5" or not word:
            continue
        read_blocks.add(row["block_num"])
        try:
            conf = float(row["conf"])
            left, top, width, height = (int(row[k]) for k in ("left", "top", "width", "height"))
        except (TypeError, ValueError):
            continue
        if conf < 0:
            continue
        confs.append(conf)
        heights.append(height)
        boxes.append((left, top, width, height))
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
    blank = max((area for block, area in blocks.items() if block not in read_blocks), default=0) / page_area
    return _Reading("\n".join(out), mean, len(confs), statistics.median(heights) if heights else 0.0, blank,
                    tuple(boxes))


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


def even_light(gray: Image) -> Image:
    """The page with its lighting made even: each pixel divided by the brightness of the paper around it.

    A phone photo of a letter has a shadow across it or a dim corner; Tesseract's single threshold for
    the whole page (Otsu) then loses the words in the shade (labels such as "Geboortedatum:" went
    missing while the values beside them were read). The paper's brightness is taken on a small copy by
    a closing in a window wider than a printed letter (the brightest pixel around, so ink does not count,
    then the darkest of those, so the paper's edge against the desk stays sharp and leaves no dark band
    that Tesseract takes for a picture), slightly smoothed. A page lit evenly (a scanner's, a PDF's) is
    returned as it is (about 9 ms for an A4 page at 200 dpi; 16 ms when made even, 70 ms for 12 megapixels).
    """
    import cv2
    import numpy as np
    from PIL import Image as PILImage

    pixels = np.asarray(gray)
    factor = max(1, max(gray.size) // PAPER_SIDE)
    small = cv2.resize(pixels, (gray.width // factor, gray.height // factor), interpolation=cv2.INTER_AREA)
    window = cv2.getStructuringElement(cv2.MORPH_RECT, (PAPER_WINDOW, PAPER_WINDOW))
    paper = cv2.GaussianBlur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, window), (0, 0), 2)
    if paper.min() >= EVEN_LIGHT * paper.max():
        return gray
    paper = cv2.resize(np.maximum(paper, 1), gray.size, interpolation=cv2.INTER_LINEAR)
    return PILImage.fromarray(cv2.divide(pixels, paper, scale=255))


def skew(gray: Image) -> float:
    """The angle in degrees (counter-clockwise, as Pillow's `rotate` takes it) that straightens the page's
    lines of text; 0 when the page lies straight or its lines are not clear enough to tell (see SKEW_GAIN).

    On a small copy binarised (Otsu), the blots of ink of a letter's or a word's size (not a photo, a
    table's rule or the page's edge against the desk) are projected onto the page's height at angles within
    SKEW_LIMIT degrees (by half a degree, then by a tenth around the best): where the lines of text lie
    flat, their blots fall into few rows and the sum of the squared row totals peaks. About 5 ms for an A4
    page at 200 dpi or a phone photo; a straight page's peak is at 0 and it is left as it is.
    """
    import cv2
    import numpy as np

    factor = max(1, round(max(gray.size) / SKEW_SIDE))
    pixels = np.asarray(gray.reduce(factor) if factor > 1 else gray)
    _, ink = cv2.threshold(pixels, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    _, _, stats, centres = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height, width = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    blots = (height >= 2) & (height <= 0.03 * ink.shape[0]) & (width <= 0.1 * ink.shape[1])
    blots[0] = False  # the paper
    if blots.sum() < SKEW_BLOTS:
        return 0.0
    x, y = centres[blots, 0], centres[blots, 1]
    weight = stats[blots, cv2.CC_STAT_AREA].astype(float)

    def peaks(angles: np.ndarray) -> np.ndarray:
        theta = np.radians(angles)[:, None]
        rows = y * np.cos(theta) - x * np.sin(theta)  # each blot's height on the page turned by each angle
        rows = (rows - rows.min(axis=1, keepdims=True)).astype(int)
        span = int(rows.max()) + 1
        totals = np.bincount((rows + span * np.arange(len(angles))[:, None]).ravel(),
                             weights=np.tile(weight, len(angles)), minlength=span * len(angles))
        return (totals.reshape(len(angles), span) ** 2).sum(axis=1)

    coarse = np.arange(-SKEW_LIMIT, SKEW_LIMIT + 0.25, 0.5)
    best = coarse[int(np.argmax(peaks(coarse)))]
    fine = np.append(np.round(np.arange(best - 0.4, best + 0.45, 0.1), 1), 0.0)
    scores = peaks(fine)
    angle = float(fine[int(np.argmax(scores))])
    if abs(angle) < SKEW_MIN or scores.max() < SKEW_GAIN * scores[-1]:
        return 0.0
    return angle


def _upscale(reading: _Reading, size: tuple[int, int]) -> float:
    """How much to enlarge a page whose words are too small for Tesseract (a fax, a far-off photo), 1 when not:
    below about 14 pixels a word box, Tesseract misreads digits (a 70 dpi letter: its V-nummer and BSN
    wrong at 84 % confidence; enlarged twice, all right at 95 %). Never beyond MAX_OCR_PIXELS."""
    if not reading.words or reading.height >= SMALL_TEXT:
        return 1.0
    scale = min(MAX_UPSCALE, TEXT_HEIGHT / reading.height, (MAX_OCR_PIXELS / (size[0] * size[1])) ** 0.5)
    return scale if scale >= 1.5 else 1.0


def unread_ink(gray: Image, reading: _Reading, scale: float = 1.0) -> float:
    """The share of the page's printed text that lies outside every word Tesseract read (0 to 1).

    The page is binarised (Otsu) on a copy whose words are about INK_LETTER pixels high. A blot of ink
    counts as text when it is of a letter's height for the words read (a single letter or a word's letters
    joined) and no wider than a long word: a passport photo, a logo, a signature's strokes, a stamp's ring,
    a table's lines, the page's edge on a photo and specks are higher, lower or wider and do not count,
    nor do letter-sized bits within the bounds of such a picture (a QR code's modules, a photo's grain).
    Text whose middle lies outside every word box is unread when it is in a row of such blots at least
    two letters wide (not a face's eyes or a lone dot). The share is the unread text's ink over all
    text's ink (up to REREAD_INK, rows are not looked for: the share of all unread blots is returned).
    `reading` was made on the page enlarged `scale` times. About 4 ms for an A4 page at 200 dpi; 0 when
    no word was read (nothing to compare with).
    """
    import cv2
    import numpy as np

    if not reading.boxes or reading.height <= 0:
        return 0.0
    letter = reading.height / scale  # a word box's height on this page
    factor = max(1, int(letter / INK_LETTER))
    pixels = np.asarray(gray.reduce(factor) if factor > 1 else gray)  # Pillow's average of each square: fast
    letter /= factor
    _, ink = cv2.threshold(pixels, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    _, labels, stats, centres = cv2.connectedComponentsWithStats(ink, connectivity=8)
    width, height, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    text = (height >= 0.3 * letter) & (height <= 1.3 * letter) & (width <= WORD_LETTERS * letter)
    text[0] = False  # the paper
    x = np.clip(centres[:, 0].astype(int), 0, ink.shape[1] - 1)
    y = np.clip(centres[:, 1].astype(int), 0, ink.shape[0] - 1)
    # A picture (a photo, a QR code, a stamp, a table) leaves letter-sized bits: what lies within the
    # bounds of a large blot that is no text does not count, unless that blot frames much of the page.
    pictures = np.flatnonzero((height > 2 * letter) & (width > 2 * letter)
                              & (width * height < PICTURE_PAGE * ink.shape[0] * ink.shape[1]))
    if pictures.size:
        inside = np.zeros(ink.shape, np.uint8)
        for left, top, w, h in stats[pictures[pictures > 0], :4]:
            inside[top:top + h, left:left + w] = 1
        text &= inside[y, x] == 0
    total = int(area[text].sum())
    if not total:
        return 0.0
    read = np.zeros(ink.shape, np.uint8)
    margin = letter * 0.3
    for left, top, w, h in reading.boxes:
        corner = (round(left / scale / factor - margin), round(top / scale / factor - margin))
        far = (round((left + w) / scale / factor + margin), round((top + h) / scale / factor + margin))
        cv2.rectangle(read, corner, far, 1, thickness=-1)
    unread = text & (read[y, x] == 0)
    if area[unread].sum() <= REREAD_INK * total:  # most pages: within the limits before looking closer
        return float(area[unread].sum()) / total
    # Only rows of letters: the unread blots joined sideways by half a letter, the row two letters wide.
    blots = np.where(unread[labels], 255, 0).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(1, round(letter * 0.5)), 1))
    _, rows, row_stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(blots, kernel), connectivity=8)
    wordish = row_stats[:, cv2.CC_STAT_WIDTH] >= 2 * letter
    wordish[0] = False
    return float(((blots > 0) & wordish[rows]).sum()) / total


def ocr_image(img: Image, *, timeout: float = 20.0, dpi: int | None = None,
              min_words_poor: int = MIN_WORDS_POOR) -> OcrPage:
    """Read one page image; never raises. `timeout` covers all Tesseract runs for this page.

    The page's lighting is made even first (`even_light`), and a page turned a few degrees is
    straightened when its lines show the angle clearly (`skew`; `OcrPage.skew`). A page read poorly
    (few words or a low confidence) is turned upright by Tesseract's orientation detection and read
    again if it lay sideways; a page whose words are small is read again enlarged (`_upscale`); the best reading counts.
    A page with at least `min_words_poor` words read at a low mean confidence is `ocr_poor` (not read);
    fewer shaky words (a photo, a drawing) are dropped as noise, unless they hold what may be an
    identifier (a long number, an MRZ): then the page is `ocr_poor` too, never passed in silence.
    A page with an MRZ (`<<`) has its zone read again with the MRZ characters only, appended to its text.
    A page whose text-like ink lies for more than REREAD_INK outside the words read (`unread_ink`), or on
    which the layout took a large block for a picture and read nothing there, is read again as one block
    of text (`--psm 6`); if more than UNREAD_INK is still unread, the page keeps what was read and is
    `partial`.
    """
    from PIL import Image as PILImage

    if not available():
        return OcrPage(error="ocr_missing")
    started = time.monotonic()

    def args(resolution: float | None, psm: str = "3") -> list[str]:
        return ["-l", LANGUAGES, "--psm", psm, *(["--dpi", str(round(resolution))] if resolution else []), "tsv"]

    def left() -> float:
        return timeout - (time.monotonic() - started)

    gray = even_light(img.convert("L"))
    angle = skew(gray)
    if angle:
        gray = gray.rotate(angle, PILImage.Resampling.BICUBIC, expand=True, fillcolor=255)
    png = _png(gray)
    enlarged = 1.0  # how much larger than `gray` the image of the best reading is
    try:
        best = _read_tsv(_run(args(dpi), png, timeout))
        rotated = 0
        if best.words < RECHECK_WORDS or best.confidence < RECHECK_CONFIDENCE:
            rotate = _orientation(png, left()) if left() > 0 else 0
            if rotate and left() > 0:
                turned = gray.rotate(-rotate, expand=True)
                turned_png = _png(turned)
                reading = _read_tsv(_run(args(dpi), turned_png, left()))
                if reading.words and reading.confidence > best.confidence:
                    best, rotated, gray, png = reading, rotate, turned, turned_png
        scale = _upscale(best, gray.size)  # small print misreads digits even at a good confidence
        if scale > 1 and left() > 0:
            size = (round(gray.width * scale), round(gray.height * scale))
            larger = _png(gray.resize(size, PILImage.Resampling.LANCZOS))
            reading = _read_tsv(_run(args(dpi and dpi * scale), larger, left()))
            if reading.words and reading.confidence > best.confidence:
                best, png, dpi, enlarged = reading, larger, dpi and dpi * scale, scale
        unread = unread_ink(gray, best, enlarged)
        # Text taken for a picture, or left out of the layout: read as one block of text.
        if (best.blank >= BLANK_BLOCK or unread > REREAD_INK) and left() > 0:
            reading = _read_tsv(_run(args(dpi, "6"), png, left()))
            if reading.words > best.words and reading.confidence >= best.confidence - BLOCK_CONFIDENCE_SLACK:
                best, unread = reading, unread_ink(gray, reading, enlarged)
    except subprocess.TimeoutExpired:
        return OcrPage(error="ocr_timeout", seconds=time.monotonic() - started)
    except (RuntimeError, OSError):
        return OcrPage(error="ocr_failed", seconds=time.monotonic() - started)
    text, conf, words = best.text, best.confidence, best.words
    page = OcrPage(fix_digits(text), conf, words, rotated, raw=text, unread=unread, skew=angle)
    if conf < MIN_CONFIDENCE and (words >= min_words_poor or _IDENTIFIER_LIKE.search(page.text)):
        page.error, page.text = "ocr_poor", ""
    elif conf < MIN_CONFIDENCE:  # a few shaky words on a photo or a drawing: no text, nothing unread
        page.text, page.unread = "", 0.0
    if "<<" in text:  # a passport or an ID card: its machine-readable zone, read with its own characters
        zone = _read_mrz(png, left())
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
