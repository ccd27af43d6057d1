"""Builds the Dutch NLP pipeline and the Presidio AnalyzerEngine, once per process."""

from __future__ import annotations

import importlib
import re
import threading
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cached_property, lru_cache
from itertools import chain
from operator import itemgetter

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.attrs import IDX, LOWER
from spacy.language import Language
from spacy.tokens import Doc

from recognizers.fastload import paused_gc
from recognizers.lemmas import dutch_lemmas
from recognizers.person_model import SOURCE_TEXT_KEY, build_person_pipeline
from recognizers.registry import RECOGNIZERS

LANGUAGE = "nl"
# Presidio's default adds IGNORECASE, which makes `[A-Z]{2}` match "om"; our
# patterns state their own case rules.
REGEX_FLAGS = re.DOTALL | re.MULTILINE
# Results below this score are not findings.
SCORE_THRESHOLD = 0.5


class DutchNlpEngine(SpacyNlpEngine):
    """A SpacyNlpEngine around a pipeline built in code instead of a hub model."""

    def __init__(self, nlp: Language) -> None:
        super().__init__(
            models=[{"lang_code": LANGUAGE, "model_name": "verzendcheck-nl"}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping={"PER": "PERSON", "PERSON": "PERSON"},
                labels_to_ignore=["LOC", "ORG", "MISC"],
                low_score_entity_names=[],
            ),
        )
        self.nlp = {LANGUAGE: nlp}

    def load(self) -> None:  # the pipeline is built already; never download
        return None

    @cached_property
    def _keyword_cache(self) -> dict[str, bool]:
        return {}

    def is_keyword(self, lemma: str) -> bool:
        """Presidio's keyword test (not a stop word, not punctuation), remembered per string."""
        known = self._keyword_cache.get(lemma)
        if known is None:
            if len(self._keyword_cache) > 500_000:  # a long-running server sees ever new strings
                self._keyword_cache.clear()
            known = self._keyword_cache[lemma] = not (
                self.is_stopword(lemma, LANGUAGE) or self.is_punct(lemma, LANGUAGE) or lemma in ("-PRON-", "be")
            )
        return known

    @cached_property
    def lemma_memo(self) -> _LemmaMemo:
        return _LemmaMemo(self)

    def process_batch(self, texts: Iterable[str], language: str, batch_size: int = 1, n_process: int = 1,
                      as_tuples: bool = False) -> Iterator[tuple[str, NlpArtifacts]]:
        """Presidio's process_batch, handing back the texts given instead of rebuilding each from its Doc.

        Each doc keeps its text too (`person_model.source_text`).
        """
        if as_tuples or n_process != 1:
            yield from super().process_batch(texts, language, batch_size, n_process, as_tuples)
            return
        texts = [str(text) for text in texts]
        docs = self.nlp[language].pipe(texts, batch_size=batch_size)
        for text, doc in zip(texts, docs, strict=True):
            doc.user_data[SOURCE_TEXT_KEY] = text  # the recognizers check it without a Doc.text join
            yield text, self._doc_to_nlp_artifact(doc, language)

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        return LazyNlpArtifacts(doc, self, language)


class _LemmaMemo(dict):
    """What the context step needs of a word, by the hash of its lower-case form (spaCy's LOWER):
    its lemma and the keyword parts Presidio makes of that lemma (none for a stop word).

    A word's lemma and keyword parts depend on the word only, and the same words come back in
    every text: read once per process instead of once per token of every text that needs context
    (a string decoded from the StringStore, a lookup, Presidio's keyword test, `lower`, `split`).
    """

    LIMIT = 500_000  # a long-running server sees ever new words

    def __init__(self, engine: DutchNlpEngine) -> None:
        super().__init__()
        self._engine = engine

    def __missing__(self, key: int) -> tuple[str, tuple[str, ...]]:
        if len(self) > self.LIMIT:
            self.clear()
        strings = self._engine.nlp[LANGUAGE].vocab.strings
        low = strings[key]
        lemma = dutch_lemmas().lookup.get(low, low)  # recognizers.lemmas.lemma, inlined
        parts = tuple(lemma.lower().split(":")) if self._engine.is_keyword(lemma) else ()
        self[key] = found = (lemma, parts)
        return found


class _Keywords(list):
    """Presidio's keyword list, with a set behind `in` (Presidio asks it once per context word)."""

    def __init__(self, words: list[str]) -> None:
        super().__init__(words)
        self._set = frozenset(words)

    def __contains__(self, word: object) -> bool:
        return word in self._set


