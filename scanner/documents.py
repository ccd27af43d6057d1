"""What each part of a message is: beschikking, gespreksverslag, machtiging, lijst … (documents.md)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from redaction.pages import beschikking_keep
from scanner.model import Finding, Message, Part
from scanner.prefilter import Alternation, Found, NeedleIndex

if TYPE_CHECKING:
    from scanner.policy import Policy

MARKERS_DIR = Path(__file__).parent / "data" / "markers"

# Kinds (documents.md). "mail" and "onderwerp" are the message's own body and subject.
KINDS = (
    "beschikking", "uitspraak", "gespreksverslag", "pip_verslag", "interne_notitie", "machtiging",
    "vertrekstrategie", "lijst", "lso_verslag", "pasfoto", "afbeelding", "id_document", "medisch",
    "dossier", "archief", "publiek", "mail", "onderwerp", "overig",
)
IDENTIFIERS = frozenset({"V_NUMBER", "BSN", "KLANTNUMMER"})
ROW_ENTITIES = frozenset({"V_NUMBER", "BSN", "KLANTNUMMER", "DATE_OF_BIRTH"})
TABLE_KINDS = frozenset({"xlsx", "csv"})
IMAGE_KINDS = frozenset({"image"})
ARCHIVE_KINDS = frozenset({"zip"})
# Kinds whose title on a page marks a new document inside one PDF (FULL_DOSSIER).
PASTED_DOCUMENT_CHARS = 1500  # a body shorter than this is a mail, not a pasted document
TYPED_KINDS = ("beschikking", "gespreksverslag", "pip_verslag", "medisch", "machtiging", "interne_notitie",
               "vertrekstrategie", "id_document", "uitspraak")


@dataclass
class Document:
    """What one part is, with what the rules need to know about it (no personal data)."""

    kind: str
    confidence: float
    pages: int
    owner: str | None = None  # organisation name ("IND") that produced it
    about_one_person: bool = False
    part: str = "attachment"
    name: str | None = None
    part_index: int = 0
    subtype: str | None = None  # beschikking: besluit, voornemen, beslissing_op_bezwaar
    page_numbers: tuple[int, ...] = ()  # original page numbers of the pages present ("pagina x van y")
    original_pages: int | None = None  # y of "pagina x van y"
    excerpt: bool = False  # only the first and the last one or two pages of the original
    keep_pages: tuple[int, ...] = ()  # original page numbers to keep (beschikking: [1, n-1, n])
    remedies_page: int | None = None  # original page number where the remedies start
    internal: str | None = None  # "explicit" when marked internal
    restricted: bool = False  # carries an explicit distribution restriction
    machtiging: dict[str, bool] = field(default_factory=dict)  # datum, naam, handtekening
    signals: tuple[str, ...] = ()  # other kinds seen in it (e.g. "vertrekstrategie")
    subjects: int = 0  # distinct data subjects (identifiers, or named rows)
    rows: int = 0  # rows/lines that carry an identifier
    cases: int = 0  # case blocks (LSO/LKO)
    doc_types: tuple[str, ...] = ()  # kinds whose title opens a page (several = joined documents)
    quoted_from: tuple[str, ...] = ()  # addresses in quoted "Van:"/"From:" lines
    deliberation: bool = False  # internal deliberation phrases (inferred internal thread)
    image: bool = False
    inline: bool = False
    archive: bool = False

    def to_json(self) -> dict[str, Any]:
        """Masked summary for the result: kinds, counts and page numbers, never text."""
        return {
            "part_index": self.part_index,
            "part": self.part,
            "attachment": self.name,
            "kind": self.kind,
            "subtype": self.subtype,
            "confidence": round(self.confidence, 2),
            "pages": self.pages,
            "owner": self.owner,
            "about_one_person": self.about_one_person,
            "excerpt": self.excerpt,
            "original_pages": self.original_pages,
            "keep_pages": list(self.keep_pages),
            "internal": self.internal,
            "signals": list(self.signals),
            "subjects": self.subjects,
            "rows": self.rows,
            "cases": self.cases,
            "doc_types": list(self.doc_types),
        }


# -- text helpers (shared with scanner.rules) ------------------------------------------


@cache
def _fold_char(c: str) -> str:
    d = "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x))
    return d if len(d) == 1 else c


class _FoldTable(dict):
    """`str.translate` table of `_fold_char`, filled as characters are met (one C loop per text)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = self[code] = _fold_char(char) if code > 127 else char
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str, keep_case: bool = False) -> str:
    """Text without diacritics (and lower case), with the same length so offsets still fit."""
    out = text if text.isascii() else text.translate(_FOLD_TABLE)
    return out if keep_case else out.lower()


