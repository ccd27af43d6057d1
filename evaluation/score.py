"""Score the scanner on a labelled set: `python evaluation/score.py evaluation/issue18/set1 [--details] [--reveal]`.

Prints verdict accuracy, false blocks on must-pass mails (expected verdict pass), rule recall,
identifier recall and precision per entity type, phone precision and person recall. Labels come
from the set's `labels.json` (see evaluation/build.py). Run from the repository root.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

IDENTIFIERS = ("V_NUMBER", "BSN", "ID_DOCUMENT", "DATE_OF_BIRTH", "PHONE_NUMBER", "IBAN", "KLANTNUMMER",
               "EMAIL_ADDRESS")


def norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def found(value: str, texts: list[str]) -> bool:
    """A labelled value is found when a finding of its type covers it (or it covers the finding)."""
    v = norm(value)
    return any(v and t and (v in t or t in v) and len(t) >= min(len(v), 6) for t in map(norm, texts))


def person_found(value: str, texts: list[str]) -> bool:
    """A labelled name is found when a PERSON finding contains its last word (the surname)."""
    last = norm(value.split()[-1])
    return any(last in {norm(w) for w in t.split()} for t in texts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--details", action="store_true", help="list each wrong mail and each miss")
    parser.add_argument("--reveal", action="store_true", help="show the missed and extra values (fiction)")
    args = parser.parse_args(argv)

    from scanner.core import scan_message
    from scanner.ingest import load_path
    from scanner.policy import load_policy

    labels = json.loads((args.folder / "labels.json").read_text(encoding="utf-8"))
    policy = load_policy()
    right = must_pass = false_block = 0
    rule_tp = rule_fn = rule_fp = 0
    hits: Counter[str] = Counter()
    wanted: Counter[str] = Counter()
    true_pos: Counter[str] = Counter()
    reported: Counter[str] = Counter()
    lines: list[str] = []

    def show(value: str) -> str:
        return value if args.reveal else f"{value[:2]}…({len(value)})"

    for name, label in labels.items():
        result = scan_message(load_path(args.folder / name), policy)
        by_type: dict[str, list[str]] = {}
        for f in result.findings:
            if f.entity in IDENTIFIERS or f.entity == "PERSON":
                by_type.setdefault(f.entity, []).append(f.text)
        expected = label["verdict"]
        right += result.verdict == expected
        if expected == "pass":
            must_pass += 1
            false_block += result.verdict == "block"
        got_rules = {v.rule for v in result.violations if v.severity != "info"}
        # Only warn and block rules are compared; LAWYER_UNVERIFIED is an info reminder unless the domain is unknown.
        want_rules = {r for r in label["rules"]
                      if r != "LAWYER_UNVERIFIED" or label["category"] == "lawyer_unknown_domain"}
        rule_tp += len(got_rules & want_rules)
        rule_fn += len(want_rules - got_rules)
        rule_fp += len(got_rules - want_rules)
        problems = []
        if result.verdict != expected:
            problems.append(f"verdict {result.verdict} (expected {expected}); rules {sorted(got_rules)}")
        elif got_rules != want_rules:
            problems.append(f"rules missing {sorted(want_rules - got_rules)} extra {sorted(got_rules - want_rules)}")
        for entity, values in label["entities"].items():
            texts = by_type.get(entity, [])
            match = person_found if entity == "PERSON" else found
            for value in values:
                wanted[entity] += 1
                if match(value, texts):
                    hits[entity] += 1
                else:
                    problems.append(f"missed {entity} {show(value)}")
        for entity, texts in by_type.items():
            if entity == "PERSON":
                continue
            for text in texts:
                reported[entity] += 1
                if any(found(v, [text]) for v in label["entities"].get(entity, [])):
                    true_pos[entity] += 1
                else:
                    problems.append(f"extra {entity} {show(text)}")
        if problems:
            lines.append(f"{name}: " + "; ".join(problems))

    n = len(labels)
    print(f"set {args.folder}  mails {n}  (must-pass {must_pass})")
    print(f"verdict accuracy      {right / n:.3f}  ({right}/{n})")
    print(f"false block must-pass {false_block / max(must_pass, 1):.3f}  ({false_block}/{must_pass})")
    print(f"rule recall           {rule_tp / max(rule_tp + rule_fn, 1):.3f}  precision "
          f"{rule_tp / max(rule_tp + rule_fp, 1):.3f}  (warn/block rules)")
    id_hits = sum(hits[e] for e in IDENTIFIERS)
    id_wanted = sum(wanted[e] for e in IDENTIFIERS)
    print(f"identifier recall     {id_hits / max(id_wanted, 1):.3f}  ({id_hits}/{id_wanted})")
    for entity in IDENTIFIERS:
        if wanted[entity] or reported[entity]:
            print(f"  {entity:<14} recall {hits[entity] / max(wanted[entity], 1):.3f} ({hits[entity]}/{wanted[entity]})"
                  f"  precision {true_pos[entity] / max(reported[entity], 1):.3f}"
                  f" ({true_pos[entity]}/{reported[entity]})")
    print(f"phone precision       {true_pos['PHONE_NUMBER'] / max(reported['PHONE_NUMBER'], 1):.3f}")
    print(f"person recall         {hits['PERSON'] / max(wanted['PERSON'], 1):.3f}"
          f"  ({hits['PERSON']}/{wanted['PERSON']})")
    if args.details:
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path.cwd()))
    sys.exit(main())
