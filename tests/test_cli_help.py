"""The command line explains itself: Dutch help (English with --lang en), every option explained, exit
codes, the Motivering line and an example; argparse's own words in Dutch; `scan … | head` ends quietly."""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys

import pytest

from scanner import cli
from scanner.i18n import install_argparse_language, set_language
from tests.conftest import REPO

ENGLISH_ARGPARSE = ("usage:", "options:", "show this help message and exit", "positional arguments", "error:")


def _cli(*args: str, env_lang: str = "nl_NL.UTF-8") -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "LANG": env_lang, "LC_ALL": ""}
    return subprocess.run([sys.executable, "-m", "scanner", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120, env=env)


@pytest.fixture(params=["nl", "en"])
def parser(request: pytest.FixtureRequest):
    set_language(request.param)
    try:
        yield request.param, cli._parser()
    finally:
        set_language("nl")
        install_argparse_language("nl")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_option_of_scan_and_redact_is_explained(parser) -> None:
    _lang, top = parser
    for name in ("scan", "redact"):
        sub = _subparsers(top)[name]
        for action in sub._actions:
            assert action.help and action.help != argparse.SUPPRESS, f"{name} {action.option_strings} has no help"
    assert all(a.help for a in top._actions if not isinstance(a, argparse._SubParsersAction))
    commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    assert {c.dest for c in commands._choices_actions if c.help} == set(_subparsers(top))


def test_top_level_help_in_dutch_has_exit_codes_motivering_and_an_example() -> None:
    proc = _cli("--help")
    assert proc.returncode == 0
    out = proc.stdout
    assert out.startswith("gebruik: verzendcheck") and "opties:" in out and "toon deze hulp en stop" in out
    assert "Exitcodes" in out and "10 let op" in out and "20 niet versturen" in out and "2 gebruiksfout" in out
    assert "Motivering:" in out and "verzendcheck scan mail.eml" in out
    assert not [w for w in ENGLISH_ARGPARSE if w in out]


def test_top_level_help_in_english() -> None:
    proc = _cli("--lang", "en", "--help")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("usage: verzendcheck") and "Exit codes" in out and "Examples:" in out
    assert "Motivering:" in out  # the line the sender writes stays Dutch
    assert "gebruik" not in out and "opties" not in out and "Voorbeelden" not in out


def test_english_locale_gives_english_help() -> None:
    assert _cli("scan", "--help", env_lang="en_GB.UTF-8").stdout.startswith("usage: verzendcheck scan")


@pytest.mark.parametrize("args,words", [
    (("scan",), ["gebruik:", "fout:", "deze argumenten ontbreken: PAD"]),
    (("scan", "x.eml", "--format", "pdf"), ["ongeldige keuze: 'pdf'"]),
    (("bestaatniet",), ["ongeldige keuze: 'bestaatniet'"]),
    (("redact", "x.pdf"), ["deze argumenten ontbreken: --out"]),
])
def test_usage_errors_in_dutch_exit_2(args: tuple[str, ...], words: list[str]) -> None:
    proc = _cli(*args)
    assert proc.returncode == 2
    for word in words:
        assert word in proc.stderr, proc.stderr
    assert not [w for w in ("usage:", "error:", "invalid choice", "required") if w in proc.stderr]


def test_subcommand_help_has_exit_codes_and_examples() -> None:
    scan = _cli("scan", "--help").stdout
    assert "Exitcodes: 0 in orde, 10 let op" in scan and "Motivering:" in scan and "--format html" in scan
    redact = _cli("redact", "--help", "--lang", "en").stdout
    assert "Exit codes: 0 copy written" in redact and "verzendcheck redact mail.eml --out clean.eml" in redact


def test_version() -> None:
    from scanner import __version__

    proc = _cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"verzendcheck {__version__}"


def test_scan_into_head_ends_quietly_and_reports_are_separated() -> None:
    samples = ["samples/16_full_beschikking_to_coa.eml", "samples/21_ngo_without_machtiging.eml",
               "samples/12_pass_signature_only.eml"]
    command = f"set -o pipefail; {shlex.quote(sys.executable)} -m scanner scan {' '.join(samples)} | head -n 3"
    proc = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert len(proc.stdout.splitlines()) == 3
    assert proc.stderr == "", proc.stderr  # no "interne fout: BrokenPipeError", no traceback
    assert proc.returncode == 0
    full = _cli("scan", *samples[1:])
    assert full.stdout.count("=" * 72) == 1
    first, second = full.stdout.split("=" * 72)
    assert "21_ngo_without_machtiging" in first and "12_pass_signature_only" in second


@pytest.mark.parametrize("command", [["scan", "x.eml"], ["redact", "x.pdf", "--out", "y.pdf"], ["audit", "sent.mbox"],
                                     ["serve"], ["smtp-proxy", "--listen", "127.0.0.1:1", "--relay", "127.0.0.1:2"]])
def test_every_subcommand_takes_policy_and_lang_before_or_after_it(command):
    """`--lang en` before the subcommand is not undone by the subcommand's own default (it was for
    audit and smtp-proxy), and every subcommand takes `--policy FILE`."""
    from pathlib import Path

    from scanner.cli import _parser

    parser = _parser()
    assert parser.parse_args(["--lang", "en", *command]).lang == "en"
    assert parser.parse_args([*command, "--lang", "en"]).lang == "en"
    assert parser.parse_args(command).lang == "nl"
    assert parser.parse_args([*command, "--policy", "eigen.toml"]).policy == Path("eigen.toml")
