"""Generate labelled synthetic sentences (news, mail, beschikking, negatives) for the PER model."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
NAMES_DIR = Path(__file__).resolve().parents[2] / "recognizers" / "data" / "names"

GROUPS = (
    "dutch",
    "international",
    "arabic",
    "horn_of_africa",
    "persian",
    "turkish",
    "nigerian",
    "ukrainian",
    "georgian",
)
# Origin mix of the names in each kind of sentence: news text is mostly Dutch,
# Flemish and international names; chain mail is mostly about newcomers.
NEWS_WEIGHTS = (0.36, 0.34, 0.05, 0.04, 0.04, 0.05, 0.04, 0.04, 0.04)
MAIL_WEIGHTS = (0.18, 0.04, 0.17, 0.14, 0.14, 0.1, 0.08, 0.08, 0.07)

DUTCH_PREFIXES = ("van", "de", "van der", "van den", "van de", "ter", "ten", "van 't", "de la", "in 't")
ARABIC_PREFIXES = ("El", "Al", "el", "al", "Ben", "Abou", "Abu", "Ould", "Aït")
TITLES = (
    "dhr.",
    "dhr.",
    "Dhr.",
    "de heer",
    "de heer",
    "meneer",
    "mevrouw",
    "mevrouw",
    "Mevrouw",
    "mevr.",
    "mw.",
    "Mw.",
    "mr.",
    "dr.",
    "Mevr.",
    "De heer",
)
ROLES = (
    "minister",
    "premier",
    "president",
    "burgemeester",
    "voorzitter",
    "coach",
    "trainer",
    "directeur",
    "woordvoerder",
    "staatssecretaris",
    "kamerlid",
    "schepen",
    "gouverneur",
    "senator",
    "professor",
    "rechter",
    "advocaat",
    "aanvoerder",
    "doelman",
    "regisseur",
)
DEMONYMS = (
    "De Belg",
    "de Belg",
    "de Nederlander",
    "De Nederlander",
    "de Fransman",
    "de Duitser",
    "de Italiaan",
    "de Spanjaard",
    "de Amerikaan",
    "de Brit",
    "de Rus",
    "de Oekraïner",
    "de Keniaan",
    "de Marokkaan",
    "de Turk",
    "de Georgiër",
    "de Nigeriaan",
    "de Deen",
    "de Zwitser",
    "de Colombiaan",
    "de Australiër",
    "de Noor",
)
NATIONALITY_ADJ = (
    "Belgische",
    "Nederlandse",
    "Franse",
    "Duitse",
    "Britse",
    "Amerikaanse",
    "Russische",
    "Italiaanse",
    "Spaanse",
    "Syrische",
    "Turkse",
    "Marokkaanse",
    "Iraanse",
    "Afghaanse",
    "Eritrese",
    "Somalische",
    "Nigeriaanse",
    "Oekraïense",
    "Georgische",
    "Iraakse",
)
NATIONS = (
    "Syrische",
    "Eritrese",
    "Afghaanse",
    "Turkse",
    "Somalische",
    "Iraanse",
    "Iraakse",
    "Nigeriaanse",
    "Oekraïense",
    "Georgische",
    "Marokkaanse",
    "Nederlandse",
    "onbekende",
)
MAILBOXES = ("info", "planning", "regio", "team")
CHAIN_DOMAINS = ("ind.nl", "coa.nl", "dtv.minvenj.nl")
CHAIN_ORGS = ("IND", "COA", "DT&V", "gemeente", "AVIM", "GGD", "Nidos", "KMar", "DJI")
LOCATIONS = (
    "azc Ter Apel",
    "locatie Budel",
    "azc Zeist",
    "de GL in Gilze",
    "azc Echt",
    "locatie Dronten",
    "de vrijheidsbeperkende locatie Ter Apel",
    "azc Musselkanaal",
    "het AC Schiphol",
    "de POL in Budel",
    "azc Assen",
    "de opvang in Zwolle",
    "locatie Veenhuizen",
)
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
STREET_BASES = (
    "Dorpsstraat",
    "Kerkstraat",
    "Stationsweg",
    "Molenweg",
    "Schoolstraat",
    "Beatrixlaan",
    "Julianastraat",
    "Johan de Wittlaan",
    "Prins Hendrikkade",
    "Willem Alexanderlaan",
    "Burgemeester Smitstraat",
    "Koningin Julianaplein",
    "Van Goghstraat",
    "Rembrandtplein",
    "Marnixstraat",
    "Laan van Meerdervoort",
    "Oranjesingel",
    "Hoofdstraat",
    "Markt",
    "Wilhelminapark",
    "Thorbeckeplein",
    "Anne Franklaan",
    "Pieter de Hoochweg",
    "Parallelweg",
    "Europaweg",
    "Turfmarkt",
    "Schenkkade",
    "Rijnstraat",
    "Kanaalweg",
    "Vondelstraat",
)
INITIAL_LETTERS = "ABCDEFGHIJKLMNOPRSTVWYZ"
ONSETS = (
    "b",
    "br",
    "d",
    "dr",
    "f",
    "g",
    "gr",
    "h",
    "j",
    "k",
    "kl",
    "l",
    "m",
    "n",
    "p",
    "pr",
    "r",
    "s",
    "st",
    "t",
    "tr",
    "v",
    "w",
    "z",
    "sch",
    "ch",
)
VOWELS = ("a", "e", "i", "o", "u", "aa", "ee", "oo", "ie", "ou", "ei", "au", "y")
CODAS = ("", "", "n", "r", "s", "l", "m", "t", "k", "nd", "rt", "ns", "x")
ORG_SUFFIXES = (
    "",
    "",
    "",
    " Group",
    " NV",
    " BV",
    " Holding",
    " Airlines",
    " Pharma",
    " Bank",
    " Media",
    " Telecom",
    " Motors",
    " International",
    " Partners",
    " Securities",
    " Systems",
    " Verzekeringen",
    " Bouw",
)
PLACE_ENDINGS = (
    "dorp",
    "heim",
    "burg",
    "stad",
    "ingen",
    "hove",
    "rode",
    "kerke",
    "gem",
    "dam",
    "veld",
    "hout",
    "ville",
    "ia",
    "istan",
    "ovo",
    "sk",
)


def read_list(path: Path) -> list[str]:
    """Read a one-entry-a-line data file, skipping comments and blank lines."""
    items: list[str] = []
    seen: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.strip()
        if entry and not entry.startswith("#") and entry not in seen:
            seen.add(entry)
            items.append(entry)
    return items


def read_sections(path: Path) -> dict[str, list[str]]:
    """Read a data file of "## section" blocks, one phrase a line."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip(), [])
        elif line.strip() and not line.startswith("#"):
            current.append(line.strip())
    return sections


