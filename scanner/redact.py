"""Compose scan -> redact: choose what to black out in a document, then call the redaction leaf."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from scanner.model import SPECIAL_ENTITIES, Finding

# Black out by default: special and criminal data, asylum motives, and data of third parties.
DEFAULT_ENTITIES = frozenset(SPECIAL_ENTITIES)
# Identifying data of the person a document is about stays on the kept pages; the same kinds of
# data about anyone else (family members, witnesses, other residents) are third-party data.
SUBJECT_ENTITIES = frozenset({"PERSON", "V_NUMBER", "BSN", "KLANTNUMMER", "DATE_OF_BIRTH", "ID_DOCUMENT"})
ALL_ENTITIES = frozenset({
    "V_NUMBER", "BSN", "KLANTNUMMER", "PERSON", "ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS", "DATE_OF_BIRTH", "IBAN",
    "ID_DOCUMENT", "LICENSE_PLATE", "SPECIAL_CATEGORY", "CRIMINAL_DATA", "ASYLUM_MOTIVE",
})


def data_subject_values(findings: list[Finding]) -> set[str]:
    """The identifying values of the main data subject: per entity the value seen most often.

    A beschikking names its subject in the header of page 1 and repeats the name and V-nummer;
    values seen less often belong to other people.
    """
    keep: set[str] = set()
    for entity in SUBJECT_ENTITIES:
        counts = Counter(_key(f.text) for f in findings if f.entity == entity)
        first_page = [_key(f.text) for f in findings if f.entity == entity and (f.page or 1) == 1]
        if not counts:
            continue
        top = max(counts, key=lambda k: (counts[k], k in first_page[:1]))
        keep.add(top)
        if entity == "PERSON":  # "KARIMI, Ahmad" and "Ahmad Karimi" are one person
            keep.update(w for w in top.split() if len(w) > 2)
    return keep


def _key(text: str) -> str:
    return " ".join(text.replace(",", " ").lower().split())


def choose_targets(findings: list[Finding], page_text: dict[int | None, str], entities: set[str] | None = None):
    """Redaction targets for a document's findings.

    With `entities` None the default applies: special data (the whole line it stands on, so the
    context goes too) and third-party data; the data subject's own identifiers stay.
    """
    from redaction import Target

    explicit = entities is not None
    wanted = set(entities) if explicit else set(DEFAULT_ENTITIES | SUBJECT_ENTITIES | {"ADDRESS", "PHONE_NUMBER",
                                                                                          "EMAIL_ADDRESS", "IBAN"})
    subject = set() if explicit else data_subject_values(findings)
    targets: dict[tuple[str, int | None], Target] = {}
    for f in findings:
        if f.entity not in wanted:
            continue
        if not explicit and f.entity not in SPECIAL_ENTITIES:
            key = _key(f.text)
            if key in subject or (f.entity == "PERSON" and set(key.split()) <= subject):
                continue
        text = f.text
        if f.entity in SPECIAL_ENTITIES:
            text = _line_around(page_text.get(f.page, ""), f.start, f.end) or f.text
        targets.setdefault((text, f.page), Target(text=text, entity=f.entity, page=f.page))
    return list(targets.values())


def _line_around(text: str, start: int, end: int) -> str:
    if not text or end > len(text):
        return ""
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    return text[left: right if right >= 0 else len(text)].strip()


class NotRedactable(ValueError):
    """The document could not be read, so nothing can be chosen to black out (the reason is Dutch)."""


def document_targets(message, entities: set[str] | None = None):
    """Analyse a bare document (a Message with one part) and choose its redaction targets.

    The one path from scan to redaction for every front end (CLI, web page).
    """
    from recognizers.engine import get_analyzer
    from scanner.analysis import analyse_message

    part = message.parts[0] if message.parts else None
    if part is None or part.error:
        raise NotRedactable(part.error if part else "leeg bestand")
    findings = analyse_message(message, get_analyzer())
    pages = {(i if part.paged else None): text for i, text in enumerate(part.pages, start=1)}
    return choose_targets(findings, pages, entities)


def redact_path(args: argparse.Namespace) -> int:
    """`verzendcheck redact`: scan the document, pick the targets, write a verified redacted copy."""
    from redaction import RedactionError, redact_file
    from scanner.ingest import load_path

    entities = None
    if args.entities:
        entities = {e.strip().upper() for e in args.entities.split(",") if e.strip()}
        unknown = entities - ALL_ENTITIES
        if unknown:
            print(f"verzendcheck: onbekende entiteit(en): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
    try:
        targets = document_targets(load_path(args.path), entities)
    except NotRedactable as exc:
        print(f"verzendcheck: kan niet redigeren: {exc}", file=sys.stderr)
        return 1
    keep = "beschikking" if args.beschikking else args.keep_pages
    try:
        report = redact_file(Path(args.path), Path(args.out), targets, keep_pages=keep)
    except (RedactionError, ValueError) as exc:
        print(f"verzendcheck: redactie mislukt: {getattr(exc, 'reason', exc)}", file=sys.stderr)
        return 1
    print(report)
    return 0
