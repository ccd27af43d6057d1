"""Special-category, criminal and asylum-motive findings: matching, person links, general text, cases."""

from __future__ import annotations

import csv
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from recognizers.engine import REGEX_FLAGS, SCORE_THRESHOLD, get_analyzer
from recognizers.lexicon import CATEGORY_FILES as CATEGORIES
from recognizers.lexicon import find_terms, general_discussion_score, is_general_text

ENTITIES = ["SPECIAL_CATEGORY", "CRIMINAL_DATA", "ASYLUM_MOTIVE"]
# Hand-written sentences about fictional people: `expect` lists every category that must be
# linked in the sentence; `source` "holdout" rows were written after the lexicon was tuned.
DEV_SET = Path(__file__).parent / "data" / "special_dev.tsv"
# Floors on the labelled development set, per category (measured: recall >= 0.97, precision >= 0.98).
RECALL_FLOOR = 0.90
PRECISION_FLOOR = 0.95
# The three recognizers share one scan; a 600-character mail takes well under a millisecond.
MAX_MS_PER_TEXT = 5.0


@dataclass(frozen=True)
class Found:
    label: str  # a SPECIAL_CATEGORY subcategory, "criminal" or "asylum_motive"
    linked: bool
    term: str
    text: str


@pytest.fixture(scope="module")
def analyzer():
    return get_analyzer()


def special(analyzer, text: str) -> list[Found]:
    """The special findings of the analyzer, one per subcategory of each result."""
    found = []
    for result in analyzer.analyze(text, language="nl", entities=ENTITIES, regex_flags=REGEX_FLAGS):
        meta = result.recognition_metadata
        labels = meta["subcategories"] if result.entity_type == "SPECIAL_CATEGORY" else [result.entity_type]
        for label in labels:
            label = {"CRIMINAL_DATA": "criminal", "ASYLUM_MOTIVE": "asylum_motive"}.get(label, label)
            found.append(Found(label, meta["linked"], meta["term"], text[result.start : result.end]))
    return found


def linked(analyzer, text: str) -> set[str]:
    return {f.label for f in special(analyzer, text) if f.linked}


# --------------------------------------------------------------------------- development set


def dev_rows() -> list[dict[str, str]]:
    with DEV_SET.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@pytest.fixture(scope="module")
def dev_counts(analyzer) -> dict[str, Counter]:
    counts = {category: Counter() for category in CATEGORIES}
    for row in dev_rows():
        expected = set(filter(None, row["expect"].split(",")))
        found = linked(analyzer, row["text"])
        for category in CATEGORIES:
            if category in found:
                counts[category]["tp" if category in expected else "fp"] += 1
            elif category in expected:
                counts[category]["fn"] += 1
    return counts


def test_dev_set_has_60_positive_and_60_negative_sentences_per_category():
    sizes = Counter((row["category"], row["label"]) for row in dev_rows())
    for category in CATEGORIES:
        assert sizes[(category, "pos")] >= 60, category
        assert sizes[(category, "neg")] >= 60, category


@pytest.mark.parametrize("category", CATEGORIES)
def test_dev_set_recall(category, dev_counts):
    counts = dev_counts[category]
    assert counts["tp"] / (counts["tp"] + counts["fn"]) >= RECALL_FLOOR, counts


@pytest.mark.parametrize("category", CATEGORIES)
def test_dev_set_precision(category, dev_counts):
    counts = dev_counts[category]
    assert counts["tp"] / (counts["tp"] + counts["fp"]) >= PRECISION_FLOOR, counts


# --------------------------------------------------------------------------- cases.md (findings side)

