"""Identifier recognizers: what each must find and must leave alone, and cases C30-C33."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from presidio_analyzer import AnalyzerEngine

from recognizers import engine

SCORE_THRESHOLD: float = getattr(engine, "SCORE_THRESHOLD", 0.5)

IDENTIFIERS = (
    "V_NUMBER",
    "BSN",
    "KLANTNUMMER",
    "IBAN",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "ADDRESS",
    "DATE_OF_BIRTH",
    "ID_DOCUMENT",
    "LICENSE_PLATE",
)


@pytest.fixture(scope="module")
def analyzer() -> AnalyzerEngine:
    return engine.get_analyzer()


def findings(analyzer: AnalyzerEngine, text: str) -> dict[str, list[str]]:
    """The identifier findings at or above the threshold, as matched text per entity."""
    found: dict[str, list[str]] = {}
    results = analyzer.analyze(text, language="nl", regex_flags=engine.REGEX_FLAGS)
    for result in sorted(results, key=lambda result: result.start):
        if result.entity_type in IDENTIFIERS and result.score >= SCORE_THRESHOLD:
            found.setdefault(result.entity_type, []).append(text[result.start : result.end])
    return found


def found(analyzer: AnalyzerEngine, text: str, entity: str) -> list[str]:
    return findings(analyzer, text).get(entity, [])


def score(analyzer: AnalyzerEngine, text: str, entity: str) -> float:
    """The highest score for `entity` in `text`, below the threshold too (0 when absent)."""
    results = analyzer.analyze(text, language="nl", regex_flags=engine.REGEX_FLAGS)
    return max((result.score for result in results if result.entity_type == entity), default=0.0)


# --- Cases from domain/cases.md -------------------------------------------------------


def test_C30_v_nummer_in_a_case_shared_for_learning(analyzer: AnalyzerEngine) -> None:
    text = (
        "Ter lering een bijzondere casus uit het LKO: dhr. Omar Farah (V-nr 2604471188) "
        "weigerde drie keer een kamerwissel."
    )
    assert found(analyzer, text, "V_NUMBER") == ["2604471188"]


def test_C31_a_phone_number_and_a_case_number_are_not_v_nummers(analyzer: AnalyzerEngine) -> None:
    text = "Bel me even op 0612345678 over zaaknummer 2208123456, kenmerk 1904-0012."
    assert findings(analyzer, text) == {"PHONE_NUMBER": ["0612345678"]}


def test_C32_signature_only_body_holds_no_identifier(analyzer: AnalyzerEngine) -> None:
    assert findings(analyzer, "Zie bijgaand de planning voor het regio-overleg.") == {}


def test_C32_signature_contact_details_are_found_for_the_scanner_to_drop(analyzer: AnalyzerEngine) -> None:
    # Recognizers see text, not who it belongs to: telling the sender's own
    # signature apart (CONTRACT §3) is the scanner's job, so these are found here.
    # An 088 number is an organisation's general number, never a person's (issue 18): not found.
    signature = (
        "Met vriendelijke groet,\n\nA. Jansen\nSenior medewerker planning\n"
        "T 088 043 0430\nM 06 1234 5678\na.jansen@ind.nl\n"
    )
    assert findings(analyzer, signature) == {
        "PHONE_NUMBER": ["06 1234 5678"],
        "EMAIL_ADDRESS": ["a.jansen@ind.nl"],
    }


def test_C33_the_senders_own_sick_leave_holds_no_identifier(analyzer: AnalyzerEngine) -> None:
    text = "Ik ben ziek en tot en met vrijdag afwezig; bel voor dringende zaken de locatie."
    assert findings(analyzer, text) == {}


# --- V_NUMBER ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("V-nummer: 2604471188", ["2604471188"]),
        ("V-nr.:2604471188", ["2604471188"]),
        ("v-nr 12 3456 7890", ["12 3456 7890"]),
        ("V-nr.: 123.456.7890", ["123.456.7890"]),
        ("vreemdelingennummer 1234 567 890", ["1234 567 890"]),
        ("Vreemdelingennummers 2604471188 en 2604471189", ["2604471188", "2604471189"]),
        ("V-nummer 0123456789 (met voorloopnul)", ["0123456789"]),
        ("Betrokkene 2604471188 heeft asiel aangevraagd.", ["2604471188"]),
        ("Het nummer is 2604471188.", ["2604471188"]),
    ],
)
def test_v_nummer_found(analyzer: AnalyzerEngine, text: str, expected: list[str]) -> None:
    assert found(analyzer, text, "V_NUMBER") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Bel 0612345678",
        "Tel. 0201234567",
        "06 1234 5678",
        "+31201234567",
        "Zaaknummer: 1234567890",
        "Ons kenmerk 2604471188",
        "Uw kenmerk: 2604471188",
        "referentie 2604471188",
        "dossiernummer 2604471188",
        "BSN 2604471188",
        "klantnummer 2604471188",
        "Registratienummer 1234567890",
        "SR-nummer 2604471188",
        "zaaknummers 2208123456 en 2208123457",
        "NL91ABNA0417164300",
        "NL91 ABNA 0417 1643 00",
        "geboren 01-02-1990, zitting 2024-01-15",
        "een bedrag van € 2604471188",
        "2604471188,50",
        "1.234.567.890",
        "1111111111",
        "26044711881",
        "260447118",
    ],
)
def test_v_nummer_not_found(analyzer: AnalyzerEngine, text: str) -> None:
    assert found(analyzer, text, "V_NUMBER") == []


def test_v_nummer_score_label_over_immigration_words_over_bare(analyzer: AnalyzerEngine) -> None:
    labelled = score(analyzer, "V-nummer 2604471188", "V_NUMBER")
    near_immigration_words = score(analyzer, "De IND heeft 2604471188 geregistreerd.", "V_NUMBER")
    bare = score(analyzer, "Het nummer is 2604471188.", "V_NUMBER")
    assert labelled > near_immigration_words > bare >= SCORE_THRESHOLD


def test_zaaknummer_next_to_v_nummer_is_told_apart(analyzer: AnalyzerEngine) -> None:
    text = "V-nummer 2604471188, zaaknummer 2208123456"
    assert found(analyzer, text, "V_NUMBER") == ["2604471188"]


# --- BSN --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BSN: 123456782", ["123456782"]),
        ("bsn 1112.22.333", ["1112.22.333"]),
        ("burgerservicenummer 111 222 333", ["111 222 333"]),
        ("BSN 87880532", ["87880532"]),
        ("Zijn nummer is 123456782.", ["123456782"]),
    ],
)
def test_bsn_found(analyzer: AnalyzerEngine, text: str, expected: list[str]) -> None:
    assert found(analyzer, text, "BSN") == expected


@pytest.mark.parametrize(
    "text",
    [
        "BSN: 123456789",
        "BSN: 111111111",
        "BSN: 999999999",
        "kenmerk 123456782",
        "telefoon 123456782",
        "zaaknummer 123456782",
        "huisnummer 123456782",
        "87880532",
        "€ 123.456.782",
        "1234567890",
    ],
)
def test_bsn_not_found(analyzer: AnalyzerEngine, text: str) -> None:
    assert found(analyzer, text, "BSN") == []


def test_bsn_label_raises_the_score(analyzer: AnalyzerEngine) -> None:
    assert score(analyzer, "BSN: 123456782", "BSN") > score(analyzer, "Zijn nummer is 123456782.", "BSN")


# --- a labelled number in any grouping ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entity", "expected"),
    [
        ("V-nummer 12 345 678 90", "V_NUMBER", ["12 345 678 90"]),
        ("V-nr: 12345-67890 graag", "V_NUMBER", ["12345-67890"]),
        ("vreemdelingennummer 1234 56 78 90", "V_NUMBER", ["1234 56 78 90"]),
        ("Het V-nummer van mevrouw is 123 456 78 90.", "V_NUMBER", ["123 456 78 90"]),
        ("BSN 123-456-782", "BSN", ["123-456-782"]),
        ("bsn: 12345 6782", "BSN", ["12345 6782"]),
        ("burgerservicenummer 12.34.56.782", "BSN", ["12.34.56.782"]),
        ("Sofinummer 1234-56-782.", "BSN", ["1234-56-782"]),
    ],
)
def test_a_labelled_number_is_found_in_any_grouping(analyzer: AnalyzerEngine, text: str, entity: str,
                                                    expected: list[str]) -> None:
    assert found(analyzer, text, entity) == expected


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Het nummer is 12 345 678 90.", "V_NUMBER"),  # no label: could be any number
        ("De IND noteerde 12345-67890.", "V_NUMBER"),
        ("V-nummer onbekend, telefoon 06 12 34 56 78", "V_NUMBER"),  # the nearest label is another number's
        ("V-nummer aangevraagd op 12-03-2024 10:30", "V_NUMBER"),  # a date and a time
        ("V-nummer aangevraagd op 2024-03-12 10:30", "V_NUMBER"),
        ("V-nummer 12 345 678 901", "V_NUMBER"),  # eleven digits
        ("V-nummer 12 345 678 90 12", "V_NUMBER"),
        ("BSN 123-456-789", "BSN"),  # fails the 11-proef
        ("BSN 12 345 678", "BSN"),  # eight digits
        ("BSN opgevraagd, zaaknummer 123-456-782", "BSN"),
        ("Zijn nummer is 123-456-782.", "BSN"),
    ],
)
def test_a_number_in_an_unusual_grouping_needs_its_own_label(analyzer: AnalyzerEngine, text: str, entity: str) -> None:
    assert found(analyzer, text, entity) == []


@pytest.mark.parametrize("recognizer", ["recognizers.v_number.VNumberRecognizer", "recognizers.bsn.BsnRecognizer"])
def test_every_own_label_holds_a_loose_word(recognizer: str) -> None:
    """The loosely grouped number is sought only in a text with one of LOOSE_WORDS: every own label must hold one."""
    import importlib
    import itertools

    from recognizers.base import fold_case

    module, _, name = recognizer.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    pieces = ["v", "V", "vreemdelingen", "Vreemdelingen", "bsn", "BSN", "burgerservice", "Burgerservice", "sofi",
              "SOFI", "-", "", "nummer", "Nummer", "nr", "NR", "s", " "]
    labels = 0
    for parts in itertools.product(pieces, repeat=3):
        text = "".join(parts) + " 123"
        if any(m.lastgroup == "own" for m in cls.LABELS.finditer(text)):
            labels += 1
            assert any(word in fold_case(text) for word in cls.LOOSE_WORDS), text
    assert labels > 20


# --- KLANTNUMMER ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Klantnummer: 1234567", ["1234567"]),
        ("COA-nummer 98765", ["98765"]),
        ("kl.nr. K-12345", ["K-12345"]),
        ("DT&V-nummer: 7654321", ["7654321"]),
        ("relatienummer 55555", ["55555"]),
        ("cliëntnummer 2604471188", ["2604471188"]),
        ("IND-nummer: 2604471188", ["2604471188"]),
    ],
)
def test_klantnummer_found_when_labelled(analyzer: AnalyzerEngine, text: str, expected: list[str]) -> None:
    assert found(analyzer, text, "KLANTNUMMER") == expected


@pytest.mark.parametrize("text", ["nummer 1234567", "klantnummer 1234", "Klantenservice 1234567", "1234567"])
def test_klantnummer_not_found(analyzer: AnalyzerEngine, text: str) -> None:
    assert found(analyzer, text, "KLANTNUMMER") == []


# --- IBAN -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IBAN NL91ABNA0417164300", ["NL91ABNA0417164300"]),
        ("IBAN: NL91 ABNA 0417 1643 00 t.n.v. O. Farah", ["NL91 ABNA 0417 1643 00"]),
        ("BE71 0961 2345 6769 BIC GEBABEBB", ["BE71 0961 2345 6769"]),
        ("Rekening DE89 3704 0044 0532 0130 00.", ["DE89 3704 0044 0532 0130 00"]),
        ("rekening nl91abna0417164300", ["nl91abna0417164300"]),
    ],
)
def test_iban_found(analyzer: AnalyzerEngine, text: str, expected: list[str]) -> None:
    assert found(analyzer, text, "IBAN") == expected


@pytest.mark.parametrize(
    "text",
    [
        "NL91ABNA0417164301",
        # python-stdnum tests/test_iban.doctest: broken checksums, wrong lengths,
        # letters where digits belong, unknown country.
        "BE68530907547034",
        "AT611804300234573201",
        "BE36 5390 0754 7034 1234",
        "NL56 3003 0A17 1643 00",
        "QQ93 1234 5678",
    ],
)
def test_iban_not_found(analyzer: AnalyzerEngine, text: str) -> None:
    assert found(analyzer, text, "IBAN") == []


def test_iban_fragment_is_no_other_number(analyzer: AnalyzerEngine) -> None:
    for text in ("NL91ABNA0417164300", "NL91 ABNA 0417 1643 00", "NL20INGB0001234567"):
        assert set(findings(analyzer, text)) == {"IBAN"}, text


# --- PHONE_NUMBER -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "06 1234 5678",
        "0612345678",
        "020-1234567",
        "(030) 555 5555",
        "0031 6 12345678",
        "+31 (0)6 12345678",
        "+31612345678",
        "+249 912 345 678",
        "+963 944 123 456",
        "+251 91 123 4567",
        "00249 912345678",
    ],
)
def test_phone_number_found(analyzer: AnalyzerEngine, number: str) -> None:
    assert found(analyzer, f"Bereikbaar op {number}.", "PHONE_NUMBER") == [number]


@pytest.mark.parametrize(
    "text",
    [
        "2604471188",
        "612345678",
        "geboren 01-02-1990",
        "kenmerk 1904-0012",
        "V-nummer 0612345678",
        "zaaknummer 0201234567",
        "Bel gratis 0800-1234 of 0900-1234567",
        "Bel 14 020",
        "NL91ABNA0417164300",
    ],
)
def test_phone_number_not_found(analyzer: AnalyzerEngine, text: str) -> None:
    assert found(analyzer, text, "PHONE_NUMBER") == []


def test_phone_versus_v_nummer(analyzer: AnalyzerEngine) -> None:
    text = "Mobiel 0612345678, V-nummer 2604471188"
    assert findings(analyzer, text) == {"PHONE_NUMBER": ["0612345678"], "V_NUMBER": ["2604471188"]}


# --- EMAIL_ADDRESS ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mail naar omar.farah@gmail.com.", ["omar.farah@gmail.com"]),
        ("(a.jansen+coa@vluchtelingenwerk.nl)", ["a.jansen+coa@vluchtelingenwerk.nl"]),
        ("user@xn--80ak6aa92e.com", ["user@xn--80ak6aa92e.com"]),
        ("josé.müller@voorbeeld.nl", ["josé.müller@voorbeeld.nl"]),
        # in a link: the address, not the link's path and query before it
        ("afmelden: https://x.nl/afmelden?u=jan@ind.nl&b=1", ["jan@ind.nl"]),
        ("http://voorbeeld.nl/discon/?omar@voorbeeld.com", ["omar@voorbeeld.com"]),
    ],
)
def test_email_found(analyzer: AnalyzerEngine, text: str, expected: list[str]) -> None:
    assert found(analyzer, text, "EMAIL_ADDRESS") == expected


@pytest.mark.parametrize("text", ["info@presidio.", "hello-world", "a..b@ind.nl", "@coa.nl", "x@localhost"])
def test_email_not_found(analyzer: AnalyzerEngine, text: str) -> None:
    assert found(analyzer, text, "EMAIL_ADDRESS") == []


# --- ADDRESS ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hij woont in de Kerkstraat 12.", ["Kerkstraat 12"]),
        ("Laan van Meerdervoort 1001 A", ["Laan van Meerdervoort 1001 A"]),
        ("Burg. de Vlugtlaan 12-3", ["Burg. de Vlugtlaan 12-3"]),
        ("Eerste Van der Helststraat 12-hs", ["Eerste Van der Helststraat 12-hs"]),
        ("'s-Gravendijkwal 12", ["'s-Gravendijkwal 12"]),
        ("Grote Markt 1", ["Grote Markt 1"]),
        ("Kerkstraat 5a", ["Kerkstraat 5a"]),
        ("Postbus 1234", ["Postbus 1234"]),
        ("postcode 1234 AB, huisnummer 5", ["1234 AB, huisnummer 5"]),
        ("Adres: Kerkstraat 12\n2595 AA Den Haag\n", ["Kerkstraat 12\n2595 AA Den Haag"]),
        ("Kerkstraat 12, 2611 SS Delft", ["Kerkstraat 12"]),
        # typed in lower case, right after an address label
        ("adres: kerkstraat 12a", ["kerkstraat 12a"]),
        ("hij woont op de dorpsweg 3 in budel", ["dorpsweg 3"]),
        ("Verblijfsadres burg. de vlugtlaan 12-3", ["burg. de vlugtlaan 12-3"]),
    ],
)
def test_address_found(analyzer: AnalyzerEngine, text: str, expected: list[str]) -> None:
    assert found(analyzer, text, "ADDRESS") == expected


@pytest.mark.parametrize(
    "text",
    [
        "2595 AA Den Haag",
        "postcode 1234 SS, huisnummer 5",
        "Gerechtshof 2024",
        "Antwoord 2: ja",
        "Onderweg 12 minuten",
        "Rechtbank Den Haag 12 maart",
        "in de straat 12 mensen",
        "KERKSTRAAT 12",
        "de snelweg 12 keer afgesloten",  # lower case without an address label
        "adres volgt, de snelweg 12 kilometer",
    ],
)
def test_address_not_found(analyzer: AnalyzerEngine, text: str) -> None:
    assert found(analyzer, text, "ADDRESS") == []


# --- DATE_OF_BIRTH ----------------------------------------------------------------------

RECENT = date.today() - timedelta(days=40)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Omar Farah, geboren op 1 februari 1990 te Khartoem", ["1 februari 1990"]),
        ("Geboortedatum: 01-02-1990", ["01-02-1990"]),
        ("(geb. 1-2-1990)", ["1-2-1990"]),
        ("geb. datum 01.02.1990", ["01.02.1990"]),
        ("DOB 1990-02-01", ["1990-02-01"]),
        ("Date of birth: 1 Feb. 1990", ["1 Feb. 1990"]),
        ("geboren te Khartoem (Soedan) op 1 feb. 1990", ["1 feb. 1990"]),
        ("geboren in Aleppo, Syrië, op 3 maart 1985", ["3 maart 1985"]),
        ("d.d. geboorte 01-02-90", ["01-02-90"]),
        ("Geboortedatum\n01-02-1990", ["01-02-1990"]),
        ("Geboortedatum/-plaats: 01-02-1990 / Khartoem", ["01-02-1990"]),
        ("Ahmad Rahimi - 2718293645 - 03-02-1995", ["03-02-1995"]),
        ("Karimi\tAhmad\t2718293645\t03-02-1995\tBudel", ["03-02-1995"]),
        # typed as clerks type it: no separators, spaces around them, year first with slashes, "12e"
        ("geb. 12031990", ["12031990"]),
        ("Geboortedatum: 19900312", ["19900312"]),
        ("geb.: 12 - 03 - 1990", ["12 - 03 - 1990"]),
        ("geb. 1990/03/12", ["1990/03/12"]),
        ("geboren op 12e maart 1990", ["12e maart 1990"]),
        # the visual zone of a Dutch passport: labels in three languages, the month in two
        ("Geboortedatum / Date of birth / Date de naissance\n10 MAA/MAR 1965\nGeslacht", ["10 MAA/MAR 1965"]),
        ("Date de naissance: 21 AUG 1960", ["21 AUG 1960"]),
        # right after the person's name
        ("De heer A. Rahimi (12-03-1990) is verhuisd.", ["12-03-1990"]),
        ("Betreft: Yusuf Demir, 12-03-1990, V-nummer 2718293645", ["12-03-1990"]),
        ("Fatima el Amrani - 01021985 - woont in Budel", ["01021985"]),
    ],
)
def test_date_of_birth_found(analyzer: AnalyzerEngine, text: str, expected: list[str]) -> None:
    assert found(analyzer, text, "DATE_OF_BIRTH") == expected


@pytest.mark.parametrize(
    "text",
    [
        "De zitting is op 01-02-2024.",
        "Het gebeurde op 1 februari 1990.",
        "Hij is geboren in Syrië en kwam op 3 maart 2015 naar Nederland.",
        "geboren op 31-02-1990",
        "geboren op 01-02-2090",
        "Het gebied is op 01-02-2020 ontruimd.",
        "Zaak 2718293645, besluit van 03-02-2024.",
        "geb. 31021990",  # no such day
        "Kenmerk 12031990 in de brief van 03-02-2024.",
        # after a name, a date of the last year is an appointment or a letter; after a word no name
        f"Gesprek met dhr. Rahimi ({RECENT:%d-%m-%Y}) verliep goed.",
        f"De brief aan Yusuf Demir, {RECENT:%d-%m-%Y}, is verstuurd.",
        "Het besluit van de IND (12-03-2023) is verstuurd.",
        "De vergadering (12-03-1990) was lang geleden.",
    ],
)
def test_date_without_birth_context_is_no_date_of_birth(analyzer: AnalyzerEngine, text: str) -> None:
    assert found(analyzer, text, "DATE_OF_BIRTH") == []


# --- ID_DOCUMENT ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Paspoort NW92BF4K1", ["NW92BF4K1"]),
        ("ID-kaart: SPECI2014", ["SPECI2014"]),
        ("kopie van de identiteitskaart, nummer XR1001R58", ["XR1001R58"]),
        ("verblijfsdocument III-V123AL568", ["III-V123AL568"]),
        ("W-document W12345678", ["W12345678"]),
        ("paspoortnummer: P01234567", ["P01234567"]),
        ("Passport no. N012345678", ["N012345678"]),
        ("Hij heeft een Iraaks paspoort met nummer A18273645 laten zien.", ["A18273645"]),
        ("een reisdocument met het nummer K4471902 uit Georgië", ["K4471902"]),
    ],
)
def test_id_document_found(analyzer: AnalyzerEngine, text: str, expected: list[str]) -> None:
    assert found(analyzer, text, "ID_DOCUMENT") == expected


@pytest.mark.parametrize(
    "text",
    ["De code NW92BF4K1 staat op de doos.", "Paspoort XR1O01R58", "W12345678", "Het paspoort is verlopen in 2024."],
)
def test_id_document_not_found(analyzer: AnalyzerEngine, text: str) -> None:
    assert found(analyzer, text, "ID_DOCUMENT") == []


# --- LICENSE_PLATE ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "plate",
    [
        "BD-12-FG",  # sidecode 4
        "BD-FG-12",  # 5
        "12-BD-FG",  # 6
        "12-BDF-3",  # 7
        "1-BDF-12",  # 8
        "BD-123-F",  # 9
        "B-123-DF",  # 10
        "BDF-12-G",  # 11
        "B-12-DFG",  # 12
        "1-BD-123",  # 13
        "123-BD-1",  # 14
    ],
)
def test_license_plate_found(analyzer: AnalyzerEngine, plate: str) -> None:
    assert found(analyzer, f"De auto met {plate} stond er.", "LICENSE_PLATE") == [plate]


@pytest.mark.parametrize(("text", "expected"), [("kenteken AB-12-34", ["AB-12-34"]), ("kenteken 12BDF3", ["12BDF3"])])
def test_license_plate_old_or_without_dashes_found_near_kenteken(
    analyzer: AnalyzerEngine, text: str, expected: list[str]
) -> None:
    assert found(analyzer, text, "LICENSE_PLATE") == expected


@pytest.mark.parametrize("text", ["AB-12-34", "12BDF3", "AE-123-B", "12-05-2020", "bd-12-fg", "IND-12-3"])
def test_license_plate_not_found(analyzer: AnalyzerEngine, text: str) -> None:
    assert found(analyzer, text, "LICENSE_PLATE") == []


def test_every_sidecode_has_a_letter_by_a_digit() -> None:
    """The license plate patterns' REQUIRES (LETTER_BY_DIGIT) holds for every sidecode, with or without dashes."""
    import re

    from recognizers.license_plate import _SIDECODES, LETTER_BY_DIGIT

    for form in _SIDECODES.values():
        plate = form.replace("X", "B").replace("9", "1")
        for written in (plate, plate.replace("-", "")):
            assert any(re.search(fragment, written) for fragment in LETTER_BY_DIGIT), form


