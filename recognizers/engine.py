"""Builds the Dutch NLP pipeline and the Presidio AnalyzerEngine, once per process."""

from __future__ import annotations

import importlib
import re
import threading
from functools import lru_cache

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from spacy.language import Language

from recognizers.person_model import build_person_pipeline
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


def build_nlp() -> Language:
    """Blank Dutch tokenizer, sentence splitter, lookup lemmatizer and the trained person NER."""
    return build_person_pipeline()


def _load_recognizer(path: str):
    module, _, cls = path.rpartition(".")
    return getattr(importlib.import_module(module), cls)()


_lock = threading.Lock()
# spaCy's Vocab and StringStore are not thread-safe: two threads making Docs at once can
# corrupt them (CI saw a segfault in Language.pipe). Whoever runs the pipeline, or reads
# the Docs it made through the recognizers, holds this lock; ingest and rules run outside it.
ANALYSIS_LOCK = threading.RLock()


@lru_cache(maxsize=1)
def _build() -> AnalyzerEngine:
    nlp_engine = DutchNlpEngine(build_nlp())
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for path in RECOGNIZERS:
        registry.add_recognizer(_load_recognizer(path))
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE])


def get_analyzer() -> AnalyzerEngine:
    """The process-wide analyzer; built on first use, safe to share between threads."""
    with _lock:
        return _build()
