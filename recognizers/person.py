"""PERSON recognizer: names of natural persons of any origin, from the NER model, titles/anchors and name lists."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import ClassVar, NamedTuple

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.nl.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Token

from recognizers.person_model import NER_LABEL, add_person_ner, build_person_pipeline, source_text

__all__ = ["NameLexicon", "PersonRecognizer", "PersonSpan", "add_person_ner", "find_persons", "person_offsets"]

DATA_DIR = Path(__file__).resolve().parent / "data" / "names"

TITLE_SCORE = 0.95  # after a title or in a "Naam:" field
HEADER_SCORE = 0.9  # "KARIMI, Ahmad"
ROLE_SCORE = 0.85  # after a role noun or greeting ("tolk", "minister", "Beste")
GAZETTEER_SCORE = 0.85  # a listed first name followed by a surname
MODEL_SCORE = 0.8  # the NER model alone
LISTED_SURNAME_SCORE = 0.8  # an unlisted capitalised word before a listed surname
REPEAT_SCORE = 0.8  # a surname already found elsewhere in the same text
BYLINE_SCORE = 0.6  # an author's initials on a line of their own

COUNTRY_CODE = re.compile(r"^(?:[A-Z][a-z]{2}|[A-Z][a-z][A-Z]|[A-Z][A-Z][a-z])$")  # "( Ita )", "( VSt )", "( WRu )"
REGNAL_NUMBER = re.compile(r"^(?:I{1,3}|IV|V|VI{1,3}|IX|X)$")  # "Albert II", "Johannes Paulus I"
# Lower-case words inside an organisation's name after its noun: "café des Arts".
ORG_NAME_PARTICLES = frozenset({"de", "des", "du", "la", "le", "les", "di", "da", "del", "della"})
MIN_COMPOUND_HEAD, MIN_ROLE_TAIL = 3, 5  # "jeugd|rechter", "bonds|coach"
LONG_COMPOUND_TAIL = 8
MIN_COMPOUND_TAIL = 7  # "gezins|gegevens"; shorter tails end surnames too ("Zand|bergen", "Wolfs|winkel")
NOT_COMPOUND_ROLES = frozenset({"dochter"})  # "computerdochter Dolmen" is a subsidiary
AGE_ADJECTIVE = re.compile(r"^\d{1,3}-jarige$")  # "de 26-jarige Karimi"
INITIAL = re.compile(r"^(?:[A-Z][a-z]?\.){1,4}$|^[A-Z]{2,3}\.$|^(?:Th|Chr|Joh|Wm|Ph|Fr|Jac)\.$")
ALL_CAPS_MIN = 4  # all-caps tokens shorter than this are acronyms unless listed as names
MAX_NAME_TOKENS = 6
WORD_MEMO_LIMIT = 50_000  # words whose answers are kept between texts (then forgotten, to bound memory)
# Before "Gebremedhin, Tesfay" in mail headers: "Van: ...", "Aan: ...; ...", "Op 3 juni schreef ... <adres>:".
REVERSED_NAME_OPENERS = frozenset({":", ";", "schreef", "wrote"})
KUNYA_PREFIXES = frozenset({"abu", "umm", "ibn", "bin", "bint"})
# A word after one of these opens a sentence (or a line, a quote, a bracket).
SENTENCE_OPENERS = frozenset({".", "!", "?", ":", ";", '"', "'", "(", "-", "--", "\n"})
# A comma followed (after at most the one space a token keeps) by a character that may open a capitalised
# word: what a "SURNAME, Given" header needs. A superset (any non-ASCII letter, punctuation), so a text
# without one has no header, told by one search of the text in C.
COMMA_BEFORE_CAPITAL = re.compile(r", ?[^\sa-z0-9]")
LOCATIVE_PREPOSITIONS = frozenset({"in", "naar", "te", "uit", "nabij", "richting"})  # "in Brecht": a place
# The kinds of word where a rule may start or a name run go on (NameLexicon.words), as bit flags: one
# lookup per word of a text answers them all, where a pass over the text per kind cost a Python step
# per word each.
(CAPITALISED, NAME_WORD, NAME_TOKEN, INITIALS, TITLE_START, LABEL_START, ROLE_OPENER, SPEECH_VERB, FIRST_NAME,
 ORG_NOUN, BYLINE_WORD, SURE_SURNAME) = (1 << k for k in range(12))


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def _read(path: Path) -> list[str]:
    """The entries of a data file: one a line, "#" comments and blank lines skipped."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.strip()
        if entry and not entry.startswith("#"):
            entries.append(entry)
    return entries


class PhraseIndex:
    """A set of phrases (lower-case word tuples) with, per first word, their lengths longest first.

    Finding the longest phrase at a position is one set lookup per length the first word has
    phrases of, not one comparison per phrase: "de" opens 58 role phrases ("de heer", "de tolk").
    """

    __slots__ = ("lengths", "phrases")

    def __init__(self, phrases: Iterable[tuple[str, ...]]) -> None:
        self.phrases = frozenset(phrases)
        lengths: dict[str, set[int]] = {}
        for phrase in self.phrases:
            lengths.setdefault(phrase[0], set()).add(len(phrase))
        self.lengths = {first: tuple(sorted(group, reverse=True)) for first, group in lengths.items()}

    def __contains__(self, first_word: str) -> bool:
        """Whether a phrase starts with this word."""
        return first_word in self.lengths

    def longest_at(self, words: list[str], i: int) -> int:
        """End index of the longest phrase that starts at words[i], else i."""
        for length in self.lengths.get(words[i], ()):
            end = i + length
            if end <= len(words) and tuple(words[i:end]) in self.phrases:
                return end
        return i


def _phrases(entries: Iterable[str], strip_dots: bool = True) -> PhraseIndex:
    """Lower-case token tuples; trailing dots dropped ("dhr." == "dhr")."""
    return PhraseIndex(tuple(w.rstrip(".") if strip_dots else w for w in entry.lower().split()) for entry in entries)


class _DutchWords:
    """Dutch lemmas and inflected forms from spacy-lookups-data: words that are no name on their own."""

    def __init__(self) -> None:
        from recognizers.lemmas import dutch_lemmas

        tables = dutch_lemmas()  # built once, kept in a fast-loading cache between processes
        self.forms = tables.lookup
        self.lemmas = tables.lemmas  # the lemmas of the lookup table and of the index
        # Lemmas with inflected forms in the table: "biografie", "zakenbank". The index also
        # holds bare proper nouns ("jaak", "hector", "carolina") that never inflect.
        self.inflected = tables.inflected

    def __contains__(self, word: str) -> bool:
        if word in self.lemmas or word in self.forms:
            return True
        return any(stem in self.lemmas for stem in _dutch_stems(word)) or self.is_compound(word)

    def is_compound(self, word: str) -> bool:
        """A closed compound ending in a long Dutch word: "Gezinsgegevens", "Identiteitsdocumenten"."""
        # A two-letter head only before a long word: "na|controle", not "Ver|meer".
        tails = (word[k:] for k in range(MIN_COMPOUND_HEAD - 1, len(word) - MIN_COMPOUND_TAIL + 1)
                 if k >= MIN_COMPOUND_HEAD or len(word) - k >= LONG_COMPOUND_TAIL)
        return any(
            tail in self.lemmas or tail in self.forms or any(stem in self.lemmas for stem in _dutch_stems(tail))
            for tail in tails
        )

    def inflects(self, word: str) -> bool:
        """A word the tables inflect (or an inflected form): an ordinary word, not a first name."""
        return word in self.forms or word in self.inflected or any(s in self.inflected for s in _dutch_stems(word))


def _dutch_stems(word: str) -> list[str]:
    """Possible base forms of an inflected Dutch adjective or plural noun that the lookup tables
    lack: "lokale" -> "lokaal", "zaken" -> "zaak", "financiële" -> "financieel", "grootste" -> "groot"."""
    stems = []
    if word.endswith("ële"):
        stems.append(word[:-3] + "eel")
    if word.endswith("s") and len(word) >= 9:
        stems.append(word[:-1])  # long plurals: "asielzoekers"; short ones may be surnames ("Peeters")
    for suffix in ("e", "en", "ste"):
        stem = word[: -len(suffix)]
        if not word.endswith(suffix) or len(stem) < 3:
            continue
        stems.append(stem)
        if stem[-1] == stem[-2]:
            stems.append(stem[:-1])  # "bakken" -> "bak"
        if stem[-2] in "aeou" and stem[-1] not in "aeiouy" and stem[-3] not in "aeiou":
            stems.append(stem[:-1] + stem[-2] + stem[-1])  # "zaken" -> "zaak"
        if stem.endswith(("v", "z")):
            stems.append(stem[:-1] + {"v": "f", "z": "s"}[stem[-1]])  # "huizen" -> "huis"
    return stems


