"""Ingest: every MIME shape and document type becomes readable parts; bad parts become errors."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import docx
import openpyxl
import pypdf
import pytest

from scanner.ingest import load_bytes, parse_eml
from scanner.ingest.limits import Limits


def _text(message) -> str:
    return "\n".join(p.text for p in message.parts)


def test_plain_quoted_printable_latin1_body():
    msg = MIMEText("Geachte heer, de cliënt woont in Zoetermeer. Groeten", "plain", "iso-8859-1")
    msg.replace_header("Content-Transfer-Encoding", "quoted-printable")
    msg.set_payload("Geachte heer, de cli=EBnt woont in Zoetermeer.")
    msg["From"] = "a.jansen@ind.nl"
    msg["To"] = "b@coa.nl"
    msg["Subject"] = "=?iso-8859-1?q?Overdracht_cli=EBnt?="
    m = parse_eml(msg.as_bytes())
    assert m.subject == "Overdracht cliënt"
    assert "cliënt woont" in _text(m)
    assert m.sender == "a.jansen@ind.nl" and m.to == ["b@coa.nl"]


def test_html_only_body_keeps_link_targets():
    msg = EmailMessage()
    msg["From"] = "x@coa.nl"
    msg["To"] = "y@ind.nl"
    msg.set_content('<p>Zie <a href="https://we.tl/t-abc123">deze link</a><br>voor het dossier.</p>', subtype="html")
    m = parse_eml(msg.as_bytes())
    assert "deze link" in _text(m) and "<a" not in _text(m)
    assert "https://we.tl/t-abc123" in m.links


def test_alternative_prefers_plain_but_reads_html_links():
    msg = EmailMessage()
    msg["From"] = "x@coa.nl"
    msg.set_content("Zie de bijlage op Dropbox.")
    msg.add_alternative('<p>Zie de bijlage op <a href="https://www.dropbox.com/s/x">Dropbox</a>.</p>', subtype="html")
    m = parse_eml(msg.as_bytes())
    bodies = [p for p in m.parts if p.part == "body"]
    assert len(bodies) == 1 and "Dropbox" in bodies[0].text
    assert "https://www.dropbox.com/s/x" in m.links


def test_nested_rfc822_and_inline_forward_are_marked_forwarded():
    inner = MIMEText("V-nummer 1234567890 van betrokkene.", "plain", "utf-8")
    inner["From"] = "c@dtv.minvenj.nl"
    inner["Subject"] = "Origineel"
    outer = MIMEMultipart("mixed")
    outer["From"] = "a@ind.nl"
    body = "Zie hieronder.\n\n---------- Doorgestuurd bericht ----------\nVan: d@coa.nl\nTekst"
    outer.attach(MIMEText(body, "plain"))
    outer.attach(MIMEMessage(inner))
    m = parse_eml(outer.as_bytes())
    forwarded = [p for p in m.parts if p.forwarded]
    assert any("1234567890" in p.text for p in forwarded)
    assert any("Tekst" in p.text for p in forwarded)
    own = [p for p in m.parts if p.part == "body" and not p.forwarded]
    assert own and all("Tekst" not in p.text for p in own)


def test_base64_pdf_attachment_read_per_page():
    writer = pypdf.PdfWriter()
    for _ in range(3):
        writer.add_blank_page(200, 200)
    buf = io.BytesIO()
    writer.write(buf)
    outer = MIMEMultipart()
    outer.attach(MIMEText("bijlage", "plain"))
    att = MIMEApplication(buf.getvalue(), "pdf")
    att.add_header("Content-Disposition", "attachment", filename="beschikking.pdf")
    outer.attach(att)
    m = parse_eml(outer.as_bytes())
    pdf = next(p for p in m.attachments if p.name == "beschikking.pdf")
    assert pdf.kind == "pdf" and pdf.paged and len(pdf.pages) == 3 and pdf.error is None


def test_uuencoded_attachment_in_body():
    import binascii

    data = b"Naam: Tesfay Gebremedhin\n"
    lines = [binascii.b2a_uu(data[i:i + 45]).decode() for i in range(0, len(data), 45)]
    body = "Zie bijlage.\nbegin 644 notitie.txt\n" + "".join(lines) + "`\nend\n"
    msg = MIMEText(body, "plain", "utf-8")
    m = parse_eml(msg.as_bytes())
    att = next(p for p in m.attachments if p.name == "notitie.txt")
    assert "Tesfay" in att.text
    assert "begin 644" not in _text(m).split("Tesfay")[0]


def test_encrypted_pdf_is_an_error_not_a_crash():
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("geheim")
    buf = io.BytesIO()
    writer.write(buf)
    parts = load_bytes(buf.getvalue(), "dossier.pdf").parts
    assert parts[0].error and "wachtwoord" in parts[0].error


@pytest.mark.parametrize("payload", [b"%PDF-1.7\n garbage", b"PK\x03\x04broken", b"\x00" * 50])
def test_corrupt_attachments_become_errors(payload):
    outer = MIMEMultipart()
    att = MIMEApplication(payload, "octet-stream")
    att.add_header("Content-Disposition", "attachment", filename="x.pdf")
    outer.attach(att)
    outer.attach(MIMEText("nog steeds gelezen", "plain"))
    m = parse_eml(outer.as_bytes())
    assert any(p.error for p in m.attachments)
    assert "nog steeds gelezen" in _text(m)


def test_docx_body_tables_headers_footers_comments_textboxes():
    d = docx.Document()
    para = d.add_paragraph("Gespreksverslag met betrokkene.")
    d.add_table(rows=1, cols=2).rows[0].cells[1].text = "TABELCEL"
    d.sections[0].header.paragraphs[0].text = "KOPTEKST"
    d.sections[0].footer.paragraphs[0].text = "VOETTEKST"
    d.add_comment(para.runs, text="OPMERKING", author="x")
    buf = io.BytesIO()
    d.save(buf)
    # A text box: inject a w:txbxContent paragraph into the body XML.
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                box = (b'<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
                       b'<w:txbxContent><w:p><w:r><w:t>TEKSTVAK</w:t></w:r></w:p></w:txbxContent>'
                       b'</v:textbox></v:shape></w:pict></w:r></w:p>')
                data = data.replace(b"<w:sectPr", box + b"<w:sectPr", 1)
            dst.writestr(item, data)
    part = load_bytes(out.getvalue(), "verslag.docx").parts[0]
    assert part.error is None
    for word in ("Gespreksverslag", "TABELCEL", "KOPTEKST", "VOETTEKST", "OPMERKING", "TEKSTVAK"):
        assert word in part.text


def test_xlsx_and_csv_rows():
    wb = openpyxl.Workbook()
    wb.active.append(["V-nummer", "Naam"])
    wb.active.append(["1234567890", "Karimi"])
    buf = io.BytesIO()
    wb.save(buf)
    xlsx = load_bytes(buf.getvalue(), "lijst.xlsx").parts[0]
    assert xlsx.kind == "xlsx" and "1234567890\tKarimi" in xlsx.text
    csv_part = load_bytes(b"naam;vnummer\nKarimi;1234567890\n", "lijst.csv").parts[0]
    assert "Karimi\t1234567890" in csv_part.text


def test_image_is_recorded_as_image():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (35, 45), "white").save(buf, "JPEG")
    part = load_bytes(buf.getvalue(), "pasfoto.jpg").parts[0]
    assert part.kind == "image" and part.meta["width"] == 35


def test_zip_is_scanned_inside_and_bombs_are_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a/notitie.txt", "Interne notitie over betrokkene")
    parts = load_bytes(buf.getvalue(), "stukken.zip").parts
    assert any(p.name == "stukken.zip/a/notitie.txt" and "Interne notitie" in p.text for p in parts)

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("nul.txt", b"\0" * (5 * 1024 * 1024))
    parts = load_bytes(bomb.getvalue(), "bom.zip", limits=Limits(max_zip_ratio=100)).parts
    assert len(parts) == 1 and "zip-bom" in parts[0].error


def test_zip_nesting_is_limited():
    data = b"binnenste"
    for _ in range(6):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("x.zip" if data != b"binnenste" else "x.txt", data)
        data = buf.getvalue()
    parts = load_bytes(data, "diep.zip").parts
    assert any(p.error and "genest" in p.error for p in parts)


def test_oversized_attachment_is_refused():
    part = load_bytes(b"a" * 2000, "groot.txt", limits=Limits(max_part_bytes=1000)).parts[0]
    assert part.error and "te groot" in part.error


def test_smime_and_pgp_detected():
    signed = MIMEMultipart("signed", protocol="application/pkcs7-signature", micalg="sha-256")
    signed.attach(MIMEText("ondertekend", "plain"))
    sig = MIMEApplication(b"\x30\x82", "pkcs7-signature")
    signed.attach(sig)
    m = parse_eml(signed.as_bytes())
    assert m.smime and not m.encrypted
    enc = MIMEMultipart("encrypted", protocol="application/pgp-encrypted")
    enc.attach(MIMEApplication(b"Version: 1", "pgp-encrypted"))
    enc.attach(MIMEApplication(b"-----BEGIN PGP MESSAGE-----", "octet-stream"))
    m = parse_eml(enc.as_bytes())
    assert m.pgp and m.encrypted


def _mail_with_pdf(pages: int) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    buf = io.BytesIO()
    writer.write(buf)
    outer = MIMEMultipart()
    outer["From"] = "medewerker@ind.nl"
    outer["To"] = "collega@ind.nl"
    outer["Subject"] = "stukken"
    outer.attach(MIMEText("Zie de bijlage.", "plain"))
    att = MIMEApplication(buf.getvalue(), "pdf")
    att.add_header("Content-Disposition", "attachment", filename="dossier.pdf")
    outer.attach(att)
    return outer.as_bytes()


@pytest.mark.parametrize("limits", [Limits(max_pages=2), Limits(max_part_seconds=0)])
def test_a_document_read_only_in_part_is_reported_as_not_fully_checked(limits):
    from scanner.core import scan_message

    message = load_bytes(_mail_with_pdf(5), "stukken.eml", limits=limits)
    pdf = next(p for p in message.parts if p.name == "dossier.pdf")
    assert pdf.error is None and pdf.meta["truncated"] and len(pdf.pages) < 5
    hits = [v for v in scan_message(message).violations if v.rule == "UNSCANNABLE_ATTACHMENT"]
    assert len(hits) == 1 and "alleen het begin" in hits[0].message


def test_a_document_read_whole_is_not_reported():
    from scanner.core import scan_message

    message = load_bytes(_mail_with_pdf(3), "stukken.eml")
    assert not next(p for p in message.parts if p.name == "dossier.pdf").meta["truncated"]
    assert all(v.rule != "UNSCANNABLE_ATTACHMENT" for v in scan_message(message).violations)


def _mail_with_long_attachment(lines: int) -> bytes:
    outer = MIMEMultipart()
    outer["From"] = "medewerker@ind.nl"
    outer["To"] = "collega@ind.nl"
    outer["Subject"] = "lijst"
    outer.attach(MIMEText("Zie de bijlage. V-nummer 2345678901.", "plain"))
    body = "".join(f"Regel {i}: bewoner met V-nummer 12345678{i % 10}0 op locatie Budel.\n" for i in range(lines))
    att = MIMEText(body, "plain", "utf-8")
    att.add_header("Content-Disposition", "attachment", filename="lijst.txt")
    outer.attach(att)
    return outer.as_bytes()


def test_analysis_that_runs_out_of_time_reports_what_it_did_not_check(monkeypatch):
    """A message too long to analyse in the time budget is reported, not waited for."""
    from scanner import analysis
    from scanner.core import scan_message

    raw = _mail_with_long_attachment(20_000)  # ~1.3 MB of text: many analysis batches
    monkeypatch.setattr(analysis, "ANALYSIS_SECONDS", 0.0)
    result = scan_message(load_bytes(raw, "lijst.eml"))
    hits = [v for v in result.violations if v.rule == "UNSCANNABLE_ATTACHMENT"]
    assert len(hits) == 1 and hits[0].attachment == "lijst.txt" and "alleen het begin" in hits[0].message
    # What was analysed before the budget ran out is still reported: the body's V-nummer.
    assert any(f.entity == "V_NUMBER" and f.part == "body" for f in result.findings)


def test_analysis_within_its_budget_reports_nothing_unchecked():
    from scanner.core import scan_message

    result = scan_message(load_bytes(_mail_with_long_attachment(200), "lijst.eml"))
    assert all(v.rule != "UNSCANNABLE_ATTACHMENT" for v in result.violations)
    assert sum(f.entity == "V_NUMBER" and f.part == "attachment" for f in result.findings) >= 100
