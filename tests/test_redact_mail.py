"""`verzendcheck redact mail.eml --out schoon.eml`: a cleaned copy of the mail itself.

The copy is re-read independently: its body by a fresh parse (Python's email package and the
scanner's own ingest), its PDF attachment by pdftotext (redaction.verify's extractor).
"""

from __future__ import annotations

import argparse
import email
import email.policy
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

from redaction import RedactionError, Target
from redaction.verify import extract_text_pages
from scanner.model import Finding, Message, Part
from scanner.redact import DataSubject, choose_targets, correspondents
from tests.conftest import REPO

THIRD_PARTY = ("Samir Haddad", "Kerkstraat 12", "06-12345678")
PLAIN = ("Beste collega's,\n\nBijgaand de beschikking van dhr. Ahmad Karimi (V-nr 3018560639).\n"
         "Zijn neef Samir Haddad woont op Kerkstraat 12, 3512 AB Utrecht, telefoon 06-12345678.\n"
         "Dhr. Karimi heeft PTSS en wordt behandeld door een psychiater.\n\n"
         "Met vriendelijke groet,\n\nMarieke de Graaf\nImmigratie- en Naturalisatiedienst\n")
HTML = ("<html><body><p>Beste collega's,</p><p>Bijgaand de beschikking van dhr. Ahmad Karimi (V-nr 3018560639).<br>"
        "Zijn neef <b>Samir Haddad</b> woont op Kerkstraat 12, 3512 AB Utrecht, telefoon 06-12345678.<br>"
        "Dhr. Karimi heeft PTSS en wordt behandeld door een psychiater.</p>"
        "<p>Met vriendelijke groet,</p><p>Marieke de Graaf<br>Immigratie- en Naturalisatiedienst</p></body></html>")


def _beschikking_pdf() -> bytes:
    sample = email.message_from_bytes((REPO / "samples" / "16_full_beschikking_to_coa.eml").read_bytes(),
                                      policy=email.policy.default)
    return next(p for p in sample.walk() if p.get_filename() == "beschikking.pdf").get_content()


def _mail() -> bytes:
    m = EmailMessage()
    m["From"] = "Marieke de Graaf <bmw.zwolle@ind.nl>"
    m["To"] = "COA Zwolle <opvang.zwolle@coa.nl>"
    m["Subject"] = "Beschikking Karimi"
    m["Message-ID"] = "<redact-test-1@ind.nl>"
    m["In-Reply-To"] = "<vraag-7@coa.nl>"
    m["References"] = "<vraag-6@coa.nl> <vraag-7@coa.nl>"
    m.set_content(PLAIN)
    m.add_alternative(HTML, subtype="html")
    m.add_attachment(_beschikking_pdf(), maintype="application", subtype="pdf", filename="beschikking.pdf")
    return m.as_bytes()


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scanner", "redact", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=300)


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path, Path]:
    folder = tmp_path_factory.mktemp("mail")
    src, out = folder / "mail.eml", folder / "schoon.eml"
    src.write_bytes(_mail())
    return _run(str(src), "--out", str(out)), src, out


def test_the_copy_is_written_and_the_report_is_masked(cleaned) -> None:
    proc, _src, out = cleaned
    assert proc.returncode == 0, proc.stderr
    assert out.is_file()
    assert "Samir" not in proc.stdout and "Karimi" not in proc.stdout and "3018560639" not in proc.stdout
    assert "PERSON" in proc.stdout and "pagina's 1, 11, 12" in proc.stdout


def test_headers_and_threading_are_kept(cleaned) -> None:
    _proc, _src, out = cleaned
    copy = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    assert copy["Message-ID"] == "<redact-test-1@ind.nl>" and copy["In-Reply-To"] == "<vraag-7@coa.nl>"
    assert copy["References"] == "<vraag-6@coa.nl> <vraag-7@coa.nl>"
    assert copy["From"] == "Marieke de Graaf <bmw.zwolle@ind.nl>" and copy["Subject"] == "Beschikking Karimi"


def test_body_text_plain_and_html_has_placeholders_by_a_fresh_parse(cleaned) -> None:
    _proc, _src, out = cleaned
    copy = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    plain = copy.get_body(("plain",)).get_content()
    page = copy.get_body(("html",)).get_content()
    for text in (plain, page):
        assert not [value for value in THIRD_PARTY if value in text]
        assert "PTSS" not in text and "psychiater" not in text
        assert "[naam]" in text and "[adres]" in text and "[telefoonnummer]" in text
        assert "[bijzonder persoonsgegeven verwijderd]" in text
        # The data subject stays, so the recipient knows whom it is about; the sender's signature stays.
        assert "Ahmad Karimi" in text and "3018560639" in text and "Marieke de Graaf" in text
    assert "<b>[naam]</b>" in page  # the HTML stays HTML

    from scanner.ingest import load_bytes

    fresh = "\n".join(p.text for p in load_bytes(out.read_bytes(), "schoon.eml").parts if p.part == "body")
    assert "Samir Haddad" not in fresh and "[naam]" in fresh


