"""Issue 14: scans and photos are read (OCR, faces, MRZ), and what cannot be read is never `pass`.

The scans are made here from the bundled samples: PDFium renders the sample beschikking, Pillow
turns pages into image-only PDFs (150, 200 and 300 dpi, one page turned 90 degrees), JPEG and PNG.
OCR is the slow part: each scan is read once per module and shared by the tests.
"""

from __future__ import annotations

import email
import io
import json
import os
import re
import shutil
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import jsonschema
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageStat

from samples import SAMPLES_DIR
from scanner.core import scan_message
from scanner.ingest import Limits, load_bytes, parse_eml
from scanner.ingest.mrz import check_digit, find_zones, looks_like_mrz
from scanner.policy import load_policy

REPO = Path(__file__).resolve().parents[1]
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None,
                                     reason="Debian's tesseract-ocr is not installed (.ci/run installs it)")
MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
TYPE_NAME = re.compile(r"\b[A-Z][a-zA-Z]+(?:Error|Exception|Defect)\b")
TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]
TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]


def attachment(name: str) -> bytes:
    """An attachment of a bundled sample mail, by file-name suffix."""
    sample = {"pdf": "16_full_beschikking_to_coa.eml", "xlsx": "26_bezettingslijst_xlsx_to_politie.eml"}
    msg = email.message_from_bytes((SAMPLES_DIR / sample[name]).read_bytes())
    return next(p.get_payload(decode=True) for p in msg.walk() if (p.get_filename() or "").endswith(name))


CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "txt": "text/plain"}


def mail(sender: str, to: str, body: str, files: list[tuple[str, bytes]]) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, to, "Stukken"
    m.set_content(body)
    for name, data in files:
        ctype = CONTENT_TYPES[name.rsplit(".", 1)[1]]
        m.add_attachment(data, maintype=ctype.split("/")[0], subtype=ctype.split("/")[1], filename=name)
    return m.as_bytes()


def scan(data: bytes, name: str = "bericht.eml", limits: Limits | None = None):
    return scan_message(load_bytes(data, name, limits=limits or Limits()), load_policy())


def fired(result) -> dict[str, str]:
    return {v.rule: v.severity for v in result.violations}


@pytest.fixture(scope="module")
def pages() -> list[Image.Image]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(attachment("pdf"))
    out = [pdf[i].render(scale=150 / 72, grayscale=True).to_pil() for i in range(len(pdf))]
    pdf.close()
    return out


