"""Broken mails and documents found by bench/fuzz.py: each is read, or reported as not read.

Every fixture is built here around a planted (fictional) V-nummer; nothing binary is stored.
"""

from __future__ import annotations

import base64
import io
import time
import zipfile

import pytest
from conftest import pdf_from_objects

from scanner.core import scan_message
from scanner.ingest import load_bytes
from scanner.ingest.documents import document_part

HDR = b"From: a.jansen@ind.nl\r\nTo: b.bakker@coa.nl\r\nSubject: overdracht\r\nMIME-Version: 1.0\r\n"
SECRET = "V-nummer 3000000123"


def _text(message) -> str:
    return "\n".join(p.text for p in message.parts)


def _mail_with(part_headers: bytes, payload: bytes) -> bytes:
    return (HDR + b'Content-Type: multipart/mixed; boundary="G"\r\n\r\n--G\r\nContent-Type: text/plain\r\n\r\n'
            b"Zie bijlage.\r\n--G\r\n" + part_headers + b"\r\n\r\n" + payload + b"\r\n--G--\r\n")


def _pdf(content: str = "", extra_objects: tuple[str, ...] = (), page_extra: str = "", root_extra: str = "") -> bytes:
    """A one-page PDF: `content` is its content stream; objects 5... are `extra_objects`."""
    objs = [f"<< /Type /Catalog /Pages 2 0 R {root_extra}>>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            f"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> {page_extra}>>",
            f"<< /Length {len(content)} >>\nstream\n{content}\nendstream", *extra_objects]
    return pdf_from_objects(objs)


# -- mail structure ------------------------------------------------------------------------------------------

def test_mass_mail_with_a_to_line_of_megabytes_is_read_as_a_mail_in_linear_time():
    many = b"To: " + b", ".join(b"u%d@coa.nl" % i for i in range(40_000)) + b"\r\n"
    data = many + HDR.replace(b"To: b.bakker@coa.nl\r\n", b"") + b"\r\n" + SECRET.encode() + b"\r\n"
    started = time.monotonic()
    message = load_bytes(data, "massa.eml")
    assert time.monotonic() - started < 10  # quadratic de-duplication took minutes for a 1 MB To line
    # A first header line longer than the 2 KB sniffed made the whole mail a text document.
    assert message.sender == "a.jansen@ind.nl" and len(message.to) == 40_000
    assert SECRET in _text(message)


@pytest.mark.parametrize("cte", [b"", b"7bit", b"x-unknown", b"quoted-printable"])
def test_base64_attachment_with_a_missing_or_wrong_transfer_encoding_is_decoded(cte):
    payload = base64.encodebytes(f"Notitie over de cliënt, {SECRET}.".encode() * 3)
    data = _mail_with(b'Content-Type: text/plain; name="notitie.txt"\r\nContent-Transfer-Encoding: ' + cte +
                      b'\r\nContent-Disposition: attachment; filename="notitie.txt"', payload)
    assert SECRET in _text(load_bytes(data, "mail.eml"))


@pytest.mark.parametrize("body", [b"Tot morgen", b"Bedanktvoordesnellereactie"])
def test_plain_text_that_is_no_base64_is_not_decoded(body):
    data = HDR + b"Content-Transfer-Encoding: 7bit\r\n\r\n" + body + b"\r\n"
    assert body.decode() in _text(load_bytes(data, "mail.eml"))


def test_quoted_printable_soft_break_with_trailing_blanks_joins_the_line():
    body = SECRET.replace("0001", "0=  \r\n001").encode()
    data = HDR + b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + body + b"\r\n"
    assert SECRET in _text(load_bytes(data, "mail.eml"))


