"""The speed work keeps behaviour: the fast-loading cache, the lazy NLP artifacts, the cheaper
context enhancer and the faster helpers give what the plain ways give. No timings here (bench/)."""

from __future__ import annotations

import gc
import itertools
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import phonenumbers
import pytest
import regex
import spacy
from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from stdnum import iban as stdnum_iban

from recognizers import fastload
from recognizers.address import AddressRecognizer
from recognizers.base import DutchPatternRecognizer, remove_duplicates
from recognizers.date_of_birth import DateOfBirthRecognizer
from recognizers.engine import LANGUAGE, REGEX_FLAGS, SCORE_THRESHOLD, DutchContextEnhancer, get_analyzer
from recognizers.iban import known_country
from recognizers.lemmas import dutch_lemmas, lemma
from recognizers.person import default_lexicon
from recognizers.person_model import build_person_pipeline
from recognizers.phone import PhoneRecognizer, _DutchMatcher, _verified_number
from scanner.documents import _fold_char, fold

REPO = Path(__file__).resolve().parents[1]
TEXTS = [
    "Betreft: dhr. Ahmad KARIMI, V-nummer 1234567890, geboren 03-02-1995. Zijn BSN is 111222333.",
    "Beste collega,\n\nMevrouw Fatima el Amrani (tel. 06-12345678, e-mail f.amrani@gmail.com) woont aan de "
    "Stationsstraat 12, 3511 AB Utrecht. IBAN NL91ABNA0417164300. Zij is behandeld voor PTSS en depressie.\n\n"
    "Met vriendelijke groet,\nJan de Vries",
    "Kenteken 12-ABC-3, paspoort NX1234567, klantnummer 123456789. De vreemdeling bekeerde zich tot het christendom.",
]


# -- the cache -----------------------------------------------------------------------------


@pytest.fixture
def cache_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    user, package = tmp_path / "user", tmp_path / "package"
    monkeypatch.setenv("VERZENDCHECK_CACHE", str(user))
    monkeypatch.setattr(fastload, "PACKAGE_CACHE", package)
    return user, package


def _counting_build(value: object) -> tuple[list[int], object]:
    calls: list[int] = []

    def build() -> object:
        calls.append(1)
        return value

    return calls, build


def test_cache_builds_once_then_reads_the_file(cache_dirs: tuple[Path, Path], tmp_path: Path) -> None:
    user, _ = cache_dirs
    source = tmp_path / "words.txt"
    source.write_text("a\nb\n")
    calls, build = _counting_build({"words": frozenset({"a", "b"})})
    first = fastload.cached("words", [source], build)
    second = fastload.cached("words", [source], build)
    assert first == second == {"words": frozenset({"a", "b"})}
    assert len(calls) == 1
    assert len(list(user.glob("words-*.marshal"))) == 1


def test_plain_cache_keeps_plain_data_and_refuses_objects(cache_dirs: tuple[Path, Path], tmp_path: Path) -> None:
    """The "plain" serializer (the lemma table's): plain data round-trips; a file naming any class or
    function (a planted pickle that would run code) is refused and the data built again."""
    user, _ = cache_dirs
    source = tmp_path / "words.txt"
    source.write_text("a\n")
    value = {"lookup": {"huizen": "huis"}, "lemmas": frozenset({"huis"}), "n": (1, 2.5, None, [b"x"])}
    calls, build = _counting_build(value)
    assert fastload.cached("words", [source], build, serializer="plain") == value
    assert fastload.cached("words", [source], build, serializer="plain") == value
    assert len(calls) == 1
    [path] = user.glob("words-*.plain")
    path.write_bytes(__import__("pickle").dumps(Path("planted")))  # names pathlib.PosixPath: refused
    assert fastload.cached("words", [source], build, serializer="plain") == value
    assert len(calls) == 2


def test_a_changed_source_builds_again(cache_dirs: tuple[Path, Path], tmp_path: Path) -> None:
    source = tmp_path / "words.txt"
    source.write_text("a\n")
    calls, build = _counting_build(["x"])
    fastload.cached("words", [source], build)
    source.write_text("a\nb\n")
    fastload.cached("words", [source], build)
    assert len(calls) == 2