@pytest.fixture(scope="module")
def scanned_pdf(pages) -> bytes:
    """The 12-page beschikking as page images: 150, 200 and 300 dpi in turn, page 3 turned 90 degrees."""
    images = []
    for i, page in enumerate(pages):
        dpi = (150, 200, 300)[i % 3]
        img = page.resize((page.width * dpi // 150, page.height * dpi // 150))
        images.append(img.rotate(90, expand=True) if i == 2 else img)
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=200)
    return buf.getvalue()


@pytest.fixture(scope="module")
def scanned_result(scanned_pdf):
    # A generous budget: this proves reading; speed is measured in bench/ocr.py (the test machine is shared).
    return scan(mail("a.jansen@ind.nl", "b.devries@coa.nl", "Beste collega,\n\nHierbij het besluit.\n\nGroet,\nA.",
                     [("besluit.pdf", scanned_pdf)]), limits=Limits(max_message_seconds=600))


@pytest.fixture(scope="module")
def text_layer_findings():
    """Findings on the original (text) beschikking: the truth the scan must match."""
    result = scan(mail("a.jansen@ind.nl", "b.devries@coa.nl", "Hierbij.", [("besluit.pdf", attachment("pdf"))]))
    return {(f.entity, f.page) for f in result.findings if f.entity in ("V_NUMBER", "PERSON", "DATE_OF_BIRTH")}


# -- MRZ (ICAO 9303 specimen lines) ---------------------------------------------------------------


@pytest.mark.parametrize(("lines", "fmt", "number"), [(TD3, "TD3", "L898902C3"), (TD2, "TD2", "D23145890"),
                                                      (TD1, "TD1", "D23145890")])
def test_icao_specimens_parse_with_check_digits(lines, fmt, number):
    text = "Kopie paspoort\n" + "\n".join(lines)
    (zone,) = find_zones(text)
    assert zone.format == fmt and zone.valid
    assert zone.values == {"ID_DOCUMENT": number, "DATE_OF_BIRTH": "12-08-74", "PERSON": "ANNA MARIA ERIKSSON"}
    start, end = zone.spans["ID_DOCUMENT"]
    assert text[start:end] == number


def test_wrong_check_digit_gives_no_document_number():
    assert check_digit("L898902C3") == "6" and check_digit("740812") == "2"
    broken = [TD3[0], TD3[1].replace("L898902C36", "L898902C37")]
    (zone,) = find_zones("\n".join(broken))
    assert "ID_DOCUMENT" not in zone.values and not zone.valid
    assert zone.values["DATE_OF_BIRTH"] == "12-08-74"  # its own check digit still holds
    assert looks_like_mrz("\n".join(broken))  # still a copy of an ID document
    assert find_zones("P<NLDDE<VRIES<<JAN\nnothing like a second line") == []



@pytest.mark.parametrize(("lines", "data_line"), [(TD3, 1), (TD2, 1), (TD1, 0), (TD1, 1)])
def test_a_filler_lost_or_doubled_in_a_data_line_keeps_its_fields(lines, data_line):
    """OCR of a photographed passport drops or doubles a `<` in a long run of them: the fields before the
    run keep their places and their check digits; only the composite check digit cannot be trusted."""
    for change in (lambda line: line.replace("<<", "<", 1), lambda line: line.replace("<<", "<<<", 1)):
        mangled = [change(line) if k == data_line else line for k, line in enumerate(lines)]
        (zone,) = find_zones("\n".join(mangled))
        assert not zone.valid and zone.values["DATE_OF_BIRTH"] == "12-08-74", mangled
        assert zone.values["ID_DOCUMENT"] in ("L898902C3", "D23145890")
    three_short = [line.replace("<<<<", "<", 1) if k == data_line else line for k, line in enumerate(lines)]
    assert find_zones("\n".join(three_short)) == []


# -- Scanned PDFs -----------------------------------------------------------------------------------


@needs_tesseract
def test_scanned_beschikking_is_a_full_beschikking_with_the_data_on_the_right_pages(scanned_result,
                                                                                   text_layer_findings):
    attachment_doc = next(d for d in scanned_result.documents if d["attachment"] == "besluit.pdf")
    assert attachment_doc["kind"] == "beschikking" and attachment_doc["pages"] == 12
    assert "FULL_BESCHIKKING" in fired(scanned_result)
    found = {(f.entity, f.page) for f in scanned_result.findings if f.part == "attachment"}
    for entity in ("V_NUMBER", "PERSON", "DATE_OF_BIRTH"):
        assert (entity, 1) in found, entity
    # The rotated page 3 was turned upright and read like the rest.
    assert {e for e, p in text_layer_findings if p == 3} <= {e for e, p in found if p == 3}
    assert {f.source for f in scanned_result.findings if f.part == "attachment"} == {"ocr"}
    assert {f.source for f in scanned_result.findings if f.part != "attachment"} <= {"text"}
    assert "UNSCANNABLE_ATTACHMENT" not in fired(scanned_result), [v.message for v in scanned_result.violations]


@needs_tesseract
def test_scanned_result_json_is_valid_and_says_ocr(scanned_result, result_schema):
    out = scanned_result.to_json()
    jsonschema.validate(out, result_schema)
    assert {f["source"] for f in out["findings"] if f["part"] == "attachment"} == {"ocr"}
    assert not TYPE_NAME.search(json.dumps(out))


@needs_tesseract
def test_mixed_pdf_reads_only_the_page_without_text(pages):
    import pypdf

    scan_page = io.BytesIO()
    pages[1].save(scan_page, "PDF", resolution=150)
    writer = pypdf.PdfWriter()
    writer.add_page(pypdf.PdfReader(io.BytesIO(attachment("pdf"))).pages[0])
    writer.add_page(pypdf.PdfReader(scan_page).pages[0])
    buf = io.BytesIO()
    writer.write(buf)
    message = load_bytes(buf.getvalue(), "gemengd.pdf")
    part = message.attachments[0]
    assert part.meta["ocr_pages"] == [2]
    result = scan_message(message, load_policy())
    sources = {(f.page, f.source) for f in result.findings}
    assert (1, "text") in sources and (2, "ocr") in sources and (1, "ocr") not in sources


@needs_tesseract
@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_photographed_page_as_image_attachment(pages, fmt):
    buf = io.BytesIO()
    pages[0].resize((pages[0].width * 4 // 3, pages[0].height * 4 // 3)).save(buf, fmt)
    name = "brief." + ("jpg" if fmt == "JPEG" else "png")
    result = scan(mail("a.jansen@ind.nl", "b.devries@coa.nl", "Zie bijlage.", [(name, buf.getvalue())]))
    found = {f.entity for f in result.findings if f.attachment == name and f.source == "ocr"}
    assert {"V_NUMBER", "PERSON", "DATE_OF_BIRTH"} <= found
    assert "PHOTO_ATTACHMENT" not in fired(result)  # a photographed letter is not a pasfoto


@needs_tesseract
def test_scanned_bezettingslijst_is_bulk_personal_data():
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(attachment("xlsx")), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    font = ImageFont.truetype(SANS, 26)
    columns = (60, 300, 520, 760, 960, 1200, 1420, 2060, 2220)  # a printed table: cells at fixed positions
    img = Image.new("L", (3508, 140 + 48 * len(rows)), 255)  # A4 landscape at 300 dpi
    draw = ImageDraw.Draw(img)
    for i, row in enumerate(rows):
        cells = [str(row[0])] if i == 0 else ["" if v is None else str(v) for v in row]
        for x, cell in zip(columns, cells, strict=False):
            draw.text((x, 80 + 48 * i), cell, fill=0, font=font)
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=300)
    result = scan(mail("planning@coa.nl", "wijkagent@politie.nl", "Hierbij de lijst.", [("lijst.pdf", buf.getvalue())]))
    assert "BULK_PERSONAL_DATA" in fired(result), fired(result)


# -- Photos -------------------------------------------------------------------------------------------


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _face() -> Image.Image:
    skimage_data = pytest.importorskip("skimage.data", reason="scikit-image (test extra) ships the astronaut")
    return Image.fromarray(skimage_data.astronaut())


def _logo() -> Image.Image:
    img = Image.new("RGB", (600, 300), "white")
    draw = ImageDraw.Draw(img)
    draw.ellipse((30, 30, 270, 270), fill=(0, 90, 160))
    draw.text((300, 110), "COA", fill=(0, 90, 160), font=ImageFont.truetype(SANS, 80))
    return img


def _chart() -> Image.Image:
    img = Image.new("RGB", (800, 500), "white")
    draw = ImageDraw.Draw(img)
    for i, height in enumerate((120, 300, 220, 380, 90)):
        draw.rectangle((80 + i * 140, 450 - height, 180 + i * 140, 450), fill=(200, 80, 40))
    draw.line((60, 450, 780, 450), fill="black", width=3)
    return img


def _scribble() -> Image.Image:
    img = Image.new("RGB", (700, 250), "white")
    draw = ImageDraw.Draw(img)
    points = [(40 + x * 6, 125 + int(60 * ((x * 7919) % 13 - 6) / 6)) for x in range(100)]
    draw.line(points, fill=(10, 10, 80), width=4)
    return img


def _id_card() -> Image.Image:
    card = Image.new("RGB", (1400, 880), (235, 240, 245))
    card.paste(_face().resize((420, 420)), (60, 120))
    draw = ImageDraw.Draw(card)
    font = ImageFont.truetype(MONO, 40)
    for i, line in enumerate(TD1):
        draw.text((60, 620 + 70 * i), line, fill="black", font=font)
    return card


PHOTO_BODY = "Voor de inschrijving van mevrouw Lina Osman, V-nummer 2909117765, stuur ik de bijlage mee."


@pytest.mark.parametrize(("maker", "photo"), [(_face, True), (_id_card, True), (_logo, False), (_chart, False),
                                              (_scribble, False)])
def test_photo_attachment_on_faces_and_id_copies_only(maker, photo):
    result = scan(mail("l.bakker@coa.nl", "burgerzaken@venlo.nl", PHOTO_BODY, [("bijlage.png", _png(maker()))]))
    assert ("PHOTO_ATTACHMENT" in fired(result)) is photo, fired(result)


@needs_tesseract
def test_id_card_copy_gives_mrz_findings():
    message = load_bytes(mail("l.bakker@coa.nl", "burgerzaken@venlo.nl", "Kopie ID.", [("id.png", _png(_id_card()))]),
                         "bericht.eml")
    part = message.attachments[0]
    assert part.meta["mrz"] and part.meta["faces"] >= 1
    result = scan_message(message, load_policy())
    found = {f.entity for f in result.findings if f.source == "ocr"}
    assert {"ID_DOCUMENT", "DATE_OF_BIRTH"} <= found, found
    assert any(d["kind"] == "id_document" for d in result.to_json()["documents"])


# -- Fail closed --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def battery(tmp_path_factory) -> dict[str, Path]:
    """Files that cannot be read as what they claim to be."""
    folder = tmp_path_factory.mktemp("battery")
    noise = os.urandom(6000)
    files = {"leeg.eml": b"", "ruis.eml": noise, "ruis.pdf": noise, "ruis.docx": noise, "ruis.jpg": noise,
             "tekst.eml": b"Dit is een gewoon tekstbestand.\nHet is geen e-mail.\n",
             "nulbijlage.eml": mail("a@coa.nl", "b@venlo.nl", "Zie bijlage.", [("leeg.pdf", b"")]),
             "ruisbijlage.eml": mail("a@coa.nl", "b@venlo.nl", "Zie bijlage.", [("foto.jpg", noise)])}
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


def test_unreadable_input_is_never_pass_and_makes_no_findings(battery):
    for name, path in battery.items():
        result = scan(path.read_bytes(), name)
        unscannable = [v for v in result.violations if v.rule == "UNSCANNABLE_ATTACHMENT"]
        assert result.verdict != "pass" and unscannable, name
        assert all(v.severity == "warn" for v in unscannable), name
        if name.startswith(("ruis", "leeg", "nul")):
            assert not [f for f in result.findings if f.part == "attachment" or f.entity != "EMAIL_ADDRESS"], name
        assert not TYPE_NAME.search(json.dumps(result.to_json())), name


def test_binary_body_is_not_analysed_as_text():
    raw = (b"From: a@coa.nl\r\nTo: b@venlo.nl\r\nSubject: x\r\nContent-Type: text/plain; charset=latin-1\r\n\r\n"
           + os.urandom(4000))
    message = parse_eml(raw)
    assert [p.error for p in message.bodies] and not any(p.pages for p in message.bodies)
    assert fired(scan_message(message, load_policy())).get("UNSCANNABLE_ATTACHMENT") == "warn"


def test_cli_battery_exits_10_with_dutch_reasons(battery):
    proc = subprocess.run([sys.executable, "-m", "scanner", "scan", "--format", "json", *map(str, battery.values())],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 10, proc.stderr[-2000:]
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(lines) == len(battery) and {d["verdict"] for d in lines} == {"warn"}
    reasons = " ".join(v["message"] for d in lines for v in d["violations"])
    for phrase in ("het bestand is leeg", "geen e-mailbericht", "beschadigd"):
        assert phrase in reasons
    assert not TYPE_NAME.search(proc.stdout + proc.stderr)


@needs_tesseract
def test_tesseract_absent_is_unscannable_with_the_reason(monkeypatch, tmp_path, pages):
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=150)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no tesseract on PATH
    result = scan(mail("a.jansen@ind.nl", "b.devries@coa.nl", "Hierbij.", [("scan.pdf", buf.getvalue())]))
    messages = [v.message for v in result.violations if v.rule == "UNSCANNABLE_ATTACHMENT"]
    assert result.verdict != "pass"
    assert any("pagina 1 is een scan" in m and "Tesseract ontbreekt" in m for m in messages), messages


@needs_tesseract
def test_message_budget_spent_leaves_pages_unread(pages):
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=150)
    result = scan(mail("a.jansen@ind.nl", "b.devries@coa.nl", "Hierbij.", [("scan.pdf", buf.getvalue())]),
                  limits=Limits(max_message_seconds=0.0))
    messages = [v.message for v in result.violations if v.rule == "UNSCANNABLE_ATTACHMENT"]
    assert any("niet binnen de tijd" in m for m in messages), messages


def test_spent_budget_cuts_the_unread_text_so_rules_stay_within_it():
    """A huge list (issue 14: a 40 MB CSV ran for minutes) is analysed only within the message's budget;
    the text not reached is cut, so document classes and rules do not read it either, and it is reported."""
    rows = "\n".join(f"Persoon{i};{2000000000 + i * 7919 % 999999999};Straat {i % 300}, 6021 AB Budel"
                     for i in range(30_000))
    raw = mail("a@coa.nl", "b@politie.nl", "Zie bijlage.", [("lijst.txt", rows.encode())])
    message = load_bytes(raw, "bericht.eml", limits=Limits(max_message_seconds=0.0))
    result = scan_message(message, load_policy())
    part = message.attachments[0]
    assert 0 < len(part.text) < len(rows) and part.meta["analysis_stopped"]
    unchecked = [v.message for v in result.violations if v.rule == "UNSCANNABLE_ATTACHMENT"]
    assert any("alleen het begin" in m for m in unchecked), unchecked


@needs_tesseract
def test_multi_page_tiff_is_read_page_by_page(pages):
    buf = io.BytesIO()
    # Copies: Pillow keeps the last save's encoder settings on an image, and other tests saved these as PDF.
    pages[0].copy().save(buf, "TIFF", save_all=True, append_images=[pages[1].copy()], compression="tiff_lzw")
    message = load_bytes(buf.getvalue(), "scan.tif")
    part = message.attachments[0]
    assert part.paged and part.meta["ocr_pages"] == [1, 2]
    result = scan_message(message, load_policy())
    assert {f.page for f in result.findings if f.entity == "V_NUMBER"} >= {1}
    assert {f.source for f in result.findings} == {"ocr"}


def test_a_scan_read_too_poorly_is_unscannable_not_passed(monkeypatch, pages):
    """Tesseract's answer (TSV) with many words at low confidence: the page is reported, its noise not analysed."""
    from scanner.ingest import ocr

    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    noise = "".join(f"5\t1\t1\t1\t{i // 5}\t{i % 5}\t{100 * (i % 5)}\t{40 * (i // 5)}\t80\t30\t31.5\tkanker{i}\n"
                    for i in range(30))
    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(ocr, "_run", lambda args, png, timeout: header + noise if "tsv" in args else "")
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=150)
    result = scan(mail("a.jansen@ind.nl", "b.devries@coa.nl", "Hierbij.", [("scan.pdf", buf.getvalue())]))
    messages = [v.message for v in result.violations if v.rule == "UNSCANNABLE_ATTACHMENT"]
    assert any("(pagina 1 is een scan die niet gelezen kon worden)" in m for m in messages), messages
    assert not [f for f in result.findings if f.part == "attachment"]
    assert result.verdict != "pass"


