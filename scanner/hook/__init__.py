"""`verzendcheck smtp-proxy`: the outbound mail hook (CONTRACT §6). Light: the server lives in .server."""

from __future__ import annotations

import argparse

from scanner.i18n import T, add_policy_and_lang


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "smtp-proxy",
        help=T("SMTP-filter vóór de mailserver (Postfix)", "SMTP filter in front of the mail server"),
        description=T(
            "Controleert elke uitgaande mail voordat de mailserver hem aanneemt.",
            "Checks every outgoing mail before the mail server accepts it.",
        ),
    )
    p.add_argument(
        "--listen", required=True, metavar="HOST:PORT", help=T("adres waarop de proxy luistert", "address to listen on")
    )
    p.add_argument(
        "--relay",
        required=True,
        metavar="HOST:PORT",
        help=T("mailserver die goedgekeurde mail ontvangt", "mail server that receives approved mail"),
    )
    p.add_argument(
        "--mode",
        choices=["enforce", "monitor"],
        default="enforce",
        help=T(
            "enforce: weiger wat niet mag; monitor: alles doorlaten en vastleggen",
            "enforce: refuse what may not leave; monitor: relay all and log",
        ),
    )
    p.add_argument(
        "--workers", type=int, metavar="N", help=T("aantal werkprocessen (beleid: [hook] workers)", "worker processes")
    )
    p.add_argument(
        "--decision-log",
        default="-",
        metavar="FILE",
        help=T(
            "beslissingen als JSON Lines naar FILE (standaard: stdout; zonder persoonsgegevens)",
            "decisions as JSON Lines to FILE (default: stdout; no personal data)",
        ),
    )
    p.add_argument("--tls-cert", metavar="PEM", help=T("certificaat voor STARTTLS", "certificate for STARTTLS"))
    p.add_argument("--tls-key", metavar="PEM", help=T("sleutel bij het certificaat", "key of the certificate"))
    add_policy_and_lang(p, "taal van de SMTP-antwoorden (standaard nl)", "language of SMTP replies (default nl)")
    return p


def run(args: argparse.Namespace) -> int:
    from scanner.hook.server import main

    return main(args)