def test_a_damaged_cache_file_is_built_again(cache_dirs: tuple[Path, Path], tmp_path: Path) -> None:
    user, _ = cache_dirs
    source = tmp_path / "words.txt"
    source.write_text("a\n")
    calls, build = _counting_build({"k": "v"})
    fastload.cached("words", [source], build, serializer="pickle")
    for path in user.glob("words-*"):
        path.write_bytes(b"\x80garbage")
    assert fastload.cached("words", [source], build, serializer="pickle") == {"k": "v"}
    assert len(calls) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_install_falls_back_to_building(cache_dirs: tuple[Path, Path], tmp_path: Path) -> None:
    user, _ = cache_dirs
    user.mkdir()
    user.chmod(0o500)
    try:
        calls, build = _counting_build([1, 2])
        assert fastload.cached("words", [], build) == [1, 2]
        assert fastload.cached("words", [], build) == [1, 2]
        assert len(calls) == 2 and not list(user.iterdir())
    finally:
        user.chmod(0o700)


def test_an_unwritable_cache_path_falls_back_to_building(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("VERZENDCHECK_CACHE", str(blocker / "cache"))  # below a file: never creatable
    calls, build = _counting_build({"a": 1})
    assert fastload.cached("words", [], build) == {"a": 1}
    assert fastload.cached("words", [], build) == {"a": 1}
    assert len(calls) == 2


def test_cache_off_always_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERZENDCHECK_CACHE", "off")
    monkeypatch.setattr(fastload, "PACKAGE_CACHE", tmp_path / "package")
    calls, build = _counting_build("x")
    fastload.cached("words", [], build)
    fastload.cached("words", [], build)
    assert len(calls) == 2 and not (tmp_path / "package").exists()


def test_the_package_cache_is_read_first(cache_dirs: tuple[Path, Path], tmp_path: Path) -> None:
    user, package = cache_dirs
    source = tmp_path / "words.txt"
    source.write_text("a\n")
    name = "words"
    package.mkdir()
    (package / f"{name}-{fastload.cache_key(name, [source])}.marshal").write_bytes(
        __import__("marshal").dumps("prebuilt")
    )
    calls, build = _counting_build("built")
    assert fastload.cached(name, [source], build) == "prebuilt"
    assert not calls and not user.exists()


def test_prebuild_writes_every_registered_data_set(tmp_path: Path) -> None:
    written = fastload.prebuild(tmp_path)
    assert sorted(p.name.split("-")[0] for p in written) == sorted(name for name, *_ in fastload.registered())
    assert all(p.stat().st_mode & 0o044 == 0o044 for p in written)  # readable by every user of the install


def test_cached_lexicon_finds_what_a_fresh_build_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from recognizers.lexicon import Lexicon, _lexicon_sources

    monkeypatch.setenv("VERZENDCHECK_CACHE", str(tmp_path))
    fresh = Lexicon()
    fastload.cached("lexicon", _lexicon_sources(), lambda: fresh, serializer="pickle")
    loaded = fastload.cached("lexicon", _lexicon_sources(), pytest.fail, serializer="pickle")
    assert loaded is not fresh
    text = fold(" ".join(TEXTS) + " hij heeft diabetes, is moslim en zat vast wegens diefstal")
    assert list(loaded.automaton.iter(text)) == list(fresh.automaton.iter(text))
    assert (loaded.categories, loaded.groups, loaded.general_weights) == (fresh.categories, fresh.groups,
                                                                           fresh.general_weights)


# -- the lemma table and the lazy artifacts ----------------------------------------------------


@pytest.fixture(scope="module")
def spacy_lemmatizer() -> spacy.language.Language:
    """spaCy's own lookup lemmatizer, with the table it loads from spacy-lookups-data itself."""
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"}).initialize()
    return nlp


def test_lemma_table_matches_spacys_lookup_lemmatizer(spacy_lemmatizer: spacy.language.Language) -> None:
    lookup = dutch_lemmas().lookup
    table = spacy_lemmatizer.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    assert len(lookup) == len(table)
    words = [*random.Random(19).sample(sorted(lookup), 2000), "Huizen", "ASIELAANVRAGEN", "Betreft", "onbekendwoord"]
    doc = spacy_lemmatizer(" ".join(words))
    assert [lemma(t.text) for t in doc] == [t.lemma_ for t in doc]
    assert all(lookup.get(word, word) == table.get(word, word) for word in words)


def test_lazy_artifacts_equal_presidios(spacy_lemmatizer: spacy.language.Language) -> None:
    engine = get_analyzer().nlp_engine
    reference = build_person_pipeline()  # with spaCy's lemmatizer component, as before
    plain = SpacyNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "x"}],
                           ner_model_configuration=engine.ner_model_configuration)
    plain.nlp = {LANGUAGE: reference}
    for text in TEXTS:
        ours = engine._doc_to_nlp_artifact(engine.nlp[LANGUAGE](text), LANGUAGE)
        theirs = plain._doc_to_nlp_artifact(reference(text), LANGUAGE)
        assert ours.lemmas == theirs.lemmas == [t.lemma_ for t in spacy_lemmatizer(text)]
        assert list(ours.keywords) == theirs.keywords
        assert all(word in ours.keywords for word in theirs.keywords)
        assert ours.tokens_indices == theirs.tokens_indices
        assert [(e.start, e.end, e.label_) for e in ours.entities] == [(e.start, e.end, e.label_) for e in
                                                                       theirs.entities]
        assert ours.scores == theirs.scores


