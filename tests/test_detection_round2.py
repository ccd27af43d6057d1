"""Issue 18, one regression test per cause, each in general form (several layouts, several table formats).

Signature blocks of every layout are the writer's own; mails without a data subject never fire the
basis rules; aggregates are no list of persons; a signed machtiging counts; third parties in pasted
reports; table column headers; identifiers in every way clerks write them; a relative's mailbox; an
unknown lawyer's domain; the directory's regional domains.
"""

from __future__ import annotations

import csv
import email.policy
import io

import openpyxl
import pytest
from test_cases import DOCX, XLSX, check, fired, mail

from recognizers import engine
from scanner.core import scan_message
from scanner.ingest import parse_eml
from scanner.policy import load_policy

# --- signature blocks --------------------------------------------------------------------------

GENERAL = ("Beste collega's,\n\nOp 14 januari organiseren wij een AVG-training voor vrijwilligers over veilig "
           "mailen en het opstellen van een machtiging. Aanmelden kan tot 20 december.\n\n")
LAYOUTS = {
    "bars_and_disclaimer": "Met vriendelijke groet,\n\nIngrid Bosman\nPrivacy officer | IND\n\n"
                           "T 088 043 2817 | M 06 4172 9385\nE i.bosman@ind.nl | www.ind.nl\n\n"
                           "Dit e-mailbericht is uitsluitend bestemd voor de geadresseerde. Indien u dit bericht "
                           "onterecht ontvangt, wordt u verzocht de inhoud niet te gebruiken.\n",
    "tel_mob_labels": "Met vriendelijke groet,\n\nMarco van Dijk\nSenior regievoerder\nDienst Terugkeer en Vertrek\n"
                      "Tel.: 088 - 012 4400\nMob.: 06-28391047\nm.vandijk@dtv.minvenj.nl\n",
    "english": "Kind regards / Met vriendelijke groet\n\nEsther Kok\nTeamleider amv | COA\n"
               "Phone +31 88 715 8120 | Mobile +31 6 5521 0988\n",
    "one_line": "Vriendelijke groeten,\nKim Bos | Coördinator participatie | COA Deventer | 088 715 6420 | "
                "06 1290 4478 | k.bos@coa.nl\n",
    "dash_dash": "Ingrid\n\n--\nIngrid Bosman\nSenior medewerker kennis en advies, IND\n"
                 "+31 88 043 1298 / 06 2230 9147\n",
    "closing_with_name": "Groet, Ingrid Bosman | IND | Mob.: 06 - 47 12 90 33\n",
    "no_closing_name_line": "Ingrid Bosman\nPrivacy officer, Immigratie- en Naturalisatiedienst\nM 06 4172 9385\n",
}


def build(body: str, *, to: str = "regio.noord@vluchtelingenwerk.nl", html: str | None = None, crlf: bool = False,
          sender: str = "Ingrid Bosman <i.bosman@ind.nl>", subject: str = "Uitnodiging AVG-training",
          attachments: list[tuple[str, str, bytes]] = ()):
    msg = email.message.EmailMessage(policy=email.policy.SMTP if crlf else email.policy.default)
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    for name, ctype, data in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return parse_eml(msg.as_bytes(), "case.eml")


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_signature_layouts_are_the_senders_own(layout: str, crlf: bool) -> None:
    """A general mail to an NGO with the sender's signature passes: no phone, name or address finding."""
    result = scan_message(build(GENERAL + LAYOUTS[layout], crlf=crlf))
    assert {f.entity for f in result.findings} <= {"SPECIAL_CATEGORY"}, [f.entity for f in result.findings]
    check(result, "pass", not_fire=("CONSENT_REQUIRED",))


