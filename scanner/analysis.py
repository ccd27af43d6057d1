"""Runs the recognizers over every readable part and turns their results into Findings."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence

from presidio_analyzer import AnalyzerEngine, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.engine import ANALYSIS_LOCK, LANGUAGE, REGEX_FLAGS, SCORE_THRESHOLD
from scanner.ingest.mail import URL
from scanner.ingest.mrz import mrz_findings
from scanner.model import SPECIAL_ENTITIES, Finding, Message, Part
from scanner.names import same_name_as_any
from scanner.signatures import SUBJECT_IDENTIFIERS, inside, signature_blocks

CHUNK = 20_000  # characters handed to spaCy at once; pages longer than this are split on line ends
BATCH = 8  # chunks analysed between two looks at the clock
# spaCy's NER predicts in sub-batches of a quarter of the batch size it is given (at least 2 docs):
# a batch size of 4 x BATCH runs one prediction per batch instead of four (4-8 % of the NER's time).
SPACY_BATCH = 4 * BATCH
# Time for the analysis of one scanned message. What is left when it runs out (a megabyte of
# text dense with names takes about a minute) is reported as not checked, never waited for.
ANALYSIS_SECONDS = 60.0
GREETING = re.compile(r"^[ \t]*(?:beste|hallo|hoi|hi|dag|geachte|goedemorgen|goedemiddag|dear|lieve)\b[^\n]{0,60}$",
                      re.IGNORECASE | re.MULTILINE)
WINS_OVER_SPECIAL = frozenset({"PERSON", "EMAIL_ADDRESS"})  # a lexicon term inside these is part of them


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK)
        if end < len(text):
            cut = text.rfind("\n", start + CHUNK // 2, end)
            end = cut + 1 if cut > 0 else end
        yield start, text[start:end]
        start = end


def _greeting_span(part: Part, text: str) -> tuple[int, int] | None:
    """The salutation line ("Beste Fatima,") names the recipient, not a data subject."""
    if part.part != "body" or part.forwarded:
        return None
    match = GREETING.search(text[:400])
    return (match.start(), match.end()) if match else None


def _resolve_overlaps(results: list[RecognizerResult], text: str = "") -> list[RecognizerResult]:
    """Keep the best of overlapping results of one kind (identifiers, or special data).

    Special data never hides an identifier, and a special term of one kind does not hide one of
    another kind in the same words (kept once per kind). A name wins over a lexicon term it contains
    ("Ahmadi" is a surname here, not a religion), and so does an address ("advocaat.ahmadi@gmail.com")
    or a link ("www.ggz.nl/psychose").
    """
    def best_first(rs: list[RecognizerResult]) -> list[RecognizerResult]:
        return sorted(rs, key=lambda r: (-r.score, -(r.end - r.start), r.start))

    def overlaps(a: RecognizerResult, b: RecognizerResult) -> bool:
        return a.start < b.end and b.start < a.end

    kept: list[RecognizerResult] = []
    for res in best_first([r for r in results if r.entity_type not in SPECIAL_ENTITIES]):
        if not any(overlaps(res, k) for k in kept):
            kept.append(res)
    special_results = [r for r in results if r.entity_type in SPECIAL_ENTITIES]
    if not special_results:  # most texts: no links to look for (they only ever hide special data)
        return sorted(kept, key=lambda r: r.start)
    names = [k for k in kept if k.entity_type in WINS_OVER_SPECIAL]
    names += [RecognizerResult("URL", m.start(), m.end(), 1.0) for m in URL.finditer(text)]
    specials: list[RecognizerResult] = []
    also: list[RecognizerResult] = []  # another kind of special data in the same words
    for res in best_first(special_results):
        if any(overlaps(res, k) for k in names):
            continue
        hit = [k for k in specials if overlaps(res, k)]
        if not hit:
            specials.append(res)
        elif all(k.entity_type != res.entity_type for k in hit) and not any(
            overlaps(res, a) or (a.entity_type == res.entity_type and any(overlaps(a, k) for k in hit)) for a in also
        ):
            # "bekering tot het christendom" is an asylum motive and religion (lexicon.md §3, §10:
            # report every matching category), once per kind
            also.append(res)
    return sorted(kept + specials + also, key=lambda r: r.start)


def text_jobs(message: Message) -> list[tuple[int, Part, int, int, str]]:
    """What the analysis reads: (part index, part, page number, offset, chunk) for every readable part
    and page, in chunks of at most CHUNK characters."""
    jobs = []
    for index, part in enumerate(message.parts):
        if part.error:  # images have their OCR text as pages (empty for a photo)
            continue
        for page_no, page in enumerate(part.pages, start=1):
            for offset, chunk in _chunks(page):
                if chunk.strip():
                    jobs.append((index, part, page_no, offset, chunk))
    return jobs


def _drop_unread(jobs: list[tuple[int, Part, int, int, str]]) -> None:
    """Cut the text the analysis did not reach from its parts: document classes and rules read the whole
    text, and on megabytes of it they would run far past the message's budget (the part is reported as
    not checked). Jobs come in part, page and offset order, so a part's first job left is where it stops."""
    seen: set[int] = set()
    for index, part, page_no, offset, _ in jobs:
        if index in seen:
            continue
        seen.add(index)
        part.pages = [*part.pages[:page_no - 1], part.pages[page_no - 1][:offset], *[""] * (len(part.pages) - page_no)]