def test_pipeline_loads_the_model_once_with_the_blank_dutch_tokenizer() -> None:
    nlp = build_person_pipeline(lemmatizer=False)
    assert nlp.pipe_names == ["sentencizer", "ner"]
    assert nlp.tokenizer.to_bytes(exclude=["vocab"]) == spacy.blank("nl").tokenizer.to_bytes(exclude=["vocab"])


def test_fast_context_enhancer_scores_as_presidios() -> None:
    analyzer = get_analyzer()
    assert isinstance(analyzer.context_aware_enhancer, DutchContextEnhancer)
    ours = [analyzer.analyze(t, LANGUAGE, regex_flags=REGEX_FLAGS, score_threshold=SCORE_THRESHOLD) for t in TEXTS]
    analyzer.context_aware_enhancer = LemmaContextAwareEnhancer()
    try:
        theirs = [analyzer.analyze(t, LANGUAGE, regex_flags=REGEX_FLAGS, score_threshold=SCORE_THRESHOLD)
                  for t in TEXTS]
    finally:
        analyzer.context_aware_enhancer = DutchContextEnhancer()

    def key(results: list) -> list:
        return sorted((r.entity_type, r.start, r.end, round(r.score, 6)) for r in results)

    assert [key(r) for r in ours] == [key(r) for r in theirs]
    assert any(r.entity_type == "PHONE_NUMBER" for r in ours[1])  # a recognizer with context words was scored


def test_analyzer_engine_answers_as_presidios() -> None:
    """DutchAnalyzerEngine (recognizer list and entities made once, results grouped by recognizer in the
    context step) gives Presidio's AnalyzerEngine's results, in the same order, and sees a new recognizer."""
    analyzer = get_analyzer()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for recognizer in analyzer.registry.recognizers:
        registry.add_recognizer(recognizer)
    plain = AnalyzerEngine(registry=registry, nlp_engine=analyzer.nlp_engine, supported_languages=[LANGUAGE],
                           context_aware_enhancer=analyzer.context_aware_enhancer)

    def results(engine: AnalyzerEngine, text: str) -> list:
        found = engine.analyze(text, LANGUAGE, regex_flags=REGEX_FLAGS, score_threshold=SCORE_THRESHOLD)
        return [(r.entity_type, r.start, r.end, r.score) for r in found]

    for text in TEXTS:
        assert results(analyzer, text) == results(plain, text)
    assert sorted(analyzer.get_supported_entities(LANGUAGE)) == sorted(plain.get_supported_entities(LANGUAGE))
    extra = PatternRecognizer(supported_entity="TEST_WORD", supported_language=LANGUAGE,
                              patterns=[Pattern("word", r"\bcollega\b", 0.9)])
    analyzer.registry.add_recognizer(extra)
    try:
        assert "TEST_WORD" in analyzer.get_supported_entities(LANGUAGE)
        assert ("TEST_WORD", 6, 13, 0.9) in results(analyzer, TEXTS[1])
    finally:
        analyzer.registry.remove_recognizer(extra.name)
    assert "TEST_WORD" not in analyzer.get_supported_entities(LANGUAGE)


def test_token_search_finds_presidios_token() -> None:
    engine = get_analyzer().nlp_engine
    enhancer = DutchContextEnhancer()
    for text in (TEXTS[1], "  twee spaties vooraan, tel.:06-12345678\n\n en een regel eind.  ", "x", ""):
        artifacts = engine._doc_to_nlp_artifact(engine.nlp[LANGUAGE](text), LANGUAGE)
        for start in range(-1, len(text) + 3):
            try:
                expected = LemmaContextAwareEnhancer._find_index_of_match_token("w", start, artifacts.tokens,
                                                                                artifacts.tokens_indices)
            except ValueError:
                with pytest.raises(ValueError):
                    enhancer._find_index_of_match_token("w", start, artifacts.tokens, artifacts.tokens_indices)
                continue
            assert enhancer._find_index_of_match_token("w", start, artifacts.tokens,
                                                       artifacts.tokens_indices) == expected, (text, start)


