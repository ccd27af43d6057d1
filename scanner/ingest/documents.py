"""Text extraction from attachments and bare documents, one Part per file."""

from __future__ import annotations

import codecs
import csv
import io
import re
import time
import zipfile
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import PurePosixPath

from lxml import etree

from scanner.ingest.limits import DEFAULT_LIMITS, Limits
from scanner.model import Part

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".heif", ".webp"}
HEIF_BRANDS = (b"ftypheic", b"ftypheix", b"ftypheim", b"ftypheis", b"ftyphevc", b"ftypmif1", b"ftypmsf1")
TEXT_EXTENSIONS = {".txt", ".text", ".md", ".log"}
CALENDAR_EXTENSIONS = {".ics", ".ifb", ".vcs", ".vcf"}  # iCalendar and vCard: text with folded lines (RFC 5545)
CALENDAR_TYPES = ("text/calendar", "text/x-vcalendar", "text/vcard", "text/x-vcard", "application/ics")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_MAX_SIDE = 7000  # pixels a side an image is read at (OCR, faces); larger ones are scaled down first
REDUCIBLE_MODES = ("L", "LA", "I", "F", "RGB", "RGBA", "PA", "CMYK", "YCbCr")  # modes Image.reduce takes
IMAGE_COUNT_PAGES = 20  # pages searched for images (signatures, photos)


class Unreadable(Exception):
    """A part that cannot be read; the message says why, in Dutch, without personal data.

    `reason` is the key of the reason the UNSCANNABLE_ATTACHMENT rule shows (policy `reden_<key>`);
    None lets the rule derive it from the message.
    """

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.reason = reason


BINARY_MESSAGE = "bestand bevat binaire gegevens en geen leesbare tekst"
TOO_MANY_DOCUMENTS = ("bevat te veel bestanden (ook in geneste archieven) of kost te veel tijd; "
                      "de rest is niet gecontroleerd")
NO_TEXT_MESSAGE = "document bevat geen leesbare tekst (alleen afbeeldingen, figuren of lege pagina's)"


def sniff_kind(name: str | None, content_type: str | None, data: bytes) -> str:
    """What an attachment is, from its magic bytes first, then its name and MIME type."""
    ext = PurePosixPath(name or "").suffix.lower()
    ctype = (content_type or "").lower()
    head = data[:8]
    if head.startswith(b"%PDF") or (b"%PDF-" in data[:1024] and ext == ".pdf"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if ext == ".docx" or ext == ".docm" or "wordprocessingml" in ctype:
            return "docx"
        if ext in (".xlsx", ".xlsm") or "spreadsheetml" in ctype:
            return "xlsx"
        return _zip_flavour(data) or "zip"
    if head.startswith(OLE_MAGIC):
        if ext == ".msg" or "ms-outlook" in ctype:
            return "msg"
        if ext in (".docx", ".xlsx", ".pptx"):
            return "encrypted_office"
        return "ole"
    if ext in IMAGE_EXTENSIONS or ctype.startswith("image/") or _image_magic(data[:12]):
        return "image"
    if ext in (".eml", ".mht", ".mhtml") or ctype in ("message/rfc822", "multipart/related"):  # MHT: a web page as MIME
        return "eml"
    if ext == ".csv" or ctype == "text/csv":
        return "csv"
    if ext in CALENDAR_EXTENSIONS or ctype.startswith(CALENDAR_TYPES):
        return "calendar"
    if ext in (".html", ".htm") or ctype == "text/html":
        return "html"
    if ext in TEXT_EXTENSIONS or ctype.startswith("text/"):
        return "text"
    if ext == ".pdf":
        return "pdf"
    if ext in (".docx", ".xlsx", ".zip"):
        return ext[1:]
    return "other"


def _image_magic(head: bytes) -> bool:
    return head.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"RIFF")) or (
        head[4:12] in HEIF_BRANDS)


@cache
def _heif_opener() -> bool:
    """Whether Pillow can open HEIC photos (an iPhone's default format): pi-heif registers its opener."""
    try:
        from pi_heif import register_heif_opener
    except ImportError:
        return False
    register_heif_opener()
    return True


