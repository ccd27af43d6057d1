"""The units of work that run inside pool workers (and on Dask workers): bytes in, Result out.

Parsing runs here too, inside the worker, because a hostile attachment can hang the PDF or
OOXML libraries in C code: only a separate process can be killed out of that. Every front end
(hook, web, audit) submits these functions; none of them parses or scans by itself.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from scanner.ingest.sources import RawMessage
from scanner.model import Message, Result
from scanner.pool import PoolError, TaskFailed, TaskTimeout, WorkerDied

log = logging.getLogger(__name__)

_policies: dict[str | None, object] = {}
_policies_lock = threading.Lock()
# A short mail that touches every stage once, so the first real message pays no lazy loading.
WARM_MAIL = (
    b"From: warm@ind.nl\r\nTo: warm@coa.nl\r\nSubject: test\r\nMessage-ID: <warm@verzendcheck>\r\n\r\n"
    b"Beste collega, de heer Jan de Vries (V-nummer 1234567890) heeft last van zijn rug.\r\n"
)


def policy_for(path: str | Path | None):
    """The policy for `path` (None: the default), read once per process."""
    from scanner.policy import load_policy

    key = None if path is None else str(path)
    with _policies_lock:
        if key not in _policies:
            _policies[key] = load_policy(key)
        return _policies[key]


def warm(policy_path: str | Path | None = None) -> None:
    """Load the policy, the analyzer and everything lazy, by scanning one small mail."""
    warm_policy(policy_for(policy_path))


def warm_policy(policy) -> None:
    """`warm` with a loaded policy."""
    from scanner.core import scan_message
    from scanner.ingest import parse_eml

    scan_message(parse_eml(WARM_MAIL, "warm.eml"), policy)


def scan_bytes(
    data: bytes,
    name: str,
    *,
    sender: str | None = None,
    to: Iterable[str] = (),
    cc: Iterable[str] = (),
    bcc: Iterable[str] = (),
    org: str | None = None,
    lang: str = "nl",
    policy_path: str | Path | None = None,
    budget: float | None = None,
) -> Result:
    """Parse raw bytes (a mail or a document named `name`) and scan them; the addresses add to the headers'.

    `budget` (seconds) shortens the policy's time budget for the message: what is not read within it
    is reported as not checked, before the pool's kill timeout would turn it into an error.
    """
    return _parse_and_scan(data, name, sender=sender, to=to, cc=cc, bcc=bcc, org=org, lang=lang,
                           policy_path=policy_path, budget=budget)[1]


def _parse_and_scan(data: bytes, name: str, *, sender: str | None = None, to: Iterable[str] = (),
                    cc: Iterable[str] = (), bcc: Iterable[str] = (), org: str | None = None, lang: str = "nl",
                    policy_path: str | Path | None = None, budget: float | None = None,
                    check: Callable[[Message], None] | None = None) -> tuple[Message, Result]:
    """The one parse-then-scan step of every task; `check` may refuse the parsed message first."""
    from scanner.core import scan_message
    from scanner.ingest import Limits, load_bytes

    policy = policy_for(policy_path)
    message = load_bytes(data, name, limits=Limits.from_policy(policy, budget))
    message.with_envelope(sender=sender, to=to, cc=cc, bcc=bcc)
    if check is not None:
        check(message)
    return message, scan_message(message, policy, org=org, lang=lang)


# A raw message of at most this size is scanned in a group of short ones (`scan_stream`): its parse and
# scan take milliseconds, so the group keeps each message within its own budget, and the group's text
# shares one run of the NER (`scanner.core.scan_messages`). A longer one (an attachment to read, perhaps
# to OCR, whose time would count against the others' budgets) is scanned alone.
SHORT_MESSAGE_BYTES = 64 * 1024
# Short messages scanned together. spaCy's NER costs about 1 ms per run of the pipeline whatever the text
# (its layers are called in Python): a quarter of a short mail's NER, which eight mails share.
SHARED_MESSAGES = 8


def is_short(raw: RawMessage) -> bool:
    """Whether `raw` may be scanned in a group of short messages (`SHORT_MESSAGE_BYTES`)."""
    return len(raw.data) <= SHORT_MESSAGE_BYTES


def scan_stream(raws: Iterable[RawMessage], policy, limits, *, org: str | None = None, lang: str = "nl",
                envelope: Callable[[Message], Message] | None = None, stop: float | None = None,
                on_event: Callable[[str, Any], None] | None = None) -> Iterator[tuple[Message, Result]]:
    """(message, result) of each raw message, in order: runs of short ones (`is_short`) parsed in turn and
    scanned together (`scan_messages`, up to SHARED_MESSAGES at once), a longer one alone.
    `envelope` may add to each parsed message (the command line's --from/--to). Past `stop` (a
    `time.monotonic()`) no further message is read: the stream ends with the ones read so far (one
    at least). `on_event` hears ("read", name) before a message is read and ("scan", count) before
    that many are analysed (`supervised_stream` keeps its clock by them)."""
    from scanner.core import scan_message, scan_messages
    from scanner.ingest import load_raw

    group: list[Message] = []

    def flush() -> list[tuple[Message, Result]]:
        if not group:
            return []
        if on_event is not None:
            on_event("scan", len(group))
        done = list(zip(group, scan_messages(group, policy, org=org, lang=lang), strict=True))
        group.clear()
        return done

    for raw in raws:
        short = is_short(raw)
        if not short:
            yield from flush()  # before this one's reading, which would eat into the group's budgets
        if on_event is not None:
            on_event("read", raw.name)
        message = load_raw(raw, limits=limits)
        if envelope is not None:
            message = envelope(message)
        if not short:
            if on_event is not None:
                on_event("scan", 1)
            yield message, scan_message(message, policy, org=org, lang=lang)
        else:
            group.append(message)
            if len(group) == SHARED_MESSAGES:
                yield from flush()
        if stop is not None and time.monotonic() > stop:
            break
    yield from flush()


GRACE_SECONDS = 30.0  # past its budget a scan ends by itself (it checks its clock); past this too it hangs


def supervised_stream(raws: Callable[[], Iterable[RawMessage]], source: str, policy, limits, *,
                      keep_messages: bool = False, **kw: Any) -> Iterator[tuple[Message | None, Result]]:
    """`scan_stream` of `raws()`, scanned in a child process forked from this one (the models loaded here
    are shared, not loaded again): the command line's guard against a hostile file. A hang in C code (a
    PDF library) cannot be interrupted in the process it happens in, and a crash there would end the
    command. A child that runs past its messages' budgets (plus GRACE_SECONDS) is killed, one that dies is
    noticed; the message it was reading (or the group it was analysing) gets an UNSCANNABLE_ATTACHMENT
    result (message None), and a new child goes on from the first message not yet answered, passing over
    that one. Results come in the order of `raws()`; none is dropped. A hang or crash before any message
    of `source` was read (a folder's or mailbox's listing): one such result for `source`.

    The child sends its results back (with the parsed messages when `keep_messages`, for the HTML page).
    Without fork (not Linux), or with other threads running here (a fork would copy their locks as they
    are), the stream is scanned in this process.
    """
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        yield from scan_stream(raws(), policy, limits, **kw)
        return
    warm_policy(policy)
    ctx = multiprocessing.get_context("fork")
    budget = limits.max_message_seconds
    names: dict[int, str] = {}  # a message's place in raws() -> its name, as read
    failed: dict[int, str] = {}  # place -> why it was not checked
    ready: dict[int, tuple[Message | None, Result] | None] = {}  # answered, by place (None: failed)
    answered = 0  # places before this one are answered and yielded

    def in_order() -> Iterator[tuple[Message | None, Result]]:
        nonlocal answered
        while answered in ready:
            item = ready.pop(answered)
            yield item or (None, scan_unreadable(names[answered], failed[answered], lang=kw.get("lang", "nl"),
                                                 policy=policy))
            answered += 1

    while True:
        receiver, sender = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_stream_child, name="verzendcheck-scan", daemon=True,
                            args=(sender, raws, answered, set(failed), policy, limits, keep_messages, kw))
        child.start()
        sender.close()
        pending: list[int] = []  # read and not yet answered, in order
        analysing = False  # the last word was "scan": the group in hand is being analysed
        deadline = time.monotonic() + budget + GRACE_SECONDS
        reason = None
        try:
            while reason is None:
                if not receiver.poll(max(0.0, deadline - time.monotonic())):
                    reason = unchecked_reason(TaskTimeout(), budget)
                    break
                try:
                    kind, value = receiver.recv()
                except (EOFError, OSError):
                    reason = unchecked_reason(WorkerDied(), budget)
                    break
                deadline = time.monotonic() + budget + GRACE_SECONDS
                if kind == "end":
                    return
                if kind == "failed":
                    reason = unchecked_reason(TaskFailed(value), budget)
                elif kind == "read":
                    place, names[place] = value
                    pending.append(place)
                    analysing = False
                elif kind == "scan":
                    analysing = True
                    deadline = time.monotonic() + value * budget + GRACE_SECONDS
                elif kind == "skipped":
                    ready[value] = None
                    yield from in_order()
                elif kind == "result":
                    place, message, result = value
                    pending.remove(place)
                    ready[place] = (message, result)
                    yield from in_order()
        finally:
            child.kill()
            child.join()
            receiver.close()
        log.warning("scan stopped: %s", reason)
        if not pending:  # nothing was being read: a new child would stop at the same place
            yield None, scan_unreadable(source, reason, lang=kw.get("lang", "nl"), policy=policy)
            return
        # The message being read is the culprit; the others of its group were read well and go again.
        for place in pending if analysing else pending[-1:]:
            failed[place] = reason


def _stream_child(conn, raws: Callable[[], Iterable[RawMessage]], start: int, failed: set[int], policy, limits,
                  keep_messages: bool, kw: dict[str, Any]) -> None:
    """A `supervised_stream` child: from place `start` of raws() on, passing over the `failed` places,
    scan_stream's events and results to the parent (each with its place), then "end"."""
    import os

    order: list[int] = []  # places handed to scan_stream and not yet answered

    def numbered() -> Iterator[RawMessage]:
        for place, raw in enumerate(raws()):
            if place < start:
                continue
            if place in failed:
                conn.send(("skipped", place))
                continue
            order.append(place)
            yield raw

    def event(kind: str, value: Any) -> None:
        conn.send((kind, (order[-1], value) if kind == "read" else value))

    try:
        try:
            for message, result in scan_stream(numbered(), policy, limits, on_event=event, **kw):
                conn.send(("result", (order.pop(0), message if keep_messages else None, result)))
            conn.send(("end", None))
        except Exception as exc:  # a bug: the message in hand is reported as not checked, the rest goes on
            conn.send(("failed", type(exc).__name__))
        conn.close()
    finally:
        os._exit(0)  # no atexit handlers or finalizers of the parent's objects in the child