# -- Phone photos (bench/photos.py draws the documents and degrades them as clerks send them) ----------


def _photos():
    """bench/photos.py as a module: its fake people, documents and degradations."""
    import importlib.util

    if "bench_photos" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_photos", REPO / "bench" / "photos.py")
        sys.modules["bench_photos"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["bench_photos"])
    return sys.modules["bench_photos"]


def _found(data: bytes, name: str) -> dict[str, set[str]]:
    result = scan(data, name)
    found: dict[str, set[str]] = {}
    for f in result.findings:
        found.setdefault(f.entity, set()).add(re.sub(r"\W", "", f.text))
    return found


def _exif_jpeg(img: Image.Image, orientation: int) -> bytes:
    """A JPEG as a phone stores it: the pixels as the sensor saw them, the turn in the EXIF Orientation tag."""
    stored = {3: img.rotate(180), 6: img.rotate(90, expand=True), 8: img.rotate(-90, expand=True)}[orientation]
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    stored.convert("RGB").save(buf, "JPEG", quality=85, exif=exif.tobytes())
    return buf.getvalue()


@needs_tesseract
@pytest.mark.parametrize("orientation", [6, 3])
def test_phone_photo_turned_by_its_exif_tag_is_read_upright(orientation):
    """Read as stored, the passport came out as mirrored noise (no MRZ, no number) or not at all."""
    import random

    photos = _photos()
    p = photos.person(random.Random(orientation))
    page = photos.document("passport", p, 200)
    found = _found(_exif_jpeg(page, orientation), "foto.jpg")
    assert p.passport in found.get("ID_DOCUMENT", set()), found


