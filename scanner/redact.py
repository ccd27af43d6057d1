"""Compose scan -> redact: choose what to black out, then call the redaction leaf.

`redact_document` cleans one PDF or DOCX (the redaction package's engines); `redact_mail` writes a
cleaned copy of a whole mail: its text (plain and HTML) through presidio-anonymizer's operators,
its attachments through the same document engines, its headers and threading kept. Both re-read
what they wrote and refuse to write a copy in which a removed value can still be read.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import html
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from redaction import KeepPagesError, RedactionError, Target, beschikking_keep, mask
from redaction.matching import Haystack, compile_target
from redaction.pages import parse_keep_pages, positions
from scanner.i18n import T
from scanner.model import SPECIAL_ENTITIES, Finding, Message, Part
from scanner.names import name_words as _name_words
from scanner.names import same_name, same_name_as_any

# Black out by default: special and criminal data, asylum motives, and data of third parties.
DEFAULT_ENTITIES = frozenset(SPECIAL_ENTITIES)
# Identifying data of the person a document is about stays on the kept pages; the same kinds of
# data about anyone else (family members, witnesses, other residents) are third-party data.
SUBJECT_ENTITIES = frozenset({"PERSON", "V_NUMBER", "BSN", "KLANTNUMMER", "DATE_OF_BIRTH", "ID_DOCUMENT"})
ALL_ENTITIES = frozenset({
    "V_NUMBER", "BSN", "KLANTNUMMER", "PERSON", "ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS", "DATE_OF_BIRTH", "IBAN",
    "ID_DOCUMENT", "LICENSE_PLATE", "SPECIAL_CATEGORY", "CRIMINAL_DATA", "ASYLUM_MOTIVE",
})
DEFAULT_TARGETS = DEFAULT_ENTITIES | SUBJECT_ENTITIES | {"ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN"}
DOCUMENT_SUFFIXES = (".pdf", ".docx")
MAIL_SUFFIXES = (".eml", ".msg")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_NUMBER_ENTITIES = ("V_NUMBER", "BSN", "KLANTNUMMER", "ID_DOCUMENT")


class UsageError(ValueError):
    """A redact request that cannot be carried out as asked (exit 2); the message is for the sender."""


# -- the data subject, in every form ------------------------------------------------------------

_MONTHS = {m: i for i, names in enumerate((
    ("januari", "jan", "january"), ("februari", "feb", "february"), ("maart", "mrt", "march", "mar"),
    ("april", "apr"), ("mei", "may"), ("juni", "jun", "june"), ("juli", "jul", "july"),
    ("augustus", "aug", "august"), ("september", "sep", "sept"), ("oktober", "okt", "october", "oct"),
    ("november", "nov"), ("december", "dec")), start=1) for m in names}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _date_key(text: str) -> tuple[int, int, int] | None:
    """14-03-1991, 14.03.1991, 14 maart 1991 and 1991-03-14 as one (day, month, year)."""
    folded = _fold(text)
    numeric = re.search(r"\b(\d{1,4})[-./ ](\d{1,2})[-./ ](\d{2,4})\b", folded)
    if numeric:
        a, b, c = (int(g) for g in numeric.groups())
        return (c, b, a) if a > 31 else (a, b, c)
    worded = re.search(r"\b(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})\b", folded)
    if worded and worded.group(2) in _MONTHS:
        return int(worded.group(1)), _MONTHS[worded.group(2)], int(worded.group(3))
    return None


def _value_key(entity: str, text: str) -> object:
    if entity == "PERSON":
        return frozenset(w for w in _name_words(text) if len(w) > 1)
    if entity == "DATE_OF_BIRTH":
        return _date_key(text) or _fold(text).strip()
    return "".join(ch for ch in _fold(text) if ch.isalnum())


@dataclass
class DataSubject:
    """Who a document (or mail) is about: per entity the value seen most often, first on page 1.

    A beschikking names its subject in the header of page 1 and repeats the name and V-nummer; values
    seen less often belong to other people. The subject's name matches in every form: capitals
    ("Reza AHMADI"), surname first ("AHMADI, Reza"), initials ("R. Ahmadi"), labelled ("Naam: …"),
    the surname alone; a relative with the same surname ("Sara Ahmadi") does not.
    """

    values: dict[str, object] = field(default_factory=dict)
    name_words: frozenset[str] = frozenset()

    @classmethod
    def of(cls, findings: Sequence[Finding]) -> DataSubject:
        subject = cls()
        for entity in SUBJECT_ENTITIES:
            keys = [(_value_key(entity, f.text), (f.page or 1) == 1) for f in findings if f.entity == entity]
            keys = [(k, p) for k, p in keys if k]
            if not keys:
                continue
            counts = Counter(k for k, _ in keys)
            on_first = {k for k, p in keys if p}
            if entity == "PERSON":  # full names first: "KARIMI" alone is the short form of "Ahmad KARIMI"
                counts = Counter({k: n + sum(c for o, c in counts.items() if o < k) for k, n in counts.items()})
            top = max(counts, key=lambda k: (counts[k], k in on_first, len(str(k))))
            subject.values[entity] = top
            if entity == "PERSON":
                subject.name_words = frozenset(top)  # type: ignore[arg-type]
        return subject

    def owns(self, entity: str, text: str) -> bool:
        """True when `text` is the subject's own value of this entity (in any of its forms)."""
        if entity not in self.values:
            return False
        if entity != "PERSON":
            return _value_key(entity, text) == self.values[entity]
        return same_name(text, self.name_words)

    def owns_any(self, entity: str, text: str) -> bool:
        """`owns`, or the subject's own number read as another kind (a V-nummer taken for a phone number)."""
        return self.owns(entity, text) or any(self.owns(e, text) for e in _NUMBER_ENTITIES if e != entity)