@lru_cache(maxsize=1)
def _dutch_words() -> _DutchWords:
    return _DutchWords()


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """Frequent lower-case English words (generated by training/person/english_words.py)."""
    return frozenset(_read(DATA_DIR / "english_words.txt"))


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
    greetings: PhraseIndex
    labels: PhraseIndex
    non_name_suffixes: tuple[str, ...]
    org_words: frozenset[str]
    places: frozenset[str]
    world_places: frozenset[str] = frozenset()
    org_nouns: frozenset[str] = frozenset()
    function_words: frozenset[str] = frozenset()
    speech_verbs: frozenset[str] = frozenset()

    @classmethod
    def load(cls, directory: Path = DATA_DIR) -> NameLexicon:
        def lower_set(pattern: str) -> frozenset[str]:
            return frozenset(e.lower() for path in sorted(directory.glob(pattern)) for e in _read(path))

        first_names = lower_set("first_names_*.txt")
        surnames = frozenset(name.split()[-1] for name in lower_set("surnames_*.txt"))
        return cls(
            first_names=first_names,
            surnames=surnames,
            ambiguous=lower_set("ambiguous_names.txt"),
            prefixes=_phrases(_read(directory / "surname_prefixes.txt"), strip_dots=False),
            not_names=lower_set("not_names.txt"),
            titles=_phrases(_read(directory / "person_titles.txt")),
            roles=_phrases(_read(directory / "person_roles.txt")),
            greetings=_phrases(_read(directory / "greetings.txt")),
            labels=_phrases(_read(directory / "name_labels.txt")),
            non_name_suffixes=tuple(e.lower() for e in _read(directory / "non_name_suffixes.txt")),
            org_words=lower_set("org_words.txt") - first_names - surnames,
            places=lower_set("places.txt"),
            world_places=lower_set("world_places.txt"),
            org_nouns=lower_set("org_nouns.txt"),
            function_words=lower_set("dutch_function_words.txt"),
            speech_verbs=lower_set("speech_verbs.txt"),
        )

    def is_place(self, text: str) -> bool:
        """A listed place that is not also a listed name ("Sierra Leone" yes, "Nancy" no)."""
        low = text.lower()
        return low in self.places and low not in self.first_names and low not in self.surnames

    def is_org_noun(self, word: str) -> bool:
        """A noun that introduces an organisation's name ("Radio Donna"), also as the end of a compound."""
        return self._org_nouns_memo[word]

    def _is_org_noun(self, word: str) -> bool:
        # A suffix lookup per position instead of an endswith per noun: the same answer, in O(len(word)).
        return word in self.org_nouns or any(word[k:] in self.org_nouns for k in range(3, len(word)))

    def is_listed(self, word: str) -> bool:
        low = word.lower()
        return low in self.first_names or low in self.surnames

    def has_place_suffix(self, word: str) -> bool:
        """ "Wittlaan", "Boudewijnstadion": a street or building named after someone."""
        return self._place_suffix_memo[word]

    def _has_place_suffix(self, word: str) -> bool:
        low = word.lower()
        if low in self._non_name_suffix_set:
            return low not in self.surnames
        # A suffix lookup per position instead of an endswith per suffix: the same answer, in O(len(word)).
        return any(low[k:] in self._non_name_suffix_set for k in range(3, len(low)))

    @cached_property
    def _non_name_suffix_set(self) -> frozenset[str]:
        return frozenset(self.non_name_suffixes)

    def is_common_word(self, word: str) -> bool:
        """An ordinary Dutch or English word (any case)."""
        return self._common_word_memo[word]

    def _is_common_word(self, word: str) -> bool:
        low = word.lower()
        return (
            low in STOP_WORDS
            or low in self.function_words
            or low in _dutch_words()
            or low in self.not_names
            or low in _english_words()
        )

    def is_initial(self, text: str) -> bool:
        """Initials: "A.", "J.P.", "Th."."""
        return self._initial_memo[text]

    def _is_initial(self, text: str) -> bool:
        # "GEB." has the shape of initials ("AB.") but is the label of a date of birth.
        return bool(INITIAL.match(text)) and text.lower() not in self.not_names

    def is_name_word(self, text: str) -> bool:
        """A capitalised word that can be (part of) a name, whatever its place: the token's own
        tests (a number, a function word outside "Van der Voort") are the matcher's."""
        return self._name_word_memo[text]

    def _is_name_word(self, text: str) -> bool:
        if not text[:1].isupper() or not any(c.isalpha() for c in text):
            return False
        if any(c.isdigit() for c in text) or "@" in text or "/" in text:
            return False
        low = text.lower()
        if low in self.not_names or low in self.org_words:
            return False
        if self.has_place_suffix(low):
            return False
        if self.is_initial(text):
            return False
        if text.isupper() and _letters(text) < ALL_CAPS_MIN and not self.is_listed(text):
            return False
        return (low.rstrip("."),) not in self.titles.phrases

    def words(self, tokens: list[Token]) -> list[tuple[str, str, str, int]]:
        """(text, lower-case text, phrase key, kinds) of each token. The key is the lower-case text
        without trailing dots, as the phrase indexes hold words ("dhr." -> "dhr"); kinds are its flags
        of CAPITALISED ... SURE_SURNAME, the kinds of word the matcher's rules look for.

        Kept across texts per orth id (the hash of a word's text, the same in every spaCy vocab),
        which a Token gives without decoding: a known word is one dict lookup, where Token.text
        decodes a new string from the StringStore at every read. Token.like_num, which the name
        kinds use, is a flag of the word's lexeme (one per word in the vocab of the Dutch pipeline),
        so it is kept with them too.
        """
        known = self._known_words
        try:
            return [known[token.orth] for token in tokens]
        except KeyError:  # a word not seen before
            if len(known) >= WORD_MEMO_LIMIT:
                known.clear()  # bounded, like the word tests' memos
            words = []
            for token in tokens:
                word = known.get(token.orth)
                if word is None:
                    text = token.text
                    low = text.lower()
                    word = known[token.orth] = (text, low, low.rstrip("."), self._word_kind(text, token.like_num))
                words.append(word)
            return words

    def _word_kind(self, text: str, like_num: bool) -> int:
        """The kinds of this word (flags CAPITALISED ... SURE_SURNAME); like_num is its Token.like_num.

        NAME_WORD: a word that can be (part of) a name after a surname prefix (is_name_word, and no
        number word such as "Twee"); NAME_TOKEN: also anywhere else (no stop word either).
        """
        low = text.lower()
        key = low.rstrip(".")
        name_word = self.is_name_word(text) and not like_num
        return (
            (text[:1].isupper() or text.isupper()) * CAPITALISED  # where is_name_token can hold
            | name_word * NAME_WORD
            | (name_word and low not in STOP_WORDS) * NAME_TOKEN
            | self.is_initial(text) * INITIALS
            | (key in self.titles.lengths) * TITLE_START
            | (key in self.labels.lengths) * LABEL_START
            | self._may_open_role(low) * ROLE_OPENER
            | (low in self.speech_verbs) * SPEECH_VERB
            | (low in self.first_names) * FIRST_NAME
            | self.is_org_noun(low) * ORG_NOUN
            | self._may_be_byline(text, low) * BYLINE_WORD
            | self._is_sure_surname(low) * SURE_SURNAME
        )

    def _is_sure_surname(self, low: str) -> bool:
        """A listed surname that is neither an ambiguous name nor an ordinary word: the surname an
        unlisted given name needs before it ("Haider Al-Obeidi")."""
        return low in self.surnames and low not in self.ambiguous and not self.is_common_word(low)

    def _may_be_byline(self, text: str, low: str) -> bool:
        """Whether this word may be an author's initials ("GSC", "ABx", "JS"): two to four letters
        (Token.is_alpha is str.isalpha), capitalised, not an ordinary word. Where it stands (a line
        of its own, brackets) is the rule's to test."""
        return (
            2 <= len(text) <= 4
            and text.isalpha()
            and text[:1].isupper()
            and low not in self.not_names
            and not self.is_common_word(text)
        )

    def _may_open_role(self, low: str) -> bool:
        """Whether a name may follow this (lower-case) word in the role rule: a role or a greeting
        phrase may start here, or it is a role compound or an age ("26-jarige")."""
        key = low.rstrip(".")
        return key in self.roles or key in self.greetings or self.is_role_word(low) or low.endswith("-jarige")

    def is_role_word(self, low: str) -> bool:
        """A one-word role, or a compound ending in one ("Likoed-leider", "ex-president")."""
        return self._role_word_memo[low]

    def _is_role_word(self, low: str) -> bool:
        roles = self.roles.phrases
        if (low,) in roles:
            return True
        last = low.rsplit("-", 1)[-1]
        if "-" in low:
            return (last,) in roles
        # A closed compound: "jeugdrechter", "bondscoach" (the role at least five letters).
        return any(
            (low[k:],) in roles and low[k:] not in NOT_COMPOUND_ROLES
            for k in range(MIN_COMPOUND_HEAD, len(low) - MIN_ROLE_TAIL + 1)
        )

    # The word tests above depend only on the word and these lists, and every text asks them about
    # the same frequent words (and each text about each word many times over): their answers are
    # kept across texts, so most calls are one dict lookup instead of a lemma-table search with
    # stems and compound tails or a loop over suffixes.
    @cached_property
    def _common_word_memo(self) -> _WordMemo:
        return _WordMemo(self._is_common_word)

    @cached_property
    def _org_nouns_memo(self) -> _WordMemo:
        return _WordMemo(self._is_org_noun)

    @cached_property
    def _place_suffix_memo(self) -> _WordMemo:
        return _WordMemo(self._has_place_suffix)

    @cached_property
    def _role_word_memo(self) -> _WordMemo:
        return _WordMemo(self._is_role_word)

    @cached_property
    def _known_words(self) -> dict[int, tuple[str, str, str, int]]:
        return {}

    @cached_property
    def _initial_memo(self) -> _WordMemo:
        return _WordMemo(self._is_initial)

    @cached_property
    def _name_word_memo(self) -> _WordMemo:
        return _WordMemo(self._is_name_word)