def test_face_on_a_photo_turned_by_its_exif_tag_is_found():
    message = load_bytes(mail("l.bakker@coa.nl", "burgerzaken@venlo.nl", PHOTO_BODY,
                              [("bijlage.jpg", _exif_jpeg(_face(), 6))]), "bericht.eml")
    assert message.attachments[0].meta["faces"] == 1  # sideways, the face detector saw none
    assert "PHOTO_ATTACHMENT" in fired(scan_message(message, load_policy()))


def _photographed_letter(case: str):
    """A letter of a fake person drawn and degraded as bench/photos.py's `case` (seeded), scanned: the
    person, the birth date as the letter prints it (ddmmyyyy) and the values found per entity."""
    import random

    photos = _photos()
    rng = random.Random(f"7-{case}")
    p = photos.person(rng)
    data, name = photos.degrade("letter", p, case, rng)
    day, month, year = p.birth
    return p, f"{day:02d}{month:02d}{year}", _found(data, name)


@needs_tesseract
def test_shaded_phone_photo_keeps_the_labels_in_the_shade():
    """A shadow across a photographed letter: with one threshold for the page, the labels in the shade
    ("Geboortedatum:") were lost and the date beside them was no date of birth."""
    p, birth, found = _photographed_letter("shadow")
    assert birth in found.get("DATE_OF_BIRTH", set()), found
    assert p.bsn in found.get("BSN", set()) and p.v_number in found.get("V_NUMBER", set()), found


