"""PyMuPDF engine (optional extra `pdf-redact`, AGPL-3.0): removes the glyphs and image pixels under each box.

Unlike the raster engine it keeps the rest of the page as live text.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pikepdf

from redaction.matching import Needle, find_all
from redaction.model import RedactionError
from redaction.pdf_sanitise import EngineResult, open_pdf

if TYPE_CHECKING:
    import pymupdf

ENGINE = "pymupdf"

Rect = tuple[float, float, float, float]


def available() -> bool:
    try:
        import pymupdf  # noqa: F401
    except ImportError:
        return False
    return True


def _page_chars(page: pymupdf.Page) -> tuple[str, list[Rect | None], list[int]]:
    import pymupdf

    flags = (
        pymupdf.TEXT_PRESERVE_LIGATURES
        | pymupdf.TEXT_PRESERVE_WHITESPACE
        | pymupdf.TEXT_CID_FOR_UNKNOWN_UNICODE
    )
    raw = page.get_text("rawdict", flags=flags)
    chars: list[str] = []
    boxes: list[Rect | None] = []
    lines: list[int] = []
    line_id = 0
    for block in raw["blocks"]:
        for line in block.get("lines", ()):
            line_id += 1
            for span in line["spans"]:
                for char in span["chars"]:
                    chars.append(char["c"])
                    boxes.append(tuple(char["bbox"]))
                    lines.append(line_id)
            chars.append("\n")
            boxes.append(None)
            lines.append(line_id)
    return "".join(chars), boxes, lines


def _line_rects(start: int, end: int, boxes: list[Rect | None], lines: list[int]) -> list[Rect]:
    """One rectangle per text line the match covers."""
    rects: dict[int, list[float]] = {}
    for index in range(start, end):
        box = boxes[index]
        if box is None:
            continue
        rect = rects.get(lines[index])
        if rect is None:
            rects[lines[index]] = list(box)
        else:
            rect[0], rect[1] = min(rect[0], box[0]), min(rect[1], box[1])
            rect[2], rect[3] = max(rect[2], box[2]), max(rect[3], box[3])
    return [(r[0], r[1], r[2], r[3]) for r in rects.values()]


def _paint(pdf: pikepdf.Pdf, index: int, rects: list[Rect]) -> None:
    """Paint the boxes with pikepdf in PDF user space.

    MuPDF's text coordinates are right, but it draws fills in the wrong place
    on pages that are both rotated and cropped, so the fill is not left to it.
    MuPDF coordinates: unrotated page, origin at the top left of the crop box.
    """
    page = pdf.pages[index]
    media = [float(v) for v in page.mediabox]
    crop = [float(v) for v in page.cropbox]
    left = max(min(crop[0], crop[2]), min(media[0], media[2]))
    top = min(max(crop[1], crop[3]), max(media[1], media[3]))
    boxes = " ".join(
        f"{left + x0:.3f} {top - y1:.3f} {x1 - x0:.3f} {y1 - y0:.3f} re" for x0, y0, x1, y1 in rects
    )
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, f"\nQ q 0 g {boxes} f Q\n".encode()), prepend=False)


def redact_pages(data: bytes, kept: Sequence[int], needles: Sequence[Needle]) -> EngineResult:
    """Select the kept pages, drop annotations and forms, remove every needle's glyphs and pixels."""
    from redaction.pdf_lock import PDF_LOCK

    with PDF_LOCK:  # MuPDF is not thread-safe
        return _redact_pages(data, kept, needles)


def _redact_pages(data: bytes, kept: Sequence[int], needles: Sequence[Needle]) -> EngineResult:
    import pymupdf

    try:
        document = pymupdf.open(stream=data, filetype="pdf")
    except (RuntimeError, ValueError) as exc:
        raise RedactionError(f"De PDF is beschadigd of onleesbaar ({type(exc).__name__}).") from exc
    if document.needs_pass and not document.authenticate(""):
        raise RedactionError("De PDF is met een wachtwoord beveiligd. Verwijder de beveiliging en probeer opnieuw.")
    # Pixels under a box are blanked, vector art fully under it goes, glyphs go
    # (the default); older PyMuPDF releases lack the last two options.
    options = {"images": pymupdf.PDF_REDACT_IMAGE_PIXELS}
    if hasattr(pymupdf, "PDF_REDACT_LINE_ART_REMOVE_IF_COVERED"):
        options["graphics"] = pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_COVERED
    if hasattr(pymupdf, "PDF_REDACT_TEXT_REMOVE"):
        options["text"] = pymupdf.PDF_REDACT_TEXT_REMOVE
    hits: Counter[int] = Counter()
    painted: dict[int, list[Rect]] = {}
    try:
        document.select([number - 1 for number in kept])
        # Annotations, links and form fields go entirely (their text and
        # actions included) before the redaction annotations are added.
        document.xref_set_key(document.pdf_catalog(), "AcroForm", "null")
        for index in range(document.page_count):
            document.xref_set_key(document.page_xref(index), "Annots", "null")
        for index, number in enumerate(kept):
            applicable = [i for i, n in enumerate(needles) if n.target.page in (None, number)]
            if not applicable:
                continue
            page = document[index]
            text, boxes, lines = _page_chars(page)
            matches = find_all(text, [needles[i] for i in applicable])
            for start, end, local in matches:
                hits[applicable[local]] += 1
                for rect in _line_rects(start, end, boxes, lines):
                    page.add_redact_annot(pymupdf.Rect(rect), fill=False)
                    painted.setdefault(index, []).append(rect)
            if matches:
                page.apply_redactions(**options)
        output = document.tobytes(garbage=4, clean=True, deflate=True)
    except RuntimeError as exc:
        raise RedactionError(f"De PDF kon niet worden bewerkt ({type(exc).__name__}).") from exc
    finally:
        document.close()
    pdf = open_pdf(output)
    for index, rects in painted.items():
        _paint(pdf, index, rects)
    buffer = io.BytesIO()
    pdf.save(buffer, fix_metadata_version=False)
    return EngineResult(pdf, hits, data=buffer.getvalue())