# -- faster helpers, same answers ------------------------------------------------------------


class _EveryCandidatePhoneRecognizer(PhoneRecognizer):
    """The phone recognizer as it was: phonenumbers' own matcher, every candidate parsed."""

    MATCHER = phonenumbers.PhoneNumberMatcher
    MIN_CANDIDATE_LENGTH = 1


PHONE_PIECES = ["06-12345678", "+31 6 1234 5678", "020 123 4567", "0031 20 1234567", "+31 (0)6 12345678",
                "088 239 4903", "14 020", "14020", "0800-1234", "+249 912 345 678", "+291 7 123 456", "612345678",
                "2711093342", "1904-0012", "12/03/2025", "2025", "tel.", "mobiel:", "zaaknummer", "€ 120,00", "(",
                ")", "/", " / ", " - ", ".", "-", "x", "ext. 12", "\n", "  ", " ", "Jan", "9", "0", "+", "12",
                "31", "1234", "٠٦١٢٣٤٥٦٧٨", "\u2013 ", "＋31 6 12345678", "（020） 123 4567", "［", "＋"]


def test_phone_matcher_skips_only_candidates_that_give_no_number() -> None:
    rng = random.Random(19)
    fast, plain = PhoneRecognizer(), _EveryCandidatePhoneRecognizer()
    found = 0
    for _ in range(3000):
        text = "".join(rng.choice(PHONE_PIECES) + rng.choice(["", " ", "  ", "\t"]) if rng.random() < 0.6
                       else rng.choice("0123456789 +()-./") for _ in range(rng.randint(1, 30)))
        expected = [(r.start, r.end, r.score) for r in plain.analyze(text, ["PHONE_NUMBER"])]
        assert [(r.start, r.end, r.score) for r in fast.analyze(text, ["PHONE_NUMBER"])] == expected, text
        found += len(expected)
    assert found > 1000


def test_phone_candidate_search_equals_phonenumbers_pattern_search() -> None:
    """_DutchMatcher._search finds at every position the match phonenumbers' _PATTERN.search finds (it
    tries the pattern only where a lead or a digit is: a change of _PATTERN's first element breaks this)."""
    from phonenumbers.phonenumbermatcher import _PATTERN

    rng = random.Random(19)
    chars = "0123456789 +()-./x\n\u0663（［＋"
    for _ in range(2000):
        text = "".join(rng.choice(PHONE_PIECES) if rng.random() < 0.3 else rng.choice(chars)
                       for _ in range(rng.randint(0, 25)))
        matcher = _DutchMatcher(text, PhoneRecognizer.REGION)
        for index in range(len(text) + 1):
            expected, found = _PATTERN.search(text, index), matcher._search(index)
            assert (found and (found.span(), found.groups())) == (expected and (expected.span(), expected.groups()))


def test_phone_verdicts_are_remembered_per_candidate_and_surroundings() -> None:
    """phonenumbers still checks each candidate through `_parse_and_verify` (else nothing is remembered), a
    remembered verdict gives the same number, and a letter glued on is a different question."""
    recognizer = PhoneRecognizer()

    def found(text: str) -> list[tuple[int, int, float]]:
        return [(r.start, r.end, r.score) for r in recognizer.analyze(text, ["PHONE_NUMBER"])]

    _verified_number.cache_clear()
    assert found("Bel 06-12345678 of mail.") == [(4, 15, 0.95)]
    assert _verified_number.cache_info().misses > 0
    hits = _verified_number.cache_info().hits
    assert found("Bel 06-12345678 of mail.") == [(4, 15, 0.95)]
    assert _verified_number.cache_info().hits > hits
    assert found("Bel 06-12345678x") == []
    assert found("Bel 06-12345678") == [(4, 15, 0.95)]


ADDRESS_PIECES = ["Kerkstraat", "Oude Gracht", "Laan van Meerdervoort", "Laan", "van", "Burg. de Vlugtlaan", "Markt",
                  "'s-Gravendijkwal", "Gerechtshof", "Op", "Wonende", "straat", "Straat", "Hof", "12", "12a", "1001 A",
                  "12-3", "12hs", "2024", "3 jaar", "5%", "1234 AB", "2595 AA Den Haag", "Postbus 123", "huisnummer",
                  "\n", " ", "  ", ",", ".", "-", "x", "De", "Zuid", "9", "٣"]