@needs_tesseract
def test_photographed_letter_keeps_its_column_of_labels():
    """A letter photographed on a desk: Tesseract's page layout took the page's edge and the column of
    labels beside it for a picture and dropped "Geboortedatum:"; read again as one block, it is there."""
    _, birth, found = _photographed_letter("whatsapp")
    assert birth in found.get("DATE_OF_BIRTH", set()), found


def test_even_light_leaves_an_evenly_lit_page_alone_and_lifts_a_shadow():
    from scanner.ingest.ocr import even_light

    page = Image.new("L", (1200, 1600), 235)
    ImageDraw.Draw(page).text((100, 100), "V-nummer 2909117765", fill=20, font=ImageFont.truetype(SANS, 40))
    assert even_light(page) is page
    shaded = Image.linear_gradient("L").resize(page.size).point(lambda v: 90 + v * 0.6)  # 90 at the top, 243 below
    dark = Image.composite(page, shaded, page.point(lambda v: 255 if v < 128 else 0))  # ink stays, paper shaded
    lifted = even_light(dark)
    top, bottom = (ImageStat.Stat(lifted.crop(box)).mean[0] for box in ((0, 0, 1200, 50), (0, 1550, 1200, 1600)))
    assert abs(top - bottom) < 10, (top, bottom)  # the paper as bright at the top as below
    assert lifted.crop((100, 100, 700, 150)).getextrema()[0] < 60  # the ink still dark


