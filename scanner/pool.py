"""One pool of worker processes that every long-running front end (hook, web, audit) submits to.

Each worker is a separate process that loads the models once, at start-up, before it takes
its first task (the `initializer`, by default `scanner.tasks.warm`). Every task gets a time
budget: a worker that has not answered within it is killed (SIGKILL: a hang inside PDFium or
qpdf is C code that no thread can interrupt) and replaced by a fresh, warm one, and the task's
future fails with `TaskTimeout`. A worker that dies (a segfault, the OOM killer) fails its task
with `WorkerDied` and is replaced the same way. Nothing a task does can take the caller down.

    with WorkerPool(workers=2, initargs=(policy_path,)) as pool:
        result = pool.submit(scan_bytes, raw, "mail.eml", timeout=30).result()
        result = await pool.run(scan_bytes, raw, "mail.eml")      # from asyncio

Tasks are module-level functions (pickled by reference) with picklable arguments and results.
One thread per worker in the calling process hands tasks over a pipe and watches the clock;
tasks wait in one queue, first come first served.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("verzendcheck.pool")

DEFAULT_TIMEOUT = 60.0  # seconds a task may run before its worker is killed
START_TIMEOUT = 180.0  # seconds a new worker may take to load the models
_STOP = object()


class PoolError(Exception):
    """A task that did not produce a result for a reason of the pool, not of the task."""


class TaskTimeout(PoolError):
    """The task ran past its time budget; its worker was killed and replaced."""


class WorkerDied(PoolError):
    """The worker process ended while it ran the task (a crash, a kill from outside)."""


class WorkerStartError(PoolError):
    """No worker could be started (the models failed to load)."""


class PoolClosed(PoolError):
    """The pool was closed before the task ran."""


class TaskFailed(Exception):
    """The task raised an exception that could not be sent back as itself; only its type name is kept."""

    def __init__(self, type_name: str) -> None:
        super().__init__(type_name)
        self.type_name = type_name


def _no_initializer() -> None:
    return None


def _worker_main(conn, initializer: Callable[..., Any], initargs: Sequence[Any], memory_mb: int | None) -> None:
    """The loop of one worker process: initialise, say ready, then run tasks until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops the pool
    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        initializer(*initargs)
    except BaseException as exc:  # report and end: the parent decides what to do
        conn.send(("init_error", type(exc).__name__))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        fn, args, kwargs = task
        try:
            reply = ("ok", fn(*args, **kwargs))
        except BaseException as exc:
            reply = ("error", exc)
        try:
            conn.send(reply)
        except Exception:  # the result or the exception does not pickle
            conn.send(("error", TaskFailed(type(reply[1]).__name__)))


@dataclass
class PoolStats:
    """Counters for health checks and logs (no personal data)."""

    started: int = 0
    completed: int = 0
    failed: int = 0
    timed_out: int = 0
    died: int = 0
    busy: int = 0
    last_start_seconds: list[float] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "last_start_seconds"}


class _Slot:
    """One worker process and the thread in this process that feeds it."""

    def __init__(self, pool: WorkerPool, index: int) -> None:
        self.pool = pool
        self.index = index
        self.process: multiprocessing.process.BaseProcess | None = None
        self.conn = None
        self.ready = False  # the process has loaded the models and waits for tasks
        self.started_once = threading.Event()  # the first start has succeeded or failed
        self.thread = threading.Thread(target=self._loop, name=f"verzendcheck-worker-{index}", daemon=True)

    # -- process life ----------------------------------------------------

    def start_process(self) -> None:
        pool = self.pool
        ctx = pool._ctx
        parent, child = ctx.Pipe(duplex=True)
        proc = ctx.Process(
            target=_worker_main,
            args=(child, pool._initializer, pool._initargs, pool._memory_mb),
            name=f"verzendcheck-worker-{self.index}",
            daemon=True,
        )
        began = time.monotonic()
        proc.start()
        child.close()
        self.process, self.conn = proc, parent
        if not parent.poll(pool._start_timeout):
            self.kill()
            raise WorkerStartError("worker did not become ready in time")
        try:
            status, payload = parent.recv()
        except (EOFError, OSError):
            self.kill()
            raise WorkerStartError("worker ended while loading the models") from None
        if status != "ready":
            self.kill()
            raise WorkerStartError(f"worker could not load the models ({payload})")
        self.ready = True
        with pool._lock:
            pool.stats.started += 1
            pool.stats.last_start_seconds = [*pool.stats.last_start_seconds[-9:], time.monotonic() - began]

    def kill(self) -> None:
        proc, conn = self.process, self.conn
        self.process = self.conn = None
        self.ready = False
        if proc is not None and proc.is_alive():
            proc.kill()
        if proc is not None:
            proc.join(5)
        if conn is not None:
            conn.close()

    def stop_process(self) -> None:
        if self.conn is not None:
            try:
                self.conn.send(None)
            except OSError:
                pass
            if self.process is not None:
                self.process.join(2)
        self.kill()

    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    # -- the feeding thread ----------------------------------------------

    def _loop(self) -> None:
        pool = self.pool
        try:
            self.start_process()
        except WorkerStartError as exc:
            log.error("worker %d: %s", self.index, exc)
        finally:
            self.started_once.set()
        while True:
            item = pool._queue.get()
            if item is _STOP:
                break
            future, fn, args, kwargs, timeout = item
            if not future.set_running_or_notify_cancel():
                continue
            self._run(future, fn, args, kwargs, timeout)
        self.stop_process()

    def _ensure_alive(self) -> bool:
        if self.alive():
            return True
        self.kill()
        try:
            self.start_process()
            return True
        except WorkerStartError as exc:
            log.error("worker %d: %s", self.index, exc)
            return False

    def _run(self, future: Future, fn: Callable[..., Any], args: tuple, kwargs: dict, timeout: float) -> None:
        pool = self.pool
        if not self._ensure_alive():
            future.set_exception(WorkerStartError("geen werkproces beschikbaar"))
            return
        with pool._lock:
            pool.stats.busy += 1
        try:
            try:
                self.conn.send((fn, args, kwargs))
            except (pickle.PicklingError, TypeError, AttributeError) as exc:
                future.set_exception(exc)
                return
            except OSError:
                self._replace("died", future, WorkerDied("het werkproces was gestopt"))
                return
            try:
                answered = self.conn.poll(timeout)
            except (OSError, ValueError):  # the pool was terminated under this task
                future.set_exception(PoolClosed("de pool is gesloten"))
                return
            if not answered:
                log.warning("worker %d: task over its budget of %.0f s; killed and replaced", self.index, timeout)
                self._replace("timed_out", future, TaskTimeout(f"geen antwoord binnen {timeout:.0f} s"))
                return
            try:
                status, payload = self.conn.recv()
            except (EOFError, OSError, pickle.UnpicklingError):
                code = self.process.exitcode if self.process else None
                log.warning("worker %d ended during a task (exit code %s); replaced", self.index, code)
                self._replace("died", future, WorkerDied("het werkproces stopte onverwacht"))
                return
            with pool._lock:
                if status == "ok":
                    pool.stats.completed += 1
                else:
                    pool.stats.failed += 1
            if status == "ok":
                future.set_result(payload)
            else:
                future.set_exception(payload if isinstance(payload, BaseException) else TaskFailed(str(payload)))
        finally:
            with pool._lock:
                pool.stats.busy -= 1

    def _replace(self, counter: str, future: Future, error: PoolError) -> None:
        with self.pool._lock:
            setattr(self.pool.stats, counter, getattr(self.pool.stats, counter) + 1)
        self.kill()
        future.set_exception(error)  # before the restart: the caller should not wait for the models to load
        if not self.pool._closed:
            try:
                self.start_process()  # warm again before this slot takes the next task
            except WorkerStartError as exc:
                log.error("worker %d: %s", self.index, exc)


