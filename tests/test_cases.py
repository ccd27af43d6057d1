"""Every worked case of domain/cases.md through the whole pipeline (ingest, recognizers, documents, rules)."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage

import pytest
from conftest import shared_path
from test_rules_kit import beschikking_pages, pdf

from scanner.core import scan_message
from scanner.ingest import parse_eml
from scanner.model import SEVERITY_RANK, Message, Part, Result

SIGNATURE = "\n\nMet vriendelijke groet,\n\n{name}\n{role}\n{org}\nT 088 123 4567\n{address}\n"


def mail(sender: str, to: list[str], body: str, *, cc: list[str] | None = None, bcc: list[str] | None = None,
         subject: str = "Bericht", reply: bool = False, attachments: list[tuple[str, str, bytes]] | None = None,
         signature: tuple[str, str, str] | None = None) -> Message:
    """An .eml built with the standard library and parsed by our ingest."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    if bcc:
        msg["Bcc"] = ", ".join(bcc)
    msg["Subject"] = subject
    msg["Message-ID"] = "<case@verzendcheck.test>"
    if reply:
        msg["In-Reply-To"] = "<request@partner.test>"
    if signature:
        name, role, org = signature
        body += SIGNATURE.format(name=name, role=role, org=org, address=sender)
    msg.set_content(body)
    for filename, ctype, data in attachments or []:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return parse_eml(msg.as_bytes(), "case.eml")


def fired(result: Result) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in result.violations:
        if v.rule not in out or SEVERITY_RANK[v.severity] > SEVERITY_RANK[out[v.rule]]:
            out[v.rule] = v.severity
    return out


def check(result: Result, verdict: str, fire: dict[str, str] | None = None, not_fire: tuple[str, ...] = ()) -> None:
    got = fired(result)
    for rule, severity in (fire or {}).items():
        assert got.get(rule) == severity, f"{rule}: want {severity}, got {got.get(rule)}; all: {got}"
    for rule in not_fire:
        assert rule not in got, f"{rule} must not fire; all: {got}"
    assert result.verdict == verdict, f"verdict {result.verdict}, want {verdict}; all: {got}"


def docx_bytes(*paragraphs: str) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IND_SIG = ("Marieke de Graaf", "Beslismedewerker asiel", "Immigratie- en Naturalisatiedienst")
DTV_SIG = ("Ruud Vermeulen", "Regievoerder", "Dienst Terugkeer en Vertrek")
COA_SIG = ("Linda Smit", "Woonbegeleider", "Centraal Orgaan opvang asielzoekers")


# -- must pass --------------------------------------------------------------------------


def test_C01_general_information_to_a_municipality() -> None:
    body = ("Geachte heer, mevrouw,\n\nU vroeg hoe lang een afgewezen asielzoeker in de opvang mag blijven. Na een "
            "afwijzing geldt in de regel een vertrektermijn van vier weken; zolang een voorlopige voorziening loopt, "
            "mag de uitkomst daarvan meestal in Nederland worden afgewacht. Meer informatie vindt u op "
            "https://ind.nl/nl/asiel.")
    result = scan_message(mail("klantcontact@ind.nl", ["burgerzaken@utrecht.nl"], body, signature=IND_SIG))
    check(result, "pass", not_fire=("NO_LEGAL_BASIS", "PURPOSE_NOT_STATED"))
    assert result.violations == []


def test_C02_kamerbrief_to_an_ngo() -> None:
    k2 = shared_path("seeds", "004_708aa4a00799af95.txt").read_text(encoding="utf-8")
    message = mail("regio-zuid@coa.nl", ["regio.limburg@vluchtelingenwerk.nl"],
                   "Ter voorbereiding op ons overleg: de antwoorden op de Kamervragen over privacy.",
                   signature=COA_SIG)
    message.parts.append(pdf("Antwoorden Kamervragen 2021Z09095.pdf", [k2[i:i + 3000] for i in range(0, len(k2),
                                                                                                      3000)]))
    result = scan_message(message)
    check(result, "pass", not_fire=("CONSENT_REQUIRED", "SPECIAL_OUTSIDE_CHAIN", "INSECURE_TRANSPORT",
                                    "PURPOSE_NOT_STATED"))


