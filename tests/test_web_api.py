"""`verzendcheck serve`: the REST API through FastAPI's test client (CONTRACT §5).

One warm worker pool for the module (the models load once); apps with policy overlays share it.
"""

from __future__ import annotations

import io
import json
import logging
import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from scanner.pool import PoolClosed, WorkerPool
from scanner.web.app import create_app

SAMPLES = Path(__file__).parent.parent / "samples"
BESCHIKKING_MAIL = SAMPLES / "16_full_beschikking_to_coa.eml"
PASS_MAIL = next(SAMPLES.glob("01_pass_*.eml"))


@pytest.fixture(scope="module")
def pool():
    with WorkerPool(workers=2, timeout=120) as p:
        yield p


def _overlay(tmp_path_factory, text: str) -> Path:
    path = tmp_path_factory.mktemp("policy") / "web.toml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def client(pool):
    with TestClient(create_app(pool=pool)) as c:
        yield c


@pytest.fixture(scope="module")
def small_client(pool, tmp_path_factory):
    """Limits from a policy overlay: 2 files of at most 2000 bytes."""
    overlay = _overlay(tmp_path_factory, "[web]\nmax_upload_bytes = 2000\nmax_files = 2\n")
    with TestClient(create_app(policy_path=overlay, pool=pool)) as c:
        yield c


@pytest.fixture(scope="module")
def beschikking_scan(client):
    response = client.post("/api/scan", files={"file": (BESCHIKKING_MAIL.name, BESCHIKKING_MAIL.read_bytes())})
    assert response.status_code == 200, response.text
    return response


def _pdf_of(mail: Path) -> bytes:
    import email

    msg = email.message_from_bytes(mail.read_bytes())
    return next(p.get_payload(decode=True) for p in msg.walk() if p.get_content_type() == "application/pdf")


def _error_of(response) -> str:
    body = response.json()
    assert set(body) == {"error"}, body
    assert "Traceback" not in body["error"]
    return body["error"]


# -- the service ----------------------------------------------------------------