def test_html_signature_table_is_the_senders_own() -> None:
    html = ("<html><body><p>Beste collega's,</p><p>Vanaf 1 januari is het loket alleen op afspraak open.</p>"
            "<p>Met vriendelijke groet,</p><table><tr><td><img src='cid:logo' width='80'></td><td><b>Laura Mertens"
            "</b><br>Communicatieadviseur | IND<br>T 088 043 0430 | M 06 1834 5521<br><a href='https://www.ind.nl'>"
            "www.ind.nl</a></td></tr></table><p style='font-size:8pt'>Dit bericht kan informatie bevatten die niet "
            "voor u is bestemd.</p></body></html>")
    result = scan_message(build("", html=html, sender="Laura Mertens <l.mertens@ind.nl>"))
    assert not [f for f in result.findings if f.entity in ("PHONE_NUMBER", "PERSON")]
    assert result.verdict == "pass"


def test_quoted_signatures_and_header_lines_are_correspondents() -> None:
    body = ("Hoi Yonas,\n\nDank je, de folders zijn binnen.\n\nGroet,\nSamira\n\n-----Oorspronkelijk bericht-----\n"
            "Van: Yonas Tesfamariam <y.tesfamariam@iom.int>\nOnderwerp: folders\n\nBeste Samira,\n\nHebben jullie de "
            "folders ontvangen?\n\nVriendelijke groet,\nYonas Tesfamariam\nIOM Nederland\n+31 70 318 1500\n\n"
            "> Op 28 oktober schreef Samira El Idrissi:\n> Kunnen jullie 200 folders sturen?\n"
            "> Groet, Samira El Idrissi | Regievoerder | DT&V | Mob.: 06 - 47 12 90 33\n")
    result = scan_message(build(body, to="y.tesfamariam@iom.int",
                                sender="Samira El Idrissi <s.elidrissi@dtv.minvenj.nl>"))
    assert not result.findings, [(f.entity, f.part) for f in result.findings]
    assert result.verdict == "pass"


def test_a_signature_does_not_hide_the_clients_identifiers_or_own_letter() -> None:
    """Identifiers under a closing stay findings; a forwarded letter of a client keeps his phone number."""
    body = ("Beste collega,\n\nHierbij de vraag van de bewoner.\n\nMet vriendelijke groet,\nNoor Visser\nCOA\n\n"
            "---------- Doorgestuurd bericht ----------\nVan: Karim Haddad <k.haddad@gmail.com>\nOnderwerp: vraag\n\n"
            "Goedemiddag, wanneer krijg ik mijn pas?\n\nGroeten,\nKarim Haddad\nV-nummer 2718440933\n"
            "Tel. 06 3928 4710\n")
    result = scan_message(build(body, to="j.peters@coa.nl", sender="Noor Visser <n.visser@coa.nl>"))
    entities = {f.entity for f in result.findings}
    assert {"V_NUMBER", "PHONE_NUMBER"} <= entities


def test_organisation_numbers_are_no_personal_phone_numbers() -> None:
    body = "Bel voor vragen ons algemene nummer 088 715 7000 of gratis 0800-2622888, of mevrouw op 06 3928 4710."
    result = scan_message(build(body, to="j.peters@coa.nl", sender="n.visser@coa.nl"))
    assert [f.text for f in result.findings if f.entity == "PHONE_NUMBER"] == ["06 3928 4710"]


# --- no data subject, aggregates, anonymised cases ---------------------------------------------

@pytest.mark.parametrize(("to", "body"), [
    ("avrr.nl@iom.int", "Informatiebijeenkomst op 4 december in ons kantoor aan de Turfmarkt 147, Den Haag."),
    ("team.ter.apel@coa.nl", "Ter informatie een casus voor de intervisie: mevrouw A., een bewoonster uit Eritrea "
                             "van begin 30, is erg gespannen en ging naar de huisarts. Hoe gaan we daarmee om?"),
    ("wmo@tilburg.nl", "Een bewoner uit Syrië, eind 40, met hartklachten zocht hulp. Hoe pakken jullie zoiets aan?"),
], ids=["office_address_to_iom", "anonymised_case_to_team", "anonymised_case_to_gemeente"])
def test_without_a_data_subject_the_basis_rules_stay_silent(to: str, body: str) -> None:
    result = scan_message(build("Beste collega's,\n\n" + body + "\n", to=to, sender="a.hermans@coa.nl"))
    check(result, "pass", not_fire=("CONSENT_REQUIRED", "NO_LEGAL_BASIS", "SPECIAL_OUTSIDE_CHAIN",
                                    "CASE_NOT_ANONYMISED"))


