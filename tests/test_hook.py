"""`verzendcheck smtp-proxy` end to end (CONTRACT §6): a real SMTP client -> the proxy -> a receiving
aiosmtpd server that stores what arrives; faults, load, hostile input; and a real Postfix in front.

One worker pool (two warm workers) is shared by every proxy in this module; the scan budget is made
short by a policy overlay so the hanging-scan test waits seconds, not the default 30.
"""

from __future__ import annotations

import email
import json
import os
import re
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import hook_tasks
import pytest
from smtp_sink import SmtpSink, outgoing_mail

from scanner.hook.replies import ascii_safe, smtp_reply, with_verdict_headers
from scanner.hook.server import HookServer, HookSettings, message_id_hash, parse_address
from scanner.policy import load_policy
from scanner.pool import WorkerPool

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
BUDGET = 6.0  # seconds a scan may take in these tests (the policy default is 30)
LIMIT = 10 * 1024 * 1024  # 10 MB message limit in these tests
REPLY_LINE = re.compile(rb"^\d{3}[- ][ -~]*$")


# -- fixtures ------------------------------------------------------------------


@pytest.fixture(scope="module")
def overlay(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("hook") / "hook.toml"
    path.write_text(f"[hook]\ntimeout_seconds = {BUDGET}\nmax_message_bytes = {LIMIT}\nqueue_seconds = 60.0\n")
    return str(path)


@pytest.fixture(scope="module")
def pool(overlay):
    pool = WorkerPool(2, initargs=(overlay,), timeout=BUDGET).start()
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def _proxy(overlay: str, pool: WorkerPool, relay_port: int, log_path: Path, **kw) -> HookServer:
    policy = load_policy(overlay)
    settings = HookSettings.from_policy(policy, listen=("127.0.0.1", 0), relay=("127.0.0.1", relay_port),
                                        policy_path=overlay, decision_log=str(log_path), **kw)
    return HookServer(settings, policy=policy, pool=pool, task=hook_tasks.scan_or_fault).start()


@pytest.fixture(scope="module")
def decision_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hooklog") / "decisions.jsonl"


@pytest.fixture(scope="module")
def proxy(overlay, pool, sink, decision_log):
    server = _proxy(overlay, pool, sink.port, decision_log, mode="enforce")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def monitor(overlay, pool, sink, tmp_path_factory):
    server = _proxy(overlay, pool, sink.port, tmp_path_factory.mktemp("mon") / "d.jsonl", mode="monitor")
    yield server
    server.stop()


@pytest.fixture()
def fresh(sink):
    """The sink empty and answering normally before and after each test."""
    sink.stored.clear()
    sink.refuse.clear()
    sink.data_reply = None
    yield sink
    sink.refuse.clear()
    sink.data_reply = None


# -- helpers -------------------------------------------------------------------


def crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def sample(name: str) -> bytes:
    return crlf((SAMPLES / name).read_bytes())


def header_recipients(data: bytes) -> list[str]:
    msg = email.message_from_bytes(data)
    return [addr for _, addr in email.utils.getaddresses(msg.get_all("To", []) + msg.get_all("Cc", []))]


def send(server: HookServer, data: bytes, recipients: list[str] | None = None, sender: str = "afzender@ind.nl"):
    """(code, reply bytes) for one mail through the proxy; recipients default to the header's To and Cc."""
    with smtplib.SMTP(*server.address, timeout=60) as client:
        try:
            refused = client.sendmail(sender, recipients or header_recipients(data), data)
        except smtplib.SMTPDataError as exc:
            return exc.smtp_code, exc.smtp_error
        except smtplib.SMTPSenderRefused as exc:
            return exc.smtp_code, exc.smtp_error
        assert not refused
        return 250, b""


def with_header(data: bytes, line: bytes) -> bytes:
    return line + b"\r\n" + data


def with_motivation(data: bytes) -> bytes:
    head, sep, body = data.partition(b"\r\n\r\n")
    return head + sep + b"Motivering: de opvang heeft dit nodig voor de huisvesting.\r\n\r\n" + body


def pass_mail(tag: str) -> bytes:
    """A short pass mail inside the kleine keten with a unique Message-ID."""
    body = "Beste collega,\n\nZullen we dinsdag om tien uur overleggen over de planning?\n\nGroet,\nIND\n"
    return outgoing_mail(f"{tag}@test.verzendcheck", body)


def stored_with(sink: SmtpSink, marker: bytes) -> list:
    return [m for m in sink.messages() if marker in m.data]


# -- the replies, without a server --------------------------------------------


def test_ascii_safe_transliterates_and_removes_line_breaks():
    assert ascii_safe("Coördinatie café\r\n250 OK\x00") == "Coordinatie cafe 250 OK"


def test_smtp_reply_is_multiline_with_code_on_every_line():
    reply = smtp_reply(550, "5.7.1", ["eerste regel", "tweede " * 30])
    lines = reply.split("\r\n")
    assert lines[0].startswith("550-5.7.1 eerste")
    assert all(line.startswith("550-5.7.1 ") for line in lines[:-1]) and lines[-1].startswith("550 5.7.1 ")
    assert all(len(line) <= 100 for line in lines)


def test_verdict_headers_replace_forged_ones_and_keep_the_rest_byte_for_byte():
    original = b"X-Verzendcheck-Verdict: pass\r\n\tfolded\r\nSubject: x\r\nx-verzendcheck-rules: none\r\n\r\nBody\r\n"
    out = with_verdict_headers(original, "block", ["BANNED_CHANNEL"])
    assert out == (b"X-Verzendcheck-Verdict: block\r\nX-Verzendcheck-Rules: BANNED_CHANNEL\r\n"
                   b"Subject: x\r\n\r\nBody\r\n")
    body_only = b"Subject: y\r\n\r\nX-Verzendcheck-Verdict: pass in the body stays\r\n"
    assert with_verdict_headers(body_only, "pass", []).endswith(body_only)


def _result_with(*violations):
    from scanner.model import Result

    return Result(input="smtp.eml", message_id=None, verdict="warn", sender=None, recipients=[], findings=[],
                  violations=list(violations), suggestions=[], errors=[], elapsed_ms=1.0)


def test_replies_take_the_policys_fix_never_the_rendered_one_with_names_from_the_mail():
    from scanner.hook.replies import block_reply, warn_reply
    from scanner.model import Violation

    policy = load_policy(None)
    full = Violation("FULL_BESCHIKKING", "warn", "beschikking_Jansen.pdf is een volledige beschikking", "H",
                     ["j.jansen@coa.nl"], "beschikking_Jansen.pdf", "Stuur alleen pagina 1, 11 en 12 van "
                     "beschikking_Jansen.pdf mee.")
    info = Violation("USE_CHAIN_SYSTEM", "info", "…", "H")
    nl = warn_reply(_result_with(full, info), policy, "nl")
    assert "FULL_BESCHIKKING: Stuur alleen pagina 1 en de laatste twee van de bijlage mee." in " ".join(
        line[10:] for line in nl.split("\r\n"))
    assert "Jansen" not in nl and "coa.nl" not in nl and "USE_CHAIN_SYSTEM" not in nl and "Motivering:" in nl
    en = block_reply(_result_with(full), policy, "en")
    assert "NOT sent" in en and "Attach only pages 1 and the last two of the attachment." in " ".join(
        line[10:] for line in en.split("\r\n"))
    assert all(line.isascii() for line in (nl + en).split("\r\n"))


def test_parse_address():
    assert parse_address("127.0.0.1:10025") == ("127.0.0.1", 10025)
    assert parse_address("[::1]:25") == ("::1", 25)
    with pytest.raises(ValueError):
        parse_address("localhost")


# -- end to end ----------------------------------------------------------------


def test_pass_is_relayed_with_headers_and_the_original_bytes(proxy, fresh):
    data = sample("01_pass_ind_to_dtv_vnummer.eml")
    assert send(proxy, data) == (250, b"")
    [stored] = fresh.messages()
    prefix = b"X-Verzendcheck-Verdict: pass\r\nX-Verzendcheck-Rules: none\r\n"
    assert stored.data == prefix + data
    assert stored.recipients == ["r.vermeulen@dtv.minvenj.nl"]


def test_8bit_utf8_mail_and_utf8_address_are_relayed_without_re_encoding(proxy, fresh):
    data = crlf("From: bmw.zwolle@ind.nl\nTo: regie@dtv.minvenj.nl\nSubject: Coördinatie\n"
                "Message-ID: <utf8@test.verzendcheck>\nMIME-Version: 1.0\n"
                "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                "Beste collega, de coördinatie van de vergadering verschuift naar één uur.\n".encode())
    with smtplib.SMTP(*proxy.address, timeout=60) as client:
        client.ehlo()
        assert client.has_extn("8bitmime") and client.has_extn("smtputf8")
        client.sendmail("jörg.de.boer@ind.nl", ["regie@dtv.minvenj.nl"], data,
                        mail_options=["BODY=8BITMIME", "SMTPUTF8"])
    [stored] = fresh.messages()
    assert stored.data.endswith(data) and stored.data[: -len(data)].count(b"\r\n") == 2
    assert "BODY=8BITMIME" in stored.mail_options and "SMTPUTF8" in stored.mail_options
    assert stored.sender == "jörg.de.boer@ind.nl"


def test_block_gets_550_with_rule_ids_and_fixes_and_nothing_is_relayed(proxy, fresh):
    code, reply = send(proxy, sample("19_wetransfer_link_html_only.eml"))
    assert code == 550
    text = reply.decode("ascii")
    assert text.startswith("5.7.1 ") and "BANNED_CHANNEL" in text
    assert "Bestandenpostbus" in text  # the policy's fix
    assert "Haile" not in text and "incident" not in text  # nothing from the mail
    assert fresh.messages() == []


def test_warn_without_motivation_gets_550_asking_for_motivering(proxy, fresh):
    code, reply = send(proxy, sample("25_cc_overreach_many_organisations.eml"))
    assert code == 550
    assert b"CC_OVERREACH" in reply and b"Motivering:" in reply
    assert fresh.messages() == []


def test_motivering_line_turns_warn_into_250(proxy, fresh):
    data = with_motivation(sample("25_cc_overreach_many_organisations.eml"))
    assert send(proxy, data) == (250, b"")
    [stored] = fresh.messages()
    assert stored.data.endswith(data)
    assert b"X-Verzendcheck-Rules: CC_OVERREACH" in stored.data.split(b"\r\n\r\n")[0]


def test_motivering_confirms_a_warn_it_does_not_lower(proxy, fresh):
    data = sample("20_zoom_link_to_gemeente.eml")
    assert send(proxy, data)[0] == 550
    assert send(proxy, with_motivation(data)) == (250, b"")
    [stored] = fresh.messages()
    assert stored.data.startswith(b"X-Verzendcheck-Verdict: warn\r\nX-Verzendcheck-Rules: BANNED_CHANNEL")


def test_envelope_recipients_not_in_to_or_cc_count_as_bcc(proxy, fresh, decision_log):
    data = sample("01_pass_ind_to_dtv_vnummer.eml")
    recipients = ["r.vermeulen@dtv.minvenj.nl", "extra@gmail.com"]
    code, _ = send(proxy, data, recipients)
    assert code == 550  # personal data to a webmail address nobody sees in the headers
    last = json.loads(decision_log.read_text().splitlines()[-1])
    assert {"field": "bcc", "organisation": None, "category": "webmail"} in last["recipients"]


def test_monitor_relays_a_block_with_its_verdict(monitor, fresh):
    data = sample("19_wetransfer_link_html_only.eml")
    assert send(monitor, data) == (250, b"")
    [stored] = fresh.messages()
    assert stored.data == b"X-Verzendcheck-Verdict: block\r\nX-Verzendcheck-Rules: BANNED_CHANNEL\r\n" + data


def test_decision_log_has_the_decision_and_no_personal_data(proxy, fresh, decision_log):
    send(proxy, sample("19_wetransfer_link_html_only.eml"))
    text = decision_log.read_text()
    record = json.loads(text.splitlines()[-1])
    assert record["verdict"] == "block" and record["action"] == "refused_block" and record["code"] == 550
    assert record["rules"] == ["BANNED_CHANNEL"]
    assert record["message_id_sha256"] == message_id_hash(sample("19_wetransfer_link_html_only.eml"))
    assert {"time", "scan_ms", "total_ms", "recipients", "mode"} <= set(record)
    for personal in ("Haile", "Mulder", "Vos", "politie.nl", "coa.nl", "incident", "we.tl", "20250511"):
        assert personal not in text


# -- never lose a mail ---------------------------------------------------------


def test_relay_refusal_is_passed_back_and_nothing_is_half_delivered(proxy, fresh):
    fresh.data_reply = "554 5.7.0 Rejected by the relay"
    code, reply = send(proxy, pass_mail("relay-554"))
    assert (code, reply.split(b"\n")[0]) == (554, b"5.7.0 Rejected by the relay")
    fresh.data_reply = None
    data = pass_mail("relay-450")
    fresh.refuse["later@dtv.minvenj.nl"] = "450 4.2.1 Mailbox busy"
    code, reply = send(proxy, data, ["regie@dtv.minvenj.nl", "later@dtv.minvenj.nl"])
    assert code == 450 and reply.startswith(b"4.2.1")
    assert fresh.messages() == []  # the other recipient got nothing either: the sender's MTA retries for both


def test_relay_down_gives_451_and_the_retry_is_delivered_once(proxy, fresh):
    data = pass_mail("relay-down")
    fresh.stop()
    try:
        code, reply = send(proxy, data)
        assert code == 451 and reply.startswith(b"4.3.0")
    finally:
        fresh.start()
    assert send(proxy, data) == (250, b"")
    assert len(stored_with(fresh, b"relay-down@test")) == 1


def test_scanner_exception_gives_451_and_the_next_mail_passes(proxy, fresh):
    code, reply = send(proxy, with_header(pass_mail("raise"), b"X-Test-Fault: raise"))
    assert code == 451 and reply.startswith(b"4.3.0")
    assert send(proxy, pass_mail("after-raise")) == (250, b"")
    assert stored_with(fresh, b"<raise@test") == [] and len(stored_with(fresh, b"after-raise@test")) == 1


def test_hanging_scan_gives_451_within_the_budget_and_the_proxy_serves_on(proxy, fresh, pool):
    began = time.monotonic()
    code, reply = send(proxy, with_header(pass_mail("hang"), b"X-Test-Fault: hang"))
    waited = time.monotonic() - began
    assert code == 451 and reply.startswith(b"4.3.0")
    assert BUDGET <= waited < BUDGET + 10
    assert pool.stats.timed_out >= 1
    assert send(proxy, pass_mail("after-hang")) == (250, b"")
    assert stored_with(fresh, b"<hang@test") == [] and len(stored_with(fresh, b"after-hang@test")) == 1


def test_load_200_mails_over_20_connections_each_accounted_for(proxy, fresh):
    block = sample("19_wetransfer_link_html_only.eml")

    def connection(n: int) -> list[tuple[str, int]]:
        answers = []
        with smtplib.SMTP(*proxy.address, timeout=120) as client:
            for i in range(10):
                tag = f"load-{n}-{i}"
                if i % 5 == 4:
                    data = block.replace(b"Message-ID: <", f"Message-ID: <{tag}.".encode(), 1)
                    rcpts = header_recipients(data)
                else:
                    data, rcpts = pass_mail(tag), ["regie@dtv.minvenj.nl"]
                try:
                    client.sendmail("bmw.zwolle@ind.nl", rcpts, data)
                    answers.append((tag, 250))
                except smtplib.SMTPDataError as exc:
                    answers.append((tag, exc.smtp_code))
        return answers

    with ThreadPoolExecutor(20) as workers:
        answers = [a for batch in workers.map(connection, range(20)) for a in batch]
    assert len(answers) == 200
    codes = dict(answers)
    assert sorted(set(codes.values())) == [250, 550]
    delivered = [re.search(rb"Message-ID: <([^.@>]+)", m.data).group(1).decode() for m in fresh.messages()]
    assert len(delivered) == len(set(delivered))  # none twice
    assert sorted(delivered) == sorted(tag for tag, code in answers if code == 250)  # each 250 arrived


# -- hostile input -------------------------------------------------------------


def _raw_smtp(address: tuple[str, int], commands: list[bytes], data: bytes) -> list[bytes]:
    """Talk SMTP by hand and return the reply lines to the end of DATA, exactly as sent."""
    with socket.create_connection(address, timeout=60) as sock:
        reader = sock.makefile("rb")

        def reply() -> list[bytes]:
            lines = []
            while True:
                line = reader.readline().rstrip(b"\r\n")
                lines.append(line)
                if line[3:4] != b"-":
                    return lines

        reply()
        for command in commands:
            sock.sendall(command + b"\r\n")
            reply()
        sock.sendall(data + b".\r\n")
        return reply()


def test_crlf_in_subject_and_file_name_cannot_add_smtp_lines(proxy, fresh):
    # CR LF hidden in an encoded-word subject and an RFC 2231 file name: decoders turn them into real line breaks.
    data = crlf(
        b"From: beveiliging.budel@coa.nl\nTo: wijkagent@politie.nl\n"
        b"Subject: =?utf-8?q?Beelden=0D=0A250_2=2E0=2E0_Ok:_queued=0D=0A?=\n"
        b"Message-ID: <inject@test.verzendcheck>\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain; charset=utf-8\n\n'
        b"De bestanden staan klaar: https://we.tl/t-Ab12Cd34Ef\n--b1\nContent-Type: application/pdf\n"
        b"Content-Disposition: attachment; filename*=utf-8''dossier%0D%0A250%202.0.0%20Ok%0D%0A.pdf\n"
        b"Content-Transfer-Encoding: base64\n\nJVBERi0xLjQgeA==\n--b1--\n"
    )
    lines = _raw_smtp(proxy.address, [b"EHLO test", b"MAIL FROM:<beveiliging.budel@coa.nl>",
                                      b"RCPT TO:<wijkagent@politie.nl>", b"DATA"], data)
    assert all(REPLY_LINE.match(line) for line in lines)
    assert all(line.startswith((b"550-5.7.1 ", b"550 5.7.1 ")) for line in lines)
    assert not any(b"queued" in line or b"dossier" in line or b"Beelden" in line for line in lines)
    assert fresh.messages() == []


def test_11_mb_with_a_10_mb_limit_gets_552(proxy, fresh):
    body = (b"x" * 76 + b"\r\n") * (11 * 1024 * 1024 // 78)
    data = b"From: a@ind.nl\r\nTo: b@ind.nl\r\nSubject: groot\r\n\r\n" + body
    with smtplib.SMTP(*proxy.address, timeout=120) as client:
        client.ehlo()
        assert client.esmtp_features["size"] == str(LIMIT)
        with pytest.raises(smtplib.SMTPSenderRefused) as declared:  # SIZE= in MAIL FROM
            client.sendmail("a@ind.nl", ["b@ind.nl"], data)
        assert declared.value.smtp_code == 552 and declared.value.smtp_error.startswith(b"5.3.4")
        client.rset()
        client.mail("a@ind.nl")  # no SIZE: the limit bites while the data arrives
        client.rcpt("b@ind.nl")
        code, reply = client.data(data)
        assert code == 552 and reply.startswith(b"5.3.4")
    assert fresh.messages() == []


# -- SMTP extensions and TLS ---------------------------------------------------


def test_ehlo_offers_size_8bitmime_smtputf8_pipelining(proxy):
    with smtplib.SMTP(*proxy.address, timeout=30) as client:
        client.ehlo()
        for extension in ("size", "8bitmime", "smtputf8", "pipelining", "xforward"):
            assert client.has_extn(extension), extension
        assert not client.has_extn("starttls") and not client.has_extn("auth")
        assert client.docmd("XFORWARD", "NAME=clerk.test ADDR=10.0.0.7")[0] == 250
        assert client.docmd("XFORWARD", "COLOUR=red")[0] == 501
        client.mail("bmw.zwolle@ind.nl")
        assert client.docmd("XFORWARD", "NAME=late.test")[0] == 503


def test_pipelined_commands_are_answered_in_order(proxy, fresh):
    data = pass_mail("pipelined")
    with socket.create_connection(proxy.address, timeout=60) as sock:
        reader = sock.makefile("rb")
        reader.readline()
        sock.sendall(b"EHLO test\r\n")
        while reader.readline()[3:4] == b"-":
            pass
        sock.sendall(b"MAIL FROM:<bmw.zwolle@ind.nl>\r\nRCPT TO:<regie@dtv.minvenj.nl>\r\nDATA\r\n")
        assert [reader.readline()[:3] for _ in range(3)] == [b"250", b"250", b"354"]
        sock.sendall(data + b".\r\n")
        assert reader.readline()[:3] == b"250"
    assert len(stored_with(fresh, b"pipelined@test")) == 1


@pytest.fixture(scope="module")
def tls_proxy(overlay, pool, sink, tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no test certificate can be made")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=localhost", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    server = _proxy(overlay, pool, sink.port, folder / "d.jsonl", mode="enforce", tls_cert=str(cert),
                    tls_key=str(key))
    yield server
    server.stop()


def test_starttls_with_the_given_certificate(tls_proxy, fresh):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with smtplib.SMTP(*tls_proxy.address, timeout=60) as client:
        client.ehlo()
        assert client.has_extn("starttls")
        client.starttls(context=context)
        client.ehlo()
        assert client.sock.version() is not None
        client.sendmail("bmw.zwolle@ind.nl", ["regie@dtv.minvenj.nl"], pass_mail("tls"))
    assert len(stored_with(fresh, b"tls@test")) == 1


# -- a real Postfix in front ---------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


MASTER_CF = """\
127.0.0.1:{smtpd} inet n - n - - smtpd
  -o smtpd_proxy_filter=127.0.0.1:{proxy}
  -o smtpd_proxy_timeout=120s
127.0.0.1:{reinject} inet n - n - - smtpd
  -o smtpd_proxy_filter=
  -o smtpd_authorized_xforward_hosts=127.0.0.0/8
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
"""

MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {root}/queue
data_directory = {root}/data
myhostname = postfix.verzendcheck.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:{sink}
smtpd_relay_restrictions = permit_mynetworks, reject
smtp_tls_security_level = none
smtp_host_lookup = native
alias_maps =
alias_database =
local_recipient_maps =
maillog_file_prefixes = {root}
maillog_file = {root}/maillog
syslog_name = postfix-verzendcheck-test
"""


def _postfix(root: Path, verb: str) -> subprocess.CompletedProcess:
    return subprocess.run(["postfix", "-c", str(root / "conf"), verb], capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def postfix(overlay, pool, tmp_path_factory):
    """Postfix on loopback: smtpd (with smtpd_proxy_filter -> the proxy) and a reinjection smtpd, relaying
    to its own receiving sink. Yields (smtpd port, sink, the instance's folder)."""
    if shutil.which("postfix") is None:
        pytest.skip("Debian's postfix is not installed (.ci/run installs it)")
    if os.geteuid() != 0:
        pytest.skip("a private Postfix instance needs root (root-owned queue, the postfix user and postdrop group)")
    # Postfix's daemons run as the postfix user: the tree must be reachable for it (pytest's tmp is 0700).
    root = Path(tempfile.mkdtemp(prefix="verzendcheck-postfix-", dir="/tmp"))
    root.chmod(0o755)
    (root / "conf").mkdir()
    (root / "data").mkdir()
    (root / "queue").mkdir()
    shutil.chown(root / "data", "postfix")
    sink = SmtpSink().start()
    smtpd, reinject = _free_port(), _free_port()
    server = _proxy(overlay, pool, reinject, root / "decisions.jsonl", mode="enforce")
    (root / "conf" / "main.cf").write_text(MAIN_CF.format(root=root, sink=sink.port))
    (root / "conf" / "master.cf").write_text(MASTER_CF.format(smtpd=smtpd, proxy=server.address[1],
                                                              reinject=reinject))
    started = _postfix(root, "start")
    try:
        if started.returncode != 0:
            log = (root / "maillog").read_text() if (root / "maillog").exists() else started.stderr
            pytest.fail(f"postfix did not start: {log[-2000:]}")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", smtpd), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield smtpd, sink, root
    finally:
        _postfix(root, "stop")
        server.stop()
        sink.stop()
        shutil.rmtree(root, ignore_errors=True)


def _wait_for(sink: SmtpSink, marker: bytes, seconds: float = 30) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = stored_with(sink, marker)
        if found:
            return found
        time.sleep(0.2)
    return []


def test_postfix_pass_mail_arrives_with_the_verdict_headers(postfix):
    port, sink, root = postfix
    data = pass_mail("postfix-pass")
    with smtplib.SMTP("127.0.0.1", port, timeout=120, local_hostname="clerk-pc.verzendcheck.test") as client:
        assert client.sendmail("bmw.zwolle@ind.nl", ["regie@dtv.minvenj.nl"], data) == {}
    [arrived] = _wait_for(sink, b"postfix-pass@test")
    head = arrived.data.split(b"\r\n\r\n")[0]
    assert b"X-Verzendcheck-Verdict: pass" in head and b"X-Verzendcheck-Rules: none" in head
    assert arrived.data.endswith(data.split(b"\r\n\r\n", 1)[1])  # the body as the client sent it
    # Postfix's Received header as the clerk's client greeted it, above our headers, and the proxy's
    # XFORWARD of the original client on the reinjection port (Postfix logs it as orig_client=).
    assert b"from clerk-pc.verzendcheck.test" in head
    assert "orig_client=localhost[127.0.0.1]" in (root / "maillog").read_text()
    assert arrived.recipients == ["regie@dtv.minvenj.nl"]


def test_postfix_block_mail_is_refused_to_the_client_with_the_550_text(postfix):
    port, sink, _ = postfix
    with smtplib.SMTP("127.0.0.1", port, timeout=120) as client:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.sendmail("beveiliging.budel@coa.nl", ["wijkagent.cranendonck@politie.nl"],
                            sample("19_wetransfer_link_html_only.eml"))
    assert refused.value.smtp_code == 550
    assert b"5.7.1" in refused.value.smtp_error and b"BANNED_CHANNEL" in refused.value.smtp_error
    assert b"Bestandenpostbus" in refused.value.smtp_error  # the fix, from a later line of the multi-line reply
    time.sleep(1)
    assert stored_with(sink, b"F1021BDA71FE1540") == []


# -- the command line ----------------------------------------------------------


def test_cli_serves_and_stops_cleanly_on_sigterm(overlay, fresh, tmp_path):
    log_path = tmp_path / "decisions.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "scanner", "smtp-proxy", "--listen", "127.0.0.1:0", "--relay",
         f"127.0.0.1:{fresh.port}", "--workers", "1", "--policy", overlay, "--decision-log", str(log_path)],
        cwd=REPO, stderr=subprocess.PIPE, text=True,
    )
    try:
        address = None
        for line in proc.stderr:  # the proxy says where it listens once the worker is warm
            found = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
            if found:
                address = ("127.0.0.1", int(found.group(1)))
                break
        assert address, "the proxy never listened"
        threading.Thread(target=proc.stderr.read, daemon=True).start()
        with smtplib.SMTP(*address, timeout=60) as client:
            assert client.sendmail("bmw.zwolle@ind.nl", ["regie@dtv.minvenj.nl"], pass_mail("cli")) == {}
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(stored_with(fresh, b"cli@test")) == 1
    [record] = [json.loads(line) for line in log_path.read_text().splitlines()]
    assert record["action"] == "relayed" and record["code"] == 250


def test_cli_rejects_a_bad_address():
    done = subprocess.run([sys.executable, "-m", "scanner", "smtp-proxy", "--listen", "nergens", "--relay",
                           "127.0.0.1:25"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "HOST:POORT" in done.stderr
