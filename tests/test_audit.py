"""`verzendcheck audit` (issue 17): every source type, resume after kill -9, Dask, the reports.

The audits run through the real command line and the real worker pool (models loaded in the
workers), on samples/sent.mbox (27 mails) and small sources built from the samples. The IMAP test
starts a real Dovecot on a loopback port. Runs are shared by module-scoped fixtures to stay fast.
"""

from __future__ import annotations

import csv
import hashlib
import json
import mailbox
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, shared_path

from scanner.cli import main as cli

SAMPLES = REPO / "samples"
SENT = SAMPLES / "sent.mbox"


def audit(*args: str | Path) -> int:
    return cli(["audit", *map(str, args)])


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def comparable(results: list[dict]) -> list[str]:
    """Results without their timing, as sorted canonical JSON: equal when the scans agree."""
    return sorted(json.dumps({k: v for k, v in r.items() if k != "elapsed_ms"}, sort_keys=True) for r in results)


def db_rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchall()


def mbox_messages(path: Path) -> list[bytes]:
    box = mailbox.mbox(str(path), create=False)
    try:
        return [box.get_bytes(key) for key in box.iterkeys()]
    finally:
        box.close()


@pytest.fixture(scope="module")
def mbox_run(tmp_path_factory):
    """One local audit of sent.mbox with two workers and all three reports."""
    out = tmp_path_factory.mktemp("mbox")
    code = audit(SENT, "--workers", 2, "--out", out / "r.html", "--jsonl", out / "r.jsonl", "--csv", out / "r.csv",
                 "--db", out / "state.sqlite")
    return {"code": code, "dir": out, "results": jsonl(out / "r.jsonl")}


@pytest.fixture(scope="module")
def scanned():
    """What `scan --format json` prints for sent.mbox and the .eml samples: the audit must agree."""
    done = subprocess.run([sys.executable, "-m", "scanner", "scan", str(SENT), *sorted(map(str, SAMPLES.glob("*.eml"))),
                           "--format", "json"], cwd=REPO, capture_output=True, text=True, timeout=900)
    results = [json.loads(line) for line in done.stdout.splitlines()]
    return {"mbox": [r for r in results if r["input"].startswith(f"{SENT}#")],
            "verdict": {r["message_id"]: r["verdict"] for r in results}}


@pytest.fixture(scope="module")
def scan_reference(scanned):
    return scanned["mbox"]


def agrees_with_scan(results: list[dict], scanned: dict) -> bool:
    return all(r["verdict"] == scanned["verdict"][r["message_id"]] for r in results)


# -- mbox, and the reports ---------------------------------------------------------


def test_mbox_audit_gives_the_objects_of_scan(mbox_run, scan_reference, result_schema):
    import jsonschema

    results = mbox_run["results"]
    assert len(results) == 27 == len(scan_reference)
    assert comparable(results) == comparable(scan_reference)
    assert [r["input"] for r in results] == [f"{SENT}#{n}" for n in range(1, 28)]  # source order
    for result in results:
        jsonschema.validate(result, result_schema)
        assert all("text" not in f for f in result["findings"])  # masked without --reveal
    worst = max({"pass": 0, "warn": 10, "block": 20}[r["verdict"]] for r in results)
    assert mbox_run["code"] == worst == 20


