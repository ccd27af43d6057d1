"""OCR benchmark: seconds per A4 page at 150/200/300 dpi, a 12-page scanned beschikking end to end,
pages in parallel against one at a time, peak memory, and what OCR costs a mail without scans.

Run: `.venv/bin/python bench/ocr.py [--rounds N]`. Prints Markdown; copy it into bench/RESULTS.md.
The baseline measured in the same run is the same beschikking with its text layer (no OCR).
Needs Debian's tesseract-ocr, tesseract-ocr-nld and tesseract-ocr-eng.
"""

from __future__ import annotations

import argparse
import email
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def beschikking() -> bytes:
    msg = email.message_from_bytes((REPO / "samples" / "16_full_beschikking_to_coa.eml").read_bytes())
    return next(p.get_payload(decode=True) for p in msg.walk() if (p.get_filename() or "").endswith(".pdf"))


def scanned(pdf_bytes: bytes, dpi: int = 200) -> bytes:
    """Every page as an image (a copier's scan), in an image-only PDF."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_bytes)
    images = [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(pdf))]
    pdf.close()
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return buf.getvalue()


def mail(pdf: bytes) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "a.jansen@ind.nl", "b.devries@coa.nl", "Besluit"
    m.set_content("Beste collega,\n\nHierbij het besluit.\n\nGroet,\nA. Jansen")
    m.add_attachment(pdf, maintype="application", subtype="pdf", filename="besluit.pdf")
    return m.as_bytes()


def timed(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import pypdfium2 as pdfium

    from scanner.core import scan_message
    from scanner.ingest import load_bytes, ocr
    from scanner.policy import load_policy

    policy = load_policy()
    original = beschikking()
    page1 = pdfium.PdfDocument(original)[0]
    print(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {args.rounds} rounds (median), "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.\n")
    print("| OCR of one A4 page (page 1 of the beschikking), one core | seconds |")
    print("|---|---|")
    for dpi in (150, 200, 300):
        image = page1.render(scale=dpi / 72, grayscale=True).to_pil()
        seconds = timed(lambda image=image: ocr.ocr_image(image), args.rounds)
        print(f"| {dpi} dpi ({image.width}x{image.height}) | {seconds:.2f} |")
    rotated = page1.render(scale=200 / 72, grayscale=True).to_pil().rotate(90, expand=True)
    print(f"| 200 dpi turned 90 degrees (read, orientation, read again) | "
          f"{timed(lambda: ocr.ocr_image(rotated), args.rounds):.2f} |")

    scan_mail, text_mail = mail(scanned(original)), mail(original)
    scan_message(load_bytes(text_mail, "warm.eml"), policy)  # models loaded before timing

    def end_to_end(data: bytes) -> None:
        scan_message(load_bytes(data, "besluit.eml"), policy)

    text_s = timed(lambda: end_to_end(text_mail), args.rounds)
    scan_s = timed(lambda: end_to_end(scan_mail), args.rounds)  # threads as the load allows
    free = ocr.workers(12)
    adaptive = ocr.workers
    ocr.workers = lambda jobs: min(jobs, os.cpu_count() or 1)
    parallel_s = timed(lambda: end_to_end(scan_mail), args.rounds)
    ocr.workers = lambda jobs: 1
    serial_s = timed(lambda: end_to_end(scan_mail), args.rounds)
    ocr.workers = adaptive
    print("\n| 12-page beschikking, end to end (`load_bytes` + `scan_message`) | seconds | vs text layer |")
    print("|---|---|---|")
    print(f"| with its text layer (baseline, no OCR) | {text_s:.2f} | 1.0x |")
    print(f"| scanned, threads as free cores allow ({free} at the end of the run) | {scan_s:.2f} | "
          f"{scan_s / text_s:.0f}x |")
    print(f"| scanned, one thread per core ({os.cpu_count()}) | {parallel_s:.2f} | {parallel_s / text_s:.0f}x |")
    print(f"| scanned, one page at a time | {serial_s:.2f} | {serial_s / text_s:.0f}x |")

    calls = []
    run = ocr._run
    ocr._run = lambda *a, **kw: calls.append(1) or run(*a, **kw)
    no_images = [p for p in sorted((REPO / "samples").glob("*.eml")) if b"image/" not in p.read_bytes()
                 and b".pdf" not in p.read_bytes().lower()]
    for path in no_images:
        end_to_end(path.read_bytes())
    ocr._run = run
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nTesseract runs for the {len(no_images)} sample mails without images or PDFs: {len(calls)}.")
    print(f"Peak memory of this process after all of it: {own:.0f} MB (spaCy and Presidio models included).")
    if shutil.which("time") or Path("/usr/bin/time").exists():
        png = io.BytesIO()
        page1.render(scale=300 / 72, grayscale=True).to_pil().save(png, "PNG")
        out = subprocess.run(["/usr/bin/time", "-f", "%M", "tesseract", "stdin", "stdout", "-l", "nld+eng", "tsv"],
                             input=png.getvalue(), capture_output=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"))
        peak = int(out.stderr.decode().strip().splitlines()[-1]) / 1024
        print(f"Peak memory of one Tesseract process on a 300 dpi A4 page: {peak:.0f} MB (one per thread).")


if __name__ == "__main__":
    main()
