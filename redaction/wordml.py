"""DOCX redaction on the raw package: every XML part, tracked changes accepted, comments and properties gone.

Working on the XML parts rather than on python-docx's object model reaches
what that model does not: text boxes, footnotes, all header and footer
variants, comments, fields, hyperlink targets and alternate content.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from redaction.matching import Needle, find_all
from redaction.model import RedactionError

ENGINE = "docx-xml"
REPLACEMENT = "[VERWIJDERD]"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_REMOVED_PARTS = re.compile(
    r"^(word/comments[^/]*\.xml|word/people\.xml|docProps/custom\.xml|docProps/thumbnail\.[a-z]+)$",
    re.IGNORECASE,
)
_REMOVED_RELATIONSHIPS = {
    "comments", "commentsExtended", "commentsIds", "commentsExtensible", "people",
    "custom-properties", "thumbnail", "attachedTemplate", "mailMergeSource", "mailMergeHeaderSource",
}
_CORE_REMOVED = {
    "creator", "lastModifiedBy", "title", "subject", "keywords", "description", "category",
    "contentStatus", "lastPrinted", "identifier", "version",
}
_APP_REMOVED = {"Company", "Manager", "HyperlinkBase", "Template", "TitlesOfParts", "HeadingPairs", "HLinks"}
_SETTINGS_REMOVED = {"attachedTemplate", "docVars", "mailMerge"}
_PROPERTY_CHANGES = {
    "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tblPrExChange", "tblGridChange",
    "tcPrChange", "trPrChange", "numberingChange", "cellIns", "cellDel", "cellMerge",
    "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
    "customXmlInsRangeStart", "customXmlInsRangeEnd", "customXmlDelRangeStart", "customXmlDelRangeEnd",
    "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd",
    "customXmlMoveToRangeStart", "customXmlMoveToRangeEnd", "delText", "delInstrText",
}
_COMMENT_ANCHORS = {"commentRangeStart", "commentRangeEnd", "commentReference"}
# Attributes that hold schema values (enumerations, ids, part names), never
# document content; replacing text in them would corrupt the package.
_STRUCTURAL_ATTRIBUTES = {
    "val", "styleId", "id", "Id", "embed", "link", "pict", "Type", "ContentType", "PartName", "Extension",
    "TargetMode", "Target", "paraId", "textId", "space", "Ignorable", "type", "uri",
}
# Elements whose w:val is free text: content-control titles and tags, document
# variables, legacy form-field names, help texts, defaults and list entries.
_FREE_TEXT_VAL = {"alias", "tag", "docVar", "name", "helpText", "statusText", "default", "listEntry", "result"}


@dataclass
class DocxResult:
    """The redacted package and what was done to it."""

    data: bytes
    hits: Counter[int] = field(default_factory=Counter)
    comments: int = 0
    revisions: Counter[str] = field(default_factory=Counter)
    metadata: list[str] = field(default_factory=list)
    parts_removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def content_attribute(element: etree._Element, name: str) -> bool:
    """Whether an attribute can hold document content (alt text, hyperlink targets, field codes …)."""
    local = etree.QName(name).localname
    if local == "Target":
        return element.get("TargetMode") == "External"
    if local == "val":
        return _local(element) in _FREE_TEXT_VAL
    return local not in _STRUCTURAL_ATTRIBUTES and not local.startswith("rsid")


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _unwrap(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    position = parent.index(element)
    for child in reversed(list(element)):
        parent.insert(position, child)
    parent.remove(element)


def _accept_revisions(root: etree._Element, counts: Counter[str]) -> None:
    """Accept all tracked changes: insertions stay, deletions and their text go."""
    for marker in list(root.iter(f"{_W}del", f"{_W}moveFrom")):
        parent = marker.getparent()
        if parent is None:
            continue
        if parent.tag == f"{_W}trPr":
            _remove(parent.getparent())
            counts["deletions_removed"] += 1
        elif parent.tag == f"{_W}rPr":
            _remove(marker)  # a deleted paragraph mark; the paragraph text is handled by its runs
        else:
            _remove(marker)
            counts["deletions_removed"] += 1
    for marker in list(root.iter(f"{_W}ins", f"{_W}moveTo")):
        if marker.getparent() is not None and marker.getparent().tag in (f"{_W}rPr", f"{_W}trPr"):
            _remove(marker)
        else:
            _unwrap(marker)
        counts["insertions_accepted"] += 1
    changes = [el for el in root.iter() if isinstance(el.tag, str) and el.tag.startswith(_W)
               and _local(el) in _PROPERTY_CHANGES]
    for element in changes:
        _remove(element)
    if changes:
        counts["other_changes_removed"] += len(changes)


def _remove_comment_anchors(root: etree._Element) -> None:
    anchors = [el for el in root.iter() if isinstance(el.tag, str) and el.tag.startswith(_W)
               and _local(el) in _COMMENT_ANCHORS]
    for anchor in anchors:
        run = anchor.getparent()
        _remove(anchor)
        if run is not None and run.tag == f"{_W}r" and all(child.tag == f"{_W}rPr" for child in run):
            _remove(run)


def _rewrite(text: str, needles: Sequence[Needle], hits: Counter[int]) -> list[tuple[int, int]]:
    """Merged (start, end) spans of all matches in text, counting hits per needle."""
    spans = []
    for start, end, number in find_all(text, needles):
        hits[number] += 1
        spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _apply(pieces: list[str], spans: list[tuple[int, int]]) -> list[str]:
    """Replace spans of the concatenated pieces; each span becomes one REPLACEMENT in its first piece."""
    result: list[str] = []
    offset = 0
    span_index = 0
    for piece in pieces:
        end_of_piece = offset + len(piece)
        out: list[str] = []
        cursor = offset
        while span_index < len(spans) and spans[span_index][0] < end_of_piece:
            start, end = spans[span_index]
            if start >= cursor:
                out.append(piece[cursor - offset : start - offset])
                out.append(REPLACEMENT)
            cursor = max(cursor, min(end, end_of_piece))
            if end > end_of_piece:
                break
            span_index += 1
        out.append(piece[cursor - offset :])
        result.append("".join(out))
        offset = end_of_piece
    return result


def _redact_tree(root: etree._Element, needles: Sequence[Needle], hits: Counter[int]) -> None:
    """Replace targets in the text of all elements (one stream per part) and in attribute values."""
    nodes = [el for el in root.iter() if isinstance(el.tag, str) and el.text]
    pieces = [el.text for el in nodes]
    spans = _rewrite("".join(pieces), needles, hits)
    if spans:
        for element, old, new in zip(nodes, pieces, _apply(pieces, spans), strict=True):
            if new != old:
                element.text = new
                if element.tag == f"{_W}t":
                    element.set(_XML_SPACE, "preserve")
    attributes = [
        (el, name) for el in root.iter() if isinstance(el.tag, str) for name in el.attrib if content_attribute(el, name)
    ]
    values = [attributes_el.get(name) or "" for attributes_el, name in attributes]
    # NUL separates values: the matcher never bridges it, so no match spans two attributes.
    joined = "\x00".join(values)
    spans = _rewrite(joined, needles, hits)
    if spans:
        pieces_with_sep = [value + "\x00" for value in values]
        for (element, name), old, new in zip(
            attributes, pieces_with_sep, _apply(pieces_with_sep, spans), strict=True
        ):
            if new != old:
                element.set(name, new[:-1] if new.endswith("\x00") else new)


def _clear_properties(root: etree._Element, names: set[str], prefix: str, removed: list[str]) -> None:
    for element in list(root):
        if isinstance(element.tag, str) and _local(element) in names:
            if (element.text or "").strip() or len(element):
                removed.append(f"{prefix}:{_local(element)}")
            root.remove(element)


def _relationship_sources(name: str) -> str:
    folder = posixpath.dirname(posixpath.dirname(name))
    return folder


def _clean_relationships(root: etree._Element, rels_name: str, removed: set[str]) -> None:
    base = _relationship_sources(rels_name)
    for rel in list(root):
        kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
        target = rel.get("Target") or ""
        if rel.get("TargetMode") != "External":
            path = posixpath.normpath(posixpath.join(base, target)).lstrip("/") if not target.startswith("/") \
                else target.lstrip("/")
        else:
            path = ""
        if kind in _REMOVED_RELATIONSHIPS or path in removed:
            root.remove(rel)


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def redact_docx(data: bytes, needles: Sequence[Needle]) -> DocxResult:
    """Redact a .docx package held in memory."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        members = {info.filename: archive.read(info) for info in infos}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise RedactionError(f"Het Word-bestand is beschadigd of onleesbaar ({type(exc).__name__}).") from exc
    if "word/document.xml" not in members:
        raise RedactionError("Dit is geen Word-document (.docx): word/document.xml ontbreekt.")
    result = DocxResult(b"")
    # One parser per call: lxml parsers must not be shared between threads.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    removed = {name for name in members if _REMOVED_PARTS.match(name)}
    result.parts_removed = sorted(removed)
    if "docProps/custom.xml" in removed:
        result.metadata.append("custom")
    for name in sorted(removed):
        if not name.lower().endswith(".xml"):
            continue
        try:
            root = etree.fromstring(members[name], parser)
        except etree.XMLSyntaxError:
            result.comments += name.lower() == "word/comments.xml"
            continue
        if name.lower() == "word/comments.xml":
            result.comments = len(root.findall(f"{_W}comment"))
        # Targets in a dropped part (a comment, a custom property) are removed with it.
        _rewrite("".join(el.text for el in root.iter() if isinstance(el.tag, str) and el.text), needles, result.hits)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        ordered = sorted(members, key=lambda n: n != "[Content_Types].xml")
        for name in ordered:
            if name in removed:
                continue
            raw = members[name]
            lower = name.lower()
            if lower.endswith((".xml", ".rels", ".vml")):
                try:
                    root = etree.fromstring(raw, parser)
                except etree.XMLSyntaxError as exc:
                    raise RedactionError(f"Onderdeel {name} van het Word-bestand is beschadigd.") from exc
                if lower.endswith(".rels"):
                    _clean_relationships(root, name, removed)
                elif name == "[Content_Types].xml":
                    for override in list(root):
                        if (override.get("PartName") or "").lstrip("/") in removed:
                            root.remove(override)
                elif name == "docProps/core.xml":
                    _clear_properties(root, _CORE_REMOVED, "core", result.metadata)
                elif name == "docProps/app.xml":
                    _clear_properties(root, _APP_REMOVED, "app", result.metadata)
                else:
                    _accept_revisions(root, result.revisions)
                    _remove_comment_anchors(root)
                    if name == "word/settings.xml":
                        _clear_properties(root, _SETTINGS_REMOVED, "settings", result.metadata)
                _redact_tree(root, needles, result.hits)
                raw = _serialise(root)
            elif lower.startswith("word/embeddings/"):
                result.warnings.append(f"ingesloten object {posixpath.basename(name)} is niet gecontroleerd")
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, raw)
    result.data = output.getvalue()
    return result
