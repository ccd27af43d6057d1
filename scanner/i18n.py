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


# argparse's own texts (usage, section titles, error messages) through its gettext hook, in Dutch.
ARGPARSE_NL = {
    "usage: ": "gebruik: ",
    "options": "opties",
    "positional arguments": "argumenten",
    "show this help message and exit": "toon deze hulp en stop",
    "show program's version number and exit": "toon het versienummer en stop",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fout: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "deze argumenten ontbreken: %s",
    "unrecognized arguments: %s": "onbekende argumenten: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ongeldige keuze: %(value)r (kies uit %(choices)s)",
    "invalid %(type)s value: %(value)r": "ongeldige waarde: %(value)r",
    "expected one argument": "verwacht één waarde",
    "expected at least one argument": "verwacht minstens één waarde",
    "expected at most one argument": "verwacht hoogstens één waarde",
    "ambiguous option: %(option)s could match %(matches)s": "dubbelzinnige optie: %(option)s kan zijn: %(matches)s",
    "not allowed with argument %s": "niet samen met argument %s",
    "one of the arguments %s is required": "een van de argumenten %s is nodig",
    "ignored explicit argument %r": "genegeerde waarde %r",
    "can't open '%(filename)s': %(error)s": "kan '%(filename)s' niet openen: %(error)s",
    "expected %s argument": "verwacht %s waarde",
    "expected %s arguments": "verwacht %s waarden",
}


def install_argparse_language(lang: str) -> None:
    """Make argparse print its own fragments in `lang` (it looks them up through gettext)."""
    import argparse

    if lang == "nl":
        argparse._ = lambda text: ARGPARSE_NL.get(text, text)  # type: ignore[attr-defined]
        argparse.ngettext = lambda one, many, n: ARGPARSE_NL.get(one if n == 1 else many,  # type: ignore[attr-defined]
                                                                 one if n == 1 else many)
    else:
        import gettext

        argparse._ = gettext.gettext  # type: ignore[attr-defined]
        argparse.ngettext = gettext.ngettext  # type: ignore[attr-defined]


def add_policy_and_lang(parser, lang_nl: str, lang_en: str) -> None:
    """The two options every subcommand has: `--policy FILE` and `--lang`.

    `--lang` defaults to the top-level parser's value (argparse.SUPPRESS), so `verzendcheck --lang en
    audit …` and `verzendcheck audit … --lang en` mean the same.
    """
    from argparse import SUPPRESS
    from pathlib import Path

    parser.add_argument("--policy", type=Path, metavar=T("BESTAND", "FILE"),
                        help=T("eigen beleid (TOML) dat over het standaardbeleid wordt gelegd (domeinen, zwaarte, "
                               "drempels)", "policy overlay (TOML) merged over the default policy (domains, "
                               "severities, thresholds)"))
    parser.add_argument("--lang", choices=["nl", "en"], default=SUPPRESS, help=T(lang_nl, lang_en))
