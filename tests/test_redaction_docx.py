"""Redaction of Word documents reaches every place a name can hide: runs, tables, headers, comments, history."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from redaction import REPLACEMENT, RedactionError, Target, redact_bytes, verify_docx

TARGETS = [
    Target("Tesfay Gebremedhin", "PERSON"),
    Target("Gebremedhin", "PERSON"),
    Target("1234 567 890", "V_NUMBER"),
    Target("tesfay.gebremedhin@example.org", "EMAIL_ADDRESS"),
    Target("PTSS", "SPECIAL_CATEGORY"),
    Target("tuberculose", "SPECIAL_CATEGORY"),
]
SECRETS = ("gebremedhin", "1234567890", "ptss", "tuberculose")

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:t>Bron: dossier 1234567890</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""
CUSTOM = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
 xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Zaak"><vt:lpwstr>Dossier</vt:lpwstr></property>
</Properties>"""


def compact(text: str) -> str:
    return re.sub(r"[\s.\-/]+", "", text).lower()


def leaks(text: str) -> list[str]:
    flat = compact(text)
    return [secret for secret in SECRETS if secret in flat]


def _add_xml_paragraph(document: docx.document.Document, inner: str) -> None:
    vml = 'xmlns:v="urn:schemas-microsoft-com:vml"'
    document.element.body.sectPr.addprevious(parse_xml(f"<w:p {nsdecls('w')} {vml}>{inner}</w:p>"))


def make_docx() -> bytes:
    """A Word document with the targets in every place they can hide."""
    document = docx.Document()
    core = document.core_properties
    core.author = "Tesfay Gebremedhin"
    core.last_modified_by = "A. de Vries"
    core.title = "Beschikking Tesfay Gebremedhin"
    core.subject = "V-nummer 1234567890"
    core.keywords = "PTSS"
    core.comments = "tuberculose"

    document.add_paragraph("Dit besluit betreft Tesfay Gebremedhin.")
    split = document.add_paragraph()
    for text in ("Naam: Tes", "fay Gebre", "medhin", " is aanvrager."):
        split.add_run(text)
    split.runs[1].bold = True

    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "V-nummer"
    table.cell(0, 1).add_table(rows=1, cols=1).cell(0, 0).text = "1234 567 890"

    commented = document.add_paragraph("Zie de opmerking.")
    document.add_comment(commented.runs[0], text="Betrokkene Gebremedhin heeft PTSS", author="A. de Vries")

    _add_xml_paragraph(
        document,
        '<w:r><w:pict><v:shape style="width:200pt;height:40pt"><v:textbox><w:txbxContent>'
        "<w:p><w:r><w:t>Tekstvak: Tesfay Gebremedhin</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>",
    )
    _add_xml_paragraph(
        document,
        '<w:r><w:t xml:space="preserve">Diagnose: </w:t></w:r>'
        '<w:ins w:id="91" w:author="A. de Vries" w:date="2025-03-03T10:00:00Z">'
        "<w:r><w:t>toegevoegde zin</w:t></w:r></w:ins>"
        '<w:del w:id="92" w:author="A. de Vries" w:date="2025-03-03T10:00:00Z">'
        "<w:r><w:delText>oude diagnose tuberculose</w:delText></w:r></w:del>",
    )
    link = document.part.relate_to("mailto:tesfay.gebremedhin@example.org", RT.HYPERLINK, is_external=True)
    _add_xml_paragraph(
        document,
        f'<w:hyperlink {nsdecls("r")} r:id="{link}"><w:r><w:t>mail de aanvrager</w:t></w:r></w:hyperlink>'
        '<w:r><w:t xml:space="preserve"> zie voetnoot</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>',
    )

    section = document.sections[0]
    section.header.paragraphs[0].text = "Dossier Gebremedhin"
    section.footer.paragraphs[0].text = "Medisch: PTSS"
    section.different_first_page_header_footer = True
    section.first_page_footer.paragraphs[0].text = "V-nummer 1234567890"
    document.settings.odd_and_even_pages_header_footer = True
    section.even_page_header.paragraphs[0].text = "tuberculose"

    buffer = io.BytesIO()
    document.save(buffer)
    return _add_parts(buffer.getvalue())