def test_C03_lawyer_gets_the_clients_ordinary_data() -> None:
    body = ("Geachte heer Bakker,\n\nNaar aanleiding van uw verzoek: uw cliënt, de heer Tesfay Gebremariam (V-nr "
            "2901834456), heeft op 2 mei een vertrekgesprek gehad. Het volgende gesprek staat gepland op 16 mei.")
    result = scan_message(mail("r.vermeulen@dtv.minvenj.nl", ["mr.bakker@bakker-advocaten.nl"], body, reply=True,
                               subject="RE: cliënt Gebremariam", signature=DTV_SIG))
    check(result, "pass", {"LAWYER_UNVERIFIED": "info"},
          ("CONSENT_REQUIRED", "NO_LEGAL_BASIS", "INSECURE_TRANSPORT", "PURPOSE_NOT_STATED"))


def test_C04_nidos_as_guardian() -> None:
    body = ("Beste voogd,\n\nUw pupil Samir Haidari (amv, V-nr 3102745518, geb. 14-02-2009) wordt op 12 mei "
            "overgeplaatst van azc Zutphen naar de kleinschalige woonvoorziening in Zwolle. U bent welkom bij de "
            "intake.")
    result = scan_message(mail("l.smit@coa.nl", ["voogd.oost@nidos.nl"], body, signature=COA_SIG))
    check(result, "pass", not_fire=("CONSENT_REQUIRED", "INSECURE_TRANSPORT", "PURPOSE_NOT_STATED",
                                    "NO_LEGAL_BASIS"))


LKO = ["j.dekker@ind.nl", "m.haddou@dtv.minvenj.nl", "avim.zuid@politie.nl"]
LKO_BODY = ("Voor dhr. Karim Mansour (V-nr 2711093342) is afgesproken dat DT&V op 10 juni een vertrekgesprek voert; "
            "COA meldt het niet nakomen van de meldplicht aan de AVIM.")


def test_C05_lko_feedback_to_the_members() -> None:
    result = scan_message(mail("teamleider.budel@coa.nl", LKO, LKO_BODY, subject="Terugkoppeling LKO 3 juni"))
    check(result, "pass", not_fire=("CC_OVERREACH", "CASE_NOT_ANONYMISED", "BULK_PERSONAL_DATA",
                                    "SPECIAL_OUTSIDE_CHAIN"))


def test_C05_variant_bcc_to_the_team_and_its_motivation() -> None:
    plain = mail("teamleider.budel@coa.nl", LKO, LKO_BODY, bcc=["team-budel@coa.nl"],
                 subject="Terugkoppeling LKO 3 juni")
    check(scan_message(plain), "warn", {"CC_OVERREACH": "warn"})
    motivated = mail("teamleider.budel@coa.nl", LKO, LKO_BODY + "\n\nMotivering: team moet de afspraak uitvoeren",
                     bcc=["team-budel@coa.nl"], subject="Terugkoppeling LKO 3 juni")
    check(scan_message(motivated), "pass", {"CC_OVERREACH": "info"})


def excerpt(name: str = "Hanna Alemu", number: str = "2805561203") -> Part:
    return pdf("beschikking_uittreksel.pdf", beschikking_pages(12, name, number, numbers=[1, 11, 12]))


def test_C06_beschikking_excerpt_to_coa() -> None:
    body = ("Mevrouw Hanna Alemu (V-nr 2805561203): de aanvraag is afgewezen. Bijgaand pagina 1 en de laatste twee "
            "pagina's van de beschikking (rechtsgevolgen en rechtsmiddelen).")
    message = mail("bmw.zwolle@ind.nl", ["opvang.zwolle@coa.nl"], body, signature=IND_SIG)
    message.parts.append(excerpt())
    check(scan_message(message), "pass", {"USE_CHAIN_SYSTEM": "info"},
          ("FULL_BESCHIKKING", "SOURCE_NOT_OWNER", "ASYLUM_MOTIVE_IN_CHAIN"))


