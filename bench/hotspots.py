"""Where `scan_message` spends its time: a sampling profile (py-spy) of the bench corpus.

Run: `.venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/hotspots.py [--mails text|hand|all] [--seconds 40]`.
A child process loads the models, scans every mail once (warm-up, not sampled in the summary:
only stacks under the measured loop count), then scans the corpus again and again for
`--seconds`; py-spy samples it (wall clock, `--rate` per second, native frames off: spaCy's and
thinc's compiled code shows as the Python function that called it). Printed as Markdown: the
share of `scan_message` per area (the NER pipeline, the person rules, Presidio's pattern
recognizers, ...) and the top functions by inclusive share. A sampling profiler, unlike cProfile,
does not inflate many small Python calls against the model's C code.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROOT = "scan_message (scanner/core.py)"
LOOP = "measured_loop"
# Area -> the frames whose inclusive time is that area's (a sample counts once per area).
NER_AREA = "spaCy pipeline (tokenizer, NER)"
AREAS = {
    NER_AREA: ("Language.pipe (spacy/language.py)",),
    "person rules": ("find_persons (recognizers/person.py)",),
    "special-data lexicon": ("find_terms (recognizers/lexicon.py)",),
    "Presidio pattern recognizers": ("PatternRecognizer.analyze (presidio_analyzer/pattern_recognizer.py)",
                                     "DutchPatternRecognizer.analyze (recognizers/base.py)"),
    "phone numbers": ("PhoneRecognizer.analyze (recognizers/phone.py)",),
    "context enhancer": ("AnalyzerEngine._enhance_using_context (presidio_analyzer/analyzer_engine.py)",
                         "DutchAnalyzerEngine._enhance_using_context (recognizers/engine.py)"),
    "document classification": ("classify_message (scanner/documents.py)",),
    "rules": ("evaluate (scanner/rules/__init__.py)",),
}


def child(mode: str, seconds: float) -> None:
    sys.path.insert(0, str(REPO))
    sys.argv = [sys.argv[0]]
    from bench.run import corpus, realistic_mails, text_mails
    from scanner.core import scan_message
    from scanner.ingest import load_bytes

    mails = {"text": text_mails, "hand": realistic_mails, "all": corpus}[mode]()
    messages = [load_bytes(data, name) for name, data in mails]
    for message in messages:
        scan_message(message)

    def measured_loop() -> int:
        count, end = 0, time.monotonic() + seconds
        while time.monotonic() < end:
            for name, data in mails:  # parsed afresh: scan_message may annotate its message
                scan_message(load_bytes(data, name))
                count += 1
        return count

    print(measured_loop(), "scans", file=sys.stderr)


def summarise(raw: Path, top: int) -> str:
    inclusive: collections.Counter[str] = collections.Counter()
    areas: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [re.sub(r":\d+\)$", ")", f) for f in stack.split(";")]
        if not any(LOOP in f for f in frames) or ROOT not in frames:
            continue
        frames = frames[frames.index(ROOT):]
        total += int(count)
        for frame in dict.fromkeys(frames):
            inclusive[frame] += int(count)
        for area, names in AREAS.items():
            if any(name in frames for name in names):
                areas[area] += int(count)
    if not total:
        return "no samples under scan_message"
    # Each area also as a multiple of the NER's own time: issue 19's goal is a total of at most 1.3.
    ner = areas[NER_AREA] or total
    out = [f"{total} samples under `scan_message`\n", "| area | share of scan_message | x NER |", "|---|---|---|"]
    covered = 0
    for area in AREAS:
        covered += areas[area]
        out.append(f"| {area} | {100 * areas[area] / total:.1f} % | {areas[area] / ner:.3f} |")
    out.append(f"| everything else | {100 * (total - covered) / total:.1f} % | {(total - covered) / ner:.3f} |")
    out.append(f"| **total** | 100 % | **{total / ner:.2f}** |")
    out += ["", "| function (inclusive) | share |", "|---|---|"]
    out += [f"| `{frame}` | {100 * n / total:.1f} % |" for frame, n in inclusive.most_common(top)]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", choices=["text", "hand", "all"], default="text",
                        help="text-only mails, the hand-written mails of evaluation/issue18, or all samples")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--rate", type=int, default=250, help="samples per second")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.mails, args.seconds)
        return
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        sys.exit("py-spy not found: .venv/bin/pip install -e '.[bench]'")
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "profile.txt"
        subprocess.run([py_spy, "record", "--rate", str(args.rate), "--format", "raw", "--output", str(raw),
                        "--", sys.executable, __file__, "--child", "--mails", args.mails,
                        "--seconds", str(args.seconds)], check=True, cwd=REPO,
                       stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(REPO)})
        print(f"### Profile, {args.mails} mails, {args.seconds:.0f} s at {args.rate} samples/s\n")
        print(summarise(raw, args.top))


if __name__ == "__main__":
    main()