@lru_cache(maxsize=8)
def fold_text(text: str) -> str:
    """`fold(text)` for a whole text that is searched several times (a page of a part, a body, the
    sender's own text): classify and the rules fold it once between them, not once per search."""
    return fold(text)


@cache
def load_toml(name: str) -> dict[str, Any]:
    """A marker file from scanner/data/markers (parsed once)."""
    with (MARKERS_DIR / name).open("rb") as fh:
        return tomllib.load(fh)


@cache
def load_terms(name: str) -> tuple[str, ...]:
    """A term list (one a line, # comments) from scanner/data/markers."""
    lines = (MARKERS_DIR / name).read_text(encoding="utf-8").splitlines()
    return tuple(fold(x.strip()) for x in lines if x.strip() and not x.strip().startswith("#"))


def term_regex(terms: Iterable[str]) -> re.Pattern[str]:
    """One pattern for a term list: word boundaries, a space also matches a hyphen or line break."""
    return term_search(terms).regex


def term_search(terms: Iterable[str]) -> Alternation:
    """`term_regex` as an `Alternation`, which runs only the terms whose words occur in a text."""
    return _term_alternation(tuple(sorted({fold(t) for t in terms}, key=len, reverse=True)))


@cache
def _term_alternation(terms: tuple[str, ...]) -> Alternation:
    parts = []
    for term in terms:
        body = r"[\s\-]+".join(re.escape(w) for w in term.split())
        left = r"(?<!\w)" if term[:1].isalnum() else ""
        right = r"(?!\w)" if term[-1:].isalnum() else ""
        parts.append(left + body + right)
    return Alternation(parts)


@cache
def terms_pattern(name: str) -> re.Pattern[str]:
    return term_regex(load_terms(name))


@cache
def terms_search(name: str) -> Alternation:
    return term_search(load_terms(name))


