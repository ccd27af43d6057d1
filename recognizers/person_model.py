"""Load the trained Dutch PER model and add its NER component to a spaCy pipeline."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL_DIR = Path(__file__).resolve().parent / "models" / "person_nl"
NER_LABEL = "PER"
# Key in Doc.user_data of the text the doc was made from (set by the NLP engine's process_batch).
SOURCE_TEXT_KEY = "verzendcheck.source_text"


def source_text(doc: Doc) -> str:
    """The text `doc` was made from: the one kept in its user_data, else rebuilt from its tokens.

    Doc.text joins every token's text and trailing whitespace anew at each read; the kept string
    costs nothing.
    """
    kept = doc.user_data.get(SOURCE_TEXT_KEY)
    return doc.text if kept is None else kept


@lru_cache(maxsize=1)
def load_person_model() -> Language:
    """The trained pipeline (tokenizer + ner), loaded once per process."""
    return spacy.load(MODEL_DIR)


def add_person_ner(nlp: Language, name: str = "ner") -> Language:
    """Add the trained PER component to `nlp` (a spacy.blank("nl") pipeline) and return it.

    Call it after `nlp.initialize()` (or after initialising the lemmatizer on its
    own): initialising the whole pipeline again would reset the NER weights.
    """
    nlp.add_pipe("ner", name=name, source=load_person_model())
    return nlp


def build_person_pipeline(lemmatizer: bool = True, sentencizer: bool = True) -> Language:
    """The production pipeline: blank Dutch tokenizer, sentence splitter, lookup lemmatizer, PER NER.

    The analyzer engine leaves out the lemmatizer (its lemmas are read from the lookup table only
    where Presidio needs them); the PER evaluation and a recognizer called without NLP artifacts
    may leave out the parts they do not need.
    """
    # The model loaded once, without its saved tokenizer: that equals spacy.blank("nl")'s, which
    # the config builds; loading it as well would build the tokenizer's special cases twice over.
    # The string store is left out too: the NER hashes its features, and new strings are added as met.
    nlp = spacy.load(MODEL_DIR, exclude=["tokenizer", "vocab"])
    if sentencizer:
        nlp.add_pipe("sentencizer", before="ner")
    if lemmatizer:
        from spacy.lookups import Lookups

        from recognizers.lemmas import dutch_lemmas

        lookups = Lookups()
        lookups.add_table("lemma_lookup", dutch_lemmas().lookup)
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"}, before="ner").initialize(lookups=lookups)
    return nlp
