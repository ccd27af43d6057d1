"""Tasks for tests/test_pool.py: module-level so the spawned workers can import them."""

from __future__ import annotations

import os
import time

_initialised: list[int] = []


def init(marker: str | None = None) -> None:
    _initialised.append(os.getpid())
    if marker:
        with open(marker, "a") as fh:
            fh.write(f"{os.getpid()}\n")


def pid() -> int:
    return os.getpid()


def initialised() -> tuple[int, list[int]]:
    return os.getpid(), list(_initialised)


def add(a: int, b: int) -> int:
    return a + b


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def hang_in_c() -> None:
    """A hang no Python signal can interrupt in a thread: block in a C call with signals ignored."""
    import signal

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGALRM})
    time.sleep(3600)


def crash() -> None:
    os._exit(13)


def fail(text: str) -> None:
    raise ValueError(text)


def unpicklable_result():
    return lambda: None


def crash_any(*args, **kwargs) -> None:
    """A task that takes its worker down whatever it is given (a batch that crashes the worker)."""
    os._exit(13)
