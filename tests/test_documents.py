"""What each part is (documents.md): beschikking, excerpt, machtiging, lijst, public text, photos …"""

from __future__ import annotations

import json

from test_rules_kit import beschikking_pages, doc, image, pdf

from scanner.documents import classify
from scanner.model import Finding, Part
from scanner.policy import load_policy


def kind_of(part: Part, findings: list[Finding] | None = None) -> str:
    return classify(part, findings or [], load_policy()).kind


def vnr_findings(part: Part, number: str) -> list[Finding]:
    out = []
    for page_no, page in enumerate(part.pages, 1):
        start = page.find(number)
        if start >= 0:
            out.append(Finding("V_NUMBER", part.part, start, start + len(number), number, 0.9,
                               page=page_no if part.paged else None))
    return out


def test_full_beschikking_with_pages_owner_and_keep_pages() -> None:
    part = pdf("beschikking.pdf", beschikking_pages(14))
    d = classify(part, [], load_policy())
    assert (d.kind, d.subtype, d.owner, d.pages, d.original_pages) == ("beschikking", "besluit", "IND", 14, 14)
    assert d.about_one_person and not d.excerpt
    assert d.keep_pages == (1, 13, 14) and d.remedies_page == 13
    assert d.confidence >= 0.8


def test_remedies_on_the_last_page_only() -> None:
    """The last two pages stay even when the remedies heading opens the last one: the decision often
    stands on the page before (issue 20: a 5-page beschikking lost its page 4 in the advice)."""
    pages = beschikking_pages(12)
    pages[10] = pages[10].replace("Rechtsgevolgen", "Overwegingen")
    pages[11] = pages[11].replace("Rechtsmiddelen", "Rechtsgevolgen\nRechtsmiddelen")
    d = classify(pdf("b.pdf", pages), [], load_policy())
    assert d.keep_pages == (1, 11, 12) and d.remedies_page == 12


def test_excerpt_from_footers() -> None:
    d = classify(pdf("uittreksel.pdf", beschikking_pages(12, numbers=[1, 11, 12])), [], load_policy())
    assert d.kind == "beschikking" and d.excerpt and d.page_numbers == (1, 11, 12) and d.original_pages == 12


def test_a_letter_that_mentions_a_beschikking_is_not_one() -> None:
    text = ("Centraal Orgaan opvang asielzoekers\nGeachte heer,\nIn de beschikking van de IND staat dat uw "
            "vertrektermijn vier weken is. Uw V-nummer is 2607781239.")
    assert kind_of(doc("brief.pdf", text, kind="pdf")) != "beschikking"


def test_court_ruling_is_not_a_beschikking() -> None:
    text = ("RECHTBANK DEN HAAG\nZittingsplaats Zwolle\nUitspraak van de voorzieningenrechter\nDe rechtbank "
            "verklaart het beroep gegrond. Vreemdelingenkamer. Immigratie- en Naturalisatiedienst is verweerder.")
    assert kind_of(doc("uitspraak.pdf", text, kind="pdf")) == "uitspraak"


def test_machtiging_elements() -> None:
    complete = doc("m.pdf", "MACHTIGING\nOndergetekende,\nNaam Yonas Tekle\ngeeft hierbij toestemming aan "
                   "VluchtelingenWerk\nDatum 14-04-2025\nHandtekening:\n", kind="pdf")
    d = classify(complete, [], load_policy())
    assert d.kind == "machtiging" and d.machtiging == {"datum": True, "naam": True, "handtekening": True}
    blank = doc("m.pdf", "Machtiging\nOndergetekende verleent toestemming.\nHandtekening: ________\n", kind="pdf")
    assert classify(blank, [], load_policy()).machtiging == {"datum": False, "naam": False, "handtekening": False}
    counted = Part(part="attachment", kind="pdf", name="m.pdf", pages=[complete.pages[0]], meta={"images": 0})
    assert classify(counted, [], load_policy()).machtiging["handtekening"] is False


def test_kamerbrief_is_public_general_text() -> None:
    text = ("Aan de Voorzitter van de Tweede Kamer der Staten-Generaal\nDatum 8 juli 2021\nOns kenmerk 3361879\n"
            "Antwoorden Kamervragen\nInhoudelijke asielmotieven kunnen bijzondere persoonsgegevens bevatten.\n"
            "De Staatssecretaris van Justitie en Veiligheid")
    d = classify(doc("Antwoorden Kamervragen.pdf", text, kind="pdf"), [], load_policy())
    assert d.kind == "publiek" and not d.about_one_person


def test_spreadsheet_list_counts_rows() -> None:
    text = "Naam;V-nummer\n" + "\n".join(f"P{i};{2600000000 + i}" for i in range(7))
    part = doc("lijst.xlsx", text, kind="xlsx")
    findings = []
    for i in range(7):
        n = str(2600000000 + i)
        start = text.find(n)
        findings.append(Finding("V_NUMBER", "attachment", start, start + 10, n, 0.9))
    d = classify(part, findings, load_policy())
    assert (d.kind, d.rows, d.subjects) == ("lijst", 7, 7)


def test_internal_note_and_gespreksverslag_and_pip_and_vertrekstrategie() -> None:
    note = classify(doc("n.docx", "Interne notitie\nAlleen voor intern gebruik.\nDhr. X."), [], load_policy())
    assert note.kind == "interne_notitie" and note.internal == "explicit" and note.restricted
    verslag = "Gespreksverslag vertrekgesprek\nDatum gesprek: 2 mei\nRegievoerder: R. Vermeulen\nBetrokkene: T. G."
    assert kind_of(doc("v.docx", verslag)) == "gespreksverslag"
    pip = "Verslag Presentatie in Persoon\nPresentatie bij de ambassade van Eritrea; laissez-passer aangevraagd."
    d = classify(doc("p.pdf", pip, kind="pdf"), [], load_policy())
    assert d.kind == "pip_verslag" and d.owner == "DT&V"
    strategy = "Vertrekstrategie\nLP-aanvraag loopt; presentatie gepland op 3 juni."
    assert kind_of(doc("s.docx", strategy)) == "vertrekstrategie"


def test_photos() -> None:
    assert kind_of(image("pasfoto_Osman.jpg")) == "pasfoto"
    assert kind_of(image("IMG_1234.jpg", width=350, height=450)) == "pasfoto"
    assert kind_of(image("logo.png", size=3_000, inline=True)) == "afbeelding"


def test_mail_body_stays_mail_and_to_json_has_no_text() -> None:
    body = Part(part="body", kind="text", pages=["Bijgaand de beschikking van dhr. Mehmet Aydin (V-nr 2607781239)."])
    d = classify(body, vnr_findings(body, "2607781239"), load_policy())
    assert d.kind == "mail"
    part = pdf("beschikking.pdf", beschikking_pages(14))
    data = json.dumps(classify(part, vnr_findings(part, "2607781239"), load_policy()).to_json())
    assert "Aydin" not in data and "2607781239" not in data and '"kind": "beschikking"' in data


def test_joined_documents_in_one_pdf() -> None:
    pages = [*beschikking_pages(4), "Gespreksverslag\nDatum gesprek: 2 mei", "Medische verklaring\nDiagnose: ..."]
    d = classify(pdf("alles.pdf", pages), [], load_policy())
    assert set(d.doc_types) >= {"beschikking", "gespreksverslag", "medisch"}
