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

from scanner.i18n import T, add_policy_and_lang, cli_language, install_argparse_language, set_language
from scanner.model import Result

EXIT_PASS, EXIT_WARN, EXIT_BLOCK, EXIT_USAGE, EXIT_INTERNAL = 0, 10, 20, 2, 1
EXIT_BY_VERDICT = {"pass": EXIT_PASS, "warn": EXIT_WARN, "block": EXIT_BLOCK}
log = logging.getLogger("verzendcheck")


EXAMPLES_NL = """\
Voorbeelden:
  verzendcheck scan mail.eml                      rapport in het Nederlands
  verzendcheck scan verzonden.mbox --format json  één JSON-regel per bericht
  verzendcheck scan besluit.pdf --sender a@ind.nl --to b@coa.nl
  verzendcheck redact mail.eml --out schoon.eml   schone kopie van de mail
  verzendcheck redact besluit.pdf --out kort.pdf --beschikking

Exitcodes van scan: 0 in orde, 10 let op, 20 niet versturen, 2 gebruiksfout, 1 interne fout.
Bij "let op" bevestig je met een regel "Motivering: ..." in de mail (of de kop X-AVG-Motivering).
Zonder --reveal komen er geen persoonsgegevens in de uitvoer: alleen gemaskeerde vormen."""
EXAMPLES_EN = """\
Examples:
  verzendcheck scan mail.eml --lang en            report in English
  verzendcheck scan sent.mbox --format json       one JSON line per message
  verzendcheck scan decision.pdf --sender a@ind.nl --to b@coa.nl
  verzendcheck redact mail.eml --out clean.eml    cleaned copy of the mail
  verzendcheck redact decision.pdf --out short.pdf --beschikking

Exit codes of scan: 0 pass, 10 warn, 20 block, 2 usage error, 1 internal failure.
A warn is confirmed with a line "Motivering: ..." in the mail (or the header X-AVG-Motivering).
Without --reveal the output holds no personal data: masked forms only."""