RELAAS = ("Betrokkene verklaart dat hij behoort tot de Hazara. Hij is bedreigd door de Taliban en stelt vrees voor "
          "vervolging te hebben. Volgens het BMA-advies lijdt hij aan PTSS.")


def full_beschikking(name: str = "Mehmet Aydin", number: str = "2607781239") -> Part:
    return pdf("beschikking.pdf", beschikking_pages(14, name, number, relaas=RELAAS))


def test_C07_full_beschikking_with_a_medical_motivation() -> None:
    body = ("Bijgaand de beschikking van dhr. Mehmet Aydin (V-nr 2607781239).\n\nMotivering: in de beschikking "
            "(p. 6-8) staan medische omstandigheden (PTSS, medicatie) waar de opvanglocatie rekening mee moet houden.")
    message = mail("bmw.zwolle@ind.nl", ["opvang.zwolle@coa.nl"], body, signature=IND_SIG)
    message.parts.append(full_beschikking())
    result = scan_message(message)
    check(result, "pass", {"FULL_BESCHIKKING": "info", "USE_CHAIN_SYSTEM": "info"},
          ("SPECIAL_OUTSIDE_CHAIN", "ASYLUM_MOTIVE_IN_CHAIN"))
    assert result.motivation and result.motivation.startswith("in de beschikking")


IDENT = ("Ter identificatie: de persoon is bij de IND bekend als Ahmad Rahimi, geboren 01-07-1994, Afghaanse "
         "nationaliteit, V-nr 3006128870; er loopt een asielprocedure.")


def test_C08_identification_answer_to_the_kmar() -> None:
    result = scan_message(mail("id-desk@ind.nl", ["grensbewaking.schiphol@mindef.nl"], IDENT, reply=True,
                               subject="RE: reiziger"))
    check(result, "pass", not_fire=("SPECIAL_OUTSIDE_CHAIN", "USE_CHAIN_SYSTEM"))


def test_C08_variant_eurodac_match_is_biometric() -> None:
    body = IDENT + " Er is een match op vingerafdrukken in Eurodac."
    result = scan_message(mail("id-desk@ind.nl", ["grensbewaking.schiphol@mindef.nl"], body, reply=True))
    check(result, "block", {"SPECIAL_OUTSIDE_CHAIN": "block"})


MACHTIGING = ("MACHTIGING\nOndergetekende,\nNaam Yonas Tekle\nGeboortedatum 09-01-1992\ngeeft hierbij toestemming aan "
              "VluchtelingenWerk om persoonsgegevens op te vragen bij de IND, de DT&V en het COA.\n"
              "Plaats Arnhem\nDatum 14-04-2025\nHandtekening:\n")


def machtiging() -> Part:
    return Part(part="attachment", kind="pdf", name="machtiging_Tekle.pdf", pages=[MACHTIGING], paged=True,
                size=40_000, meta={"images": 1})


def test_C09_ngo_with_a_machtiging() -> None:
    body = ("Naar aanleiding van uw verzoek en de bijgevoegde machtiging: de procedure van dhr. Yonas Tekle (V-nr "
            "2603390017) is afgerond; hij heeft een vertrektermijn.")
    message = mail("r.vermeulen@dtv.minvenj.nl", ["spreekuur.arnhem@vluchtelingenwerk.nl"], body, reply=True,
                   subject="RE: verzoek", signature=DTV_SIG)
    message.parts.append(machtiging())
    check(scan_message(message), "pass", not_fire=("CONSENT_REQUIRED", "INSECURE_TRANSPORT", "PURPOSE_NOT_STATED",
                                                   "VERTREKSTRATEGIE_TO_NGO"))


CONVERSION = ("Voor de vertrekstrategie van dhr. Reza Karimi (V-nr 2510077431): hij stelt zich in Nederland te hebben "
              "bekeerd tot het christendom; de IND heeft de bekering niet geloofwaardig geacht. Houd er rekening mee "
              "bij de presentatie op de ambassade.")


