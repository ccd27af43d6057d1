"""Latency and throughput of `verzendcheck smtp-proxy` against a direct relay, in one run.

Run: `.venv/bin/python bench/hook.py [--mails 60] [--workers 2]`. A receiving aiosmtpd server
(tests/smtp_sink.py) stands for the next MTA; the same mails go to it directly and through the
proxy, interleaved, one SMTP connection each way, so the shared machine's noise hits both alike.
Added latency = the proxy's percentile minus the direct one (MAIL to the 250). Beside it, the same
scan run alone in this process: the difference is the hook's own share (pool hand-over, relay). Two mails:
a short text mail, and one with a 20-page text PDF. Then throughput: mails/s over 10 parallel
connections with `--workers` scan processes. The proxy runs in monitor mode so every mail is
relayed (the full path). Prints a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import smtplib
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

PARAGRAPH = (
    "In dit verslag staat de werkwijze van het regionale overleg over de opvang en de doorstroom. "
    "De deelnemers bespreken de capaciteit van de locaties, de planning van de verhuizingen en de "
    "afspraken over de overdracht tussen de organisaties in de keten. "
)


def text_mail(i: int) -> bytes:
    from smtp_sink import outgoing_mail

    return outgoing_mail(f"bench-text-{i}@bench.verzendcheck",
                         "Beste collega,\n\n" + PARAGRAPH * 3 + "\n\nMet vriendelijke groet,\nIND\n")


def pdf_20_pages() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for page in range(1, 21):
        text = pdf.beginText(60, 780)
        text.setFont("Helvetica", 10)
        for line in range(60):
            text.textLine(f"Pagina {page}, regel {line + 1}: {PARAGRAPH[(line * 7) % 80:][:90]}")
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def pdf_mail(i: int, pdf: bytes) -> bytes:
    from smtp_sink import outgoing_mail

    body = "Beste collega,\n\nIn de bijlage het verslag.\n\nGroet,\nIND\n"
    return outgoing_mail(f"bench-pdf-{i}@bench.verzendcheck", body, subject="Verslag overleg", pdf=pdf)


def timed_send(client: smtplib.SMTP, data: bytes) -> float:
    began = time.perf_counter()
    client.sendmail("bmw.zwolle@ind.nl", ["regie@dtv.minvenj.nl"], data)
    return (time.perf_counter() - began) * 1000


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def latency(direct: tuple[str, int], proxy: tuple[str, int], mails: list[bytes]) -> tuple[list[float], ...]:
    """Per mail: direct relay, through the proxy, and the scan alone in this process (what the proxy waits for)."""
    from scanner.tasks import scan_bytes

    d_times, p_times, s_times = [], [], []
    with smtplib.SMTP(*direct, timeout=120) as d, smtplib.SMTP(*proxy, timeout=120) as p:
        for data in mails:
            d_times.append(timed_send(d, data))
            p_times.append(timed_send(p, data))
            began = time.perf_counter()
            scan_bytes(data, "bench.eml", bcc=["regie@dtv.minvenj.nl"])
            s_times.append((time.perf_counter() - began) * 1000)
    return d_times, p_times, s_times


def throughput(address: tuple[str, int], mails: list[bytes], connections: int = 10) -> float:
    share = [mails[i::connections] for i in range(connections)]

    def run(batch: list[bytes]) -> None:
        with smtplib.SMTP(*address, timeout=300) as client:
            for data in batch:
                client.sendmail("bmw.zwolle@ind.nl", ["regie@dtv.minvenj.nl"], data)

    began = time.perf_counter()
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(run, share))
    return len(mails) / (time.perf_counter() - began)


def main() -> None:
    from smtp_sink import SmtpSink

    from scanner.hook.server import HookServer, HookSettings
    from scanner.policy import load_policy

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mails", type=int, default=60, help="text mails in the latency run (PDF mails: a third)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    sink = SmtpSink().start()
    policy = load_policy(None)
    settings = HookSettings.from_policy(policy, listen=("127.0.0.1", 0), relay=("127.0.0.1", sink.port),
                                        mode="monitor", workers=args.workers, decision_log="")
    began = time.perf_counter()
    proxy = HookServer(settings, policy=policy).start()
    start_s = time.perf_counter() - began
    direct = ("127.0.0.1", sink.port)
    try:
        from scanner.tasks import warm

        warm()  # the in-process scan baseline loads its models here, not in the first timed mail
        pdf = pdf_20_pages()
        latency(direct, proxy.address, [text_mail(-1), pdf_mail(-1, pdf)])  # first-connection effects
        rows = []
        for label, mails in (("text mail", [text_mail(i) for i in range(args.mails)]),
                             ("mail + 20-page text PDF", [pdf_mail(i, pdf) for i in range(max(5, args.mails // 6))])):
            d, p, sc = latency(direct, proxy.address, mails)
            rows.append((label, len(mails), statistics.median(d), pct(d, 95), statistics.median(p), pct(p, 95),
                         statistics.median(sc), pct(sc, 95)))
        load = [text_mail(1000 + i) for i in range(100)]
        direct_rate = throughput(direct, load)
        proxy_rate = throughput(proxy.address, load)
    finally:
        proxy.stop()
        sink.stop()

    print(f"Proxy start (workers warm, listening): {start_s:.1f} s, {args.workers} workers\n")
    print("| mail | n | direct p50/p95 ms | proxy p50/p95 ms | **added p50/p95 ms** | scan alone p50/p95 ms "
          "| hook's own share p50 ms |")
    print("|---|---|---|---|---|---|---|")
    for label, n, d50, d95, p50, p95, s50, s95 in rows:
        print(f"| {label} | {n} | {d50:.1f} / {d95:.1f} | {p50:.1f} / {p95:.1f} "
              f"| **{p50 - d50:.1f} / {p95 - d95:.1f}** | {s50:.1f} / {s95:.1f} | {p50 - d50 - s50:.1f} |")
    print(f"\nThroughput, 100 text mails over 10 connections: direct {direct_rate:.1f} mails/s, "
          f"through the proxy ({args.workers} workers) {proxy_rate:.1f} mails/s "
          f"({proxy_rate / direct_rate:.2f}x direct)")


if __name__ == "__main__":
    main()