def _zip_flavour(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


BLANK_RUN = re.compile(r"\n(?:[^\S\n]*\n){3,}")


def squeeze_blank_lines(text: str) -> str:
    """At most two empty lines in a row: long runs of blank lines make line-anchored patterns quadratic."""
    return BLANK_RUN.sub("\n\n\n", text)


def decode_text(data: bytes, charset: str | None = None) -> str:
    """Bytes to text: a byte-order mark or UTF-16's zero bytes first (they outrank a label: Windows tools
    write UTF-16 .txt/.csv files that mail clients label as anything), then the declared charset, else UTF-8,
    else cp1252 which never fails."""
    utf16 = _utf16(data)
    if utf16:
        return data.decode(utf16, errors="replace")
    if charset and WIDE_CHARSET.match(charset) and _narrow_text(data[:4096]):
        charset = None  # a UTF-16/32 label on 8-bit text lies: decoded so, it is all CJK signs
    for enc in (charset, "utf-8-sig"):
        if not enc:
            continue
        try:
            return data.decode(enc)
        except (LookupError, ValueError):  # punycode raises a plain UnicodeError, a NUL in the label ValueError
            continue
    return data.decode("cp1252", errors="replace")


def _narrow_text(sample: bytes) -> bool:
    """Text in UTF-8 or ASCII (no zero byte, words apart), not in UTF-16 (every other byte zero for
    Latin script)."""
    if b"\x00" in sample or not (b" " in sample or b"\n" in sample):
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(sample) - 4  # a character cut at the sample's end
    return True


WIDE_CHARSET = re.compile(r"\s*\"?(?:utf-?(?:16|32)|ucs-?[24]|unicode\b)", re.IGNORECASE)


def _utf16(data: bytes) -> str | None:
    """'utf-16' for a UTF-16 byte-order mark, 'utf-16-le'/'-be' for text with a zero byte in every other place."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13}) + b"\x7f"


def is_binary(data: bytes) -> bool:
    """Mostly not text: a NUL or many control bytes, or bytes that are neither UTF-8 nor a plausible
    single-byte encoding. Decoded anyway, such bytes make up words that match lexicon terms."""
    sample = data[:8192]
    if not sample or _utf16(sample) or sample.startswith(codecs.BOM_UTF8):
        return False
    if sample.count(0) or sum(sample.count(c) for c in _CONTROL) > 0.02 * len(sample):
        return True
    try:
        sample.decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a character cut at the sample's end
            return False
    high = sum(1 for b in sample if b >= 0x80)
    return high > 0.3 * len(sample)  # Latin-1 or cp1252 text has a few accented letters, not a third


def _text_or_refuse(data: bytes) -> None:
    if is_binary(data):
        raise Unreadable(BINARY_MESSAGE, "binary")


def extract_pdf(data: bytes, limits: Limits) -> tuple[list[str], dict]:
    """Text per page with PDFium (about 3x pypdf's speed); an encrypted PDF is unreadable."""
    from redaction.pdf_lock import PDF_LOCK

    with PDF_LOCK:  # PDFium is not thread-safe; scans in threads take turns here
        return _extract_pdf(data, limits)


def _extract_pdf(data: bytes, limits: Limits) -> tuple[list[str], dict]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    repaired = False
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise Unreadable("PDF is versleuteld met een wachtwoord") from exc
        try:  # a truncated file or a broken cross-reference table: rebuild it as PDF viewers do
            pdf, repaired = pdfium.PdfDocument(_repair_pdf(data)), True
        except Exception:
            raise Unreadable("PDF is beschadigd of geen geldig PDF-bestand") from exc
    deadline = time.monotonic() + limits.max_part_seconds
    try:
        n = len(pdf)
        form = _form_handle(pdf)
        pages: list[str] = []
        total = drawn = 0
        for i in range(min(n, limits.max_pages)):
            if total >= limits.max_chars or time.monotonic() > deadline:
                break
            page = pdf[i]
            textpage = page.get_textpage()
            text = textpage.get_text_bounded().replace("\r\n", "\n").replace("\r", "\n")
            textpage.close()
            notes = _annotation_text(page, form)
            text = f"{text}\n{notes}" if notes else text
            if not text.strip() and pdfium_c.FPDFPage_CountObjects(page.raw) > 0:
                drawn += 1  # not blank, yet no text: drawn as curves, or a font without its letters
            page.close()
            total += len(text)
            if total > limits.max_chars:
                text = text[: max(0, limits.max_chars - (total - len(text)))]
            pages.append(text)
        meta = {"page_count": n, "truncated": len(pages) < n or total > limits.max_chars, "repaired": repaired,
                "images": _count_images(pdf, min(n, IMAGE_COUNT_PAGES)), "embedded": _pdf_attachments(pdf),
                "drawn_pages": drawn}
        _ocr_scanned_pages(pdf, pages, meta, limits)
        return pages, meta
    finally:
        pdf.close()


def _form_handle(pdf):
    """The form environment's handle (field values are read through it), None when it cannot be made."""
    try:
        pdf.init_forms()
        return pdf.formenv.raw if pdf.formenv is not None else None
    except Exception:  # a broken AcroForm: the page text is still read, the fields' values are not
        return None


_FIELD_TYPES_WITH_TEXT = (6, 4, 5)  # FPDF_FORMFIELD_TEXTFIELD, _COMBOBOX, _LISTBOX (not buttons, not boxes)
_ANNOTS_WITHOUT_TEXT = (2, 16)  # FPDF_ANNOT_LINK; FPDF_ANNOT_POPUP repeats its parent's contents


def _annotation_text(page, form) -> str:
    """The values typed into a page's form fields and the text of its comments (notes, free text,
    highlights' remarks): a filled-in form keeps them outside the page's text layer."""
    import pypdfium2.raw as pdfium_c

    out: list[str] = []
    for i in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, i)
        if not annot:
            continue
        try:
            subtype = pdfium_c.FPDFAnnot_GetSubtype(annot)
            if subtype == pdfium_c.FPDF_ANNOT_WIDGET:
                if form is None or pdfium_c.FPDFAnnot_GetFormFieldType(form, annot) not in _FIELD_TYPES_WITH_TEXT:
                    continue
                text = _utf16_value(lambda buf, size, a=annot: pdfium_c.FPDFAnnot_GetFormFieldValue(form, a, buf, size))
            elif subtype in _ANNOTS_WITHOUT_TEXT:
                continue
            else:
                text = _utf16_value(lambda buf, size, a=annot: pdfium_c.FPDFAnnot_GetStringValue(a, b"Contents", buf,
                                                                                                   size))
            if text.strip():
                out.append(text.strip())
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return "\n".join(out)


def _utf16_value(get) -> str:
    """A string PDFium writes as UTF-16LE with a closing NUL: `get(buffer, size)` answers the size needed."""
    import ctypes

    size = get(None, 0)
    if size <= 2:
        return ""
    buf = ctypes.create_string_buffer(size)
    get(ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)), size)
    return buf.raw[: size - 2].decode("utf-16-le", errors="replace")


