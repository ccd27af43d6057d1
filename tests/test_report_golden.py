"""The text report as users read it, for a fixed set of sample mails, against reviewed golden files.

The golden files (tests/golden/*.txt) were read by a person. After an intended change, regenerate
them with `VERZENDCHECK_REGEN_GOLDEN=1 python -m pytest tests/test_report_golden.py`, then read the
diff (`git diff tests/golden`) before committing: they are never rewritten otherwise.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scanner.core import scan_message
from scanner.ingest import load_path
from scanner.report import render_html, render_text
from tests.conftest import REPO

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("VERZENDCHECK_REGEN_GOLDEN") == "1"
CASES = [
    ("01_pass_ind_to_dtv_vnummer", "nl"),
    ("07_pass_beschikking_excerpt_to_coa", "nl"),
    ("12_pass_signature_only", "nl"),
    ("16_full_beschikking_to_coa", "nl"),
    ("16_full_beschikking_to_coa", "en"),
    ("19_wetransfer_link_html_only", "nl"),
    ("21_ngo_without_machtiging", "nl"),
    ("21_ngo_without_machtiging", "en"),
    ("22_vertrekstrategie_to_vluchtelingenwerk", "nl"),
    ("25_cc_overreach_many_organisations", "nl"),
    ("25_cc_overreach_many_organisations", "en"),
    ("28_lso_verslag_to_nidos", "en"),
    ("30_gespreksverslag_third_parties_to_advocaat", "nl"),
    ("31_pasfoto_to_gemeente", "nl"),
    ("34_full_dossier_nested_zip_to_advocaat", "nl"),
    ("37_forwarded_internal_thread_to_coa", "nl"),
    ("38_encrypted_pdf_to_ggd", "en"),
]
# Words of the report's own frame that give away the other language.
ENGLISH_IN_DUTCH = re.compile(r"\b(?:the|and|attachment|recipients?|page|pages|times|Proposal|Source|Advice|"
                              r"remove|send|masked|mail text|subject)\b")
DUTCH_IN_ENGLISH = re.compile(r"\b(?:pagina|bijlage|ontvangers?|keer|Voorstel|Bron|Advies|verwijder|stuur|"
                              r"gemaskeerd|onderwerp|tekst van de mail|hoofdstuk|stap|vraag|kleine keten)\b")


def _scan(name: str, lang: str):
    path = REPO / "samples" / f"{name}.eml"
    message = load_path(path)
    message.input = f"samples/{name}.eml"
    return scan_message(message, lang=lang), message


@pytest.mark.parametrize("name,lang", CASES)
def test_text_report_matches_the_reviewed_golden_file(name: str, lang: str) -> None:
    text = render_text(_scan(name, lang)[0], lang=lang) + "\n"
    golden = GOLDEN / f"{name}.{lang}.txt"
    if REGENERATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
        pytest.skip(f"regenerated {golden.name}: read `git diff tests/golden` before committing")
    assert golden.is_file(), f"no golden file {golden.name}; regenerate with VERZENDCHECK_REGEN_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.txt")), ids=lambda p: p.name)
def test_golden_reports_have_no_words_of_the_other_language(path: Path) -> None:
    """The report's frame and the policy's messages are in one language (quoted Dutch names stay)."""
    text = path.read_text(encoding="utf-8")
    frame = re.sub(r"\S+@\S+|samples/\S+|\S+\.(?:pdf|docx|xlsx|zip|jpg|eml)\b", "", text)
    frame = frame.replace("Motivering: …", "")  # the line the sender writes stays Dutch
    wrong = (ENGLISH_IN_DUTCH if path.name.endswith(".nl.txt") else DUTCH_IN_ENGLISH).findall(frame)
    assert not wrong, f"{path.name}: {sorted(set(wrong))}"


def test_golden_reports_are_masked_and_end_with_advice() -> None:
    for path in GOLDEN.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        assert text.rstrip().splitlines()[-1].startswith(("Advies: ", "Advice: "))
        assert not re.search(r"\b\d{10}\b", text), path.name  # no V-nummer or phone number in the clear
        for name in ("Karimi", "KARIMI", "Hanna Alemu", "Gebremariam", "Tesfamariam"):
            assert name not in text, (path.name, name)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_report_is_self_contained_masked_and_shows_findings_in_context() -> None:
    scanned = [_scan("16_full_beschikking_to_coa", "nl"), _scan("21_ngo_without_machtiging", "nl")]
    page = render_html([r for r, _ in scanned], messages=[m for _, m in scanned])
    parser = _Page()
    parser.feed(page)
    # Self-contained: no scripts, stylesheets, images or frames from elsewhere.
    assert not [t for t, a in parser.tags if t in ("script", "link", "img", "iframe") or "src" in a]
    text = "".join(parser.text)
    # The same content as the text report: titles with ids, each finding's kind, the advice.
    report = render_text(scanned[0][0])
    for line in ("Volledige beschikking (FULL_BESCHIKKING)", "Stuur alleen pagina 1, 11 en 12 van beschikking.pdf"):
        assert line in report and line in text
    assert report.splitlines()[-1] in text
    # Findings in context: the value marked, masked, with the words around it.
    marks = re.findall(r"<mark>(.*?)</mark>", page)
    assert marks and "30******39" in marks and "H*" in marks
    assert "Bijgaand de beschikking van dhr." in text and "(V-nr" in text
    for clear in ("Karimi", "KARIMI", "3018560639", "Hanna Alemu", "2805561203", "2504-1187-3390"):
        assert clear not in page
    revealed = render_html([scanned[1][0]], messages=[scanned[1][1]], reveal=True)
    assert "<mark>Hanna Alemu</mark>" in revealed