@needs_tesseract
def test_small_print_is_read_enlarged():
    """A letter at 70 dpi (a far-off photo, a poor fax): read as it is, its numbers come out wrong."""
    import random

    photos = _photos()
    p = photos.person(random.Random(70))
    buf = io.BytesIO()
    photos.document("letter", p, 70).save(buf, "PNG")
    found = _found(buf.getvalue(), "scan.png")
    assert p.bsn in found.get("BSN", set()) and p.v_number in found.get("V_NUMBER", set()), found


def test_few_shaky_words_with_a_long_number_are_not_read_not_noise(monkeypatch):
    """A photo on which Tesseract sees only a few low-confidence words, one of them a BSN-like number: the
    page is reported as not read (`ocr_poor`), never dropped as noise (which passed it in silence)."""
    from scanner.ingest import ocr

    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"

    def tsv(*words: str) -> str:
        return header + "".join(f"5\t1\t1\t1\t1\t{i}\t{100 * i}\t40\t80\t30\t41.0\t{w}\n" for i, w in enumerate(words))

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(ocr, "_orientation", lambda png, timeout: 0)
    image = Image.new("L", (800, 600), 255)
    monkeypatch.setattr(ocr, "_run", lambda args, png, timeout: tsv("BSN", "1234S6782", "xx"))
    assert ocr.ocr_image(image).error == "ocr_poor"
    monkeypatch.setattr(ocr, "_run", lambda args, png, timeout: tsv("~~", "ii", "2024"))
    page = ocr.ocr_image(image)
    assert page.error is None and page.text == ""


HEIC = REPO / "tests" / "data" / "brief_foto.heic"  # 30 kB, made by make_heic() below with Debian's heif-enc


def make_heic(path: Path) -> None:  # pragma: no cover - how the fixture was made; heif-enc needs the x265 encoder
    """A shaded phone photo (1200x1600) of a letter to a made-up person (Noor Osman, V-nummer 3659060959,
    BSN 672758842), as an iPhone stores it: HEIC. pi-heif decodes it but cannot encode HEVC."""
    import random

    photos = _photos()
    rng = random.Random("heic")
    p = photos.person(rng)
    png = path.with_suffix(".png")
    photos._shade(photos._phone(photos.document("letter", p, 200), rng, 1600), rng, 0.5).convert("RGB").save(png)
    subprocess.run(["heif-enc", "-q", "35", "-o", str(path), str(png)], check=True)


@needs_tesseract
def test_heic_photo_is_read_with_pi_heif():
    pytest.importorskip("pi_heif", reason="pi-heif (HEIC decoder) is not installed")
    result = scan(HEIC.read_bytes(), "IMG_0412.HEIC")
    found = {(f.entity, re.sub(r"\W", "", f.text)) for f in result.findings}
    assert {("V_NUMBER", "3659060959"), ("BSN", "672758842")} <= found, found
    assert "UNSCANNABLE_ATTACHMENT" not in fired(result)


def test_heic_photo_without_a_decoder_is_unsupported_never_passed(monkeypatch):
    from scanner.ingest import documents

    monkeypatch.setattr(documents, "_heif_opener", lambda: False)
    monkeypatch.setattr(Image, "open", lambda *a, **k: (_ for _ in ()).throw(Image.UnidentifiedImageError("heic")))
    result = scan(HEIC.read_bytes(), "IMG_0412.HEIC")
    assert "UNSCANNABLE_ATTACHMENT" in fired(result) and result.verdict != "pass"
    assert documents.sniff_kind("foto", None, HEIC.read_bytes()[:64]) == "image"  # by its magic, without a name


