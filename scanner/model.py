"""Plain data objects that flow through the scan: Message in, Result out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from redaction.model import mask as redaction_mask

ENTITY_CATEGORY: dict[str, str] = {
    "V_NUMBER": "gewoon",
    "BSN": "gewoon",
    "KLANTNUMMER": "gewoon",
    "PERSON": "gewoon",
    "ADDRESS": "gewoon",
    "PHONE_NUMBER": "gewoon",
    "EMAIL_ADDRESS": "gewoon",
    "DATE_OF_BIRTH": "gewoon",
    "IBAN": "gewoon",
    "ID_DOCUMENT": "gewoon",
    "LICENSE_PLATE": "gewoon",
    "SPECIAL_CATEGORY": "bijzonder",
    "CRIMINAL_DATA": "strafrechtelijk",
    "ASYLUM_MOTIVE": "bijzonder",
}
SPECIAL_ENTITIES = frozenset({"SPECIAL_CATEGORY", "CRIMINAL_DATA", "ASYLUM_MOTIVE"})
SEVERITY_RANK = {"info": 0, "warn": 1, "block": 2}


@dataclass
class Part:
    """One readable piece of a message: the subject, a body, or an attachment.

    `pages` holds the extracted text, one string per page for paged documents
    (PDF), else a single string. `error` is set when the part could not be read.
    """

    part: str  # "subject" | "body" | "attachment"
    # "subject", "text", "html", "pdf", "docx", "xlsx", "csv", "calendar", "image", "msg", "eml", "zip", "other"
    kind: str
    name: str | None = None  # attachment file name (for nested: "outer.zip/inner.pdf")
    pages: list[str] = field(default_factory=list)
    paged: bool = False
    content_type: str | None = None
    size: int = 0
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # A forwarded/quoted original inside the mail (text written by someone else).
    forwarded: bool = False

    @property
    def text(self) -> str:
        return "\n\f".join(self.pages)


@dataclass
class Message:
    """A parsed outgoing message: envelope, headers and readable parts."""

    input: str
    sender: str | None = None
    sender_name: str | None = None
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    recipient_names: list[str] = field(default_factory=list)  # display names in To/Cc/Bcc ("Linda Maas")
    subject: str = ""
    message_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case name -> decoded value (first)
    parts: list[Part] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # URLs seen in bodies (text and href targets)
    smime: bool = False  # S/MIME signed or encrypted
    pgp: bool = False  # PGP/MIME or inline PGP
    encrypted: bool = False  # content encrypted (S/MIME enveloped, PGP encrypted)
    errors: list[str] = field(default_factory=list)
    # time.monotonic() by which ingest, OCR and analysis must be done (set by scanner.ingest.load_bytes)
    deadline: float | None = None

    @property
    def attachments(self) -> list[Part]:
        return [p for p in self.parts if p.part == "attachment"]

    def with_envelope(self, *, sender: str | None = None, to: Iterable[str] = (), cc: Iterable[str] = (),
                      bcc: Iterable[str] = ()) -> Message:
        """Add addresses given outside the headers (CLI flags, the SMTP envelope, a web form).

        A given sender replaces the header's; recipients are added once each, lower case; a value may
        hold several addresses separated by commas.
        """
        if sender and sender.strip():
            self.sender = sender.strip().lower()
        for name, values in (("to", to), ("cc", cc), ("bcc", bcc)):
            current = getattr(self, name)
            for value in values:
                for address in (a.strip().lower() for a in value.split(",")):
                    if address and address not in current:
                        current.append(address)
        return self

    @property
    def bodies(self) -> list[Part]:
        return [p for p in self.parts if p.part == "body"]


@dataclass
class Finding:
    """One piece of personal data found in a part (span is within the page text)."""

    entity: str
    part: str
    start: int
    end: int
    text: str
    score: float
    attachment: str | None = None
    page: int | None = None
    subcategory: str | None = None
    linked: bool = True  # about a data subject (special data: a person anchor nearby or a personal document)
    part_index: int = 0
    term: str | None = None  # the lexicon term that matched (special data), not personal data itself
    source: str = "text"  # "text": a text layer or the mail itself; "ocr": read from a scan or an image

    @property
    def category(self) -> str:
        return ENTITY_CATEGORY[self.entity]

    @property
    def special(self) -> bool:
        return self.entity in SPECIAL_ENTITIES

    def to_json(self, reveal: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "entity": self.entity,
            "category": self.category,
            "subcategory": self.subcategory,
            "part": self.part,
            "attachment": self.attachment,
            "page": self.page,
            "score": round(min(max(self.score, 0.0), 1.0), 3),
            "masked": mask(self.text, self.entity),
            "linked": self.linked,
            "source": self.source,
        }
        if reveal:
            out["text"] = self.text
        return out


@dataclass
class Violation:
    """A rule that fired, with its Dutch (or English) message and seed source."""

    rule: str
    severity: str
    message: str
    source: str
    recipients: list[str] = field(default_factory=list)
    attachment: str | None = None
    fix: str | None = None  # what the sender should do, one sentence

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "source": self.source,
            "recipients": self.recipients,
            "attachment": self.attachment,
        }
        if self.fix:
            out["fix"] = self.fix
        return out


@dataclass
class Suggestion:
    """A concrete fix: keep_pages, redact, remove_recipient, use_channel, ask_source, add_machtiging, anonymise."""

    action: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, **self.details}


@dataclass
class Recipient:
    address: str
    field: str  # "to" | "cc" | "bcc"
    organisation: str | None
    category: str

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "field": self.field,
            "organisation": self.organisation,
            "category": self.category,
        }


@dataclass
class Result:
    """The outcome of one scan; `to_json` gives CONTRACT §2."""

    input: str
    message_id: str | None
    verdict: str
    sender: dict[str, str | None] | None
    recipients: list[Recipient]
    findings: list[Finding]
    violations: list[Violation]
    suggestions: list[Suggestion]
    errors: list[str]
    elapsed_ms: float
    motivation: str | None = None
    documents: list[dict[str, Any]] = field(default_factory=list)

    def for_output(self, reveal: bool = False) -> Result:
        """This result as it may be shown: without `reveal` attachment names are masked everywhere."""
        if reveal:
            return self
        from scanner.privacy import found_name_words, mask_file_name

        names = found_name_words(self.findings)
        shown = {f.attachment for f in self.findings} | {v.attachment for v in self.violations}
        shown |= {s.details.get("attachment") for s in self.suggestions}
        shown |= {d.get("attachment") for d in self.documents}
        # Each level of a nested name too: messages may name "dossier.zip" or "dossier.zip/brief.pdf".
        shown |= {seg for n in list(shown) if isinstance(n, str) for seg in n.split("/")}
        mapping = {n: mask_file_name(n, names) for n in shown if isinstance(n, str) and n}
        mapping = dict(sorted(((k, v) for k, v in mapping.items() if k != v), key=lambda kv: -len(kv[0])))
        if not mapping:
            return self

        def sub(text: Any) -> Any:
            if not isinstance(text, str):
                return text
            for original, masked in mapping.items():
                text = text.replace(original, masked)
            return text

        return replace(
            self,
            findings=[replace(f, attachment=sub(f.attachment)) for f in self.findings],
            violations=[replace(v, attachment=sub(v.attachment), message=sub(v.message), fix=sub(v.fix))
                        for v in self.violations],
            suggestions=[Suggestion(s.action, {k: sub(v) for k, v in s.details.items()}) for s in self.suggestions],
            documents=[{k: sub(v) if k == "attachment" else v for k, v in d.items()} for d in self.documents],
            errors=[sub(e) for e in self.errors],
        )

    def to_json(self, reveal: bool = False) -> dict[str, Any]:
        if not reveal:
            return self.for_output()._json(reveal)
        return self._json(reveal)

    def _json(self, reveal: bool) -> dict[str, Any]:
        return {
            "schema": 1,
            "input": self.input,
            "message_id": self.message_id,
            "verdict": self.verdict,
            "motivation": self.motivation,
            "sender": self.sender,
            "recipients": [r.to_json() for r in self.recipients],
            "findings": [f.to_json(reveal) for f in self.findings],
            "violations": [v.to_json() for v in self.violations],
            "suggestions": [s.to_json() for s in self.suggestions],
            "documents": self.documents,
            "errors": self.errors,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }


def mask(text: str, entity: str) -> str:
    """A form that shows the kind of value without revealing it: `23******01`, `T*`, `a***@ind.nl`."""
    if entity in SPECIAL_ENTITIES:
        return f"[{entity}]"
    if entity == "EMAIL_ADDRESS" and "@" in text:
        local, _, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
    if entity == "PHONE_NUMBER" and text.lstrip().startswith("+"):
        # "+29******56": a foreign number must not read like the V-nummer "29******56" next to it.
        return "+" + redaction_mask(text)
    return redaction_mask(text)