K2_EXCERPT = """Antwoord op vraag 4
In de toewijzende beschikking is opgenomen dat aan de vreemdeling een vergunning wordt verleend en op welke
grond. In de afwijzende beschikking wordt gemotiveerd ingegaan op de vraag waarom de naar voren gebrachte
asielgronden niet tot verlening van een verblijfsvergunning leiden.

Vraag 5
Beschouwt u de inhoudelijke asielmotieven als bijzondere persoonsgegevens in de zin van de Algemene
Verordening Gegevensbescherming (AVG)?

Antwoord op vraag 5
Inhoudelijke asielmotieven kunnen zeer gevoelige gegevens, waaronder persoonsgegevens, bevatten. Zij kunnen
bijzondere persoonsgegevens in de zin van de AVG bevatten maar dat is niet altijd het geval.

Antwoord op vraag 6
Ja. Inhoudelijke asielmotieven worden in een vertrouwensrelatie tussen de aanvrager en IND gedeeld. Bij het
behandelen van een asielaanvraag zijn meerdere ketenpartners betrokken. Het uitgangspunt dat inhoudelijke
asielmotieven zorgvuldig en vertrouwelijk moeten worden behandeld geldt ook in ketenverband.

De Staatssecretaris van Justitie en Veiligheid,
Ankie Broekers-Knol"""


def test_C02_kamerbrief_to_an_ngo_has_no_linked_special_data(analyzer):
    body = "Ter voorbereiding op ons overleg: de antwoorden op de Kamervragen over privacy."
    assert special(analyzer, body) == []
    findings = special(analyzer, K2_EXCERPT)
    assert {f.label for f in findings} == {"asylum_motive"}  # the topic is named ...
    assert not any(f.linked for f in findings)  # ... but about no one
    assert is_general_text(K2_EXCERPT)


def test_C10_conversion_is_religion_and_asylum_motive_linked_to_dhr_karimi(analyzer):
    text = (
        "Voor de vertrekstrategie van dhr. Reza Karimi (V-nr 2510077431): hij stelt zich in Nederland te "
        "hebben bekeerd tot het christendom; de IND heeft de bekering niet geloofwaardig geacht. Houd er "
        "rekening mee bij de presentatie op de ambassade."
    )
    findings = special(analyzer, text)
    assert {f.label for f in findings if f.linked} == {"religion", "asylum_motive"}
    assert all(f.linked for f in findings)
    assert {"bekeerd tot het christendom", "niet geloofwaardig geacht"} <= {
        f.term for f in findings if f.label == "asylum_motive"
    }


def test_C16_psychiatric_admission_is_linked_health_data(analyzer):
    text = (
        "Mevrouw Amina Yusuf (V-nr 3011450092) is sinds gisteren opgenomen in een psychiatrische kliniek "
        "vanwege een psychose. Haar kinderen (3 en 5) verblijven bij een buurvrouw."
    )
    findings = special(analyzer, text)
    assert {f.label for f in findings} == {"health"}
    assert all(f.linked for f in findings)
    assert {"psychiatrische kliniek", "psychose"} <= {f.term for f in findings}


def test_C17_tbc_screening_result_is_linked_health_data(analyzer):
    text = (
        "Ten behoeve van vervolgonderzoek: bij dhr. Ali Hassan (V-nr 2704418823) is bij de tbc-screening "
        "een afwijking gevonden."
    )
    findings = special(analyzer, text)
    assert [(f.label, f.linked, f.text) for f in findings] == [("health", True, "tbc-screening")]


def test_C18_arrest_for_shoplifting_is_linked_criminal_data_only(analyzer):
    text = (
        "Ter informatie voor het TOP-X-overleg: bewoner Dawit Haile (V-nr 2702216654) is gisteren aangehouden "
        "wegens winkeldiefstal en mishandeling van een medebewoner."
    )
    findings = special(analyzer, text)
    assert {f.label for f in findings} == {"criminal"}
    assert all(f.linked for f in findings)
    assert {"winkeldiefstal", "mishandeling", "aangehouden wegens"} <= {f.term for f in findings}


