"""The worker pool that the hook, the web page and the audit share (scanner/pool.py).

Light tasks (tests/pool_tasks.py) so the behaviour of the pool itself is tested fast: a hang is
killed and replaced, a crash is replaced, results come back, exceptions travel. One test runs
the real scan task with the models loaded at start.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pool_tasks as t
import pytest

from scanner.pool import PoolClosed, TaskFailed, TaskTimeout, WorkerDied, WorkerPool

SAMPLES = Path(__file__).parent.parent / "samples"


@pytest.fixture
def pool(tmp_path):
    marker = tmp_path / "started"
    with WorkerPool(workers=2, initializer=t.init, initargs=(str(marker),), timeout=5) as p:
        p.marker = marker
        yield p


def test_results_come_back_from_other_processes(pool):
    futures = [pool.submit(t.add, i, 1) for i in range(20)]
    assert [f.result(timeout=30) for f in futures] == [i + 1 for i in range(20)]
    pids = {pool.submit(t.pid).result(timeout=30) for _ in range(6)}
    assert os.getpid() not in pids


def test_initializer_runs_once_per_worker_before_the_first_task(pool):
    assert len(pool.marker.read_text().split()) == 2
    for _ in range(6):
        worker_pid, initialised_in = pool.submit(t.initialised).result(timeout=30)
        assert initialised_in == [worker_pid]
    assert len(pool.marker.read_text().split()) == 2  # no re-initialisation per task


def test_a_task_over_its_budget_is_killed_and_the_worker_replaced(pool):
    before = set(pool.marker.read_text().split())
    hung = pool.submit(t.hang_in_c, timeout=1.0)
    with pytest.raises(TaskTimeout):
        hung.result(timeout=60)
    assert pool.stats.timed_out == 1
    # The replacement is started and initialised (after the caller got its answer); the pool still serves.
    deadline = time.monotonic() + 60
    while (len(set(pool.marker.read_text().split()) - before) < 1 or pool.ready < 2) and time.monotonic() < deadline:
        time.sleep(0.05)
    after = set(pool.marker.read_text().split())
    assert len(after - before) == 1
    assert pool.submit(t.add, 2, 3).result(timeout=60) == 5
    assert pool.ready == 2


def test_one_hang_does_not_stall_the_other_worker(pool):
    hung = pool.submit(t.sleep, 30, timeout=3)
    quick = [pool.submit(t.add, i, i) for i in range(10)]
    assert [f.result(timeout=10) for f in quick] == [2 * i for i in range(10)]
    with pytest.raises(TaskTimeout):
        hung.result(timeout=60)


def test_a_crashing_worker_fails_its_task_and_is_replaced(pool):
    with pytest.raises(WorkerDied):
        pool.submit(t.crash).result(timeout=60)
    assert pool.stats.died == 1
    assert pool.submit(t.add, 1, 1).result(timeout=60) == 2


def test_task_exceptions_travel_back(pool):
    with pytest.raises(ValueError, match="kapot"):
        pool.submit(t.fail, "kapot").result(timeout=30)
    with pytest.raises(TaskFailed):
        pool.submit(t.unpicklable_result).result(timeout=30)
    assert pool.submit(t.add, 1, 2).result(timeout=30) == 3  # the worker survived both


def test_asyncio_callers_await_results(pool):
    async def many():
        return await asyncio.gather(*(pool.run(t.add, i, 10) for i in range(8)))

    assert asyncio.run(many()) == [i + 10 for i in range(8)]


def test_closed_pool_refuses_and_fails_queued_tasks(tmp_path):
    p = WorkerPool(workers=1, initializer=t.init, timeout=5).start()
    running = p.submit(t.sleep, 0.5)
    while not running.running():
        time.sleep(0.01)
    queued = [p.submit(t.add, 1, 1) for _ in range(50)]
    p.close()
    assert running.result(timeout=10) == "woke"
    outcomes = []
    for f in queued:
        try:
            outcomes.append(f.result(timeout=10))
        except PoolClosed:
            outcomes.append("closed")
    assert "closed" in outcomes
    with pytest.raises(PoolClosed):
        p.submit(t.add, 1, 1)


def test_the_scan_task_runs_warm_in_a_worker():
    """The default initializer loads the models; the first real scan then pays no loading."""
    from scanner.tasks import scan_bytes

    raw = (SAMPLES / "16_full_beschikking_to_coa.eml").read_bytes()
    with WorkerPool(workers=1, timeout=120) as p:
        assert p.stats.last_start_seconds and p.ready == 1
        result = p.submit(scan_bytes, raw, "16.eml").result(timeout=120)
    assert result.verdict in ("warn", "block")
    assert "FULL_BESCHIKKING" in {v.rule for v in result.violations}
    assert result.elapsed_ms < 20_000  # no model load inside the task (loading takes seconds)


def test_a_front_end_budget_shortens_the_message_budget_but_never_lengthens_it():
    """The hook and the web give the core a budget inside their kill timeout, so a slow message is
    reported as not (fully) checked instead of killed."""
    from scanner.ingest import Limits
    from scanner.policy import load_policy
    from scanner.tasks import budget_within

    policy = load_policy()
    assert Limits.from_policy(policy).max_message_seconds == policy.data["limits"]["message_seconds"]
    assert Limits.from_policy(policy, 24.0).max_message_seconds == 24.0
    assert Limits.from_policy(policy, 10_000.0).max_message_seconds == policy.data["limits"]["message_seconds"]
    for timeout in (5.0, 30.0, 60.0, 120.0):
        assert 1.0 <= budget_within(timeout) < timeout


def test_the_text_report_never_says_nothing_was_found_about_what_was_not_read(tmp_path):
    from scanner.cli import main

    empty = tmp_path / "leeg.eml"
    empty.write_bytes(b"")
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["scan", str(empty)])
    assert code == 10
    assert "Geen persoonsgegevens gevonden." not in out.getvalue()
    assert "niet alles kon worden gelezen" in out.getvalue()