@pytest.mark.parametrize("damage", [b"From: a\r.jansen@ind.nl", b"From: a.jansen@ind.nl\r\n.nl"])
def test_a_lone_cr_or_stray_line_in_the_headers_keeps_the_mime_structure(damage):
    attachment = base64.encodebytes(SECRET.encode())
    data = _mail_with(b'Content-Type: text/plain; name="n.txt"\r\nContent-Transfer-Encoding: base64\r\n'
                      b'Content-Disposition: attachment; filename="n.txt"', attachment)
    message = load_bytes(data.replace(b"From: a.jansen@ind.nl", damage), "mail.eml")
    # The parser ended the headers at the damage and read the attachment's base64 as body text.
    assert SECRET in _text(message)
    assert message.to == ["b.bakker@coa.nl"] and message.errors  # read, and said to be malformed


def test_mail_saved_under_a_csv_name_is_read_as_a_mail():
    attachment = base64.encodebytes(SECRET.encode())
    data = _mail_with(b'Content-Type: text/plain; name="n.txt"\r\nContent-Transfer-Encoding: base64\r\n'
                      b'Content-Disposition: attachment; filename="n.txt"', attachment)
    message = load_bytes(data, "export.csv")
    assert message.sender == "a.jansen@ind.nl" and SECRET in _text(message)


# -- documents -----------------------------------------------------------------------------------------------

def test_filled_in_pdf_form_fields_and_comments_are_read():
    field = ("<< /Type /Annot /Subtype /Widget /FT /Tx /T (vnr) /V (" + SECRET + ") /Rect [50 700 300 720] "
             "/P 3 0 R >>")
    note = "<< /Type /Annot /Subtype /Text /Rect [50 600 70 620] /Contents (Moeder van cliënt, BSN 111222333) >>"
    data = _pdf("BT /F1 11 Tf 50 750 Td (Aanvraagformulier) Tj ET", (field, note), page_extra="/Annots [5 0 R 6 0 R]",
                root_extra="/AcroForm << /Fields [5 0 R] >> ")
    part = document_part(data, "formulier.pdf")[0]
    assert part.error is None
    assert "Aanvraagformulier" in part.text and SECRET in part.text and "111222333" in part.text


def test_files_embedded_in_a_pdf_are_read():
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(_pdf("BT /F1 11 Tf 50 750 Td (Zie de bijlage) Tj ET")))
    pdf.attachments["lijst.txt"] = pikepdf.AttachedFileSpec(pdf, SECRET.encode(), filename="lijst.txt")
    buf = io.BytesIO()
    pdf.save(buf)
    parts = document_part(buf.getvalue(), "brief.pdf")
    assert [p.name for p in parts] == ["brief.pdf", "brief.pdf/lijst.txt"] and SECRET in parts[1].text


def _docx(paragraph: str, extra: dict[str, bytes] | None = None, drawing: bool = False) -> bytes:
    pic = "<w:r><w:drawing/></w:r>" if drawing else ""
    doc = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           f"<w:p><w:r><w:t>{paragraph}</w:t></w:r>{pic}</w:p></w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", doc)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_spreadsheet_embedded_in_a_word_file_is_read():
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Naam", "Nummer"])
    wb.active.append(["cliënt", SECRET])
    sheet = io.BytesIO()
    wb.save(sheet)
    parts = document_part(_docx("Zie de tabel.", {"word/embeddings/Werkblad1.xlsx": sheet.getvalue()}), "memo.docx")
    assert parts[1].name == "memo.docx/Werkblad1.xlsx" and SECRET in parts[1].text


def test_word_file_of_unreadable_drawings_is_reported_and_a_blank_one_is_not():
    drawn = document_part(_docx("", drawing=True), "scan.docx")[0]
    assert drawn.error and drawn.meta["reason"] == "no_text"
    assert document_part(_docx(""), "leeg.docx")[0].error is None


def test_pdf_whose_text_is_drawn_is_reported_and_a_blank_one_is_not():
    curves = document_part(_pdf("0 0 m 100 100 l 200 50 l S"), "getekend.pdf")[0]
    assert curves.error and curves.meta["reason"] == "no_text"
    assert document_part(_pdf(""), "leeg.pdf")[0].error is None


def test_repaired_pdf_whose_text_was_lost_is_reported_as_damaged():
    whole = _pdf("BT /F1 11 Tf 50 750 Td (" + SECRET + ") Tj ET")
    broken = whole.replace(b"stream\nBT", b"stream\n\x00\x9f", 1)[: whole.find(b"xref")]  # garbled, no xref
    part = document_part(broken, "brief.pdf")[0]
    assert part.error and part.meta["reason"] == "corrupt"