def _pdf_attachments(pdf) -> list[tuple[str, bytes | None]]:
    """Files embedded in a PDF (a portfolio, an attached spreadsheet): (name, bytes or None if unreadable)."""
    out: list[tuple[str, bytes | None]] = []
    for i in range(pdf.count_attachments()):
        try:
            attachment = pdf.get_attachment(i)
            name = attachment.get_name() or f"bijlage{i + 1}"
        except Exception:
            out.append((f"bijlage{i + 1}", None))
            continue
        try:
            out.append((name, bytes(attachment.get_data())))
        except Exception:
            out.append((name, None))
    return out


OCR_TEXT_BELOW = 40  # a page with fewer characters of text layer than this, and an image on it, is a scan
OCR_TEXT_WITH_SCAN = 400  # ... and one with fewer than this and an image over SCAN_AREA of the page
SCAN_AREA = 0.5


def _area(pos: tuple[float, float, float, float]) -> float:
    left, bottom, right, top = pos
    return max(0.0, right - left) * max(0.0, top - bottom)


def _ocr_scanned_pages(pdf, pages: list[str], meta: dict, limits: Limits) -> None:
    """OCR the pages without a usable text layer that carry an image (a copier's or a phone's scan).

    Read pages get their text and are listed in `meta["ocr_pages"]`; pages not read (no Tesseract,
    too poor, over time) go to `meta["ocr_unread"]` as {page number: reason key}.
    """
    import pypdfium2.raw as pdfium_c

    from scanner.ingest import ocr

    candidates = []
    for i, text in enumerate(pages):
        chars = len(text.strip())
        if chars >= OCR_TEXT_WITH_SCAN:
            continue
        page = pdf[i]
        images = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)
        if chars < OCR_TEXT_BELOW:
            scanned = any(True for _ in images)
        else:  # a scan under a stamped line ("Pagina 1 van 3", a fax header): the image fills the page
            width, height = page.get_size()
            scanned = any(_area(image.get_bounds()) >= SCAN_AREA * width * height for image in images)
        page.close()
        if scanned:
            candidates.append(i)
    if not candidates:
        return

    def render(i: int):
        page = pdf[i]
        width, height = page.get_size()
        scale = min(limits.ocr_dpi / 72, 7000 / max(width, height, 1))  # A0 posters stay within memory
        image = page.render(scale=scale, grayscale=True).to_pil()
        page.close()
        return image

    jobs = ((i + 1, lambda i=i: render(i)) for i in candidates)
    _read_pages(ocr.ocr_pages(jobs, count=len(candidates), deadline=_deadline(limits),
                              page_seconds=limits.ocr_page_seconds, dpi=limits.ocr_dpi,
                              min_words_poor=ocr.MIN_WORDS_POOR_PAGE), pages, meta)