def _parser() -> argparse.ArgumentParser:
    from scanner import __version__, audit, hook, web

    install_argparse_language(T("nl", "en"))
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="verzendcheck",
        description=T(
            "Controleer uitgaande e-mail en bijlagen op persoonsgegevens, vóór verzending, volgens de "
            "handreiking en de wegwijzer van de migratieketen (IND, DT&V, COA).",
            "Check outgoing e-mail and attachments for personal data before they are sent, following the "
            "handreiking and the wegwijzer of the Dutch immigration chain (IND, DT&V, COA).",
        ),
        epilog=T(EXAMPLES_NL, EXAMPLES_EN),
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"verzendcheck {__version__}",
                        help=T("toon het versienummer en stop", "show the version number and exit"))
    parser.add_argument("--lang", choices=["nl", "en"], default="nl",
                        help=T("taal van hulp, meldingen en rapport (standaard nl)",
                               "language of help, messages and report (default nl)"))
    sub = parser.add_subparsers(
        dest="command", required=True, metavar=T("COMMANDO", "COMMAND"),
        title=T("commando's", "commands"),
    )

    scan = sub.add_parser(
        "scan",
        help=T(
            "controleer mails (.eml, .msg), mailboxen en documenten",
            "check mails (.eml, .msg), mailboxes and documents",
        ),
        description=T(
            "Controleert mails, documenten, mbox-bestanden, Maildirs en mappen. Per bericht: het oordeel, "
            "elke regel die geldt met wat je moet doen en de bron, en de gevonden persoonsgegevens (gemaskeerd).",
            "Checks mails, documents, mbox files, Maildirs and folders. Per message: the verdict, each rule "
            "that applies with what to do and its source, and the personal data found (masked).",
        ),
        epilog=T(
            "Voorbeeld: verzendcheck scan mail.eml --format html > rapport.html\n\n"
            "Exitcodes: 0 in orde, 10 let op (bevestig met een regel \"Motivering: ...\" in de mail), "
            "20 niet versturen, 2 gebruiksfout (ook: bestand niet gevonden, fout in het beleid), 1 interne fout.",
            "Example: verzendcheck scan mail.eml --format html > report.html\n\n"
            "Exit codes: 0 pass, 10 warn (confirm with a line \"Motivering: ...\" in the mail), 20 block, "
            "2 usage error (also: file not found, error in the policy), 1 internal failure.",
        ),
        formatter_class=formatter,
    )
    scan.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar=T("PAD", "PATH"),
        help=T("bestand (.eml, .msg, .pdf, .docx, .xlsx, .csv, .txt, afbeelding), mbox, Maildir of map (recursief)",
               "file (.eml, .msg, .pdf, .docx, .xlsx, .csv, .txt, image), mbox, Maildir or folder (recursive)"),
    )
    address = T("ADRES", "ADDRESS")
    scan.add_argument(
        "--sender", metavar=address,
        help=T("afzender; bij een mail vervangt dit de From-kop, bij een los document geeft het de context",
               "sender; for a mail it replaces the From header, for a bare document it gives the context"),
    )
    scan.add_argument("--to", action="append", default=[], metavar=address,
                      help=T("ontvanger (To), bovenop de koppen; mag vaker", "recipient (To), added to the headers; "
                             "may repeat"))
    scan.add_argument("--cc", action="append", default=[], metavar=address,
                      help=T("ontvanger in Cc; mag vaker", "recipient in Cc; may repeat"))
    scan.add_argument("--bcc", action="append", default=[], metavar=address,
                      help=T("ontvanger in Bcc; mag vaker", "recipient in Bcc; may repeat"))
    scan.add_argument(
        "--org", choices=["IND", "DTV", "COA"],
        help=T("organisatie van de afzender, als het adres die niet laat zien",
               "the sender's organisation, when the address does not show it"),
    )
    scan.add_argument(
        "--format",
        choices=["text", "json", "html"],
        default="text",
        help=T(
            "uitvoer: text (standaard, voor mensen), json (één regel per bericht, voor programma's) of html "
            "(één zelfstandige pagina)",
            "output: text (default, for people), json (one line per message, for programs) or html "
            "(one self-contained page)",
        ),
    )
    scan.add_argument(
        "--reveal",
        action="store_true",
        help=T("toon de gevonden persoonsgegevens zelf in plaats van gemaskeerd",
               "show the matched personal data itself instead of masked"),
    )
    add_policy_and_lang(scan, "taal van het rapport (standaard nl)", "report language (default nl)")

    redact = sub.add_parser(
        "redact",
        help=T("maak een kopie met persoonsgegevens echt verwijderd", "write a copy with personal data truly removed"),
        description=T(
            "Maakt een kopie zoals die weg kan. Een mail (.eml, .msg): de tekst met [naam], [V-nummer], ... "
            "op de plaats van de verwijderde gegevens, bijlagen geanonimiseerd (een beschikking alleen met de "
            "pagina's uit het advies), koppen en draad (Message-ID, In-Reply-To) behouden. Een PDF of Word-document: "
            "de gegevens echt verwijderd, ook uit metadata en eerdere versies. Naam, V-nummer en geboortedatum van "
            "de persoon om wie het gaat blijven staan. De kopie wordt opnieuw gelezen; staat er nog een verwijderd "
            "gegeven in, dan wordt niets geschreven.",
            "Writes a copy as it could be sent. A mail (.eml, .msg): its text with [naam], [V-nummer], ... where "
            "data was removed, attachments redacted (a beschikking only with the pages of the advice), headers and "
            "thread (Message-ID, In-Reply-To) kept. A PDF or Word document: the data truly removed, from metadata "
            "and earlier revisions too. The name, V-nummer and date of birth of the person it is about stay. The "
            "copy is read again; if a removed value is still in it, nothing is written.",
        ),
        epilog=T(
            "Voorbeelden:\n"
            "  verzendcheck redact mail.eml --out schoon.eml\n"
            "  verzendcheck redact besluit.pdf --out kort.pdf --beschikking\n"
            "  verzendcheck redact verslag.docx --out schoon.docx --entities PERSON,SPECIAL_CATEGORY\n\n"
            "Exitcodes: 0 kopie geschreven, 1 anonimiseren mislukt (niets geschreven), 2 gebruiksfout.",
            "Examples:\n"
            "  verzendcheck redact mail.eml --out clean.eml\n"
            "  verzendcheck redact decision.pdf --out short.pdf --beschikking\n"
            "  verzendcheck redact report.docx --out clean.docx --entities PERSON,SPECIAL_CATEGORY\n\n"
            "Exit codes: 0 copy written, 1 redaction failed (nothing written), 2 usage error.",
        ),
        formatter_class=formatter,
    )
    redact.add_argument("path", type=Path, metavar=T("PAD", "PATH"),
                        help=T("mail (.eml, .msg) of document (.pdf, .docx)", "mail (.eml, .msg) or document "
                               "(.pdf, .docx)"))
    redact.add_argument("--out", type=Path, required=True, metavar=T("BESTAND", "FILE"),
                        help=T("het nieuwe bestand (niet het invoerbestand zelf)",
                               "the new file (not the input file itself)"))
    redact.add_argument(
        "--beschikking",
        action="store_true",
        help=T("PDF: houd alleen pagina 1 en de laatste twee pagina's, dezelfde pagina's als het advies van scan",
               "PDF: keep only page 1 and the last two pages, the same pages as scan's advice"),
    )
    redact.add_argument(
        "--keep-pages",
        metavar="SPEC",
        help=T("PDF: te houden pagina's, bijv. 1,-2,-1 of 1-3 (negatief telt vanaf het eind)",
               "PDF: pages to keep, e.g. 1,-2,-1 or 1-3 (negative counts from the end)"),
    )
    redact.add_argument(
        "--entities",
        metavar=T("LIJST", "LIST"),
        help=T("alleen deze entiteiten verwijderen, met komma's (bijv. PERSON,V_NUMBER); zonder deze optie: "
               "bijzondere en strafrechtelijke gegevens en gegevens van derden",
               "remove only these entities, comma-separated (e.g. PERSON,V_NUMBER); without it: special and "
               "criminal data and data of third parties"),
    )
    add_policy_and_lang(redact, "taal van de meldingen (standaard nl)", "language of the messages (default nl)")

    for frontend in (audit, web, hook):
        frontend.add_parser(sub)
    return parser


