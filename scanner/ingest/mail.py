"""E-mail parsing (.eml in every MIME shape, Outlook .msg) into a Message."""

from __future__ import annotations

import binascii
import email
import email.message
import re
from email.header import decode_header, make_header
from email.utils import getaddresses, parseaddr

from scanner.ingest.documents import decode_text, document_part
from scanner.ingest.html import html_to_text
from scanner.ingest.limits import DEFAULT_LIMITS, Limits
from scanner.model import Message, Part

FORWARD_MARKERS = re.compile(
    r"^[ \t>]*(?:-{2,}\s*(?:Doorgestuurd bericht|Forwarded message|Oorspronkelijk bericht|Original Message)\s*-{2,}"
    r"|Begin (?:doorgestuurd|forwarded) (?:bericht|message):"
    r"|Van:\s.+\n[ \t>]*(?:Verzonden|Datum|Date|Sent):)",
    re.IGNORECASE | re.MULTILINE,
)
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
UUENCODE = re.compile(r"^begin [0-7]{3,4} (?P<name>[^\r\n]+)\r?\n(?P<body>.*?)^end\s*$", re.MULTILINE | re.DOTALL)
PGP_INLINE = re.compile(r"-----BEGIN PGP (MESSAGE|SIGNED MESSAGE)-----")
KEPT_HEADERS = ("x-avg-motivering", "date", "importance", "sensitivity", "x-mailer", "auto-submitted",
                "in-reply-to", "references", "reply-to", "content-type")


def header_text(value: object) -> str:
    """A header value as readable text, with encoded words decoded; never raises."""
    if value is None:
        return ""
    raw = str(value)
    try:
        return str(make_header(decode_header(raw)))
    except Exception:  # malformed encoded words or unknown charsets
        return raw


def addresses(values: list[str]) -> list[str]:
    out: list[str] = []
    for _name, addr in getaddresses([header_text(v) for v in values]):
        addr = addr.strip().strip("<>").lower()
        if "@" in addr and addr not in out:
            out.append(addr)
    return out


def parse_eml(data: bytes, name: str = "message.eml", *, limits: Limits = DEFAULT_LIMITS) -> Message:
    """Parse raw RFC 5322 bytes; unreadable pieces become parts with an `error`, never exceptions."""
    msg = email.message_from_bytes(data)
    out = Message(input=name)
    sender_name, sender = parseaddr(header_text(msg.get("from", "")))
    out.sender = sender.lower() or None
    out.sender_name = sender_name or None
    out.to = addresses(msg.get_all("to", []))
    out.cc = addresses(msg.get_all("cc", []))
    out.bcc = addresses(msg.get_all("bcc", []))
    out.subject = header_text(msg.get("subject", "")).strip()
    out.message_id = header_text(msg.get("message-id")).strip() or None
    out.headers = {h: header_text(msg.get(h)) for h in KEPT_HEADERS if msg.get(h) is not None}
    if out.subject:
        out.parts.append(Part(part="subject", kind="subject", pages=[out.subject]))
    if msg.defects:
        out.errors.extend(sorted({type(d).__name__ for d in msg.defects}))
    try:
        _walk(msg, out, limits, depth=0, forwarded=False, counter=[0])
    except Exception as exc:  # a malformed structure must not lose the parts read so far
        out.parts.append(Part(part="attachment", kind="other", name="(rest van het bericht)",
                              error=f"bericht kon niet volledig worden gelezen ({type(exc).__name__})"))
    return out