class WorkerPool:
    """`workers` processes, each initialised once; tasks with a time budget; hung workers replaced."""

    def __init__(
        self,
        workers: int = 2,
        *,
        initializer: Callable[..., Any] | None = None,
        initargs: Sequence[Any] = (),
        timeout: float = DEFAULT_TIMEOUT,
        start_timeout: float = START_TIMEOUT,
        memory_mb: int | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if initializer is None:
            from scanner.tasks import warm

            initializer = warm
        self.workers = workers
        self.timeout = timeout
        self.stats = PoolStats()
        self._initializer = initializer
        self._initargs = tuple(initargs)
        self._start_timeout = start_timeout
        self._memory_mb = memory_mb
        self._ctx = multiprocessing.get_context("spawn")  # no fork of a process with threads and models
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self._started = False
        self._slots = [_Slot(self, i) for i in range(workers)]

    def start(self, wait: bool = True) -> WorkerPool:
        """Start the workers; with `wait`, return once every worker has loaded the models."""
        if not self._started:
            self._started = True
            for slot in self._slots:
                slot.thread.start()
        if wait:
            deadline = time.monotonic() + self._start_timeout
            while time.monotonic() < deadline and not self._closed and self.ready < self.workers:
                if all(s.started_once.is_set() for s in self._slots):
                    break  # every slot tried; some may have failed
                time.sleep(0.05)
            if self.ready == 0:
                raise WorkerStartError("geen enkel werkproces kon starten")
        return self

    @property
    def ready(self) -> int:
        """Workers that have loaded the models and can take a task now or after their current one."""
        return sum(1 for s in self._slots if s.ready)

    def health(self) -> dict[str, Any]:
        """For /healthz and logs: worker counts and counters, no personal data."""
        return {"workers": self.workers, "ready": self.ready, "pending": self.pending(), **self.stats.to_json()}

    def submit(self, fn: Callable[..., Any], *args: Any, timeout: float | None = None, **kwargs: Any) -> Future:
        """Queue `fn(*args, **kwargs)` for a worker; the future fails with a PoolError subclass
        when the pool could not get a result (timeout, crash), or with the task's own exception."""
        if self._closed:
            raise PoolClosed("de pool is gesloten")
        if not self._started:
            self.start(wait=False)
        future: Future = Future()
        self._queue.put((future, fn, args, kwargs, self.timeout if timeout is None else timeout))
        return future

    async def run(self, fn: Callable[..., Any], *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        """`submit` for asyncio: await the result without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(fn, *args, timeout=timeout, **kwargs))

    def pending(self) -> int:
        """Tasks waiting for a worker."""
        return self._queue.qsize()

    def close(self, wait: bool = True) -> None:
        """Stop taking tasks; queued tasks fail with PoolClosed; workers end after their current task."""
        if self._closed:
            return
        self._closed = True
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not _STOP:
                item[0].set_exception(PoolClosed("de pool is gesloten"))
        for _ in self._slots:
            self._queue.put(_STOP)
        if wait:
            for slot in self._slots:
                if slot.thread.is_alive():
                    slot.thread.join(10)
        for slot in self._slots:
            slot.kill()

    def terminate(self) -> None:
        """Close and kill every worker at once, running tasks included."""
        self._closed = True
        for slot in self._slots:
            slot.kill()
        self.close(wait=False)

    def __enter__(self) -> WorkerPool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
