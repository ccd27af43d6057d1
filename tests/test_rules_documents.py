"""FULL_BESCHIKKING, SOURCE_NOT_OWNER, USE_CHAIN_SYSTEM, INTERNAL_CORRESPONDENCE, THIRD_PARTY_DATA,
PHOTO_ATTACHMENT, FULL_DOSSIER, VERTREKSTRATEGIE_TO_NGO and BULK_PERSONAL_DATA."""

from __future__ import annotations

from test_rules_kit import Mark, beschikking_pages, doc, image, message, pdf, person, run, vnr

from scanner.model import Part

MARKS = [person("Mehmet Aydin"), Mark("2607781239", "V_NUMBER", every=True)]


def full(total: int = 14) -> Part:
    return pdf("beschikking.pdf", beschikking_pages(total))


def excerpt() -> Part:
    return pdf("beschikking_uittreksel.pdf", beschikking_pages(12, numbers=[1, 11, 12]))


def test_full_beschikking_warns_and_keeps_first_and_last_two_pages() -> None:
    out = run(message("b@ind.nl", ["opvang.zwolle@coa.nl"], "Bijgaand de beschikking.", attachments=[full()]), MARKS)
    assert out.fired == {"FULL_BESCHIKKING": "warn", "USE_CHAIN_SYSTEM": "info"}
    violation = out.of("FULL_BESCHIKKING")[0]
    assert violation.attachment == "beschikking.pdf"
    assert "(14 pagina's)" in violation.message and "Stuur alleen pagina 1, 13 en 14 mee" in violation.message
    assert out.suggested("keep_pages")[0].details["pages"] == [1, 13, 14]


def test_full_beschikking_info_with_motivation() -> None:
    body = "Bijgaand.\nMotivering: medische omstandigheden (p. 6-8) voor de opvang."
    out = run(message("b@ind.nl", ["opvang.zwolle@coa.nl"], body, attachments=[full()]), MARKS)
    assert out.fired["FULL_BESCHIKKING"] == "info" and out.verdict == "pass"
    header = run(message("b@ind.nl", ["opvang.zwolle@coa.nl"], "Bijgaand.", attachments=[full()],
                         headers={"x-avg-motivering": "medisch"}), MARKS)
    assert header.fired["FULL_BESCHIKKING"] == "info"


def test_full_beschikking_not_for_an_excerpt_or_three_pages() -> None:
    out = run(message("b@ind.nl", ["opvang.zwolle@coa.nl"], "Uittreksel.", attachments=[excerpt()]), MARKS)
    assert "FULL_BESCHIKKING" not in out.fired and out.fired["USE_CHAIN_SYSTEM"] == "info"
    short = run(message("b@ind.nl", ["opvang.zwolle@coa.nl"], "Kort.", attachments=[full(3)]), MARKS)
    assert "FULL_BESCHIKKING" not in short.fired


def test_source_not_owner_when_dtv_passes_on_an_ind_beschikking() -> None:
    out = run(message("regie.noord@dtv.minvenj.nl", ["opvang.ter.apel@coa.nl"], "Zoals gevraagd.",
                      attachments=[excerpt()]), MARKS)
    assert out.fired == {"SOURCE_NOT_OWNER": "warn"}
    violation = out.of("SOURCE_NOT_OWNER")[0]
    assert violation.message.startswith("beschikking_uittreksel.pdf komt van de IND.")
    assert "vraagt het COA dit zelf op bij de IND" in violation.message
    assert out.suggested("ask_source")[0].details["organisation"] == "IND"


def test_source_not_owner_not_back_to_the_owner() -> None:
    out = run(message("regie.noord@dtv.minvenj.nl", ["bmw@ind.nl"], "Retour.", attachments=[excerpt()]), MARKS)
    assert "SOURCE_NOT_OWNER" not in out.fired


def test_source_not_owner_info_for_forwarded_mail_text() -> None:
    quoted = "Van: bmw.zwolle@ind.nl\nAan: locatie@coa.nl\nDe procedure van dhr. Mehmet Aydin is afgerond."
    out = run(message("locatie@coa.nl", ["oov@venlo.nl"], "Ten behoeve van de openbare orde, zie hieronder.",
                      forwarded=[quoted]), [person("Mehmet Aydin")])
    assert out.fired == {"SOURCE_NOT_OWNER": "info"}


def test_use_chain_system_not_for_short_answers() -> None:
    out = run(message("b@ind.nl", ["k@mindef.nl"], "Ter identificatie: Ahmad Rahimi, V-nr 3006128870."),
              [person("Ahmad Rahimi"), vnr("3006128870")])
    assert out.fired == {}


NOTE = ("Interne notitie \u2013 niet voor externe verspreiding\n"
        "Aanhouden beslissing op de aanvraag van dhr. Mehmet Aydin.")