def test_C33_senders_own_sick_leave_is_no_special_category(analyzer):
    text = "Ik ben ziek en tot en met vrijdag afwezig; bel voor dringende zaken de locatie."
    assert special(analyzer, text) == []


# --------------------------------------------------------------------------- the sender and general text

SENDER_STATEMENTS = [
    "Ik ben ziek.",
    "Ik ben vandaag afwezig wegens ziekte.",
    "Wegens ziekte ben ik niet bereikbaar.",
    "Ik ben met zwangerschapsverlof tot 1 september; mijn collega neemt mijn zaken waar.",
    "Ik lig in het ziekenhuis en ben de komende twee weken niet bereikbaar.",
    "Afwezig wegens ziekte. Voor dringende zaken: bel de locatie.",
    "Onze teamleider is met ziekteverlof, daarom reageer ik op uw mail.",
    "Ik ben opgenomen in het ziekenhuis en ben twee weken afwezig. Mevrouw De Vries neemt waar.",
    # A name after the sender's own statement does not make it about that person.
    "Ik ben ziek thuis, mijn collega Jeroen neemt mijn mail waar.",
    "Ik ben zwanger en vanaf maart met verlof; mevrouw De Vries neemt waar.",
]


@pytest.mark.parametrize(
    "text",
    [
        "Ik heb met dhr. El Idrissi gesproken: hij heeft suïcidegedachten.",
        "Wij hebben mevrouw Yusuf doorverwezen naar de psychiater.",
        "Hij vertelde mij over de psychose van zijn broer.",
        # The person owning the term comes after it.
        "Ik stuur u hierbij de medische verklaring van dhr. Karimi.",
        "Ik heb zorgen over de psychose van dhr. Karimi.",
        "Ik heb de PTSS-rapportage van mevrouw Yusuf ontvangen.",
        "Ik stuur het BMA-advies over betrokkene door.",
    ],
)
def test_a_person_named_after_the_sender_is_still_linked(analyzer, text):
    assert linked(analyzer, text) == {"health"}


@pytest.mark.parametrize("text", SENDER_STATEMENTS)
def test_senders_own_statement_is_not_linked(analyzer, text):
    assert linked(analyzer, text) == set()


GENERAL_TEXT = [
    "Bijzondere persoonsgegevens zoals gezondheid en religie mogen niet zonder grondslag worden gedeeld.",
    "Op grond van art. 9 AVG zijn gegevens over gezondheid bijzondere persoonsgegevens.",
    "Gegevens over strafrechtelijke veroordelingen mogen alleen met de politie worden gedeeld.",
    "Bijzondere persoonsgegevens zijn iemands ras, etniciteit, godsdienst, politieke opvattingen, seksuele "
    "geaardheid, gezondheid, vakbondslidmaatschap en biometrische gegevens ter identificatie.",
    "Asielzoekers met psychische klachten kunnen terecht bij de huisarts van het GZA.",
    "Dit kan bijvoorbeeld het geval zijn wanneer er sprake is van medische omstandigheden waar rekening mee "
    "moet worden gehouden ten aanzien van de opvang dan wel het vertrek van betrokkene.",
    "In de e-learning leer je hoe je een bekeringsrelaas beoordeelt.",
]


@pytest.mark.parametrize("text", GENERAL_TEXT)
def test_general_discussion_is_not_linked(analyzer, text):
    assert linked(analyzer, text) == set()
    assert is_general_text(text)


def test_a_title_word_ending_a_sentence_does_not_name_the_next_word(analyzer):
    """'de bewoner. Mail ons' is no 'bewoner Mail': the list of categories stays general text."""
    text = ("Bijzondere persoonsgegevens, zoals gegevens over gezondheid, religie of seksuele geaardheid, delen "
            "we alleen als dat strikt noodzakelijk is en nooit zonder machtiging van de bewoner. Mail ons.")
    assert linked(analyzer, text) == set()
    assert linked(analyzer, "Dhr. Koerd heeft last van PTSS.") == {"health"}