def test_csv_has_one_row_per_message_with_hashes_and_organisations(mbox_run):
    with (mbox_run["dir"] / "r.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    results = mbox_run["results"]
    assert [r["input"] for r in rows] == [r["input"] for r in results]
    for row, result in zip(rows, results, strict=True):
        assert row["verdict"] == result["verdict"]
        assert row["rules"].split() == sorted({v["rule"] for v in result["violations"]})
        assert row["message_id_hash"] == hashlib.sha256(result["message_id"].encode()).hexdigest()[:16]
        assert row["sender_org"] == result["sender"]["organisation"]
        assert row["month"] == "2025-05"
        assert "@" not in "".join(row.values())  # organisations, not addresses


def _html(path: Path):
    import lxml.html

    return lxml.html.fromstring(path.read_bytes())


def _table(doc, key: str) -> dict[str, int]:
    return {tr.get("data-key"): int(tr.xpath("td[2]/@data-count")[0])
            for tr in doc.xpath(f'//table[@data-table="{key}"]/tbody/tr')}


def test_html_report_has_charts_and_the_counts_of_the_jsonl(mbox_run):
    doc = _html(mbox_run["dir"] / "r.html")
    results = mbox_run["results"]
    for key in ("rule", "recipient", "sender", "month"):
        section = doc.xpath(f'//section[@id="chart-{key}"]')[0]
        svg = section.xpath('.//*[local-name()="svg"]')
        assert svg and svg[0].xpath('.//*[local-name()="path" or local-name()="rect"]'), key
    assert int(doc.xpath('//p[@class="messages"]/strong/@data-count')[0]) == len(results)
    verdicts = Counter(r["verdict"] for r in results)
    assert list(_table(doc, "verdicts").values())[:3] == [verdicts["block"], verdicts["warn"], verdicts["pass"]]
    counted = [(r, v) for r in results for v in r["violations"] if v["severity"] in ("block", "warn")]
    assert _table(doc, "rule") == Counter(v["rule"] for _, v in counted)
    assert _table(doc, "sender") == Counter(r["sender"]["organisation"] for r, _ in counted)
    assert _table(doc, "month") == {"2025-05": len(counted)}
    flagged = [r for r in results if r["verdict"] != "pass"]
    review = doc.xpath('//table[@class="review"]/tbody/tr')
    assert len(review) == len(flagged)
    shown = [tr.xpath("td[6]/@class")[0] for tr in review]
    assert shown == sorted(shown, key=lambda v: v != "block")  # block first
    assert review[0].xpath(".//details/ul/li")  # each violation with its message


def test_html_report_is_self_contained_and_masked(mbox_run):
    text = (mbox_run["dir"] / "r.html").read_text(encoding="utf-8")
    doc = _html(mbox_run["dir"] / "r.html")
    assert not doc.xpath("//script[@src] | //link | //img[@src] | //iframe")
    assert "http://" not in text.replace("http://www.w3.org/", "")
    assert "https://" not in text
    for svg in doc.xpath('//*[local-name()="svg"]'):
        svg.getparent().remove(svg)
    visible = doc.text_content()
    assert not re.search(r"\b\d{9,10}\b", visible)  # no V-nummer, BSN or klantnummer
    addresses = {a["address"] for r in mbox_run["results"] for a in [*r["recipients"], r["sender"]]}
    assert not [a for a in addresses if a.lower() in visible.lower()]  # masked: n***@gmail.com
    assert "***@" in visible
    import email

    subjects = [str(m["Subject"]) for m in map(email.message_from_bytes, mbox_messages(SENT)) if m["Subject"]]
    subjects = [s for s in subjects if len(s) > 12]
    assert subjects and not any(s in visible for s in subjects)


def test_html_report_in_headless_chromium(mbox_run):
    """The report as a browser shows it: four drawn charts, no request leaves the file, no script
    error, no serious accessibility problem (axe-core); a screenshot goes to test-artifacts/audit/."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (extra 'test')")
    report = (mbox_run["dir"] / "r.html").resolve()
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--headless=new",
                                                                         "--disable-gpu", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda r: r.url == report.as_uri() or problems.append(r.url))
            page.goto(report.as_uri())
            charts = page.locator("section.chart svg")
            assert charts.count() == 4
            for i in range(4):
                box = charts.nth(i).bounding_box()
                assert box and box["width"] > 300 and box["height"] > 100
            page.locator("table.review details").first.click()  # a message's violations and fixes open
            assert page.locator("table.review details").first.locator("li").first.is_visible()
            artifacts = REPO / "test-artifacts" / "audit"
            artifacts.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(artifacts / "report.png"), full_page=True)
            axe = REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
            if axe.exists():  # .ci/run installs it from npm
                page.add_script_tag(path=str(axe))
                found = page.evaluate("async () => (await axe.run(document)).violations.map(v => [v.id, v.impact])")
                assert [rule for rule, impact in found if impact in ("serious", "critical")] == []
        finally:
            browser.close()
    assert problems == []


def test_state_holds_masked_results_and_regenerates_the_reports_alone(mbox_run, tmp_path):
    state = mbox_run["dir"] / "state.sqlite"
    stored = [json.loads(t) for (t,) in db_rows(state, "SELECT json FROM results")]
    assert all("text" not in f for r in stored for f in r["findings"])
    keys = db_rows(state, "SELECT key_hash FROM seen")
    assert all(len(k) == 64 and "mbox" not in k for (k,) in keys)  # source keys as hashes only
    copy = tmp_path / "copy.sqlite"
    shutil.copy(state, copy)
    # No source needed: the reports come from the state file alone, and no message is scanned again.
    code = audit("/nonexistent", "--report-only", "--db", copy, "--jsonl", tmp_path / "again.jsonl",
                 "--out", tmp_path / "again.html")
    assert code == mbox_run["code"]
    assert jsonl(tmp_path / "again.jsonl") == mbox_run["results"]
    assert _table(_html(tmp_path / "again.html"), "rule") == _table(_html(mbox_run["dir"] / "r.html"), "rule")


def test_second_run_scans_nothing(mbox_run, tmp_path):
    copy = tmp_path / "copy.sqlite"
    shutil.copy(mbox_run["dir"] / "state.sqlite", copy)
    started = time.monotonic()
    assert audit(SENT, "--db", copy, "--jsonl", tmp_path / "r.jsonl") == mbox_run["code"]
    assert db_rows(copy, "SELECT scanned, skipped FROM runs ORDER BY id DESC LIMIT 1") == [(0, 27)]
    assert db_rows(copy, "SELECT MAX(scans) FROM results") == [(1,)]
    assert time.monotonic() - started < 60  # no worker was started (the pool is started on the first scan)


# -- resume after kill -9 ------------------------------------------------------------


def test_resume_after_sigkill_scans_every_message_exactly_once(mbox_run, tmp_path):
    db = tmp_path / "state.sqlite"
    command = [sys.executable, "-m", "scanner", "audit", str(SENT), "--workers", "1", "--db", str(db),
               "--jsonl", str(tmp_path / "r.jsonl")]
    proc = subprocess.Popen(command, cwd=REPO, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    before = 0
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    before = db_rows(db, "SELECT COUNT(*) FROM results")[0][0]
                except sqlite3.OperationalError:  # the schema is being created
                    before = 0
                if before >= 4:
                    break
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the audit and its workers, mid-run
        proc.wait(30)
    before = db_rows(db, "SELECT COUNT(*) FROM results")[0][0]
    assert 4 <= before < 27, "the audit was not stopped midway"
    assert not (tmp_path / "r.jsonl").exists()

    assert audit(SENT, "--workers", 1, "--db", db, "--jsonl", tmp_path / "r.jsonl") == mbox_run["code"]
    assert db_rows(db, "SELECT COUNT(*), MIN(scans), MAX(scans) FROM results") == [(27, 1, 1)]
    assert db_rows(db, "SELECT scanned FROM runs ORDER BY id DESC LIMIT 1") == [(27 - before,)]
    assert comparable(jsonl(tmp_path / "r.jsonl")) == comparable(mbox_run["results"])


# -- Maildir, folders, broken mboxes ----------------------------------------------------


def _sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_maildir_with_subfolders_and_a_duplicate(tmp_path, scanned):
    root = tmp_path / "Maildir"
    box = mailbox.Maildir(str(root), create=True)
    box.add(mailbox.MaildirMessage(_sample("01_pass_ind_to_dtv_vnummer.eml")))
    moved = mailbox.MaildirMessage(_sample("16_full_beschikking_to_coa.eml"))
    moved.set_subdir("cur")
    box.add(moved)
    box.add_folder("Sent").add(mailbox.MaildirMessage(_sample("19_wetransfer_link_html_only.eml")))
    nested = mailbox.Maildir(str(root / "Archief"), create=True)  # LAYOUT=fs, as Dovecot and notmuch keep them
    nested.add(mailbox.MaildirMessage(_sample("21_ngo_without_machtiging.eml")))
    nested.add(mailbox.MaildirMessage(_sample("01_pass_ind_to_dtv_vnummer.eml")))  # the same mail again
    db = tmp_path / "s.sqlite"
    code = audit(root, "--workers", 1, "--db", db, "--jsonl", tmp_path / "r.jsonl", "--out", tmp_path / "r.html")
    results = jsonl(tmp_path / "r.jsonl")
    assert len(results) == 4  # five files, one of them a duplicate: scanned once
    assert code == max({"pass": 0, "warn": 10, "block": 20}[r["verdict"]] for r in results)
    assert {Path(r["input"]).parent.parent.name for r in results} == {"Maildir", ".Sent", "Archief"}
    assert agrees_with_scan(results, scanned)
    assert db_rows(db, "SELECT COUNT(*) FROM seen") == [(5,)]
    assert _table(_html(tmp_path / "r.html"), "verdicts")["duplicates"] == 1


def _broken_mbox(path: Path) -> int:
    """Good mails around a truncated one, a body line starting with 'From ' (splits a mail), binary garbage."""
    good_a = _sample("16_full_beschikking_to_coa.eml").replace(b"\r\n", b"\n")
    good_b = _sample("02_pass_general_info_to_gemeente.eml").replace(b"\r\n", b"\n")
    truncated = _sample("26_bezettingslijst_xlsx_to_politie.eml").replace(b"\r\n", b"\n")
    truncated = truncated[: len(truncated) // 2]
    unescaped = (b"From: a@ind.nl\nTo: b@coa.nl\nSubject: overleg\n\nZie hieronder.\n"
                 b"From mijn kant geen bezwaar.\nGroet\n")
    garbage = bytes((i * 97 + 13) % 256 for i in range(3000))
    parts = [good_a, truncated, unescaped, garbage, good_b]
    path.write_bytes(b"".join(b"From x@ind.nl Mon May 05 07:02:00 2025\n" + p.rstrip(b"\n") + b"\n\n" for p in parts))
    return len(mbox_messages(path))


@pytest.fixture(scope="module")
def folder_run(tmp_path_factory):
    """A folder audit: .eml files in nested folders, a note and a hidden file left out, a broken mbox inside."""
    root = tmp_path_factory.mktemp("folder")
    tree = root / "verzonden"
    (tree / "a" / "b").mkdir(parents=True)
    shutil.copy(SAMPLES / "19_wetransfer_link_html_only.eml", tree / "a" / "x.eml")
    shutil.copy(SAMPLES / "03_pass_kamerbrief_to_vluchtelingenwerk.eml", tree / "a" / "b" / "y.eml")
    (tree / "a" / "notes.txt").write_text("geen mail")  # not a mail: left out of a mail audit
    (tree / "a" / ".hidden.eml").write_bytes(_sample("01_pass_ind_to_dtv_vnummer.eml"))
    count = _broken_mbox(tree / "kapot.mbox")
    out = root / "out"
    code = audit(tree, "--workers", 1, "--jsonl", out / "r.jsonl", "--csv", out / "r.csv")
    return {"code": code, "tree": tree, "out": out, "mbox_count": count, "results": jsonl(out / "r.jsonl")}


def test_folder_of_eml_recursive(folder_run, scanned):
    assert (folder_run["out"] / "r.sqlite").exists()  # the state lives beside the reports by default
    mails = [r for r in folder_run["results"] if r["input"].endswith(".eml")]
    assert sorted(Path(r["input"]).name for r in mails) == ["x.eml", "y.eml"]
    assert agrees_with_scan(mails, scanned)


def test_broken_messages_in_an_mbox_are_reported_and_the_rest_audited(folder_run, scanned):
    box = folder_run["tree"] / "kapot.mbox"
    assert folder_run["mbox_count"] == 6  # the unescaped 'From ' line made two messages of one
    results = [r for r in folder_run["results"] if "kapot.mbox#" in r["input"]]
    assert [r["input"] for r in results] == [f"{box}#{n}" for n in range(1, 7)]
    assert agrees_with_scan([results[0], results[-1]], scanned)  # the good mails around the broken ones
    garbage = results[4]
    assert "UNSCANNABLE_ATTACHMENT" in {v["rule"] for v in garbage["violations"]}


def test_shared_mailing_list_mboxes_each_message_once(tmp_path):
    folder = shared_path("data", "mbox-samples", "tests", "data")
    expected = sum(len(mbox_messages(p)) for p in folder.rglob("*.mbox"))
    assert audit(folder, "--workers", 1, "--jsonl", tmp_path / "r.jsonl") in (0, 10, 20)
    results = jsonl(tmp_path / "r.jsonl")
    inputs = [r["input"] for r in results]
    assert len(inputs) == len(set(inputs)) <= expected
    # Identical messages in two archives are one result; every distinct message has one.
    distinct = {hashlib.sha256(b).hexdigest() for p in folder.rglob("*.mbox") for b in _raw_of(p)}
    assert len(results) == len(distinct)


def _raw_of(path: Path) -> list[bytes]:
    from scanner.ingest.sources import iter_mbox

    return [raw.data or raw.key.encode() for raw in iter_mbox(path)]


def test_shared_nested_maildir(tmp_path):
    root = shared_path("data", "maildir-samples", "test", "corpora", "default")
    from scanner.ingest.sources import count_source, iter_source

    distinct = {hashlib.sha256(r.data).hexdigest() for r in iter_source(root, documents=False)}
    assert count_source(root, documents=False) == sum(1 for _ in iter_source(root, documents=False))
    assert audit(root, "--workers", 1, "--jsonl", tmp_path / "r.jsonl") in (0, 10, 20)
    assert len(jsonl(tmp_path / "r.jsonl")) == len(distinct)


# -- a message over its time budget -------------------------------------------------------


def test_message_over_its_budget_is_an_unscannable_result_not_a_gap(tmp_path):
    (tmp_path / "in").mkdir()
    shutil.copy(SAMPLES / "02_pass_general_info_to_gemeente.eml", tmp_path / "in" / "m.eml")
    overlay = tmp_path / "policy.toml"
    overlay.write_text("[audit]\ntimeout_seconds = 0.001\n")
    db = tmp_path / "s.sqlite"
    code = audit(tmp_path / "in", "--workers", 1, "--policy", overlay, "--db", db, "--jsonl", tmp_path / "r.jsonl")
    [result] = jsonl(tmp_path / "r.jsonl")
    assert code == 10 and result["verdict"] == "warn"
    assert [v["rule"] for v in result["violations"]] == ["UNSCANNABLE_ATTACHMENT"]
    assert db_rows(db, "SELECT error FROM results") == [(1,)]


# -- IMAP against a real Dovecot -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@pytest.fixture(scope="module")
def dovecot():
    """A private Dovecot on a free loopback port: user 'auditor', mail stored as the 'nobody' user."""
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not Path(binary).exists():
        pytest.skip("Debian package dovecot-imapd is not installed (.ci/run installs it)")
    if os.geteuid() != 0:
        pytest.skip("Dovecot's master process must start as root to switch to its internal users")
    import pwd

    for user in ("dovecot", "dovenull", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            pytest.skip(f"system user {user} is missing (the dovecot-core package creates it)")
    nobody = pwd.getpwnam("nobody")
    root = Path(tempfile.mkdtemp(prefix="verzendcheck-dovecot-"))
    root.chmod(0o755)  # the mail user and Dovecot's login processes must reach their folders
    (root / "mail").mkdir()
    os.chown(root / "mail", nobody.pw_uid, nobody.pw_gid)
    (root / "passwd").write_text(f"auditor:{{PLAIN}}geheim:{nobody.pw_uid}:{nobody.pw_gid}::{root}/mail/auditor\n")
    port = _free_port()
    conf = root / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(root=root, port=port))
    proc = subprocess.Popen([binary, "-c", str(conf), "-F"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.skip(f"Dovecot did not start: {proc.stderr.read().decode(errors='replace')[:300]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.skip("Dovecot did not open its port within 20 s")
    yield {"port": port, "user": "auditor", "password": "geheim"}
    proc.terminate()
    proc.wait(10)
    shutil.rmtree(root, ignore_errors=True)


def _imap(dovecot):
    from imapclient import IMAPClient

    client = IMAPClient("127.0.0.1", port=dovecot["port"], ssl=False)
    client.login(dovecot["user"], dovecot["password"])
    return client


def test_imap_sent_folder_on_dovecot(dovecot, mbox_run, tmp_path, monkeypatch):
    messages = mbox_messages(SENT)
    chosen = [0, 8, 11, 12, 24]  # pass, warn and block mails of sent.mbox
    client = _imap(dovecot)
    client.create_folder("Sent")
    for index in chosen:
        client.append("Sent", messages[index].split(b"\n", 1)[1])  # without the mbox From_ line
    url = f"imap://auditor@127.0.0.1:{dovecot['port']}/Sent"
    db = tmp_path / "s.sqlite"

    monkeypatch.delenv("VERZENDCHECK_IMAP_PASSWORD", raising=False)
    assert audit(url, "--db", db) == 2  # no password: a usage error, nothing scanned
    monkeypatch.setenv("VERZENDCHECK_IMAP_PASSWORD", "fout")
    assert audit(url, "--db", db) == 2

    monkeypatch.setenv("VERZENDCHECK_IMAP_PASSWORD", dovecot["password"])
    code = audit(url, "--workers", 1, "--db", db, "--jsonl", tmp_path / "r.jsonl", "--out", tmp_path / "r.html")
    results = jsonl(tmp_path / "r.jsonl")
    expected = {r["message_id"]: r["verdict"] for r in mbox_run["results"]}
    assert [r["message_id"] for r in results] == [mbox_run["results"][i]["message_id"] for i in chosen]
    assert {r["message_id"]: r["verdict"] for r in results} == {m: expected[m] for m in
                                                                  (r["message_id"] for r in results)}
    assert code == 20
    assert all(r["input"].startswith(f"imap://auditor@127.0.0.1:{dovecot['port']}/Sent#") for r in results)
    client.select_folder("Sent", readonly=True)
    assert len(client.search(["UNSEEN"])) == len(chosen)  # the audit read with BODY.PEEK[]: nothing marked read

    # A new sent mail: the next run fetches and scans only that one (UIDs known under this UIDVALIDITY).
    client.append("Sent", messages[15].split(b"\n", 1)[1])
    client.logout()
    audit(url, "--workers", 1, "--db", db, "--jsonl", tmp_path / "r.jsonl")
    assert db_rows(db, "SELECT scanned, skipped FROM runs ORDER BY id DESC LIMIT 1") == [(1, 0)]
    assert len(jsonl(tmp_path / "r.jsonl")) == len(chosen) + 1


def test_imap_url_and_an_unreachable_server(tmp_path, monkeypatch, capsys):
    from scanner.ingest.imap import ImapSource, parse_imap_url

    assert parse_imap_url("imaps://j.jansen%40ind.nl@mail.ind.nl/Verzonden%20items") == ImapSource(
        "j.jansen@ind.nl", "mail.ind.nl", 993, "Verzonden items", True)
    assert parse_imap_url("imap://u@127.0.0.1:1143").folder == "INBOX"
    monkeypatch.setenv("VERZENDCHECK_IMAP_PASSWORD", "geheim-wachtwoord")
    assert audit(f"imap://u@127.0.0.1:{_free_port()}/Sent", "--db", tmp_path / "s.sqlite") == 2
    err = capsys.readouterr().err
    assert "niet bereikbaar" in err and "geheim-wachtwoord" not in err


# -- Dask ------------------------------------------------------------------------------------


def test_dask_local_cluster_gives_the_jsonl_of_the_local_run(mbox_run, tmp_path):
    distributed = pytest.importorskip("distributed", reason="dask.distributed is the extra 'dask'")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        code = audit(SENT, "--dask", cluster.scheduler_address, "--db", tmp_path / "s.sqlite",
                     "--jsonl", tmp_path / "r.jsonl")
    assert code == mbox_run["code"]
    assert comparable(jsonl(tmp_path / "r.jsonl")) == comparable(mbox_run["results"])


# -- progress ------------------------------------------------------------------------------


def test_plain_progress_lines_give_count_rate_and_time_left():
    import io

    from scanner.audit.progress import PlainProgress

    stream = io.StringIO()
    with PlainProgress(total=10, every=0.5, stream=stream) as progress:
        for verdict in ["pass", "warn", None, "block"]:
            progress.advance(verdict)
            time.sleep(0.4)
    lines = stream.getvalue().splitlines()
    assert len(lines) <= 3  # periodic lines and one at the end, not one per message
    assert re.fullmatch(r"audit: [23]/10 berichten warn=1 pass=1", lines[0])  # under a second: no rate yet
    assert re.fullmatch(r"audit: 4/10 berichten, \d\.\d/s, nog ongeveer \d s block=1 warn=1 pass=1", lines[-1])


def test_the_audit_and_the_hook_hash_a_message_id_alike():
    """A privacy officer can match the hook's decision log to the audit's CSV by the Message-ID digest."""
    from scanner.hook.server import message_id_hash
    from scanner.privacy import message_id_digest

    raw = b"From: a@ind.nl\r\nMessage-ID:\r\n  <abc.123@ind.nl>\r\nSubject: x\r\n\r\nTekst\r\n"
    hook = message_id_hash(raw)
    assert hook == message_id_digest("<abc.123@ind.nl>")
    assert len(hook) == 64 and "abc" not in hook
    assert message_id_digest("  ") is None
