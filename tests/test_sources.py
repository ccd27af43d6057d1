"""Sources of messages (scanner/ingest/sources.py) and `scan` on a mailbox or a folder (issue 14)."""

from __future__ import annotations

import json
import mailbox
import shutil
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.ingest.sources import iter_source, source_kind

SAMPLES = Path(__file__).parent.parent / "samples"
MBOX = SAMPLES / "sent.mbox"


def _jsonl(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def test_an_mbox_yields_each_message_in_order():
    raws = list(iter_source(MBOX))
    assert source_kind(MBOX) == "mbox"
    assert len(raws) == 27
    assert [r.name for r in raws[:2]] == [f"{MBOX}#1", f"{MBOX}#2"]
    assert all(r.data.lstrip().split(b":", 1)[0] and not r.data.startswith(b"From ") for r in raws)
    assert len({r.key for r in raws}) == 27


def test_a_maildir_and_a_folder(tmp_path):
    box = mailbox.Maildir(tmp_path / "md", create=True)
    for msg in list(mailbox.mbox(str(MBOX)))[:3]:
        box.add(msg)
    sub = box.add_folder("Sent")
    sub.add(mailbox.mbox(str(MBOX))[3])
    assert source_kind(tmp_path / "md") == "maildir"
    assert len(list(iter_source(tmp_path / "md"))) == 4

    folder = tmp_path / "folder"
    (folder / "deeper").mkdir(parents=True)
    shutil.copy(SAMPLES / "01_pass_ind_to_dtv_vnummer.eml", folder / "a.eml")
    shutil.copy(SAMPLES / "16_full_beschikking_to_coa.eml", folder / "deeper" / "b.eml")
    (folder / ".hidden.eml").write_bytes(b"x")
    names = [r.key for r in iter_source(folder)]
    assert names == ["a.eml", "deeper/b.eml"]


def test_scan_on_an_mbox_gives_one_result_per_message(capsys):
    code = main(["scan", str(MBOX), "--format", "json"])
    results = _jsonl(capsys)
    assert len(results) == 27
    assert [r["input"] for r in results] == [f"{MBOX}#{i}" for i in range(1, 28)]
    assert code == 20  # the box holds blocked mails
    assert len({r["verdict"] for r in results}) == 3


def test_scan_on_a_folder_recurses_and_a_missing_path_is_reported(tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    shutil.copy(SAMPLES / "01_pass_ind_to_dtv_vnummer.eml", tmp_path / "sub" / "ok.eml")
    code = main(["scan", str(tmp_path), str(tmp_path / "weg.eml"), "--format", "json"])
    captured = capsys.readouterr()
    results = [json.loads(line) for line in captured.out.splitlines() if line.strip()]
    assert [r["input"] for r in results] == [str(tmp_path / "sub" / "ok.eml")]
    assert "niet gevonden" in captured.err and "weg.eml" in captured.err
    assert code == 2


@pytest.mark.parametrize("arg", ["str", "path"])
def test_load_path_takes_a_str_or_a_path(arg):
    from scanner.ingest import load_path

    path = SAMPLES / "01_pass_ind_to_dtv_vnummer.eml"
    message = load_path(str(path) if arg == "str" else path)
    assert message.input == str(path) and message.subject