def correspondents(message: Message) -> list[frozenset[str]]:
    """Name words of the sender and the recipients (display names, address local parts): their own
    names are no data to remove (CONTRACT §3), such as the staff member's name in a report they wrote."""
    names = [message.sender_name or "", *message.recipient_names]
    names += [a.split("@")[0].replace(".", " ").replace("_", " ").replace("-", " ")
              for a in [message.sender or "", *message.to, *message.cc, *message.bcc] if a]
    return [w for w in (frozenset(x for x in _name_words(n) if len(x) > 1) for n in names) if w]


def data_subject_values(findings: list[Finding]) -> DataSubject:
    """The main data subject of these findings (kept for callers of the earlier name)."""
    return DataSubject.of(findings)


def choose_targets(findings: Sequence[Finding], page_text: dict[int | None, str], entities: set[str] | None = None,
                   subject: DataSubject | None = None, own_names: Sequence[frozenset[str]] = ()) -> list[Target]:
    """Redaction targets for a document's (or a mail's) findings.

    With `entities` None the default applies: special data (the whole line it stands on, so the
    context goes too) and third-party data; the data subject's own identifiers stay. `own_names` are
    the correspondents' names (`correspondents`): never removed.
    """
    explicit = entities is not None
    wanted = set(entities) if explicit else set(DEFAULT_TARGETS)
    subject = DataSubject() if explicit else (subject or DataSubject.of(findings))
    targets: dict[tuple[str, int | None], Target] = {}
    for f in findings:
        if f.entity not in wanted or (f.special and not f.linked and not explicit):
            continue
        if not explicit and f.entity not in SPECIAL_ENTITIES and subject.owns_any(f.entity, f.text):
            continue
        if f.entity == "PERSON" and same_name_as_any(f.text, own_names):
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


# -- pages --------------------------------------------------------------------------------------


def beschikking_positions(part: Part, policy=None) -> list[int]:
    """The file positions of the pages of a beschikking to keep: redaction.pages.beschikking_keep on the
    document's own "pagina x van y" numbers, exactly as the scan's FULL_BESCHIKKING advice names them."""
    from scanner.documents import classify
    from scanner.policy import load_policy

    doc = classify(part, [], policy or load_policy())
    numbers = list(doc.page_numbers) or list(range(1, len(part.pages) + 1))
    keep = list(doc.keep_pages) or beschikking_keep(numbers, doc.original_pages or len(numbers))
    return positions(keep, numbers)


# -- one document -------------------------------------------------------------------------------


class NotRedactable(ValueError):
    """The document could not be read, so nothing can be chosen to black out (the reason is Dutch)."""


def _analyse(message: Message) -> list[Finding]:
    from recognizers.engine import get_analyzer
    from scanner.analysis import analyse_message

    return analyse_message(message, get_analyzer())