def test_general_discussion_score_separates_policy_from_a_case():
    policy = GENERAL_TEXT[0] + " " + GENERAL_TEXT[2]
    case = "Mevrouw Amina Yusuf (V-nr 3011450092) gebruikt antidepressiva. Zij is bekend bij de GGZ."
    assert general_discussion_score(policy) == 1.0
    assert general_discussion_score(case) == 0.0
    assert general_discussion_score("Zie bijgaand de planning voor het regio-overleg.") == 0.0


# --------------------------------------------------------------------------- matching rules (lexicon.md §0)

MATCHES = [
    ("Betrokkene krijgt PTSS-behandeling bij de GGZ.", "health"),
    ("Hij volgt een traumabehandeling.", "health"),
    ("Cliënt gebruikt hiv-remmers.", "health"),
    ("Client gebruikt hivremmers.", "health"),
    ("Betrokkene deed vorige week een suicidepoging.", "health"),
    ("Hij is opgenomen in een psychia-\ntrische kliniek.", "health"),
    ("Betrokkene heeft longkanker.", "health"),
    ("Zijn bekeringsverhaal is uitgebreid.", "religion"),
    ("Zijn bekeringsverhaal is uitgebreid.", "asylum_motive"),
    ("Hij vreest vervolging vanwege zijn homoseksualiteit.", "sexual_orientation"),
    ("Hij wordt in Iran beschuldigd van geloofsafval.", "religion"),
    ("Betrokkene behoort tot de Hazara's.", "ethnicity"),
    ("Mevrouw is lid van de FNV.", "trade_union"),
    ("Hij is drager van sikkelcelanemie.", "genetic"),
    ("Er is een Eurodac-treffer voor dhr. Tekle.", "biometric"),
    ("Hij is verdacht van verkrachting.", "criminal"),
    ("Mevrouw is 30 weken zwanger.", "health"),
    ("Hij is door IS ontvoerd.", "asylum_motive"),
    # An organisation noun next to a name is a hospital, not a person called "Ziekenhuis".
    ("Mevrouw Habte ligt sinds gisteren in het Martini Ziekenhuis.", "health"),
    # A tail after a hyphen inside a word: "stress-stoornis" is "stressstoornis".
    ("Cliënte heeft een posttraumatische stress-stoornis.", "health"),
    ("Hij heeft een angst-stoornis.", "health"),
    # Conditions, aids, specialists and medication written as staff write them.
    ("Dhr. Noori heeft een longembolie gehad en gebruikt bloedverdunners.", "health"),
    ("Meneer Ibrahimi heeft staar en wordt binnenkort aan zijn ogen geholpen.", "health"),
    ("Dhr. Paktin heeft een kunstheup.", "health"),
    ("Betrokkene heeft een hernia en loopt met krukken.", "health"),
    ("Mevrouw Hashemi moet volgende week een operatie aan haar heup ondergaan.", "health"),
    ("Dhr. Rostami moet maandag bij de orthopeed komen.", "health"),
    ("Meneer Bashir gebruikt valium en seroquel.", "health"),
    ("Dhr. Sahak is doorverwezen naar Parnassia.", "health"),
    ("Dhr. Sadeghi is lid van een Perzische kerkgemeente.", "religion"),
    ("Meneer Jafari volgt de Alpha-cursus.", "religion"),
    ("Dhr. Owusu behoort tot een seksuele minderheid.", "sexual_orientation"),
    # Two ambiguous words that are each other's context: a stay in prison.
    ("Dhr. Rahimi zat vast in de PI Vught.", "criminal"),
]


@pytest.mark.parametrize(("text", "label"), MATCHES)
def test_inflections_compounds_and_spelling_variants_match(analyzer, text, label):
    assert label in linked(analyzer, text)