def test_attachment_reread_by_the_independent_extractor(cleaned) -> None:
    _proc, _src, out = cleaned
    copy = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    attachment = next(p for p in copy.iter_attachments() if p.get_filename() == "beschikking.pdf")
    extractor, pages = extract_text_pages(attachment.get_content())
    assert len(pages) == 3, extractor  # page 1 and the last two: the pages of the scan's advice
    text = "\n".join(pages)
    assert "KARIMI" in text and "3018560639" in text  # the data subject stays on the kept pages
    # Third parties on the kept pages and the asylum account of the dropped ones are gone.
    assert "Rostami" not in text and "Khatib" not in text and "christendom" not in text.lower()
    assert "Pagina 1 van 12" in text and "Pagina 12 van 12" in text


def test_the_scan_of_the_copy_has_no_third_party_or_special_data(cleaned) -> None:
    _proc, _src, out = cleaned
    from scanner.core import scan_message
    from scanner.ingest import load_bytes

    result = scan_message(load_bytes(out.read_bytes(), "schoon.eml"))
    assert not [f for f in result.findings if f.special and f.linked]
    assert not [f for f in result.findings if f.entity == "PERSON" and "Haddad" in f.text]
    assert "FULL_BESCHIKKING" not in {v.rule for v in result.violations}


def test_a_copy_with_a_value_left_is_refused_and_not_written(tmp_path: Path, monkeypatch) -> None:
    """If the text replacement missed a value, the re-check finds it: exit 1 and no file."""
    import scanner.redact as redact

    monkeypatch.setattr(redact, "anonymise_text", lambda text, targets, operators, **kw: (text, __import__(
        "collections").Counter()))
    src, out = tmp_path / "mail.eml", tmp_path / "schoon.eml"
    src.write_bytes(_mail())
    with pytest.raises(RedactionError, match="PERSON"):
        redact.redact_mail(src.read_bytes(), src.name)
    args = argparse.Namespace(path=src, out=out, entities=None, keep_pages=None, beschikking=False, policy=None)
    assert redact.redact_path(args) == 1 and not out.exists()


@pytest.mark.parametrize("extra,why", [
    (["--keep-pages", "abc"], "paginaspecificatie"),
    (["--keep-pages", "1,99"], "bestaat niet"),
    (["--keep-pages", "0"], "pagina 0"),
])
def test_page_usage_errors_exit_2(extra: list[str], why: str, tmp_path: Path) -> None:
    src = tmp_path / "beschikking.pdf"
    src.write_bytes(_beschikking_pdf())
    proc = _run(str(src), "--out", str(tmp_path / "k.pdf"), *extra)
    assert proc.returncode == 2 and why in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "k.pdf").exists()


def test_out_equal_to_input_and_unsupported_type_exit_2(tmp_path: Path) -> None:
    mail = tmp_path / "mail.eml"
    original = _mail()
    mail.write_bytes(original)
    same = _run(str(mail), "--out", str(tmp_path / "." / "mail.eml"))
    assert same.returncode == 2 and "invoerbestand" in same.stderr
    assert mail.read_bytes() == original  # the input is untouched
    text = tmp_path / "notitie.txt"
    text.write_text("Samir Haddad")
    unsupported = _run(str(text), "--out", str(tmp_path / "x.txt"), "--lang", "en")
    assert unsupported.returncode == 2 and "cannot be redacted" in unsupported.stderr
    pages_on_mail = _run(str(mail), "--out", str(tmp_path / "y.eml"), "--keep-pages", "1")
    assert pages_on_mail.returncode == 2
    not_eml = _run(str(mail), "--out", str(tmp_path / "schoon.msg"))
    assert not_eml.returncode == 2 and ".eml" in not_eml.stderr and not (tmp_path / "schoon.msg").exists()


# -- the data subject in every form ---------------------------------------------------------------


def _f(entity: str, text: str, page: int | None = 1, start: int = 0) -> Finding:
    return Finding(entity=entity, part="attachment", start=start, end=start + len(text), text=text, score=1.0,
                   attachment="b.pdf", page=page)


SUBJECT_FINDINGS = [
    _f("PERSON", "Reza AHMADI"), _f("PERSON", "AHMADI, Reza", 2), _f("PERSON", "Reza Ahmadi", 3),
    _f("PERSON", "Sara Ahmadi", 2), _f("V_NUMBER", "3018560639"), _f("V_NUMBER", "3018560639", 2),
    _f("V_NUMBER", "2805561203", 2), _f("DATE_OF_BIRTH", "14-03-1991"), _f("DATE_OF_BIRTH", "14-03-1991", 2),
    _f("DATE_OF_BIRTH", "02-09-1993", 2),
]


@pytest.mark.parametrize("entity,text", [
    ("PERSON", "Reza AHMADI"), ("PERSON", "R. Ahmadi"), ("PERSON", "Naam: Reza AHMADI"), ("PERSON", "AHMADI, Reza"),
    ("PERSON", "AHMADI"), ("PERSON", "de heer R. AHMADI"), ("V_NUMBER", "3018 5606 39"),
    ("DATE_OF_BIRTH", "14 maart 1991"), ("DATE_OF_BIRTH", "14.03.1991"), ("DATE_OF_BIRTH", "1991-03-14"),
])
def test_the_subjects_own_data_in_every_form_stays(entity: str, text: str) -> None:
    assert DataSubject.of(SUBJECT_FINDINGS).owns(entity, text)