# -- Text left unread by the page layout (a paragraph dropped) is read again or reported --------------

DATA_LINES = ["Naam: Amina Haddad", "Geboortedatum: 12-03-1990", "BSN: 111222333"]
PARAGRAPH = ["De bewoner verblijft sinds kort op de locatie en heeft een verblijfsvergunning",
             "asiel voor bepaalde tijd. Wij vragen u de inschrijving binnen vijf werkdagen",
             "te verwerken en ons een uittreksel te sturen. Met vriendelijke groet,"]


def _page_with_pictures(paragraph: bool = True) -> tuple[Image.Image, list[list[tuple[str, tuple[int, ...]]]]]:
    """An A4 page at 200 dpi with lines of print and what is ink but no text: a passport photo (a noisy
    face-sized picture), a QR code, a signature, a stamp and a table's lines. Returns the page and, per
    line, its words with their boxes (left, top, width, height) as Tesseract gives them."""
    import random

    import numpy as np

    rng = random.Random(14)
    page = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf", 36)
    lines, y = [], 300
    for text in [*DATA_LINES, "", *(PARAGRAPH if paragraph else [])]:
        words, x = [], 190
        for word in text.split():
            left, top, right, bottom = draw.textbbox((x, y), word, font=font)
            draw.text((x, y), word, font=font, fill=0)
            words.append((word, (left, top, right - left, bottom - top)))
            x = right + 10
        if words:
            lines.append(words)
        y += 58
    noise = np.random.default_rng(14).integers(0, 256, (90, 70), dtype=np.uint8)
    face = Image.fromarray(noise).resize((350, 450), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(4))
    page.paste(face.point(lambda v: max(0, min(255, (v - 128) * 3 + 128))), (1150, 800))  # high contrast
    modules = np.random.default_rng(15).random((29, 29)) < 0.5  # a QR code's modules, 8 pixels each
    qr = Image.fromarray(np.where(modules, 0, 255).astype(np.uint8)).resize((232, 232), Image.Resampling.NEAREST)
    page.paste(qr, (1300, 1350))
    points = [(300 + 40 * i, 1500 + rng.randint(-40, 40)) for i in range(12)]  # a signature
    draw.line(points, fill=0, width=5, joint="curve")
    draw.ellipse((850, 1400, 1200, 1750), outline=0, width=6)  # a stamp
    for i in range(6):  # a table's grid
        draw.line((190, 1900 + 60 * i, 1450, 1900 + 60 * i), fill=0, width=2)
        draw.line((190 + 252 * i, 1900, 190 + 252 * i, 2200), fill=0, width=2)
    return page, lines


def _tsv(lines) -> str:
    """Tesseract's TSV for these lines of words (confidence 95)."""
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    rows = ["1\t1\t0\t0\t0\t0\t0\t0\t1654\t2339\t-1\t\n"]
    for n, words in enumerate(lines, 1):
        rows += [f"5\t1\t1\t1\t{n}\t{i}\t{x}\t{y}\t{w}\t{h}\t95.0\t{word}\n"
                 for i, (word, (x, y, w, h)) in enumerate(words)]
    return header + "".join(rows)


def test_unread_ink_sees_a_dropped_paragraph_not_pictures():
    """Every word read: the photo, QR code, signature, stamp and table are ink but not text (also on a
    page with little text). The paragraph's three lines left out (what Tesseract's layout did to a scan
    turned 3 degrees): well over the limit."""
    from scanner.ingest import ocr

    page, lines = _page_with_pictures()
    assert ocr.unread_ink(page, ocr._read_tsv(_tsv(lines))) < ocr.REREAD_INK
    sparse, data = _page_with_pictures(paragraph=False)
    assert ocr.unread_ink(sparse, ocr._read_tsv(_tsv(data))) < ocr.REREAD_INK
    assert ocr.unread_ink(page, ocr._read_tsv(_tsv(lines[:3]))) > 2 * ocr.UNREAD_INK
    enlarged = page.resize((page.width * 2, page.height * 2))  # the reading of an enlarged copy
    scaled = [[(word, tuple(2 * v for v in box)) for word, box in line] for line in lines[:3]]
    assert ocr.unread_ink(page, ocr._read_tsv(_tsv(scaled)), 2.0) > 2 * ocr.UNREAD_INK
    assert ocr.unread_ink(enlarged, ocr._read_tsv(_tsv(scaled))) > 2 * ocr.UNREAD_INK
    everything = [[(word, tuple(2 * v for v in box)) for word, box in line] for line in lines]
    assert ocr.unread_ink(page, ocr._read_tsv(_tsv(everything)), 2.0) < ocr.REREAD_INK
    assert ocr.unread_ink(page, ocr._read_tsv(_tsv([]))) == 0.0  # nothing read: nothing to compare with