def scan_batch(items: list[tuple[bytes, str]], *, lang: str = "nl", policy_path: str | Path | None = None,
               budget: float | None = None) -> list[Result]:
    """`scan_bytes` of the first of the (data, name) items, in order, for short messages (`is_short`):
    scanned together, so their text shares one run of the NER (a quarter less time per mail).

    Once half the message budget is spent reading them (short mails with images to OCR), no further one
    is read: the results are those of the first len(results) items (one at least), and the caller sends
    the rest again. A caller whose batch fails (a timeout, a crash) scans its messages again one by one,
    so one bad message cannot take the others along.
    """
    from scanner.ingest import Limits

    policy = policy_for(policy_path)
    limits = Limits.from_policy(policy, budget)
    raws = [RawMessage(key=name, name=name, data=data) for data, name in items]
    stop = time.monotonic() + limits.max_message_seconds / 2
    return [result for _, result in scan_stream(raws, policy, limits, lang=lang, stop=stop)]


def scan_unreadable(name: str, reason: str, *, lang: str = "nl", policy_path: str | Path | None = None,
                    policy=None) -> Result:
    """The result for a message that could not be read or checked (`reason` is Dutch, no personal data):
    the core reports it as UNSCANNABLE_ATTACHMENT, so a batch never drops a message silently."""
    from scanner.core import scan_message
    from scanner.ingest import unreadable

    return scan_message(unreadable(name, reason), policy or policy_for(policy_path), lang=lang)