def _found_as_presidio_finds(recognizer: DutchPatternRecognizer, pieces: list[str], texts: int) -> int:
    """Random texts of `pieces`: the recognizer (its gates and search stretches) finds what Presidio's own
    analysis of all its patterns over the whole text finds. How many results there were."""
    rng = random.Random(19)
    found = 0
    for _ in range(texts):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", " ", "\n"]) for _ in range(rng.randint(1, 30)))
        expected = sorted((r.start, r.end, r.score) for r in PatternRecognizer.analyze(recognizer, text, []))
        assert sorted((r.start, r.end, r.score) for r in recognizer.analyze(text, [])) == expected, text
        found += len(expected)
    return found


def test_address_stretches_find_what_the_whole_text_finds() -> None:
    assert _found_as_presidio_finds(AddressRecognizer(), ADDRESS_PIECES, 3000) > 1000


DIGITLESS_PIECES = ["Kerkstraat", "Laan van Meerdervoort", "Postbus", "postcode", "huisnummer", "geboren op",
                    "geboortedatum:", "mei", "paspoortnummer:", "paspoort met nummer", "ID-kaart", "W-document",
                    "III-", "EU-", "klantnummer", "COA-nummer", "kl.nr", "V-nummer:", "BSN", "NL", "IBAN", "ABNA",
                    "GB", "XK", "BD-", "SB-", "ZZZ", "AB", "K-", "tel.", "+", "(", ")", "-", ".", "/", ":", " ", "\n",
                    "\u00a0", "'", "mr. Jansen", "Den Haag", "one", "Ⅻ", "½", "²"]


def test_a_recognizer_that_needs_a_digit_finds_nothing_without_one() -> None:
    """NEEDS_DIGIT holds: searched anyway, such a recognizer finds nothing in digit-free text."""
    recognizers = [r for r in get_analyzer().registry.recognizers if getattr(r, "_needs_digit", False)]
    assert len(recognizers) == 8
    rng = random.Random(19)
    texts = ["".join(rng.choice(DIGITLESS_PIECES) + rng.choice(["", " "]) for _ in range(rng.randint(1, 20)))
             for _ in range(1000)]
    for recognizer in recognizers:
        recognizer._needs_digit = False
        try:
            assert not any(recognizer.analyze(text, recognizer.supported_entities) for text in texts), recognizer.name
        finally:
            recognizer._needs_digit = True


def test_remove_duplicates_answers_as_presidios() -> None:
    rng = random.Random(19)
    for _ in range(3000):
        results = []
        for _ in range(rng.randint(0, 5)):
            start = rng.randint(0, 40)
            score = rng.choice([0.3, 0.6, 0.85, 1.0])
            results.append(RecognizerResult("BSN", start, start + rng.randint(1, 12), score))
        expected = [(r.start, r.end, r.score) for r in EntityRecognizer.remove_duplicates(list(results))]
        assert [(r.start, r.end, r.score) for r in remove_duplicates(list(results))] == expected, results


BIRTH_PIECES = [
    "geboren", "Geboren", "geb.", "GEB", "geboortedatum", "geboortedatum en -plaats", "date of birth", "DOB",
    "d.d. geboorte", "te", "in", "Aleppo", "(Syrië)", "Den Haag", ",", "op", ":", "(", "-", "/", "\n", "\r\n", "\n\n",
    " ", "\t", "03-02-1995", "3.2.'95", "1990-02-01", "12-13-1990", "1", "februari", "feb.", "1990", "'90",
    "2718293645", "|", "x", "12", "geboren op:\n", "1 februari\n1990", "3 feb.\n'90", "X12", "12-3-1990",
    "(03-02-1995)", "31.12.20", "0", "2001-07-19", "1 2", "\u00a0", "Aleppo1", "Geboortedatum\t", "\t",
    "12031990", "19900312", "12 - 03 - 1990", "1990/03/12", "12e maart 1990", "10 MAA/MAR 1965", "Date de naissance",
]


def test_birth_date_stretches_find_what_the_whole_text_finds() -> None:
    """Also with a labelled date tried only where DATE_START and the date alone (DATE) say one starts, on its
    label's line or the next. DATE's back-references read the groups they read in the pattern (the look-behind
    has no group of its own)."""
    recognizer = DateOfBirthRecognizer()
    assert regex.compile(recognizer.PATTERNS[0].regex).groups == recognizer.DATE.groups == 2
    assert _found_as_presidio_finds(recognizer, BIRTH_PIECES, 6000) > 500