@dataclass
class Example:
    """One training sentence with its labelled character spans (PER, and LOC/ORG as contrast)."""

    text: str
    spans: list[tuple[int, int, str]]


def pseudo_word(rng: random.Random, syllables: int) -> str:
    """A pronounceable made-up word: unseen companies and places, so that an unknown capitalised
    word is not taken for a person by default (made-up person names made the model worse)."""
    word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables)) + rng.choice(CODAS)
    return word.capitalize()


class NamePool:
    """Samples person names of a given origin group in the written forms seen in mail and news."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.first = {g: read_list(NAMES_DIR / f"first_names_{g}.txt") for g in GROUPS}
        self.last = {g: read_list(NAMES_DIR / f"surnames_{g}.txt") for g in GROUPS}

    def group(self, weights: tuple[float, ...]) -> str:
        return self.rng.choices(GROUPS, weights=weights)[0]

    def given(self, group: str) -> str:
        name = self.rng.choice(self.first[group])
        if group in {"persian", "arabic"} and self.rng.random() < 0.1:
            name = f"{name} {self.rng.choice(self.first[group])}"
        return name

    def surname(self, group: str, *, standalone: bool) -> str:
        rng = self.rng
        name = rng.choice(self.last[group])
        if group in {"horn_of_africa"} and rng.random() < 0.3:
            name = f"{rng.choice(self.first[group])} {name}"
        if group == "dutch" and rng.random() < 0.35:
            prefix = rng.choice(DUTCH_PREFIXES)
            if standalone or rng.random() < 0.35:
                prefix = prefix[0].upper() + prefix[1:]
            name = f"{prefix} {name}"
        elif group == "arabic" and rng.random() < 0.25 and not name.startswith(("Al", "El")):
            prefix = rng.choice(ARABIC_PREFIXES)
            joiner = "-" if prefix.lower() in {"el", "al"} and rng.random() < 0.4 else " "
            name = f"{prefix}{joiner}{name}"
        if rng.random() < 0.06:
            other = rng.choice(self.last[rng.choice(GROUPS)])
            name = f"{name}-{other}"
        return name

    def initials(self) -> str:
        count = self.rng.choices((1, 2, 3), weights=(0.6, 0.3, 0.1))[0]
        letters = [self.rng.choice(INITIAL_LETTERS) + "." for _ in range(count)]
        return ("" if self.rng.random() < 0.8 else " ").join(letters)

    def shout(self, surname: str, prob: float) -> str:
        """Write the surname in capitals as IND documents and some mails do."""
        return surname.upper() if self.rng.random() < prob else surname

    def form(self, slot: str, weights: tuple[float, ...], caps_prob: float) -> str:
        group = self.group(weights)
        rng = self.rng
        if slot == "PF":
            return f"{self.given(group)} {self.shout(self.surname(group, standalone=False), caps_prob)}"
        if slot == "PS":
            return self.shout(self.surname(group, standalone=True), caps_prob / 2)
        if slot == "PG":
            return self.given(group)
        if slot == "PI":
            return f"{self.initials()} {self.shout(self.surname(group, standalone=False), caps_prob)}"
        if slot == "PR":
            surname = self.surname(group, standalone=True)
            surname = surname.upper() if rng.random() < 0.7 else surname
            given = self.given(group) if rng.random() < 0.8 else self.initials()
            return f"{surname}, {given}"
        choice = rng.choices(("PF", "PS", "PI", "PG"), weights=(0.5, 0.3, 0.1, 0.1))[0]
        return self.form(choice, weights, caps_prob)


class Filler:
    """Fills the non-person slots of a template."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.places = read_list(NAMES_DIR / "places.txt")
        self.orgs = read_list(LEXICON_DIR / "organisations.txt")
        self.misc = read_list(LEXICON_DIR / "misc.txt")

    def date(self) -> str:
        rng = self.rng
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1950, 2025)
        style = rng.random()
        if style < 0.5:
            return f"{day} {MONTHS[month - 1]} {year}"
        if style < 0.8:
            return f"{day:02d}-{month:02d}-{year}"
        return f"{day}/{month}/{year}"

    def pseudo_place(self) -> str:
        return pseudo_word(self.rng, self.rng.randint(1, 2)) + self.rng.choice(PLACE_ENDINGS)

    def pseudo_org(self) -> str:
        rng = self.rng
        return pseudo_word(rng, rng.randint(1, 3)) + rng.choice(ORG_SUFFIXES)

    def street(self) -> str:
        return f"{self.rng.choice(STREET_BASES)} {self.rng.randint(1, 240)}"

    def value(self, slot: str) -> str:
        rng = self.rng
        simple = {
            "L": lambda: rng.choice(self.places) if rng.random() < 0.7 else self.pseudo_place(),
            "O": lambda: rng.choice(self.orgs) if rng.random() < 0.6 else self.pseudo_org(),
            "ROLE": lambda: rng.choice(ROLES),
            "MISC": lambda: rng.choice(self.misc) if rng.random() < 0.7 else self.pseudo_org(),
            "DEM": lambda: rng.choice(DEMONYMS),
            "NAT": lambda: rng.choice(NATIONALITY_ADJ),
            "NATION": lambda: rng.choice(NATIONS),
            "N": lambda: str(rng.randint(2, 90)),
            "NUM": lambda: str(rng.randint(100, 99999)),
            "Y": lambda: str(rng.randint(1950, 2025)),
            "AGE": lambda: str(rng.randint(18, 85)),
            "MON": lambda: rng.choice(MONTHS),
            "DAY": lambda: rng.choice(DAYS),
            "DATE": self.date,
            "SCORE": lambda: f"{rng.randint(0, 7)}-{rng.randint(0, 6)}",
            "PCT": lambda: f"{rng.randint(1, 60)} procent",
            "MONEY": lambda: f"{rng.randint(2, 900)} miljoen euro",
            "T": lambda: rng.choice(TITLES),
            "VNR": lambda: "".join(str(rng.randint(0, 9)) for _ in range(10)),
            "BSN": lambda: "".join(str(rng.randint(0, 9)) for _ in range(9)),
            "PHONE": lambda: f"06-{rng.randint(10000000, 99999999)}",
            "EMAIL": lambda: f"{rng.choice(MAILBOXES)}@{rng.choice(CHAIN_DOMAINS)}",
            "STREET": self.street,
            "PC": lambda: (
                f"{rng.randint(1000, 9999)} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
            ),
            "LOC": lambda: rng.choice(LOCATIONS),
            "ORGM": lambda: rng.choice(CHAIN_ORGS),
        }
        return simple[slot]()


