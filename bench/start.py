"""The start of `python -m scanner scan one.eml` in this checkout against others, interleaved.

Run: `.venv/bin/python bench/start.py --against ../main --runs 10`. Each round starts one fresh
process per checkout, in turn, so the shared machine's noise hits them alike; printed per checkout:
the wall time to the first line of the report (median and min), the CPU time of the whole process
and its peak resident memory. The data cache should be filled first (any earlier scan does it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import REPO, start_and_memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, action="append", default=[], help="another checkout (repeatable)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--mail", default="samples/01_pass_ind_to_dtv_vnummer.eml")
    args = parser.parse_args()
    repos = [REPO, *(p.resolve() for p in args.against)]
    figures: dict[Path, list[list[float]]] = {repo: [[], [], [], []] for repo in repos}
    for repo in repos:  # warm the page cache and each checkout's data cache
        start_and_memory(repo / args.mail, 1, repo)
    for _ in range(args.runs):
        for repo in repos:
            for kept, new in zip(figures[repo], start_and_memory(repo / args.mail, 1, repo), strict=True):
                kept.extend(new)
    print("| checkout | first result, median s | min s | CPU s (median) | peak RSS MB (median) |")
    print("|---|---|---|---|---|")
    for repo in repos:
        first, _, peak, cpu = figures[repo]
        print(f"| {repo.name} | {statistics.median(first):.2f} | {min(first):.2f} | {statistics.median(cpu):.2f} "
              f"| {statistics.median(peak):.0f} |")


if __name__ == "__main__":
    main()