def test_C10_conversion_discussed_inside_the_kleine_keten() -> None:
    result = scan_message(mail("bmw.ter.apel@ind.nl", ["regie.noord@dtv.minvenj.nl"], CONVERSION))
    check(result, "pass", {"ASYLUM_MOTIVE_IN_CHAIN": "info"}, ("SPECIAL_OUTSIDE_CHAIN", "VERTREKSTRATEGIE_TO_NGO"))


def test_C10_variant_the_same_text_to_coa() -> None:
    result = scan_message(mail("bmw.ter.apel@ind.nl", ["opvang.ter.apel@coa.nl"], CONVERSION))
    check(result, "warn", {"ASYLUM_MOTIVE_IN_CHAIN": "warn"})


MUSA = ("vroeg u of dhr. Idris Musa (V-nr 2812204456) nog op de locatie verblijft: hij is per 3 maart met onbekende "
        "bestemming vertrokken.")


def test_C11_municipality_public_order_stated_purpose() -> None:
    body = "Ten behoeve van de handhaving van de openbare orde " + MUSA
    result = scan_message(mail("locatie.venlo@coa.nl", ["oov@venlo.nl"], body, reply=True, subject="RE: vraag"))
    check(result, "pass", not_fire=("PURPOSE_NOT_STATED", "NO_LEGAL_BASIS", "SPECIAL_OUTSIDE_CHAIN"))


def test_C11_variant_without_purpose_and_with_a_judgement() -> None:
    body = ("Dhr. Idris Musa (V-nr 2812204456) is per 3 maart met onbekende bestemming vertrokken. Hij is overigens "
            "een echte querulant.")
    result = scan_message(mail("locatie.venlo@coa.nl", ["oov@venlo.nl"], body))
    check(result, "pass", {"PURPOSE_NOT_STATED": "info", "SUBJECTIVE_REMARK": "info"})


# -- warn or block ------------------------------------------------------------------------


def test_C12_wetransfer_link() -> None:
    body = "De camerabeelden en het verslag over bewoner Dawit Haile staan klaar: https://we.tl/t-Ab12Cd34Ef."
    result = scan_message(mail("beveiliging.budel@coa.nl", ["wijkagent.cranendonck@politie.nl"], body))
    check(result, "block", {"BANNED_CHANNEL": "block"}, ("INSECURE_TRANSPORT", "NO_LEGAL_BASIS"))
    assert any(s.action == "use_channel" for s in result.suggestions)


def test_C13_zoom_link() -> None:
    body = ("In het kader van de terugkeer van mevrouw Lina Osman (V-nr 2909117765): zullen we dinsdag even zoomen? "
            "https://us02web.zoom.us/j/81234567890")
    result = scan_message(mail("m.haddou@dtv.minvenj.nl", ["terugkeer@gemeente-eindhoven.nl"], body))
    check(result, "warn", {"BANNED_CHANNEL": "warn"}, ("PURPOSE_NOT_STATED", "INSECURE_TRANSPORT"))
    assert "Webex, Signal, FaceTime of Skype" in result.violations[0].message


def test_C14_ngo_without_a_machtiging() -> None:
    body = ("Op uw verzoek: de asielaanvraag van mevrouw Hanna Alemu (V-nr 2805561203) is afgewezen; er loopt een "
            "beroep.")
    result = scan_message(mail("bmw.den.bosch@ind.nl", ["juridisch@vluchtelingenwerk.nl"], body))
    check(result, "block", {"CONSENT_REQUIRED": "block"}, ("PURPOSE_NOT_STATED", "INSECURE_TRANSPORT"))
    assert any(s.action == "add_machtiging" for s in result.suggestions)