class _WordMemo(dict):
    """The answers of a word test, computed at the first lookup of each word (`memo[word]`: a dict
    lookup in C when known). Emptied when it holds `limit` words, so a long-running process that
    scans mail after mail keeps it bounded."""

    def __init__(self, test: Callable[[str], int], limit: int = WORD_MEMO_LIMIT) -> None:
        super().__init__()
        self.test = test
        self.limit = limit

    def __missing__(self, word: str) -> bool:
        if len(self) >= self.limit:
            self.clear()
        answer = self[word] = self.test(word)
        return answer


class _per_text:
    """A value of a _Matcher computed at its first read and then kept on the instance.

    functools.cached_property does the same but, before Python 3.12, takes a lock at every first
    read (~1 us); a matcher lives for one text in one thread, and every text reads these.
    """

    def __init__(self, compute: Callable) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, matcher: object, owner: type | None = None) -> object:
        if matcher is None:
            return self
        value = matcher.__dict__[self.name] = self.compute(matcher)  # found there from now on
        return value


class PersonSpan(NamedTuple):
    """A found name: token span in the doc, score and the evidence that found it.

    A named tuple, not a frozen dataclass: the rules make several per text (and merge_spans and
    overlay make new ones), and a frozen dataclass sets each field through object.__setattr__.
    """

    start: int
    end: int
    score: float
    source: str


