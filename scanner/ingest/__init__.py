"""Ingest: files and raw mail bytes in, a Message with readable parts out."""

from __future__ import annotations

from pathlib import Path

from scanner.ingest.documents import document_part, sniff_kind
from scanner.ingest.limits import DEFAULT_LIMITS, Limits
from scanner.ingest.mail import MsgUnavailable, parse_eml, parse_msg
from scanner.model import Message, Part

__all__ = ["Limits", "load_bytes", "load_path", "load_raw", "parse_eml", "parse_msg", "unreadable"]


def load_bytes(data: bytes, name: str, *, limits: Limits = DEFAULT_LIMITS) -> Message:
    """A Message for a mail (.eml/.msg) or a bare document (its one attachment part)."""
    kind = sniff_kind(name, None, data)
    if kind == "eml" or (kind in ("text", "other") and _looks_like_mail(data)):
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
        return unreadable(raw.name, raw.error)
    message = load_bytes(raw.data, raw.name, limits=limits)
    message.input = raw.name
    return message


def unreadable(name: str, reason: str) -> Message:
    """A message that could not be read at all: one part with the reason, so the scan reports it."""
    return Message(input=name, parts=[Part(part="attachment", kind="other", name=Path(name).name, error=reason)])


def _looks_like_mail(data: bytes) -> bool:
    head = data[:2048].lower()
    return any(head.startswith(h) or b"\n" + h in head for h in (b"from:", b"received:", b"return-path:",
                                                                   b"message-id:", b"mime-version:", b"subject:"))