def test_the_scan_of_a_mail_with_an_unread_part_does_not_pass():
    data = _mail_with(b'Content-Type: application/pdf; name="getekend.pdf"\r\nContent-Transfer-Encoding: base64\r\n'
                      b'Content-Disposition: attachment; filename="getekend.pdf"',
                      base64.encodebytes(_pdf("0 0 m 100 100 l S")))
    result = scan_message(load_bytes(data, "mail.eml"))
    assert result.verdict != "pass" and "UNSCANNABLE_ATTACHMENT" in {v.rule for v in result.violations}


def test_a_huge_image_is_scaled_down_before_it_is_flattened_for_ocr(monkeypatch):
    from PIL import Image

    from scanner.ingest import documents, photo

    seen = []
    monkeypatch.setattr(photo, "faces", lambda image: seen.append(image.size) or 0)
    buf = io.BytesIO()
    Image.new("1", (20_000, 300), 1).save(buf, "PNG")  # a few KB; flattened at full size it took gigabytes
    part = document_part(buf.getvalue(), "scan.png")[0]
    assert part.error is None and part.meta["width"] == 20_000
    assert seen and max(seen[0]) <= documents.IMAGE_MAX_SIDE


def test_a_picture_pasted_into_the_html_alternative_is_read():
    from email.mime.image import MIMEImage
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buf, "PNG")
    related = MIMEMultipart("related")
    related.attach(MIMEText('<p>Zie de kopie:</p><img src="cid:pas">', "html"))
    picture = MIMEImage(buf.getvalue(), "png")
    picture.add_header("Content-ID", "<pas>")
    related.attach(picture)
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText("Zie de kopie:", "plain"))
    alternative.attach(related)  # as Apple Mail and Thunderbird send a pasted picture
    alternative["From"], alternative["To"] = "a.jansen@ind.nl", "b.bakker@coa.nl"
    message = load_bytes(alternative.as_bytes(), "mail.eml")
    assert [p.kind for p in message.parts if p.part == "attachment"] == ["image"]
    assert sum(p.part == "body" for p in message.parts) == 1  # the HTML text is not read twice


@pytest.mark.parametrize("charset", ["utf-16", "UTF-16LE", "punycode", "undefined"])
def test_a_lying_or_failing_charset_label_does_not_hide_the_text(charset):
    body = (SECRET + " \r\n").encode() * 4  # a whole number of UTF-16 and UTF-32 code units: it decodes so
    data = HDR + b'Content-Type: text/plain; charset="' + charset.encode() + b'"\r\n\r\n' + body
    message = load_bytes(data, "mail.eml")
    assert SECRET in _text(message) and not [p for p in message.parts if p.error]


def test_cell_comments_of_a_workbook_are_read():
    import openpyxl
    from openpyxl.comments import Comment

    wb = openpyxl.Workbook()
    wb.active["A1"] = "Cliënt 12"
    wb.active["A1"].comment = Comment(f"Let op: {SECRET}", "IND")
    buf = io.BytesIO()
    wb.save(buf)
    part = document_part(buf.getvalue(), "lijst.xlsx")[0]
    assert "Cliënt 12" in part.text and SECRET in part.text


def test_an_html_chunk_shown_inside_a_word_file_is_read():
    chunk = f"<html><body><p>Verslag: {SECRET}</p></body></html>".encode()
    parts = document_part(_docx("Zie hieronder.", {"word/afchunk1.htm": chunk}), "verslag.docx")
    assert [p.name for p in parts] == ["verslag.docx", "verslag.docx/afchunk1.htm"] and SECRET in parts[1].text


