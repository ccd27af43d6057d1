"""PERSON recognizer: names of natural persons of any origin, from the NER model, titles/anchors and name lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.nl.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from recognizers.person_model import NER_LABEL, add_person_ner, build_person_pipeline

__all__ = ["NameLexicon", "PersonRecognizer", "PersonSpan", "add_person_ner", "find_persons"]

DATA_DIR = Path(__file__).resolve().parent / "data" / "names"

TITLE_SCORE = 0.95  # after a title or in a "Naam:" field
HEADER_SCORE = 0.9  # "KARIMI, Ahmad"
ROLE_SCORE = 0.85  # after a role noun or greeting ("tolk", "minister", "Beste")
GAZETTEER_SCORE = 0.85  # a listed first name followed by a surname
MODEL_SCORE = 0.8  # the NER model alone
REPEAT_SCORE = 0.8  # a surname already found elsewhere in the same text

INITIAL = re.compile(r"^(?:[A-Z][a-z]?\.){1,4}$|^(?:Th|Chr|Joh|Wm|Ph|Fr|Jac)\.$")
ALL_CAPS_MIN = 4  # all-caps tokens shorter than this are acronyms unless listed as names
MAX_NAME_TOKENS = 6
NEUTRAL_CAPITALISED = {"en", "of", "de", "het", "een"}


def _read(path: Path) -> list[str]:
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.strip()
        if entry and not entry.startswith("#"):
            entries.append(entry)
    return entries


PhraseIndex = dict[str, tuple[tuple[str, ...], ...]]


def _phrases(entries: Iterable[str], strip_dots: bool = True) -> PhraseIndex:
    """Lower-case token tuples by first word, longest first; trailing dots dropped ("dhr." == "dhr")."""
    phrases = {tuple(w.rstrip(".") if strip_dots else w for w in entry.lower().split()) for entry in entries}
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):
        index.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(group) for first, group in index.items()}


class _DutchWords:
    """Dutch lemmas and inflected forms from spacy-lookups-data: words that are no name on their own."""

    def __init__(self) -> None:
        from spacy.lookups import load_lookups

        lookups = load_lookups("nl", ["lemma_index", "lemma_lookup"])
        self.forms = lookups.get_table("lemma_lookup")
        lemmas = {str(lemma).lower() for lemma in self.forms.values()}
        for words in lookups.get_table("lemma_index").values():
            lemmas.update(str(word).lower() for word in words)
        self.lemmas = frozenset(lemmas)

    def __contains__(self, word: str) -> bool:
        return word in self.lemmas or word in self.forms


@lru_cache(maxsize=1)
def _dutch_words() -> _DutchWords:
    return _DutchWords()


@dataclass(frozen=True)
class NameLexicon:
    """The name lists and anchor phrases in recognizers/data/names."""

    first_names: frozenset[str]
    surnames: frozenset[str]
    ambiguous: frozenset[str]
    prefixes: PhraseIndex
    not_names: frozenset[str]
    titles: PhraseIndex
    roles: PhraseIndex
    labels: PhraseIndex
    non_name_suffixes: tuple[str, ...]

    @classmethod
    def load(cls, directory: Path = DATA_DIR) -> NameLexicon:
        def lower_set(pattern: str) -> frozenset[str]:
            return frozenset(e.lower() for path in sorted(directory.glob(pattern)) for e in _read(path))

        return cls(
            first_names=lower_set("first_names_*.txt"),
            surnames=frozenset(part for name in lower_set("surnames_*.txt") for part in name.split()),
            ambiguous=lower_set("ambiguous_names.txt"),
            prefixes=_phrases(_read(directory / "surname_prefixes.txt"), strip_dots=False),
            not_names=lower_set("not_names.txt"),
            titles=_phrases(_read(directory / "person_titles.txt")),
            roles=_phrases(_read(directory / "person_roles.txt")),
            labels=_phrases(_read(directory / "name_labels.txt")),
            non_name_suffixes=tuple(e.lower() for e in _read(directory / "non_name_suffixes.txt")),
        )

    def is_listed(self, word: str) -> bool:
        low = word.lower()
        return low in self.first_names or low in self.surnames

    def has_place_suffix(self, word: str) -> bool:
        """ "Wittlaan", "Boudewijnstadion": a street or building named after someone."""
        low = word.lower()
        if low in self.non_name_suffixes:
            return low not in self.surnames
        return any(low.endswith(suffix) and len(low) > len(suffix) + 2 for suffix in self.non_name_suffixes)

    def is_common_word(self, word: str) -> bool:
        low = word.lower()
        return low in STOP_WORDS or low in _dutch_words() or low in self.not_names


@dataclass(frozen=True)
class PersonSpan:
    """A found name: token span in the doc, score and the evidence that found it."""

    start: int
    end: int
    score: float
    source: str


class _Matcher:
    """The rules over one tokenised text."""

    def __init__(self, doc: Doc, lexicon: NameLexicon) -> None:
        self.doc = doc
        self.lex = lexicon
        self.n = len(doc)

    # token tests -------------------------------------------------------

    def is_initial(self, token: Token) -> bool:
        return bool(INITIAL.match(token.text))

    def is_name_token(self, token: Token) -> bool:
        """A capitalised word that can be (part of) a name."""
        text = token.text
        if not text[:1].isupper() or not any(c.isalpha() for c in text) or token.like_num:
            return False
        if any(c.isdigit() for c in text) or "@" in text or "/" in text:
            return False
        low = text.lower()
        if low in self.lex.not_names or low in STOP_WORDS or self.lex.has_place_suffix(low):
            return False
        if self.is_initial(token):
            return False
        if text.isupper() and len(text) < ALL_CAPS_MIN and not self.lex.is_listed(text):
            return False
        return (low.rstrip("."),) not in self.lex.titles.get(low.rstrip("."), ())

    def is_lower_name(self, token: Token, first_after_title: bool) -> bool:
        """A lower-case word that is a name (lower-case mail): listed, or right after a title."""
        text = token.text
        if not text.isalpha() or not text.islower() or len(text) < 2 or self.lex.is_common_word(text):
            return False
        return first_after_title or (self.lex.is_listed(text) and text not in self.lex.ambiguous)

    def phrase_at(self, i: int, phrases: PhraseIndex) -> int:
        """End index of the longest phrase starting at token i (a dot after it is included), else i."""
        for phrase in phrases.get(self.doc[i].lower_.rstrip("."), ()):
            end = i + len(phrase)
            if end > self.n:
                continue
            if all(self.doc[i + k].lower_.rstrip(".") == word for k, word in enumerate(phrase)):
                if end < self.n and self.doc[end].text == "." and not self.doc[end - 1].text.endswith("."):
                    end += 1
                return end
        return i

    def prefix_at(self, i: int) -> int:
        """End index of a surname prefix ("van der", "El", "d'") at token i, else i."""
        for phrase in self.lex.prefixes.get(self.doc[i].lower_, ()):
            end = i + len(phrase)
            if end <= self.n and all(self.doc[i + k].lower_ == word for k, word in enumerate(phrase)):
                return end
        return i

    # name runs ---------------------------------------------------------

    def name_run(self, i: int, allow_lower: bool = False, lower_prefix_start: bool = True) -> int:
        # lower_prefix_start=False: after a role noun "van"/"de" means "of"/"the" ("minister van Justitie").
        """End of the name that starts at token i (initials, prefixes, capitalised words), or i."""
        j = i
        end = i
        cores = 0
        while j < self.n and cores < MAX_NAME_TOKENS:
            token = self.doc[j]
            if token.is_space or token.text == "\n":
                break
            if self.is_initial(token):
                j += 1
                continue
            after_prefix = self.prefix_at(j)
            if after_prefix > j and after_prefix < self.n:
                if j == i and not lower_prefix_start and token.text[:1].islower():
                    break
                if self.prefix_continues(i, j, after_prefix, cores) and (
                    self.is_name_token(self.doc[after_prefix])
                    or (allow_lower and self.is_lower_name(self.doc[after_prefix], False))
                ):
                    j = after_prefix
                    continue
            if self.is_name_token(token) or (allow_lower and self.is_lower_name(token, first_after_title=cores == 0)):
                j += 1
                cores += 1
                end = j
                continue
            if token.text == "-" and cores and j + 1 < self.n and self.is_name_token(self.doc[j + 1]):
                j += 1
                continue
            break
        if end < self.n and self.lex.has_place_suffix(self.doc[end].text):
            return i  # "Jeroen Bosch Ziekenhuis", "Johan de Wittlaan": named after someone
        return end if cores else i

    def prefix_continues(self, i: int, j: int, after_prefix: int, cores: int) -> bool:
        """Whether the prefix at j belongs to the name started at i.

        "Jan van Dijk" yes; "Patrick Dubois van Sabena" no (a lower-case "van"
        after a complete name means "of"); "Jansen van de NMBS" no (a title-case
        name does not continue in capitals).
        """
        token = self.doc[j]
        if token.text[:1].islower() and cores >= 2:
            return False
        following = self.doc[after_prefix]
        if following.text.isupper() and len(following.text) > 1:
            return all(t.text.isupper() for t in self.doc[i:j] if t.is_alpha)
        return True

    def given_run(self, i: int, allow_lower: bool) -> int:
        """End of the given names after the comma of "SURNAME, Given" (initials alone are enough)."""
        j = i
        while j < self.n and (
            self.is_initial(self.doc[j])
            or self.is_name_token(self.doc[j])
            or (allow_lower and self.is_lower_name(self.doc[j], False))
        ):
            j += 1
        return j

    def core_tokens(self, start: int, end: int) -> list[Token]:
        return [t for t in self.doc[start:end] if t.text[:1].isupper() and not self.is_initial(t) and self.prefix_at(t.i) == t.i]

    # rules -------------------------------------------------------------

    def after_titles(self) -> Iterable[PersonSpan]:
        """ "dhr. El Amrani", "mevrouw De Vries-Bakker", "mevrouw Tesfay", "de heer van Dijk"."""
        for i in range(self.n):
            k = self.phrase_at(i, self.lex.titles)
            if k == i:
                continue
            while k < self.n and self.phrase_at(k, self.lex.titles) > k:  # "mr. drs. A. Jansen"
                k = self.phrase_at(k, self.lex.titles)
            end = self.name_run(k, allow_lower=True)
            if end > k:
                yield PersonSpan(k, end, TITLE_SCORE, "title")

    def in_fields(self) -> Iterable[PersonSpan]:
        """ "NAAM: KARIMI, Ahmad", "Naam betrokkene: Tesfay Gebremedhin", "Tolk: Olena Koval"."""
        for i in range(self.n):
            if i and self.doc[i - 1].text not in {"\n", "\n\n"} and not self.doc[i - 1].is_space:
                if not self.doc[i - 1].is_punct:
                    continue
            k = self.phrase_at(i, self.lex.labels)
            if k == i or k >= self.n or self.doc[k].text != ":":
                continue
            start = k + 1
            while start < self.n and self.phrase_at(start, self.lex.titles) > start:
                start = self.phrase_at(start, self.lex.titles)
            end = self.name_run(start, allow_lower=True)
            if end > start and end + 1 < self.n and self.doc[end].text == ",":
                given_end = self.given_run(end + 1, allow_lower=True)
                if given_end > end + 1 and len(self.core_tokens(start, end)) <= 2:
                    end = given_end
            if end > start:
                yield PersonSpan(start, end, TITLE_SCORE, "field")

    def after_roles(self) -> Iterable[PersonSpan]:
        """ "tolk Olena Koval", "minister Verhofstadt", "de Belg Museeuw", "Beste Ahmad"."""
        for i in range(self.n):
            k = self.phrase_at(i, self.lex.roles)
            if k == i or k >= self.n:
                continue
            end = self.name_run(k, lower_prefix_start=False)
            if end > k and not self.common_not_listed(self.doc[k]):
                yield PersonSpan(k, end, ROLE_SCORE, "role")

    def reversed_headers(self) -> Iterable[PersonSpan]:
        """ "KARIMI, Ahmad" and "GEBREMEDHIN, T." without a label."""
        for i in range(self.n):
            token = self.doc[i]
            if not (token.text.isupper() and token.is_alpha and len(token.text) >= ALL_CAPS_MIN):
                continue
            if i and self.doc[i - 1].text.isupper() and self.doc[i - 1].is_alpha:
                continue
            end = self.name_run(i)
            if end == i or end + 1 >= self.n or self.doc[end].text != ",":
                continue
            if not all(t.text.isupper() for t in self.core_tokens(i, end)):
                continue
            nxt = self.doc[end + 1]
            if self.is_initial(nxt) or (nxt.lower_ in self.lex.first_names and nxt.text[:1].isupper()):
                yield PersonSpan(i, self.given_run(end + 1, allow_lower=False), HEADER_SCORE, "header")

    def listed_full_names(self) -> Iterable[PersonSpan]:
        """A listed first name and a surname: "Tesfay Gebremedhin", "AHMAD KARIMI", "ahmad karimi"."""
        lex = self.lex
        for i in range(self.n):
            token = self.doc[i]
            low = token.lower_
            if low not in lex.first_names:
                continue
            if i and self.doc[i - 1].lower_ in lex.first_names and self.doc[i - 1].text[:1].isupper():
                continue  # inside a run that started earlier
            if token.text[:1].isupper():
                end = self.name_run(i)
                cores = self.core_tokens(i, end)
                if len(cores) < 2:
                    continue
                if low in lex.ambiguous and not any(
                    t.lower_ in lex.surnames and t.lower_ not in lex.ambiguous for t in cores[1:]
                ):
                    continue
                yield PersonSpan(i, end, GAZETTEER_SCORE, "names")
            elif token.is_lower and i + 1 < self.n:
                if not self.is_lower_name(token, False):
                    continue
                j = self.prefix_at(i + 1)
                if j < self.n and self.is_lower_name(self.doc[j], False) and self.doc[j].lower_ in lex.surnames:
                    yield PersonSpan(i, j + 1, GAZETTEER_SCORE, "names")

    def model_spans(self) -> Iterable[PersonSpan]:
        """The NER model's PER spans, trimmed of titles and punctuation, without non-names."""
        for ent in self.doc.ents:
            if ent.label_ not in {NER_LABEL, "PERSON"}:
                continue
            span = self.clean_model_span(ent)
            if span is not None:
                yield PersonSpan(span[0], span[1], MODEL_SCORE, "model")

    def clean_model_span(self, ent: Span) -> tuple[int, int] | None:
        """Trim titles, roles, punctuation and leading common words; None when no name is left."""
        start, end = ent.start, ent.end
        while start < end:
            token = self.doc[start]
            anchor_end = max(self.phrase_at(start, self.lex.titles), self.phrase_at(start, self.lex.roles))
            if start < anchor_end < end:
                start = anchor_end
            elif token.is_punct or token.is_space:
                start += 1
            elif start < self.prefix_at(start) < end:
                break
            elif token.lower_ in STOP_WORDS or self.word_before_name(start, end):
                start += 1
            else:
                break
        while end > start and (self.doc[end - 1].is_space or self.is_punct_not_initial(self.doc[end - 1])):
            end -= 1
        while end > start and self.doc[end - 1].lower_ in STOP_WORDS and self.prefix_at(end - 1) == end - 1:
            end -= 1
        if end <= start:
            return None
        tokens = self.doc[start:end]
        if tokens.text.lower() in self.lex.not_names or any(t.like_num or "@" in t.text for t in tokens):
            return None
        if end - start == 1 and self.is_lone_word(tokens[0]):
            return None
        if any(self.lex.has_place_suffix(t.text) for t in self.doc[start : min(end + 1, self.n)]):
            return None
        capitalised = [t for t in tokens if t.text[:1].isupper() and t.is_alpha and not self.is_initial(t)]
        if capitalised:
            if all(t.lower_ in self.lex.not_names for t in capitalised):
                return None
            return start, end
        if any(self.is_lower_name(t, False) for t in tokens):
            return start, end
        return None

    def word_before_name(self, i: int, end: int) -> bool:
        """A Dutch word glued to the front of a name: "Cultuur Bert Anciaux", "Volgens Karimi"."""
        token = self.doc[i]
        if i + 1 >= end or not self.common_not_listed(token):
            return False
        return self.at_sentence_start(i) or self.doc[i + 1].lower_ in self.lex.first_names

    def is_punct_not_initial(self, token: Token) -> bool:
        return token.is_punct and not self.is_initial(token)

    def common_not_listed(self, token: Token) -> bool:
        """A Dutch word that is not in the name lists ("Cultuur", "Volgens")."""
        return self.lex.is_common_word(token.text) and not self.lex.is_listed(token.text)

    def at_sentence_start(self, i: int) -> bool:
        if i == 0:
            return True
        previous = self.doc[i - 1]
        return previous.is_space or previous.text in {".", "!", "?", ":", ";", '"', "'", "(", "-", "--", "\n"}

    def is_lone_word(self, token: Token) -> bool:
        """A single capitalised word that is no name on its own: a Dutch word, or a listed
        name that is also a word when it opens a sentence ("Kort na de klopjacht")."""
        if self.common_not_listed(token):
            return True
        return self.at_sentence_start(token.i) and self.lex.is_common_word(token.text)

    def repeated_surnames(self, found: list[PersonSpan]) -> Iterable[PersonSpan]:
        """Later (or earlier) mentions of a surname already found in the same text."""
        keys: set[tuple[str, ...]] = set()
        for span in found:
            cores = self.core_tokens(span.start, span.end)
            if not cores or (span.source == "model" and len(cores) < 2):
                continue
            last = cores[-1]
            first_of_surname = last.i
            while first_of_surname > span.start and self.prefix_at(first_of_surname - 1) > first_of_surname - 1:
                first_of_surname -= 1
            key = tuple(t.lower_ for t in self.doc[first_of_surname : last.i + 1])
            word = key[-1]
            if len(word) >= 3 and word not in self.lex.ambiguous and word not in self.lex.not_names:
                keys.add(key)
        if not keys:
            return
        for i in range(self.n):
            for key in keys:
                end = i + len(key)
                if end > self.n or not self.doc[end - 1].text[:1].isupper():
                    continue
                if all(self.doc[i + k].lower_ == word for k, word in enumerate(key)):
                    if end < self.n and self.is_name_token(self.doc[end]) and key[-1] not in self.lex.first_names:
                        continue  # part of a longer, different name
                    yield PersonSpan(i, end, REPEAT_SCORE, "repeat")

    def find(self) -> list[PersonSpan]:
        ruled = merge_spans(
            [
                *self.after_titles(),
                *self.in_fields(),
                *self.reversed_headers(),
                *self.after_roles(),
                *self.listed_full_names(),
            ]
        )
        found = overlay(ruled, list(self.model_spans()))
        return overlay(found, list(self.repeated_surnames(found)))


