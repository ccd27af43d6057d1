"""The audit's memory: one SQLite file (WAL) holding every result, so a run resumes where it stopped.

Each result is committed on its own the moment it arrives: after Ctrl-C or `kill -9` nothing
that was scanned is lost, and nothing already stored is scanned again. A message counts as done
by its content (sha256 of its bytes): the same mail under another key (a Maildir file renamed by
its flags, a copy in a second folder) is not scanned twice. Source keys and Message-IDs are kept
as hashes only; the stored JSON is exactly what `scan --format json` prints with the same
`--reveal`, so the reports can be rebuilt from this file alone and it holds no more than they do.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.privacy import message_id_digest

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    content_id TEXT PRIMARY KEY,      -- sha256 of the message bytes (of the key for an unreadable one)
    seq INTEGER NOT NULL,             -- position in the source, for reports in source order
    msgid_hash TEXT,                  -- sha256 of the Message-ID, first 16 hex digits
    verdict TEXT NOT NULL,
    rules TEXT NOT NULL,              -- space-separated rule ids
    sender_org TEXT,
    recipient_orgs TEXT NOT NULL,     -- organisation labels separated by '|'
    month TEXT,                       -- YYYY-MM of the Date header
    error INTEGER NOT NULL,           -- 1: not (fully) checked (unreadable, over time, worker died)
    scans INTEGER NOT NULL DEFAULT 1, -- how often this message was scanned: 1 unless resuming failed
    json TEXT NOT NULL,
    stored_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS seen (key_hash TEXT PRIMARY KEY, content_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started REAL NOT NULL, finished REAL, source_hash TEXT,
    scanned INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0, interrupted INTEGER NOT NULL DEFAULT 0
);
"""


def digest(data: bytes | str, length: int = 64) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    return hashlib.sha256(data).hexdigest()[:length]


@dataclass
class Row:
    """One stored result, as the reports read it."""

    seq: int
    msgid_hash: str | None
    verdict: str
    rules: list[str]
    sender_org: str | None
    recipient_orgs: list[str]
    month: str | None
    error: bool
    json: dict[str, Any]


class AuditState:
    """The SQLite state of one audit (`--db`)."""

    def __init__(self, path: Path, *, reveal: bool = False) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a committed row survives kill -9
        self.db.executescript(SCHEMA)
        stored = self.meta("reveal")
        if stored is None:
            self.set_meta("reveal", "1" if reveal else "0")
            self.set_meta("created", str(time.time()))
        self.reveal = (stored or ("1" if reveal else "0")) == "1"
        self.run_id: int | None = None

    # -- meta and runs ----------------------------------------------------

    def meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_meta(self, name: str, value: str) -> None:
        self.db.execute("INSERT INTO meta(name, value) VALUES(?, ?) ON CONFLICT(name) DO UPDATE SET value = ?",
                        (name, value, value))

    def begin_run(self, source: str) -> None:
        cur = self.db.execute("INSERT INTO runs(started, source_hash) VALUES(?, ?)", (time.time(), digest(source, 16)))
        self.run_id = cur.lastrowid

    def end_run(self, *, scanned: int, skipped: int, interrupted: bool) -> None:
        if self.run_id is not None:
            self.db.execute("UPDATE runs SET finished = ?, scanned = ?, skipped = ?, interrupted = ? WHERE id = ?",
                            (time.time(), scanned, skipped, int(interrupted), self.run_id))

    # -- what is done -----------------------------------------------------

    def key_done(self, key: str) -> bool:
        """The message at this source key was audited in an earlier run (IMAP: not even fetched again)."""
        return self.db.execute("SELECT 1 FROM seen WHERE key_hash = ?", (digest(key),)).fetchone() is not None

    def content_done(self, content_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM results WHERE content_id = ?", (content_id,)).fetchone() is not None

    def mark_seen(self, key: str, content_id: str) -> None:
        """A source key whose content is already stored (a duplicate): remember it, scan nothing."""
        self.db.execute("INSERT OR IGNORE INTO seen(key_hash, content_id) VALUES(?, ?)", (digest(key), content_id))

    def store(self, key: str, content_id: str, seq: int, result_json: dict[str, Any], *, month: str | None,
              error: bool, commit: bool = True) -> None:
        """Commit one result at once, with its key: it survives whatever happens to this process next.
        (`commit=False` between the caller's BEGIN and COMMIT loads many rows at once, for benchmarks.)"""
        violations = result_json.get("violations") or []
        rules = " ".join(sorted({v["rule"] for v in violations}))
        sender = result_json.get("sender") or {}
        recipient_orgs = "|".join(sorted({org_label(r) for r in result_json.get("recipients") or []}))
        msgid = result_json.get("message_id")
        if commit:
            self.db.execute("BEGIN")
        try:
            self.db.execute(
                "INSERT INTO results(content_id, seq, msgid_hash, verdict, rules, sender_org, recipient_orgs, month,"
                " error, json, stored_at) VALUES(?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(content_id) DO UPDATE SET scans = scans + 1, json = excluded.json",
                (content_id, seq, (message_id_digest(msgid) or "")[:16] or None, result_json["verdict"], rules,
                 sender.get("organisation"), recipient_orgs, month, int(error),
                 json.dumps(result_json, ensure_ascii=False), time.time()),
            )
            self.db.execute("INSERT OR IGNORE INTO seen(key_hash, content_id) VALUES(?, ?)", (digest(key), content_id))
        except BaseException:
            if commit:
                self.db.execute("ROLLBACK")
            raise
        if commit:
            self.db.execute("COMMIT")

    # -- reading back -----------------------------------------------------

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM results").fetchone()[0]

    def duplicates(self) -> int:
        """Source keys that pointed at content stored under another key."""
        return self.db.execute("SELECT COUNT(*) - COUNT(DISTINCT content_id) FROM seen").fetchone()[0]

    def rows(self) -> Iterator[Row]:
        """Every result in source order, streamed (a few hundred thousand rows need no memory)."""
        cur = self.db.execute("SELECT seq, msgid_hash, verdict, rules, sender_org, recipient_orgs, month, error, json"
                              " FROM results ORDER BY seq, content_id")
        for seq, msgid_hash, verdict, rules, sender_org, orgs, month, error, text in cur:
            yield Row(seq, msgid_hash, verdict, rules.split(), sender_org, orgs.split("|") if orgs else [], month,
                      bool(error), json.loads(text))

    def close(self) -> None:
        self.db.close()


def org_label(recipient: dict[str, Any]) -> str:
    """A recipient's organisation, or its category when the directory has no name (webmail, onbekend)."""
    return recipient.get("organisation") or recipient.get("category") or "onbekend"
