"""Scan tasks for tests/test_hook.py: the real scan, or a fault chosen by a test header (module-level so the
pool's spawned workers can import it). Production code never sees these headers."""

from __future__ import annotations

import time

from scanner.hook.replies import header_end
from scanner.tasks import scan_bytes


def scan_or_fault(data: bytes, name: str, **kwargs):
    head = data[: header_end(data)]
    if b"X-Test-Fault: raise" in head:
        raise RuntimeError("scanner failure made by the test")
    if b"X-Test-Fault: hang" in head:
        time.sleep(3600)  # past any budget: the pool must kill this worker
    return scan_bytes(data, name, **kwargs)
