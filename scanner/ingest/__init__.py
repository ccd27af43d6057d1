"""Ingest: files and raw mail bytes in, a Message with readable parts out."""

from __future__ import annotations

import re
from pathlib import Path

from scanner.ingest.documents import document_part, is_binary, sniff_kind
from scanner.ingest.limits import DEFAULT_LIMITS, Limits
from scanner.ingest.mail import MsgUnavailable, parse_eml, parse_msg
from scanner.model import Message, Part

__all__ = ["Limits", "load_bytes", "load_path", "load_raw", "parse_eml", "parse_msg", "unreadable"]


def load_bytes(data: bytes, name: str, *, limits: Limits = DEFAULT_LIMITS) -> Message:
    """A Message for a mail (.eml/.msg) or a bare document (its one attachment part).

    The message's time budget (`limits.max_message_seconds`) starts here: OCR stops at it, and
    `scan_message` gives the analysis what is left. A file that is empty or no mail at all is an
    unreadable part, never an empty message that would pass.
    """
    limits = limits.start()
    message = _load(data, name, limits)
    message.deadline = limits.deadline
    return message


def _load(data: bytes, name: str, limits: Limits) -> Message:
    kind = sniff_kind(name, None, data)
    if not data.strip():
        return unreadable(name, "bestand is leeg", reason="empty")
    if kind == "eml" and not _looks_like_mail(data) and not _header_line(data):
        if is_binary(data):
            return unreadable(name, "bestand is geen e-mailbericht en bevat geen leesbare tekst", reason="not_mail")
        # A text file named .eml: its text is checked as a document, and the clerk is told it is no mail.
        note = Part(part="attachment", kind="eml", name=Path(name).name, meta={"reason": "not_mail"},
                    error="bestand is geen e-mailbericht (geen afzender of ontvangers); de tekst is als document "
                          "gecontroleerd")
        return Message(input=name, parts=[*document_part(data, Path(name).name, "text/plain", limits=limits), note])
    if kind == "eml" or (kind in ("text", "csv", "other") and _looks_like_mail(data)):
        return parse_eml(data, name, limits=limits)
    if kind == "msg":
        try:
            return parse_msg(data, name, limits=limits)
        except MsgUnavailable as exc:
            return Message(input=name, parts=[Part(part="attachment", kind="msg", name=name, error=str(exc))])
    return Message(input=name, parts=document_part(data, Path(name).name, None, limits=limits))


def load_path(path: Path | str, *, limits: Limits = DEFAULT_LIMITS) -> Message:
    """Read a file from disk (size-checked first) and parse it."""
    from scanner.ingest.sources import read_file

    path = Path(path)
    return load_raw(read_file(path, str(path), str(path), limits), limits=limits)


def load_raw(raw, *, limits: Limits = DEFAULT_LIMITS) -> Message:
    """A Message for one RawMessage of a source (scanner.ingest.sources); an unreadable one keeps its reason."""
    if raw.error:
        message = unreadable(raw.name, raw.error)
        message.deadline = limits.start().deadline
        return message
    message = load_bytes(raw.data, raw.name, limits=limits)
    message.input = raw.name
    return message


def unreadable(name: str, error: str, reason: str | None = None) -> Message:
    """A message that could not be read at all: one part with the error, so the scan reports it.

    `reason` is the UNSCANNABLE_ATTACHMENT reason key (policy `reden_<key>`); None derives it from `error`.
    """
    part = Part(part="attachment", kind="other", name=Path(name).name, error=error)
    if reason:
        part.meta["reason"] = reason
    return Message(input=name, parts=[part])


_HEADER_LINE = re.compile(rb"(?:From |[!-9;-~]+:)")
_FIELD_START = re.compile(rb"^([!-9;-~]+):", re.MULTILINE)
MAIL_FIELDS = {b"from", b"received", b"return-path", b"message-id", b"mime-version", b"subject"}


def _header_line(data: bytes) -> bool:
    """Starts like RFC 5322 headers (any field name, or an mbox From_ line), however long the first line."""
    return bool(_HEADER_LINE.match(data.lstrip(b"\r\n")[:1000]))


def _looks_like_mail(data: bytes) -> bool:
    """A header block that names a mail's own fields (From, Received, Subject ...).

    The whole header block counts, not its first kilobytes: a mass mail's To line alone can be a megabyte.
    """
    end = min((i for i in (data.find(b"\n\n"), data.find(b"\r\n\r\n")) if i >= 0), default=len(data))
    head = data[:max(2048, min(end, 4 * 1024 * 1024))]  # a header block beyond 4 MB is no mail
    return any(m.group(1).lower() in MAIL_FIELDS for m in _FIELD_START.finditer(head))