def test_a_page_read_in_part_is_read_again_and_else_reported(monkeypatch):
    """A layout that drops the paragraph in every reading: the page is read again as one block of text
    (`--psm 6`); still partly read, it keeps what was read (the BSN is found) and is reported, never passed."""
    from scanner.ingest import ocr

    page, lines = _page_with_pictures()
    asked: list[str] = []

    def run(args, png, timeout):
        asked.append(args[args.index("--psm") + 1])
        return _tsv(lines[:3])

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(ocr, "_orientation", lambda png, timeout: 0)
    monkeypatch.setattr(ocr, "_run", run)
    read = ocr.ocr_image(page)
    assert asked == ["3", "6"] and read.partial and read.error is None and "111222333" in read.text
    buf = io.BytesIO()
    page.save(buf, "PNG")
    result = scan(mail("a.jansen@ind.nl", "b.devries@coa.nl", "Hierbij.", [("scan.png", buf.getvalue())]))
    messages = [v.message for v in result.violations if v.rule == "UNSCANNABLE_ATTACHMENT"]
    assert any("(de afbeelding is een scan die maar voor een deel gelezen kon worden)" in m for m in messages), messages
    assert any(f.entity == "BSN" for f in result.findings)
    assert result.verdict != "pass"
    monkeypatch.setattr(ocr, "_run", lambda args, png, timeout: _tsv(lines))  # all read: one reading, no report
    asked.clear()
    read = ocr.ocr_image(page)
    assert not read.partial and "verblijfsvergunning" in read.text


@needs_tesseract
@pytest.mark.parametrize(("angle", "dropped"), [(-3, ("verblijfsvergunning", "uittreksel")),
                                                (-4, ("verzoeken", "schrijven"))])
def test_scan_turned_a_few_degrees_keeps_all_its_lines(monkeypatch, angle, dropped):
    """A clean letter scanned askew: Tesseract's layout (`--psm 3`) dropped its paragraph at 3 degrees (42
    of 74 words read), one line at 4, and left no empty block; the ink outside the words read has the page
    read again as one block of text. (Such a scan is straightened first now; the re-reading stays for a
    page whose skew is not clear, so it is tested here with the page left as it lies.)"""
    import random

    from scanner.ingest import ocr

    monkeypatch.setattr(ocr, "skew", lambda gray: 0.0)
    photos = _photos()
    p = photos.person(random.Random(7))
    img = photos.document("letter", p, 200).rotate(angle, expand=True, fillcolor=255,
                                                   resample=Image.Resampling.BICUBIC)
    read = ocr.ocr_image(img)
    assert all(word in read.text.lower() for word in dropped), read.text
    assert not read.partial


@pytest.mark.parametrize("kind", ["letter", "passport"])
def test_skew_finds_the_angle_of_a_turned_page_and_leaves_a_straight_one_alone(kind):
    """The angle that straightens a drawn page turned by 2 to 14 degrees either way, to 0.3 degrees; a
    straight page, one turned less than SKEW_MIN and a page without lines of text (noise) are left as they lie."""
    import random

    from scanner.ingest import ocr

    page = _photos().document(kind, _photos().person(random.Random(3)), 200).convert("L")
    assert ocr.skew(page) == 0.0
    for angle in (-14, -8, -5, -2, 3.5, 6, 12):
        turned = page.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor=255)
        assert abs(ocr.skew(turned) + angle) <= 0.3, (angle, ocr.skew(turned))
    assert ocr.skew(page.rotate(0.8, Image.Resampling.BICUBIC, expand=True, fillcolor=255)) == 0.0
    assert ocr.skew(Image.effect_noise(page.size, 80)) == 0.0


@needs_tesseract
@pytest.mark.parametrize(("seed", "angle"), [(1, -5), (2, -6)])
def test_scan_turned_five_degrees_is_straightened_and_its_numbers_read(seed, angle):
    """A clean letter scanned 5 or 6 degrees askew: Tesseract (5.3) read every line, but misread digits in
    them (the BSN at -5 degrees, the V-nummer and the BSN at -6), which no check of unread ink can see.
    Straightened first (`skew`), both are found."""
    import random

    photos = _photos()
    p = photos.person(random.Random(seed))
    buf = io.BytesIO()
    photos.document("letter", p, 200).rotate(angle, Image.Resampling.BICUBIC, expand=True,
                                             fillcolor=255).save(buf, "PNG")
    found = _found(buf.getvalue(), "scan.png")
    assert p.bsn in found.get("BSN", set()) and p.v_number in found.get("V_NUMBER", set()), found