def _deadline(limits: Limits) -> float:
    """When OCR of this part must stop: the message's deadline, else the part's own time limit from now."""
    return limits.deadline if limits.deadline is not None else time.monotonic() + limits.max_part_seconds


def _read_pages(results, pages: list[str], meta: dict) -> None:
    """OCR results into the page texts: read pages in `meta["ocr_pages"]`, the others with their reason
    key in `meta["ocr_unread"]` ({page number: reason}); a page read only in part is in both, its reason
    `ocr_partial`."""
    read, unread = [], {}
    for number, result in results:
        if result.error:
            unread[number] = result.error
            continue
        if result.text.strip():
            pages[number - 1] = result.text
            read.append(number)
        if result.partial:
            unread[number] = "ocr_partial"
    meta["ocr_pages"] = read
    if unread:
        meta["ocr_unread"] = unread


def _repair_pdf(data: bytes) -> bytes:
    """The PDF rewritten by qpdf, which recovers objects from a damaged or cut-off file."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def _count_images(pdf, pages: int) -> int:
    """Image objects on the first pages (a signed machtiging carries a signature image)."""
    import pypdfium2.raw as pdfium_c

    count = 0
    for i in range(pages):
        page = pdf[i]
        count += sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))
        page.close()
    return count


def _xml_paragraphs(xml: bytes) -> list[str]:
    """Paragraph texts of a WordprocessingML part (body, header, footer, comments, text boxes)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(xml, parser)
    out: list[str] = []
    rows: dict[str, tuple[int, dict[str, list[str]]]] = {}  # a table row -> its line in `out` and its cells
    tree = root.getroottree()
    for para in root.iter(f"{W}p"):
        # Text of nested text boxes belongs to their own paragraphs; skip it here.
        pieces: list[str] = []
        for node in para.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}delText", f"{W}p"):
            if node is not para and node.tag == f"{W}p":
                continue
            owner = next(node.iterancestors(f"{W}p"), None)
            if owner is not para:
                continue
            if node.tag == f"{W}tab":
                pieces.append("\t")
            elif node.tag == f"{W}br":
                pieces.append("\n")
            else:
                pieces.append(node.text or "")
        text = "".join(pieces).strip()
        cell = next(para.iterancestors(f"{W}tc"), None)
        if cell is not None and cell.getparent() is not None:
            # A table row is one line with its cells separated by tabs, so a column keeps its header.
            row_key = tree.getpath(cell.getparent())
            if row_key not in rows:
                rows[row_key] = (len(out), {})
                out.append("")
            rows[row_key][1].setdefault(tree.getpath(cell), []).append(text)
        elif text:
            out.append(text)
    for line, cells in rows.values():
        out[line] = "\t".join(" ".join(t for t in texts if t) for texts in cells.values())
    return [line for line in out if line.strip()]


