"""What the web layer of `verzendcheck serve` costs: /api/scan over HTTP against the same pool used directly.

    python bench/web.py [--rounds 3] [--workers 2] [--clients 10]

Corpus: the sample mails (samples/*.eml). Contenders, interleaved per round after a warm-up:
- baseline: `WorkerPool.submit(scan_bytes_in_context, ...)` for every mail, all queued at once;
- `/api/scan`, one mail per request, `--clients` requests in flight (a real uvicorn on loopback);
- `/api/scan`, the mails in requests of `max_files` (10) files.
Prints mails/s and the time ratio to the baseline (median of the rounds).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _server(pool):
    import uvicorn

    from scanner.web.app import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    srv = uvicorn.Server(uvicorn.Config(create_app(pool=pool), log_level="warning", access_log=False))
    threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not srv.started:
        time.sleep(0.05)
    return srv, f"http://127.0.0.1:{sock.getsockname()[1]}"


def main() -> int:
    import httpx

    from scanner.pool import WorkerPool
    from scanner.tasks import scan_bytes_in_context

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=10)
    args = parser.parse_args()
    mails = [(p.name, p.read_bytes()) for p in sorted((ROOT / "samples").glob("*.eml"))]

    with WorkerPool(workers=args.workers, timeout=120) as pool:
        srv, base = _server(pool)
        client = httpx.Client(base_url=base, timeout=300)

        def direct() -> None:
            futures = [pool.submit(scan_bytes_in_context, data, name) for name, data in mails]
            for future in futures:
                future.result()

        def one(item) -> None:
            response = client.post("/api/scan", files={"file": item})
            response.raise_for_status()

        def per_file() -> None:
            with ThreadPoolExecutor(args.clients) as executor:
                list(executor.map(one, mails))

        def batched() -> None:
            for start in range(0, len(mails), 10):
                files = [("file", item) for item in mails[start:start + 10]]
                client.post("/api/scan", files=files).raise_for_status()

        contenders = {
            f"baseline: pool.submit, {args.workers} workers": direct,
            f"/api/scan, 1 file/request, {args.clients} clients": per_file,
            "/api/scan, 10 files/request, 1 client": batched,
        }
        for fn in contenders.values():  # warm-up: models, caches, connections
            fn()
        times: dict[str, list[float]] = {name: [] for name in contenders}
        for _ in range(args.rounds):
            for name, fn in contenders.items():
                began = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - began)
        client.close()
        srv.should_exit = True

    base_time = statistics.median(next(iter(times.values())))
    print(f"{len(mails)} mails, {args.rounds} rounds (median), {args.workers} workers")
    print("| contender | mails/s | time vs baseline |")
    print("|---|---|---|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {len(mails) / median:.1f} | {median / base_time:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