def _csv(rows: list[list[str]], bom: bool = False, delimiter: str = ";") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL if bom else csv.QUOTE_MINIMAL).writerows(rows)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode()


def _xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _docx_table(rows: list[list[str]]) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Overzicht")
    table = doc.add_table(rows=0, cols=len(rows[0]))
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


AGGREGATE = [["nationaliteit", "augustus", "september", "oktober"], ["Syrië", "42", "38", "51"],
             ["Eritrea", "17", "22", "19"], ["Turkije", "30", "27", "33"], ["Jemen", "8", "6", "11"],
             ["Afghanistan", "12", "15", "9"], ["overig", "21", "18", "25"]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_aggregates_are_no_list_of_persons(fmt: str) -> None:
    data, ctype = (_csv(AGGREGATE), "text/csv") if fmt == "csv" else (_xlsx(AGGREGATE), XLSX)
    result = scan_message(build("Hierbij de instroom per nationaliteit, alleen aantallen.\n", to="beleid@utrecht.nl",
                                sender="j.verbeek@coa.nl", attachments=[(f"instroom.{fmt}", ctype, data)]))
    check(result, "pass", not_fire=("BULK_PERSONAL_DATA",))


# --- tables --------------------------------------------------------------------------------------

TABLE = [["V-nummer", "Naam", "Geb. datum", "Telefoon"],
         ["3011223344", "Levan Gelashvili", "1989-05-12", "06 1234 5670"],
         ["3011223351", "Irakli Tsiklauri", "03-11-1992", "06 2345 6781"],
         ["3011223409", "Nino Kapanadze", "1995-01-27", "06 3456 7892"]]


@pytest.mark.parametrize("fmt", ["csv", "csv_bom_quoted", "xlsx", "docx"])
def test_table_column_headers_make_each_cell_that_entity(fmt: str) -> None:
    data, ctype = {"csv": (_csv(TABLE), "text/csv"),
                   "csv_bom_quoted": (_csv(TABLE, bom=True, delimiter=","), "text/csv"),
                   "xlsx": (_xlsx(TABLE), XLSX), "docx": (_docx_table(TABLE), DOCX)}[fmt]
    result = scan_message(build("Zie bijlage.\n", to="j.peters@coa.nl", sender="n.visser@coa.nl",
                                attachments=[("overzicht." + fmt.split("_")[0], ctype, data)]))
    got: dict[str, set[str]] = {}
    for f in result.findings:
        got.setdefault(f.entity, set()).add(f.text)
    for column, entity in ((0, "V_NUMBER"), (2, "DATE_OF_BIRTH"), (3, "PHONE_NUMBER")):
        assert {row[column] for row in TABLE[1:]} <= got.get(entity, set()), (entity, got.get(entity))
    assert {row[1].split()[-1] for row in TABLE[1:]} <= {w for t in got.get("PERSON", ()) for w in t.split()}


def test_a_table_typed_in_the_mail_and_a_form_are_told_apart() -> None:
    analyzer = engine.get_analyzer()
    table = "naam | geboortedatum\nBilal Noorzai | 2009-05-14\n"
    results = analyzer.analyze(table, language="nl", regex_flags=engine.REGEX_FLAGS)
    assert "2009-05-14" in {table[r.start:r.end] for r in results if r.entity_type == "DATE_OF_BIRTH"}
    form = "Naam | Karim Haddad\nWoonplaats | Zwolle\n"  # a form line: "Woonplaats" is no name
    results = analyzer.analyze(form, language="nl", regex_flags=engine.REGEX_FLAGS)
    assert "Woonplaats" not in {form[r.start:r.end] for r in results}


# --- identifiers ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "entity", "value"), [
    ("V-nummer 2718 4409 33 is bekend", "V_NUMBER", "2718 4409 33"),
    ("uw cliënt, V-nummer 301-888-2745, ligt ter beoordeling", "V_NUMBER", "301-888-2745"),
    ("V-nr. 2901.433.812, geboren", "V_NUMBER", "2901.433.812"),
    ("vreemdelingennummer 12 3456 7890", "V_NUMBER", "12 3456 7890"),
    ("Ahmad Jafari, geb. 3-2-'95, woont", "DATE_OF_BIRTH", "3-2-'95"),
    ("geboren 8 maart\n2000 in Asmara", "DATE_OF_BIRTH", "8 maart\n2000"),
    ("geboren\r\n22.08.1979) vertrekt", "DATE_OF_BIRTH", "22.08.1979"),
    ("Mustafa Sharif (geboren (03-02-2009)) wordt", "DATE_OF_BIRTH", "03-02-2009"),
    ("Somalische ID-kaart overgelegd, nummer SO1847302.", "ID_DOCUMENT", "SO1847302"),
    ("zijn Georgische paspoort\nnummer 15AB33412.", "ID_DOCUMENT", "15AB33412"),
    ("verblijfsdocument heeft documentnummer XK7L29P41.", "ID_DOCUMENT", "XK7L29P41"),
    ("zijn zus is bereikbaar op 00291 7 123 456.", "PHONE_NUMBER", "00291 7 123 456"),
    ("zijn vader in Izmir: +90 532 418 22 91", "PHONE_NUMBER", "+90 532 418 22 91"),
    ("de tante in Teheran, +98 912 345 6789", "PHONE_NUMBER", "+98 912 345 6789"),
    ("belde vanaf +252 61 5123456.", "PHONE_NUMBER", "+252 61 5123456"),
])
def test_identifiers_in_every_way_clerks_write_them(text: str, entity: str, value: str) -> None:
    analyzer = engine.get_analyzer()
    results = analyzer.analyze(text, language="nl", regex_flags=engine.REGEX_FLAGS)
    assert value in {text[r.start:r.end] for r in results if r.entity_type == entity and r.score >= 0.5}