NO_MATCH = [
    "Betrokkene heeft recht op rechtsbijstand.",
    "De verklaringen van betrokkene zijn geloofwaardig.",
    "Hij noemde de beveiliger een kankerlijer.",
    "Betrokkene zit op het terras.",
    "Hij werkt als archivaris bij de gemeente.",
    "Hij is geboren in Islamabad.",
    "Mevrouw woont aan de Kerkstraat 3 in Kerkrade.",
    "Dhr. Christensen is de advocaat van betrokkene.",
    "Hij houdt van het aroma van de koffie.",
    "Het transport van betrokkene is geregeld.",
    "De bewoners van deze unit zijn een homogene groep.",
    "Hij werkt clandestien in de kassen.",
    "De kasten op de kamer van mevrouw worden vervangen.",
    "De aanvraag van betrokkene wordt aangehouden.",
    "De opname van het gesprek met mevrouw staat in het dossier.",
    "Het verzoek van dhr. Musa is in behandeling.",
    "Hij gaf gehoor aan de oproep om zich te melden.",
    "De vlucht van betrokkene naar Lagos vertrekt om 10.15 uur.",
    "Het gehoor werd afgenomen met een tolk Koerdisch (Sorani).",
    "De tv van betrokkene is kapot, hij kijkt nu IS-TV op zijn telefoon.",
    "Mevrouw heeft aangifte gedaan van de geboorte van haar dochter.",
    "Zij is slachtoffer van huiselijk geweld.",
    "Betrokkene is in vreemdelingenbewaring gesteld.",
    "De aanvraag van dhr. Rahimi zit vast bij de IND.",
    # A capitalised term right after a title is a surname.
    "Meneer Baloch is de advocaat van betrokkene.",
    "Dhr. Christen is de voogd van betrokkene.",
    # Stools, graffiti, a departure operation, a storage room, a sabbatical, a helpdesk.
    "Dhr. Rahimi heeft twee krukken uit de kantine naar zijn kamer meegenomen.",
    "Dhr. Rahimi werd betrapt op het spuiten van graffiti op de muur van het azc.",
    "De operatie van het team Vertrek op Schiphol verliep zonder incidenten met dhr. Rahimi.",
    "Dhr. Rahimi parkeert zijn scooter bij de scootmobielstalling van de locatie.",
    "Het sabbatical van mevrouw Haile begint in maart.",
    "Mevrouw Haile heeft haar pasje laten zien bij de poli-receptie van de IND.",
]


@pytest.mark.parametrize("text", NO_MATCH)
def test_homonyms_and_lookalike_words_are_not_linked(analyzer, text):
    assert linked(analyzer, text) == set()


def test_abbreviations_are_case_sensitive(analyzer):
    assert "asylum_motive" in linked(analyzer, "Hij werd door IS gevangen genomen.")
    assert linked(analyzer, "Hij is door de buurman in de tuin gezien.") == set()


def test_result_carries_linked_subcategory_and_term(analyzer):
    text = "Betrokkene is hiv-positief."
    (result,) = analyzer.analyze(text, language="nl", entities=ENTITIES, regex_flags=REGEX_FLAGS)
    meta = result.recognition_metadata
    assert (result.entity_type, text[result.start : result.end]) == ("SPECIAL_CATEGORY", "hiv-positief")
    assert (meta["linked"], meta["subcategory"], meta["term"]) == (True, "health", "hiv positief")


def test_unlinked_term_stays_above_the_threshold_for_documents_about_one_person(analyzer):
    # In a beschikking the core links it; on its own no person is named.
    text = "U heeft verklaard dat u zich heeft bekeerd tot het christendom."
    results = analyzer.analyze(text, language="nl", entities=ENTITIES, regex_flags=REGEX_FLAGS)
    assert results and not any(r.recognition_metadata["linked"] for r in results)
    assert all(r.score >= SCORE_THRESHOLD for r in results)