def test_healthz_answers_ok_with_pool_counters(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["ready"] >= 1 and body["workers"] == 2


def test_page_is_dutch_served_by_the_app_with_a_strict_csp(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="nl">' in html
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    # No inline script and nothing from another origin: every asset comes from /static.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert re.search(r'<input type="file" id="files" name="file" multiple>', html)
    assert '<label for="files"' in html
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        body = client.get(asset)
        assert body.status_code == 200, asset
        assert not re.search(r"https?://", body.text), asset
        assert "innerHTML" not in body.text and "eval(" not in body.text, asset


def test_docs_work_offline_with_the_swagger_script_allowed_by_hash(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert "cdn.jsdelivr.net" not in response.text and "/docs-static/swagger-ui-bundle.js" in response.text
    csp = response.headers["content-security-policy"]
    assert "'sha256-" in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
    assert client.get("/docs-static/swagger-ui-bundle.js").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/api/scan", "/api/redact", "/healthz"} <= set(spec["paths"])
    assert "multipart/form-data" in spec["paths"]["/api/scan"]["post"]["requestBody"]["content"]


# -- /api/scan ------------------------------------------------------------------


def test_scan_of_the_beschikking_mail_follows_the_contract(beschikking_scan, result_schema):
    import jsonschema

    results = beschikking_scan.json()
    assert isinstance(results, list) and len(results) == 1
    result = results[0]
    jsonschema.validate(result, result_schema)
    assert result["verdict"] == "warn"
    assert "FULL_BESCHIKKING" in {v["rule"] for v in result["violations"]}
    keep = [s for s in result["suggestions"] if s["action"] == "keep_pages"]
    assert keep and keep[0]["pages"] == [1, 11, 12]
    assert beschikking_scan.headers["cache-control"] == "no-store"


def test_findings_carry_masked_context_and_values_only_on_request(client, beschikking_scan):
    masked = beschikking_scan.json()[0]
    v_numbers = [f for f in masked["findings"] if f["entity"] == "V_NUMBER" and f["part"] == "body"]
    assert v_numbers and "text" not in v_numbers[0]
    context = v_numbers[0]["context"]
    assert context["match"] == v_numbers[0]["masked"] and "V-nr" in context["before"]

    revealed = client.post("/api/scan", data={"reveal": "true"},
                           files={"file": (BESCHIKKING_MAIL.name, BESCHIKKING_MAIL.read_bytes())}).json()[0]
    value = next(f for f in revealed["findings"] if f["entity"] == "V_NUMBER" and f["part"] == "body")["text"]
    assert re.fullmatch(r"\d{10}", value)
    assert value not in beschikking_scan.text  # the masked answer holds the number nowhere, not in any context
    person = next(f for f in revealed["findings"] if f["entity"] == "PERSON" and f["part"] == "body")
    assert person["text"] not in json.dumps([f["context"] for f in masked["findings"]])
    assert next(f for f in revealed["findings"] if f.get("text") == value)["context"]["match"] == value


def test_form_addresses_are_added_to_a_bare_document(client):
    text = b"Beste collega,\n\nHierbij de gegevens van de heer Ahmad Karimi, V-nummer 3012345678.\n"
    response = client.post("/api/scan", data={"sender": "a.jansen@ind.nl", "to": "x@coa.nl, y@gmail.com",
                                               "cc": "z@vluchtelingenwerk.nl"},
                           files={"file": ("notitie.txt", text)})
    assert response.status_code == 200, response.text
    result = response.json()[0]
    assert result["sender"]["address"] == "a.jansen@ind.nl"
    assert {(r["address"], r["field"]) for r in result["recipients"]} == {
        ("x@coa.nl", "to"), ("y@gmail.com", "to"), ("z@vluchtelingenwerk.nl", "cc")}
    assert result["verdict"] in ("warn", "block")


def test_org_field_sets_the_sender_organisation_and_is_checked(client):
    text = ("file", ("notitie.txt", b"Tot morgen."))
    result = client.post("/api/scan", data={"org": "dtv"}, files=[text]).json()[0]
    assert result["sender"]["organisation"] == "DT&V"
    wrong = client.post("/api/scan", data={"org": "XYZ"}, files=[text])
    assert wrong.status_code == 400 and "organisatie" in _error_of(wrong)


def test_several_files_answer_in_upload_order(client):
    files = [("file", (PASS_MAIL.name, PASS_MAIL.read_bytes())), ("file", ("leeg-bericht.txt", b"Tot morgen."))]
    response = client.post("/api/scan", files=files)
    assert response.status_code == 200, response.text
    assert [r["input"] for r in response.json()] == [PASS_MAIL.name, "leeg-bericht.txt"]
    assert response.json()[0]["verdict"] == "pass"


def test_ten_parallel_uploads_each_get_their_own_answer(client):
    def upload(i: int):
        number = f"{i}{i}1234567{i}"[:10]
        body = f"Betreft mevrouw Testpersoon{i}, V-nummer {number}, geboren 0{i}-03-1990.\n".encode()
        response = client.post("/api/scan", data={"reveal": "true", "to": f"collega{i}@coa.nl"},
                               files={"file": (f"upload-{i}.txt", body)})
        return i, number, response

    with ThreadPoolExecutor(max_workers=10) as executor:
        answers = list(executor.map(upload, range(10)))
    for i, number, response in answers:
        assert response.status_code == 200, response.text
        (result,) = response.json()
        assert result["input"] == f"upload-{i}.txt"
        assert [r["address"] for r in result["recipients"]] == [f"collega{i}@coa.nl"]
        assert {f["text"] for f in result["findings"] if f["entity"] == "V_NUMBER"} == {number}


# -- bad input: 4xx with a Dutch {"error"}, never a 500 -----------------------------


def test_too_large_file_is_refused_while_streaming(small_client):
    response = small_client.post("/api/scan", files={"file": ("groot.txt", b"a" * 5000)})
    assert response.status_code == 413
    assert "groter dan" in _error_of(response)


def test_too_many_files_are_refused(small_client):
    files = [("file", (f"{i}.txt", b"hallo")) for i in range(3)]
    response = small_client.post("/api/scan", files=files)
    assert response.status_code == 413
    assert "Te veel bestanden" in _error_of(response)


def test_wrong_type_is_415(client):
    response = client.post("/api/scan", files={"file": ("programma.exe", b"MZ\x90\x00" + bytes(range(256)))})
    assert response.status_code == 415
    assert "niet ondersteund" in _error_of(response)


def test_corrupt_document_is_422_with_the_reason(client):
    response = client.post("/api/scan", files={"file": ("kapot.pdf", b"%PDF-1.7\n1 0 obj << /Type /Cat")})
    assert response.status_code == 422
    assert "kan niet worden gelezen" in _error_of(response)


def test_corrupt_file_among_several_names_its_number(client):
    files = [("file", ("a.txt", b"Tot morgen.")), ("file", ("kapot.docx", b"PK\x03\x04 kapot"))]
    response = client.post("/api/scan", files=files)
    assert response.status_code == 422
    assert _error_of(response).startswith("Bestand 2:")


@pytest.mark.parametrize("files", [
    {"file": ("leeg.eml", b"")},
    {"file": ("spaties.txt", b"  \n ")},
])
def test_empty_file_is_400(client, files):
    response = client.post("/api/scan", files=files)
    assert response.status_code == 400
    assert "leeg" in _error_of(response)


def test_no_file_and_no_multipart_and_a_broken_form(client):
    no_file = client.post("/api/scan", data={"to": "x@coa.nl"}, files={"other": ("", b"")})
    assert no_file.status_code == 400 and "geen bestand" in _error_of(no_file)
    as_json = client.post("/api/scan", json={"file": "x"})
    assert as_json.status_code == 415 and "multipart" in _error_of(as_json)
    body = b'--abc\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhallo'
    broken = client.post("/api/scan", content=body, headers={"content-type": "multipart/form-data; boundary=zz"})
    assert broken.status_code in (400, 415), broken.text
    _error_of(broken)


def test_unknown_path_and_wrong_method_answer_json(client):
    assert client.get("/nergens").status_code == 404 and _error_of(client.get("/nergens"))
    wrong = client.get("/api/scan")
    assert wrong.status_code == 405 and "methode" in _error_of(wrong)


def test_uploads_never_touch_a_temporary_file(client, monkeypatch):
    import starlette.formparsers

    def refuse(*args, **kwargs):
        raise AssertionError("an upload was spooled to a temporary file")

    for module in (tempfile, starlette.formparsers):
        monkeypatch.setattr(module, "SpooledTemporaryFile", refuse)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    # 3 MB: well over the 1 MB where Starlette's own parser spools to disk.
    response = client.post("/api/scan", files={"file": ("groot.bin", b"\x00\x01" * 1_500_000)})
    assert response.status_code == 415, response.text


def test_unexpected_failure_a_full_queue_and_a_closed_pool_are_503_without_a_traceback(pool):
    class Broken:
        def health(self):
            return {"ready": 1}

        def pending(self):
            return 0

        async def run(self, *args, **kwargs):
            raise RuntimeError("/tmp/secret/Ahmad Karimi.pdf exploded")

    class Busy(Broken):
        def pending(self):
            return 50  # the policy's max_queue

        async def run(self, *args, **kwargs):
            raise AssertionError("a busy pool takes no more work")

    class Closed(Broken):
        async def run(self, *args, **kwargs):
            raise PoolClosed("de pool is gesloten")

    app = create_app(pool=pool)
    with TestClient(app, raise_server_exceptions=False) as c:
        for fake in (Broken(), Busy(), Closed()):
            app.state.pool = fake
            response = c.post("/api/scan", files={"file": ("a.txt", b"hallo")})
            assert response.status_code == 503
            error = _error_of(response)
            assert "Karimi" not in error and "RuntimeError" not in error


# -- /api/redact ----------------------------------------------------------------


def test_redact_the_beschikking_of_the_mail_with_the_suggested_pages(client, beschikking_scan):
    keep = next(s for s in beschikking_scan.json()[0]["suggestions"] if s["action"] == "keep_pages")
    response = client.post("/api/redact", data={"beschikking": "true", "keep_pages": ",".join(map(str, keep["pages"])),
                                                "attachment": keep["attachment"]},
                           files={"file": (BESCHIKKING_MAIL.name, BESCHIKKING_MAIL.read_bytes())})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="beschikking-geanonimiseerd.pdf"' in response.headers["content-disposition"]
    summary = json.loads(response.headers["x-verzendcheck-redaction"])
    assert summary["pages_kept"] == [1, 11, 12] and summary["pages_in_input"] == 12
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 3
    original = PdfReader(io.BytesIO(_pdf_of(BESCHIKKING_MAIL)))
    # The kept pages are the original's pages 1, 11 and 12 (their page footers say so).
    for page, number in zip(reader.pages, [1, 11, 12], strict=True):
        assert f"Pagina {number} van 12" in page.extract_text()
    assert "Pagina 2 van 12" in original.pages[1].extract_text()


def test_redact_a_bare_pdf_as_beschikking_blacks_out_and_keeps_three_pages(client):
    response = client.post("/api/redact", data={"beschikking": "true"},
                           files={"file": ("besluit.pdf", _pdf_of(BESCHIKKING_MAIL))})
    assert response.status_code == 200, response.text
    summary = json.loads(response.headers["x-verzendcheck-redaction"])
    assert summary["pages_in_output"] == 3 and summary["removed"]
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 3


@pytest.mark.parametrize(("data", "files", "status", "words"), [
    ({"keep_pages": "1,zeven"}, {"file": ("b.pdf", None)}, 422, "pagina"),
    ({}, {"file": ("notitie.txt", b"Gewoon een tekst.")}, 422, "PDF"),
    ({}, {"file": ("kapot.pdf", b"%PDF-1.7 kapot")}, 422, ""),
    ({}, {"file": ("leeg.pdf", b"")}, 400, "leeg"),
    ({}, {"file": (PASS_MAIL.name, None)}, 422, "bijlage"),
])
def test_redact_errors_are_dutch_4xx(client, data, files, status, words):
    name, body = files["file"]
    if body is None:
        body = _pdf_of(BESCHIKKING_MAIL) if name.endswith(".pdf") else PASS_MAIL.read_bytes()
    response = client.post("/api/redact", data=data, files={"file": (name, body)})
    assert response.status_code == status, response.text
    assert words.lower() in _error_of(response).lower()


def test_redact_picks_the_attachment_by_the_masked_name_the_scan_shows(client):
    from email.message import EmailMessage

    from pypdf import PdfWriter

    blank = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(blank)
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "bmw.zwolle@ind.nl", "opvang.zwolle@coa.nl", "Stukken"
    mail.set_content("Beste collega, bijgaand de stukken.")
    mail.add_attachment(_pdf_of(BESCHIKKING_MAIL), maintype="application", subtype="pdf",
                        filename="Karimi_beschikking.pdf")
    mail.add_attachment(blank.getvalue(), maintype="application", subtype="pdf", filename="bijlage.pdf")
    upload = {"file": ("stukken.eml", mail.as_bytes())}

    scanned = client.post("/api/scan", files=upload).json()[0]
    shown = [d["attachment"] for d in scanned["documents"] if d["part"] == "attachment"]
    masked = next(name for name in shown if name.endswith("_beschikking.pdf"))
    assert "Karimi" not in masked and "Karimi" not in json.dumps(scanned)
    response = client.post("/api/redact", data={"attachment": masked, "keep_pages": "1,-2,-1"}, files=upload)
    assert response.status_code == 200, response.text
    assert json.loads(response.headers["x-verzendcheck-redaction"])["pages_in_input"] == 12
    unknown = client.post("/api/redact", data={"attachment": "iets-anders.pdf"}, files=upload)
    assert unknown.status_code == 422 and "meer dan één" in _error_of(unknown)


def test_two_files_are_too_many_for_redact(client):
    files = [("file", ("a.pdf", b"%PDF-1.4")), ("file", ("b.pdf", b"%PDF-1.4"))]
    response = client.post("/api/redact", files=files)
    assert response.status_code == 413


# -- privacy of the server log ---------------------------------------------------


def test_server_log_holds_no_file_names_addresses_or_values(client, caplog):
    caplog.set_level(logging.INFO, logger="verzendcheck")
    name = "Karimi_Ahmad_beschikking.eml"
    response = client.post("/api/scan", data={"to": "opvang.zwolle@coa.nl"},
                           files={"file": (name, BESCHIKKING_MAIL.read_bytes())})
    assert response.status_code == 200
    logged = caplog.text
    assert "/api/scan 200" in logged and "verdicts warn" in logged
    for secret in ("Karimi", "opvang.zwolle", "coa.nl", ".eml", "V-nr"):
        assert secret not in logged.replace("/api/scan", ""), secret


# -- the time budget ------------------------------------------------------------


def test_scan_over_the_time_budget_answers_a_json_error(tmp_path_factory):
    """A real scan with a budget of 0.3 s, in a pool whose worker has not loaded the models (so it is
    slow, and its replacement starts at once): the worker is killed and the answer is a JSON error."""
    import pool_tasks

    overlay = _overlay(tmp_path_factory, "[web]\nrequest_seconds = 0.3\n")
    with WorkerPool(workers=1, initializer=pool_tasks.init, timeout=0.3) as cold:
        with TestClient(create_app(policy_path=overlay, pool=cold)) as c:
            began = time.monotonic()
            response = c.post("/api/scan", files={"file": (BESCHIKKING_MAIL.name, BESCHIKKING_MAIL.read_bytes())})
            elapsed = time.monotonic() - began
        assert response.status_code == 422
        assert "0.3 seconden" in _error_of(response)
        assert cold.stats.timed_out == 1
        assert elapsed < 10


# -- the command ----------------------------------------------------------------


def test_serve_binds_loopback_without_uvicorns_access_log(monkeypatch):
    import uvicorn

    from scanner.cli import main

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
    assert main(["serve", "--port", "8099"]) == 0
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8099 and seen["access_log"] is False
    assert {r.path for r in seen["app"].routes} >= {"/", "/api/scan", "/api/redact", "/healthz", "/docs"}


def test_serve_with_a_broken_policy_exits_2(tmp_path, capsys):
    from scanner.cli import main

    broken = tmp_path / "kapot.toml"
    broken.write_text("[web\nworkers = ")
    assert main(["serve", "--policy", str(broken)]) == 2
    assert "kapot.toml" in capsys.readouterr().err


# -- the context of a finding (no models needed) -----------------------------------


def test_context_masks_every_finding_in_the_window_also_where_they_overlap():
    from scanner.model import Finding, Part
    from scanner.tasks import _context

    page = "Verslag. Hij is moslim en heet Ahmad Karimi, V-nummer 3012345678, uit Kabul. Einde."
    part = Part(part="body", kind="text", pages=[page])

    def found(entity: str, text: str) -> Finding:
        start = page.index(text)
        return Finding(entity=entity, part="body", start=start, end=start + len(text), text=text, score=0.9)

    person = found("PERSON", "Ahmad Karimi")
    special = found("SPECIAL_CATEGORY", "is moslim en heet Ahmad")  # overlaps the name
    number = found("V_NUMBER", "3012345678")
    findings = [special, person, number]

    around_person = _context(part, person, findings, False, 60)
    shown = around_person["before"] + around_person["match"] + around_person["after"]
    for secret in ("moslim", "Ahmad", "Karimi", "3012345678"):
        assert secret not in shown, secret
    assert around_person["match"] == "A*" and "[SPECIAL_CATEGORY]" in around_person["before"]
    assert "30******78" in around_person["after"] and around_person["after"].endswith("Einde.")

    around_special = _context(part, special, findings, False, 5)
    assert "Karimi" not in around_special["after"] and around_special["before"].startswith("…")
    revealed = _context(part, number, findings, True, 60)
    assert revealed["match"] == "3012345678" and "Ahmad Karimi" in revealed["before"]
