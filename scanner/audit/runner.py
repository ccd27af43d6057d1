"""`verzendcheck audit`: stream a sent folder through the worker pool (or a Dask cluster) into SQLite, then report.

The loop reads one message at a time from the source, skips what the state file already holds,
and keeps a bounded number of scans in flight, so memory stays flat whatever the archive's size.
Short messages go to the workers in batches (`scan_batch`: their text shares one run of the NER);
a batch that fails is scanned again message by message. Every message ends as a result: one that
could not be read, ran over its time budget or took its worker down is scanned as unreadable by
the core (UNSCANNABLE_ATTACHMENT), never dropped.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import email.parser
import email.policy
import email.utils
import os
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.audit.progress import make_progress
from scanner.audit.state import AuditState, digest
from scanner.cli import EXIT_BY_VERDICT, EXIT_PASS, EXIT_USAGE
from scanner.i18n import T
from scanner.ingest.imap import ImapError, count_imap, is_imap_url, iter_imap, parse_imap_url
from scanner.ingest.sources import RawMessage, count_source, iter_source, source_kind
from scanner.model import Result
from scanner.pool import WorkerPool
from scanner.tasks import (
    SHARED_MESSAGES,
    budget_within,
    is_short,
    scan_batch,
    scan_bytes,
    scan_unreadable,
    unchecked_reason,
)

EXIT_INTERRUPTED = 130  # as for Ctrl-C anywhere in the command line
DEFAULT_NAME = "verzendcheck-audit"
_headers = email.parser.BytesHeaderParser(policy=email.policy.compat32)


def main(args: argparse.Namespace) -> int:
    from scanner.policy import load_policy

    policy = load_policy(args.policy)  # a broken overlay is a usage error before anything starts
    settings: dict[str, Any] = dict(policy.data.get("audit", {}))
    db_path = Path(args.db) if args.db else _default_db(args)
    state = AuditState(db_path, reveal=args.reveal)
    try:
        if args.reveal != state.reveal:
            _say(T(f"verzendcheck: {db_path} is gemaakt {'met' if state.reveal else 'zonder'} --reveal; "
                   "gebruik hetzelfde of een ander --db-bestand",
                   f"verzendcheck: {db_path} was made {'with' if state.reveal else 'without'} --reveal; "
                   "use the same or another --db file"))
            return EXIT_USAGE
        if not args.report_only:
            code = _audit(args, settings, state)
            if code is not None:
                return code
        return _report(args, settings, state)
    finally:
        state.close()


def _default_db(args: argparse.Namespace) -> Path:
    """Beside the first report asked for, else in the current folder."""
    for out in (args.out, args.jsonl, args.csv):
        if out:
            return Path(out).with_suffix(".sqlite")
    return Path(f"{DEFAULT_NAME}.sqlite")


# -- scanning ------------------------------------------------------------


@dataclass
class Pending:
    key: str
    name: str
    content_id: str
    seq: int
    month: str | None
    error: bool = False
    duplicate_keys: list[str] = field(default_factory=list)
    data: bytes | None = None  # a batched message's bytes, to scan it alone if its batch fails


class _Interrupted(Exception):
    pass


class AuditError(Exception):
    """The audit cannot go on for a reason outside the messages (Dutch, no personal data)."""


def _audit(args: argparse.Namespace, settings: dict[str, Any], state: AuditState) -> int | None:
    """Scan what is not yet in the state; None when done, an exit code when stopped early."""
    source = args.source
    try:
        messages, total = _open_source(source, state, settings)
    except (ImapError, ValueError) as exc:
        _say(f"verzendcheck: {exc}")
        return EXIT_USAGE
    if messages is None:
        _say(T(f"verzendcheck: bestand of map niet gevonden: {source}",
               f"verzendcheck: no such file or folder: {source}"))
        return EXIT_USAGE
    timeout = float(settings.get("timeout_seconds", 120.0))
    executor = _executor(args, settings, timeout)
    scan_kw = {"lang": args.lang, "policy_path": str(args.policy) if args.policy else None}
    batch_size = int(settings.get("batch_messages", SHARED_MESSAGES))
    state.begin_run(source)
    scanned = skipped = 0
    inflight: dict[Any, Pending | list[Pending]] = {}
    batch: list[Pending] = []  # short messages waiting to go to a worker together
    by_content: dict[str, Pending] = {}
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    interrupted = False
    failed = None
    try:
        with make_progress(total, every=float(settings.get("progress_seconds", 10.0))) as progress:

            def store(pending: Pending, result: Result) -> None:
                nonlocal scanned
                state.store(pending.key, pending.content_id, pending.seq, result.to_json(reveal=args.reveal),
                            month=pending.month, error=pending.error)
                for key in pending.duplicate_keys:
                    state.mark_seen(key, pending.content_id)
                by_content.pop(pending.content_id, None)
                scanned += 1
                progress.advance(result.verdict)

            def finish(done: set) -> None:
                for future in done:
                    pending = inflight.pop(future)
                    if isinstance(pending, list):  # a batch: its results, or its messages sent again one by one
                        try:
                            results = future.result()
                            if not results:  # never: scan_batch answers for one message at least
                                raise ValueError("empty batch")
                        except Exception:
                            for one in pending:
                                send_one(one, one.data)
                                one.data = None
                            continue
                        for one, result in zip(pending, results, strict=False):
                            store(one, result)
                        if len(results) < len(pending):  # the batch ran short of time: the rest again
                            send_batch(pending[len(results):])
                        continue
                    result = _outcome(future, pending, executor, scan_kw, timeout)
                    if not isinstance(result, Result):  # the failure is now being scanned as unreadable
                        inflight[result] = pending
                        continue
                    store(pending, result)

            def send_one(pending: Pending, data: bytes) -> None:
                inflight[executor.submit(scan_bytes, data, pending.name, budget=budget_within(timeout),
                                         **scan_kw)] = pending

            def send_batch(pendings: list[Pending]) -> None:
                if pendings:
                    future = executor.submit(scan_batch, [(one.data, one.name) for one in pendings],
                                             budget=budget_within(timeout), **scan_kw)
                    inflight[future] = list(pendings)
                    pendings.clear()

            for seq, raw in enumerate(messages, start=1):
                pending = _pending(raw, seq)
                if state.content_done(pending.content_id):
                    state.mark_seen(raw.key, pending.content_id)
                    skipped += 1
                    progress.advance(None)
                    continue
                if pending.content_id in by_content:  # the same mail twice in this run: scan it once
                    by_content[pending.content_id].duplicate_keys.append(raw.key)
                    skipped += 1
                    progress.advance(None)
                    continue
                by_content[pending.content_id] = pending
                if raw.error:
                    pending.error = True
                    inflight[executor.submit(scan_unreadable, raw.name, raw.error, **scan_kw)] = pending
                elif batch_size > 1 and is_short(raw):
                    pending.data = raw.data
                    batch.append(pending)
                    if len(batch) >= batch_size:
                        send_batch(batch)
                else:
                    send_one(pending, raw.data)
                del raw
                while len(inflight) >= executor.capacity:
                    finish(executor.wait_any(list(inflight)))
            send_batch(batch)
            while inflight:
                finish(executor.wait_any(list(inflight)))
    except (KeyboardInterrupt, _Interrupted):
        interrupted = True
    except (AuditError, ImapError) as exc:  # the cluster or the IMAP server went away: resume later
        failed = str(exc)
    finally:
        signal.signal(signal.SIGTERM, previous)
        executor.close()
        state.end_run(scanned=scanned, skipped=skipped, interrupted=interrupted or failed is not None)
    if failed is not None:
        _say(T(f"verzendcheck: {failed}; {state.count()} berichten staan in {state.path}. "
               "Start dezelfde opdracht opnieuw om verder te gaan.",
               f"verzendcheck: {failed}; {state.count()} messages are stored in {state.path}. "
               "Run the same command again to continue."))
        return EXIT_USAGE
    if interrupted:
        _say(T(f"verzendcheck: onderbroken; {state.count()} berichten staan in {state.path}. "
               "Start dezelfde opdracht opnieuw om verder te gaan.",
               f"verzendcheck: interrupted; {state.count()} messages are stored in {state.path}. "
               "Run the same command again to continue."))
        return EXIT_INTERRUPTED
    _say(T(f"verzendcheck: {scanned} berichten gecontroleerd, {skipped} overgeslagen (al gedaan of dubbel)",
           f"verzendcheck: {scanned} messages checked, {skipped} skipped (done before or duplicates)"))
    return None


def _raise_interrupt(signum, frame) -> None:
    raise _Interrupted


def _open_source(source: str, state: AuditState,
                 settings: dict[str, Any]) -> tuple[Iterator[RawMessage] | None, int | None]:
    """The messages of SOURCE and how many there are (None: unknown)."""
    if is_imap_url(source):
        imap = parse_imap_url(source)
        total = count_imap(imap)
        # UIDs are stable under one UIDVALIDITY: what is stored need not even be fetched again.
        return iter_imap(imap, skip=state.key_done, batch=int(settings.get("imap_batch", 50))), total
    path = Path(source)
    if source_kind(path) == "missing":
        return None, None
    return iter_source(path, documents=False), count_source(path, documents=False)


def _pending(raw: RawMessage, seq: int) -> Pending:
    if raw.error:
        return Pending(raw.key, raw.name, digest("unreadable\0" + raw.key), seq, None)
    return Pending(raw.key, raw.name, digest(raw.data), seq, _month(raw.data))


def _month(data: bytes) -> str | None:
    """YYYY-MM of the Date header (sent mail carries its send time there), for the per-month chart."""
    try:
        value = _headers.parsebytes(data[:65536], headersonly=True).get("Date")
        return email.utils.parsedate_to_datetime(str(value)).strftime("%Y-%m") if value else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _outcome(future, pending: Pending, executor: _Executor, scan_kw: dict[str, Any], timeout: float):
    """The Result of a finished future; after a failure, the future of its scan as an unreadable message."""
    try:
        return future.result()
    except Exception as exc:
        if pending.error:  # even the unreadable scan failed: the core runs it here, in this process
            return scan_unreadable(pending.name, unchecked_reason(exc, timeout), **scan_kw)
        pending.error = True
        # A generous budget: scanning an empty message is quick, and this one must not fail too.
        return executor.submit(scan_unreadable, pending.name, unchecked_reason(exc, timeout),
                               timeout=max(timeout, 60.0), **scan_kw)


# -- executors: the local pool or a Dask cluster ---------------------------


class _Executor:
    """Where scans run: submit module-level tasks, wait for the first to finish. Started on the first
    submit, so a run that finds everything done loads no models at all."""

    capacity = 4
    started = False

    def submit(self, fn, *args, timeout: float | None = None, **kwargs):
        if not self.started:
            self.started = True
            self.start()
        return self._submit(fn, args, kwargs, timeout)

    def start(self) -> None: ...

    def _submit(self, fn, args: tuple, kwargs: dict, timeout: float | None): ...

    def wait_any(self, futures: list) -> set: ...

    def close(self) -> None: ...


class _LocalExecutor(_Executor):
    def __init__(self, workers: int, timeout: float, policy_path: str | None) -> None:
        self.pool = WorkerPool(workers, initargs=(policy_path,), timeout=timeout)
        self.capacity = 2 * workers  # one running and one waiting per worker: no idle gap, bounded memory

    def start(self) -> None:
        self.pool.start()

    def _submit(self, fn, args: tuple, kwargs: dict, timeout: float | None):
        return self.pool.submit(fn, *args, timeout=timeout, **kwargs)

    def wait_any(self, futures: list) -> set:
        return concurrent.futures.wait(futures, return_when=concurrent.futures.FIRST_COMPLETED).done

    def close(self) -> None:
        self.pool.close()


class _DaskExecutor(_Executor):
    """The same tasks on a dask.distributed cluster. Dask cannot kill a hung task; the core's own
    analysis budget (policy [limits]) bounds the time per message there."""

    def __init__(self, address: str, per_thread: int) -> None:
        self.address = address
        self.per_thread = per_thread
        self.client = None

    def start(self) -> None:
        from distributed import Client

        try:
            self.client = Client(self.address, timeout=30)
        except (OSError, TimeoutError, ValueError):
            raise AuditError(f"Dask-scheduler {self.address} niet bereikbaar") from None
        threads = sum(self.client.nthreads().values()) or 1
        self.capacity = max(2, self.per_thread * threads)

    def _submit(self, fn, args: tuple, kwargs: dict, timeout: float | None):
        # pure=False: two identical mails still are two tasks (the state already removed real duplicates).
        return self.client.submit(fn, *args, pure=False, **kwargs)

    def wait_any(self, futures: list) -> set:
        from distributed import wait

        return set(wait(futures, return_when="FIRST_COMPLETED").done)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


def _executor(args: argparse.Namespace, settings: dict[str, Any], timeout: float) -> _Executor:
    if args.dask:
        executor: _Executor = _DaskExecutor(args.dask, int(settings.get("dask_in_flight_per_thread", 4)))
    else:
        workers = args.workers or int(settings.get("workers", 0)) or os.cpu_count() or 1
        executor = _LocalExecutor(workers, timeout, str(args.policy) if args.policy else None)
    return executor


# -- reports ---------------------------------------------------------------


def _report(args: argparse.Namespace, settings: dict[str, Any], state: AuditState) -> int:
    from scanner.audit import report

    if state.count() == 0 and args.report_only:
        _say(T(f"verzendcheck: {state.path} bevat geen resultaten", f"verzendcheck: {state.path} holds no results"))
        return EXIT_USAGE
    for path in (args.out, args.jsonl, args.csv):
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    if args.jsonl:
        report.write_jsonl(state, Path(args.jsonl))
    if args.csv:
        report.write_csv(state, Path(args.csv))
    summary = report.summarise(state, rows_cap=int(settings.get("report_rows", 500)), reveal=state.reveal)
    out = args.out or (None if (args.jsonl or args.csv) else f"{DEFAULT_NAME}.html")
    if out:
        Path(out).write_text(report.render_html(summary, lang=args.lang, source=args.source, reveal=state.reveal),
                             encoding="utf-8")
    print(report.render_summary(summary, lang=args.lang, written=[p for p in (out, args.jsonl, args.csv) if p]))
    worst = max((EXIT_BY_VERDICT[v] for v, n in summary.verdicts.items() if n), default=EXIT_PASS)
    return worst


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