def _page_texts(part: Part) -> dict[int | None, str]:
    return {(i if part.paged else None): text for i, text in enumerate(part.pages, start=1)}


def document_targets(message: Message, entities: set[str] | None = None) -> list[Target]:
    """Analyse a bare document (a Message with one part) and choose its redaction targets.

    The one path from scan to redaction for every front end (CLI, web page).
    """
    part = message.parts[0] if message.parts else None
    if part is None or part.error:
        raise NotRedactable(part.error if part else "leeg bestand")
    return choose_targets(_analyse(message), _page_texts(part), entities)


def redact_document(src: Path, out: Path, *, entities: set[str] | None = None, beschikking: bool = False,
                    keep_pages: str | None = None):
    """Scan a PDF or DOCX, choose the targets, write a verified redacted copy; returns the Report."""
    from redaction import redact_file
    from scanner.ingest import load_path

    message = load_path(src)
    part = message.parts[0] if message.parts else None
    if part is None or part.error:
        raise NotRedactable(part.error if part and part.error else "leeg bestand")
    keep: str | list[int] | None = keep_pages
    if beschikking or keep_pages is not None:
        if not part.paged:
            raise UsageError(T("pagina's kiezen kan alleen bij een PDF", "choosing pages only works for a PDF"))
        try:
            keep = beschikking_positions(part) if beschikking else parse_keep_pages(keep_pages, len(part.pages))
        except KeepPagesError as exc:
            raise UsageError(str(exc)) from exc
    return redact_file(src, out, document_targets(message, entities), keep_pages=keep)


# -- a whole mail -------------------------------------------------------------------------------


@dataclass
class MailReport:
    """What `redact_mail` did, masked: counts per entity, attachments handled, the final check."""

    replaced: Counter = field(default_factory=Counter)
    attachments: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    verified: bool = False

    def __str__(self) -> str:
        lines = [T("Geanonimiseerde kopie van de mail", "Cleaned copy of the mail")]
        if self.replaced:
            counts = ", ".join(f"{entity} {n}x" for entity, n in sorted(self.replaced.items()))
            lines.append(T(f"  vervangen in de tekst: {counts}", f"  replaced in the text: {counts}"))
        else:
            lines.append(T("  niets vervangen in de tekst", "  nothing replaced in the text"))
        lines += [f"  {line}" for line in self.attachments]
        lines += [T(f"  bijlage weggelaten: {name}", f"  attachment left out: {name}") for name in self.removed]
        lines.append(T("  controle (nieuwe ontleding van de kopie): geslaagd",
                       "  check (fresh parse of the copy): passed") if self.verified else "")
        return "\n".join(line for line in lines if line)


def operators_for(policy) -> dict:
    """presidio-anonymizer operators per entity from the policy's [redaction] section."""
    from presidio_anonymizer.entities import OperatorConfig

    spec = policy.data.get("redaction", {})
    masked = set(spec.get("mask", ()))
    placeholders = spec.get("placeholders", {})
    operators = {}
    for entity in ALL_ENTITIES:
        if entity in masked:
            operators[entity] = OperatorConfig("mask", {"masking_char": "*", "chars_to_mask": 10_000,
                                                        "from_end": False})
        else:
            operators[entity] = OperatorConfig("replace", {"new_value": placeholders.get(entity, "[verwijderd]")})
    operators["DEFAULT"] = OperatorConfig("replace", {"new_value": "[verwijderd]"})
    return operators


def _html_variants(target: Target) -> list[Target]:
    escaped = html.escape(target.text, quote=False)
    return [target] if escaped == target.text else [target, Target(escaped, target.entity, target.page)]


def anonymise_text(text: str, targets: Iterable[Target], operators: dict, *,
                   is_html: bool = False) -> tuple[str, Counter]:
    """Every occurrence of each target in `text` replaced through presidio-anonymizer's operators.

    Matching is redaction.matching's (case, accent and whitespace insensitive), so the copy is
    checked with the very rules that found the spans.
    """
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import RecognizerResult

    haystack = Haystack(text)
    spans: list[RecognizerResult] = []
    for target in targets:
        for variant in (_html_variants(target) if is_html else [target]):
            needle = compile_target(variant)
            if needle is None:
                continue
            spans += [RecognizerResult(target.entity, s, e, 1.0) for s, e in haystack.spans(needle)]
    if not spans:
        return text, Counter()
    spans = _without_overlaps(spans)
    result = AnonymizerEngine().anonymize(text=text, analyzer_results=spans, operators=operators)
    return result.text, Counter(s.entity_type for s in spans)


