"""`verzendcheck serve`: the drag-and-drop page and REST API (CONTRACT §5). Light: the app lives in .app."""

from __future__ import annotations

import argparse

from scanner.i18n import T, add_policy_and_lang


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "serve",
        help=T("webpagina om documenten en mails te controleren", "web page to check documents and mails"),
        description=T("Start de controlepagina en de REST-API.", "Starts the check page and the REST API."),
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help=T("adres (standaard alleen deze computer)", "address (default: this computer only)"),
    )
    p.add_argument("--port", type=int, default=8080, help=T("poort (standaard 8080)", "port (default 8080)"))
    add_policy_and_lang(p, "taal van hulp en meldingen (standaard nl)", "language of help and messages (default nl)")
    return p


def run(args: argparse.Namespace) -> int:
    from scanner.web.app import main

    return main(args)