def _add_parts(data: bytes) -> bytes:
    """Add a footnotes part and custom properties, which python-docx cannot create."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            raw = source.read(name)
            if name == "[Content_Types].xml":
                raw = raw.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.wordprocessingml.footnotes+xml"/><Override PartName="/docProps/custom.xml" '
                    b'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
                )
            elif name == "word/_rels/document.xml.rels":
                raw = raw.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/footnotes" Target="footnotes.xml"/></Relationships>',
                )
            elif name == "_rels/.rels":
                raw = raw.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdCu" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>',
                )
            target.writestr(name, raw)
        target.writestr("word/footnotes.xml", FOOTNOTES)
        target.writestr("docProps/custom.xml", CUSTOM.replace("Dossier", "Dossier 1234567890"))
    return output.getvalue()


def parts(data: bytes) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name).decode("utf-8", errors="replace") for name in archive.namelist()}


@pytest.fixture(scope="module")
def source() -> bytes:
    return make_docx()


@pytest.fixture(scope="module")
def redacted(source: bytes):
    return redact_bytes(source, "beschikking.docx", TARGETS)


def test_fixture_hides_targets_everywhere(source: bytes) -> None:
    xml = parts(source)
    for name in ("word/document.xml", "word/comments.xml", "word/footnotes.xml", "docProps/core.xml"):
        assert leaks(html.unescape(re.sub(r"<[^>]*>", "", xml[name]))), name
    assert "gebremedhin" in compact(xml["word/_rels/document.xml.rels"])
    assert not verify_docx(source, TARGETS).passed


def test_no_target_left_in_any_part_text_or_attribute(redacted) -> None:
    data, report = redacted
    assert report.verification is not None and report.verification.passed
    for name, xml in parts(data).items():
        text = html.unescape(re.sub(r"<[^>]*>", "", xml))
        attributes = " ".join(html.unescape(v) for v in re.findall(r'="([^"]*)"', xml))
        assert leaks(text) == [], name
        assert leaks(attributes) == [], name


def test_body_split_runs_table_and_text_box_are_replaced(redacted) -> None:
    data, _report = redacted
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert f"Dit besluit betreft {REPLACEMENT}." in texts
    assert f"Naam: {REPLACEMENT} is aanvrager." in texts
    assert document.tables[0].cell(0, 1).tables[0].cell(0, 0).text == REPLACEMENT
    assert f"Tekstvak: {REPLACEMENT}" in parts(data)["word/document.xml"].replace("</w:t></w:r></w:p>", "")


def test_all_header_and_footer_variants_are_replaced(redacted) -> None:
    data, _report = redacted
    section = docx.Document(io.BytesIO(data)).sections[0]
    assert section.header.paragraphs[0].text == f"Dossier {REPLACEMENT}"
    assert section.footer.paragraphs[0].text == f"Medisch: {REPLACEMENT}"
    assert section.first_page_footer.paragraphs[0].text == f"V-nummer {REPLACEMENT}"
    assert section.even_page_header.paragraphs[0].text == REPLACEMENT


def test_footnote_and_hyperlink_target_are_replaced(redacted) -> None:
    data, _report = redacted
    xml = parts(data)
    assert f"Bron: dossier {REPLACEMENT}" in xml["word/footnotes.xml"]
    assert f"mailto:{REPLACEMENT}" in xml["word/_rels/document.xml.rels"]


def test_tracked_changes_are_accepted(redacted) -> None:
    data, report = redacted
    document_xml = parts(data)["word/document.xml"]
    assert not re.search(r"<w:(ins|del|delText)\b", document_xml)
    assert "toegevoegde zin" in document_xml
    assert "oude diagnose" not in document_xml
    assert report.tracked_changes_resolved["insertions_accepted"] == 1
    assert report.tracked_changes_resolved["deletions_removed"] == 1


def test_comments_custom_properties_and_core_properties_are_gone(redacted) -> None:
    data, report = redacted
    xml = parts(data)
    assert not any(name.startswith("word/comments") for name in xml)
    assert "docProps/custom.xml" not in xml
    assert "comment" not in xml["word/_rels/document.xml.rels"].lower()
    assert "commentReference" not in xml["word/document.xml"]
    assert "custom.xml" not in xml["[Content_Types].xml"]
    core = docx.Document(io.BytesIO(data)).core_properties
    assert (core.author, core.last_modified_by, core.title, core.subject, core.keywords, core.comments) == (
        "", "", "", "", "", ""
    )
    assert report.comments_removed == 1
    assert {"core:creator", "core:lastModifiedBy", "core:title", "core:subject", "custom"} <= set(
        report.metadata_removed
    )
    assert "word/comments.xml" in report.parts_removed


def test_report_counts_without_personal_data(redacted) -> None:
    _data, report = redacted
    assert report.removed["V_NUMBER"] >= 3
    assert report.removed["PERSON"] >= 5
    assert report.removed_masked["V_NUMBER"] == ["12******90"]
    shown = str(report) + json.dumps(report.to_dict())
    assert leaks(shown) == []


def test_keep_pages_is_refused_for_word(source: bytes) -> None:
    with pytest.raises(RedactionError, match="alleen bij PDF"):
        redact_bytes(source, "b.docx", TARGETS, keep_pages="beschikking")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 kapot", "beschadigd"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "versleuteld"),
    ],
)
def test_corrupt_or_encrypted_word_raises_redaction_error(data: bytes, message: str) -> None:
    with pytest.raises(RedactionError, match=message):
        redact_bytes(data, "brief.docx", TARGETS)


DOCX_SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "docx-samples"
DOCX_PATHS = sorted(DOCX_SAMPLES.rglob("*.docx")) if DOCX_SAMPLES.is_dir() else [None]


@pytest.mark.parametrize("path", DOCX_PATHS, ids=lambda p: f"{p.parent.name}/{p.name}" if p else "absent")
def test_public_sample_docx(path: Path | None) -> None:
    if path is None:
        pytest.skip(f"{DOCX_SAMPLES} is absent: ../shared exists only in the project workspace and CI")
    data = path.read_bytes()
    body = parts(data)["word/document.xml"]
    words = re.findall(r"[A-Za-z]{5,}", " ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", body)))
    word = max(words, key=len) if words else "Zqxjkv"
    output, report = redact_bytes(data, path.name, [Target(word, "TEST")])
    assert report.verification is not None and report.verification.passed
    assert (report.removed.get("TEST", 0) >= 1) == bool(words)
    document = docx.Document(io.BytesIO(output))
    assert compact(word) not in compact("\n".join(p.text for p in document.paragraphs))
