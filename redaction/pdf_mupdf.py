"""PyMuPDF engine (optional extra `pdf-redact`, AGPL-3.0): removes the glyphs and image pixels under each box.

Unlike the raster engine it keeps the rest of the page as live text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from redaction.matching import Needle, find_all
from redaction.model import RedactionError
from redaction.pdf_sanitise import EngineResult, open_pdf

ENGINE = "pymupdf"

Rect = tuple[float, float, float, float]


def available() -> bool:
    try:
        import pymupdf  # noqa: F401
    except ImportError:
        return False
    return True


def _page_chars(page: object) -> tuple[str, list[Rect | None], list[int]]:
    import pymupdf

    flags = (
        pymupdf.TEXT_PRESERVE_LIGATURES
        | pymupdf.TEXT_PRESERVE_WHITESPACE
        | pymupdf.TEXT_CID_FOR_UNKNOWN_UNICODE
    )
    raw = page.get_text("rawdict", flags=flags)  # type: ignore[attr-defined]
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


def redact_pages(data: bytes, kept: Sequence[int], needles: Sequence[Needle]) -> EngineResult:
    """Select the kept pages, drop annotations and forms, remove every needle's glyphs."""
    import pymupdf

    try:
        document = pymupdf.open(stream=data, filetype="pdf")
    except (RuntimeError, ValueError) as exc:
        raise RedactionError(f"De PDF is beschadigd of onleesbaar ({type(exc).__name__}).") from exc
    if document.needs_pass and not document.authenticate(""):
        raise RedactionError("De PDF is met een wachtwoord beveiligd. Verwijder de beveiliging en probeer opnieuw.")
    hits: Counter[int] = Counter()
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
                    page.add_redact_annot(pymupdf.Rect(rect), fill=(0, 0, 0))
            if matches:
                page.apply_redactions(
                    images=pymupdf.PDF_REDACT_IMAGE_PIXELS,
                    graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_COVERED,
                    text=pymupdf.PDF_REDACT_TEXT_REMOVE,
                )
        output = document.tobytes(garbage=4, clean=True, deflate=True)
    except RuntimeError as exc:
        raise RedactionError(f"De PDF kon niet worden bewerkt ({type(exc).__name__}).") from exc
    finally:
        document.close()
    return EngineResult(open_pdf(output), hits, data=output)