def _without_overlaps(spans: list) -> list:
    """Longest first: a line of special data swallows the name inside it."""
    chosen: list = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def msg_to_eml(data: bytes) -> bytes:
    """An Outlook .msg rebuilt as a MIME mail (headers, plain and HTML text, attachments)."""
    try:
        import extract_msg
    except ImportError as exc:
        raise UsageError(T("een .msg lezen vraagt het extra pakket extract-msg (pip install 'verzendcheck[msg]')",
                           "reading a .msg needs the extra package extract-msg (pip install 'verzendcheck[msg]')"))\
            from exc
    import io

    source = extract_msg.openMsg(io.BytesIO(data))
    try:
        out = EmailMessage(policy=email.policy.SMTP)
        transport = getattr(source, "header", None)
        for name in ("From", "To", "Cc", "Date", "Message-ID", "In-Reply-To", "References", "X-AVG-Motivering"):
            value = transport.get(name) if transport is not None else None
            value = value or {"From": source.sender, "To": source.to, "Cc": source.cc,
                              "Message-ID": getattr(source, "messageId", None)}.get(name)
            if value:
                out[name] = str(value).replace("\r", " ").replace("\n", " ")
        out["Subject"] = source.subject or ""
        out.set_content(source.body or "")
        html_body = source.htmlBody
        if html_body:
            out.add_alternative(html_body.decode("utf-8", "replace") if isinstance(html_body, bytes) else html_body,
                                subtype="html")
        for attachment in source.attachments:
            payload = getattr(attachment, "data", None)
            if isinstance(payload, bytes):
                name = attachment.longFilename or attachment.shortFilename or "bijlage"
                out.add_attachment(payload, maintype="application", subtype="octet-stream", filename=name)
        return out.as_bytes()
    finally:
        source.close()


def _targets_for_part(findings: Sequence[Finding], parts: Sequence[Part], index: int, entities, subject, own):
    mine = [f for f in findings if f.part_index == index]
    return choose_targets(mine, _page_texts(parts[index]), entities, subject, own)