def test_internal_correspondence_blocks_an_internal_note() -> None:
    out = run(message("b@ind.nl", ["mr.yilmaz@yilmaz-advocaten.nl"], "Zie bijlage.", subject="RE: vraag",
                      attachments=[doc("notitie.pdf", NOTE, kind="pdf")]), [person("Mehmet Aydin")])
    assert out.fired == {"INTERNAL_CORRESPONDENCE": "block", "LAWYER_UNVERIFIED": "info"}
    assert out.of("INTERNAL_CORRESPONDENCE")[0].message.startswith("notitie.pdf is interne correspondentie van de IND")


def test_internal_correspondence_not_inside_the_organisation() -> None:
    out = run(message("b@ind.nl", ["c@ind.nl"], "Zie bijlage.", attachments=[doc("notitie.pdf", NOTE, kind="pdf")]),
              [person("Mehmet Aydin")])
    assert out.fired == {}


def test_internal_correspondence_inferred_from_a_forwarded_internal_thread() -> None:
    thread = ("Van: a.jansen@coa.nl\nAan: b.smit@coa.nl\nWat vinden jullie? Mijn advies: dhr. Mehmet Aydin niet "
              "overplaatsen.")
    out = run(message("b.smit@coa.nl", ["x@ind.nl"], "Zie onder.", forwarded=[thread]), [person("Mehmet Aydin")])
    assert out.fired["INTERNAL_CORRESPONDENCE"] == "warn"


PIP = ("Verslag Presentatie in Persoon\nBetrokkene: Tesfay Gebremariam\nV-nummer: 2901834456\nTolk: Tigrinya\n"
       "Betrokkene verklaart dat zijn broer Abel Gebremariam, woonachtig in Asmara, tel. +291 7 123456, de akte heeft. "
       "Zijn moeder Saba Tesfamariam woont in Asmara. Presentatie bij de ambassade van Eritrea.")
PIP_MARKS = [Mark("Tesfay Gebremariam", "PERSON"), Mark("Abel Gebremariam", "PERSON"), Mark("+291 7 123456",
             "PHONE_NUMBER"), Mark("Saba Tesfamariam", "PERSON"), vnr("2901834456")]


def test_third_party_data_in_a_pip_report() -> None:
    out = run(message("r@dtv.minvenj.nl", ["mr.bakker@bakker-advocaten.nl"], "Op uw verzoek.",
                      attachments=[doc("Verslag PiP.pdf", PIP, kind="pdf")]), PIP_MARKS)
    assert out.fired == {"THIRD_PARTY_DATA": "warn", "LAWYER_UNVERIFIED": "info"}
    violation = out.of("THIRD_PARTY_DATA")[0]
    assert "(bijvoorbeeld broer en moeder)" in violation.message and "Tesfay" not in violation.message
    redact = out.suggested("redact")[0].details
    assert redact["entities"] == ["PERSON", "PHONE_NUMBER"] and len(redact["masked"]) == 3


def test_third_party_data_not_inside_the_organisation() -> None:
    out = run(message("r@dtv.minvenj.nl", ["s@dtv.minvenj.nl"], "Ter info.",
                      attachments=[doc("Verslag PiP.pdf", PIP, kind="pdf")]), PIP_MARKS)
    assert "THIRD_PARTY_DATA" not in out.fired


def test_photo_attachment_for_a_passport_photo_and_not_for_a_small_inline_logo() -> None:
    body = "Ten behoeve van de inschrijving in de BRP: mevrouw Lina Osman, V-nr 2909117765; pasfoto bijgevoegd."
    marks = [person("Lina Osman"), vnr("2909117765")]
    out = run(message("l@coa.nl", ["burgerzaken@venlo.nl"], body, attachments=[image("pasfoto_Osman.jpg")]), marks)
    assert out.fired == {"PHOTO_ATTACHMENT": "warn"}
    logo = image("logo.png", size=4_000, inline=True)
    assert run(message("l@coa.nl", ["burgerzaken@venlo.nl"], body, attachments=[logo]), marks).fired == {}


def test_photo_attachment_publication_variant() -> None:
    out = run(message("l@coa.nl", ["redactie@krant.nl"], "Foto voor de nieuwsbrief.",
                      attachments=[image("feest.jpg")]))
    assert out.fired == {"PHOTO_ATTACHMENT": "warn"}
    assert out.of("PHOTO_ATTACHMENT")[0].message.startswith("Foto's waarop bewoners")


def test_full_dossier_for_an_archive_and_body_phrase() -> None:
    members = [pdf(f"dossier_Aydin.zip/{i}.pdf", [f"Dhr. Mehmet Aydin stuk {i}"]) for i in range(8)]
    archive = Part(part="attachment", kind="zip", name="dossier_Aydin.zip", size=90_000)
    out = run(message("juridisch@coa.nl", ["mr@y-advocaten.nl"], "Hierbij het volledige bewonersdossier.",
                      attachments=[archive, *members]), [Mark("Mehmet Aydin", "PERSON", every=True)])
    assert out.fired["FULL_DOSSIER"] == "warn"
    assert out.of("FULL_DOSSIER")[0].message.startswith("Je stuurt een volledig dossier mee (8 documenten)")


