"""scan_message is a library API: threads share the one analyzer and get the same answers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from scanner.core import scan_message
from scanner.ingest import load_path
from tests.conftest import REPO


def _summary(path):
    result = scan_message(load_path(path))
    data = result.to_json(reveal=True)
    data.pop("elapsed_ms")
    return data


def test_threads_give_the_same_results_as_one_thread():
    paths = sorted((REPO / "samples").glob("*.eml"))[:24]
    sequential = [_summary(p) for p in paths]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(_summary, paths * 3))
    assert threaded == sequential * 3
