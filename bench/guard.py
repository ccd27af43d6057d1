"""Behaviour guard for speed work: every result of a fixed corpus, byte for byte.

Run from the repository root before a change and after it, then compare the two files:
    .venv/bin/python bench/guard.py /tmp/before.jsonl
    ... change ...
    .venv/bin/python bench/guard.py /tmp/after.jsonl && cmp /tmp/before.jsonl /tmp/after.jsonl
Each line is one mail's `Result.to_json(reveal=True)` without `elapsed_ms` (so values, scores,
pages and verdicts all count). Corpus: samples/*.eml, the messages of samples/sent.mbox, the
hand-written mails of evaluation/issue18, and, when ../shared is there, its e-mail fixtures.
The output holds personal data of the (synthetic) samples unmasked: keep it out of the repository.
"""

from __future__ import annotations

import json
import mailbox
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this checkout's scanner, not an installed one
FIXTURES = REPO.parent / "shared" / "data" / "email-fixtures"


def corpus() -> list[tuple[str, bytes]]:
    items = [(p.name, p.read_bytes()) for p in sorted((REPO / "samples").glob("*.eml"))]
    items += [(f"sent.mbox#{i}", m.as_bytes()) for i, m in enumerate(mailbox.mbox(REPO / "samples" / "sent.mbox"))]
    items += [(str(p.relative_to(REPO)), p.read_bytes()) for p in sorted(REPO.glob("evaluation/issue18/set*/*.eml"))]
    if FIXTURES.exists():
        items += [(str(p.relative_to(FIXTURES)), p.read_bytes()) for p in sorted(FIXTURES.rglob("*.eml"))[:200]]
    return items


def main() -> None:
    from scanner.core import scan_message
    from scanner.ingest import load_bytes

    if len(sys.argv) != 2:
        sys.exit(__doc__)
    items = corpus()
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        for name, data in items:
            result = scan_message(load_bytes(data, name.rsplit("/", 1)[-1])).to_json(reveal=True)
            result.pop("elapsed_ms", None)
            out.write(json.dumps([name, result], ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(items)} results written to {sys.argv[1]}")


if __name__ == "__main__":
    main()