def test_every_date_starts_where_date_start_says() -> None:
    """DATE_START holds where any of the dates the birth date patterns end with starts."""
    from recognizers.date_of_birth import _DATE

    date, rng = regex.compile(_DATE, REGEX_FLAGS), random.Random(19)
    pieces = ["03-02-1995", "3.2.'95", "1990-02-01", "2001-7-19", "1 feb. 1990", "12\u00a0mei\n2001", "31/12/20",
              "03", "3", "12", "1990", "-", ".", "/", " ", "\n", "\t", "x", "0", "12031990", "19900312", "1990/03/12",
              "12 - 03 - 1990", "12e maart 1990", "1ste", "10 MAA/MAR 1965", "e", "mei"]
    found = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))
        for start in range(len(text)):
            if date.match(text, start):
                found += 1
                assert DateOfBirthRecognizer.DATE_START.match(text, start), (text, start)
    assert found > 1000


ID_PIECES = ["paspoort", "Paspoortnummer:", "nummer van het paspoort", "ID-kaart", "documentnummer", "met", "nummer",
             "verblijfsdocument", "een Iraaks paspoort met nummer", "Somalische", "A18273645", "XR1O01R58", "AB1234567",
             "III-V123AL568", "W-12345678", "SO1847302", "(NL)", ":", "x", "12", "nr.", ",", " ", "\n", "DOCUMENT"]


def test_document_requirements_find_what_the_whole_text_finds() -> None:
    """IdDocumentRecognizer's shared requirements (CAPITAL_BY_DIGIT; a document's name for the labelled
    numbers, searched from its first occurrence) change no result of its patterns."""
    from recognizers.id_document import IdDocumentRecognizer

    recognizer, rng, found = IdDocumentRecognizer(), random.Random(19), 0
    for _ in range(3000):
        text = "".join(rng.choice(ID_PIECES) + rng.choice(["", " ", " ", "\n"]) for _ in range(rng.randint(1, 20)))
        expected = sorted((r.start, r.end, r.score) for r in PatternRecognizer.analyze(recognizer, text, []))
        assert sorted((r.start, r.end, r.score) for r in DutchPatternRecognizer.analyze(recognizer, text, [])) == (
            expected), text
        found += len(expected)
    assert found > 1000


def test_no_iban_of_a_country_outside_the_registry_is_valid() -> None:
    """Why IbanRecognizer does not validate a candidate of an unknown country: even with the right check
    digits, stdnum refuses it, with and without its country check."""
    assert known_country("NL") and known_country("BE")
    for country in ("OP", "ZZ", "EU"):
        number = country + stdnum_iban.calc_check_digits(country + "00ABNA0417164300") + "ABNA0417164300"
        assert not known_country(country)
        assert not stdnum_iban.is_valid(number) and not stdnum_iban.is_valid(number, check_country=False)


def test_glued_before_reads_two_characters() -> None:
    """PhoneRecognizer searches GLUED_BEFORE only in the GLUED_REACH characters before a number."""
    glued, reach = PhoneRecognizer.GLUED_BEFORE, PhoneRecognizer.GLUED_REACH
    for length in range(5):
        for chars in itertools.product(["a", "1", "/", "-", " ", "\n", ".", "é", "_"], repeat=length):
            text = "".join(chars)
            for start in range(len(text) + 1):
                assert bool(glued.search(text, 0, start)) == bool(glued.search(text, max(0, start - reach), start))


def test_no_phone_number_of_four_digits_is_valid() -> None:
    """Why a candidate shorter than PhoneRecognizer.MIN_CANDIDATE_LENGTH need not be parsed: split at its
    punctuation it could only hold a number of four digits or fewer, and no such number is valid (nor
    is any candidate of four digits or fewer, which `_DutchMatcher._parse_and_verify` does not parse)."""
    assert PhoneRecognizer.MIN_CANDIDATE_LENGTH <= min(PhoneRecognizer.MIN_NATIONAL_DIGITS,
                                                       PhoneRecognizer.MIN_FOREIGN_DIGITS)
    for length in range(1, 5):
        for digits in itertools.product("0123456789", repeat=length):
            for lead in ("", "+", "(", "(+"):
                try:
                    number = phonenumbers.parse(lead + "".join(digits), PhoneRecognizer.REGION)
                except phonenumbers.NumberParseException:
                    continue
                assert not phonenumbers.is_valid_number(number), lead + "".join(digits)


def test_fold_equals_the_per_character_fold() -> None:
    rng = random.Random(19)
    chars = [chr(i) for i in range(0x3000)] + ["ﬁ", "Å", "\u0301", "Ĳ"]
    text = "".join(rng.choice(chars) for _ in range(50_000)) + "Één café, Çağlar, Müller"
    for keep_case in (False, True):
        slow = "".join(_fold_char(c) if ord(c) > 127 else c for c in text)
        assert fold(text, keep_case) == (slow if keep_case else slow.lower())
    assert fold("Één café") == "een cafe"