def test_C15_vertrekstrategie_to_an_ngo_with_a_machtiging() -> None:
    strategy = docx_bytes("Vertrekstrategie", "Betrokkene: Yonas Tekle, V-nummer 2603390017",
                          "Presentatie bij de Eritrese vertegenwoordiging gepland op 3 juni; LP-aanvraag loopt; bij "
                          "geen medewerking volgt een maatregel.")
    message = mail("r.vermeulen@dtv.minvenj.nl", ["spreekuur.arnhem@vluchtelingenwerk.nl"],
                   "Naar aanleiding van uw verzoek over dhr. Yonas Tekle (V-nr 2603390017): zie de bijlagen.",
                   reply=True, attachments=[("vertrekstrategie_Tekle.docx", DOCX, strategy)])
    message.parts.append(machtiging())
    result = scan_message(message)
    check(result, "block", {"VERTREKSTRATEGIE_TO_NGO": "block"}, ("CONSENT_REQUIRED",))
    assert any(s.action == "redact" for s in result.suggestions)


def test_C16_psychiatric_admission_to_the_municipality() -> None:
    body = ("Mevrouw Amina Yusuf (V-nr 3011450092) is sinds gisteren opgenomen in een psychiatrische kliniek vanwege "
            "een psychose. Haar kinderen (3 en 5) verblijven bij een buurvrouw.")
    result = scan_message(mail("woonbegeleiding.delfzijl@coa.nl", ["wmo@eemsdelta.nl"], body))
    check(result, "block", {"SPECIAL_OUTSIDE_CHAIN": "block", "INSECURE_TRANSPORT": "warn"})


def test_C17_health_data_to_the_ggd_encrypted() -> None:
    body = ("Ten behoeve van vervolgonderzoek: bij dhr. Ali Hassan (V-nr 2704418823) is bij de tbc-screening een "
            "afwijking gevonden.")
    result = scan_message(mail("gezondheid.tera@coa.nl", ["tbc@ggdgroningen.nl"], body,
                               subject="[VERSLEUTELD] vervolgonderzoek"))
    check(result, "warn", {"SPECIAL_OUTSIDE_CHAIN": "warn"},
          ("INSECURE_TRANSPORT", "NO_LEGAL_BASIS", "PURPOSE_NOT_STATED"))


def test_C18_criminal_data_police_in_to_municipality_in_cc() -> None:
    body = ("Ter informatie voor het TOP-X-overleg: bewoner Dawit Haile (V-nr 2702216654) is gisteren aangehouden "
            "wegens winkeldiefstal en mishandeling van een medebewoner.")
    result = scan_message(mail("beveiliging.budel@coa.nl", ["avim.zuid@politie.nl"], body, cc=["oov@cranendonck.nl"]))
    check(result, "block", {"SPECIAL_OUTSIDE_CHAIN": "block", "CC_OVERREACH": "warn", "INSECURE_TRANSPORT": "warn"})
    severities = {v.recipients[0]: v.severity for v in result.violations if v.rule == "SPECIAL_OUTSIDE_CHAIN"}
    assert severities == {"avim.zuid@politie.nl": "warn", "oov@cranendonck.nl": "block"}


def test_C19_full_beschikking_to_coa_without_motivation() -> None:
    message = mail("bmw.zwolle@ind.nl", ["opvang.zwolle@coa.nl"],
                   "Bijgaand de beschikking van dhr. Mehmet Aydin (V-nr 2607781239).", signature=IND_SIG)
    message.parts.append(full_beschikking())
    result = scan_message(message)
    check(result, "warn", {"FULL_BESCHIKKING": "warn", "USE_CHAIN_SYSTEM": "info"},
          ("ASYLUM_MOTIVE_IN_CHAIN", "SPECIAL_OUTSIDE_CHAIN"))
    keep = [s.details["pages"] for s in result.suggestions if s.action == "keep_pages"]
    assert keep == [[1, 13, 14]]


def test_C20_dtv_passes_on_an_ind_decision_to_coa() -> None:
    message = mail("regie.noord@dtv.minvenj.nl", ["opvang.ter.apel@coa.nl"],
                   "Zoals gevraagd de beschikking van mevrouw Hanna Alemu.", signature=DTV_SIG)
    message.parts.append(excerpt())
    result = scan_message(message)
    check(result, "warn", {"SOURCE_NOT_OWNER": "warn"}, ("FULL_BESCHIKKING", "USE_CHAIN_SYSTEM"))
    ask = [s.details for s in result.suggestions if s.action == "ask_source"]
    assert ask and ask[0]["organisation"] == "IND"


