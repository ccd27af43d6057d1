"""Regressions found by a held-out set of whole outgoing mails (IND, COA, DT&V), through the pipeline."""

from __future__ import annotations

from test_cases import mail

from scanner.core import scan_message


def found(message) -> set[tuple[str, str]]:
    return {(f.entity, f.text) for f in scan_message(message).findings}


def test_conversion_is_reported_as_asylum_motive_and_as_religion() -> None:
    # lexicon.md §3: conversion is at once a religion term and an asylum motive, "report both"
    body = ("Mevrouw Mariam Hosseini (V-nummer 2290471836) heeft in haar aanvraag gewezen op haar bekering tot het "
            "christendom.")
    findings = found(mail("l.verbeek@ind.nl", ["locatie.zweeloo@coa.nl"], body))
    assert ("ASYLUM_MOTIVE", "bekering tot het christendom") in findings
    religion = [t for e, t in findings if e == "SPECIAL_CATEGORY"]
    # one religion finding inside the phrase, not one per word in it
    assert len(religion) == 1 and religion[0] in "bekering tot het christendom"