def test_suffix_tests_equal_the_endswith_definitions() -> None:
    lex = default_lexicon()
    words = sorted(lex.first_names | lex.surnames | lex.org_words)[:20_000]
    words += [p + s for s in sorted(lex.org_nouns) + list(lex.non_name_suffixes) for p in ("", "x", "xy", "xyz")]
    for word in words:
        low = word.lower()
        assert lex.is_org_noun(low) == (low in lex.org_nouns or any(
            low.endswith(n) and len(low) > len(n) + 2 for n in lex.org_nouns))
        if low not in lex.non_name_suffixes:
            assert lex.has_place_suffix(word) == any(
                low.endswith(s) and len(low) > len(s) + 2 for s in lex.non_name_suffixes)


def test_a_text_mail_loads_no_document_libraries(tmp_path: Path) -> None:
    """Start: a text mail's scan never imports the PDF, spreadsheet, Outlook or redaction engines."""
    code = (
        "import sys, json; from scanner.cli import main\n"
        "try:\n    main(['scan', 'samples/01_pass_ind_to_dtv_vnummer.eml', '--format', 'json'])\n"
        "except SystemExit:\n    pass\n"
        "heavy = ['pikepdf', 'pypdfium2', 'openpyxl', 'extract_msg', 'pypdf', 'docx', 'fitz', 'redaction.api']\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))\n"
    )
    env = {**os.environ, "VERZENDCHECK_CACHE": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=300, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []


def _run_python(code: str, tmp_path: Path) -> list:
    env = {**os.environ, "VERZENDCHECK_CACHE": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=300, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_a_scan_imports_none_of_presidios_predefined_recognizers(tmp_path: Path) -> None:
    """Start: Presidio's ~200 country-specific recognizers (its package __init__) are never imported."""
    code = (
        "import sys, json; from scanner.cli import main\n"
        "try:\n    main(['scan', 'samples/01_pass_ind_to_dtv_vnummer.eml', '--format', 'json'])\n"
        "except SystemExit:\n    pass\n"
        "print(json.dumps([m for m in sys.modules if m.startswith('presidio_analyzer.predefined_recognizers.')"
        " and not m.startswith('presidio_analyzer.predefined_recognizers.nlp_engine_recognizers')"
        "]))\n"
    )
    assert _run_python(code, tmp_path) == []


def test_the_light_modules_import_neither_spacy_nor_presidio(tmp_path: Path) -> None:
    """`verzendcheck --help` and the front ends' parent processes stay light: the import hook loads nothing."""
    code = ("import sys, json, scanner.cli\n"
            "print(json.dumps(['spacy' in sys.modules, 'presidio_analyzer' in sys.modules]))\n")
    assert _run_python(code, tmp_path) == [False, False]


def test_the_rest_of_presidio_loads_on_first_need(tmp_path: Path) -> None:
    """After the short import, every public name of both packages is there on request, as the same classes."""
    code = (
        "import json, scanner.core, presidio_analyzer as pa\n"
        "from presidio_analyzer import BatchAnalyzerEngine, AnalyzerEngineProvider\n"
        "from presidio_analyzer.predefined_recognizers import EmailRecognizer, SpacyRecognizer\n"
        "from presidio_analyzer.recognizer_registry import RecognizerRegistry\n"
        "from presidio_analyzer.predefined_recognizers.nlp_engine_recognizers import spacy_recognizer\n"
        "import presidio_analyzer.predefined_recognizers as pr\n"
        "missing = [n for n in pa.__all__ if not hasattr(pa, n)] + [n for n in pr.__all__ if not hasattr(pr, n)]\n"
        "same = [pa.RecognizerRegistry is RecognizerRegistry, SpacyRecognizer is spacy_recognizer.SpacyRecognizer]\n"
        "print(json.dumps([missing, same]))\n"
    )
    assert _run_python(code, tmp_path) == [[], [True, True]]


_PREDEFINED = (
    "from presidio_analyzer import RecognizerRegistry\n"
    "registry = RecognizerRegistry(); registry.load_predefined_recognizers(languages=['en'])\n"
    "print(json.dumps(sorted(type(r).__name__ for r in registry.recognizers)))\n"
)


def test_presidios_default_recognizers_load_as_after_a_plain_import(tmp_path: Path) -> None:
    """Presidio's own defaults (found among the imported subclasses) are complete: the bench's plain Presidio."""
    plain = _run_python("import json\n" + _PREDEFINED, tmp_path)
    after_ours = _run_python("import json, scanner.core\n" + _PREDEFINED, tmp_path)
    assert "EmailRecognizer" in plain and "CreditCardRecognizer" in plain
    assert after_ours == plain


@pytest.mark.parametrize("first", [
    "from presidio_analyzer.nlp_engine import NlpArtifacts",  # scanner/eval_ner.py's first contact
    "from presidio_analyzer.analyzer_engine import AnalyzerEngine",
    "from presidio_analyzer.recognizer_registry import RecognizerRegistryProvider",
])
def test_any_presidio_submodule_can_be_imported_first(first: str, tmp_path: Path) -> None:
    """Presidio's modules import each other in circles that only its own order resolves: kept whatever comes first."""
    code = f"import json, sys, recognizers\n{first}\nprint(json.dumps('presidio_analyzer' in sys.modules))\n"
    assert _run_python(code, tmp_path) is True


def test_a_scan_imports_no_spacy_cli(tmp_path: Path) -> None:
    """Start: spaCy's CLI (weasel, typer, httpx, rich), which spaCy's __init__ imports for `spacy.info`, is not loaded."""
    code = (
        "import sys, json; from scanner.cli import main\n"
        "try:\n    main(['scan', 'samples/01_pass_ind_to_dtv_vnummer.eml', '--format', 'json'])\n"
        "except SystemExit:\n    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('spacy.cli', 'weasel', 'typer')))))\n"
    )
    assert _run_python(code, tmp_path) == []


_SPACY_CLI = (
    "import spacy, sys\n"
    "info = spacy.info(silent=True)\n"
    "first = 'spacy.cli' in sys.modules\n"
    "download = spacy.cli.download\n"  # as Presidio reads it, without importing spacy.cli itself
    "from spacy.cli import setup_cli, info as cli_info\n"
    "print(json.dumps([sorted(info)[:3], download.__module__, cli_info is sys.modules['spacy.cli.info'].info,\n"
    "                  callable(setup_cli), spacy.cli is sys.modules['spacy.cli']]))\n"
)


def test_spacys_cli_works_after_the_deferred_import(tmp_path: Path) -> None:
    """`spacy.info`, `spacy.cli.download` (Presidio's model download) and `from spacy.cli import ...` answer
    exactly as after a plain `import spacy`."""
    plain = _run_python("import json\n" + _SPACY_CLI, tmp_path)
    after_ours = _run_python("import json, recognizers\n" + _SPACY_CLI, tmp_path)
    assert plain[1] == "spacy.cli.download" and plain[2:] == [True, True, True]
    assert after_ours == plain


def test_the_deferred_spacy_cli_is_imported_only_when_asked(tmp_path: Path) -> None:
    code = ("import json, sys, recognizers, spacy\n"
            "before = 'spacy.cli' in sys.modules or 'cli' in vars(spacy)\n"
            "spacy.info(silent=True)\n"
            "print(json.dumps([before, 'spacy.cli' in sys.modules]))\n")
    assert _run_python(code, tmp_path) == [False, True]


def test_the_start_does_not_run_the_garbage_collector_over_the_models(tmp_path: Path) -> None:
    """Start: importing and building the models allocate millions of objects for the life of the process; the
    cyclic collector ran ~380 times over them (0.12 s of a 1.5 s start). Now it is paused for those phases,
    and the models are frozen out of later full collections."""
    code = (
        "import gc, json, sys\n"
        "runs = []\n"
        "gc.callbacks.append(lambda phase, info: runs.append(info['generation']) if phase == 'start' else None)\n"
        "from scanner.cli import main\n"
        "try:\n    main(['scan', 'samples/01_pass_ind_to_dtv_vnummer.eml', '--format', 'json'])\n"
        "except SystemExit:\n    pass\n"
        "print(json.dumps([len(runs), runs.count(2), gc.get_freeze_count() > 100_000, gc.get_threshold()[0]]))\n"
    )
    runs, full, frozen, threshold = _run_python(code, tmp_path)
    assert runs < 100 and full == 0 and frozen
    assert threshold == gc.get_threshold()[0]  # the collector is back on, as it was


def test_paused_gc_holds_even_when_a_library_turns_the_collector_on() -> None:
    """srsly (the model's reader) calls gc.enable() after every read: the pause must survive it."""
    from recognizers.fastload import paused_gc

    before = gc.get_threshold()
    with paused_gc():
        gc.enable()
        assert gc.get_threshold()[0] == 0
    assert gc.get_threshold() == before
