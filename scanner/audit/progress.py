"""Progress of an audit on stderr: a rich bar (count, rate, ETA) on a terminal, plain periodic lines otherwise."""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import TextIO

from scanner.i18n import T


class PlainProgress:
    """One line every `every` seconds and one at the end: fit for logs, cron mail and CI."""

    def __init__(self, total: int | None, every: float = 10.0, stream: TextIO | None = None) -> None:
        self.total, self.every, self.stream = total, every, stream or sys.stderr
        self.done = 0
        self.verdicts: Counter[str] = Counter()
        self.started = self.last = time.monotonic()

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, *exc) -> None:
        self.line()

    def advance(self, verdict: str | None) -> None:
        """One message finished (`verdict`) or skipped (None: done before, or a duplicate)."""
        if self.done == 0:  # the rate counts from the first result, not from the workers' start-up
            self.started = time.monotonic()
        self.done += 1
        if verdict:
            self.verdicts[verdict] += 1
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self.line()

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return (self.done - 1) / elapsed if elapsed >= 1.0 and self.done > 1 else 0.0

    def line(self) -> None:
        rate = self.rate()
        of = f"/{self.total}" if self.total else ""
        eta = ""
        if self.total and rate > 0 and self.done < self.total:
            eta = T(f", nog ongeveer {_duration((self.total - self.done) / rate)}",
                    f", about {_duration((self.total - self.done) / rate)} left")
        counts = " ".join(f"{v}={self.verdicts[v]}" for v in ("block", "warn", "pass") if self.verdicts[v])
        speed = f", {rate:.1f}/s" if rate else ""
        print(f"audit: {self.done}{of} {T('berichten', 'messages')}{speed}{eta} {counts}".rstrip(),
              file=self.stream, flush=True)


class RichProgress:
    """The bar on a terminal: description, bar, M/N, mails per second, time left."""

    def __init__(self, total: int | None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), TextColumn("{task.fields[verdicts]}"),
            console=Console(stderr=True), transient=False,
        )
        self.task = self.progress.add_task("audit", total=total, rate="", verdicts="")
        self.verdicts: Counter[str] = Counter()

    def __enter__(self) -> RichProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def advance(self, verdict: str | None) -> None:
        if verdict:
            self.verdicts[verdict] += 1
        speed = self.progress.tasks[0].speed
        shown = " ".join(f"{v} {self.verdicts[v]}" for v in ("block", "warn", "pass") if self.verdicts[v])
        self.progress.update(self.task, advance=1, rate=f"{speed:.1f}/s" if speed else "", verdicts=shown)


def make_progress(total: int | None, every: float = 10.0) -> PlainProgress | RichProgress:
    return RichProgress(total) if sys.stderr.isatty() else PlainProgress(total, every)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