# --- machtiging, third parties, mailboxes, lawyers, directory ----------------------------------

MACHTIGING = ("MACHTIGING\n\nOndergetekende, Karim Haddad, V-nummer 2718440933, machtigt hierbij VluchtelingenWerk "
              "om informatie op te vragen.\n\nDatum: 2 november 2026\n\nHandtekening: {sig}\n")


@pytest.mark.parametrize(("sig", "signed"), [("w.g. K. Haddad", True), ("(getekend) K. Haddad", True),
                                             ("______________", False)])
def test_a_signed_machtiging_is_signed_and_a_blank_line_is_not(sig: str, signed: bool) -> None:
    result = scan_message(build("Beste Koen,\n\nDe aanvraag van de heer Karim Haddad is in behandeling.\n",
                                to="k.dewit@vluchtelingenwerk.nl", sender="r.jansen@ind.nl",
                                attachments=[("machtiging.txt", "text/plain", MACHTIGING.format(sig=sig).encode())]))
    assert ("CONSENT_REQUIRED" in fired(result)) is not signed


def test_a_machtiging_referred_to_with_date_and_signature_counts() -> None:
    body = ("Beste Koen,\n\nMevrouw Leila Abadi verhuist op 20 november naar azc Gilze. Zij heeft ons op 28 oktober "
            "2026 een machtiging gegeven (getekend) om dit aan jullie door te geven.\n")
    result = scan_message(build(body, to="k.dewit@vluchtelingenwerk.nl", sender="n.visser@coa.nl"))
    assert "CONSENT_REQUIRED" not in fired(result)