@pytest.mark.parametrize("text", [GENERAL_TEXT[0], "Ik ben opgenomen in het ziekenhuis en ben twee weken afwezig."])
def test_general_text_and_own_statements_fall_below_the_threshold(analyzer, text):
    results = analyzer.analyze(text, language="nl", entities=ENTITIES, regex_flags=REGEX_FLAGS)
    assert results and all(r.score < SCORE_THRESHOLD for r in results)


def test_addressees_possessive_links_a_named_condition_not_a_category(analyzer):
    assert linked(analyzer, "Wij hebben bij het plannen rekening gehouden met uw PTSS.") == {"health"}
    assert linked(analyzer, "Wij verwerken uw medische gegevens alleen als dat nodig is.") == set()


def test_an_organisation_tagged_as_person_is_no_anchor():
    text = "Veilig Thuis (het meldpunt huiselijk geweld en kindermishandeling) x x"
    organisation = (0, len("Veilig Thuis"))
    assert not any(m.linked for m in find_terms(text, (organisation,)))


def test_recognizers_take_a_few_milliseconds_per_mail():
    mail = (
        "Beste collega,\n\nMevrouw Amina Yusuf (V-nr 3011450092) is sinds gisteren opgenomen in een "
        "psychiatrische kliniek vanwege een psychose. Haar kinderen verblijven bij een buurvrouw. Zij gebruikt "
        "sertraline en heeft eerder een suïcidepoging gedaan. Dhr. Karimi heeft verklaard dat hij zich heeft "
        "bekeerd tot het christendom en vreest vervolging bij terugkeer naar Iran. Bewoner Dawit Haile is "
        "gisteren aangehouden wegens winkeldiefstal. Graag jullie reactie voor vrijdag.\n\nMet vriendelijke "
        "groet,\nJan de Vries\nCOA locatie Budel\n"
    )
    find_terms(mail)
    timings = []
    for i in range(50):
        start = time.perf_counter()
        find_terms(f"{mail}{i}")  # a new text each time: the scan is cached per text
        timings.append((time.perf_counter() - start) * 1000)
    assert statistics.median(timings) < MAX_MS_PER_TEXT


def test_a_comment_line_in_a_term_list_is_no_term():
    from recognizers.lexicon import split_items

    text = "astma, epilepsie\n# ziektes, aandoeningen en andere\ndiabetes"
    assert split_items(text) == ["astma", "epilepsie", "diabetes"]


@pytest.mark.parametrize("text", [
    "Meneer Yilmaz heeft contact genomen met de IND.",
    "Mevrouw Haddad heeft het besluit genomen om terug te keren.",
    "Hij is gisteren in bewaring genomen.",
])
def test_genomen_is_taken_not_genomes(analyzer, text):
    """The generated plural of "genoom" is the past participle of "nemen": no genetic data (genetic.toml)."""
    assert not [f for f in special(analyzer, text) if f.label == "genetic"]


def test_a_genome_is_still_genetic_data(analyzer):
    assert [f.label for f in special(analyzer, "Het genoom van meneer Yilmaz is onderzocht.")] == ["genetic"]


def test_in_de_luren_leggen_is_no_ethnicity(analyzer):
    assert not special(analyzer, "Meneer Yilmaz heeft ons in de luren gelegd.")
    assert [f.label for f in special(analyzer, "Meneer Yilmaz is een Lur uit Iran.")] == ["ethnicity"]


@pytest.mark.parametrize("text", [
    "Geloof me, mevrouw Haddad is echt op tijd.",
    "Geloof het of niet, meneer Yilmaz kwam op tijd.",
    "Meneer Yilmaz is op tijd, geloof ik.",
])
def test_geloof_me_is_no_religion(analyzer, text):
    assert not special(analyzer, text)


def test_a_persons_faith_is_still_religion(analyzer):
    assert [f.label for f in special(analyzer, "Meneer Yilmaz heeft zijn geloof afgezworen.")] == ["religion"]
