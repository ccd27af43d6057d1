"""Short messages scanned together (issue 19): `scan_messages`, `scan_stream`, the audit's batches.

Their text goes through the NLP pipeline in one run; every result must be the one `scan_message`
gives for the message alone, a long message must never wait in a group (its reading would eat into
the others' budgets), and a batch that takes its worker down loses no message.
"""

from __future__ import annotations

import json
import mailbox
import shutil
from pathlib import Path

import pool_tasks
import pytest
from conftest import REPO

import scanner.core
from recognizers.engine import get_analyzer
from scanner import analysis
from scanner.audit import runner
from scanner.cli import main as cli
from scanner.core import scan_message, scan_messages
from scanner.ingest import Limits, load_bytes
from scanner.ingest.sources import RawMessage
from scanner.model import Message, Part
from scanner.policy import load_policy
from scanner.tasks import SHARED_MESSAGES, SHORT_MESSAGE_BYTES, scan_batch, scan_bytes, scan_stream

SAMPLES = REPO / "samples"


def sample_mails() -> list[tuple[str, bytes]]:
    mails = [(p.name, p.read_bytes()) for p in sorted(SAMPLES.glob("*.eml"))]
    box = mailbox.mbox(str(SAMPLES / "sent.mbox"), create=False)
    mails += [(f"sent.mbox#{i}", box.get_bytes(key)) for i, key in enumerate(box.iterkeys())]
    return mails


def long_message() -> Message:
    """A document of more pages than one batch of the analysis holds: analysed batch by batch, never shared."""
    page = "Dossier van de heer Ahmad Karimi, V-nummer 1234567890. Hij is behandeld voor PTSS."
    return Message(input="lang.pdf", parts=[Part(part="attachment", kind="pdf", name="lang.pdf", paged=True,
                                                  pages=[page] * (analysis.BATCH + 3))])


def comparable(result, reveal: bool = True, leave_out: tuple[str, ...] = ("elapsed_ms",)) -> str:
    out = result if isinstance(result, dict) else result.to_json(reveal=reveal)
    return json.dumps({k: v for k, v in out.items() if k not in leave_out}, sort_keys=True, ensure_ascii=False)


def test_scan_messages_gives_what_scan_message_gives_each_message() -> None:
    mails = sample_mails()
    assert len(mails) > 60

    def parsed() -> list[Message]:  # a scan notes what it read on the message: each side gets its own
        return [load_bytes(data, name) for name, data in mails] + [long_message()]

    messages = parsed()
    shared = analysis.shared_nlp(messages, get_analyzer())
    assert shared[-1] is None  # the long one is analysed alone
    assert sum(nlp is not None for nlp in shared) > 50  # the others share one run
    together = scan_messages(messages)
    alone = [scan_message(message) for message in parsed()]
    assert [comparable(r) for r in together] == [comparable(r) for r in alone]
    assert all(r.elapsed_ms > 0 for r in together)


def test_a_share_of_the_pipeline_run_fits_only_its_own_message() -> None:
    first, second = (load_bytes(data, name) for name, data in sample_mails()[:2])
    shared = analysis.shared_nlp([first, second], get_analyzer())
    with pytest.raises(ValueError, match="other texts"):
        analysis.analyse_message(second, get_analyzer(), nlp=shared[0])


def raw(name: str, data: bytes) -> RawMessage:
    return RawMessage(key=name, name=name, data=data)


def test_scan_stream_keeps_the_order_and_scans_a_long_message_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    mails = sample_mails()[:SHARED_MESSAGES + 4]
    short = [(name, data) for name, data in mails if len(data) <= SHORT_MESSAGE_BYTES]
    padding = b"Zie de notitie hieronder.\r\n" * (SHORT_MESSAGE_BYTES // 25)
    long_mail = ("lang.eml", short[0][1].rstrip() + b"\r\n" + padding)
    assert len(long_mail[1]) > SHORT_MESSAGE_BYTES
    raws = [raw(*m) for m in short[:3]] + [raw(*long_mail)] + [raw(*m) for m in short[3:]]
    groups: list[list[str]] = []
    real = scanner.core.scan_messages

    def spy(messages, *args, **kwargs):
        groups.append([m.input for m in messages])
        return real(messages, *args, **kwargs)

    monkeypatch.setattr(scanner.core, "scan_messages", spy)
    policy = load_policy()
    streamed = list(scan_stream(raws, policy, Limits.from_policy(policy), lang="nl"))
    assert [message.input for message, _ in streamed] == [r.name for r in raws]
    assert "lang.eml" not in {name for group in groups for name in group}
    assert groups[0] == [r.name for r in raws[:3]]  # the group before the long one was scanned first
    assert all(len(group) <= SHARED_MESSAGES for group in groups) and len(groups) >= 3
    alone = [scan_message(load_bytes(r.data, r.name)) for r in raws]
    assert [comparable(result) for _, result in streamed] == [comparable(result) for result in alone]


def test_scan_batch_gives_what_scan_bytes_gives() -> None:
    items = [(data, name) for name, data in sample_mails()[20:26]]
    assert [comparable(r) for r in scan_batch(items)] == [comparable(scan_bytes(data, name)) for data, name in items]


def test_scan_of_a_folder_gives_what_scan_of_each_file_gives(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    names = sorted(p.name for p in SAMPLES.glob("*.eml"))[:SHARED_MESSAGES + 2]
    for name in names:
        shutil.copy(SAMPLES / name, tmp_path / name)

    def scanned(*paths: Path) -> list[dict]:
        cli(["scan", *map(str, paths), "--format", "json"])
        out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        return [{k: v for k, v in r.items() if k not in ("elapsed_ms", "input")} for r in out]

    assert scanned(tmp_path) == [r for name in names for r in scanned(tmp_path / name)]


def test_a_batch_that_takes_its_worker_down_is_scanned_message_by_message(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in").mkdir()
    names = sorted(p.name for p in SAMPLES.glob("*.eml"))[:3]
    for name in names:
        shutil.copy(SAMPLES / name, tmp_path / "in" / name)
    monkeypatch.setattr(runner, "scan_batch", pool_tasks.crash_any)  # every batch kills its worker
    out = tmp_path / "r.jsonl"
    cli(["audit", str(tmp_path / "in"), "--workers", "1", "--db", str(tmp_path / "s.sqlite"), "--jsonl", str(out)])
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(results) == 3
    assert all("UNSCANNABLE_ATTACHMENT" not in {v["rule"] for v in r["violations"]} for r in results)
    leave_out = ("elapsed_ms", "input")
    expected = {comparable(scan_bytes((SAMPLES / n).read_bytes(), n), False, leave_out) for n in names}
    assert {comparable(r, False, leave_out) for r in results} == expected


def test_a_batch_out_of_time_reads_no_further_message_and_the_audit_sends_the_rest_again(tmp_path: Path) -> None:
    overlay = tmp_path / "policy.toml"
    overlay.write_text("[limits]\nmessage_seconds = 1e-9\n")  # half of it is gone after the first message
    items = [(data, name) for name, data in sample_mails()[:3]]
    results = scan_batch(items, policy_path=str(overlay))
    assert len(results) == 1 and results[0].input == items[0][1]

    (tmp_path / "in").mkdir()
    for data, name in items:
        (tmp_path / "in" / name).write_bytes(data)
    out = tmp_path / "r.jsonl"
    cli(["audit", str(tmp_path / "in"), "--workers", "1", "--policy", str(overlay), "--db", str(tmp_path / "s.sqlite"),
         "--jsonl", str(out)])
    stored = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(Path(r["input"]).name for r in stored) == sorted(name for _, name in items)