def cmd_scan(args: argparse.Namespace) -> int:
    from recognizers.fastload import paused_gc

    with paused_gc(freeze=True):  # the imports make long-lived objects only (so does the analyzer's build)
        import scanner.core  # noqa: F401  (scan_stream imports it on first use: the models' code, here)
        from scanner.ingest import Limits
        from scanner.ingest.sources import iter_source, source_kind
        from scanner.policy import load_policy
        from scanner.report import render_html, render_text, separator
        from scanner.tasks import supervised_stream

    policy = load_policy(args.policy)
    limits = Limits.from_policy(policy)  # one time budget per message: ingest, OCR and analysis

    def envelope(message):
        return message.with_envelope(sender=args.sender, to=args.to, cc=args.cc, bcc=args.bcc)

    worst = EXIT_PASS
    missing = False
    results: list[Result] = []
    messages = []
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
        # Short messages of a folder or mbox are scanned a few at once (their text shares one run of the NER),
        # in a child process that is killed and replaced when a hostile file hangs or crashes it.
        scanned = 0
        stream = supervised_stream(lambda path=path: iter_source(path), str(path), policy, limits,
                                   keep_messages=args.format == "html", org=args.org, lang=args.lang,
                                   envelope=envelope)
        for message, result in stream:
            scanned += 1
            # File names can carry a person's name ("Besluit Karimi.pdf"): log a hash, never the name.
            log.info(
                "scanned input=%s verdict=%s rules=%s",
                hashlib.sha256(result.input.encode()).hexdigest()[:12],
                result.verdict,
                ",".join(v.rule for v in result.violations),
            )
            worst = max(worst, EXIT_BY_VERDICT[result.verdict])
            if args.format == "json":
                print(json.dumps(result.to_json(reveal=args.reveal), ensure_ascii=False), flush=True)
            elif args.format == "text":
                if results:
                    print(separator())
                print(render_text(result, lang=args.lang, reveal=args.reveal), flush=True)
            results.append(result)
            if args.format == "html":  # the page shows each finding in its context
                messages.append(message)
        if not scanned:  # an empty folder or mailbox: nothing was checked, so nothing may be called in order
            print(T(f"verzendcheck: niets te controleren in {path} (lege map of mailbox)",
                    f"verzendcheck: nothing to check in {path} (empty folder or mailbox)"), file=sys.stderr)
            missing = True
    if args.format == "html":
        print(render_html(results, lang=args.lang, reveal=args.reveal, messages=messages))
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
