"""`verzendcheck redact` on the samples' beschikking and gespreksverslag: scan -> redact -> verify."""

from __future__ import annotations

import email
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from recognizers.engine import get_analyzer
from scanner.analysis import analyse_message
from scanner.ingest import load_path
from tests.conftest import REPO


def _attachment(sample: str, suffix: str, tmp_path: Path) -> Path:
    msg = email.message_from_bytes((REPO / "samples" / sample).read_bytes())
    for part in msg.walk():
        name = part.get_filename()
        if name and name.lower().endswith(suffix):
            path = tmp_path / Path(name).name
            path.write_bytes(part.get_payload(decode=True))
            return path
    raise AssertionError(f"{sample} has no {suffix} attachment")


def _redact(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scanner", "redact", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=300)


def _findings(path: Path):
    return analyse_message(load_path(path), get_analyzer())


def test_beschikking_keeps_first_and_last_two_pages_and_the_subject(tmp_path):
    src = _attachment("16_full_beschikking_to_coa.eml", ".pdf", tmp_path)
    out = tmp_path / "kort.pdf"
    proc = _redact(str(src), "--out", str(out), "--beschikking")
    assert proc.returncode == 0, proc.stderr
    assert len(pypdf.PdfReader(src).pages) == 12 and len(pypdf.PdfReader(out).pages) == 3
    text = "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(out).pages)
    assert "KARIMI" in text  # the data subject stays identifiable
    # The asylum account of pages 2-10 is gone with its pages; nothing special is left on the kept ones.
    assert not [f for f in _findings(out) if f.special and f.linked]
    original = {f.text for f in _findings(src) if f.entity in ("PHONE_NUMBER", "ADDRESS") and f.page in (1, 11, 12)}
    assert original and not any(value in text for value in original)
    assert "Karimi" not in proc.stdout and "KARIMI" not in proc.stdout  # the report is masked


def test_gespreksverslag_default_removes_third_parties_but_keeps_the_subject(tmp_path):
    src = _attachment("30_gespreksverslag_third_parties_to_advocaat.eml", ".docx", tmp_path)
    names = {f.text for f in _findings(src) if f.entity == "PERSON"}
    third_parties = {"Saba Tesfamariam", "Abel Gebremariam", "Daniel Berhe"}
    assert third_parties <= names, f"recognizer missed third parties: {third_parties - names}"
    out = tmp_path / "schoon.docx"
    proc = _redact(str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    text = load_path(out).parts[0].text
    assert "Tesfay Gebremariam" in text and "2901834456" in text  # the data subject stays
    assert not [name for name in third_parties if name in text]
    assert not [f for f in _findings(out) if f.special]


def test_entities_option_and_bad_input(tmp_path):
    src = _attachment("16_full_beschikking_to_coa.eml", ".pdf", tmp_path)
    out = tmp_path / "x.pdf"
    assert _redact(str(src), "--out", str(out), "--entities", "V_NUMBER").returncode == 0
    text = "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(out).pages)
    assert "3018560639" not in text and "KARIMI" in text
    assert _redact(str(src), "--out", str(out), "--entities", "SCHOENMAAT").returncode == 2
    assert _redact(str(src), "--out", str(out), "--keep-pages", "1,99").returncode == 2  # a usage error
    broken = tmp_path / "kapot.pdf"
    broken.write_bytes(b"%PDF-1.7 kapot")
    proc = _redact(str(broken), "--out", str(out))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


@pytest.mark.parametrize("spec,pages", [("1,-2,-1", 3), ("2-4", 3), ("-1", 1)])
def test_keep_pages_spec(tmp_path, spec, pages):
    src = _attachment("16_full_beschikking_to_coa.eml", ".pdf", tmp_path)
    out = tmp_path / "k.pdf"
    assert _redact(str(src), "--out", str(out), "--keep-pages", spec).returncode == 0
    assert len(pypdf.PdfReader(out).pages) == pages
