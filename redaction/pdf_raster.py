"""Licence-clean PDF engine: pages with a hit are re-drawn by pdfium with black boxes and kept as images.

A rasterised page carries no text, fonts, images or vector art of the
original, so nothing under a box can be recovered. Pages without a hit are
copied unchanged. Cost: the rasterised pages lose their selectable text.
"""

from __future__ import annotations

import io
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pikepdf
from pikepdf import Array, Dictionary, Name

from redaction.matching import Needle, find_all
from redaction.model import RedactionError
from redaction.pdf_sanitise import EngineResult

if TYPE_CHECKING:
    import pypdfium2

ENGINE = "raster"
DPI = 200
_PAD_PT = 1.0
_BLACK = (0, 0, 0, 255)


@dataclass
class Raster:
    """A rendered, blacked-out page: 8-bit pixels and the page size in points."""

    pixels: bytes
    width: int
    height: int
    gray: bool
    size_pt: tuple[float, float]


def available() -> bool:
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return False
    return True


def _page_text(textpage: pypdfium2.PdfTextPage) -> tuple[str, list[bool]]:
    import pypdfium2.raw as pdfium_c

    count = pdfium_c.FPDFText_CountChars(textpage)
    chars: list[str] = []
    generated: list[bool] = []
    for index in range(max(count, 0)):
        code = pdfium_c.FPDFText_GetUnicode(textpage, index)
        chars.append(chr(code) if 0 < code < 0x110000 else "\ufffe")
        generated.append(pdfium_c.FPDFText_IsGenerated(textpage, index) == 1)
    return "".join(chars), generated


def _render(page: pypdfium2.PdfPage, boxes: Sequence[tuple[float, float, float, float]]) -> Raster:
    bitmap = page.render(
        scale=DPI / 72,
        draw_annots=False,
        may_draw_forms=False,
        rev_byteorder=True,
    )
    convert = bitmap.get_posconv(page)
    for left, bottom, right, top in boxes:
        corners = [
            convert.to_bitmap(x, y)
            for x, y in (
                (left - _PAD_PT, bottom - _PAD_PT),
                (right + _PAD_PT, top + _PAD_PT),
                (left - _PAD_PT, top + _PAD_PT),
                (right + _PAD_PT, bottom - _PAD_PT),
            )
        ]
        x0 = max(0, min(x for x, _ in corners))
        y0 = max(0, min(y for _, y in corners))
        x1 = min(bitmap.width, max(x for x, _ in corners) + 1)
        y1 = min(bitmap.height, max(y for _, y in corners) + 1)
        if x1 > x0 and y1 > y0:
            bitmap.fill_rect(_BLACK, x0, y0, x1 - x0, y1 - y0)
    # render() without alpha or BGRx options yields 3-byte pixels; rev_byteorder makes them RGB.
    row = bitmap.width * 3
    buffer = bytes(bitmap.buffer)
    if bitmap.stride != row:
        buffer = b"".join(buffer[y * bitmap.stride : y * bitmap.stride + row] for y in range(bitmap.height))
    red, green, blue = buffer[0::3], buffer[1::3], buffer[2::3]
    gray = red == green == blue
    raster = Raster(red if gray else buffer, bitmap.width, bitmap.height, gray, page.get_size())
    bitmap.close()
    return raster


def _replace_page(pdf: pikepdf.Pdf, page: pikepdf.Page, raster: Raster) -> None:
    image = pikepdf.Stream(pdf, b"")
    image.write(zlib.compress(raster.pixels, 6), filter=Name.FlateDecode)
    image.Type = Name.XObject
    image.Subtype = Name.Image
    image.Width = raster.width
    image.Height = raster.height
    image.ColorSpace = Name.DeviceGray if raster.gray else Name.DeviceRGB
    image.BitsPerComponent = 8
    width, height = raster.size_pt
    obj = page.obj
    for key in list(obj.keys()):
        if key not in ("/Type", "/Parent"):
            del obj[key]
    # Explicit box and rotation: a page inherits both from the page tree otherwise.
    obj.MediaBox = Array([0, 0, width, height])
    obj.CropBox = Array([0, 0, width, height])
    obj.Rotate = 0
    obj.Resources = Dictionary(XObject=Dictionary(Im0=image))
    obj.Contents = pikepdf.Stream(pdf, f"q {width:.4f} 0 0 {height:.4f} 0 0 cm /Im0 Do Q".encode())


def redact_pages(
    pdf: pikepdf.Pdf, data: bytes, kept: Sequence[int], needles: Sequence[Needle]
) -> EngineResult:
    """Black out every needle on the kept pages of `pdf` (opened from `data`) and drop the rest."""
    from redaction.pdf_lock import PDF_LOCK

    with PDF_LOCK:  # PDFium is not thread-safe
        return _redact_pages(pdf, data, kept, needles)


def _redact_pages(
    pdf: pikepdf.Pdf, data: bytes, kept: Sequence[int], needles: Sequence[Needle]
) -> EngineResult:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        # QPDF repairs damage pdfium refuses (broken cross-reference tables); page order is unchanged.
        buffer = io.BytesIO()
        pdf.save(buffer, fix_metadata_version=False)
        try:
            document = pdfium.PdfDocument(buffer.getvalue())
        except pdfium.PdfiumError as exc:
            raise RedactionError("De PDF is beschadigd en kon niet worden gelezen.") from exc
    hits: Counter[int] = Counter()
    rasters: dict[int, Raster] = {}
    try:
        for number in kept:
            applicable = [i for i, n in enumerate(needles) if n.target.page in (None, number)]
            if not applicable:
                continue
            page = document[number - 1]
            textpage = page.get_textpage()
            text, generated = _page_text(textpage)
            matches = find_all(text, [needles[i] for i in applicable])
            boxes = []
            for start, end, local in matches:
                hits[applicable[local]] += 1
                boxes.extend(
                    textpage.get_charbox(i, loose=True) for i in range(start, end) if not generated[i]
                )
            if boxes:
                rasters[number] = _render(page, boxes)
            textpage.close()
            page.close()
    finally:
        document.close()
    for number, raster in rasters.items():
        _replace_page(pdf, pdf.pages[number - 1], raster)
    keep = set(kept)
    for index in reversed(range(len(pdf.pages))):
        if index + 1 not in keep:
            del pdf.pages[index]
    rasterised = [position + 1 for position, number in enumerate(kept) if number in rasters]
    return EngineResult(pdf, hits, rasterised)