def merge_spans(spans: Iterable[PersonSpan]) -> list[PersonSpan]:
    """Union of overlapping spans; the highest score and its evidence are kept."""
    merged: list[PersonSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            best = last if last.score >= span.score else span
            merged[-1] = PersonSpan(last.start, max(last.end, span.end), best.score, best.source)
        else:
            merged.append(span)
    return merged


def overlay(first: list[PersonSpan], second: list[PersonSpan]) -> list[PersonSpan]:
    """Spans of `first` keep their boundaries; a `second` span that overlaps one only raises its score."""
    kept = list(first)
    for span in second:
        overlapping = [i for i, other in enumerate(kept) if span.start < other.end and other.start < span.end]
        if not overlapping:
            kept.append(span)
            continue
        for i in overlapping:
            if span.score > kept[i].score:
                kept[i] = PersonSpan(kept[i].start, kept[i].end, span.score, kept[i].source)
    return sorted(kept, key=lambda s: s.start)


@lru_cache(maxsize=1)
def default_lexicon() -> NameLexicon:
    return NameLexicon.load()


def find_persons(doc: Doc, lexicon: NameLexicon | None = None) -> list[PersonSpan]:
    """All person names in a processed doc (doc.ents from the PER model plus the rules)."""
    return _Matcher(doc, lexicon or default_lexicon()).find()


class PersonRecognizer(EntityRecognizer):
    """Presidio recognizer for PERSON in Dutch text.

    Reads the PER spans the NER component (added with `add_person_ner`) left in
    the doc of the NLP engine's single spaCy pass, and adds titles, anchors,
    "Naam:" fields, "SURNAME, Given" headers, listed names and repeated
    surnames. Without NLP artifacts it runs its own pipeline.
    """

    ENTITIES = ["PERSON"]

    def __init__(
        self,
        supported_language: str = "nl",
        lexicon: NameLexicon | None = None,
        nlp: Language | None = None,
        name: str | None = None,
    ) -> None:
        self.lexicon = lexicon or default_lexicon()
        self._nlp = nlp
        super().__init__(supported_entities=self.ENTITIES, supported_language=supported_language, name=name)

    def load(self) -> None:
        """Nothing to load: the model runs in the NLP engine's pipeline."""

    def _own_nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = build_person_pipeline(lemmatizer=False)
        return self._nlp

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and "PERSON" not in entities:
            return []
        doc = nlp_artifacts.tokens if nlp_artifacts is not None else None
        if not isinstance(doc, Doc) or doc.text != text:
            doc = self._own_nlp()(text)
        results = []
        for span in find_persons(doc, self.lexicon):
            chars = doc[span.start : span.end]
            explanation = AnalysisExplanation(
                recognizer=self.name,
                original_score=span.score,
                textual_explanation=f"PERSON by {span.source}",
            )
            results.append(
                RecognizerResult(
                    entity_type="PERSON",
                    start=chars.start_char,
                    end=chars.end_char,
                    score=span.score,
                    analysis_explanation=explanation,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return results
