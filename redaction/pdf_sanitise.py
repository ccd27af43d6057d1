"""Engine-independent PDF steps: open, take stock, strip document-level data, write fresh."""

from __future__ import annotations

import io
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Dictionary, Name, OutlineItem

from redaction.matching import Haystack, Needle
from redaction.model import RedactionError

# Catalog entries that only say how to show the pages. Everything else
# (Names, Outlines, OpenAction, AA, AcroForm, Metadata, StructTreeRoot,
# PieceInfo, PageLabels, Threads, Perms, URI …) is dropped.
_CATALOG_KEEP = {"/Type", "/Pages", "/Lang", "/PageLayout", "/ViewerPreferences", "/OCProperties"}
# Page entries needed to draw the page; Annots, AA, Thumb, B, Metadata,
# PieceInfo, StructParents and the like are dropped.
_PAGE_KEEP = {
    "/Type", "/Parent", "/Resources", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox",
    "/ArtBox", "/Rotate", "/Contents", "/Group", "/UserUnit",
}

REMOVED_LABEL = "[verwijderd]"

# The lists logged by pypdf on odd outlines are noise for the sender.
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass
class Inventory:
    """Document-level data in the source that the copy will not carry."""

    pages: int
    metadata: list[str] = field(default_factory=list)
    annotations: dict[str, int] = field(default_factory=dict)
    embedded_files: int = 0
    javascript: int = 0
    earlier_revisions: int = 0


@dataclass
class EngineResult:
    """Pages selected and redacted by an engine, ready for the document-level strip."""

    pdf: pikepdf.Pdf
    hits: Counter[int]
    rasterised: list[int] = field(default_factory=list)
    data: bytes = b""


@dataclass(frozen=True)
class OutlineEntry:
    """A bookmark: nesting level (1 = top), title and 1-based page."""

    level: int
    title: str
    page: int


def open_pdf(data: bytes) -> pikepdf.Pdf:
    """Open a PDF with pikepdf, turning password and parse failures into RedactionError."""
    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise RedactionError(
            "De PDF is met een wachtwoord beveiligd. Verwijder de beveiliging en probeer opnieuw."
        ) from exc
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        raise RedactionError(f"De PDF is beschadigd of onleesbaar ({type(exc).__name__}).") from exc


def _javascript_count(pdf: pikepdf.Pdf) -> int:
    root = pdf.Root
    count = 0
    names = root.get("/Names")
    if isinstance(names, Dictionary) and "/JavaScript" in names:
        try:
            count += len(list(pikepdf.NameTree(names.JavaScript).keys()))
        except (TypeError, ValueError, pikepdf.PdfError):
            count += 1
    open_action = root.get("/OpenAction")
    if isinstance(open_action, Dictionary) and open_action.get("/S") == Name.JavaScript:
        count += 1
    actions = root.get("/AA")
    if isinstance(actions, Dictionary):
        count += len(list(actions.keys()))
    return count


def take_inventory(pdf: pikepdf.Pdf, data: bytes, kept: Sequence[int]) -> Inventory:
    """What the copy will lose, for the report: metadata keys, annotations, attachments, JS."""
    inventory = Inventory(pages=len(pdf.pages))
    if "/Info" in pdf.trailer:
        inventory.metadata.extend(f"Info:{str(key)[1:]}" for key in pdf.docinfo.keys())
    if "/Metadata" in pdf.Root:
        inventory.metadata.append("XMP")
    annotations: Counter[str] = Counter()
    for number in kept:
        page = pdf.pages[number - 1]
        if "/Metadata" in page.obj:
            inventory.metadata.append(f"XMP pagina {number}")
        for annot in page.obj.get("/Annots", pikepdf.Array()):
            if isinstance(annot, Dictionary):
                annotations[str(annot.get("/Subtype", "/Onbekend"))[1:]] += 1
    inventory.annotations = dict(annotations)
    try:
        inventory.embedded_files = len(pdf.attachments) + annotations.get("FileAttachment", 0)
    except (pikepdf.PdfError, ValueError, TypeError):
        inventory.embedded_files = annotations.get("FileAttachment", 0)
    inventory.javascript = _javascript_count(pdf)
    eofs = data.count(b"%%EOF")
    inventory.earlier_revisions = max(0, eofs - 1 - (1 if pdf.is_linearized else 0))
    return inventory