class _Matcher:
    """The rules over one tokenised text.

    Each spaCy `Token` is made once (`doc[i]` makes a new object at every call, and the rules
    look at each token many times); `self.doc` stays the Doc for its slices' text and `ents`.
    Most positions of a text can never start a name (lower-case words, punctuation, digits), so
    the rule passes visit only the positions that can: a capitalised word (`capitalised`) or a
    word of one of the lexicon's lists, found among the kinds of word (NameLexicon.words) that
    one dict lookup per token gives.
    """

    def __init__(self, doc: Doc, lexicon: NameLexicon) -> None:
        self.doc = doc
        self.tokens = tokens = list(doc)
        self.lex = lexicon
        self.n = len(tokens)
        # Token attributes are properties computed at every access (Token.text and .lower_ decode
        # a new string from the StringStore each time, ~4x a list lookup); read the hot ones once,
        # and the rules read a word's text by position (self.texts[i]), not from its Token.
        self._words = words = lexicon.words(tokens)
        self.texts = [word[0] for word in words]
        self.lowers = [word[1] for word in words]  # = Token.lower_ (spaCy's LOWER is str.lower)
        # The positions where a rule may start, with their kinds.
        self._kinds = [(i, word[3]) for i, word in enumerate(words) if word[3]]
        # The kinds of word this text has at all: a rule that starts only at a kind of word the text
        # lacks is not run (find), with no pass over its positions.
        present = 0
        for _, kinds in self._kinds:
            present |= kinds  # a plain loop: half the time of functools.reduce(operator.or_, ...)
        self.present = present
        # The rules ask the same questions about the same positions many times over (every rule
        # runs name_run, core_tokens, is_name_token at each candidate); the answers depend only on
        # this text and the lexicon, so each is computed once per text. is_name_token can hold
        # only at a capitalised word, and nearly every rule asks it of each of them: its answers
        # are two sets of positions made up front (from the kinds), so that a test is one set lookup.
        self._after_prefix_name_positions = set(self.of_kind(NAME_WORD))
        self._name_positions = set(self.of_kind(NAME_TOKEN))
        # Initials open with a capital too ("A.", "Th."), and every name run asks about each word.
        self._initial_positions = set(self.of_kind(INITIALS))
        self._name_runs: dict[tuple[int, bool, bool], int] = {}
        self._cores: dict[tuple[int, int], list[Token]] = {}

    def of_kind(self, kind: int) -> list[int]:
        """The positions of the words of this kind (a flag of NameLexicon.words), in order."""
        return [i for i, kinds in self._kinds if kinds & kind]

    @_per_text
    def keys(self) -> list[str]:
        """The lower-case words without trailing dots, as phrase indexes hold them ("dhr." -> "dhr")."""
        return [word[2] for word in self._words]

    @_per_text
    def capitalised(self) -> list[int]:
        """Positions of capitalised and all-caps words: the only ones where is_name_token (and so
        every rule that starts at a capitalised word or a "KARIMI, Ahmad" header) can hold."""
        return self.of_kind(CAPITALISED)

    @_per_text
    def last_sure_surname(self) -> int:
        """The position of the last listed surname that is neither ambiguous nor a word, else -1."""
        surnames = self.of_kind(SURE_SURNAME)
        return surnames[-1] if surnames else -1

    @_per_text
    def first_name_positions(self) -> list[int]:
        """Positions of listed first names (any case)."""
        return self.of_kind(FIRST_NAME)

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens start:end, = `doc[start:end].text` (start < end <= n).

        Span.text makes a Span and a new Token per word (and one more for its last); the rules
        ask for many short spans (a place test per candidate name), most of one or two words.
        A longer one is a slice of the text the doc was made from (its tokens hold every character
        of it), not a join of each token's text_with_ws, a new string per token.
        """
        if end - start == 1:
            return self.texts[start]  # most of them: no join
        return self.source[self.tokens[start].idx : self.tokens[end - 1].idx + len(self.texts[end - 1])]

    @_per_text
    def source(self) -> str:
        """The doc's text (kept with it by the NLP engine, so no Doc.text join)."""
        return source_text(self.doc)

    # token tests -------------------------------------------------------

    def is_initial(self, token: Token) -> bool:
        return token.i in self._initial_positions

    def is_name_token(self, token: Token, after_prefix: bool = False) -> bool:
        """A capitalised word that can be (part of) a name; after a prefix also a function word ("Van der Voort")."""
        return token.i in (self._after_prefix_name_positions if after_prefix else self._name_positions)

    def names_something_else(self, token: Token) -> bool:
        """A word that turns a name into a street, building or organisation ("Wittlaan", "Pharma")."""
        text = self.texts[token.i]
        return text[:1].isupper() and (self.lex.has_place_suffix(text) or self.lowers[token.i] in self.lex.org_words)

    def is_lower_name(self, token: Token, first_after_title: bool) -> bool:
        """A lower-case word that is a name (lower-case mail): listed, or right after a title."""
        text = self.texts[token.i]
        if not text.isalpha() or not text.islower() or len(text) < 2 or self.lex.is_common_word(text):
            return False
        return first_after_title or (self.lex.is_listed(text) and text not in self.lex.ambiguous)

    def phrase_at(self, i: int, phrases: PhraseIndex) -> int:
        """End index of the longest phrase starting at token i (a dot after it is included), else i."""
        if self.keys[i] not in phrases.lengths:
            return i  # most words open no phrase: no call of longest_at
        end = phrases.longest_at(self.keys, i)
        if i < end < self.n and self.texts[end] == "." and not self.texts[end - 1].endswith("."):
            end += 1
        return end

    def prefix_at(self, i: int) -> int:
        """End index of a surname prefix ("van der", "El", "d'") at token i, else i."""
        prefixes = self.lex.prefixes
        if self.lowers[i] not in prefixes.lengths:
            return i  # most words open no prefix: no call of longest_at
        return prefixes.longest_at(self.lowers, i)

    # name runs ---------------------------------------------------------

    def name_run(self, i: int, allow_lower: bool = False, lower_prefix_start: bool = True) -> int:
        """End of the name that starts at token i (initials, prefixes, capitalised words), or i.

        With lower_prefix_start=False (after a role noun) the name may not open
        with a lower-case prefix, and a lower-case prefix after a surname ends it:
        "van"/"de" mean "of"/"the" there ("minister van Justitie", "woordvoerder
        Verstraete van Sidmar"), while "burgemeester Jan van Dijk" is one name.
        """
        key = (i, allow_lower, lower_prefix_start)
        known = self._name_runs.get(key)
        if known is None:
            known = self._name_runs[key] = self._name_run(i, allow_lower, lower_prefix_start)
        return known

    def _name_run(self, i: int, allow_lower: bool, lower_prefix_start: bool) -> int:
        # The loop reads the position sets of is_initial and is_name_token, and prefix_at's first
        # test, itself: a set lookup, not a method call, per word of every candidate name.
        initials = self._initial_positions
        lowers, prefix_starts = self.lowers, self.lex.prefixes.lengths
        j = i
        end = i
        cores = 0
        prefixed = False
        while j < self.n and cores < MAX_NAME_TOKENS:
            token = self.tokens[j]
            text = self.texts[j]
            if token.is_space or text == "\n":
                break
            if j in initials:
                j += 1
                continue
            after_prefix = self.prefix_at(j) if lowers[j] in prefix_starts else j
            if after_prefix > j and after_prefix < self.n and not prefixed:
                if j == i and not lower_prefix_start and text[:1].islower():
                    break
                surname_then_of = (
                    not lower_prefix_start
                    and text[:1].islower()
                    and cores == 1
                    and self.lowers[j - 1] not in self.lex.first_names
                )
                if (
                    not surname_then_of
                    and self.prefix_continues(i, j, after_prefix, cores)
                    and (
                        self.is_name_token(self.tokens[after_prefix], after_prefix=True)
                        or (allow_lower and self.is_lower_name(self.tokens[after_prefix], False))
                    )
                ):
                    j = after_prefix
                    prefixed = True
                    continue
            if j in (self._after_prefix_name_positions if prefixed else self._name_positions) or (
                allow_lower and self.is_lower_name(token, first_after_title=cores == 0)
            ):
                j += 1
                cores += 1
                end = j
                prefixed = False
                continue
            glued = text == "-" and not token.whitespace_ and not self.tokens[j - 1].whitespace_
            if glued and cores and j + 1 < self.n and self.is_name_token(self.tokens[j + 1]):
                j += 1  # "Jean - Luc" written without spaces but split by the tokenizer
                continue
            if cores and REGNAL_NUMBER.match(text):
                j += 1
                end = j
                break
            break
        if end < self.n and self.names_something_else(self.tokens[end]):
            return i  # "Jeroen Bosch Ziekenhuis", "Johan de Wittlaan": named after someone
        return end if cores else i

    def prefix_continues(self, i: int, j: int, after_prefix: int, cores: int) -> bool:
        """Whether the prefix at j belongs to the name started at i.

        "Jan van Dijk" yes; "Patrick Dubois van Sabena" no (a lower-case "van"
        after a complete name means "of"); "Jansen van de NMBS" no (a title-case
        name does not continue in capitals).
        """
        text = self.texts[j]
        if text[:1].islower() and cores >= 2:
            return False
        following = self.tokens[after_prefix]
        if text[:1].islower() and cores and self.place_at(after_prefix):
            return False  # "burgemeester Foubert van Sint-Niklaas"
        if following.text.isupper() and len(following.text) > 1:
            return all(t.text.isupper() for t in self.tokens[i:j] if t.is_alpha)
        return True

    def place_at(self, i: int) -> bool:
        """Whether a listed place of one to three words starts at token i."""
        return any(self.lex.is_place(self.span_text(i, i + n)) for n in (1, 2, 3) if i + n <= self.n)

    def given_run(self, i: int, allow_lower: bool) -> int:
        """End of the given names after the comma of "SURNAME, Given" (initials alone are enough)."""
        j = i
        while j < self.n and (
            self.is_initial(self.tokens[j])
            or self.is_name_token(self.tokens[j])
            or (allow_lower and self.is_lower_name(self.tokens[j], False))
        ):
            j += 1
        return j

    def core_tokens(self, start: int, end: int) -> list[Token]:
        """The capitalised words of a span that are neither initials nor a surname prefix (callers
        do not change the list: it is kept for the next rule that asks)."""
        known = self._cores.get((start, end))
        if known is None:
            known = self._cores[(start, end)] = self._core_tokens(start, end)
        return known

    def _core_tokens(self, start: int, end: int) -> list[Token]:
        texts, tokens, initials = self.texts, self.tokens, self._initial_positions
        lowers, prefix_starts = self.lowers, self.lex.prefixes.lengths  # prefix_at's first test, without a call
        return [
            tokens[k]
            for k in range(start, end)
            if texts[k][:1].isupper()
            and k not in initials
            and (lowers[k] not in prefix_starts or self.prefix_at(k) == k)
        ]

    # rules -------------------------------------------------------------

    def after_titles(self) -> Iterable[PersonSpan]:
        """ "dhr. El Amrani", "mevrouw De Vries-Bakker", "mevrouw Tesfay", "de heer van Dijk"."""
        for i in self.of_kind(TITLE_START):
            k = self.phrase_at(i, self.lex.titles)
            if k == i:
                continue
            while k < self.n and self.phrase_at(k, self.lex.titles) > k:  # "mr. drs. A. Jansen"
                k = self.phrase_at(k, self.lex.titles)
            end = self.name_run(k, allow_lower=True)
            if end > k:
                yield PersonSpan(k, end, TITLE_SCORE, "title")

    # The labels of an identity document in its languages, on a line of their own above the value:
    # "Naam / Surname / Nom", "Voornamen / Given names / Prénoms" (a label and at most this many tokens more).
    DOCUMENT_LABEL_TOKENS = 8

    def in_fields(self) -> Iterable[PersonSpan]:
        """ "NAAM: KARIMI, Ahmad", "Naam betrokkene: Tesfay Gebremedhin", "Tolk: Olena Koval", and on an
        identity document's page "Surname / Nom⏎GEBREMEDHIN"."""
        colon, slash = ":" in self.source, "/" in self.source
        if not (colon or slash):
            return  # a field's label ends in a colon or is a document's "/" line: none in this text
        for i in self.of_kind(LABEL_START):
            if i and not (self.tokens[i - 1].is_space or self.tokens[i - 1].is_punct):
                continue  # a label opens a line or follows punctuation
            k = self.phrase_at(i, self.lex.labels)
            if k == i or k >= self.n:
                continue
            if self.texts[k] == ":":
                start = k + 1
            elif slash and self.texts[k] == "/" and (start := self.after_document_labels(k)):
                pass
            else:
                continue
            while start < self.n and self.phrase_at(start, self.lex.titles) > start:
                start = self.phrase_at(start, self.lex.titles)
            end = self.name_run(start, allow_lower=True)
            if end > start and end + 1 < self.n and self.texts[end] == ",":
                given_end = self.given_run(end + 1, allow_lower=True)
                if given_end > end + 1 and len(self.core_tokens(start, end)) <= 2:
                    end = given_end
            if end > start:
                yield PersonSpan(start, end, TITLE_SCORE, "field")

    def after_document_labels(self, k: int) -> int:
        """The first token of the line after a document's label line that goes on at token k with "/"
        and its other languages' labels ("/ Given names / Prénoms"), or 0 when it is no such line."""
        for j in range(k, min(self.n, k + self.DOCUMENT_LABEL_TOKENS)):
            if self.tokens[j].is_space:
                return j + 1 if "\n" in self.texts[j] and j + 1 < self.n else 0
            if not (self.texts[j] == "/" or self.texts[j].isalpha()):
                return 0
        return 0

    def after_roles(self) -> Iterable[PersonSpan]:
        """ "tolk Olena Koval", "minister Verhofstadt", "de Belg Museeuw", "Beste Ahmad"."""
        for i in self.of_kind(ROLE_OPENER):
            k = self.phrase_at(i, self.lex.roles)
            if k == i and self.lex.is_role_word(self.lowers[i]):
                k = i + 1  # "KNVB-woordvoerder De Leede", "jeugdrechter Rota"
            age = k == i and self.texts[i].endswith("-jarige")  # the regex only where it can match
            if age and AGE_ADJECTIVE.match(self.texts[i]) and i + 1 < self.n:
                k = i + 1  # "de 26-jarige Karimi", not "de 54-jarige Vietnam-veteraan" or "Schot"
                if self.is_descriptor(k) or self.common_not_listed(self.tokens[k]):
                    continue
            greeting = k == i
            if greeting:
                k = self.phrase_at(i, self.lex.greetings)
            if k == i or k >= self.n or self.texts[k - 1] == ".":
                continue  # "... van de vreemdeling. Controleer ...": the sentence ended
            end = self.name_run(k, lower_prefix_start=False)
            if not greeting and end == k + 1 and self.surname_on_next_line(k, end):
                end = self.name_run(end + 1, lower_prefix_start=False)  # "oom Rahim\nSharifi"
            # "Beste Collega" and "Directeur Uitvoering" (a capitalised job title) name no one.
            job_title = self.texts[i][:1].isupper() and end - k == 1
            if end == k or ((greeting or job_title) and self.common_not_listed(self.tokens[k])):
                continue
            cores = self.core_tokens(k, end)
            if len(cores) < 2 or not self.looks_like_a_title(cores):  # "t.a.v. Bureau Documenten"
                yield PersonSpan(k, end, ROLE_SCORE, "role")

    def surname_on_next_line(self, k: int, end: int) -> bool:
        """A listed first name at the end of a line and a listed surname opening the next ("Rahim\nSharifi")."""
        if end + 1 >= self.n or self.texts[end] != "\n" or self.lowers[k] not in self.lex.first_names:
            return False
        nxt = self.tokens[end + 1]
        return (nxt.lower_ in self.lex.surnames and nxt.lower_ not in self.lex.ambiguous
                and self.is_name_token(nxt) and not self.lex.is_common_word(nxt.text))

    def after_speech_verbs(self) -> Iterable[PersonSpan]:
        """The speaker after a quote: '" ... " , zegt Gminder', '... , aldus Karimi'."""
        for i in (i for i in self.of_kind(SPEECH_VERB) if 0 < i < self.n - 1):
            if self.lowers[i] != "aldus" and self.texts[i - 1] not in {",", '"', "'", "\u201d", "\u2019"}:
                continue
            if self.is_descriptor(i + 1) or self.inflecting_not_listed(self.tokens[i + 1]):
                continue  # ", zegt ACV-voorzitter Luc Cortebeeck": the role rule takes the name
            end = self.name_run(i + 1, lower_prefix_start=False)
            if end == i + 1 or self.lex.is_place(self.span_text(i + 1, end)):
                continue
            if end - i - 1 == 1 and self.common_not_listed(self.tokens[i + 1]):
                continue  # ", aldus Justitie"
            yield PersonSpan(i + 1, end, MODEL_SCORE, "speech")

    def reversed_headers(self) -> Iterable[PersonSpan]:
        """ "KARIMI, Ahmad" and "GEBREMEDHIN, T." without a label; "Savchenko, Bohdan" at the start of a line."""
        # Both forms need a comma after the surname and a capitalised word after it (a given name
        # or initials): found in C (most texts have no such comma), the names sought only before it.
        if not COMMA_BEFORE_CAPITAL.search(self.source):
            return
        texts = self.texts
        given_commas = [c for c in _positions(texts, (",",)) if c + 1 < self.n and texts[c + 1][:1].isupper()]
        if not given_commas:
            return
        for i in self.capitalised:
            if i >= given_commas[-1]:
                break  # no such comma after this word
            token = self.tokens[i]
            text = self.texts[i]
            if not (text.isupper() and token.is_alpha and len(text) >= ALL_CAPS_MIN):
                # title_case_reversed_at's first test, a set lookup, here: most words fail it, with no call.
                span = self.title_case_reversed_at(i) if i in self._name_positions else None
                if span is not None:
                    yield span
                continue
            if i and self.texts[i - 1].isupper() and self.tokens[i - 1].is_alpha:
                continue
            end = self.name_run(i)
            if end == i or end + 1 >= self.n or self.texts[end] != ",":
                continue
            if not all(t.text.isupper() for t in self.core_tokens(i, end)):
                continue
            nxt = self.tokens[end + 1]
            if self.is_initial(nxt) or (nxt.lower_ in self.lex.first_names and nxt.text[:1].isupper()):
                yield PersonSpan(i, self.given_run(end + 1, allow_lower=False), HEADER_SCORE, "header")

    def title_case_reversed_at(self, i: int) -> PersonSpan | None:
        """ "Savchenko, Bohdan heeft zich niet gemeld": a surname that opens a line, a comma and a listed
        given name, not a list of given names ("Tesfay, Yonas en Selam")."""
        token = self.tokens[i]
        text = self.texts[i]
        low = self.lowers[i]
        # The set lookup of is_name_token first: most capitalised words fail it.
        opens = self.is_name_token(token) and (self.line_start(i) or self.lowers[i - 1] in REVERSED_NAME_OPENERS)
        if not opens or self.lex.is_common_word(text):
            return None
        if low in self.lex.first_names and low not in self.lex.surnames:
            return None
        end = self.name_run(i)
        if end == i or end + 1 >= self.n or self.texts[end] != ",":
            return None
        given = self.tokens[end + 1]
        if not given.text[:1].isupper():
            return None  # "de LKO-leden, dan kun je"
        listed_surname = low in self.lex.surnames and low not in self.lex.ambiguous
        if given.lower_ in self.lex.ambiguous or not (
            given.lower_ in self.lex.first_names or (listed_surname and not self.lex.is_common_word(given.text))
        ):
            return None  # a listed given name, or any name after a listed surname ("Omar, Abdiweli")
        given_end = self.given_run(end + 1, allow_lower=False)
        if given_end < self.n and self.lowers[given_end] in {",", "en", "of", "&"}:
            return None
        return PersonSpan(i, given_end, HEADER_SCORE, "header")

    def surnames_with_initials(self) -> Iterable[PersonSpan]:
        """ "Karimi A." and "Haidari N.M." in a list: a name, its initials, then the end of the cell."""
        if not self._initial_positions:
            return  # no initials in the text: no name to find (a cheap test for most texts)
        for i in self.capitalised:
            if i == self.n - 1:
                break
            token = self.tokens[i]
            text = self.texts[i]
            low = self.lowers[i]
            if not self.is_name_token(token) or self.lex.is_common_word(text):
                continue
            if i and self.is_name_token(self.tokens[i - 1]):
                continue
            j = i + 1
            while j < self.n and self.is_initial(self.tokens[j]):
                j += 1
            if j == i + 1:
                continue
            cell_end = j == self.n or self.tokens[j].is_space or self.texts[j] in {",", ";", ")", "|"}
            given = low in self.lex.first_names and low not in self.lex.ambiguous
            if given or (cell_end and (self.lex.is_listed(text) or j == self.n or "\t" in self.texts[j]
                                       or "  " in self.texts[j] or "\n" in self.texts[j])):
                yield PersonSpan(i, j, GAZETTEER_SCORE, "initials after name")  # also "Ronny M. belde"

    def line_start(self, i: int) -> bool:
        return i == 0 or self.tokens[i - 1].is_space or "\n" in self.tokens[i - 1].whitespace_

    def listed_full_names(self) -> Iterable[PersonSpan]:
        """A listed first name and a surname: "Tesfay Gebremedhin", "AHMAD KARIMI", "ahmad karimi"."""
        end = 0
        # Elsewhere listed_name_at finds nothing: unknown_given_name_at needs a name token that
        # opens a run of them (so only the first of "Jan Peter de Vries" is asked, with no call
        # for the others), and a sure surname after it (most texts have none: no word is asked).
        names = self._name_positions
        last_surname = self.last_sure_surname
        starts = {i for i in names if i < last_surname and i - 1 not in names} if last_surname > 0 else set()
        starts.update(self.first_name_positions)
        for i in sorted(starts):
            if i < end:
                continue  # inside the name found before
            span = self.listed_name_at(i)
            if span is not None:
                yield span
                end = span.end

    def listed_name_at(self, i: int) -> PersonSpan | None:
        lex = self.lex
        token = self.tokens[i]
        text = self.texts[i]
        low = self.lowers[i]
        if low not in lex.first_names:
            return self.unknown_given_name_at(i)
        if text[:1].isupper():
            if self.at_sentence_start(i) and lex.is_common_word(low) and low in lex.ambiguous:
                return None  # "Door Jan de Vries", "Mark je ..."
            end = self.name_run(i)
            cores = self.core_tokens(i, end)
            if len(cores) < 2:
                return None
            if low in lex.ambiguous and not any(
                self.lowers[t.i] in lex.surnames and self.lowers[t.i] not in lex.ambiguous for t in cores[1:]
            ):
                return None
            if lex.is_place(self.span_text(i, end)):
                return None  # "Sierra Leone", "San Marino"
            return PersonSpan(i, end, GAZETTEER_SCORE, "names")
        if token.is_lower and self.is_lower_name(token, False):
            j = self.prefix_at(i + 1) if i + 1 < self.n else self.n
            if j < self.n and self.is_lower_name(self.tokens[j], False) and self.lowers[j] in lex.surnames:
                return PersonSpan(i, j + 1, GAZETTEER_SCORE, "names")
        return None

    def lone_given_names(self) -> Iterable[PersonSpan]:
        """A listed given name on its own that is no word: "ontbrak Abdelkader", "tsega zit op de ziekenboeg";
        not inside a longer proper noun ("Camp David", "Roda JC") nor after "in" or "naar" (a place)."""
        lex = self.lex
        for i in self.first_name_positions:
            token = self.tokens[i]
            text = self.texts[i]
            low = self.lowers[i]
            if low in lex.ambiguous or lex.is_common_word(low):
                continue
            if text.isupper() or not (text[:1].isupper() or self.is_lower_name(token, False)):
                continue
            before = self.tokens[i - 1] if i else None
            after = self.tokens[i + 1] if i + 1 < self.n else None
            start = i
            if before is not None and self.lowers[i - 1] in KUNYA_PREFIXES and self.texts[i - 1][:1].isupper():
                start, before = i - 1, None  # "Abu Khaled", "Umm Ahmad"
            if before is not None and self.texts[i - 1] == "(" and after is not None and self.texts[i + 1] == ")":
                if COUNTRY_CODE.match(text):
                    continue  # "Milosevic ( Joe )": a country code
            if before is not None and (
                self.lowers[i - 1] in LOCATIVE_PREPOSITIONS
                or (self.texts[i - 1][:1].isupper() and not self.at_sentence_start(i - 1))
                or lex.is_place(self.span_text(i - 1, i + 1))  # "St. Louis", "Addis Abeba"
            ):
                continue
            if after is not None and after.is_alpha and self.texts[i + 1][:1].isupper():
                continue
            behind_prefix = self.prefix_at(i + 1) if after is not None else i + 1
            if behind_prefix > i + 1 and behind_prefix < self.n and self.texts[behind_prefix][:1].isupper():
                continue  # "de Johan de Wittlaan": part of a longer proper noun
            if lex.is_place(low) or low in self.organisation_words:
                continue
            yield PersonSpan(start, i + 1, MODEL_SCORE, "given name")

    def unknown_given_name_at(self, i: int) -> PersonSpan | None:
        """An unlisted capitalised word before a listed surname: "Haider Al-Obeidi"."""
        # The set lookups first: inside a run of capitalised words only the first can qualify, and
        # only with a sure surname after it (SURE_SURNAME: the surname tests below).
        if i >= self.last_sure_surname or not self.is_name_token(self.tokens[i]) or (
            i and self.is_name_token(self.tokens[i - 1])
        ):
            return None
        if self.lex.is_common_word(self.texts[i]) or self.ends_anchor(i):
            return None
        end = self.name_run(i)
        cores = self.core_tokens(i, end)
        if len(cores) != 2:
            return None
        surname = self.lowers[cores[1].i]
        if surname not in self.lex.surnames or surname in self.lex.ambiguous or self.lex.is_common_word(surname):
            return None
        if self.lex.is_place(self.span_text(i, end)):
            return None  # "Mont Blanc"
        return PersonSpan(i, end, LISTED_SURNAME_SCORE, "names")

    def model_spans(self, ruled: list[PersonSpan]) -> Iterable[PersonSpan]:
        """The NER model's PER spans, trimmed of titles and punctuation, without non-names; not those
        that would change nothing laid over the names the rules found (`ruled`)."""
        # (start, end, label) read once: `doc.ents` makes a new Span for every entity at each call.
        ents = [(ent.start, ent.end, ent.label_) for ent in self.doc.ents]
        if not ents:
            return
        # A model span starts inside its entity, so an entity within ruled names that score as high
        # is not worth trimming and testing (most subject lines' names have a rule's anchor). Worked
        # out at the first person entity (many texts have only places and organisations).
        settled: set[int] | None = None
        for start, end, label in ents:
            if label not in {NER_LABEL, "PERSON"}:
                continue
            if settled is None:
                settled = _settled(ruled, MODEL_SCORE)
            if settled.issuperset(range(start, end)):
                continue
            if self.outvoted(ents, end, label):
                continue  # elsewhere in this text the model calls it a place or an organisation
            span = self.clean_model_span(start, end)
            if span is not None and not self.names_organisation(*span):
                yield PersonSpan(span[0], span[1], MODEL_SCORE, "model")

    def outvoted(self, ents: list[tuple[int, int, str]], end: int, label: str) -> bool:
        """Whether the model gives the last word of an entity (ending at `end`) other labels more
        often than `label` among its entities in this text. Counted for the few entities left to
        clean, over the text's few entities: no table of votes per word and label is made."""
        last = self.lowers[end - 1]
        lowers = self.lowers
        labels = [other for _, other_end, other in ents if lowers[other_end - 1] == last]
        vote = labels.count(label)
        return vote < len(labels) - vote

    def names_organisation(self, start: int, end: int) -> bool:
        """Whether tokens start:end hold a word that names an organisation in this text."""
        return not self.organisation_words.isdisjoint(self.lowers[start:end])

    @_per_text
    def organisation_words(self) -> frozenset[str]:
        """Capitalised words that follow an organisation noun somewhere in this text ("tuincentrum
        Floralux"): one sense per text, so the model's "Floralux" elsewhere is no person either."""
        words = set()
        for i in (i for i in self.of_kind(ORG_NOUN) if i < self.n - 1):
            j = i + 1
            while j < self.n - 1 and self.texts[j] in ORG_NAME_PARTICLES:
                j += 1  # "café des Arts" (but "de film van Nakano" names its maker)
            if self.texts[j][:1].isupper() and not self.lex.is_listed(self.texts[j]):
                words.add(self.lowers[j])
        return frozenset(words)

    def clean_model_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Trim titles, roles, punctuation and glued-on words from the model's span start:end;
        None when no name is left."""
        lower_text = not any(text[:1].isupper() for text in self.texts[start:end])  # lower-case mail: keep as is
        while start < end:
            token = self.tokens[start]
            low = self.lowers[start]
            anchor_end = max(self.phrase_at(start, self.lex.titles), self.phrase_at(start, self.lex.roles))
            if start < anchor_end < end:
                start = anchor_end
            elif token.is_punct or token.is_space:
                start += 1
            elif start < self.prefix_at(start) < end:
                after = self.prefix_at(start)
                article = low in {"de", "het", "een"} and after == start + 1
                if not (article and self.at_sentence_start(start) and self.common_not_listed(self.tokens[after])):
                    break
                start = after  # "De Baai", "De Fransen": an article, not a surname prefix
            elif low in STOP_WORDS or self.word_before_name(start, end) or (not lower_text and token.is_lower):
                start += 1
            else:
                break
        if not lower_text:
            end = self.name_end_within(start, end)
        while end > start and (self.tokens[end - 1].is_space or self.is_punct_not_initial(self.tokens[end - 1])):
            end -= 1
        while end > start and self.tokens[end - 1].is_lower:
            end -= 1  # a name does not end in "van" or a lower-case word ("Paul Allen" does end in "Allen")
        if end <= start:
            return None
        text = self.span_text(start, end)
        tokens = self.tokens[start:end]
        # "@" in the span's text is "@" in one of its words (the text between them is whitespace).
        if text.lower() in self.lex.not_names or "@" in text or any(t.like_num for t in tokens):
            return None
        if self.lex.is_place(text):
            return None
        if end - start == 1 and self.lowers[start] in self.lex.world_places and not self.lex.is_listed(text):
            return None  # "Millau", "Wimbledon": a lone word the model guessed, and a known place
        if end - start == 1 and (self.is_lone_word(tokens[0]) or self.is_descriptor(start)):
            return None  # "Algemeen", "Beslismedewerker"
        if all(word.isupper() and _letters(word) <= ALL_CAPS_MIN and not self.lex.is_listed(word)
               for word in self.texts[start:end]):
            return None  # "NYSE", "ZCTU", "DT&V.": acronyms
        if any(self.names_something_else(t) for t in self.tokens[max(start - 1, 0) : min(end + 1, self.n)]):
            return None
        capitalised = [t for k, t in enumerate(tokens, start)
                       if self.texts[k][:1].isupper() and t.is_alpha and not self.is_initial(t)]
        if capitalised:
            if all(self.lowers[t.i] in self.lex.not_names for t in capitalised):
                return None
            if len(capitalised) > 1 and self.looks_like_a_title(capitalised):
                return None
            return self.extend_left(start), end
        if any(self.is_lower_name(t, False) for t in tokens):
            return start, end
        return None

    def name_end_within(self, start: int, end: int) -> int:
        """Cut a model span where the name stops: "Leo Pardon van de NMBS" -> "Leo Pardon"."""
        j = start
        cores = 0
        while j < end:
            token = self.tokens[j]
            text = self.texts[j]
            after_prefix = self.prefix_at(j)
            if after_prefix > j:
                if after_prefix < end and self.prefix_continues(start, j, after_prefix, cores):
                    j = after_prefix
                    continue
                if text[:1].islower() or after_prefix < end:
                    break
            if token.is_space or (token.is_lower and not self.is_initial(token)):
                break
            if text[:1].isupper() and not self.is_initial(token):
                cores += 1
            j += 1
        return j

    def is_descriptor(self, i: int) -> bool:
        """A word that describes the person before the name: a role ("Premier"), a compound ending
        in a lower-case noun ("Likoed-man", "Bayern-doelman") or an acronym ("KMO")."""
        text = self.texts[i]
        if "-" in text and text.rsplit("-", 1)[1][:1].islower():
            return True
        following = self.texts[i + 1] if i + 1 < self.n else ""
        if text.isupper() and len(text) <= ALL_CAPS_MIN and not following.isupper():
            return True
        return self.ends_anchor(i)

    def extend_left(self, start: int) -> int:
        """Take in initials and one unknown capitalised word before a surname: "J. Leleux", "Ariel Sharon"."""
        while start > 0 and self.is_initial(self.tokens[start - 1]):
            start -= 1
        if start > 0:
            previous = self.texts[start - 1]
            if (
                self.is_name_token(self.tokens[start - 1])
                and not self.lex.is_common_word(previous)
                and not self.is_descriptor(start - 1)
                and not previous.isupper()
            ):
                start -= 1
                while start > 0 and self.is_initial(self.tokens[start - 1]):
                    start -= 1
        return start

    def ends_anchor(self, i: int) -> bool:
        """Whether token i is a title or role, also as the end of a compound ("Premier", "KNVB-woordvoerder")."""
        low = self.lowers[i].rstrip(".")
        return (low,) in self.lex.titles.phrases or self.lex.is_role_word(low)

    def with_bracket_note(self) -> Iterable[PersonSpan]:
        """A name followed by an age or a country code in brackets: "Yonas (8)", "Jan Peeters ( 45 )",
        "Simoni ( Ita )", "Plaza ( Spa / Festina )"."""
        if "(" not in self.source:
            return  # most texts have no bracket: one search of the text in C, no pass over its words
        texts = self.texts
        for i in (i for i in _positions(texts, ("(",)) if 0 < i < self.n - 2):
            if self.texts[i + 2] not in {")", "/"}:
                continue
            note = self.texts[i + 1]
            is_age = note.isdigit() and len(note) <= 2 and self.texts[i + 2] == ")"
            if not (is_age or COUNTRY_CODE.match(note)) or note.lower() in self.lex.not_names:
                continue
            for start in range(max(0, i - MAX_NAME_TOKENS), i):  # longest name first
                if self.name_run(start) != i or not self.texts[start][:1].isupper():
                    continue
                if self.lex.is_place(self.span_text(start, i)):
                    break
                # After a country code only a word the tables inflect is ordinary ("Mantilla ( Spa )" is a name).
                # A sports line's first name may be a word ("Angel Casero ( Spa )"): only its surname is checked.
                checked = self.core_tokens(start, i) if is_age else self.core_tokens(start, i)[-1:]
                ordinary = self.common_not_listed if is_age else self.inflecting_not_listed
                if checked and not any(ordinary(t) or self.is_descriptor(t.i) for t in checked):
                    yield PersonSpan(start, i, MODEL_SCORE, "bracket note")
                    break

    def byline_initials(self) -> Iterable[PersonSpan]:
        """An author's initials on a line of their own: "( GSC )", "(ABx)", "JS"."""
        for i in self.of_kind(BYLINE_WORD):  # the word's own tests are kept with its kinds
            text = self.texts[i]
            bracketed = 0 < i < self.n - 1 and self.texts[i - 1] == "(" and self.texts[i + 1] == ")"
            if not bracketed and len(text) > 3:
                continue
            before = i - 2 if bracketed else i - 1
            after = i + 2 if bracketed else i + 1
            line_start = before < 0 or self.tokens[before].is_space
            line_end = after >= self.n or self.tokens[after].is_space
            if line_start and line_end:
                yield PersonSpan(i, i + 1, BYLINE_SCORE, "initials")

    def looks_like_a_title(self, words: list[Token]) -> bool:
        """ "Silicon Valley", "Child Focus", "Onrechtmatige Bedingen": words, not a name, when no
        given name is listed and every word is an ordinary Dutch or English word."""
        if any(self.lowers[t.i] in self.lex.first_names for t in words):
            return False
        return all(self.common_not_listed(t) for t in words)

    def word_before_name(self, i: int, end: int) -> bool:
        """A word glued to the front of a name by the model: "Cultuur Bert Anciaux", "Volgens Karimi",
        "Bayern-doelman Oliver Kahn", "KMO Jaak Gabriëls", "Tunesiër Moufadhel Adhoum"."""
        text = self.texts[i]
        if i + 1 >= end or self.lex.is_listed(text):
            return False
        if self.is_descriptor(i):
            return True
        if not self.lex.is_common_word(text):
            return False
        if self.at_sentence_start(i) and end - i == 2:
            return self.inflecting_not_listed(self.tokens[i]) or self.lowers[i] in STOP_WORDS
        return end - i >= 3 or self.at_sentence_start(i) or self.lowers[i + 1] in self.lex.first_names

    def is_punct_not_initial(self, token: Token) -> bool:
        return token.is_punct and not self.is_initial(token)

    def common_not_listed(self, token: Token) -> bool:
        """A Dutch word that is not in the name lists ("Cultuur", "Volgens")."""
        text = self.texts[token.i]
        return self.lex.is_common_word(text) and not self.lex.is_listed(text)

    def inflecting_not_listed(self, token: Token) -> bool:
        """An ordinary Dutch or English word that is not in the name lists ("Brug", "Team")."""
        low = self.lowers[token.i]
        if self.lex.is_listed(low):
            return False
        return (
            low in STOP_WORDS
            or low in self.lex.function_words
            or low in self.lex.not_names
            or low in _english_words()
            or _dutch_words().inflects(low)
        )

    def at_sentence_start(self, i: int) -> bool:
        # is_sent_start is None in a doc without sentence boundaries (no need to ask has_annotation,
        # a pass over the tokens): only a boundary that was set makes it True.
        if i == 0 or self.tokens[i].is_sent_start:
            return True
        return self.tokens[i - 1].is_space or self.texts[i - 1] in SENTENCE_OPENERS

    def is_lone_word(self, token: Token) -> bool:
        """A single capitalised word that is no name on its own: a Dutch word, or a listed
        name that is also a word when it opens a sentence ("Kort na de klopjacht")."""
        if self.common_not_listed(token):
            return True
        return self.at_sentence_start(token.i) and self.lex.is_common_word(self.texts[token.i])

    def repeated_surnames(self, found: list[PersonSpan]) -> Iterable[PersonSpan]:
        """Later (or earlier) mentions of a surname already found in the same text."""
        settled = _settled(found, REPEAT_SCORE)
        if settled and not self.mentioned_outside(settled):
            return  # most texts: no other mention to find, so no surname keys worked out
        keys: set[tuple[str, ...]] = set()
        lower_keys: set[tuple[str, ...]] = set()  # found written in lower case: "hossein moradi ... moradi"
        lone_model_words: Counter[str] | None = None  # counted when first needed
        for span in found:
            cores = self.core_tokens(span.start, span.end)
            lower = not cores and self.tokens[span.end - 1].is_lower
            if lower:
                cores = [self.tokens[span.end - 1]]
            words = self.texts[span.start : span.end]
            if "," in words:  # "AL-ZOUBI, Khaled": the surname comes first
                comma = span.start + words.index(",")
                cores = [t for t in cores if t.i < comma] or cores
            if not cores:
                continue
            if span.source == "model" and len(cores) < 2:
                if lone_model_words is None:
                    lone_model_words = Counter(
                        self.lowers[s.start] for s in found if s.source == "model" and s.end - s.start == 1
                    )
                if lone_model_words[self.lowers[cores[0].i]] < 2:
                    continue  # a lone word the model saw once is not sure enough to spread through the text
            if span.source == "given name":
                continue  # its rule finds the other mentions itself, not those that name a place
            last = cores[-1]
            first_of_surname = last.i
            while first_of_surname > span.start and self.prefix_at(first_of_surname - 1) > first_of_surname - 1:
                first_of_surname -= 1
            key = tuple(self.lowers[first_of_surname : last.i + 1])
            word = key[-1]
            if len(word) < 3 or word in self.lex.ambiguous or word in self.lex.not_names or self.lex.is_place(word):
                continue
            if span.source in {"model", "role", "speech"} and word in self.organisation_words:
                continue
            if len(key) == 1 and all(self.common_not_listed(t) for t in cores):
                continue  # "Koninklijke Commissie" (but "Van der Voort" has a prefix: a name)
            (lower_keys if lower else keys).add(key)
        keys |= lower_keys
        if not keys:
            return
        # Only a position holding the first word of a key can start a mention: those are searched
        # for, instead of a comparison per token and key.
        firsts = {key[0] for key in keys}
        lowers = self.lowers
        for i in _positions(lowers, firsts):
            for key in keys:
                end = i + len(key)
                if end > self.n or not (self.texts[end - 1][:1].isupper() or key in lower_keys):
                    continue
                if tuple(lowers[i:end]) == key:
                    if not settled.isdisjoint(range(i, end)):
                        continue  # a mention found already (the one the key comes from, at least)
                    if end < self.n and self.is_name_token(self.tokens[end]) and key[-1] not in self.lex.first_names:
                        continue  # part of a longer, different name
                    yield PersonSpan(self.extend_left(i), end, REPEAT_SCORE, "repeat")

    def mentioned_outside(self, settled: set[int]) -> bool:
        """Whether a word at the `settled` positions (those of the names found) occurs elsewhere in
        the text too. A repeated surname's mention lies outside them and starts with a word of a
        found name (its surname or prefix): without one there is none. Every settled position holds
        one of those words, so a word elsewhere makes more positions hold one (counted in C)."""
        lowers = self.lowers
        words = {lowers[k] for k in settled}
        return sum(map(words.__contains__, lowers)) > len(settled)

    def find(self) -> list[PersonSpan]:
        # A rule that starts only at a kind of word (its first line) finds nothing in a text without
        # one: it is not run. Short texts such as subject lines lack most kinds.
        present = self.present
        ruled = []
        if present & TITLE_START:
            ruled += self.after_titles()
        if present & LABEL_START:
            ruled += self.in_fields()
        if present & CAPITALISED:
            ruled += self.reversed_headers()
        if present & INITIALS:
            ruled += self.surnames_with_initials()
        if present & ROLE_OPENER:
            ruled += (span for span in self.after_roles() if not self.names_organisation(span.start, span.end))
        if present & SPEECH_VERB:
            ruled += (span for span in self.after_speech_verbs() if not self.names_organisation(span.start, span.end))
        if present & (NAME_TOKEN | FIRST_NAME):
            ruled += self.listed_full_names()
        if present & BYLINE_WORD:
            ruled += self.byline_initials()
        ruled += self.with_bracket_note()
        ruled = merge_spans(ruled)
        found = overlay(ruled, list(self.model_spans(ruled)))
        if present & FIRST_NAME:
            found = overlay(found, list(self.lone_given_names()))
        return overlay(found, list(self.repeated_surnames(found))) if found else found


