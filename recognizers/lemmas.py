"""The Dutch lemma tables of spacy-lookups-data as plain Python data, built once and cached.

One copy serves both readers: the lemmas Presidio's context words are compared with (`lemma`,
spaCy's Dutch lookup lemmatizer) and the person rules' test for ordinary Dutch words.
`recognizers.fastload` keeps the built data between processes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from recognizers import fastload

TABLES = ("lemma_lookup", "lemma_index")


@dataclass(frozen=True)
class DutchLemmas:
    lookup: dict[str, str]  # inflected form -> lemma, as spaCy's lookup lemmatizer reads it
    lemmas: frozenset[str]  # lower-case lemmas of both tables
    inflected: frozenset[str]  # lower-case lemmas that have inflected forms in the lookup table


def _table_paths() -> dict[str, Path]:
    from spacy.util import registry

    paths = registry.lookups.get("nl")
    return {table: Path(paths[table]) for table in TABLES}


def _sources() -> list[Path]:
    """The files the tables are read from (spaCy reads `x.json` as `x.json.gz` when only that exists)."""
    tables = [p if p.exists() else p.with_name(p.name + ".gz") for p in _table_paths().values()]
    return [Path(__file__), *tables]


def _build() -> dict:
    from spacy.util import load_language_data

    # Equal strings made one object: marshal then stores each once and the cache loads faster.
    intern = sys.intern
    paths = _table_paths()
    lookup = {intern(str(k)): intern(str(v)) for k, v in load_language_data(paths["lemma_lookup"]).items()}
    inflected = {intern(lemma.lower()) for lemma in lookup.values()}
    lemmas = set(inflected)
    for words in load_language_data(paths["lemma_index"]).values():
        lemmas.update(intern(str(word).lower()) for word in words)
    return {"lookup": lookup, "lemmas": frozenset(lemmas), "inflected": frozenset(inflected)}


# What `python -m recognizers.fastload` builds into the package: (name, sources, build, serializer).
CACHED = [("nl_lemmas", _sources, _build, "plain")]


@lru_cache(maxsize=1)
def dutch_lemmas() -> DutchLemmas:
    return DutchLemmas(**fastload.cached("nl_lemmas", _sources(), _build, serializer="plain"))


def lemma(text: str) -> str:
    """The lemma spaCy's Dutch lookup lemmatizer gives a token (DutchLemmatizer.lookup_lemmatize:
    the table's keys are lower case, so the lower-cased form is looked up and kept when absent)."""
    low = text.lower()
    return dutch_lemmas().lookup.get(low, low)