def extract_docx(data: bytes, limits: Limits) -> tuple[list[str], dict]:
    """Body, tables, headers, footers, foot/endnotes, comments and text boxes of a .docx."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise Unreadable("Word-bestand is beschadigd") from exc
    with zf:
        names = zf.namelist()
        if "word/document.xml" not in names:
            raise Unreadable("Word-bestand zonder documentinhoud")
        order = ["word/document.xml"]
        order += sorted(n for n in names if n.startswith("word/header") and n.endswith(".xml"))
        order += sorted(n for n in names if n.startswith("word/footer") and n.endswith(".xml"))
        order += [n for n in ("word/footnotes.xml", "word/endnotes.xml", "word/comments.xml") if n in names]
        chunks: list[str] = []
        total = 0
        body = b""  # word/document.xml, read once: its text, then whether it holds drawings
        for name in order:
            info = zf.getinfo(name)
            if info.file_size > limits.max_part_bytes:
                raise Unreadable("Word-bestand is te groot om te controleren")
            xml = zf.read(name)
            body = body or xml
            try:
                paras = _xml_paragraphs(xml)
            except etree.XMLSyntaxError as exc:
                raise Unreadable("Word-bestand bevat ongeldige XML") from exc
            text = "\n".join(paras)
            total += len(text)
            chunks.append(text)
            if total > limits.max_chars:
                break
        meta = {"parts": [n.rsplit("/", 1)[-1] for n in order], "comments": "word/comments.xml" in names,
                "truncated": total > limits.max_chars, "embedded": _office_embedded(zf, "word", limits),
                "drawings": any(tag in body for tag in DOCX_DRAWINGS)}
    return ["\n".join(c for c in chunks if c)], meta


DOCX_DRAWINGS = (b"<w:drawing", b"<w:pict", b"<w:object")  # pictures, shapes and objects in the text
DOCX_PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff")  # raster pictures OCR can read


def _office_embedded(zf: zipfile.ZipFile, folder: str, limits: Limits) -> list[tuple[str, bytes | None]]:
    """An Office file's embedded objects (a spreadsheet, a PDF, another document), pasted pictures (a
    scanned passport) and, in Word, the chunks of other formats it shows inline (altChunk: HTML, MHT,
    RTF, text), read like an archive's members under the same size limits. `folder` is "word" or "xl".
    Vector drawings (EMF/WMF logos) are left out: nothing here can read them, and every letterhead has one."""
    out: list[tuple[str, bytes | None]] = []
    total = 0
    for info in zf.infolist():
        name = info.filename
        inside, _, rest = name.partition(f"{folder}/")
        if inside or info.is_dir():
            continue
        chunk = "/" not in rest and not rest.lower().endswith((".xml", ".rels", ".bin", ".odttf", ".fntdata"))
        if not (chunk or rest.startswith("embeddings/") or
                (rest.startswith("media/") and rest.lower().endswith(DOCX_PICTURES))):
            continue
        total += info.file_size
        if (len(out) >= limits.max_zip_members or total > limits.max_zip_total
                or info.file_size / max(info.compress_size, 1) > limits.max_zip_ratio):
            out.append((name.rsplit("/", 1)[-1], None))
            break
        try:
            out.append((name.rsplit("/", 1)[-1], zf.read(info)))
        except Exception:  # CRC errors, unsupported compression
            out.append((name.rsplit("/", 1)[-1], None))
    return out


def extract_xlsx(data: bytes, limits: Limits) -> tuple[list[str], dict]:
    """Every sheet's cells, a row per line, cells separated by tabs."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files (expat refuses entity bombs)
        raise Unreadable("Excel-bestand is beschadigd") from exc  # a password-protected one is an OLE file
    lines: list[str] = []
    rows = 0
    total = 0
    deadline = time.monotonic() + limits.max_part_seconds
    truncated = False
    try:
        for ws in wb.worksheets:
            lines.append(f"[{ws.title}]")
            for row in ws.iter_rows(values_only=True):
                cells = ["" if v is None else str(v) for v in row]
                if any(cells):
                    line = "\t".join(cells).rstrip("\t")
                    lines.append(line)
                    rows += 1
                    total += len(line)
                if total > limits.max_chars or time.monotonic() > deadline:
                    truncated = True
                    break
            if truncated:
                break
    finally:
        wb.close()
    embedded: list[tuple[str, bytes | None]] = []
    if not truncated:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            notes = _xlsx_notes(zf, limits)
            embedded = _office_embedded(zf, "xl", limits)
        if notes:
            lines += ["[opmerkingen]", *notes]
    return ["\n".join(lines)], {"rows": rows, "truncated": truncated, "embedded": embedded}


XLSX_NOTES = re.compile(r"xl/(?:comments/?[^/]*|threadedComments/[^/]+|drawings/drawing[^/]*)\.xml")


