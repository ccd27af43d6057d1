"""Redaction of PDFs really removes: text, images under the box, metadata, attachments, scripts, history.

Every test that redacts runs once per available engine. The fixtures are
generated here with pikepdf only, so the licence-clean engine is tested
without PyMuPDF installed.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import time
import zlib
from pathlib import Path

import pikepdf
import pypdf
import pypdfium2
import pytest
from pdfminer.high_level import extract_text as pdfminer_text
from pikepdf import Array, Dictionary, Name, String

import redaction
from redaction import (
    RedactionError,
    RedactionVerificationError,
    Target,
    available_engines,
    beschikking_pages,
    mask,
    parse_keep_pages,
    redact_bytes,
    redact_file,
    verify_pdf,
)

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "pdf-samples"

NAME = "Tesfay Gebremedhin"
TARGETS = [
    Target(NAME, "PERSON"),
    Target("Gebremedhin", "PERSON"),
    Target("1234 567 890", "V_NUMBER"),
    Target("PTSS", "SPECIAL_CATEGORY"),
    Target("tuberculose", "SPECIAL_CATEGORY"),
]
# Compact lower-case forms that must not be found anywhere in a redacted copy.
SECRETS = ("gebremedhin", "1234567890", "ptss", "tuberculose")
# Long enough that a chance match in binary data is impossible.
LONG_SECRETS = ("gebremedhin", "1234567890", "tuberculose")

BESCHIKKING_PAGES = [
    [
        "Immigratie- en Naturalisatiedienst",
        "Beschikking verblijfsvergunning asiel",
        "Naam: Tesfay Gebremedhin",
        "V-nummer: 1234 567 890",
        "Datum: 3 maart 2025",
    ],
    ["Dossier 1234567890", "Medisch advies: tuberculose, behandeling loopt."],
    ["Gebremedhin verklaarde op 12 februari 2025 dat hij is gevlucht.", "Diagnose: PTSS"],
    ["Overwegingen", "De staatssecretaris heeft het volgende overwogen."],
    [
        "Betrokkene Tesfay Gebremedhin heeft recht op",
        "medische zorg wegens PTSS en",
        "tuberculose. Het kenmerk 1234",
        "567 890 blijft gelijk.",
    ],
    ["Hoogachtend,", "de Staatssecretaris van Justitie en Veiligheid", "Uw V-nummer: 1234-567-890"],
]
IMAGE_SIZE = (24, 6)

ENGINES = [
    pytest.param(
        engine,
        marks=[]
        if engine in available_engines()
        else [pytest.mark.skip(reason=f"PDF engine {engine} is not installed (pymupdf: optional extra pdf-redact)")],
    )
    for engine in ("pymupdf", "raster")
]


# ---------------------------------------------------------------- helpers


def compact(text: str) -> str:
    return re.sub(r"[\s.\-/\u00ad]+", "", text).lower()


def leaks(text: str, secrets: tuple[str, ...] = SECRETS) -> list[str]:
    flat = compact(text)
    return [secret for secret in secrets if secret in flat]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _text_page(pdf: pikepdf.Pdf, font: pikepdf.Object, lines: list[str], prefix: str = "", suffix: str = "") -> None:
    operators = [prefix, "BT /F1 12 Tf 16 TL 72 770 Td"]
    operators += [f"({_escape(line)}) Tj T*" for line in lines]
    operators += ["ET", suffix]
    page = Dictionary(
        Type=Name.Page,
        MediaBox=Array([0, 0, 595, 842]),
        Resources=Dictionary(Font=Dictionary(F1=font)),
        Contents=pikepdf.Stream(pdf, "\n".join(operators).encode("cp1252")),
    )
    pdf.pages.append(pikepdf.Page(page))


def _helvetica(pdf: pikepdf.Pdf) -> pikepdf.Object:
    return pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding)
    )


def _save(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return buffer.getvalue()


def image_pixels() -> bytes:
    width, height = IMAGE_SIZE
    return bytes((x * 10 + y * 3) % 200 + 40 for y in range(height) for x in range(width))


def make_beschikking() -> bytes:
    """Six pages with a name, V-nummer and health terms, plus everything a sender does not see."""
    pdf = pikepdf.new()
    font = _helvetica(pdf)
    for number, lines in enumerate(BESCHIKKING_PAGES, start=1):
        prefix = suffix = ""
        if number == 1:  # a photo-like image behind the name line
            prefix = "q 260 0 0 22 66 732 cm /Im1 Do Q"
        if number == 5:  # an invisible OCR-style text layer, as on scanned pages
            suffix = "BT 3 Tr /F1 10 Tf 72 100 Td (Tesfay Gebremedhin 1234567890) Tj ET"
        _text_page(pdf, font, lines, prefix, suffix)
    width, height = IMAGE_SIZE
    image = pikepdf.Stream(pdf, image_pixels())
    image.Type, image.Subtype = Name.XObject, Name.Image
    image.Width, image.Height, image.ColorSpace, image.BitsPerComponent = width, height, Name.DeviceGray, 8
    pdf.pages[0].obj.Resources.XObject = Dictionary(Im1=image)

    pdf.pages[0].obj.Annots = pdf.make_indirect(
        Array([
            pdf.make_indirect(
                Dictionary(
                    Type=Name.Annot, Subtype=Name.Text, Rect=Array([400, 700, 420, 720]),
                    Contents=String("Let op: Tesfay Gebremedhin heeft PTSS"),
                )
            )
        ])
    )
    attachment = pikepdf.AttachedFileSpec(pdf, b"Dossier Tesfay Gebremedhin 1234567890", filename="dossier.txt")
    pdf.attachments["dossier.txt"] = attachment
    pdf.pages[5].obj.Annots = Array([
        pdf.make_indirect(
            Dictionary(
                Type=Name.Annot, Subtype=Name.FileAttachment, Rect=Array([400, 700, 420, 720]),
                FS=pikepdf.AttachedFileSpec(pdf, b"Medisch rapport: tuberculose", filename="rapport.txt").obj,
                Contents=String("rapport"),
            )
        )
    ])
    script = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('V-nummer 1234567890');")))
    pdf.Root.Names.JavaScript = Dictionary(Names=Array([String("init"), script]))
    pdf.Root.OpenAction = script

    with pdf.open_outline() as outline:
        besluit = pikepdf.OutlineItem("Besluit", 0)
        besluit.children.append(pikepdf.OutlineItem("Ondertekening", 5))
        outline.root.extend([
            besluit,
            pikepdf.OutlineItem("Medisch: Tesfay Gebremedhin", 2),
            pikepdf.OutlineItem("Overwegingen", 3),
            pikepdf.OutlineItem("Dossier Gebremedhin", 4),
        ])
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = "Beschikking Tesfay Gebremedhin"
        meta["dc:creator"] = ["IND medewerker"]
    pdf.docinfo["/Title"] = String("Beschikking Tesfay Gebremedhin")
    pdf.docinfo["/Subject"] = String("V-nummer 1234567890")
    pdf.docinfo["/Author"] = String("IND medewerker")
    info_number = pdf.trailer.Info.objgen[0]
    data = _save(pdf)
    return _add_revision(data, info_number, "<< /Title (Beschikking) /Author (IND) >>")


def _add_revision(data: bytes, object_number: int, new_object: str) -> bytes:
    """Append an incremental update replacing one object: the old version stays in the file."""
    previous = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.objgen[0]
        size = int(pdf.trailer.Size)
    body = f"\n{object_number} 0 obj\n{new_object}\nendobj\n".encode()
    xref_at = len(data) + len(body)
    xref = (
        f"xref\n{object_number} 1\n{len(data) + 1:010d} 00000 n \n"
        f"trailer\n<< /Size {size} /Root {root} 0 R /Info {object_number} 0 R /Prev {previous} >>\n"
        f"startxref\n{xref_at}\n%%EOF\n"
    ).encode()
    return data + body + xref


def make_black_box_pdf() -> bytes:
    """The classic failure: a black rectangle painted over text that is still there."""
    pdf = pikepdf.new()
    lines = ["Naam: Tesfay Gebremedhin", "V-nummer: 1234567890"]
    _text_page(pdf, _helvetica(pdf), lines, suffix="0 g 60 740 260 40 re f")
    return _save(pdf)


def all_texts(data: bytes) -> dict[str, str]:
    """The copy's text as every available extractor sees it."""
    texts = {
        "pdfminer": pdfminer_text(io.BytesIO(data)),
        "pypdf": "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages),
    }
    document = pypdfium2.PdfDocument(data)
    texts["pypdfium2"] = "\n".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    if shutil.which("pdftotext"):
        texts["pdftotext"] = subprocess.run(
            ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
    return texts


def raw_contents(data: bytes) -> str:
    """Every object and decompressed stream (pikepdf), and every zlib stream found in the raw bytes."""
    pieces: list[str] = [data.decode("latin-1")]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") != Name.Image:
                pieces.append(obj.read_bytes().decode("latin-1"))
            elif isinstance(obj, (Dictionary, Array)):
                pieces.append(repr(obj))
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            pieces.append(zlib.decompressobj().decompress(match.group(1)).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(pieces)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def beschikking(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("redaction") / "beschikking.pdf"
    path.write_bytes(make_beschikking())
    return path


@pytest.fixture(scope="module", params=ENGINES)
def redacted(request: pytest.FixtureRequest, beschikking: Path, tmp_path_factory: pytest.TempPathFactory):
    engine = request.param
    out = tmp_path_factory.mktemp(f"out-{engine}") / "beschikking-geanonimiseerd.pdf"
    started = time.perf_counter()
    report = redact_file(beschikking, out, TARGETS, keep_pages="beschikking", engine=engine)
    elapsed = (time.perf_counter() - started) * 1000
    print(f"\n{engine}: {elapsed:.0f} ms for 6 pages in, 3 out ({elapsed / 3:.0f} ms per kept page)")
    return engine, out, report


# ---------------------------------------------------------------- masks and page specs


def test_mask_keeps_two_digits_each_side_of_a_number() -> None:
    assert mask("1234 567 890") == "12******90"
    assert mask("NL91ABNA0417164300") == "NL**************00"
    assert mask("1234") == "****"


def test_mask_keeps_only_the_first_letter_of_words() -> None:
    assert mask("Tesfay Gebremedhin") == "T*"
    assert mask("tuberculose") == "t*"


@pytest.mark.parametrize(
    ("spec", "pages", "expected"),
    [
        ("1,-2,-1", 6, [1, 5, 6]),
        ("1-3", 6, [1, 2, 3]),
        ("1-3, -1", 6, [1, 2, 3, 6]),
        ("-2--1", 6, [5, 6]),
        ("beschikking", 6, [1, 5, 6]),
        ("1,-2,-1", 2, [1, 2]),
        ([1, -1], 4, [1, 4]),
        (None, 3, [1, 2, 3]),
    ],
)
def test_keep_pages_spec(spec: str | list[int] | None, pages: int, expected: list[int]) -> None:
    assert parse_keep_pages(spec, pages) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [("0", "pagina 0"), ("7", "6 pagina"), ("-7", "6 pagina"), ("1,a", "'a'"), ("3-1", "achteruit"), ("", "Lege")],
)
def test_keep_pages_spec_errors_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_keep_pages(spec, 6)


def test_beschikking_keeps_first_and_last_two_pages() -> None:
    assert beschikking_pages(12) == [1, 11, 12]
    assert beschikking_pages(3) == [1, 2, 3]
    assert beschikking_pages(2) == [1, 2]
    assert beschikking_pages(1) == [1]


# ---------------------------------------------------------------- the beschikking


def test_fixture_holds_what_must_go(beschikking: Path) -> None:
    data = beschikking.read_bytes()
    assert b"V-nummer 1234567890" in data, "the earlier revision keeps the old subject"
    assert "1234567890" not in (pypdf.PdfReader(io.BytesIO(data)).metadata or {}).get("/Subject", "")
    texts = all_texts(data)
    assert all(leaks(text) for text in texts.values())


def test_beschikking_keeps_pages_1_5_6(redacted) -> None:
    _engine, out, report = redacted
    assert report.pages_kept == [1, 5, 6]
    assert report.pages_in_input == 6
    assert report.pages_in_output == 3
    assert len(pypdf.PdfReader(out).pages) == 3


def test_no_target_is_extractable_by_any_extractor(redacted) -> None:
    _engine, out, _report = redacted
    for extractor, text in all_texts(out.read_bytes()).items():
        assert leaks(text) == [], f"{extractor} still reads a target"


def test_no_target_in_raw_objects_streams_or_earlier_revisions(redacted) -> None:
    _engine, out, _report = redacted
    data = out.read_bytes()
    assert leaks(raw_contents(data), LONG_SECRETS) == []
    assert data.count(b"%%EOF") == 1
    assert b"/Prev" not in data


def test_metadata_annotations_attachments_scripts_are_gone(redacted) -> None:
    _engine, out, report = redacted
    with pikepdf.open(out) as pdf:
        assert "/Info" not in pdf.trailer
        for key in ("/Metadata", "/Names", "/OpenAction", "/AA", "/AcroForm", "/StructTreeRoot"):
            assert key not in pdf.Root, key
        assert all("/Annots" not in page.obj for page in pdf.pages)
        assert len(pdf.attachments) == 0
    reader = pypdf.PdfReader(out)
    assert not reader.metadata
    assert reader.xmp_metadata is None
    assert set(report.metadata_removed) >= {"Info:Title", "Info:Author", "XMP"}
    assert report.annotations_removed == {"Text": 1, "FileAttachment": 1}
    assert report.embedded_files_removed == 2
    assert report.javascript_removed == 2
    assert report.earlier_revisions_removed == 1


def test_bookmarks_to_removed_pages_or_naming_the_person_are_gone(redacted) -> None:
    _engine, out, report = redacted
    reader = pypdf.PdfReader(out)

    def titles(items: list) -> list[tuple[str, int]]:
        found = []
        for item in items:
            if isinstance(item, list):
                found += titles(item)
            else:
                found.append((item.title, reader.get_destination_page_number(item) + 1))
        return found

    assert titles(reader.outline) == [("Besluit", 1), ("Ondertekening", 3)]
    assert report.outline_items_removed == 3


def test_image_under_the_box_is_cut(redacted) -> None:
    _engine, out, _report = redacted
    original = image_pixels()
    with pikepdf.open(out) as pdf:
        for image in pdf.pages[0].get_images().values():
            assert image.read_bytes() != original


def test_text_outside_the_boxes_survives(redacted) -> None:
    engine, out, report = redacted
    if engine == "raster":
        assert report.rasterised_pages == [1, 2, 3]
        pytest.skip("the raster engine stores pages with a hit as images: no text layer to compare")
    text = pdfminer_text(out)
    for kept in ("Datum: 3 maart 2025", "Naam:", "Hoogachtend,", "blijft gelijk."):
        assert kept in text


def test_report_counts_and_masks_without_personal_data(redacted) -> None:
    _engine, _out, report = redacted
    assert report.verification is not None and report.verification.passed
    assert report.removed["V_NUMBER"] == 4  # page 1, the split one and the OCR layer on page 5, page 6
    assert report.removed["PERSON"] >= 3
    assert report.removed["SPECIAL_CATEGORY"] == 2
    assert report.removed_masked["V_NUMBER"] == ["12******90"]
    assert report.not_found == []
    shown = str(report) + json.dumps(report.to_dict())
    assert leaks(shown) == []
    assert "Tesfay" not in shown


def test_opens_in_poppler(redacted) -> None:
    _engine, out, _report = redacted
    if not shutil.which("pdfinfo"):
        pytest.skip("poppler-utils (pdfinfo) is not installed")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+3$", info, re.MULTILINE)


# ---------------------------------------------------------------- verification


def _use_extractor(extractor: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if extractor == "pdfminer":
        monkeypatch.setattr(redaction.verify.shutil, "which", lambda name: None)
    elif not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed; pdfminer.six is the fallback")


@pytest.mark.parametrize("extractor", ["pdftotext", "pdfminer"])
def test_black_box_over_live_text_is_not_redaction(extractor: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _use_extractor(extractor, monkeypatch)
    data = make_black_box_pdf()
    verification = verify_pdf(data, [Target("1234567890", "V_NUMBER"), Target(NAME, "PERSON")])
    assert not verification.passed
    assert verification.extractor == extractor
    assert any("tekstlaag" in problem for problem in verification.problems)
    assert leaks("\n".join(verification.problems)) == []


@pytest.mark.parametrize("extractor", ["pdftotext", "pdfminer"])
def test_redacted_copy_passes_either_extractor(redacted, extractor: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _use_extractor(extractor, monkeypatch)
    _engine, out, _report = redacted
    verification = verify_pdf(out.read_bytes(), TARGETS, expected_pages=3)
    assert verification.passed, verification.problems
    assert verification.extractor == extractor


def test_verification_failure_writes_nothing(
    beschikking: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An engine that misses a target must not produce a copy."""
    monkeypatch.setattr(redaction.pdf_raster, "find_all", lambda text, needles: [])
    monkeypatch.setattr(redaction.pdf_mupdf, "find_all", lambda text, needles: [])
    out = tmp_path / "kopie.pdf"
    with pytest.raises(RedactionVerificationError) as failure:
        redact_file(beschikking, out, TARGETS, keep_pages="beschikking")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    assert not failure.value.verification.passed
    assert leaks(str(failure.value)) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_target_bound_to_a_page_stays_elsewhere(beschikking: Path, engine: str) -> None:
    data, report = redact_bytes(beschikking.read_bytes(), "b.pdf", [Target("Gebremedhin", "PERSON", page=3)],
                                keep_pages=[1, 3], engine=engine)
    texts = pdfminer_text(io.BytesIO(data)).split("\f")
    assert "gebremedhin" not in compact(texts[1])
    if engine == "pymupdf":
        assert "gebremedhin" in compact(texts[0])
    assert report.removed == {"PERSON": 1}


# ---------------------------------------------------------------- bad input


def test_encrypted_pdf_raises_redaction_error() -> None:
    pdf = pikepdf.new()
    _text_page(pdf, _helvetica(pdf), ["Tesfay Gebremedhin"])
    buffer = io.BytesIO()
    pdf.save(buffer, encryption=pikepdf.Encryption(user="geheim", owner="geheim"))
    with pytest.raises(RedactionError, match="wachtwoord"):
        redact_bytes(buffer.getvalue(), "versleuteld.pdf", TARGETS)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.7\n this is no pdf at all", "kapot.pdf", "beschadigd"),
        (b"", "leeg.pdf", "leeg"),
        (b"gewone tekst", "brief.txt", "niet ondersteund"),
    ],
)
def test_corrupt_or_unsupported_input_raises_redaction_error(data: bytes, name: str, message: str) -> None:
    with pytest.raises(RedactionError, match=message):
        redact_bytes(data, name, TARGETS)


def test_bad_keep_pages_is_a_value_error(beschikking: Path) -> None:
    with pytest.raises(ValueError, match="6 pagina"):
        redact_bytes(beschikking.read_bytes(), "b.pdf", TARGETS, keep_pages="1,9")


# ---------------------------------------------------------------- public sample PDFs


def _sample_paths() -> list[Path]:
    return sorted(SAMPLES.glob("*.pdf")) if SAMPLES.is_dir() else []


def _first_word(data: bytes) -> str | None:
    """The longest Latin word on page 1, read by pdfium (pypdf when pdfium refuses the file)."""
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text() or ""
    else:
        text = document[0].get_textpage().get_text_range()
        document.close()
    words = re.findall(r"[A-Za-z]{5,}", text)
    return max(words, key=len) if words else None


SAMPLE_PATHS = _sample_paths() or [None]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda p: p.name[:40] if p else "absent")
def test_public_sample_pdf(path: Path | None, engine: str) -> None:
    if path is None:
        pytest.skip(f"{SAMPLES} is absent: ../shared exists only in the project workspace and CI")
    data = path.read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        with pytest.raises(RedactionError, match="wachtwoord"):
            redact_bytes(data, path.name, [Target("geheim", "TEST")], engine=engine)
        return
    try:
        pages = len(reader.pages)
    except pypdf.errors.PdfReadError:
        # Damaged beyond what pypdf, pikepdf and pdfium read (only poppler reconstructs it).
        with pytest.raises(RedactionError, match="beschadigd"):
            redact_bytes(data, path.name, [Target("geheim", "TEST")], engine=engine)
        return
    word = _first_word(data)
    if word is None:
        pytest.skip("no text layer or no Latin word of 5+ letters on page 1 (scan, image or Arabic)")
    output, report = redact_bytes(data, path.name, [Target(word, "TEST", page=1)], engine=engine)
    assert report.verification is not None and report.verification.passed
    assert report.pages_in_output == pages == len(pypdf.PdfReader(io.BytesIO(output)).pages)
    assert report.removed.get("TEST", 0) >= 1
    first_page = pypdf.PdfReader(io.BytesIO(output)).pages[0].extract_text() or ""
    assert compact(word) not in compact(first_page)


# ---------------------------------------------------------------- geometry


def _rotated_page() -> bytes:
    pdf = pikepdf.new()
    _text_page(pdf, _helvetica(pdf), ["Naam: Tesfay Gebremedhin", "Datum: 3 maart 2025"])
    page = pdf.pages[0].obj
    page.CropBox = Array([20, 30, 575, 812])
    page.Rotate = 90
    return _save(pdf)


def _render(data: bytes):
    document = pypdfium2.PdfDocument(data)
    page = document[0]
    bitmap = page.render(scale=1, draw_annots=False)
    return document, page, bitmap


@pytest.mark.parametrize("engine", ENGINES)
def test_box_covers_the_target_on_a_rotated_cropped_page(engine: str) -> None:
    from PIL import ImageChops

    source = _rotated_page()
    document, page, bitmap = _render(source)
    textpage = page.get_textpage()
    start = textpage.get_text_range().index(NAME)
    convert = bitmap.get_posconv(page)
    corners = []
    for index in range(start, start + len(NAME)):
        left, bottom, right, top = textpage.get_charbox(index)
        corners += [convert.to_bitmap(left, bottom), convert.to_bitmap(right, top)]
    expected = (
        min(x for x, _ in corners), min(y for _, y in corners), max(x for x, _ in corners), max(y for _, y in corners)
    )
    before = bitmap.to_pil().convert("L")
    document.close()

    output, _report = redact_bytes(source, "gedraaid.pdf", [Target(NAME, "PERSON")], engine=engine)
    document, _page, bitmap = _render(output)
    after = bitmap.to_pil().convert("L")
    document.close()

    assert after.size == before.size
    changed = ImageChops.difference(before, after).point(lambda v: 255 if v > 160 else 0).getbbox()
    assert changed is not None
    margin = 6
    assert changed[0] >= expected[0] - margin and changed[1] >= expected[1] - margin
    assert changed[2] <= expected[2] + margin and changed[3] <= expected[3] + margin
    box = after.crop(expected)
    dark = sum(box.histogram()[:64])
    assert dark > 0.8 * box.width * box.height, "the target area is not blacked out"