def read_outline(data: bytes) -> list[OutlineEntry]:
    """The bookmarks of a PDF with their target pages (pypdf resolves named destinations)."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        entries: list[OutlineEntry] = []

        def walk(items: list, level: int) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item, level + 1)
                    continue
                try:
                    index = reader.get_destination_page_number(item)
                except (KeyError, ValueError, TypeError, AttributeError, pypdf.errors.PyPdfError):
                    index = None
                page = index + 1 if index is not None and index >= 0 else 0
                entries.append(OutlineEntry(level, str(item.title or ""), page))

        walk(reader.outline, 1)
        return entries
    except Exception:  # a broken outline must not stop the redaction: it is dropped
        return []


def keep_outline(
    entries: Sequence[OutlineEntry], kept: Sequence[int], needles: Sequence[Needle]
) -> list[OutlineEntry]:
    """Bookmarks to kept pages whose titles hold no target, renumbered to the copy."""
    new_number = {page: i + 1 for i, page in enumerate(kept)}
    result: list[OutlineEntry] = []
    for entry in entries:
        if entry.page not in new_number:
            continue
        title = Haystack(entry.title)
        if any(title.contains(needle) for needle in needles):
            continue
        level = min(entry.level, result[-1].level + 1 if result else 1)
        result.append(OutlineEntry(level, entry.title, new_number[entry.page]))
    return result


def _write_outline(pdf: pikepdf.Pdf, entries: Sequence[OutlineEntry]) -> None:
    if not entries:
        return
    with pdf.open_outline() as outline:
        chain: list[OutlineItem] = []
        for entry in entries:
            item = OutlineItem(entry.title, entry.page - 1)
            chain = chain[: entry.level - 1]
            if chain:
                chain[-1].children.append(item)
            else:
                outline.root.append(item)
            chain.append(item)


def _scrub_strings(obj: pikepdf.Object, needles: Sequence[Needle], seen: set[tuple[int, int]]) -> None:
    """Replace strings holding a target, anywhere below obj (layer names in OCProperties)."""
    if obj.is_indirect:
        if obj.objgen in seen:
            return
        seen.add(obj.objgen)
    if isinstance(obj, (Dictionary, pikepdf.Stream)):
        items = [(key, obj[key]) for key in obj.keys()]
    elif isinstance(obj, pikepdf.Array):
        items = list(enumerate(obj))
    else:
        return
    for key, value in items:
        if isinstance(value, pikepdf.String):
            text = Haystack(str(value))
            if any(text.contains(needle) for needle in needles):
                obj[key] = pikepdf.String(REMOVED_LABEL)
        elif isinstance(value, pikepdf.Object):
            _scrub_strings(value, needles, seen)


def strip_and_save(pdf: pikepdf.Pdf, outline: Sequence[OutlineEntry], needles: Sequence[Needle]) -> bytes:
    """Drop everything but the drawn pages and write a fresh, single-revision file.

    QPDF writes only objects reachable from the new trailer, so earlier
    revisions, removed pages and dropped catalog entries do not survive.
    """
    root = pdf.Root
    for key in list(root.keys()):
        if key not in _CATALOG_KEEP:
            del root[key]
    seen: set[tuple[int, int]] = set()
    for key in root.keys():
        if key != "/Pages":
            _scrub_strings(root[key], needles, seen)
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    for page in pdf.pages:
        for key in list(page.obj.keys()):
            if key not in _PAGE_KEEP:
                del page.obj[key]
    for obj in pdf.objects:
        if isinstance(obj, (Dictionary, pikepdf.Stream)) and obj.is_indirect:
            for key in ("/Metadata", "/PieceInfo"):
                if key in obj:
                    del obj[key]
    pdf.remove_unreferenced_resources()
    _write_outline(pdf, outline)
    buffer = io.BytesIO()
    try:
        pdf.save(
            buffer,
            preserve_pdfa=False,
            fix_metadata_version=False,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            deterministic_id=True,
            encryption=False,
        )
    except (pikepdf.PdfError, RuntimeError) as exc:
        raise RedactionError(f"De geanonimiseerde PDF kon niet worden geschreven ({type(exc).__name__}).") from exc
    return buffer.getvalue()