def test_C21_dtv_sends_a_full_ind_decision_to_a_municipality() -> None:
    message = mail("r.vermeulen@dtv.minvenj.nl", ["sociale.dienst@gemeente-eindhoven.nl"],
                   "Ter informatie de beschikking van dhr. Ahmad Rahimi.")
    message.parts.append(full_beschikking("Ahmad Rahimi", "3006128870"))
    result = scan_message(message)
    check(result, "block", {"SOURCE_NOT_OWNER": "warn", "FULL_BESCHIKKING": "warn", "SPECIAL_OUTSIDE_CHAIN": "block",
                            "INSECURE_TRANSPORT": "warn"})
    assert [s.details["pages"] for s in result.suggestions if s.action == "keep_pages"] == [[1, 13, 14]]


def occupancy(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Naam", "V-nummer", "Geboortedatum", "Nationaliteit", "Unit"])
    for i in range(rows):
        sheet.append([f"Bewoner{i} Achternaam{i}", str(2600000000 + 37 * i), f"{1 + i % 28:02d}-0{1 + i % 9}-1990",
                      "Eritrese", f"B{i % 12}"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_C22_daily_occupancy_list_to_the_police() -> None:
    result = scan_message(mail("bedrijfsbureau.budel@coa.nl", ["nvik@politie.nl"], "Bijgaand de bezettingslijst van "
                               "vandaag.", attachments=[("bezetting_2025-05-12.xlsx", XLSX, occupancy(212))]))
    check(result, "block", {"BULK_PERSONAL_DATA": "block", "USE_CHAIN_SYSTEM": "info"}, ("INSECURE_TRANSPORT",))


def test_C22_variant_list_inside_the_kleine_keten() -> None:
    result = scan_message(mail("bedrijfsbureau.budel@coa.nl", ["planning@ind.nl"], "De bewoners met een afspraak "
                               "vandaag.", attachments=[("afspraken.xlsx", XLSX, occupancy(12))]))
    check(result, "warn", {"BULK_PERSONAL_DATA": "warn", "USE_CHAIN_SYSTEM": "info"})


def test_C23_lso_minutes_to_nidos() -> None:
    blocks = [f"Punt {i}: dhr. Bewoner{i} (V-nr {2700000000 + 91 * i}) - afspraak: vervolggesprek op {i} juni."
              for i in range(1, 10)]
    minutes = docx_bytes("Verslag LSO Zwolle 6 mei 2025", "Deelnemers: AVIM, IND, COA, DT&V", *blocks)
    result = scan_message(mail("lso.secretariaat.zwolle@coa.nl", ["voogd.oost@nidos.nl"],
                               "Bijgaand het verslag van het LSO, zie punt 4 over uw pupil.",
                               attachments=[("Verslag LSO 2025-05-06.docx", DOCX, minutes)]))
    check(result, "block", {"BULK_PERSONAL_DATA": "block", "INSECURE_TRANSPORT": "warn"}, ("CONSENT_REQUIRED",))
    assert any(s.action == "redact" and s.details["rule"] == "BULK_PERSONAL_DATA" for s in result.suggestions)


def test_C24_internal_note_to_a_lawyer() -> None:
    note = ("Interne notitie \u2013 niet voor externe verspreiding\nBetreft: aanvraag dhr. Mehmet Aydin, V-nummer "
            "2607781239\nIk stel voor de beslissing op de aanvraag aan te houden tot het nieuwe ambtsbericht over "
            "Turkije verschijnt.")
    message = mail("bmw.den.bosch@ind.nl", ["mr.yilmaz@yilmaz-advocaten.nl"], "Zie bijlage.", reply=True,
                   subject="RE: stand van zaken Aydin")
    message.parts.append(Part(part="attachment", kind="pdf", name="notitie_aanhouden.pdf", pages=[note], paged=True,
                              size=30_000))
    result = scan_message(message)
    check(result, "block", {"INTERNAL_CORRESPONDENCE": "block", "LAWYER_UNVERIFIED": "info"},
          ("SPECIAL_OUTSIDE_CHAIN",))
    assert not [f for f in result.findings if f.entity == "CRIMINAL_DATA"]


PIP = ("Verslag Presentatie in Persoon\nBetrokkene: Tesfay Gebremariam\nV-nummer: 2901834456\nRegievoerder: R. "
       "Vermeulen\nTolk: Tigrinya\nPresentatie bij de ambassade van Eritrea op 2 mei 2025.\nBetrokkene verklaart dat "
       "zijn broer Abel Gebremariam, woonachtig in Asmara, tel. +291 7 123456, zijn geboorteakte heeft. Zijn moeder "
       "Saba Tesfamariam woont ook in Asmara.")


def test_C25_pip_report_with_family_details() -> None:
    message = mail("r.vermeulen@dtv.minvenj.nl", ["mr.bakker@bakker-advocaten.nl"], "Op uw verzoek het verslag.",
                   reply=True, subject="RE: verslag PiP")
    message.parts.append(Part(part="attachment", kind="pdf", name="Verslag Presentatie in Persoon Gebremariam.pdf",
                              pages=[PIP], paged=True, size=50_000))
    result = scan_message(message)
    check(result, "warn", {"THIRD_PARTY_DATA": "warn", "LAWYER_UNVERIFIED": "info"},
          ("SOURCE_NOT_OWNER", "BULK_PERSONAL_DATA"))


def jpeg(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise((width, height), 60).convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def test_C26_passport_photo_to_the_municipality() -> None:
    body = "Ten behoeve van de inschrijving in de BRP: mevrouw Lina Osman, V-nr 2909117765; pasfoto bijgevoegd."
    result = scan_message(mail("locatie.venlo@coa.nl", ["burgerzaken@venlo.nl"], body,
                               attachments=[("pasfoto_Osman.jpg", "image/jpeg", jpeg(350, 450))]))
    check(result, "warn", {"PHOTO_ATTACHMENT": "warn"}, ("SPECIAL_OUTSIDE_CHAIN", "PURPOSE_NOT_STATED"))


def test_C27_no_partner_veilig_thuis_from_dtv_and_unknown_cc() -> None:
    body = ("Wij maken ons zorgen over de kinderen van het gezin Ahmadi (V-nrs 2811300021 en 2811300039), dat volgende "
            "maand moet vertrekken.")
    result = scan_message(mail("m.haddou@dtv.minvenj.nl", ["advies@veiligthuisbrabantnoord.nl"], body,
                               cc=["info@kinderopvang-zonnestraal.nl"]))
    check(result, "block", {"NO_LEGAL_BASIS": "block"}, ("INSECURE_TRANSPORT", "CC_OVERREACH", "PURPOSE_NOT_STATED"))
    covered = {a for v in result.violations if v.rule == "NO_LEGAL_BASIS" for a in v.recipients}
    assert covered == {"advies@veiligthuisbrabantnoord.nl", "info@kinderopvang-zonnestraal.nl"}
    assert all("avg@dtv.minvenj.nl" in v.message for v in result.violations if v.rule == "NO_LEGAL_BASIS")


MANSOUR = "Beste meneer Mansour, uw aanvraag (V-nr 2711093342) is ingewilligd. U ontvangt de beschikking per post."


def test_C28_private_mailbox() -> None:
    result = scan_message(mail("klantcontact@ind.nl", ["karim.mansour1987@gmail.com"], MANSOUR))
    check(result, "warn", {"PERSONAL_MAILBOX": "warn"}, ("NO_LEGAL_BASIS", "SPECIAL_OUTSIDE_CHAIN"))


def test_C28_variant_ptss_to_a_private_mailbox() -> None:
    body = MANSOUR + " Wij hebben rekening gehouden met uw PTSS."
    result = scan_message(mail("klantcontact@ind.nl", ["karim.mansour1987@gmail.com"], body))
    check(result, "block", {"SPECIAL_OUTSIDE_CHAIN": "block", "PERSONAL_MAILBOX": "warn"})


def test_C29_the_whole_file_one_part_locked() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, title in enumerate(("intake", "verslag", "brief", "planning", "besluit", "huisregels", "incident")):
            archive.writestr(f"{i:02d}_{title}.txt", f"{title.capitalize()} over dhr. Mehmet Aydin, V-nummer "
                                                      "2607781239, bewoner op locatie Budel.")
        archive.writestr("medisch.pdf", b"%PDF-1.7\n1 0 obj<</Filter/Standard/V 4/R 4/O(x)/U(y)/P -4>>endobj\n%%EOF")
    message = mail("juridisch@coa.nl", ["mr.yilmaz@yilmaz-advocaten.nl"],
                   "Hierbij het volledige bewonersdossier van dhr. Mehmet Aydin.",
                   attachments=[("dossier_Aydin.zip", "application/zip", buffer.getvalue())])
    result = scan_message(message)
    check(result, "warn", {"FULL_DOSSIER": "warn", "UNSCANNABLE_ATTACHMENT": "warn", "INSECURE_TRANSPORT": "warn",
                           "LAWYER_UNVERIFIED": "info"})


LEARN = ("Ter lering een bijzondere casus uit het LKO: dhr. Omar Farah (V-nr 2604471188) weigerde drie keer een "
         "kamerwissel; zo zijn we ermee omgegaan: eerst een gesprek met de woonbegeleider, daarna met de teamleider.")


def test_C30_a_case_shared_for_learning_not_anonymised() -> None:
    result = scan_message(mail("teamleider.budel@coa.nl", ["team-begeleiding-budel@coa.nl"], LEARN))
    check(result, "warn", {"CASE_NOT_ANONYMISED": "warn"},
          ("CC_OVERREACH", "NO_LEGAL_BASIS", "INTERNAL_CORRESPONDENCE"))
    assert any(s.action == "anonymise" for s in result.suggestions)


def test_C30_variant_anonymised_case_passes() -> None:
    body = ("Ter lering een bijzondere casus uit het LKO: een bewoner van middelbare leeftijd weigerde drie keer een "
            "kamerwissel; zo zijn we ermee omgegaan.")
    check(scan_message(mail("teamleider.budel@coa.nl", ["team-begeleiding-budel@coa.nl"], body)), "pass")


def test_C31_a_phone_number_and_a_case_number_are_not_v_numbers() -> None:
    body = "Bel me even op 0612345678 over zaaknummer 2208123456, kenmerk 1904-0012."
    result = scan_message(mail("a.jansen@ind.nl", ["b.devries@ind.nl"], body))
    entities = {f.entity for f in result.findings}
    assert "PHONE_NUMBER" in entities and "V_NUMBER" not in entities
    check(result, "pass")


def test_C32_signature_only() -> None:
    result = scan_message(mail("a.jansen@ind.nl", ["planning@utrecht.nl"], "Zie bijgaand de planning voor het "
                               "regio-overleg.", signature=("Anne Jansen", "Planner", "Immigratie- en "
                                                            "Naturalisatiedienst")))
    assert result.findings == []
    check(result, "pass")


def test_C33_the_senders_own_sick_leave() -> None:
    result = scan_message(mail("l.smit@coa.nl", ["wmo@zeist.nl"], "Ik ben ziek en tot en met vrijdag afwezig; bel "
                               "voor dringende zaken de locatie."))
    assert not [f for f in result.findings if f.entity == "SPECIAL_CATEGORY"]
    check(result, "pass")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_violation_has_a_message_and_source_in_both_languages(lang: str) -> None:
    message = mail("r.vermeulen@dtv.minvenj.nl", ["sociale.dienst@gemeente-eindhoven.nl"], "Ter informatie.")
    message.parts.append(full_beschikking("Ahmad Rahimi", "3006128870"))
    result = scan_message(message, lang=lang)
    assert result.violations
    for v in result.violations:
        assert v.message and "{" not in v.message and v.source
