"""The `verzendcheck` command line (CONTRACT §1); `python -m scanner` runs the same."""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from pathlib import Path

from scanner.model import Message, Result

EXIT_PASS, EXIT_WARN, EXIT_BLOCK, EXIT_USAGE, EXIT_INTERNAL = 0, 10, 20, 2, 1
EXIT_BY_VERDICT = {"pass": EXIT_PASS, "warn": EXIT_WARN, "block": EXIT_BLOCK}
log = logging.getLogger("verzendcheck")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="verzendcheck",
                                     description="Controleer uitgaande e-mail op persoonsgegevens.")
    sub = parser.add_subparsers(dest="command", required=True)

    scan = sub.add_parser("scan", help="scan mails (.eml, .msg) and documents")
    scan.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    scan.add_argument("--sender")
    scan.add_argument("--to", action="append", default=[])
    scan.add_argument("--cc", action="append", default=[])
    scan.add_argument("--bcc", action="append", default=[])
    scan.add_argument("--org", choices=["IND", "DTV", "COA"])
    scan.add_argument("--policy", type=Path)
    scan.add_argument("--format", choices=["text", "json", "html"], default="text")
    scan.add_argument("--reveal", action="store_true", help="show the matched personal data itself")
    scan.add_argument("--lang", choices=["nl", "en"], default="nl")

    redact = sub.add_parser("redact", help="write a copy with personal data truly removed")
    redact.add_argument("path", type=Path, metavar="PATH")
    redact.add_argument("--out", type=Path, required=True)
    redact.add_argument("--beschikking", action="store_true", help="keep only page 1 and the last two pages")
    redact.add_argument("--keep-pages", metavar="SPEC", help="e.g. 1,-2,-1 (negative counts from the end)")
    redact.add_argument("--entities", metavar="LIST", help="comma-separated entities to black out")
    redact.add_argument("--policy", type=Path)
    redact.add_argument("--lang", choices=["nl", "en"], default="nl")
    return parser


def _split(values: list[str]) -> list[str]:
    return [a.strip().lower() for v in values for a in v.split(",") if a.strip()]


def _with_flags(message: Message, args: argparse.Namespace) -> Message:
    if args.sender:
        message.sender = args.sender.strip().lower()
    for field in ("to", "cc", "bcc"):
        current = getattr(message, field)
        current.extend(a for a in _split(getattr(args, field)) if a not in current)
    return message


def cmd_scan(args: argparse.Namespace) -> int:
    from scanner.core import scan_message
    from scanner.ingest import load_path
    from scanner.policy import load_policy
    from scanner.report import render_html, render_text

    missing = [p for p in args.paths if not p.is_file()]
    if missing:
        print(f"verzendcheck: bestand niet gevonden: {missing[0]}", file=sys.stderr)
        return EXIT_USAGE
    policy = load_policy(args.policy)
    worst = EXIT_PASS
    results: list[Result] = []
    for path in args.paths:
        result = scan_message(_with_flags(load_path(path), args), policy, org=args.org, lang=args.lang)
        # File names can carry a person's name ("Besluit Karimi.pdf"): log a hash, never the name.
        log.info("scanned input=%s verdict=%s rules=%s", hashlib.sha256(str(path).encode()).hexdigest()[:12],
                 result.verdict, ",".join(v.rule for v in result.violations))
        worst = max(worst, EXIT_BY_VERDICT[result.verdict])
        if args.format == "json":
            print(json.dumps(result.to_json(reveal=args.reveal), ensure_ascii=False), flush=True)
        elif args.format == "text":
            print(render_text(result, lang=args.lang, reveal=args.reveal), flush=True)
        results.append(result)
    if args.format == "html":
        print(render_html(results, lang=args.lang, reveal=args.reveal))
    return worst


def cmd_redact(args: argparse.Namespace) -> int:
    from scanner.redact import redact_path

    if not args.path.is_file():
        print(f"verzendcheck: bestand niet gevonden: {args.path}", file=sys.stderr)
        return EXIT_USAGE
    return redact_path(args)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    args = _parser().parse_args(argv)
    from scanner.policy import PolicyError

    try:
        return {"scan": cmd_scan, "redact": cmd_redact}[args.command](args)
    except PolicyError as exc:
        print(f"verzendcheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a last resort: an internal failure is exit 1, never a traceback to users
        log.error("interne fout: %s", type(exc).__name__, exc_info=log.isEnabledFor(logging.DEBUG))
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
