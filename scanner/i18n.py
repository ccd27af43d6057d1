"""The language of the command line's own texts (help, usage errors): Dutch, or English with
`--lang en` on the command line or an English locale in the environment (LC_ALL, LC_MESSAGES, LANG)."""

from __future__ import annotations

import os
import sys


def cli_language(argv: list[str] | None = None) -> str:
    args = sys.argv[1:] if argv is None else argv
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return "en" if args[i + 1] == "en" else "nl"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1] == "en" else "nl"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "en" if value.lower().startswith("en") else "nl"
    return "nl"


_language = "nl"


def set_language(lang: str) -> None:
    global _language
    _language = "en" if lang == "en" else "nl"


def T(nl: str, en: str) -> str:
    """The Dutch or the English text, by the language chosen for this command line."""
    return en if _language == "en" else nl