def redact_mail(data: bytes, name: str, *, entities: set[str] | None = None, policy=None) -> tuple[bytes, MailReport]:
    """A cleaned copy of a mail as it could be sent, and what was done.

    Text parts: the findings replaced by the policy's placeholders through presidio-anonymizer.
    PDF/DOCX attachments: the redaction engines (a full beschikking reduced to the pages its advice
    names). Other attachments that hold personal data, or that could not be read, are left out.
    Headers and threading (Message-ID, In-Reply-To, References) stay. The copy is parsed afresh and
    every removed value searched for; if one is still there, RedactionError and nothing is returned.
    """
    from redaction import redact_bytes
    from scanner.documents import classify_message
    from scanner.ingest import load_bytes
    from scanner.policy import load_policy

    policy = policy or load_policy()
    if name.lower().endswith(".msg"):
        data, name = msg_to_eml(data), Path(name).with_suffix(".eml").name
    message = load_bytes(data, name)
    findings = _analyse(message)
    documents = classify_message(message, findings, policy)
    for finding in findings:
        if finding.special and documents[finding.part_index].about_one_person:
            finding.linked = True
    subject = DataSubject.of(findings)
    own = correspondents(message)
    parts = message.parts
    text_targets = [t for i, p in enumerate(parts) if p.part in ("body", "subject")
                    for t in _targets_for_part(findings, parts, i, entities, subject, own)]
    all_targets = list(text_targets)
    operators = operators_for(policy)
    report = MailReport()

    mail = email.message_from_bytes(data, policy=email.policy.default)
    if mail.get("Subject"):
        cleaned, counts = anonymise_text(str(mail["Subject"]), text_targets, operators)
        if counts:
            mail.replace_header("Subject", cleaned)
            report.replaced.update(counts)
    attachment_parts = [i for i, p in enumerate(parts) if p.part == "attachment"]
    used: set[int] = set()
    for leaf in list(mail.walk()):
        if leaf.is_multipart() or leaf.get_content_maintype() == "message":
            continue
        filename = leaf.get_filename()
        ctype = leaf.get_content_type()
        if filename is None and ctype in ("text/plain", "text/html") and leaf.get_content_disposition() != "attachment":
            text = leaf.get_content()
            cleaned, counts = anonymise_text(text, text_targets, operators, is_html=ctype == "text/html")
            if counts:
                _set_text(leaf, cleaned)
                report.replaced.update(counts)
            continue
        index = next((i for i in attachment_parts if i not in used and parts[i].name == filename), None)
        if index is not None:
            used.add(index)
        shown = mask_attachment(filename, findings)
        part = parts[index] if index is not None else None
        targets = _targets_for_part(findings, parts, index, entities, subject, own) if index is not None else []
        payload = leaf.get_payload(decode=True) or b""
        if filename and filename.lower().endswith(DOCUMENT_SUFFIXES) and part is not None and not part.error:
            keep = None
            doc = documents[index]
            if doc.kind == "beschikking" and not doc.excerpt and part.paged:
                numbers = list(doc.page_numbers) or list(range(1, len(part.pages) + 1))
                keep = positions(doc.keep_pages, numbers) if doc.keep_pages else None
            if not targets and keep is None:
                report.attachments.append(T(f"bijlage ongewijzigd: {shown}", f"attachment unchanged: {shown}"))
                continue
            output, doc_report = redact_bytes(payload, filename, targets, keep)
            _set_bytes(leaf, output)
            all_targets += targets
            kept = T(f", pagina's {', '.join(map(str, doc_report.pages_kept))}",
                     f", pages {', '.join(map(str, doc_report.pages_kept))}") if keep else ""
            report.attachments.append(T(f"bijlage geanonimiseerd: {shown} ({len(targets)} waarden{kept})",
                                        f"attachment redacted: {shown} ({len(targets)} values{kept})"))
        elif part is None or part.error or targets or any(f.part_index == index for f in findings) or _photo(
                documents[index], leaf, part, policy):
            # Its values are not searched for in the copy: the file is gone, and a short OCR word of a
            # screenshot ("Am") would refuse any copy whose body has those letters.
            _drop(mail, leaf)
            report.removed.append(shown)
        else:
            report.attachments.append(T(f"bijlage ongewijzigd: {shown}", f"attachment unchanged: {shown}"))
    # The copy keeps the input's line ends (CRLF as on the wire, or LF as saved by most tools).
    output = mail.as_bytes(policy=email.policy.SMTP if b"\r\n" in data[:8192] else email.policy.default)
    _check_copy(output, name, all_targets)
    report.verified = True
    return output, report


def _photo(doc, leaf: EmailMessage, part: Part, policy) -> bool:
    """A passport photo or ID scan, or an attached picture that may show a person; an inline image or
    a small one (a logo in a signature) stays."""
    if doc.kind in ("pasfoto", "id_document"):
        return True
    inline = leaf.get_content_disposition() == "inline" or bool(leaf.get("Content-ID"))
    return doc.image and not inline and part.size >= policy.threshold("photo_min_bytes")


def mask_attachment(name: str | None, findings: Sequence[Finding]) -> str:
    from scanner.privacy import found_name_words, mask_file_name

    return mask_file_name(name or "bijlage", found_name_words(findings))


def _set_text(leaf: EmailMessage, text: str) -> None:
    subtype = leaf.get_content_subtype()
    disposition = leaf.get("Content-Disposition")
    leaf.set_content(text, subtype=subtype, charset="utf-8", cte="quoted-printable")
    if disposition and not leaf.get("Content-Disposition"):
        leaf["Content-Disposition"] = disposition


def _set_bytes(leaf: EmailMessage, data: bytes) -> None:
    filename = leaf.get_filename()
    maintype, subtype = leaf.get_content_maintype(), leaf.get_content_subtype()
    leaf.set_content(data, maintype=maintype, subtype=subtype, filename=filename, disposition="attachment")


def _drop(mail: EmailMessage, leaf: EmailMessage) -> None:
    for container in mail.walk():
        if container.is_multipart():
            payload = container.get_payload()
            if leaf in payload:
                payload.remove(leaf)
                return


