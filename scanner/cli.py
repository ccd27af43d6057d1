"""The `verzendcheck` command line (CONTRACT §1); `python -m scanner` runs the same.

Help and usage errors are Dutch, English with `--lang en` or an English locale (scanner.i18n).
The front ends (audit, serve, smtp-proxy) register their own subcommands from light modules;
their heavy parts load only when they run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from pathlib import Path

from scanner.i18n import T, cli_language, set_language
from scanner.model import Result

EXIT_PASS, EXIT_WARN, EXIT_BLOCK, EXIT_USAGE, EXIT_INTERNAL = 0, 10, 20, 2, 1
EXIT_BY_VERDICT = {"pass": EXIT_PASS, "warn": EXIT_WARN, "block": EXIT_BLOCK}
log = logging.getLogger("verzendcheck")


def _parser() -> argparse.ArgumentParser:
    from scanner import __version__, audit, hook, web

    parser = argparse.ArgumentParser(
        prog="verzendcheck",
        description=T(
            "Controleer uitgaande e-mail en bijlagen op persoonsgegevens, vóór verzending.",
            "Check outgoing e-mail and attachments for personal data before they are sent.",
        ),
        epilog=T(
            "Exitcodes van scan: 0 in orde, 10 let op (bevestigen met een regel 'Motivering: ...'), "
            "20 niet versturen, 2 gebruiksfout, 1 interne fout.",
            "Exit codes of scan: 0 pass, 10 warn (confirm with a line 'Motivering: ...'), "
            "20 block, 2 usage error, 1 internal failure.",
        ),
    )
    parser.add_argument("--version", action="version", version=f"verzendcheck {__version__}")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMANDO" if T("nl", "en") == "nl" else "COMMAND"
    )

    scan = sub.add_parser(
        "scan",
        help=T(
            "controleer mails (.eml, .msg), mailboxen en documenten",
            "check mails (.eml, .msg), mailboxes and documents",
        ),
        description=T(
            "Controleert mails, documenten, mbox-bestanden, Maildirs en mappen.",
            "Checks mails, documents, mbox files, Maildirs and folders.",
        ),
    )
    scan.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help=T("bestand, mbox, Maildir of map (recursief)", "file, mbox, Maildir or folder (recursive)"),
    )
    scan.add_argument(
        "--sender", metavar="ADRES", help=T("afzender (voor een los document)", "sender (for a bare document)")
    )
    scan.add_argument("--to", action="append", default=[], metavar="ADRES", help=T("ontvanger (To)", "recipient (To)"))
    scan.add_argument("--cc", action="append", default=[], metavar="ADRES", help=T("ontvanger (Cc)", "recipient (Cc)"))
    scan.add_argument(
        "--bcc", action="append", default=[], metavar="ADRES", help=T("ontvanger (Bcc)", "recipient (Bcc)")
    )
    scan.add_argument(
        "--org", choices=["IND", "DTV", "COA"], help=T("organisatie van de afzender", "sender's organisation")
    )
    scan.add_argument(
        "--policy",
        type=Path,
        metavar="FILE",
        help=T("eigen beleid (TOML) over het standaardbeleid", "policy overlay (TOML)"),
    )
    scan.add_argument(
        "--format",
        choices=["text", "json", "html"],
        default="text",
        help=T(
            "uitvoer: text (standaard), json (één regel per bericht) of html",
            "output: text (default), json (one line per message) or html",
        ),
    )
    scan.add_argument(
        "--reveal",
        action="store_true",
        help=T("toon de gevonden persoonsgegevens zelf", "show the matched personal data itself"),
    )
    scan.add_argument("--lang", choices=["nl", "en"], default="nl", help=T("taal van het rapport", "report language"))

    redact = sub.add_parser(
        "redact",
        help=T("maak een kopie met persoonsgegevens echt verwijderd", "write a copy with personal data truly removed"),
    )
    redact.add_argument("path", type=Path, metavar="PATH")
    redact.add_argument("--out", type=Path, required=True, help=T("het nieuwe bestand", "the new file"))
    redact.add_argument(
        "--beschikking",
        action="store_true",
        help=T("houd alleen pagina 1 en de laatste twee pagina's", "keep only page 1 and the last two pages"),
    )
    redact.add_argument(
        "--keep-pages",
        metavar="SPEC",
        help=T("bijv. 1,-2,-1 (negatief telt vanaf het eind)", "e.g. 1,-2,-1 (negative counts from the end)"),
    )
    redact.add_argument(
        "--entities",
        metavar="LIST",
        help=T("entiteiten om weg te lakken, met komma's", "comma-separated entities to black out"),
    )
    redact.add_argument("--policy", type=Path, metavar="FILE")
    redact.add_argument("--lang", choices=["nl", "en"], default="nl")

    for frontend in (audit, web, hook):
        frontend.add_parser(sub)
    return parser


def cmd_scan(args: argparse.Namespace) -> int:
    from scanner.core import scan_message
    from scanner.ingest import Limits, load_raw
    from scanner.ingest.sources import iter_source, source_kind
    from scanner.policy import load_policy
    from scanner.report import render_html, render_text

    policy = load_policy(args.policy)
    limits = Limits.from_policy(policy)  # one time budget per message: ingest, OCR and analysis
    worst = EXIT_PASS
    missing = False
    results: list[Result] = []
    for path in args.paths:
        if source_kind(path) == "missing":
            print(
                T(
                    f"verzendcheck: bestand of map niet gevonden: {path}",
                    f"verzendcheck: no such file or folder: {path}",
                ),
                file=sys.stderr,
            )
            missing = True
            continue
        for raw in iter_source(path):
            message = load_raw(raw, limits=limits).with_envelope(sender=args.sender, to=args.to, cc=args.cc,
                                                                 bcc=args.bcc)
            result = scan_message(message, policy, org=args.org, lang=args.lang)
            # File names can carry a person's name ("Besluit Karimi.pdf"): log a hash, never the name.
            log.info(
                "scanned input=%s verdict=%s rules=%s",
                hashlib.sha256(raw.name.encode()).hexdigest()[:12],
                result.verdict,
                ",".join(v.rule for v in result.violations),
            )
            worst = max(worst, EXIT_BY_VERDICT[result.verdict])
            if args.format == "json":
                print(json.dumps(result.to_json(reveal=args.reveal), ensure_ascii=False), flush=True)
            elif args.format == "text":
                print(render_text(result, lang=args.lang, reveal=args.reveal), flush=True)
            results.append(result)
    if args.format == "html":
        print(render_html(results, lang=args.lang, reveal=args.reveal))
    return EXIT_USAGE if missing else worst


def cmd_redact(args: argparse.Namespace) -> int:
    from scanner.redact import redact_path

    if not args.path.is_file():
        print(
            T(f"verzendcheck: bestand niet gevonden: {args.path}", f"verzendcheck: no such file: {args.path}"),
            file=sys.stderr,
        )
        return EXIT_USAGE
    return redact_path(args)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    set_language(cli_language(argv))
    args = _parser().parse_args(argv)
    from scanner import audit, hook, web
    from scanner.policy import PolicyError

    commands = {"scan": cmd_scan, "redact": cmd_redact, "audit": audit.run, "serve": web.run, "smtp-proxy": hook.run}
    try:
        return commands[args.command](args)
    except PolicyError as exc:
        print(f"verzendcheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `verzendcheck scan … | head`: the reader has gone; end quietly
        _quiet_stdout()
        return EXIT_PASS
    except Exception as exc:  # a last resort: an internal failure is exit 1, never a traceback to users
        log.error("interne fout: %s", type(exc).__name__, exc_info=log.isEnabledFor(logging.DEBUG))
        return EXIT_INTERNAL


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not raise again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


if __name__ == "__main__":
    sys.exit(main())