def test_a_web_page_saved_as_mht_is_read_as_mime():
    mht = (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="W"\r\n\r\n--W\r\n'
           b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>" + SECRET.encode() + b"</p>\r\n--W--\r\n")
    parts = document_part(mht, "pagina.mht")
    assert not [p for p in parts if p.error] and SECRET in "\n".join(p.text for p in parts)


def _zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_zip_of_zips_of_many_files_stops_at_the_document_limit_and_says_so():
    inner = _zip_of({f"f{i}.txt": SECRET.encode() for i in range(60)})
    outer = _zip_of({f"map{i}.zip": inner for i in range(60)})  # 3600 files; 150 x 150 x 150 took 22 GB
    message = load_bytes(outer, "dossier.zip")
    assert len(message.parts) <= 1100
    archive = message.parts[0]
    assert archive.name == "dossier.zip" and archive.error and archive.meta["reason"] == "too_large"


def test_rfc2231_pieces_the_standard_library_cannot_decode_lose_neither_the_part_nor_the_rest():
    broken = (b"Content-Type: text/plain; charset*=\x00; name*=''\r\nContent-Disposition: attachment; "
              b"filename*=a.txt; filename*0*=''\r\nContent-Transfer-Encoding: base64")
    data = _mail_with(broken, base64.encodebytes(SECRET.encode()))
    data = data.replace(b"--G--", b"--G\r\nContent-Type: text/plain\r\n\r\nTweede deel\r\n--G--")
    message = load_bytes(data, "mail.eml")
    assert SECRET in _text(message) and "Tweede deel" in _text(message)


def test_a_multipart_whose_parameters_crash_the_parser_is_read_as_text_and_reported():
    inner = (b'Content-Type: multipart/mixed; filename*=(); filename*0*=*; boundary="I"\r\n\r\n--I\r\n'
             b"Content-Type: text/plain\r\n\r\n" + SECRET.encode() + b"\r\n--I--")
    data = _mail_with(inner.split(b"\r\n\r\n", 1)[0], inner.split(b"\r\n\r\n", 1)[1])
    message = load_bytes(data, "mail.eml")  # the parser raised TypeError out of load_bytes
    assert SECRET in _text(message) and [p for p in message.parts if p.error]


@pytest.mark.parametrize("plain_alternative", [False, True])
def test_a_picture_inline_as_a_data_uri_is_read(plain_alternative):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buf, "PNG")
    uri = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    html = f'<p>Kopie paspoort:</p><img src="{uri}">'.encode()
    if plain_alternative:
        data = (HDR + b'Content-Type: multipart/alternative; boundary="A"\r\n\r\n--A\r\nContent-Type: text/plain'
                b"\r\n\r\nKopie paspoort:\r\n--A\r\nContent-Type: text/html\r\n\r\n" + html + b"\r\n--A--\r\n")
    else:
        data = HDR + b"Content-Type: text/html\r\n\r\n" + html
    message = load_bytes(data, "mail.eml")
    assert [(p.name, p.kind) for p in message.parts if p.part == "attachment"] == [("afbeelding1.png", "image")]


def test_a_scanned_page_under_a_stamped_line_of_text_goes_to_ocr(monkeypatch):
    import pikepdf
    from PIL import Image

    from scanner.ingest import ocr

    buf = io.BytesIO()
    Image.new("L", (850, 1100), 255).save(buf, "PDF", resolution=100)  # one page, the image fills it
    pdf = pikepdf.open(io.BytesIO(buf.getvalue()))
    page = pdf.pages[0]
    helvetica = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    page.obj.Resources.Font = pikepdf.Dictionary(F1=helvetica)
    stamp = b"BT /F1 8 Tf 20 20 Td (Ministerie van Justitie en Veiligheid - Pagina 1 van 3) Tj ET"
    page.contents_add(pikepdf.Stream(pdf, stamp))
    out = io.BytesIO()
    pdf.save(out)
    asked = []

    def fake_ocr(jobs, *, count, **_):
        asked.append(count)
        return iter(())

    monkeypatch.setattr(ocr, "ocr_pages", fake_ocr)
    part = document_part(out.getvalue(), "scan.pdf")[0]
    assert "Pagina 1 van 3" in part.text and asked == [1]  # the 56 characters of stamp hid the scan from OCR
