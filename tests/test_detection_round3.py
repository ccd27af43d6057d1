"""Issue 18, follow-up: causes left by the detection round, one regression test each, in general form.

An identifier is never also a phone number (and a foreign phone number's masked form does not read
like a V-nummer); every role of a third party is named once; the writer's and the addressee's names
in initials form are theirs; an 088 number in a letterhead table is the organisation's; a label
after a name ("GEB.") is no part of it; a name split by a line break after a kinship word is one name.
"""

from __future__ import annotations

import io

import pytest
from test_cases import DOCX, docx_bytes, mail

from recognizers import engine
from scanner.core import scan_message
from scanner.model import mask
from scanner.names import same_name

DTV = "Rob Vermeulen <r.vermeulen@dtv.minvenj.nl>"
LAWYER = "mr.bakker@bakker-advocaten.nl"


def docx_table(rows: list[list[str]], *paragraphs: str) -> bytes:
    from docx import Document

    document = Document()
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def findings(body: str, *, sender: str = DTV, to: str = "j.peters@coa.nl",
             attachments: list[tuple[str, str, bytes]] | None = None) -> list[tuple[str, str]]:
    result = scan_message(mail(sender, [to], body, attachments=attachments))
    return [(f.entity, f.text) for f in result.findings]


# --- 1. an identifier is never also a phone number ------------------------------------------------

@pytest.mark.parametrize(("text", "entity"), [
    ("V-nummer 2901834456", "V_NUMBER"), ("V-nummer: 29 0183 4456", "V_NUMBER"), ("V-nr. 290 183 4456", "V_NUMBER"),
    ("vnr 2901 834 456", "V_NUMBER"), ("V-nummer 2901 8344 56", "V_NUMBER"), ("V-nummer 29.0183.4456", "V_NUMBER"),
    ("V-nummer 29-0183-4456", "V_NUMBER"), ("V-nummer:\n2901834456", "V_NUMBER"), ("BSN 111222333", "BSN"),
    ("bsn 111 222 333", "BSN"), ("BSN: 1112.22.333", "BSN"), ("klantnummer 12345678", "KLANTNUMMER"),
])
def test_an_identifier_is_never_also_a_phone_number(text: str, entity: str) -> None:
    """In the mail and in a gespreksverslag attached to it, beside a foreign phone number of a relative."""
    report = ("GESPREKSVERSLAG\n\nBetrokkene: Tesfay Gebremariam, " + text + "\n\nZijn broer Abel Gebremariam woont in "
              "Asmara, telefoon +291 7 123456.\n")
    got = findings("Beste,\n\nHet gaat om de heer Tesfay Gebremariam, " + text + ".\n",
                   attachments=[("verslag.docx", DOCX, docx_bytes(*report.split("\n")))])
    numbers = [value for kind, value in got if kind == entity]
    phones = [value for kind, value in got if kind == "PHONE_NUMBER"]
    assert len(numbers) == 2, got
    assert phones == ["+291 7 123456"], got


def test_a_foreign_phone_numbers_mask_does_not_read_like_a_v_nummer() -> None:
    assert mask("+291 7 123456", "PHONE_NUMBER") != mask("2901834456", "V_NUMBER")
    assert mask("+291 7 123456", "PHONE_NUMBER").startswith("+")
    assert mask("06 3928 4710", "PHONE_NUMBER") == mask("0639284710", "V_NUMBER")  # a Dutch number as before


# --- 1b. each role of a third party is named once -------------------------------------------------

@pytest.mark.parametrize("layout", ["docx", "pasted"])
def test_every_third_party_role_is_named_once(layout: str) -> None:
    """A brother's name and his phone number are one role: the mother and the roommate are still named."""
    report = ["GESPREKSVERSLAG VERTREKGESPREK", "Betrokkene: Tesfay Gebremariam", "",
              "Zijn broer Abel Gebremariam woont in Asmara, telefoon broer: +291 7 123456.",
              "Zijn moeder Saba Tesfamariam woont bij de broer.",
              "Hij deelt een kamer met zijn kamergenoot Daniel Berhe."]
    if layout == "docx":
        message = mail(DTV, [LAWYER], "Geachte mr. Bakker,\n\nBijgaand het verslag van uw cliënt.\n",
                       attachments=[("verslag.docx", DOCX, docx_bytes(*report))])
    else:
        message = mail(DTV, [LAWYER], "Geachte mr. Bakker,\n\nHieronder het verslag van uw cliënt.\n\n"
                       + "\n".join(report) + "\n")
    hits = [v for v in scan_message(message).violations if v.rule == "THIRD_PARTY_DATA"]
    assert hits
    assert all(word in hits[0].message for word in ("broer", "moeder", "kamergenoot")), hits[0].message
    assert hits[0].message.count("broer") == 1


# --- 2. the writer's and the addressee's names in initials form -----------------------------------

@pytest.mark.parametrize(("sender", "to", "written", "theirs"), [
    (DTV, "j.peters@coa.nl", "R. Vermeulen", True),
    (DTV, "j.peters@coa.nl", "Vermeulen, R.", True),
    (DTV, "j.peters@coa.nl", "R.J. Vermeulen", False),  # "J." is no initial of "Rob Vermeulen"
    (DTV, "j.peters@coa.nl", "S. Vermeulen", False),  # another Vermeulen: a relative, a client
    (DTV, "j.peters@coa.nl", "Sara Vermeulen", False),
    ("n.visser@coa.nl", "mr. S. Dekker <s.dekker@dekker-advocaten.nl>", "S. Dekker", True),
    ("n.visser@coa.nl", "Mr. Sanne Dekker <s.dekker@dekker-advocaten.nl>", "mr. S. Dekker", True),
    ("n.visser@coa.nl", "José Müller <j.muller@ind.nl>", "J. Müller", True),
], ids=["initial", "surname_first", "other_initials", "other_initial", "other_first_name", "recipient_initial",
        "recipient_title", "diacritics"])