def unchecked_reason(exc: BaseException, timeout: float) -> str:
    """Why a message was not checked, in Dutch, without anything from the message itself."""
    if isinstance(exc, TaskTimeout):
        return f"Het bericht kon niet binnen {timeout:.0f} seconden worden gecontroleerd"
    if isinstance(exc, WorkerDied):
        return "Het bericht kon niet worden gecontroleerd: het werkproces stopte onverwacht"
    if isinstance(exc, PoolError):
        return "Het bericht kon niet worden gecontroleerd (geen werkproces beschikbaar)"
    if isinstance(exc, TaskFailed):
        return f"Het bericht kon niet worden gecontroleerd (interne fout {exc})"
    return f"Het bericht kon niet worden gecontroleerd (interne fout {type(exc).__name__})"


CONTEXT_CHARS = 60  # characters of context shown on each side of a finding


class UploadRejected(ValueError):
    """An upload the task cannot handle; the message is Dutch and safe to show (no personal data).

    `status` is the HTTP status a web front end answers: 415 not a supported type, 422 unreadable.
    """

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message, status)
        self.status = status

    def __str__(self) -> str:
        return str(self.args[0])


def budget_within(timeout: float) -> float:
    """The message budget to give a scan that a pool kills after `timeout` seconds: time is left to
    classify, apply the rules and send the result back (a fifth, at least 2 s)."""
    return max(1.0, timeout - max(2.0, timeout / 5))


