"""Independent check of a redacted copy: is any target still readable, is document-level data gone?

The text layer is read back with poppler's `pdftotext` (or pdfminer.six when
poppler is absent), never with the engine that wrote the file; the objects
are read with pikepdf. A black box drawn over live text fails here.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, Name, String

from redaction.matching import Haystack, Needle, compile_target
from redaction.model import Target, Verification, mask

# Byte-level scans (streams, raw file) only use targets this long: shorter
# ones match binary noise by chance.
_BYTE_SCAN_MIN = 4
_SKIP_STREAM_SUBTYPES = {"/Image", "/Type1C", "/CIDFontType0C", "/OpenType"}
_SKIP_STREAM_TYPES = {"/XRef", "/ObjStm"}
# Font glyph lists ("/a/b/underscore") are not content and match short targets by chance.
_GLYPH_KEYS = {"/CharSet", "/Registry", "/Ordering"}
_STREAM_BODY = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_ATTRIBUTE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")


def _label(needle: Needle) -> str:
    return f"{needle.target.entity} ({mask(needle.target.text)})"


def _needles(targets: Iterable[Target]) -> list[Needle]:
    return [n for n in (compile_target(t) for t in targets) if n is not None]


def _significant_length(needle: Needle) -> int:
    return sum(ch.isalnum() for ch in needle.target.text)


# ---------------------------------------------------------------- PDF text


def _pdftotext_pages(data: bytes) -> list[str] | None:
    binary = shutil.which("pdftotext")
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="verzendcheck-") as folder:
        path = Path(folder) / "copy.pdf"
        path.write_bytes(data)
        result = subprocess.run(
            [binary, "-q", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            timeout=120,
            check=False,
        )
    if result.returncode != 0:
        raise ValueError(f"pdftotext exit {result.returncode}")
    pages = result.stdout.decode("utf-8", errors="replace").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def _pdfminer_pages(data: bytes) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTContainer, LTText

    def text_of(item: object) -> Iterable[str]:
        if isinstance(item, LTText):
            yield item.get_text()
        elif isinstance(item, LTContainer):
            for child in item:
                yield from text_of(child)

    return ["".join(text_of(page)) for page in extract_pages(io.BytesIO(data))]


def _pypdf_pages(data: bytes) -> list[str]:
    import pypdf

    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def extract_text_pages(data: bytes) -> tuple[str, list[str]]:
    """(extractor name, text per page): poppler's pdftotext, else pdfminer.six, else pypdf.

    None of them is an engine that wrote the copy (pdfium, MuPDF, QPDF).
    """
    pages = _pdftotext_pages(data)
    if pages is not None:
        return "pdftotext", pages
    try:
        return "pdfminer", _pdfminer_pages(data)
    except ImportError:
        return "pypdf", _pypdf_pages(data)


# ---------------------------------------------------------------- PDF objects


def _strings(obj: object, depth: int = 0) -> Iterable[str]:
    """Text strings held directly in an object (not following indirect references)."""
    if depth > 32:
        return
    if isinstance(obj, String):
        yield str(obj)
    elif isinstance(obj, (Dictionary, pikepdf.Array)):
        if isinstance(obj, Dictionary):
            values = [value for key, value in obj.items() if key not in _GLYPH_KEYS]
        else:
            values = list(obj)
        for value in values:
            if isinstance(value, pikepdf.Object) and not value.is_indirect:
                yield from _strings(value, depth + 1)


def _content_text(stream: pikepdf.Stream) -> str:
    """The string operands of the text-showing operators of a content stream, joined."""
    parts: list[str] = []
    for operands, _operator in pikepdf.parse_content_stream(stream, "Tj TJ ' \""):
        for operand in operands:
            if isinstance(operand, String):
                parts.append(bytes(operand).decode("latin-1"))
            elif isinstance(operand, pikepdf.Array):
                parts.extend(bytes(item).decode("latin-1") for item in operand if isinstance(item, String))
    return "".join(parts)


def _stream_text(stream: pikepdf.Stream, content_streams: set[tuple[int, int]]) -> str | None:
    if stream.get("/Subtype") is not None and str(stream.get("/Subtype")) in _SKIP_STREAM_SUBTYPES:
        return None
    if str(stream.get("/Type", "")) in _SKIP_STREAM_TYPES:
        return None
    if any(key in stream for key in ("/Length1", "/Length2", "/Length3")):
        return None  # font program
    if "/N" in stream and "/Subtype" not in stream:
        return None  # ICC profile
    is_content = stream.objgen in content_streams or stream.get("/Subtype") == Name.Form
    try:
        if is_content:
            return _content_text(stream)
        raw = stream.read_bytes()
    except (pikepdf.PdfError, ValueError, RuntimeError):
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _reach(pdf: pikepdf.Pdf) -> tuple[dict[tuple[int, int], set[int]], set[tuple[int, int]]]:
    """For every indirect object, the (1-based) pages that reach it; and the page content streams."""
    reach: dict[tuple[int, int], set[int]] = {}
    contents: set[tuple[int, int]] = set()
    for number, page in enumerate(pdf.pages, start=1):
        page_contents = page.obj.get("/Contents")
        items = page_contents if isinstance(page_contents, pikepdf.Array) else [page_contents]
        contents.update(item.objgen for item in items if item is not None and item.is_indirect)
        stack: list[object] = [page.obj]
        seen: set[tuple[int, int]] = set()
        while stack:
            obj = stack.pop()
            if not isinstance(obj, pikepdf.Object):
                continue
            if obj.is_indirect:
                key = obj.objgen
                if key in seen:
                    continue
                seen.add(key)
                reach.setdefault(key, set()).add(number)
            if isinstance(obj, (Dictionary, pikepdf.Stream)):
                stack.extend(value for name, value in obj.items() if name != "/Parent")
            elif isinstance(obj, pikepdf.Array):
                stack.extend(obj)
    return reach, contents


def _document_problems(pdf: pikepdf.Pdf, data: bytes) -> list[str]:
    problems: list[str] = []
    if "/Info" in pdf.trailer and len(pdf.docinfo.keys()) > 0:
        problems.append("documentinformatie (Info) is nog aanwezig")
    root = pdf.Root
    for key, label in (
        ("/Metadata", "XMP-metadata"),
        ("/OpenAction", "OpenAction"),
        ("/AA", "documentacties (AA)"),
        ("/AcroForm", "formulier (AcroForm)"),
        ("/Names", "naamboom (bijlagen/JavaScript)"),
    ):
        if key in root:
            problems.append(f"{label} is nog aanwezig")
    for number, page in enumerate(pdf.pages, start=1):
        if page.obj.get("/Annots"):
            problems.append(f"annotaties op pagina {number} zijn nog aanwezig")
    eofs = data.count(b"%%EOF")
    if eofs > (2 if pdf.is_linearized else 1):
        problems.append(f"het bestand bevat nog eerdere versies ({eofs} x %%EOF)")
    return problems


def verify_pdf(
    data: bytes,
    targets: Sequence[Target],
    expected_pages: int | None = None,
    page_map: Mapping[int, int] | None = None,
) -> Verification:
    """Check a PDF copy; `page_map` maps original page numbers of page-bound targets to copy pages.

    Without `page_map` a target's page is taken as a page of this file.
    """
    needles = _needles(targets)
    checks: list[str] = []
    problems: list[str] = []

    def allowed(needle: Needle, pages: Iterable[int] | None) -> bool:
        """Whether the needle must be absent from text found on these copy pages (None: anywhere)."""
        if needle.target.page is None or pages is None:
            return True
        copy_page = needle.target.page if page_map is None else page_map.get(needle.target.page)
        return copy_page in set(pages)

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except (pikepdf.PdfError, ValueError) as exc:
        return Verification(False, "pikepdf", [], [f"kopie is niet te openen ({type(exc).__name__})"])
    with pdf:
        pages = len(pdf.pages)
        checks.append(f"pagina's: {pages}")
        if expected_pages is not None and pages != expected_pages:
            problems.append(f"kopie heeft {pages} pagina's, verwacht {expected_pages}")
        problems.extend(_document_problems(pdf, data))
        checks.append("metadata, annotaties, bijlagen, JavaScript, eerdere versies")

        try:
            extractor, texts = extract_text_pages(data)
        except Exception as exc:  # any reader failure means the copy is not verified
            extractor, texts = "geen", []
            problems.append(f"tekstlaag kon niet onafhankelijk worden gelezen ({type(exc).__name__})")
        else:
            checks.append(f"tekstlaag via {extractor}")
        for number, text in enumerate(texts, start=1):
            haystack = Haystack(text)
            problems.extend(
                f"{_label(n)} staat nog in de tekstlaag van pagina {number} ({extractor})"
                for n in needles
                if allowed(n, [number]) and haystack.contains(n)
            )

        reach, contents = _reach(pdf)
        byte_needles = [n for n in needles if _significant_length(n) >= _BYTE_SCAN_MIN]
        flagged: set[tuple[str, str]] = set()
        for obj in pdf.objects:
            if not obj.is_indirect:
                continue
            texts_in_obj: list[str] = list(_strings(obj))
            if isinstance(obj, pikepdf.Stream):
                stream_text = _stream_text(obj, contents)
                if stream_text:
                    texts_in_obj.append(stream_text)
            if not texts_in_obj:
                continue
            where = reach.get(obj.objgen)
            kind = "paginaobject" if where else "documentobject"
            for text in texts_in_obj:
                haystack = Haystack(text)
                for needle in byte_needles if isinstance(obj, pikepdf.Stream) else needles:
                    if allowed(needle, where) and haystack.contains(needle):
                        flagged.add((_label(needle), kind))
        problems.extend(f"{label} staat nog in een {kind} (ruwe inhoud)" for label, kind in sorted(flagged))
        checks.append("objecten en gedecomprimeerde streams via pikepdf")

        skeleton = _STREAM_BODY.sub(b"stream endstream", data).decode("latin-1")
        haystack = Haystack(skeleton)
        problems.extend(
            f"{_label(n)} staat nog leesbaar in het bestand (buiten streams)"
            for n in byte_needles
            if n.target.page is None and haystack.contains(n)
        )
        checks.append("ruwe bytes buiten streams")
    return Verification(not problems, extractor, checks, problems)


# ---------------------------------------------------------------- DOCX

_TEXT_MEMBERS = (".htm", ".html", ".mht", ".mhtml", ".txt", ".rtf")
_FORBIDDEN_PARTS = re.compile(
    r"^(word/comments[^/]*\.xml|word/people\.xml|docProps/custom\.xml|docProps/thumbnail\.[a-z]+)$",
    re.IGNORECASE,
)
_CORE_FIELDS = ("creator", "lastModifiedBy", "title", "subject", "keywords", "description")
_REVISION_TAGS = re.compile(r"<w:(ins|del|delText|delInstrText|moveFrom|moveTo)[\s>/]")


def verify_docx(data: bytes, targets: Sequence[Target]) -> Verification:
    """Check a DOCX copy: the text of every XML part (tags stripped) and its content attributes hold no target."""
    from lxml import etree

    from redaction.wordml import content_attribute

    needles = _needles(targets)
    checks: list[str] = []
    problems: list[str] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = {name: archive.read(name) for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return Verification(False, "zip", [], [f"kopie is niet te openen ({type(exc).__name__})"])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    flagged: set[tuple[str, str]] = set()
    for name, raw in members.items():
        lower = name.lower()
        if _FORBIDDEN_PARTS.match(name):
            problems.append(f"onderdeel {name} is nog aanwezig")
        if lower.endswith((".xml", ".rels", ".vml")) or raw.lstrip()[:5] == b"<?xml":
            text = raw.decode("utf-8", errors="replace")
            pieces = [html.unescape(_TAG.sub("", text))]
            try:
                root = etree.fromstring(raw, parser)
            except etree.XMLSyntaxError:
                problems.append(f"onderdeel {name} is geen geldige XML")
                pieces.extend(html.unescape(a or b) for a, b in _ATTRIBUTE.findall(text))
            else:
                pieces.extend(
                    value
                    for element in root.iter()
                    if isinstance(element.tag, str)
                    for attribute, value in element.attrib.items()
                    if content_attribute(element, attribute)
                )
            if _REVISION_TAGS.search(text):
                problems.append(f"bijgehouden wijzigingen staan nog in {name}")
            if name == "docProps/core.xml":
                for field_name in _CORE_FIELDS:
                    if re.search(rf"<[a-z]+:{field_name}\b[^>]*>[^<]+<", text):
                        problems.append(f"documenteigenschap {field_name} is nog ingevuld")
        elif lower.endswith(_TEXT_MEMBERS):
            pieces = [raw.decode("utf-8", errors="replace")]
        else:
            continue
        for piece in pieces:
            haystack = Haystack(piece)
            for needle in needles:
                if haystack.contains(needle):
                    flagged.add((_label(needle), name))
    problems.extend(f"{label} staat nog in {name}" for label, name in sorted(flagged))
    checks.append("alle XML-onderdelen zonder tags, en attributen met inhoud")
    checks.append("opmerkingen, eigenschappen, bijgehouden wijzigingen")
    return Verification(not problems, "docx-xml", checks, problems)