def test_the_writers_and_addressees_names_in_initials_form_are_theirs(sender: str, to: str, written: str,
                                                                       theirs: bool) -> None:
    report = ["GESPREKSVERSLAG", "Betrokkene: Tesfay Gebremariam, V-nummer 2901834456",
              f"Regievoerder\t{written}", "Betrokkene wil niet terugkeren."]
    got = findings("Zie het verslag in de bijlage.\n", sender=sender, to=to,
                   attachments=[("verslag.docx", DOCX, docx_bytes(*report))])
    names = [value for kind, value in got if kind == "PERSON"]
    assert "Tesfay Gebremariam" in names
    assert (written not in names) is theirs, names


def test_same_name_takes_initials_on_both_sides() -> None:
    assert same_name("R. Vermeulen", {"rob", "vermeulen"})
    assert same_name("S. Dekker", {"s", "dekker"})
    assert not same_name("R.", {"rob", "vermeulen"})  # an initial alone names no one
    assert not same_name("Anna Vermeulen", {"rob", "vermeulen"})


def test_a_display_name_with_a_lone_combining_mark_does_not_break_the_scan() -> None:
    """Hostile input: "Jan \u0301" (a combining accent as a word of its own) folds to an empty word;
    comparing a found name with it raised IndexError and lost the whole scan."""
    assert same_name("Jan", {"jan", "\u0301"})
    got = findings("Gisteren sprak ik met Pieter de Vries over zijn zaak.\n", sender='"Jan \u0301" <a@ind.nl>')
    assert ("PERSON", "Pieter de Vries") in got


# --- 3. an 088 number in a letterhead is the organisation's ---------------------------------------

LETTER = ("Geachte heer Karimi,", "Uw aanvraag is ontvangen. Uw V-nummer is 2901834456.")


@pytest.mark.parametrize("layout", ["docx_table", "docx_two_columns", "typed_table"])
def test_an_organisation_number_in_a_letterhead_is_no_phone_finding(layout: str) -> None:
    if layout == "docx_table":
        data = docx_table([["Behandelaar", "Telefoon", "E-mail", "Datum"],
                           ["J. de Vries", "088 043 1298", "info@ind.nl", "3 maart 2025"]], *LETTER)
        got = findings("Zie bijlage.\n", attachments=[("brief.docx", DOCX, data)])
    elif layout == "docx_two_columns":
        data = docx_table([["Contactpersoon", "Telefoonnummer"], ["J. de Vries", "+31 (0)88-0431298"],
                           ["M. Bakker", "06 3928 4710"]], *LETTER)
        got = findings("Zie bijlage.\n", attachments=[("brief.docx", DOCX, data)])
    else:
        got = findings("Beste,\n\nBehandelaar | Telefoon | Datum\nJ. de Vries | 088-043 12 98 | 3 maart\n"
                       "M. Bakker | 06 3928 4710 | 4 maart\n\n" + "\n".join(LETTER) + "\n")
    phones = [value for kind, value in got if kind == "PHONE_NUMBER"]
    assert not [p for p in phones if "88" in p[:6]], phones
    if layout != "docx_table":
        assert phones == ["06 3928 4710"], phones  # a person's own number in the same column stays


# --- 4 and 5. name spans -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "names"), [
    ("Betreft: KARIMI, Ahmad GEB. 03-02-1995, V-nummer 2901834456", ["KARIMI, Ahmad"]),
    ("KARIMI, Ahmad geb. 03-02-1995", ["KARIMI, Ahmad"]),
    ("GEBREMEDHIN, T. Geb. 11-06-1996", ["GEBREMEDHIN, T."]),
    ("Zijn oom Rahim\nSharifi heeft het huis verkocht.", ["Rahim\nSharifi"]),
    ("zijn broer Abel\nGebremariam belt elke week.", ["Abel\nGebremariam"]),
    ("zijn broer Abel\nVerder vertelde hij over de reis.", ["Abel"]),  # a new sentence, no surname
    ("Wij spraken met mevrouw Yonas over de opvang.", ["Yonas"]),
], ids=["caps_label", "lower_label", "initial_label", "kinship_line_break", "kinship_line_break_2",
        "line_break_no_surname", "title_surname"])
def test_name_spans(text: str, names: list[str]) -> None:
    results = engine.get_analyzer().analyze(text, language="nl", regex_flags=engine.REGEX_FLAGS)
    found = sorted(text[r.start:r.end] for r in results if r.entity_type == "PERSON")
    assert found == names
    if "eb." in text.lower():
        assert [text[r.start:r.end] for r in results if r.entity_type == "DATE_OF_BIRTH"]


# --- English courtesy words are no names ----------------------------------------------------------

@pytest.mark.parametrize("opening", ["Dear colleagues,\n\nPlease find below", "Dear all,\n\nPlease see below",
                                     "Hello,\n\nThank you for asking. Please find here"])
def test_english_courtesy_words_are_no_names(opening: str) -> None:
    """A general English mail to IOM (an NGO) with figures only passes: "Please" opening a line is no name."""
    body = (opening + " the figures for assisted voluntary return in Q3: 412 departures, of which 131 to "
            "Georgia.\n\nBest regards,\n\nDaan Willems\nAnalist | Dienst Terugkeer en Vertrek\n")
    result = scan_message(mail("Daan Willems <d.willems@dtv.minvenj.nl>", ["iomnl@iom.int"], body))
    assert not [f.text for f in result.findings if f.entity == "PERSON"]
    assert result.verdict == "pass"