def scan_bytes_in_context(
    data: bytes, name: str, *, reveal: bool = False, context_chars: int = CONTEXT_CHARS, **scan_args: Any
) -> dict:
    """`scan_bytes` (same keywords) for the web page: the JSON result, each finding with its context.

    Every finding gets `"context": {"before", "match", "after"}`: the text around it on its page,
    in which every finding (this one too) shows in masked form unless `reveal`. A bare document
    of an unknown type or one that cannot be read at all raises UploadRejected instead.
    """
    message, result = _parse_and_scan(data, name, check=_check_document, **scan_args)
    out = result.to_json(reveal=reveal)
    for finding, shown in zip(result.findings, out["findings"], strict=True):
        shown["context"] = _context(message.parts[finding.part_index], finding, result.findings, reveal, context_chars)
    return out


def _check_document(message) -> None:
    """An upload that is a bare document of an unknown type, or wholly unreadable, is rejected (not scanned)."""
    parts = message.parts
    if message.headers or not parts or any(p.part != "attachment" for p in parts):
        return  # a mail: an unreadable attachment is a finding (UNSCANNABLE_ATTACHMENT), not an error
    if all(p.kind in ("other", "ole") for p in parts):
        raise UploadRejected("Dit bestandstype wordt niet ondersteund. Sleep een mail (.eml, .msg) of een "
                             "document (PDF, Word, Excel, CSV, tekst of afbeelding).", 415)
    if all(p.error for p in parts):
        raise UploadRejected(f"Het bestand kan niet worden gelezen: {parts[0].error.rstrip('.')}.")


def _context(part, finding, findings, reveal: bool, width: int) -> dict | None:
    """The text around `finding`, every finding in it masked (unless `reveal`), overlaps included."""
    from scanner.model import mask

    pages = [part.pages[finding.page - 1]] if part.paged and finding.page else part.pages
    page = next((p for p in pages if p[finding.start:finding.end] == finding.text), None)
    if page is None:
        return None
    lo, hi = max(0, finding.start - width), min(len(page), finding.end + width)
    others = sorted(
        (f for f in findings if f is not finding and f.part_index == finding.part_index and f.page == finding.page
         and f.start < hi and f.end > lo and page[f.start:f.end] == f.text),
        key=lambda f: f.start,
    )

    def show(a: int, b: int) -> str:
        """page[a:b] with each other finding's span (cut to the window) replaced by its masked form."""
        pieces, at = [], a
        for f in () if reveal else others:
            start, end = max(f.start, a), min(f.end, b)
            if end <= start or end <= at:
                continue
            if start >= at:  # not yet covered by an overlapping finding's mask
                pieces += [page[at:start], mask(f.text, f.entity)]
            at = end
        pieces.append(page[at:b])
        return re.sub(r"\s+", " ", "".join(pieces))

    return {
        "before": ("…" if lo else "") + show(lo, finding.start),
        "match": finding.text if reveal else mask(finding.text, finding.entity),
        "after": show(finding.end, hi) + ("…" if hi < len(page) else ""),
    }