Artifacts = list[tuple[str, NlpArtifacts]]


def shared_nlp(messages: Sequence[Message], analyzer: AnalyzerEngine) -> list[Artifacts | None]:
    """The NLP pipeline's output for the messages whose text is one batch (at most BATCH chunks), made in
    one run for all of them: None for a longer message (analysed batch by batch within its budget, as
    alone) and when fewer than two share. `analyse_message` takes a message's share as `nlp`.

    The pipeline handles each text on its own: a text's tokens and entities are the same in any batch
    (tests/test_batch.py compares); only spaCy's fixed cost per run is shared.
    """
    shared: list[Artifacts | None] = [None] * len(messages)
    fitting = [(index, jobs) for index, jobs in enumerate(map(text_jobs, messages)) if 0 < len(jobs) <= BATCH]
    if len(fitting) < 2:
        return shared
    texts = [job[4] for _, jobs in fitting for job in jobs]
    with ANALYSIS_LOCK:
        # One NER prediction for all texts (it predicts in quarters of the batch size it is given).
        made = list(analyzer.nlp_engine.process_batch(texts, LANGUAGE, batch_size=4 * len(texts)))
    at = 0
    for index, jobs in fitting:
        shared[index], at = made[at:at + len(jobs)], at + len(jobs)
    return shared