def _xlsx_notes(zf: zipfile.ZipFile, limits: Limits) -> list[str]:
    """The text of a workbook's cell comments (notes and threaded comments) and text boxes: outside the
    cells, so openpyxl's cell reader never sees them."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    out: list[str] = []
    for info in zf.infolist():
        if not XLSX_NOTES.fullmatch(info.filename) or info.file_size > limits.max_part_bytes:
            continue
        try:
            root = etree.fromstring(zf.read(info), parser)
        except (etree.XMLSyntaxError, zipfile.BadZipFile, ValueError):
            out.append("")  # a damaged note part: the cells are still read
            continue
        # A comment's text runs are <t> (notes), <a:t> (text boxes) or <text> (threaded comments).
        for node in root.iter("{*}comment", "{*}threadedComment", "{*}txBody"):
            text = "".join(t.text or "" for t in node.iter("{*}t", "{*}text")).strip()
            if text:
                out.append(text)
    return out


def extract_csv(data: bytes, limits: Limits) -> tuple[list[str], dict]:
    _text_or_refuse(data)
    text = decode_text(data[: limits.max_chars])
    truncated = len(data) > limits.max_chars
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
        rows = ["\t".join(r) for r in csv.reader(io.StringIO(text), dialect)]
    except csv.Error:
        rows = text.splitlines()
    return ["\n".join(rows)], {"rows": len(rows), "truncated": truncated}


def _upright(img):
    """The transposition (`Image.Transpose`) that turns an image's frames upright by its EXIF Orientation
    tag, None when they are upright: a phone stores a picture as the sensor saw it and says in the tag
    how to show it. The turns of `PIL.ImageOps.exif_transpose`, which handles only the current frame."""
    from PIL import ExifTags, Image

    t = Image.Transpose
    turns = {2: t.FLIP_LEFT_RIGHT, 3: t.ROTATE_180, 4: t.FLIP_TOP_BOTTOM, 5: t.TRANSPOSE, 6: t.ROTATE_270,
             7: t.TRANSVERSE, 8: t.ROTATE_90}
    try:
        return turns.get(img.getexif().get(ExifTags.Base.Orientation, 1))
    except Exception:  # a broken EXIF block: the pixels are still there, read as stored
        return None


def extract_image(data: bytes, limits: Limits) -> tuple[list[str], dict]:
    """An image: its size, the faces on it, and its text by OCR (every frame of a multi-page TIFF).

    Icons and logos (smaller than `limits.ocr_min_side`) are not read: a mail with a signature
    logo pays nothing for OCR.
    """
    from PIL import Image

    from scanner.ingest import ocr, photo
    from scanner.ingest.mrz import looks_like_mrz

    heif = data[4:12] in HEIF_BRANDS
    if heif:
        _heif_opener()
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except Image.DecompressionBombError as exc:
        raise Unreadable("afbeelding is te groot om te controleren", "too_large") from exc
    except Exception as exc:  # Pillow raises many types for a broken or unknown image
        if heif:  # without pi-heif, or a HEIF it cannot decode (AVIF)
            raise Unreadable("HEIC-foto kan hier niet worden geopend", "unsupported") from exc
        raise Unreadable("afbeelding is beschadigd of geen geldige afbeelding", "corrupt") from exc
    with img:
        meta: dict = {"image": True, "width": img.width, "height": img.height, "format": img.format}
        # Every page of a multi-page scan (TIFF); an animated GIF is read by its first frame.
        count = min(getattr(img, "n_frames", 1), limits.max_pages) if img.format in ("TIFF", "MPO") else 1
        meta["frames"] = count

        # A phone photo read as stored (sideways, upside down) gives noise that may pass for text.
        turn = _upright(img)

        def frame(number: int) -> Image.Image:  # one page at a time in memory, upright, flattened on white, grey
            img.seek(number - 1)
            page = img
            factor = -(-max(img.size) // IMAGE_MAX_SIDE)
            if factor > 1:  # a poster or a pixel bomb (a 46 KB PNG of 13000 x 13000 took 2.2 GB flattened)
                if page.mode not in REDUCIBLE_MODES:
                    page = page.convert("RGBA" if "transparency" in page.info else "L")
                page = page.reduce(factor)
            page = page.convert("RGBA")
            if turn is not None:
                page = page.transpose(turn)
            flat = Image.new("RGBA", page.size, "white")
            flat.alpha_composite(page)
            return flat.convert("L")

        meta["faces"] = photo.faces(frame(1))
        texts = [""] * count
        if max(img.width, img.height) < limits.ocr_min_side:
            return texts, meta
        jobs = ((n, lambda n=n: frame(n)) for n in range(1, count + 1))
        _read_pages(ocr.ocr_pages(jobs, count=count, deadline=_deadline(limits),
                                  page_seconds=limits.ocr_page_seconds), texts, meta)
    meta["mrz"] = any(looks_like_mrz(t) for t in texts)
    return texts, meta


def extract_text(data: bytes, limits: Limits, charset: str | None = None) -> tuple[list[str], dict]:
    _text_or_refuse(data)
    return [decode_text(data[: limits.max_chars], charset)], {"truncated": len(data) > limits.max_chars}


_CALENDAR_SYNTAX = {"BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "UID", "DTSTAMP", "SEQUENCE",
                    "STATUS", "TRANSP", "CLASS", "PRIORITY", "CREATED", "LAST-MODIFIED", "TZID", "TZOFFSETFROM",
                    "TZOFFSETTO", "TZNAME", "RRULE", "ACTION", "TRIGGER", "REV", "KIND"}
_CALENDAR_LINE = re.compile(r"^(?P<name>[A-Za-z0-9-]+)(?P<params>(?:;[^:]*)?):(?P<value>.*)$")


def extract_calendar(data: bytes, limits: Limits) -> tuple[list[str], dict]:
    """An invitation or contact card as readable text: folded lines joined (so a join URL stays whole),
    the values of its properties (summary, description, location, attendees' names and addresses)
    without the syntax lines ("BEGIN:VEVENT") that would read as words."""
    pages, meta = extract_text(data, limits)
    lines = []
    for line in re.sub(r"\r?\n[ \t]", "", pages[0]).splitlines():
        m = _CALENDAR_LINE.match(line)
        if m is None:
            lines.append(line)
        elif m.group("name").upper() not in _CALENDAR_SYNTAX:
            names = re.findall(r';CN="?([^;:"]+)', m.group("params"), re.IGNORECASE)
            value = re.sub(r"\\[nN]", "\n", m.group("value")).replace("\\,", ",").replace("\\;", ";")
            lines.append(" ".join([*names, re.sub(r"^mailto:", "", value, flags=re.IGNORECASE)]))
    return ["\n".join(lines)], meta


EXTRACTORS: dict[str, Callable[[bytes, Limits], tuple[list[str], dict]]] = {
    "pdf": extract_pdf,
    "docx": extract_docx,
    "xlsx": extract_xlsx,
    "csv": extract_csv,
    "image": extract_image,
    "text": extract_text,
    "calendar": extract_calendar,
}


def document_part(
    data: bytes,
    name: str | None,
    content_type: str | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    depth: int = 0,
) -> list[Part]:
    """Parts for one attachment; archives and attached mails expand into several."""
    kind = sniff_kind(name, content_type, data)
    base = Part(part="attachment", kind=kind, name=name, content_type=content_type, size=len(data))
    if not data.strip():
        base.error, base.meta["reason"] = "bijlage is leeg (0 bytes)" if not data else "bijlage is leeg", "empty"
        return [base]
    if len(data) > limits.max_part_bytes:
        base.error = f"bijlage is te groot om te controleren ({len(data) // (1024 * 1024)} MB)"
        return [base]
    if kind == "zip":
        return _zip_parts(data, name, limits, depth)
    if kind in ("eml", "msg"):
        from scanner.ingest.mail import embedded_message_parts

        return embedded_message_parts(data, name, kind, limits, depth)
    if kind == "html":
        from scanner.ingest.html import data_images, html_to_text

        if is_binary(data):
            base.error, base.meta["reason"] = BINARY_MESSAGE, "binary"
            return [base]
        html = decode_text(data)
        text, links = html_to_text(html)
        base.pages = [squeeze_blank_lines(text)]
        base.meta["links"] = links
        return [base, *embedded_parts(data_images(html), name or "document", limits, depth)]
    if kind == "encrypted_office":
        base.error = "Office-bestand is versleuteld met een wachtwoord"
        return [base]
    extractor = EXTRACTORS.get(kind)
    if extractor is None:
        base.error = "bestandstype wordt niet ondersteund; inhoud niet gecontroleerd"
        return [base]
    try:
        pages, meta = extractor(data, limits)
    except Unreadable as exc:
        base.error = str(exc)
        if exc.reason:
            base.meta["reason"] = exc.reason
        return [base]
    except Exception:  # a hostile file must not crash the scan; its exception's name means nothing to a clerk
        base.error = "bijlage is beschadigd en kon niet worden gelezen"
        return [base]
    embedded = meta.pop("embedded", None) or []
    base.pages = [squeeze_blank_lines(p) for p in pages]
    base.paged = kind == "pdf" or (kind == "image" and len(pages) > 1)
    base.meta.update(meta)
    if kind in ("pdf", "docx", "xlsx") and not any(p.strip() for p in pages):
        base.meta["no_text"] = True
        # Text drawn as curves or in a font without its letters (PDF pages with content that OCR did not
        # look at), a Word file of drawings none of which could be read: nothing was read. Blank is blank.
        if kind == "pdf" and meta.get("repaired") and "ocr_pages" not in meta:  # its pages lost in the damage
            base.error, base.meta["reason"] = "PDF is beschadigd; er kon geen tekst uit worden gelezen", "corrupt"
        elif ((kind == "pdf" and meta.get("drawn_pages") and "ocr_pages" not in meta)
                or (kind == "docx" and meta.get("drawings") and not embedded)):
            base.error, base.meta["reason"] = NO_TEXT_MESSAGE, "no_text"
    return [base, *embedded_parts(embedded, name or "document", limits, depth)]


def embedded_parts(embedded: Iterable[tuple[str, bytes | None]], within: str | None, limits: Limits,
                   depth: int) -> list[Part]:
    """Parts for the files a document carries inside it (a PDF's attachments, a Word file's embedded
    objects, an HTML page's data: pictures), named "within/file" like an archive's members (just "file"
    without `within`: a mail body's pictures), and under the same limits of number and nesting."""
    parts: list[Part] = []
    for inner_name, data in embedded:
        inner = f"{within}/{inner_name}" if within else inner_name
        if not limits.take_document():
            parts.append(Part(part="attachment", kind="other", name=inner, error=TOO_MANY_DOCUMENTS,
                              meta={"reason": "too_large"}))
            break
        if data is None:
            parts.append(Part(part="attachment", kind="other", name=inner,
                              error="ingesloten bestand kon niet worden gelezen"))
        elif depth >= limits.max_depth:
            parts.append(Part(part="attachment", kind="other", name=inner, size=len(data),
                              error="ingesloten bestanden zijn te diep genest om te controleren"))
        else:
            parts.extend(document_part(data, inner, None, limits=limits, depth=depth + 1))
    return parts


def _zip_parts(data: bytes, name: str | None, limits: Limits, depth: int) -> list[Part]:
    archive = Part(part="attachment", kind="zip", name=name, size=len(data))
    if depth >= limits.max_depth:
        archive.error = "archief is te diep genest om te controleren"
        return [archive]
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        archive.error = "zip-bestand is beschadigd"
        return [archive]
    parts: list[Part] = []
    with zf:
        members = [i for i in zf.infolist() if not i.is_dir()]
        if any(i.flag_bits & 0x1 for i in members):
            archive.error = "zip-bestand is versleuteld met een wachtwoord"
            return [archive]
        if len(members) > limits.max_zip_members:
            archive.error = f"zip-bestand bevat te veel bestanden ({len(members)})"
            return [archive]
        total = 0
        for info in members:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if total > limits.max_zip_total or info.file_size > limits.max_part_bytes or ratio > limits.max_zip_ratio:
                archive.error = "zip-bestand pakt uit tot een verdacht grote omvang (zip-bom?)"
                return [archive]
        for info in members:
            if not limits.take_document():
                archive.error, archive.meta["reason"] = TOO_MANY_DOCUMENTS, "too_large"
                break
            inner = f"{name or 'archief.zip'}/{info.filename}"
            try:
                payload = zf.read(info)
            except Exception:  # CRC errors, unsupported compression
                parts.append(Part(part="attachment", kind="other", name=inner, error="bestand in zip is beschadigd"))
                continue
            parts.extend(document_part(payload, inner, None, limits=limits, depth=depth + 1))
    archive.meta["members"] = len(members)
    return [archive, *parts]