def test_third_parties_in_a_pasted_incident_report() -> None:
    body = ("Beste Mark,\n\nZoals gevraagd het incidentverslag van 8 november.\n\nIncidentverslag\nBewoner Ali Rezaei "
            "duwde medebewoner Mehdi Hosseini tegen de deur. Getuige Yara Haddad belde de beveiliging.\n")
    result = mail("b.hendriks@coa.nl", ["openbareorde@tilburg.nl"], body, reply=True)
    violations = {v.rule: v for v in scan_message(result).violations}
    assert "THIRD_PARTY_DATA" in violations
    assert "Lak" in violations["THIRD_PARTY_DATA"].message


@pytest.mark.parametrize(("to", "body", "rule", "severity"), [
    ("jamal.haidari1990@gmail.com", "U belde over uw neef, de heer Reza Haidari (V-nummer 2719 0055 12).",
     "NO_LEGAL_BASIS", "block"),
    ("a.mohammadi77@hotmail.com", "Als broer van de heer Karim Mohammadi wilde u weten waar hij woont.",
     "NO_LEGAL_BASIS", "block"),
    ("mariam.yonas88@gmail.com", "Uw afspraak is op 26 november. Neem uw V-nummer (2722 3301 48) mee.",
     "PERSONAL_MAILBOX", "warn"),
], ids=["neef", "broer_van", "client_self"])
def test_a_relatives_mailbox_is_no_basis_and_the_clients_own_is_a_warn(to: str, body: str, rule: str,
                                                                       severity: str) -> None:
    result = scan_message(build("Beste heer, mevrouw,\n\n" + body + "\n", to=to, sender="n.visser@coa.nl"))
    assert fired(result).get(rule) == severity


@pytest.mark.parametrize("body", [
    "Geachte mr. Vermeulen,\n\nDe zaak van de heer Tarek Bakr (V-nummer 2720118834) loopt.\n",
    "Beste heer Smeets,\n\nUw cliënt, de heer Adel Faraj (V-nummer 2738 4491 03), krijgt binnen acht weken bericht.\n",
])
def test_a_lawyer_on_an_unknown_domain_is_unverified_not_without_basis(body: str) -> None:
    result = scan_message(build(body, to="r.vermeulen@vermeulen-recht.nl", sender="r.jansen@ind.nl"))
    check(result, "warn", {"LAWYER_UNVERIFIED": "warn"}, ("NO_LEGAL_BASIS",))
    assert "advocaat van de vreemdeling" in fired_message(result, "LAWYER_UNVERIFIED")


def test_an_unknown_domain_message_tells_how_to_add_it() -> None:
    result = scan_message(build("Hierbij meld ik de heer Bilal Mansour aan, V-nummer 2719 8831 06.\n",
                                to="intake@zorgpuntnoord.nl", sender="j.verbeek@coa.nl"))
    assert "--policy" in fired_message(result, "NO_LEGAL_BASIS")


def fired_message(result, rule: str) -> str:
    return next(v.message for v in result.violations if v.rule == rule)


@pytest.mark.parametrize(("domain", "organisation"), [
    ("ggdgroningen.nl", "GGD"), ("vggm.nl", "GGD"), ("ggd.amsterdam.nl", "GGD"), ("dienstgezondheidjeugd.nl", "GGD"),
    ("vrk.nl", "GGD"), ("veiligheidsregioutrecht.nl", "GGD"), ("veiligthuisgelderlandzuid.nl", "Veilig Thuis"),
    ("vluchtelingenwerk-oost.nl", "VluchtelingenWerk Nederland"), ("kinderbescherming.nl", None),
    ("rechtspraak.nl", None), ("politie.nl", None), ("kmar.nl", None), ("nidos.nl", "Nidos"),
])
def test_the_directory_knows_the_regional_domains(domain: str, organisation: str | None) -> None:
    match = load_policy().match(f"info@{domain}")
    assert match.category != "onbekend"
    if organisation:
        assert match.name == organisation
