"""Audit throughput: `verzendcheck audit` on a generated mbox with 1 and with 2 workers, in one run.

Run: `.venv/bin/python bench/audit.py [--count 5000] [--workers 1 2]`. Prints a Markdown table for
bench/RESULTS.md. The mbox holds realistic mails: the 39 samples and the 27 messages of
samples/sent.mbox, each copy with its own Message-ID, Date (spread over a year), recipients drawn
from the samples' and a varied body line, so the audit's content de-duplication scans every one.
Each run is the real command (a subprocess, fresh state), so start-up is included in the wall time;
the rate is taken between the first and the last stored result (steady state). Peak memory is
the sum of the resident sizes of the audit process and its workers, sampled every 0.2 s. The
1-worker run is the baseline of the speed-up ratio; both see the same machine in the same minutes.
The control column runs a pure-Python CPU task through the same WorkerPool with as many workers
right after each audit: on a shared machine it shows how much parallelism there was to be had.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import email.utils
import json
import mailbox
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEXT_ONLY = "text/plain"


def templates() -> list[bytes]:
    mails = [p.read_bytes() for p in sorted((REPO / "samples").glob("*.eml"))]
    box = mailbox.mbox(str(REPO / "samples" / "sent.mbox"), create=False)
    mails += [box.get_bytes(key) for key in box.iterkeys()]
    box.close()
    return mails


def generate(path: Path, count: int, *, text_only: bool = False, seed: int = 17) -> int:
    """Write `count` varied copies of the sample mails as an mbox; returns the bytes written."""
    rng = random.Random(seed)
    parsed = [email.message_from_bytes(m, policy=email.policy.compat32) for m in templates()]
    if text_only:
        parsed = [m for m in parsed if not m.is_multipart()]
    recipients = sorted({a for m in parsed for _, a in email.utils.getaddresses(m.get_all("To", [])) if a})
    start = time.mktime((2025, 1, 1, 8, 0, 0, 0, 0, -1))
    box = mailbox.mbox(str(path), create=True)
    box.lock()
    try:
        for n in range(count):
            message = email.message_from_bytes(parsed[n % len(parsed)].as_bytes(), policy=email.policy.compat32)
            del message["Message-ID"], message["Date"]
            message["Message-ID"] = f"<bench.{n}.{rng.getrandbits(48):x}@verzendcheck.invalid>"
            message["Date"] = email.utils.formatdate(start + rng.uniform(0, 365 * 86400), localtime=False)
            if n % 3 == 0 and recipients:
                del message["To"]
                message["To"] = rng.choice(recipients)
            if not message.is_multipart():
                body = message.get_payload(decode=True) or b""
                charset = message.get_content_charset() or "utf-8"
                extra = f"\n\nReferentie {n}: overleg van week {rng.randint(1, 52)}.\n"
                del message["Content-Transfer-Encoding"]
                message.set_payload(body.decode(charset, "replace") + extra, charset="utf-8")
            box.add(message)
    finally:
        box.flush()
        box.unlock()
        box.close()
    return path.stat().st_size


def run_audit(mbox: Path, workers: int, work: Path) -> dict[str, float]:
    import psutil

    db = work / f"w{workers}.sqlite"
    command = [sys.executable, "-m", "scanner", "audit", str(mbox), "--workers", str(workers), "--db", str(db),
               "--jsonl", str(work / f"w{workers}.jsonl")]
    began = time.monotonic()
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent = psutil.Process(proc.pid)
    peak = parent_peak = 0
    samples: list[tuple[int, float]] = []  # (results stored, CPU seconds of the audit process so far)
    while proc.poll() is None:
        try:
            tree = [parent, *parent.children(recursive=True)]
            rss = sum(p.memory_info().rss for p in tree if p.is_running())
            parent_peak = max(parent_peak, parent.memory_info().rss)
            times = parent.cpu_times()
            samples.append((_stored(db), times.user + times.system))
        except psutil.Error:
            rss = 0
        peak = max(peak, rss)
        time.sleep(0.2)
    wall = time.monotonic() - began
    with sqlite3.connect(db) as con:
        count, first, last = con.execute("SELECT COUNT(*), MIN(stored_at), MAX(stored_at) FROM results").fetchone()
    steady = (count - 1) / (last - first) if count > 1 and last > first else 0.0
    # The audit process's own CPU per message while results flow (start-up and reports left out):
    # hashing, header parsing, handing bytes to the workers, committing results.
    flowing = [s for s in samples if 0 < s[0] < count] or samples
    done = flowing[-1][0] - flowing[0][0]
    parent_cpu = (flowing[-1][1] - flowing[0][1]) / done if done > 0 else 0.0
    return {"workers": workers, "messages": count, "wall": wall, "rate": steady, "overall": count / wall,
            "peak_mb": peak / 2**20, "parent_mb": parent_peak / 2**20, "parent_cpu_ms": 1000 * parent_cpu}


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1) as con:
            return con.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    except sqlite3.Error:
        return 0


def spin(n: int) -> int:
    """Pure-Python CPU work: what the machine gives a pool of worker processes right now."""
    total = 0
    for i in range(n):
        total += i * i
    return total


def _no_models() -> None:
    return None


def pool_control(workers: int, tasks: int = 24) -> float:
    """Tasks/s of `spin` through the same WorkerPool: the control for the audit's speed-up, since a
    shared machine may not have a second core free however well the audit parallelises."""
    from scanner.pool import WorkerPool

    with WorkerPool(workers, initializer=_no_models) as pool:
        pool.start()
        began = time.monotonic()
        for future in [pool.submit(spin, 3_000_000) for _ in range(tasks)]:
            future.result()
        return tasks / (time.monotonic() - began)


def report_scale(source_db: Path, count: int, work: Path) -> dict[str, float]:
    """Copy the results of a finished run until the state holds `count`, then time the reports."""
    from scanner.audit import report
    from scanner.audit.state import AuditState, digest

    with sqlite3.connect(source_db) as con:
        rows = con.execute("SELECT json, month FROM results ORDER BY seq").fetchall()
    state = AuditState(work / "big.sqlite")
    state.db.execute("BEGIN")
    for n in range(count):
        text, month = rows[n % len(rows)]
        result = json.loads(text)
        result["input"] = f"archief.mbox#{n + 1}"
        state.store(f"k{n}", digest(f"c{n}"), n + 1, result, month=month, error=False, commit=False)
    state.db.execute("COMMIT")
    began = time.monotonic()
    summary = report.summarise(state, rows_cap=500)
    page = report.render_html(summary, source="archief.mbox")
    html_s = time.monotonic() - began
    began = time.monotonic()
    report.write_jsonl(state, work / "big.jsonl")
    report.write_csv(state, work / "big.csv")
    files_s = time.monotonic() - began
    state.close()
    return {"count": count, "html_s": html_s, "html_kb": len(page.encode()) / 1024, "files_s": files_s,
            "db_mb": (work / "big.sqlite").stat().st_size / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="messages in the generated mbox")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--text-only", action="store_true", help="only the samples without attachments")
    parser.add_argument("--machines", type=int, nargs="+", default=[4, 10], help="Dask cluster sizes to estimate")
    parser.add_argument("--report-messages", type=int, default=300_000,
                        help="time the reports of a state with this many results (copies of the run's); 0: skip")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="verzendcheck-bench-") as tmp:
        work = Path(tmp)
        mbox = work / "bench.mbox"
        size = generate(mbox, args.count, text_only=args.text_only)
        print(f"mbox: {args.count} messages, {size / 2**20:.1f} MB, text only: {args.text_only}; "
              f"load average before: {os.getloadavg()[0]:.1f}\n")
        runs = [run_audit(mbox, n, work) | {"control": pool_control(n)} for n in args.workers]
        scale = report_scale(work / f"w{args.workers[0]}.sqlite", args.report_messages, work) \
            if args.report_messages else None
    base = runs[0]
    print("| workers | mails/s (steady) | vs 1 worker | control: CPU task vs 1 worker | wall s (with start-up) "
          "| peak RSS MB (all processes) | audit process MB | audit process CPU ms/mail |")
    print("|---|---|---|---|---|---|---|---|")
    for r in runs:
        ratio = r["rate"] / base["rate"] if base["rate"] else 0.0
        print(f"| {r['workers']} | {r['rate']:.1f} | {ratio:.2f}x | {r['control'] / base['control']:.2f}x "
              f"| {r['wall']:.0f} | {r['peak_mb']:.0f} | {r['parent_mb']:.0f} | {r['parent_cpu_ms']:.2f} |")
    if scale:
        print(f"\nReports of {scale['count']:,} results ({scale['db_mb']:.0f} MB state): "
              f"HTML in {scale['html_s']:.0f} s, {scale['html_kb']:.0f} KB; "
              f"JSON Lines and CSV in {scale['files_s']:.0f} s.")
    best = max(runs, key=lambda r: r["rate"])
    coordinator = 1000 / best["parent_cpu_ms"] if best["parent_cpu_ms"] else float("inf")
    print(f"\n100,000 messages on this machine with {best['workers']} workers: "
          f"{100_000 / best['rate'] / 3600:.1f} h at {best['rate']:.1f} mails/s.")
    for machines in args.machines:
        rate = min(machines * best["rate"], coordinator)
        print(f"On a Dask cluster of {machines} such machines: about {100_000 / rate / 3600:.2f} h "
              f"({rate:.0f} mails/s; the audit process itself handles at most about {coordinator:.0f} mails/s).")


if __name__ == "__main__":
    main()
