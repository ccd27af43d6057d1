"""The outside contract: CLI behaviour, JSON Lines valid against the schema, exit codes, masking."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from scanner.core import scan_message
from scanner.ingest import load_path
from tests.conftest import REPO, SHARED

SAMPLES = sorted((REPO / "samples").glob("*.eml"))
FIXTURE_DIRS = ("email-fixtures", "msg-samples", "pdf-samples")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scanner", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=600)


def test_json_lines_one_per_path_valid_against_schema(result_schema):
    assert SAMPLES, "samples/*.eml missing"
    proc = _run("scan", "--format", "json", *map(str, SAMPLES))
    lines = proc.stdout.splitlines()
    assert len(lines) == len(SAMPLES)
    results = [json.loads(line) for line in lines]
    for path, result in zip(SAMPLES, results, strict=True):
        jsonschema.validate(result, result_schema)
        assert result["input"] == str(path)
    worst = max({"pass": 0, "warn": 10, "block": 20}[r["verdict"]] for r in results)
    assert proc.returncode == worst


def test_python_m_scanner_matches_console_script():
    script = Path(sys.executable).with_name("verzendcheck")
    if not script.exists():
        pytest.skip("console script not installed in this environment (pip install -e . creates it)")
    sample = str(SAMPLES[0])
    a = _run("scan", "--format", "json", sample)
    b = subprocess.run([str(script), "scan", "--format", "json", sample], capture_output=True, text=True, cwd=REPO)
    strip = lambda out: {k: v for k, v in json.loads(out).items() if k != "elapsed_ms"}  # noqa: E731
    assert a.returncode == b.returncode and strip(a.stdout) == strip(b.stdout)


def test_no_personal_data_without_reveal(tmp_path):
    mail = tmp_path / "m.eml"
    mail.write_text("From: a@ind.nl\nTo: b@coa.nl\nSubject: overdracht\n\n"
                    "Het V-nummer van betrokkene is 2345678901 en zijn BSN is 111222333.\n")
    masked = _run("scan", "--format", "json", str(mail))
    assert "2345678901" not in masked.stdout + masked.stderr and "111222333" not in masked.stdout + masked.stderr
    text = _run("scan", str(mail))
    assert "2345678901" not in text.stdout + text.stderr
    revealed = json.loads(_run("scan", "--format", "json", "--reveal", str(mail)).stdout)
    assert any(f.get("text") == "2345678901" for f in revealed["findings"])


def test_usage_errors_exit_2(tmp_path):
    assert _run("scan", str(tmp_path / "bestaat-niet.eml")).returncode == 2
    assert _run("scan", "--format", "xml", str(SAMPLES[0])).returncode == 2
    bad = tmp_path / "policy.toml"
    bad.write_text("[thresholds\ncc = 3\n")
    proc = _run("scan", "--policy", str(bad), str(SAMPLES[0]))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "line" in proc.stderr.lower()


def test_broken_input_is_a_finding_and_an_empty_folder_is_no_pass(tmp_path):
    (tmp_path / "leeg.eml").write_bytes(b"")
    (tmp_path / "ruis.bin").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "kapot.mbox").write_bytes(b"From x@y Mon Jan 1 00:00:00 2024\nFrom: a@ind.nl\n\x00\x01\n")
    proc = _run("scan", "--format", "json", *(str(tmp_path / n) for n in ("leeg.eml", "ruis.bin", "kapot.mbox")))
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 10 and "Traceback" not in proc.stderr
    assert len(results) == 3 and all(r["verdict"] == "warn" for r in results)
    assert all(any(v["rule"] == "UNSCANNABLE_ATTACHMENT" for v in r["violations"]) for r in results)
    (tmp_path / "leeg").mkdir()
    empty = _run("scan", "--format", "json", str(tmp_path / "leeg"))
    assert empty.returncode == 2 and not empty.stdout and "niets te controleren" in empty.stderr


def test_flags_add_recipients_for_a_bare_document(tmp_path):
    doc = tmp_path / "notitie.txt"
    doc.write_text("Betrokkene, V-nummer 2345678901, is opgenomen wegens een psychose.")
    proc = _run("scan", "--format", "json", "--sender", "a@coa.nl", "--to", "x@gmail.com", str(doc))
    result = json.loads(proc.stdout)
    assert [r["address"] for r in result["recipients"]] == ["x@gmail.com"]
    assert result["recipients"][0]["category"] == "webmail"
    assert result["verdict"] == "block"


def _fixture_files() -> list[Path]:
    files: list[Path] = []
    for name in FIXTURE_DIRS:
        root = SHARED / "data" / name
        files += sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in (".eml", ".msg", ".pdf"))
    return files


class _Timeout(Exception):
    pass


@pytest.mark.skipif(not (SHARED / "data").exists(), reason="../shared/data is absent (only in the workspace and CI)")
def test_every_shared_fixture_gives_a_schema_valid_result(result_schema):
    def alarm(signum, frame):
        raise _Timeout

    files = _fixture_files()
    assert len(files) > 150
    old = signal.signal(signal.SIGALRM, alarm)
    failures: list[str] = []
    try:
        for path in files:
            signal.alarm(60)
            try:
                result = scan_message(load_path(path)).to_json()
                jsonschema.validate(result, result_schema)
            except _Timeout:
                failures.append(f"{path.name}: hung > 60 s")
            except Exception as exc:  # collect every failure, then report them together
                failures.append(f"{path.name}: {type(exc).__name__}: {str(exc)[:120]}")
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, old)
    assert not failures, "\n".join(failures)


def test_salutation_and_signature_are_not_data_subjects_but_the_rest_of_the_line_is(tmp_path):
    mail = tmp_path / "m.eml"
    mail.write_text("From: Jan de Vries <j.devries@coa.nl>\nTo: a.bakker@ind.nl\nSubject: vraag\n\n"
                    "Beste Anouk, betrokkene is opgenomen met een psychose.\n\n"
                    "Met vriendelijke groet,\nJan de Vries\nCOA locatie Zwolle\n06-12345678\n", encoding="utf-8")
    result = json.loads(_run("scan", "--format", "json", "--reveal", str(mail)).stdout)
    found = {(f["entity"], f["text"]) for f in result["findings"]}
    assert ("PERSON", "Anouk") not in found and ("PHONE_NUMBER", "06-12345678") not in found
    assert not [f for f in result["findings"] if f["text"].startswith("Jan")]
    assert any(f["entity"] == "SPECIAL_CATEGORY" and f["subcategory"] == "health" for f in result["findings"])


def test_malformed_url_is_still_checked_and_never_crashes(tmp_path):
    mail = tmp_path / "m.eml"
    mail.write_text("From: a@coa.nl\nTo: b@gemeente-venlo.nl\nSubject: stukken\n\n"
                    "Het dossier staat op https://wetransfer.com/[downloads/abc en http://[::1 .\n", encoding="utf-8")
    proc = _run("scan", "--format", "json", str(mail))
    result = json.loads(proc.stdout)
    assert proc.returncode == 20
    assert any(v["rule"] == "BANNED_CHANNEL" and v["severity"] == "block" for v in result["violations"])