def _walk(part: email.message.Message, out: Message, limits: Limits, *, depth: int, forwarded: bool,
          counter: list[int]) -> None:
    counter[0] += 1
    if counter[0] > limits.max_parts:
        if counter[0] == limits.max_parts + 1:
            out.parts.append(Part(part="attachment", kind="other", name="(overige delen)",
                                  error="bericht heeft te veel MIME-delen; de rest is niet gecontroleerd"))
        return
    ctype = part.get_content_type()
    if ctype == "multipart/signed":
        protocol = (part.get_param("protocol") or "").lower()
        out.smime |= "pkcs7" in protocol
        out.pgp |= "pgp" in protocol
    elif ctype == "multipart/encrypted":
        out.pgp = out.encrypted = True
    if ctype == "message/rfc822" or (ctype.startswith("message/") and isinstance(part.get_payload(), list)):
        _nested_message(part, out, limits, depth=depth, counter=counter)
        return
    if part.is_multipart():
        children = part.get_payload()
        if ctype == "multipart/alternative" and isinstance(children, list):
            children = _preferred_alternative(children, out)
        for child in children if isinstance(children, list) else []:
            _walk(child, out, limits, depth=depth, forwarded=forwarded, counter=counter)
        return
    if ctype in ("application/pkcs7-mime", "application/x-pkcs7-mime"):
        out.smime = True
        out.encrypted |= "enveloped" in (part.get_param("smime-type") or "enveloped-data")
        return
    if ctype in ("application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature",
                 "application/pgp-encrypted"):
        return
    filename = header_text(part.get_filename()) or None
    disposition = str(part.get("content-disposition") or "").split(";")[0].strip().lower()
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = b""
    if ctype in ("text/plain", "text/html") and not filename and disposition != "attachment":
        _body(payload, ctype, part.get_content_charset(), out, forwarded=forwarded)
        return
    name = filename or f"naamloos.{ctype.split('/')[-1]}"
    out.parts.extend(document_part(payload, name, ctype, limits=limits, depth=depth + 1))


def _preferred_alternative(children: list, out: Message) -> list:
    """From alternatives take the plain text when it has content, else the richest one.

    Link targets live in the HTML alternative, so its links are read even when its text is not. A
    text/calendar alternative (an Outlook invitation) is kept as well: it holds the join link.
    """
    calendars = [c for c in children if c.get_content_type() == "text/calendar"]  # an invite: its own content
    children = [c for c in children if c.get_content_type() != "text/calendar"]
    plain = [c for c in children if c.get_content_type() == "text/plain"]
    others = [c for c in children if c.get_content_type() != "text/plain"]
    if plain and (plain[0].get_payload(decode=True) or b"").strip():
        for html in (c for c in others if c.get_content_type() == "text/html"):
            out.links.extend(html_to_text(decode_text(html.get_payload(decode=True) or b"",
                                                      html.get_content_charset()))[1])
        return plain[:1] + calendars
    return (others[-1:] if others else plain[:1]) + calendars


def _body(payload: bytes, ctype: str, charset: str | None, out: Message, *, forwarded: bool) -> None:
    text = decode_text(payload, charset)
    if ctype == "text/html":
        text, links = html_to_text(text)
        out.links.extend(links)
    for match in UUENCODE.finditer(text):
        data = _uudecode(match.group("body"))
        if data is not None:
            out.parts.extend(document_part(data, match.group("name").strip(), None))
    text = UUENCODE.sub("", text)
    if PGP_INLINE.search(text):
        out.pgp = True
        out.encrypted |= "BEGIN PGP MESSAGE" in text
    out.links.extend(URL.findall(text))
    marker = None if forwarded else FORWARD_MARKERS.search(text)
    own, rest = (text[: marker.start()], text[marker.start():]) if marker else (text, "")
    kind = "html" if ctype == "text/html" else "text"
    if own.strip() or not rest:
        out.parts.append(Part(part="body", kind=kind, pages=[own], forwarded=forwarded))
    if rest.strip():
        out.parts.append(Part(part="body", kind=kind, pages=[rest], forwarded=True))


def _uudecode(body: str) -> bytes | None:
    chunks = []
    for line in body.splitlines():
        if not line or line in ("`", " "):
            continue
        try:
            chunks.append(binascii.a2b_uu(line))
        except binascii.Error:
            try:  # some encoders pad badly; PyPI's uu did the same fallback
                nbytes = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
                chunks.append(binascii.a2b_uu(line[:nbytes]))
            except binascii.Error:
                return None
    return b"".join(chunks)


def _nested_message(part: email.message.Message, out: Message, limits: Limits, *, depth: int,
                    counter: list[int]) -> None:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if inner is None:
        return
    if depth + 1 > limits.max_depth:
        out.parts.append(Part(part="attachment", kind="eml", name="doorgestuurd bericht",
                              error="doorgestuurde berichten zijn te diep genest"))
        return
    header = "\n".join(f"{h}: {header_text(inner.get(h))}" for h in ("From", "To", "Cc", "Date", "Subject")
                       if inner.get(h))
    if header:
        out.parts.append(Part(part="body", kind="text", pages=[header], forwarded=True))
    _walk(inner, out, limits, depth=depth + 1, forwarded=True, counter=counter)


