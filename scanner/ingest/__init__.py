"""Ingest: files and raw mail bytes in, a Message with readable parts out."""

from __future__ import annotations

from pathlib import Path

from scanner.ingest.documents import document_part, sniff_kind
from scanner.ingest.limits import DEFAULT_LIMITS, Limits
from scanner.ingest.mail import MsgUnavailable, parse_eml, parse_msg
from scanner.model import Message, Part

__all__ = ["Limits", "load_bytes", "load_path", "parse_eml", "parse_msg"]


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


def load_path(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Message:
    """Read a file from disk (size-checked first) and parse it."""
    size = path.stat().st_size
    if size > limits.max_message_bytes:
        return Message(input=str(path), parts=[Part(part="attachment", kind="other", name=path.name, size=size,
                                                    error="bestand is te groot om te controleren")])
    message = load_bytes(path.read_bytes(), str(path), limits=limits)
    message.input = str(path)
    return message


def _looks_like_mail(data: bytes) -> bool:
    head = data[:2048].lower()
    return any(head.startswith(h) or b"\n" + h in head for h in (b"from:", b"received:", b"return-path:",
                                                                   b"message-id:", b"mime-version:", b"subject:"))