SLOT = re.compile(r"\{([A-Z]+)\}")
PERSON_SLOTS = {"P", "PF", "PS", "PG", "PI", "PR"}
CONTRAST_LABELS = {"L": "LOC", "O": "ORG", "ORGM": "ORG"}
PERSON_SUBJECTS = (
    "{PF}",
    "{PF}",
    "{PS}",
    "{PS}",
    "{ROLE} {PS}",
    "{ROLE} {PF}",
    "{PF} ( {O} )",
    "{PF} ({O})",
    "{PF}, {ROLE} van {O},",
    "{DEM} {PS}",
    "{PI}",
    "De {AGE}-jarige {PS}",
)
OBJECTS = (
    "{PF}",
    "{PS}",
    "{O}",
    "{O}",
    "{O} en {O}",
    "{ROLE} {PS}",
    "de {ROLE}",
    "{PF} en {PF}",
    "zijn collega {PF}",
    "{PI}",
    "de {MISC}",
    "het team van {O}",
)


class SentenceFactory:
    """Turns templates into labelled sentences, with casing variants."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.names = NamePool(self.rng)
        self.filler = Filler(self.rng)
        self.grammar = read_sections(LEXICON_DIR / "grammar.txt")
        self.templates = {
            kind: [
                t.replace("\\n", "\n").replace("\\t", "\t") for t in read_list(LEXICON_DIR / f"templates_{kind}.txt")
            ]
            for kind in ("news", "mail", "negative")
        }

    def fill(self, template: str, weights: tuple[float, ...], caps_prob: float) -> Example:
        text_parts: list[str] = []
        spans: list[tuple[int, int, str]] = []
        cursor = 0
        length = 0
        for match in SLOT.finditer(template):
            literal = template[cursor : match.start()]
            text_parts.append(literal)
            length += len(literal)
            slot = match.group(1)
            if slot in PERSON_SLOTS:
                value = self.names.form(slot, weights, caps_prob)
                spans.append((length, length + len(value), "PER"))
            else:
                value = self.filler.value(slot)
                if slot in CONTRAST_LABELS and value[:1].isupper():
                    spans.append((length, length + len(value), CONTRAST_LABELS[slot]))
            text_parts.append(value)
            length += len(value)
            cursor = match.end()
        text_parts.append(template[cursor:])
        text = "".join(text_parts)
        if text and text[0].islower():
            text = text[0].upper() + text[1:]
        return Example(text, spans)

    def compose(self) -> Example:
        """A newspaper-style sentence put together from grammar.txt: varied contexts for every entity type."""
        rng = self.rng
        grammar = self.grammar
        if rng.random() < 0.15:  # an adverb-first sentence without a name
            template = f"{rng.choice(grammar['opener'])} {rng.choice(grammar['plain'])}"
            return self.fill(template, NEWS_WEIGHTS, 0.0)
        kind = rng.choices(("person", "org", "place", "common"), weights=(0.32, 0.28, 0.12, 0.28))[0]
        if kind == "person":
            subject = rng.choice(PERSON_SUBJECTS)
            verb = rng.choice(grammar["person_verb"])
        elif kind == "org":
            subject, verb = "{O}", rng.choice(grammar["org_verb"])
        elif kind == "place":
            subject, verb = "{L}", rng.choice(grammar["place_verb"])
        else:
            subject, verb = rng.choice(grammar["common_subject"]), rng.choice(grammar["person_verb"])
        verb = verb.replace("{X}", rng.choice(OBJECTS))
        finite, _, rest = verb.partition(" ")
        if rng.random() < 0.3:
            intro = rng.choice(grammar["intro"])
            if subject.startswith(("De ", "Het ", "Een ")):
                subject = subject[0].lower() + subject[1:]
            clause = f"{intro} {finite} {subject} {rest}".rstrip()
        else:
            clause = f"{subject} {verb}"
        tail = rng.choice(grammar["tail"])
        template = clause + (tail if tail.startswith(",") else " " + tail)
        return self.recase(
            self.fill(template.replace("{Y}", "{L}" if rng.random() < 0.5 else "{Y}"), NEWS_WEIGHTS, 0.03)
        )

    def recase(self, example: Example, lower_prob: float = 0.0) -> Example:
        """Some mail is typed all in capitals or all in lower case; names follow."""
        roll = self.rng.random()
        if roll < 0.03:
            return Example(example.text.upper(), example.spans)
        if roll < 0.03 + lower_prob:
            return Example(example.text.lower(), example.spans)
        return example

    def swap_names(self, example: Example) -> Example:
        """The same sentence with other people in it: real contexts, names of every origin."""
        parts: list[str] = []
        spans: list[tuple[int, int, str]] = []
        cursor = 0
        length = 0
        for start, end, label in sorted(example.spans):
            literal = example.text[cursor:start]
            parts.append(literal)
            length += len(literal)
            if label == "PER":
                slot = self.rng.choices(("PF", "PS", "PI"), weights=(0.5, 0.35, 0.15))[0]
                value = self.names.form(slot, NEWS_WEIGHTS, 0.03)
            else:
                value = example.text[start:end]
            parts.append(value)
            spans.append((length, length + len(value), label))
            length += len(value)
            cursor = end
        parts.append(example.text[cursor:])
        return Example("".join(parts), spans)

    def generate(self, kind: str, count: int) -> Iterator[Example]:
        if kind == "composed":
            for _ in range(count):
                yield self.compose()
            return
        weights = NEWS_WEIGHTS if kind == "news" else MAIL_WEIGHTS
        caps_prob = 0.03 if kind == "news" else 0.2
        templates = self.templates[kind]
        lower_prob = 0.03 if kind == "mail" else 0.0
        for _ in range(count):
            yield self.recase(self.fill(self.rng.choice(templates), weights, caps_prob), lower_prob)