def embedded_message_parts(data: bytes, name: str | None, kind: str, limits: Limits, depth: int) -> list[Part]:
    """An attached .eml or .msg: its text and attachments become attachment parts named after it."""
    if depth > limits.max_depth:
        return [Part(part="attachment", kind=kind, name=name, error="bijgevoegde berichten zijn te diep genest")]
    try:
        inner = parse_eml(data, name or "bericht.eml", limits=limits) if kind == "eml" else parse_msg(data, name)
    except MsgUnavailable as exc:
        return [Part(part="attachment", kind=kind, name=name, size=len(data), error=str(exc))]
    parts = [Part(part="attachment", kind=kind, name=name, size=len(data), meta={"embedded_message": True})]
    for p in inner.parts:
        child_name = f"{name}/{p.name}" if p.name else name
        p.part, p.name, p.forwarded = "attachment", child_name, True
        parts.append(p)
    return parts


class MsgUnavailable(Exception):
    """An Outlook .msg needs the optional GPL extra `msg` (extract-msg)."""


def parse_msg(data: bytes, name: str | None = "message.msg", *, limits: Limits = DEFAULT_LIMITS) -> Message:
    """Parse an Outlook .msg with extract-msg (GPL-3.0, optional extra `msg`)."""
    try:
        import extract_msg
    except ImportError as exc:
        raise MsgUnavailable("Outlook-bericht (.msg) kan niet worden gelezen: installeer de extra 'msg'") from exc
    out = Message(input=name or "message.msg")
    try:
        msg = extract_msg.openMsg(data, delayAttachments=False,
                                  errorBehavior=extract_msg.enums.ErrorBehavior.SUPPRESS_ALL)
    except Exception as exc:  # not an Outlook message, or corrupt
        out.parts.append(Part(part="attachment", kind="msg", name=name, size=len(data),
                              error=f"Outlook-bericht is beschadigd ({type(exc).__name__})"))
        return out
    try:
        _fill_from_msg(msg, out, limits)
    finally:
        try:
            msg.close()
        except Exception:  # closing a half-read OLE file may fail; nothing to keep
            pass
    return out


def _fill_from_msg(msg, out: Message, limits: Limits) -> None:
    sender_name, sender = parseaddr(_safe(lambda: msg.sender) or "")
    out.sender = sender.lower() or None
    out.sender_name = sender_name or None
    fields = {1: out.to, 2: out.cc, 3: out.bcc}
    for rec in _safe(lambda: msg.recipients) or []:
        addr = (_safe(lambda r=rec: r.email) or "").strip().lower()
        target = fields.get(int(_safe(lambda r=rec: r.type) or 1), out.to)
        if "@" in addr and addr not in target:
            target.append(addr)
    if not out.to and not out.cc:
        out.to = addresses([_safe(lambda: msg.to) or ""])
        out.cc = addresses([_safe(lambda: msg.cc) or ""])
    out.subject = (_safe(lambda: msg.subject) or "").strip()
    out.message_id = _safe(lambda: msg.messageId) or None
    header = _safe(lambda: msg.header)
    if header is not None and header.get("X-AVG-Motivering"):
        out.headers["x-avg-motivering"] = header_text(header.get("X-AVG-Motivering"))
    if out.subject:
        out.parts.append(Part(part="subject", kind="subject", pages=[out.subject]))
    body = _safe(lambda: msg.body)
    if body and body.strip():
        _body(body.encode("utf-8"), "text/plain", "utf-8", out, forwarded=False)
    else:
        html = _safe(lambda: msg.htmlBody)
        if html:
            _body(html if isinstance(html, bytes) else html.encode(), "text/html", None, out, forwarded=False)
    for att in _safe(lambda: msg.attachments) or []:
        att_name = _safe(lambda a=att: a.longFilename or a.shortFilename or a.name) or "bijlage"
        payload = _safe(lambda a=att: a.data)
        if isinstance(payload, bytes):
            out.parts.extend(document_part(payload, att_name, _safe(lambda a=att: a.mimetype), limits=limits, depth=1))
        elif payload is not None and hasattr(payload, "subject"):
            nested = Message(input=att_name)
            _fill_from_msg(payload, nested, limits)
            out.parts.append(Part(part="attachment", kind="msg", name=att_name, meta={"embedded_message": True}))
            for p in nested.parts:
                p.part, p.name, p.forwarded = "attachment", f"{att_name}/{p.name or 'bericht'}", True
                out.parts.append(p)
        else:
            out.parts.append(Part(part="attachment", kind="other", name=att_name,
                                  error="bijlage in Outlook-bericht kon niet worden gelezen"))


def _safe(get):
    try:
        return get()
    except Exception:
        return None