def analyse_message(message: Message, analyzer: AnalyzerEngine, budget: float | None = None,
                    nlp: Artifacts | None = None) -> list[Finding]:
    """Findings for all parts of a message, in part and page order.

    With a `budget` (seconds) the analysis stops once it is spent: every part with text left
    unread is marked `meta["truncated"]` (UNSCANNABLE_ATTACHMENT, "alleen het begin is
    gecontroleerd"). Redaction passes no budget: it must see everything it removes. `nlp` is the
    message's share of `shared_nlp` (its texts already through the pipeline).
    """
    own_addresses = {a.lower() for a in [message.sender, *message.to, *message.cc, *message.bcc] if a}
    # The sender and the recipients (their display names) are not data subjects (rules.md §0).
    # Their names in any form: "R. Vermeulen" in a report by Rob Vermeulen is the writer's.
    header_names = [w for w in map(_name_words, [message.sender_name or "", *message.recipient_names]) if w]
    jobs = text_jobs(message)
    deadline = None if budget is None else time.monotonic() + budget
    analysed: list[list[RecognizerResult]] = []
    for start in range(0, len(jobs), BATCH):
        if deadline is not None and start and time.monotonic() > deadline:
            for _, part, *_ in jobs[start:]:
                part.meta["truncated"] = part.meta["analysis_stopped"] = True
            _drop_unread(jobs[start:])
            jobs = jobs[:start]
            break
        batch = [job[4] for job in jobs[start:start + BATCH]]
        with ANALYSIS_LOCK:  # per batch, so concurrent scans take turns
            if nlp is not None and start == 0:
                if [text for text, _ in nlp] != batch:
                    raise ValueError("nlp was made for other texts than this message's")
                artifacts = nlp
            else:
                artifacts = analyzer.nlp_engine.process_batch(batch, LANGUAGE, batch_size=SPACY_BATCH)
            analysed += [analyzer.analyze(text, LANGUAGE, nlp_artifacts=nlp_artifacts, regex_flags=REGEX_FLAGS,
                                          score_threshold=SCORE_THRESHOLD)
                         for text, nlp_artifacts in artifacts]
    findings: list[Finding] = []
    for (index, part, page_no, offset, chunk), results in zip(jobs, analysed, strict=True):
        if not results:  # a third of the texts of a mail: no signature blocks or salutation to look for
            continue
        # Signature blocks of the sender and of the correspondents quoted in the thread (rules.md §0).
        signatures = signature_blocks(chunk, header_names, quoted=part.forwarded) if part.part == "body" else []
        greeting = _greeting_span(part, chunk)
        for res in _resolve_overlaps(results, chunk):
            value = chunk[res.start:res.end]
            # The sender's signature says nothing about a data subject; the salutation names the
            # recipient, but the rest of its line may already be about someone else.
            if res.entity_type not in SUBJECT_IDENTIFIERS and inside(signatures, res.start):
                continue
            if greeting and res.entity_type == "PERSON" and greeting[0] <= res.start < greeting[1]:
                continue
            if res.entity_type == "EMAIL_ADDRESS" and value.lower() in own_addresses:
                continue
            if res.entity_type == "ADDRESS" and _organisation_address(chunk, res.start, value):
                continue
            if res.entity_type == "PERSON" and same_name_as_any(value, header_names):
                continue  # the sender, or a recipient in the quoted request or its signature
            meta = res.recognition_metadata or {}
            # One finding per subcategory: "ziekte van Huntington" is genetic and health data.
            for subcategory in meta.get("subcategories") or [meta.get("subcategory")]:
                findings.append(Finding(
                    entity=res.entity_type,
                    part=part.part,
                    start=offset + res.start,
                    end=offset + res.end,
                    text=value,
                    score=float(res.score),
                    attachment=part.name if part.part == "attachment" else None,
                    page=page_no if part.paged else None,
                    subcategory=subcategory,
                    linked=bool(meta.get("linked", True)),
                    part_index=index,
                    term=meta.get("term"),
                    source="ocr" if page_no in part.meta.get("ocr_pages", ()) else "text",
                ))
    findings += mrz_findings(message)  # passport and ID-card zones, check digits verified
    findings.sort(key=lambda f: (f.part_index, f.page or 0, f.start))
    return findings


# A letterhead's return or postal address, or a Postbus: an organisation's address, not a person's.
ORGANISATION_ADDRESS_LINE = re.compile(r"^[ \t]*(?:retouradres|postadres|bezoekadres|antwoordnummer)\b", re.IGNORECASE)
POSTBUS = re.compile(r"^\s*(?:postbus|antwoordnummer)\s+\d", re.IGNORECASE)


def _organisation_address(text: str, start: int, value: str) -> bool:
    line = text[text.rfind("\n", 0, start) + 1:start]
    return bool(POSTBUS.match(value) or ORGANISATION_ADDRESS_LINE.match(line))


def _name_words(name: str) -> set[str]:
    """The words of a name without dots and commas, lower case: "mr. S. Dekker" -> {"mr", "s", "dekker"}."""
    return {w for w in (w.strip(",.").lower() for w in name.split()) if w}

