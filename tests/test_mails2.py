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


def test_a_recipients_name_in_the_quoted_request_is_no_data_subject() -> None:
    # rules.md §0: the recipients themselves are not data subjects; their names come back in the quoted request
    body = ("Beste Linda,\n\nDe aanvraag van mevrouw Oksana Melnyk is nog in behandeling.\n\nGroet,\nThomas\n\n"
            "Van: Linda Maas <l.maas@vluchtelingenwerk.nl>\nVerzonden: woensdag 2 december 2026 09:30\n"
            "Aan: Thomas van Leeuwen <t.vanleeuwen@ind.nl>\nOnderwerp: Nareis\n\n"
            "Hoi Thomas, wat is de stand van zaken bij mevrouw Melnyk? Groet, Linda Maas\n")
    findings = found(mail("Thomas van Leeuwen <t.vanleeuwen@ind.nl>", ["Linda Maas <l.maas@vluchtelingenwerk.nl>"],
                          body, reply=True))
    people = {t for e, t in findings if e == "PERSON"}
    assert "Oksana Melnyk" in people
    assert not people & {"Linda", "Linda Maas"}


def test_a_recipient_with_initials_and_title_is_no_data_subject() -> None:
    body = ("Geachte mevrouw Dekker,\n\nDe aanvraag van uw cliënte, mevrouw Mariam Hosseini, is in behandeling.\n\n"
            "-----Oorspronkelijk bericht-----\nVan: mr. S. Dekker <s.dekker@dekker-advocaten.nl>\n"
            "Onderwerp: Stand van zaken\n\nGeachte mevrouw Verbeek,\n\nGraag de stand van zaken.\n\n"
            "Hoogachtend,\nmr. S. Dekker\nadvocaat\n")
    findings = found(mail("l.verbeek@ind.nl", ["mr. S. Dekker <s.dekker@dekker-advocaten.nl>"], body, reply=True))
    people = {t for e, t in findings if e == "PERSON"}
    assert "Mariam Hosseini" in people and "S. Dekker" not in people