@pytest.mark.parametrize("entity,text", [
    ("PERSON", "Sara Ahmadi"), ("PERSON", "S. Ahmadi"), ("PERSON", "Leila Rostami"), ("V_NUMBER", "2805561203"),
    ("DATE_OF_BIRTH", "02-09-1993"), ("DATE_OF_BIRTH", "2 september 1993"),
])
def test_others_data_is_not_the_subjects(entity: str, text: str) -> None:
    assert not DataSubject.of(SUBJECT_FINDINGS).owns(entity, text)


def test_the_subjects_number_read_as_another_kind_stays() -> None:
    subject = DataSubject.of(SUBJECT_FINDINGS)
    assert subject.owns_any("PHONE_NUMBER", "3018560639") and not subject.owns_any("PHONE_NUMBER", "0612345678")


def test_choose_targets_keeps_the_subject_and_the_correspondents() -> None:
    findings = [*SUBJECT_FINDINGS, _f("PERSON", "R. Ahmadi", 3), _f("PERSON", "R. Vermeulen", 3)]
    msg = Message(input="m.eml", sender="r.vermeulen@dtv.minvenj.nl", sender_name="Ruud Vermeulen",
                  parts=[Part(part="attachment", kind="pdf", name="b.pdf", pages=["", "", ""], paged=True)])
    targets = {t.text for t in choose_targets(findings, {}, None, own_names=correspondents(msg))}
    assert targets == {"Sara Ahmadi", "2805561203", "02-09-1993"}
    assert {t.text for t in choose_targets(findings, {}, {"PERSON"})} >= {"Reza AHMADI", "R. Vermeulen"}
    assert all(isinstance(t, Target) for t in choose_targets(findings, {}, None))


# -- text operators, .msg, CRLF, an organisation's address ----------------------------------------


def test_placeholders_and_mask_come_from_the_policy(tmp_path: Path) -> None:
    from scanner.policy import load_policy
    from scanner.redact import anonymise_text, operators_for

    targets = [Target("Samir Haddad", "PERSON"), Target("06-12345678", "PHONE_NUMBER")]
    text = "Neef Samir  Haddad, tel. 06 12345678."
    default, counts = anonymise_text(text, targets, operators_for(load_policy()))
    assert default == "Neef [naam], tel. [telefoonnummer]." and counts == {"PERSON": 1, "PHONE_NUMBER": 1}
    overlay = tmp_path / "eigen.toml"
    overlay.write_text('[redaction]\nmask = ["PHONE_NUMBER"]\n[redaction.placeholders]\nPERSON = "[persoon]"\n')
    custom, _ = anonymise_text(text, targets, operators_for(load_policy(overlay)))
    assert custom == "Neef [persoon], tel. ***********."


def test_an_outlook_msg_becomes_a_cleaned_eml() -> None:
    sample = REPO.parent / "shared" / "data" / "msg-samples" / "unicode.msg"
    if not sample.is_file():
        pytest.skip("../shared/data/msg-samples is not present")
    pytest.importorskip("extract_msg", reason="extract-msg (extra 'msg', GPL) is not installed")
    from scanner.redact import redact_mail

    output, report = redact_mail(sample.read_bytes(), sample.name)
    copy = email.message_from_bytes(output, policy=email.policy.default)
    assert copy["Subject"] and copy["Message-ID"] and copy.get_body(("plain",)) is not None
    assert report.verified


def test_crlf_mail_reads_like_lf() -> None:
    """Mail on the wire has CRLF line ends: the sender's signature is still recognised as such."""
    from recognizers.engine import get_analyzer
    from scanner.analysis import analyse_message
    from scanner.ingest import load_bytes

    lf = (REPO / "samples" / "16_full_beschikking_to_coa.eml").read_bytes()
    crlf = lf.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    bodies = [[(f.entity, f.text) for f in analyse_message(load_bytes(data, "m.eml"), get_analyzer())
               if f.part == "body"] for data in (lf, crlf)]
    assert bodies[0] == bodies[1] and ("PHONE_NUMBER", "088 628 3584") not in bodies[1]


def test_an_organisations_postal_address_is_no_finding() -> None:
    from recognizers.engine import get_analyzer
    from scanner.analysis import analyse_message

    letter = ("Immigratie- en Naturalisatiedienst\nRetouradres Postbus 30125, 2500 GC Den Haag\n"
              "De heer Reza Ahmadi\nKerkstraat 12\n2595 AA Den Haag\n"
              "Stuur uw reactie naar Postbus 17, 9560 AA Ter Apel.\n")
    msg = Message(input="b.pdf", parts=[Part(part="attachment", kind="pdf", name="b.pdf", pages=[letter], paged=True)])
    addresses = [f.text for f in analyse_message(msg, get_analyzer()) if f.entity == "ADDRESS"]
    assert addresses and all("Kerkstraat 12" in a for a in addresses)