def _check_copy(output: bytes, name: str, targets: Sequence[Target]) -> None:
    """Parse the written mail afresh (every text part, HTML as text too, every attachment's text) and
    look for each removed value; one left means the copy is refused."""
    from scanner.ingest import load_bytes
    from scanner.ingest.documents import decode_text
    from scanner.ingest.html import html_to_text

    fresh = load_bytes(output, name)
    texts = [p.text for p in fresh.parts]
    reread = email.message_from_bytes(output, policy=email.policy.default)
    texts.append(str(reread.get("Subject", "")))
    for leaf in reread.walk():
        if leaf.get_content_maintype() == "text":
            raw = decode_text(leaf.get_payload(decode=True) or b"", leaf.get_content_charset())
            texts.append(raw)
            if leaf.get_content_type() == "text/html":
                texts.append(html_to_text(raw)[0])
    haystacks = [Haystack(t) for t in texts if t]
    left = []
    for target in targets:
        needle = compile_target(target)
        if needle is not None and any(h.contains(needle) for h in haystacks):
            left.append(f"{target.entity} ({mask(target.text)})")
    if left:
        raise RedactionError(T("de kopie bevat nog verwijderde gegevens en is niet opgeslagen: ",
                               "the copy still holds removed data and was not saved: ") + ", ".join(sorted(set(left))))


# -- the command --------------------------------------------------------------------------------


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.samefile(b))
    except OSError:
        return False


def redact_path(args: argparse.Namespace) -> int:
    """`verzendcheck redact`: a mail or a document in, a verified cleaned copy out."""
    src, out = Path(args.path), Path(args.out)
    try:
        entities = None
        if args.entities:
            entities = {e.strip().upper() for e in args.entities.split(",") if e.strip()}
            unknown = entities - ALL_ENTITIES
            if unknown:
                raise UsageError(T(f"onbekende entiteit(en): {', '.join(sorted(unknown))}",
                                   f"unknown entity or entities: {', '.join(sorted(unknown))}"))
        if _same_file(src, out):
            raise UsageError(T("--out is het invoerbestand zelf; kies een nieuw bestand",
                               "--out is the input file itself; choose a new file"))
        suffix = src.suffix.lower()
        if suffix in MAIL_SUFFIXES:
            if args.keep_pages is not None or args.beschikking:
                raise UsageError(T("--beschikking en --keep-pages gelden voor een PDF; in een mail houdt een "
                                   "beschikking vanzelf de pagina's uit het advies",
                                   "--beschikking and --keep-pages apply to a PDF; in a mail a beschikking keeps "
                                   "the pages of the advice by itself"))
            if out.suffix.lower() != ".eml":
                raise UsageError(T("de schone kopie van een mail is een .eml-bestand: geef --out NAAM.eml",
                                   "the cleaned copy of a mail is an .eml file: give --out NAME.eml"))
            return _write_mail(src, out, entities, args)
        if suffix not in DOCUMENT_SUFFIXES:
            raise UsageError(T(f"dit type kan niet worden geanonimiseerd ({suffix or 'geen extensie'}); "
                               "wel .eml, .msg, .pdf en .docx",
                               f"this type cannot be redacted ({suffix or 'no extension'}); "
                               ".eml, .msg, .pdf and .docx can"))
        report = redact_document(src, out, entities=entities, beschikking=args.beschikking,
                                 keep_pages=args.keep_pages)
    except UsageError as exc:
        print(f"verzendcheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NotRedactable as exc:
        print(T("verzendcheck: kan niet redigeren: ", "verzendcheck: cannot redact: ") + str(exc), file=sys.stderr)
        return EXIT_FAILED
    except (RedactionError, ValueError) as exc:
        print(T("verzendcheck: redactie mislukt: ", "verzendcheck: redaction failed: ")
              + str(getattr(exc, "reason", exc)), file=sys.stderr)
        return EXIT_FAILED
    print(report.render(T("nl", "en")))
    return EXIT_OK


def _write_mail(src: Path, out: Path, entities: set[str] | None, args: argparse.Namespace) -> int:
    import os
    import secrets

    from scanner.policy import load_policy

    output, report = redact_mail(src.read_bytes(), src.name, entities=entities,
                                 policy=load_policy(getattr(args, "policy", None)))
    temporary = out.with_name(f".{out.name}.{secrets.token_hex(6)}.tmp")
    with temporary.open("xb") as stream:
        stream.write(output)
    os.replace(temporary, out)
    print(report)
    return EXIT_OK