class LazyNlpArtifacts(NlpArtifacts):
    """Presidio's NlpArtifacts whose per-token lists are made when first read, not for every text.

    Only the context enhancer reads lemmas and keywords, and only for a result of a recognizer with
    context words: most texts never need them. The lemmas are spaCy's Dutch lookup lemmatizer's
    (`recognizers.lemmas.lemma`), so the pipeline runs no lemmatizer. No recognizer of ours reads
    the NER entities and their scores (PersonRecognizer reads the doc), so they are lazy too.
    """

    def __init__(self, doc: Doc, engine: DutchNlpEngine, language: str) -> None:
        self.tokens = doc
        self.nlp_engine = engine
        self.language = language

    @cached_property
    def _entities_scores(self) -> tuple[list, list[float]]:
        engine, doc = self.nlp_engine, self.tokens
        return engine._get_updated_entities(engine._get_entities(doc), engine._get_scores_for_entities(doc))

    @cached_property
    def entities(self) -> list:
        return self._entities_scores[0]

    @cached_property
    def scores(self) -> list[float]:
        scores = self._entities_scores[1]
        return scores if scores else [0.85] * len(self.entities)  # as NlpArtifacts.__init__

    @cached_property
    def tokens_indices(self) -> list[int]:
        return self.tokens.to_array(IDX).tolist()

    @cached_property
    def _words(self) -> list[tuple[str, tuple[str, ...]]]:
        """Each token's lemma and keyword parts (`_LemmaMemo`), by its lower-case form: the Doc's LOWER
        array, read without making a Token object per token."""
        return list(map(self.nlp_engine.lemma_memo.__getitem__, self.tokens.to_array(LOWER).tolist()))

    @cached_property
    def lemmas(self) -> list[str]:
        return list(map(itemgetter(0), self._words))

    @cached_property
    def keywords(self) -> list[str]:
        """Presidio's `set_keywords`: the lower-cased lemmas that are keywords, split on ":", in token order
        (each token's parts joined in C)."""
        return _Keywords(list(chain.from_iterable(map(itemgetter(1), self._words))))


class _RecognizerIndex:
    """What the context step reads of a list of recognizers, made once per list (`recognizer_index`):
    each recognizer's id (Presidio makes a dict of all of them for every text), whether it has a context
    step of its own (most keep `EntityRecognizer.enhance_using_context`, which hands its results back
    as they are), and the recognizers by id."""

    def __init__(self, recognizers: tuple[EntityRecognizer, ...]) -> None:
        base_step = EntityRecognizer.enhance_using_context
        self.order = [
            (recognizer.id, recognizer, getattr(recognizer.enhance_using_context, "__func__", None) is not base_step)
            for recognizer in recognizers
        ]
        self.by_id = {recognizer_id: recognizer for recognizer_id, recognizer, _ in self.order}


@lru_cache(maxsize=8)
def recognizer_index(recognizers: tuple[EntityRecognizer, ...]) -> _RecognizerIndex:
    """The `_RecognizerIndex` of these recognizers (the same objects in the same order for every text)."""
    return _RecognizerIndex(recognizers)


class _Shared(list):
    """A result list that `copy.deepcopy` copies shallowly: the same result objects in a new list."""

    def __deepcopy__(self, memo: dict) -> list:
        return list(self)


class DutchContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's lemma context enhancer; finds a result's token by binary search, not a walk over
    the Doc, and scores the results in place instead of deep-copying them first (the engine drops
    the originals right after: the same answer, without copying every explanation).

    A result already at MAX_SCORE is not looked at: a context word can only raise a score, to at most
    MAX_SCORE, so its score cannot change (only the explanation would name the context word, and the
    analyzer drops explanations unless asked for its decision process, which the scanner never is).
    Most such results are e-mail addresses in signatures, and without them most texts need no lemmas.
    Nor are the results Presidio passes over (`_may_change`): most are names and special data, whose
    recognizers have no context words, and without them most texts need no call to Presidio's step
    (a deep copy, a dict of all recognizers, a debug log per result).
    """

    def enhance_using_context(self, text: str, raw_results: list, nlp_artifacts: NlpArtifacts,
                              recognizers: list, context: list[str] | None = None) -> list:
        if not raw_results:
            return []
        by_id = recognizer_index(tuple(recognizers)).by_id
        open_results = [result for result in raw_results if self._may_change(result, by_id)]
        if open_results:  # scored in place: the results handed back are the same objects
            super().enhance_using_context(text, _Shared(open_results), nlp_artifacts, recognizers, context)
        return list(raw_results)

    def _may_change(self, result: RecognizerResult, by_id: dict[str, EntityRecognizer]) -> bool:
        """Whether Presidio's step may raise `result`: it skips (with a debug log) a result of no known
        recognizer, of a recognizer without context words, or already raised by its recognizer."""
        if result.score == self.MAX_SCORE or not result.recognition_metadata:
            return False
        recognizer = by_id.get(result.recognition_metadata.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY))
        return bool(recognizer and recognizer.context
                    and not result.recognition_metadata.get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY))

    @staticmethod
    def _find_index_of_match_token(word: str, start: int, tokens, tokens_indices: list[int]) -> int:
        """Presidio's token of a result: the first with idx == start or start < idx + len(token), found by
        a binary search over the token starts and the length of one token, not a walk over the tokens.

        Tokens do not overlap, so their ends only grow and that is the first token that ends after
        `start`: the last one that starts at or before it, if it reaches past `start`, else the next."""
        index = max(bisect_right(tokens_indices, start) - 1, 0)
        if index < len(tokens_indices) and start >= tokens_indices[index] + len(tokens[index]):
            index += 1
        if index >= len(tokens_indices):
            raise ValueError(f"Did not find word '{word}' in the list of tokens although it is expected to be found")
        return index


class DutchRecognizerRegistry(RecognizerRegistry):
    """Presidio's registry; the list of all recognizers of a language is made once, not for every text.

    `AnalyzerEngine.analyze` asks for it twice per text (for the recognizers to run and, through
    `get_supported_entities`, for the entities), and Presidio copies and filters the registry each
    time. The list is kept with the recognizers it was made from: adding or removing one makes it anew.
    """

    _all_of_language: tuple[tuple, list[EntityRecognizer]] = ((), [])  # (made from, the list)

    def get_recognizers(self, language: str, entities: list[str] | None = None, all_fields: bool = False,
                        ad_hoc_recognizers: list[EntityRecognizer] | None = None) -> list[EntityRecognizer]:
        if not all_fields or ad_hoc_recognizers:
            return super().get_recognizers(language, entities, all_fields, ad_hoc_recognizers)
        made_from, recognizers = self._all_of_language
        if made_from != (language, *self.recognizers):
            recognizers = super().get_recognizers(language, all_fields=True)
            self._all_of_language = ((language, *self.recognizers), recognizers)
        return list(recognizers)


class DutchAnalyzerEngine(AnalyzerEngine):
    """Presidio's AnalyzerEngine, without per-text work whose answer does not change between texts.

    The supported entities are collected once (kept with the recognizers they came from, as in
    `DutchRecognizerRegistry`), and the context step groups the results by recognizer in one pass.
    """

    _entities: tuple[tuple, list[str]] = ((), [])  # (made from, the entities)

    def get_supported_entities(self, language: str | None = None) -> list[str]:
        made_from, entities = self._entities
        if made_from != (language, *self.registry.recognizers):
            entities = super().get_supported_entities(language)
            self._entities = ((language, *self.registry.recognizers), entities)
        return list(entities)

    def _enhance_using_context(self, text: str, raw_results: list[RecognizerResult], nlp_artifacts: NlpArtifacts,
                               recognizers: list[EntityRecognizer], context: list[str] | None = None
                               ) -> list[RecognizerResult]:
        """Presidio's: each recognizer's own context step over its results, in recognizer order, then the
        lemma context enhancer. Presidio splits the results with two list comprehensions per recognizer
        (fifteen, most without a result in a text); here one pass groups them, a recognizer without
        results is not asked (its step scores its own results, and it has none), and one without a step
        of its own (`EntityRecognizer.enhance_using_context` hands its results back) not either. The
        recognizers' ids are read once per recognizer list (`recognizer_index`), not per text."""
        if not raw_results:  # a third of the texts: nothing to score
            return []
        own: dict[str, list[RecognizerResult]] = defaultdict(list)
        for result in raw_results:
            own[result.recognition_metadata[RecognizerResult.RECOGNIZER_IDENTIFIER_KEY]].append(result)
        results = []
        for recognizer_id, recognizer, has_step in recognizer_index(tuple(recognizers)).order:
            if recognizer_id not in own:
                continue
            if not has_step:
                results.extend(own[recognizer_id])
                continue
            others = [r for r in raw_results
                      if r.recognition_metadata[RecognizerResult.RECOGNIZER_IDENTIFIER_KEY] != recognizer_id]
            results.extend(recognizer.enhance_using_context(
                text=text, raw_recognizer_results=own[recognizer_id], other_raw_recognizer_results=others,
                nlp_artifacts=nlp_artifacts, context=context))
        return self.context_aware_enhancer.enhance_using_context(
            text=text, raw_results=results, nlp_artifacts=nlp_artifacts, recognizers=recognizers, context=context)


def build_nlp() -> Language:
    """The trained PER model's pipeline (spaCy's blank Dutch tokenizer, the NER) with a sentence splitter.

    No lemmatizer: the lemmas Presidio reads come from `LazyNlpArtifacts`, when it reads them.
    """
    return build_person_pipeline(lemmatizer=False)


def _load_recognizer(path: str):
    module, _, cls = path.rpartition(".")
    return getattr(importlib.import_module(module), cls)()


_lock = threading.Lock()
# spaCy's Vocab and StringStore are not thread-safe: two threads making Docs at once can
# corrupt them (CI saw a segfault in Language.pipe). Whoever runs the pipeline, or reads
# the Docs it made through the recognizers, holds this lock; ingest and rules run outside it.
ANALYSIS_LOCK = threading.RLock()


@lru_cache(maxsize=1)
@paused_gc(freeze=True)
def _build() -> DutchAnalyzerEngine:
    nlp_engine = DutchNlpEngine(build_nlp())
    registry = DutchRecognizerRegistry(supported_languages=[LANGUAGE])
    for path in RECOGNIZERS:
        registry.add_recognizer(_load_recognizer(path))
    return DutchAnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE],
                               context_aware_enhancer=DutchContextEnhancer())


def get_analyzer() -> DutchAnalyzerEngine:
    """The process-wide analyzer; built on first use, safe to share between threads."""
    with _lock:
        return _build()