def _positions(words: list[str], wanted: Iterable[str]) -> list[int]:
    """The positions of the `wanted` words among `words`, in order.

    One search in C (list.index) per mention: the words sought (a found surname, a bracket) are
    few and rare, where a comprehension takes a Python step per word of the text.
    """
    found = []
    for word in wanted:
        i = -1
        for _ in range(words.count(word)):  # no ValueError to catch after the last one
            i = words.index(word, i + 1)
            found.append(i)
    return sorted(found)


def _settled(spans: list[PersonSpan], score: float) -> set[int]:
    """The token positions where a span of `score` laid over `spans` (see overlay) changes nothing.

    A span that overlaps one of `spans` is not kept, and raises only lower scores: when none of
    `spans` scores lower, every position they cover is settled; otherwise none is.
    """
    if any(span.score < score for span in spans):
        return set()
    return {k for span in spans for k in range(span.start, span.end)}


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
    """Spans of `first` keep their boundaries; a `second` span that overlaps one only raises its score.

    `first` is sorted by start, as merge_spans and overlay return it.
    """
    if not second:
        return list(first)  # already in order: most texts have no spans of one kind or another
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
    """All person names in a processed doc (doc.ents from the PER model plus the rules).

    With the default lexicon the answer is kept on the doc, and their character offsets with it
    (person_offsets): the PERSON recognizer and the special-data anchors both ask for it in the
    same analysis.
    """
    if lexicon is not None and lexicon is not default_lexicon():
        return _Matcher(doc, lexicon).find()
    cached = doc.user_data.get(_PERSONS_KEY)
    if cached is None:
        matcher = _Matcher(doc, default_lexicon())
        cached = doc.user_data[_PERSONS_KEY] = matcher.find()
        doc.user_data[_PERSON_OFFSETS_KEY] = char_offsets(matcher.tokens, cached)
    return cached