def patterns(*regexes: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """Alternation of regular expressions (compiled once)."""
    return search_patterns(*regexes, case_sensitive=case_sensitive).regex


@cache
def search_patterns(*regexes: str, case_sensitive: bool = False, numbered_groups: bool = True) -> Alternation:
    """`patterns` as an `Alternation` (scanner.prefilter): most marker lists match nothing in most
    texts, and a substring test of their words proves that far faster than the regex engine.
    `numbered_groups` as for `Alternation`."""
    flags = re.MULTILINE | (0 if case_sensitive else re.IGNORECASE)
    return Alternation([f"(?:{r})" for r in regexes], flags, numbered_groups=numbered_groups)


def any_match(regexes: Sequence[str], text: str, case_sensitive: bool = False) -> re.Match[str] | None:
    return search_patterns(*regexes, case_sensitive=case_sensitive).search(text) if regexes else None


@lru_cache(maxsize=1024)
def extension(name: str | None) -> str:
    """".pdf" for "Besluit.PDF" (cached: a pathlib.Path costs more than the rest of a small part)."""
    return Path(name or "").suffix.lower()


# -- classification ---------------------------------------------------------------------


def classify_message(message: Message, findings: Sequence[Finding], policy: Policy) -> list[Document]:
    """One Document per part of the message, in the order of message.parts."""
    own: dict[int, list[Finding]] = {}  # each part's findings, sorted out in one pass
    for f in findings:
        own.setdefault(f.part_index, []).append(f)
    docs = []
    for index, part in enumerate(message.parts):
        doc = classify(part, own.get(index, []), policy)
        doc.part_index = index
        docs.append(doc)
    return docs


def classify(part: Part, findings: Sequence[Finding], policy: Policy) -> Document:
    """What this part is (documents.md), from content, layout, metadata and name; `findings` are its own."""
    spec = load_toml("documents.toml")
    pages = list(part.pages) or [""]
    n = len(pages) if part.paged else max(1, len(part.pages))
    doc = Document(kind="overig", confidence=0.0, pages=n, part=part.part, name=part.name)
    if part.part == "subject":
        doc.kind, doc.confidence = "onderwerp", 1.0
        return doc

    folded = [fold_text(p) for p in pages]
    text = "\n".join(folded)
    raw_text = "\n".join(pages)
    name = fold(part.name or "")
    threshold = float(policy.threshold("document_confidence"))

    doc.rows, doc.subjects, doc.cases = _count_rows(part, findings)
    doc.quoted_from = tuple(_quoted_addresses(raw_text))
    texts = _PartText(folded, text, raw_text)
    doc.deliberation = texts.search(_deliberation(), text) is not None
    _read_footers(doc, folded, spec)

    scores = _scores(texts)
    # A public document (Kamerbrief, handreiking) wins when it shows several of its marks and
    # holds no identifier of a data subject; its office holders are not data subjects.
    has_ids = any(f.entity in ROW_ENTITIES for f in findings)
    needed = spec["kinds"]["publiek"]["requires"]["groups"]
    public = not has_ids and sum(1 for kind, _ in texts.hits if kind == "publiek") >= needed
    scores["publiek"] = 0.0
    # documents.md §1: a beschikking needs its letterhead; a title word alone is weak.
    if not texts.hit("beschikking", "letterhead"):
        scores["beschikking"] *= 0.5
    if scores["uitspraak"] >= scores["beschikking"] and scores["uitspraak"] >= threshold:
        scores["beschikking"] = 0.0
    # A machtiging needs the word and the consent phrase, not a mention in a letter.
    if not texts.hit("machtiging", "phrases"):
        scores["machtiging"] *= 0.5

    if part.kind in TABLE_KINDS and doc.rows:
        scores["lijst"] = max(scores["lijst"], 0.9 if doc.rows >= 2 else 0.5)
    elif doc.rows < 2:
        scores["lijst"] = 0.0
    if doc.cases < 1:
        scores["lso_verslag"] *= 0.5

    doc.doc_types = tuple(_page_types(spec, folded, texts))
    signals = [k for k, s in scores.items() if s >= threshold]

    ext = extension(part.name)
    photo_ext = load_toml("rules.toml")["photo"]["extensions"]
    archive_ext = load_toml("rules.toml")["dossier"]["archive_extensions"]
    scanned_text = part.kind in IMAGE_KINDS and part.meta.get("ocr_pages") and not (
        part.meta.get("faces") or part.meta.get("mrz")) and max(scores.values(), default=0.0) >= threshold
    if scanned_text:  # a photographed or scanned letter or list: what its text says it is
        best = max(scores, key=scores.__getitem__)
        doc.kind, doc.confidence = best, min(1.0, scores[best])
    elif part.kind in IMAGE_KINDS or (ext in photo_ext and part.part == "attachment"):
        _classify_image(doc, part, name, text, scores, policy)
    elif part.kind in ARCHIVE_KINDS or ext in archive_ext:
        doc.archive = True
        dossier = any_match(load_toml("rules.toml")["dossier"]["names"], name)
        doc.kind, doc.confidence = ("dossier", 0.6) if dossier else ("archief", 0.9)
    elif public:
        doc.kind, doc.confidence = "publiek", 0.9
    else:
        best = max(scores, key=scores.__getitem__)
        if scores[best] >= threshold:
            doc.kind, doc.confidence = best, min(1.0, scores[best])
        elif part.part == "body":
            doc.kind, doc.confidence = "mail", 1.0
        else:
            doc.kind, doc.confidence = "overig", max(0.0, 1.0 - scores[best])
        # Bodies are mail unless a document is pasted or forwarded in, with high confidence.
        pasted = part.forwarded or len(raw_text) >= PASTED_DOCUMENT_CHARS
        if part.part == "body" and doc.kind != "mail" and (doc.confidence < 0.7 or not pasted):
            doc.kind, doc.confidence = "mail", 1.0
        if part.part == "attachment" and doc.kind == "overig" and any_match(
                load_toml("rules.toml")["dossier"]["names"], name) and findings:
            doc.kind, doc.confidence = "dossier", 0.55

    doc.signals = tuple(s for s in signals if s != doc.kind and s != "publiek")
    kind_spec = spec["kinds"].get(doc.kind, {})
    doc.about_one_person = bool(kind_spec.get("about_one_person", False))
    if doc.kind == "beschikking":
        doc.subtype = _subtype(spec, folded[0])
        _beschikking_pages(doc, folded, spec)
    if doc.kind == "machtiging":
        doc.machtiging = _machtiging_fields(spec, pages, findings, part)
    if doc.kind == "interne_notitie" or _internal_metadata(spec, part):
        doc.internal = "explicit"
        doc.restricted = bool(re.search(r"niet\s+voor\s+externe|intern\s+gebruik|niet\s+verspreiden|vertrouwelijk",
                                        text))
    doc.owner = _owner(spec, kind_spec, folded, policy, texts)
    return doc


def _scores(texts: _PartText) -> dict[str, float]:
    """Each kind's score (documents.toml order): the weights of its signal groups that occur, added in
    the file's order, capped at 1. Added up from the few groups that occur (their positions ascending
    are the file's order) instead of visiting each of the ~45 groups of the 19 kinds."""
    scores = dict.fromkeys(_kinds(), 0.0)
    signals = _signals()
    for i in sorted(texts.positions):
        signal = signals[i]
        scores[signal.kind] += signal.weight
    for kind in {signals[i].kind for i in texts.positions}:
        scores[kind] = min(scores[kind], 1.0)
    return scores


@cache
def _kinds() -> tuple[str, ...]:
    return tuple(load_toml("documents.toml")["kinds"])


class _PartText:
    """One part's text in the forms the signal groups search, each made once per part rather than
    once per group, and which signal groups occur in it (`hit`).

    The groups are found all at once: one NeedleIndex pass per text form tells which groups' needles
    occur (`NeedleIndex.live`), and only those groups run their regex. A typical part holds the
    needles of a few of the ~45 groups, so the others cost nothing, not even a prefilter call. The
    same pass serves the other marker lists classify searches the part for (`search`, `narrowed`)."""

    def __init__(self, folded: list[str], text: str, raw: str) -> None:
        self.folded = folded  # pages, folded
        self.text = text  # folded pages joined
        self.raw = raw  # pages joined, as written
        self._scans: dict[str, tuple[Found, set[int]]] = {}
        self.scan(text)  # the one scan: the other forms hold the needles of a few groups only
        signals = _signals()
        self.positions: set[int] = set()  # positions in `_signals()` of the signal groups that occur
        self.hits: set[tuple[str, str]] = set()  # the same groups as (kind, group)
        for (case, first_page), positions in _signal_forms().items():
            target = self._target(case, first_page)
            scanned = self._scans.get(target)  # the first page of a one-page part is the text
            if scanned is None and case and not first_page:
                # The text as written (case kept) mostly reads as the folded text in lower case;
                # then the one scan's case-insensitive needles hold for it and only its few
                # case-sensitive ones are sought (NeedleIndex.rescan checks, else scans it whole).
                index = _part_index()
                found = index.rescan(target, text, self._scans[text][0])
                scanned = found, index.live(found)
            found, live = scanned if scanned is not None else (None, positions)
            for i in live & positions:
                signal = signals[i]
                if signal.search.search(target, found) is not None:
                    self.positions.add(i)
                    self.hits.add((signal.kind, signal.group))

    def _target(self, case: bool, first_page: bool) -> str:
        if first_page:
            return fold(self.folded[0], keep_case=True) if case else self.folded[0]
        return fold(self.raw, keep_case=True) if case else self.text

    def hit(self, kind: str, group: str) -> bool:
        """Whether a pattern of the signal group `group` of `kind` occurs (documents.toml)."""
        return (kind, group) in self.hits

    def scan(self, text: str) -> tuple[Found, set[int]]:
        """The needles of `_part_searches()` in `text` (one of the part's texts or pages), and the
        positions of the searches that may match in it; found once per text."""
        scanned = self._scans.get(text)
        if scanned is None:
            index = _part_index()
            found = index.scan(text)
            scanned = self._scans[text] = (found, index.live(found))
        return scanned

    def narrowed(self, search: Alternation, text: str) -> re.Pattern[str] | None:
        """`search.narrowed(text)` for one of `_part_searches()`, answered from the part's scan of
        `text` when it has one (the texts the signal groups search), else by the search's own needle
        tests (a scan costs more than those for a text asked about once, such as a later page)."""
        may_match, found = self._scanned(search, text)
        return search.narrowed(text, found) if may_match else None

    def search(self, search: Alternation, text: str) -> re.Match[str] | None:
        """`search.search(text)`, answered as `narrowed` is."""
        may_match, found = self._scanned(search, text)
        return search.search(text, found) if may_match else None

    def count(self, search: Alternation, text: str) -> int:
        """How many times `search` matches in `text` (as `findall` counts), answered as `narrowed` is."""
        may_match, found = self._scanned(search, text)
        return sum(1 for _ in search.finditer(text, found)) if may_match else 0

    def _scanned(self, search: Alternation, text: str) -> tuple[bool, Found | None]:
        """Whether `search` may match in `text`, and the scan to pass it (None: not scanned)."""
        scanned = self._scans.get(text)
        if scanned is None:
            return True, None
        found, live = scanned
        return _part_positions()[search] in live, found


class _Signal(NamedTuple):
    kind: str
    group: str
    weight: float
    search: Alternation
    case_sensitive: bool
    first_page: bool


@cache
def _signals() -> tuple[_Signal, ...]:
    """Each signal group of documents.toml, looked up once: a part asks for some 45 groups, and
    `search_patterns` hashes the patterns at each call."""
    spec = load_toml("documents.toml")
    return tuple(
        _Signal(kind, group, g["weight"],
                search_patterns(*g["patterns"], case_sensitive=bool(g.get("case_sensitive", False))),
                bool(g.get("case_sensitive", False)), bool(g.get("first_page")))
        for kind, kind_spec in spec["kinds"].items()
        for group, g in kind_spec.get("signals", {}).items()
    )


@cache
def _signal_forms() -> dict[tuple[bool, bool], frozenset[int]]:
    """The positions in `_signals()` of the groups that search each form of a part's text
    (case-sensitive or not, first page only or all)."""
    forms: dict[tuple[bool, bool], set[int]] = {}
    for i, signal in enumerate(_signals()):
        forms.setdefault((signal.case_sensitive, signal.first_page), set()).add(i)
    return {form: frozenset(positions) for form, positions in forms.items()}


@cache
def _signal_positions() -> dict[tuple[str, str], int]:
    """(kind, group) -> its position in `_signals()`."""
    return {(signal.kind, signal.group): i for i, signal in enumerate(_signals())}


@cache
def _part_searches() -> tuple[Alternation, ...]:
    """Every marker list classify searches a part's texts for: the signal groups first (at their
    positions in `_signals()`), then the owners' marks and the deliberation phrases."""
    return (tuple(signal.search for signal in _signals()) + _owner_searches() + (_deliberation(),))


@cache
def _part_positions() -> dict[Alternation, int]:
    """Each of `_part_searches()` -> a position of it there (two groups may share one)."""
    positions: dict[Alternation, int] = {}
    for i, search in enumerate(_part_searches()):
        positions.setdefault(search, i)
    return positions


@cache
def _part_index() -> NeedleIndex:
    """The needles of `_part_searches()`: a part's text is scanned once for all ~50 lists."""
    return NeedleIndex(_part_searches())


@cache
def _owner_searches() -> tuple[Alternation, ...]:
    """The marks of each owner of documents.toml, in its order."""
    return tuple(search_patterns(*owner["patterns"]) for owner in load_toml("documents.toml")["owners"].values())


@cache
def _deliberation() -> Alternation:
    return search_patterns(*load_toml("documents.toml")["internal_thread"]["deliberation"])


_SUBJECT_LABEL = re.compile(r"^(?:onderwerp|betreft)\s*:?\s*")


def _page_types(spec: dict[str, Any], folded: list[str], texts: _PartText) -> list[str]:
    """Kinds whose title heads some page (a PDF that joins documents); running headers are skipped."""
    # A title whose needles are nowhere in the part is on none of its pages: most parts have none,
    # and then their lines are not even split.
    _, live = texts.scan(texts.text)
    titles = [(kind, i) for kind, i in _title_signals() if i in live]
    if not titles:
        return []
    signals = _signals()
    pages = [[line.strip() for line in page.splitlines() if line.strip()] for page in folded]
    # Lines on several pages are running headers (a one-page part has none).
    seen = Counter(line for lines in pages for line in set(lines)) if len(pages) > 1 else Counter()
    found: list[str] = []
    for page, lines in zip(folded, pages, strict=True):
        heads = [_SUBJECT_LABEL.sub("", line) for line in lines[:12]
                 if len(line) <= 100 and (seen[line] < 2 or len(pages) == 1)]
        for kind, i in titles:
            if kind in found:
                continue
            # The heads are pieces of the page: a title that cannot match on it matches on none.
            regex = texts.narrowed(signals[i].search, page)
            if regex is None:
                continue
            if any((m := regex.search(line)) and m.start() <= 2 for line in heads):
                found.append(kind)
    return found


@cache
def _title_signals() -> tuple[tuple[str, int], ...]:
    """Each typed kind with the position in `_signals()` of its title group (the group whose match
    at the head of a page starts a new document), in TYPED_KINDS order."""
    spec = load_toml("documents.toml")
    positions = _signal_positions()
    out = []
    for kind in TYPED_KINDS:
        groups = spec["kinds"][kind]["signals"]
        title = next((g for g in ("title", "marker", "words", "court") if groups.get(g)), None)
        if title is not None:
            signal = _signals()[positions[(kind, title)]]
            if signal.case_sensitive:  # the heads are searched as the group searches the part
                raise ValueError(f"documents.toml: the {title} group of {kind} must not be case-sensitive")
            out.append((kind, positions[(kind, title)]))
    return tuple(out)


def _subtype(spec: dict[str, Any], first_page: str) -> str:
    """From the subject line ("Onderwerp …") when there is one, else from page 1."""
    subject = re.search(r"^\s*onderwerp\b.*$", first_page, re.MULTILINE)
    for text in ([subject.group(0)] if subject else []) + [first_page]:
        for subtype, regexes in spec["kinds"]["beschikking"]["subtypes"].items():
            if any_match(tuple(regexes), text):
                return subtype
    return "beschikking"


def _read_footers(doc: Document, folded: list[str], spec: dict[str, Any]) -> None:
    numbers: list[int] = []
    totals: Counter[int] = Counter()
    # Only the numbers a footer holds are read, not which group holds them: so a page without
    # "pagina" or "page" runs the one footer form that has no needle, not all three.
    footer = search_patterns(*spec["pages"]["footer"], numbered_groups=False)
    for page in folded:
        hits = list(footer.finditer(page))
        if not hits:
            numbers = []
            break
        last = hits[-1]
        x, y = (int(g) for g in last.groups() if g is not None)
        numbers.append(x)
        totals[y] += 1
    if numbers and totals:
        y = totals.most_common(1)[0][0]
        if all(1 <= x <= y for x in numbers) and y >= len(numbers):
            doc.page_numbers = tuple(numbers)
            doc.original_pages = y
            kept = set(numbers)
            doc.excerpt = len(kept) < y and 1 in kept and kept <= {1, y - 1, y}


def _beschikking_pages(doc: Document, folded: list[str], spec: dict[str, Any]) -> None:
    """keep_pages per documents.md §1, decided by redaction.pages.beschikking_keep (the one rule the
    advice and the redaction share); the page where the remedies (or the zienswijze) start is noted."""
    numbers = list(doc.page_numbers) or list(range(1, len(folded) + 1))
    heads = spec["pages"]["zienswijze"] if doc.subtype == "voornemen" else spec["pages"]["remedies"]
    heading = re.compile(r"^\s*(?:\d+[.)]?\s*)?(?:" + "|".join(heads) + r")", re.IGNORECASE | re.MULTILINE)
    doc.remedies_page = next((numbers[i] for i, page in enumerate(folded) if i and heading.search(page)), None)
    doc.keep_pages = tuple(beschikking_keep(numbers, doc.original_pages or len(folded)))


def _machtiging_fields(spec: dict[str, Any], pages: list[str], findings: Sequence[Finding],
                       part: Part) -> dict[str, bool]:
    fields = spec["machtiging_fields"]
    raw = "\n".join(pages)
    folded = fold(raw, keep_case=True)
    date = bool(any_match(tuple(fields["date"]), folded))
    name = bool(any_match(tuple(fields["name"]), folded)) or any(f.entity == "PERSON" for f in findings)
    # A signature image or handwriting leaves no text after the label; a line of underscores or
    # dots is a blank field. When ingest counted the images and there are none, it is unsigned.
    label = re.compile(fields["signature_label"], re.IGNORECASE | re.MULTILINE)
    blank = re.compile(fields["blank_signature"])
    images = part.meta.get("images")
    signature = False
    for m in label.finditer(folded):
        rest = m.group(1) or ""
        if rest.strip() and not blank.match(rest):
            signature = True
        elif not rest.strip() and images != 0:
            signature = True
    if any_match(tuple(fields["signed"]), folded):
        signature = True
    return {"datum": date, "naam": name, "handtekening": signature}


def _internal_metadata(spec: dict[str, Any], part: Part) -> bool:
    labels = tuple(spec["internal_thread"]["labels"])
    for key in ("classification", "sensitivity", "msip_label", "label"):
        value = part.meta.get(key)
        if isinstance(value, str) and any_match(labels, fold(value)):
            return True
    return False


def _owner(spec: dict[str, Any], kind_spec: dict[str, Any], folded: list[str], policy: Policy,
           texts: _PartText) -> str | None:
    fixed = kind_spec.get("owner")
    if fixed == "":
        return None
    if fixed:
        org = policy.organisation(fixed)
        return org.name if org else fixed
    best, best_hits = None, 0
    head, rest = folded[0][:2000], "\n".join(folded[1:])
    # The head and the rest are pieces of the part's text: an owner whose marks cannot match in the
    # text (the part's one scan says so) has no hits in them. Most parts name no owner, and then
    # nothing is counted.
    _, live = texts.scan(texts.text)
    positions = _part_positions()
    for key, search in zip(spec["owners"], _owner_searches(), strict=True):
        if positions[search] not in live:
            continue
        hits = 3 * texts.count(search, head) + texts.count(search, rest)
        if hits > best_hits:
            best, best_hits = key, hits
    if best is None:
        return None
    org = policy.organisation(best)
    return org.name if org else best


def _count_rows(part: Part, findings: Sequence[Finding]) -> tuple[int, int, int]:
    """Rows with an identifier, distinct data subjects, and distinct cases in one part."""
    pages = part.pages or [""]

    def line_of(f: Finding) -> tuple[int, int]:
        # The line number is the count of line ends before the finding (str.count, in C).
        page = (f.page or 1) - 1
        text = pages[page] if 0 <= page < len(pages) else ""
        return page, text.count("\n", 0, max(0, f.start))

    # One pass over the findings: each one's line and normalised value are worked out once.
    table = part.kind in TABLE_KINDS
    rows: set[tuple[int, int]] = set()  # lines with an identifier or a date of birth (a name too in a table)
    id_lines: set[tuple[int, int]] = set()  # lines with an identifier or a date of birth
    ids: set[str] = set()
    names: set[str] = set()
    person_lines: list[tuple[tuple[int, int], str]] = []
    for f in findings:
        entity = f.entity
        if entity == "PERSON":
            line, value = line_of(f), _norm_value(f.text)
            names.add(value)
            person_lines.append((line, value))
            if table:
                rows.add(line)
        elif entity in ROW_ENTITIES:
            line = line_of(f)
            rows.add(line)
            id_lines.add(line)
            if entity in IDENTIFIERS:
                ids.add(_norm_value(f.text))
    named = {value for line, value in person_lines if line in id_lines}
    subjects = max(len(ids), len(named))
    cases = len(ids) if ids else len(names)
    return len(rows), subjects, cases


_NON_DIGIT = re.compile(r"\D")


def _norm_value(text: str) -> str:
    digits = _NON_DIGIT.sub("", text)
    if len(digits) >= 6:
        return digits
    return " ".join(fold(text).replace(".", " ").split())


_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


@cache
def _from_line() -> re.Pattern[str]:
    return re.compile(load_toml("rules.toml")["forward"]["from_line"], re.IGNORECASE | re.MULTILINE)


def _quoted_addresses(raw: str) -> list[str]:
    out: list[str] = []
    for m in _from_line().finditer(raw):
        for address in _ADDRESS.findall(m.group(1)):
            if address.lower() not in out:
                out.append(address.lower())
    return out


def _classify_image(doc: Document, part: Part, name: str, text: str, scores: dict[str, float],
                    policy: Policy) -> None:
    doc.image = True
    meta = part.meta
    doc.inline = bool(meta.get("inline") or meta.get("content_id") or meta.get("cid"))
    width, height = meta.get("width"), meta.get("height")
    small_bytes = 0 < part.size < int(policy.threshold("photo_min_bytes"))
    small_pixels = bool(width and height and max(width, height) < int(policy.threshold("photo_min_pixels")))
    portrait = bool(width and height and 0.65 <= width / height <= 0.85)
    photo_words = load_toml("rules.toml")["photo"]["signals"]
    faces = meta.get("faces")  # None when no face detection ran on it (the shape decides then)
    if meta.get("mrz"):  # a passport or ID-card zone: a copy of an ID document
        doc.kind, doc.confidence = "id_document", 0.95
    elif scores.get("id_document", 0) >= 0.6:
        doc.kind, doc.confidence = "id_document", scores["id_document"]
    elif faces:
        doc.kind, doc.confidence = "pasfoto", 0.9
    elif any_match(tuple(photo_words), name) or (faces is None and portrait and not (small_bytes or small_pixels)):
        doc.kind, doc.confidence = "pasfoto", 0.8 if portrait else 0.6
    else:
        doc.kind, doc.confidence = "afbeelding", 0.9
    if doc.inline and (small_bytes or small_pixels):
        doc.kind = "afbeelding"