def test_document_numbers_with_letters_hold_a_capital_by_a_digit() -> None:
    """IdDocumentRecognizer requires CAPITAL_BY_DIGIT (the kenteken's fragment) for its first three patterns:
    every number they match holds it (random numbers of each shape, the look-arounds left out)."""
    import random

    import regex

    from recognizers.base import CAPITAL_BY_DIGIT
    from recognizers.id_document import IdDocumentRecognizer

    rng = random.Random(19)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "0123456789" * 5 + "- "
    for pattern in IdDocumentRecognizer.PATTERNS[:3]:
        assert IdDocumentRecognizer.REQUIRES[pattern.name] == CAPITAL_BY_DIGIT
        shape = regex.compile(pattern.regex)
        found = 0
        for _ in range(20000):
            prefix = rng.choice(["", "I-", "II ", "III-", "IV-", "V ", "EU-", "W", "W-"])
            text = prefix + "".join(rng.choice(alphabet) for _ in range(rng.randint(4, 12)))
            if shape.fullmatch(text):
                found += 1
                assert regex.search(CAPITAL_BY_DIGIT, text), (pattern.name, text)
        assert found > 20, pattern.name


def test_is_amount_reads_every_case_insensitive_currency() -> None:
    """is_amount searches AMOUNT only where "€" or "eur" is in the lower-cased window: every character `re`
    matches case-insensitively to one of those letters lowers to it, and the search gives the same answer."""
    import random
    import re

    from recognizers.base import AMOUNT, LABEL_WINDOW, is_amount

    every_character = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    for letter in "€eur":
        assert {c.lower() for c in re.findall("(?i)" + re.escape(letter), every_character)} == {letter}
    rng = random.Random(19)
    pieces = ["€", "EUR", "eur", "Euro", "EURO", "neuro", "12", " ", "\n", "\t", "x", "betaald", "€ ", "EUR\n"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        for start in range(len(text) + 1):
            expected = AMOUNT.search(text, max(0, start - LABEL_WINDOW), start) is not None
            assert is_amount(text, start, LABEL_WINDOW) == expected, (text, start)


def test_a_shared_requirement_is_searched_once_per_text() -> None:
    """Recognizers that require the same fragment share its compiled object, so `occurrences` searches a text
    for it once."""
    from recognizers.base import occurrences, requirement
    from recognizers.date_of_birth import DateOfBirthRecognizer
    from recognizers.v_number import VNumberRecognizer

    ten_digits = requirement(r"\d{10}")
    assert ten_digits in DateOfBirthRecognizer()._plan[1][2] and ten_digits in VNumberRecognizer()._plan[0][2]
    text = "Naam - 2718293645 - 03-02-1995"
    assert occurrences(text)[ten_digits] == 7
    assert occurrences(text)[requirement(r"\d{11}")] is None
    assert occurrences(text) is occurrences(text) and len(occurrences(text)) == 2


def test_klantnummer_requirement_finds_every_label() -> None:
    """KlantnummerRecognizer's REQUIRES (the end of a label) is in every text its label is in, in any case."""
    import itertools

    import regex

    from recognizers.engine import REGEX_FLAGS
    from recognizers.klantnummer import _LABEL, _LABEL_END

    orgs, ends = ["ind", "coa", "dt&v", "dtv"], ["nummer", "nr", "nr."]
    clients = ["klant", "client", "cliënt", "relatie"]
    labels = ["".join(parts) for parts in itertools.product(["", *orgs], ["", "-", " "], clients, ends)]
    labels += ["".join(parts) for parts in itertools.product(["kl"], ["", "."], ["", " "], ["nr"], ["", "."])]
    labels += ["".join(parts) for parts in itertools.product(orgs, ["", "-"], ends)]
    label, label_end = regex.compile(_LABEL, REGEX_FLAGS), regex.compile(_LABEL_END, REGEX_FLAGS)
    for written in labels:
        for text in (written, written.upper(), written.title(), f"het {written} IND: K-123456"):
            assert label.search(text), text
            assert label_end.search(text), text


def test_requires_names_a_pattern() -> None:
    """A REQUIRES entry for a pattern name the recognizer lacks (a renamed pattern) is an error, not a no-op."""
    from recognizers.base import DutchPatternRecognizer
    from recognizers.email import EmailRecognizer

    class Renamed(EmailRecognizer):
        REQUIRES = {"no such pattern": "@"}

    with pytest.raises(ValueError, match="no such pattern"):
        Renamed()
    assert issubclass(Renamed, DutchPatternRecognizer)


def test_fold_case_reads_every_case_insensitive_match_of_a_required_word() -> None:
    """REQUIRES_WORDS skips a pattern when no word is in fold_case(text): each character the `regex` module
    matches case-insensitively to a letter of such a word must fold to that letter."""
    import regex

    from recognizers.base import DutchPatternRecognizer, fold_case

    every_character = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    letters = {
        letter
        for recognizer in engine.get_analyzer().registry.recognizers
        if isinstance(recognizer, DutchPatternRecognizer)
        for words in recognizer.REQUIRES_WORDS.values()
        for word in words
        for letter in word
    }
    assert letters
    for letter in letters:
        assert {fold_case(c) for c in regex.findall("(?i)" + regex.escape(letter), every_character)} == {letter}


@pytest.mark.parametrize(
    "text",
    [
        "İND-nummer 1234567 en KL. NR 7654321, DOB 03-02-1995, ID-KAART: XR1O01R58",
        "Cliënt-nummer: K-123456; geboren te Aleppo op 3 maart 1990; paſpoort nr AB1234567",
        "mail:a.b@c.nl,x@y.org\tz@\u00a0q.nl (p@q.com) 'jan@voorbeeld.nl' jan@@x.nl @ a@b",
        "Naam - 2718293645 - 03-02-1995 | 123.456.7890 | 1234.56.782 | 12 3456 7890 | Postbus 1234 2500 AA",
        "V-nummer: 12 345 678 90, BSN 123-456-782; zaaknummer 123-456-782, V-nr 1234-56-78-90 / 27 18 29 36 45",
        "Kerkstraat 12, 1234 AB Amsterdam; huisnummer: 5, postcode 3511 AB; III-V123AL568; W-12345678",
    ],
)
def test_prefilters_change_no_result(text: str) -> None:
    """REQUIRES, REQUIRES_WORDS and search_spans only skip work: the results equal Presidio's own analysis,
    after the recognizer's own context step (which drops a loosely grouped number without its own label:
    such numbers are sought only after one)."""
    from presidio_analyzer import PatternRecognizer

    from recognizers.base import DutchPatternRecognizer
    from recognizers.iban import IbanRecognizer

    def key(recognizer, results):
        results = recognizer.enhance_using_context(text, results, [], None)
        return sorted((r.entity_type, r.start, r.end, r.score) for r in results)

    found = 0
    for recognizer in engine.get_analyzer().registry.recognizers:
        if isinstance(recognizer, DutchPatternRecognizer) and not isinstance(recognizer, IbanRecognizer):
            ours = key(recognizer, DutchPatternRecognizer.analyze(recognizer, text, []))
            assert ours == key(recognizer, PatternRecognizer.analyze(recognizer, text, []))
            found += len(ours)
    assert found
