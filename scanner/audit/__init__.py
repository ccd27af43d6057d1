"""`verzendcheck audit`: the privacy officer's batch audit of a sent folder. Light: the work lives in .runner."""

from __future__ import annotations

import argparse

from scanner.i18n import T, add_policy_and_lang


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "audit",
        help=T("controle achteraf van een map verzonden mail", "audit a folder of sent mail"),
        description=T(
            "Controleert een mbox, Maildir, map met .eml/.msg of IMAP-map en maakt een rapport.",
            "Audits an mbox, Maildir, folder of .eml/.msg or IMAP folder and writes a report.",
        ),
        epilog=T(
            "Het IMAP-wachtwoord komt uit de omgevingsvariabele VERZENDCHECK_IMAP_PASSWORD. Onderbroken? Start "
            "dezelfde opdracht opnieuw: wat klaar is, wordt niet nog eens gecontroleerd. Exitcodes: 0 alles in orde, "
            "10 let op, 20 niet versturen, 2 gebruiksfout, 130 onderbroken.",
            "The IMAP password comes from the environment variable VERZENDCHECK_IMAP_PASSWORD. Interrupted? Run "
            "the same command again: what is done is not checked again. Exit codes: 0 all pass, 10 warn, "
            "20 block, 2 usage error, 130 interrupted.",
        ),
    )
    p.add_argument(
        "source",
        metavar="SOURCE",
        help=T(
            "mbox, Maildir, map, of imap(s)://GEBRUIKER@HOST[:POORT]/MAP",
            "mbox, Maildir, folder, or imap(s)://USER@HOST[:PORT]/FOLDER",
        ),
    )
    p.add_argument("--out", metavar="REPORT.html", help=T("HTML-rapport", "HTML report"))
    p.add_argument("--jsonl", metavar="RESULTS.jsonl", help=T("resultaten als JSON Lines", "results as JSON Lines"))
    p.add_argument("--csv", metavar="RESULTS.csv", help=T("resultaten als CSV", "results as CSV"))
    p.add_argument("--workers", type=int, default=None, metavar="N", help=T("aantal werkprocessen", "worker processes"))
    p.add_argument(
        "--db", metavar="STATE.sqlite", help=T("voortgang (hervatten na onderbreking)", "state for resuming")
    )
    p.add_argument(
        "--dask",
        metavar="SCHEDULER_ADDRESS",
        help=T("Dask-cluster voor grote archieven", "Dask cluster for large archives"),
    )
    p.add_argument(
        "--reveal",
        action="store_true",
        help=T("toon en bewaar de gevonden persoonsgegevens zelf", "show and store the matched personal data itself"),
    )
    add_policy_and_lang(p, "taal van het rapport (standaard nl)", "report language (default nl)")
    p.add_argument(
        "--report-only",
        action="store_true",
        help=T("controleer niets; maak alleen de rapporten uit --db", "check nothing; write the reports from --db"),
    )
    return p


def run(args: argparse.Namespace) -> int:
    from scanner.audit.runner import main

    return main(args)