REDACTABLE_SUFFIXES = (".pdf", ".docx")


def redact_upload(
    data: bytes,
    name: str,
    *,
    attachment: str | None = None,
    beschikking: bool = False,
    keep_pages: str | None = None,
) -> dict:
    """A redacted copy of an uploaded PDF/DOCX, or of a PDF/DOCX attached to an uploaded mail.

    Runs the core redaction (`scanner.redact.document_targets` + `redaction.redact_bytes`) inside a
    worker so a hanging PDF is killed with it. `attachment` picks the attachment of a mail by its
    name (also in the masked form the scan shows); a mail with one PDF/DOCX needs none. Answers
    {"data", "name", "report"} or raises UploadRejected with a Dutch reason.
    """
    from redaction import KeepPagesError, RedactionError, detect_format, redact_bytes
    from scanner.ingest import load_bytes
    from scanner.redact import NotRedactable, document_targets

    try:
        detect_format(data, name)
    except RedactionError:
        if data.strip() and not name.lower().endswith(REDACTABLE_SUFFIXES):
            name, data = _attachment_of_mail(data, name, attachment)
    keep: str | None = keep_pages or ("beschikking" if beschikking else None)
    try:
        targets = document_targets(load_bytes(data, name))
        output, report = redact_bytes(data, name, targets, keep_pages=keep)
    except NotRedactable as exc:
        raise UploadRejected(f"Het bestand kan niet worden gelezen: {exc}.") from None
    except KeepPagesError as exc:
        raise UploadRejected(f"De pagina's zijn niet goed opgegeven: {exc}") from None
    except RedactionError as exc:
        raise UploadRejected(str(getattr(exc, "reason", None) or exc)) from None
    stem, _, suffix = name.rpartition(".")
    return {"data": output, "name": f"{stem or name}-geanonimiseerd.{suffix}", "report": report.to_dict()}


def _attachment_of_mail(data: bytes, name: str, wanted: str | None) -> tuple[str, bytes]:
    """(name, bytes) of the PDF/DOCX attachment of a mail that `wanted` names (or the only one)."""
    import email
    import email.policy

    from scanner.ingest.mail import header_text

    if name.lower().endswith(".msg"):
        raise UploadRejected("Van een Outlook-bericht (.msg) kan geen kopie worden gemaakt: sla de bijlage "
                             "apart op (PDF of Word) en sleep die hierheen.")
    candidates: list[tuple[str, bytes]] = []
    for part in email.message_from_bytes(data, policy=email.policy.compat32).walk():
        if part.is_multipart():
            continue
        filename = header_text(part.get_filename()) or ""
        ctype = part.get_content_type()
        if not filename and ctype == "application/pdf":
            filename = "naamloos.pdf"
        payload = part.get_payload(decode=True)
        if filename.lower().endswith(REDACTABLE_SUFFIXES) and isinstance(payload, bytes):
            candidates.append((filename, payload))
    if not candidates:
        raise UploadRejected("Alleen PDF- en Word-bestanden (.docx), of een mail met zo'n bijlage, kunnen "
                             "worden geanonimiseerd.")
    exact = [c for c in candidates if c[0] == wanted]
    if exact or len(candidates) == 1:
        return (exact or candidates)[0]
    if wanted:  # the page shows attachment names masked: compare in the same form
        from recognizers.engine import get_analyzer
        from scanner.analysis import analyse_message
        from scanner.ingest import load_bytes
        from scanner.privacy import found_name_words, mask_file_name

        names = found_name_words(analyse_message(load_bytes(data, name), get_analyzer()))
        matches = [c for c in candidates if mask_file_name(c[0], names) == wanted]
        if len(matches) == 1:
            return matches[0]
    raise UploadRejected("De mail heeft meer dan één PDF- of Word-bijlage: kies welke (veld 'attachment').")