def test_full_dossier_not_for_one_document() -> None:
    out = run(message("juridisch@coa.nl", ["mr@y-advocaten.nl"], "Bijgaand de brief.",
                      attachments=[pdf("brief.pdf", ["Dhr. Mehmet Aydin"])]), [person("Mehmet Aydin")])
    assert "FULL_DOSSIER" not in out.fired


STRATEGY = ("Vertrekstrategie\nBetrokkene: Yonas Tekle\nPresentatie bij de Eritrese vertegenwoordiging gepland op "
            "3 juni; LP-aanvraag loopt; bij geen medewerking volgt een maatregel.")


def test_vertrekstrategie_to_an_ngo_blocks_and_to_nidos_warns() -> None:
    attachment = doc("vertrekstrategie_Tekle.docx", STRATEGY)
    marks = [Mark("Yonas Tekle", "PERSON", every=True)]
    ngo = run(message("r@dtv.minvenj.nl", ["s@vluchtelingenwerk.nl"], "Op uw verzoek, machtiging d.d. 14-04-2025 "
                      "ontvangen: Yonas Tekle.", attachments=[attachment]), marks)
    assert ngo.fired["VERTREKSTRATEGIE_TO_NGO"] == "block" and "CONSENT_REQUIRED" not in ngo.fired
    nidos = run(message("r@dtv.minvenj.nl", ["voogd@nidos.nl"], "Yonas Tekle.", attachments=[attachment]), marks)
    assert nidos.fired["VERTREKSTRATEGIE_TO_NGO"] == "warn"


def test_vertrekstrategie_not_for_a_vertrektermijn() -> None:
    out = run(message("r@dtv.minvenj.nl", ["s@vluchtelingenwerk.nl"], "Op uw verzoek, met de bijgevoegde "
                      "machtiging: de procedure van Yonas Tekle is afgerond; hij heeft een vertrektermijn."),
              [person("Yonas Tekle")])
    assert "VERTREKSTRATEGIE_TO_NGO" not in out.fired


def rows(n: int) -> str:
    lines = ["Naam;V-nummer;Geboortedatum;Unit"]
    lines += [f"Persoon{i} Achternaam{i};{2600000000 + i};01-01-1990;A{i}" for i in range(n)]
    return "\n".join(lines)


def list_marks(n: int) -> list[Mark]:
    return [Mark(str(2600000000 + i), "V_NUMBER") for i in range(n)]


def test_bulk_personal_data_blocks_a_list_outside_the_kleine_keten() -> None:
    sheet = doc("bezetting.xlsx", rows(12), kind="xlsx")
    out = run(message("b@coa.nl", ["nvik@politie.nl"], "Bijgaand de bezettingslijst van vandaag.",
                      attachments=[sheet]), list_marks(12))
    assert out.fired["BULK_PERSONAL_DATA"] == "block" and out.fired["USE_CHAIN_SYSTEM"] == "info"
    assert "gegevens van 12 personen" in out.of("BULK_PERSONAL_DATA")[0].message


def test_bulk_personal_data_warns_inside_the_kleine_keten_and_not_for_few() -> None:
    out = run(message("b@coa.nl", ["planning@ind.nl"], "Bijgaand.", attachments=[doc("l.xlsx", rows(12), "xlsx")]),
              list_marks(12))
    assert out.fired["BULK_PERSONAL_DATA"] == "warn"
    few = run(message("b@coa.nl", ["planning@ind.nl"], "Bijgaand.", attachments=[doc("l.xlsx", rows(2), "xlsx")]),
              list_marks(2))
    assert "BULK_PERSONAL_DATA" not in few.fired


def test_bulk_personal_data_lso_report_to_a_guest() -> None:
    blocks = "\n".join(f"Punt {i}: dhr. Persoon{i} (V-nr {2600000000 + i}) afspraak volgt." for i in range(1, 10))
    report = doc("Verslag LSO 2025-05-06.docx", "Verslag LSO Zwolle\nDeelnemers: AVIM, IND, COA, DT&V\n" + blocks)
    marks = [Mark(str(2600000000 + i), "V_NUMBER") for i in range(1, 10)]
    out = run(message("lso@coa.nl", ["voogd.oost@nidos.nl"], "Zie punt 4 over uw pupil.", attachments=[report]), marks)
    assert out.fired["BULK_PERSONAL_DATA"] == "block"
    assert out.of("BULK_PERSONAL_DATA")[0].message.startswith("Dit is een overzicht van meerdere zaken")
    assert out.fired["INSECURE_TRANSPORT"] == "warn"
    members = run(message("lso@coa.nl", ["a@ind.nl", "b@politie.nl"], "Verslag.", attachments=[report]), marks)
    assert "BULK_PERSONAL_DATA" not in members.fired