def person_offsets(doc: Doc) -> tuple[tuple[int, int], ...]:
    """The (start, end) character offsets of find_persons(doc)'s spans (default lexicon), in order."""
    offsets = doc.user_data.get(_PERSON_OFFSETS_KEY)
    if offsets is None:
        spans = find_persons(doc)  # keeps the offsets of the spans it works out with them
        offsets = doc.user_data.get(_PERSON_OFFSETS_KEY) or char_offsets(doc, spans)
    return offsets


def char_offsets(tokens: Sequence[Token], spans: Iterable[PersonSpan]) -> tuple[tuple[int, int], ...]:
    """The (start, end) character offsets of token spans, = Span.start_char and Span.end_char.

    With the matcher's own Tokens this makes no Span, nor a new Token per read (`doc[i]`), and
    len(token) is its length without decoding its text.
    """
    return tuple((tokens[s.start].idx, tokens[s.end - 1].idx + len(tokens[s.end - 1])) for s in spans)


_PERSONS_KEY = "verzendcheck.persons"
_PERSON_OFFSETS_KEY = "verzendcheck.person_offsets"


class PersonRecognizer(EntityRecognizer):
    """Presidio recognizer for PERSON in Dutch text.

    Reads the PER spans the NER component (added with `add_person_ner`) left in
    the doc of the NLP engine's single spaCy pass (`nlp_artifacts.tokens`), and
    adds titles and role anchors, "Naam:" fields, "SURNAME, Given" headers,
    listed names, names before "(8)" or "( Ita )", initials lines and repeated
    surnames. Without NLP artifacts it runs its own pipeline.
    """

    ENTITIES: ClassVar[list[str]] = ["PERSON"]

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
        if not isinstance(doc, Doc) or source_text(doc) != text:
            doc = self._own_nlp()(text)
        results = []
        spans = find_persons(doc, self.lexicon)
        offsets = person_offsets(doc) if self.lexicon is default_lexicon() else char_offsets(doc, spans)
        for span, (start, end) in zip(spans, offsets, strict=True):
            explanation = AnalysisExplanation(
                recognizer=self.name,
                original_score=span.score,
                textual_explanation=f"PERSON by {span.source}",
            )
            results.append(
                RecognizerResult(
                    entity_type="PERSON",
                    start=start,
                    end=end,
                    score=span.score,
                    analysis_explanation=explanation,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return results
