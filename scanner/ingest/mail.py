"""E-mail parsing (.eml in every MIME shape, Outlook .msg) into a Message."""

from __future__ import annotations

import binascii
import email
import email.message
import email.parser
import quopri
import re
from email.header import decode_header, make_header
from email.utils import getaddresses, parseaddr

from scanner.ingest.documents import (
    BINARY_MESSAGE,
    TOO_MANY_DOCUMENTS,
    decode_text,
    document_part,
    embedded_parts,
    is_binary,
    squeeze_blank_lines,
)
from scanner.ingest.html import data_images, html_to_text
from scanner.ingest.limits import DEFAULT_LIMITS, Limits
from scanner.ingest.smime import signed_content
from scanner.model import Message, Part

FORWARD_MARKERS = re.compile(
    r"^[ \t>]*(?:-{2,}\s*(?:Doorgestuurd bericht|Forwarded message|Oorspronkelijk bericht|Original Message)\s*-{2,}"
    r"|Begin (?:doorgestuurd|forwarded) (?:bericht|message):"
    r"|Van:\s.+\n[ \t>]*(?:Verzonden|Datum|Date|Sent):)",
    re.IGNORECASE | re.MULTILINE,
)
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
UUENCODE = re.compile(r"^begin [0-7]{3,4} (?P<name>[^\r\n]+)\r?\n(?P<body>.*?)^end\s*$", re.MULTILINE | re.DOTALL)
BOUNDARY_LINE = re.compile(r"^--([^\s\"]{1,70}?)[ \t]*\r?\n(?=[\w-]+:)", re.MULTILINE)
PGP_INLINE = re.compile(r"-----BEGIN PGP (MESSAGE|SIGNED MESSAGE)-----")
MALFORMED = "de opbouw van het bericht wijkt af van de e-mailstandaard; het is zo goed mogelijk gelezen"
KEPT_HEADERS = ("x-avg-motivering", "date", "importance", "sensitivity", "x-mailer", "auto-submitted",
                "in-reply-to", "references", "reply-to", "content-type")


def header_text(value: object) -> str:
    """A header value as readable text, with encoded words decoded; never raises."""
    if value is None:
        return ""
    raw = str(value)
    try:
        return str(make_header(decode_header(raw)))
    except Exception:  # malformed encoded words or an unknown charset: decode each word as a body would be
        try:
            return "".join(decode_text(b, c) if isinstance(b, bytes) else b for b, c in decode_header(raw))
        except Exception:
            return raw


def display_names(values: list[str]) -> list[str]:
    """The display names of an address header ("Linda Maas" of "Linda Maas <l.maas@…>")."""
    return [name.strip() for name, _addr in getaddresses([header_text(v) for v in values]) if name.strip()]


def addresses(values: list[str]) -> list[str]:
    """The addresses of an address header, lower case, each once, in order (linear: a mass mail's To
    line holds tens of thousands)."""
    out: dict[str, None] = {}
    for _name, addr in getaddresses([header_text(v) for v in values]):
        addr = addr.strip().strip("<>").lower()
        if "@" in addr:
            out[addr] = None
    return list(out)


def parse_eml(data: bytes, name: str = "message.eml", *, limits: Limits = DEFAULT_LIMITS, depth: int = 0) -> Message:
    """Parse raw RFC 5322 bytes; unreadable pieces become parts with an `error`, never exceptions.

    `depth` is the nesting of an attached mail: attached mails, archives and forwards count together.
    """
    out = Message(input=name)
    repaired = repair_header_block(data)
    data, repaired = repaired, repaired != data
    try:
        msg = email.message_from_bytes(data)
    except Exception as exc:  # read the raw body as text, say it was not parsed
        # Thousands of nested multiparts (RecursionError), or parameters the parser trips over (a boundary
        # in RFC 2231 pieces numbered and not: TypeError).
        msg = email.parser.BytesParser().parsebytes(data, headersonly=True)
        del msg["content-type"], msg["content-transfer-encoding"]
        msg["Content-Type"] = "text/plain"  # said, so its boundary lines are not taken for lost MIME parts
        why = "te diep genest" if isinstance(exc, RecursionError) else "beschadigd"
        out.parts.append(Part(part="attachment", kind="other", name="(opbouw van het bericht)",
                              error=f"bericht is {why}; de tekst is zonder MIME-opbouw gecontroleerd"))
    sender_name, sender = parseaddr(header_text(msg.get("from", "")))
    out.sender = sender.lower() or None
    out.sender_name = sender_name or None
    out.to = addresses(msg.get_all("to", []))
    out.cc = addresses(msg.get_all("cc", []))
    out.bcc = addresses(msg.get_all("bcc", []))
    out.recipient_names = display_names(msg.get_all("to", []) + msg.get_all("cc", []) + msg.get_all("bcc", []))
    out.subject = header_text(msg.get("subject", "")).strip()
    out.message_id = header_text(msg.get("message-id")).strip() or None
    out.headers = {h: header_text(msg.get(h)) for h in KEPT_HEADERS if msg.get(h) is not None}
    if out.subject:
        out.parts.append(Part(part="subject", kind="subject", pages=[out.subject]))
    if msg.defects or repaired:
        # The parser's defect class names mean nothing to a clerk: one plain sentence instead.
        out.errors.append(MALFORMED)
    try:
        _walk(msg, out, limits, depth=depth, forwarded=False, counter=[0])
    except Exception:  # a malformed structure must not lose the parts read so far
        out.parts.append(Part(part="attachment", kind="other", name="(rest van het bericht)",
                              error="bericht is beschadigd en kon niet volledig worden gelezen"))
    return out


HEADER_BLOCK_END = re.compile(rb"\r?\n\r?\n")
LONE_CR = re.compile(rb"\r(?!\n)")
STRAY_HEADER_LINE = re.compile(rb"(\n)(?![!-9;-~]+[ \t]*:|[ \t]|\r?\n|$)")


def repair_header_block(data: bytes) -> bytes:
    """Headers broken by a lone CR or a line that is no field (a wrapped address without its indent).

    The parser would end the headers there and read the rest of them, the MIME structure and the
    attachments' base64 as one plain-text body: nothing after it would be decoded. A lone CR in headers
    whose lines end in LF is dropped, and a stray line is read as the continuation of the field above it.
    """
    end = HEADER_BLOCK_END.search(data)
    if end is None or b"\n" not in data[:end.start() + 1]:
        return data  # no body, or CR-only line ends (old Mac mail): the parser copes
    head = LONE_CR.sub(b"", data[:end.start()])
    head = head[:1] + STRAY_HEADER_LINE.sub(rb"\1 ", head[1:]) if b"\n" in head else head
    return head + data[end.start():]


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
        protocol = str(_safe(lambda: part.get_param("protocol")) or "").lower()
        out.smime |= "pkcs7" in protocol
        out.pgp |= "pgp" in protocol
    elif ctype == "multipart/encrypted":
        out.pgp = out.encrypted = True
    if ctype.startswith("multipart/") and not part.is_multipart():
        part = _recover_multipart(part)
        ctype = part.get_content_type()
    elif part.get("content-type") is None and _opens_with_boundary(part):
        # The Content-Type line is lost (a gateway, a script): the body is MIME parts all the same.
        part.add_header("Content-Type", "multipart/mixed")
        part = _recover_multipart(part)
        ctype = part.get_content_type()
        if MALFORMED not in out.errors:
            out.errors.append(MALFORMED)
    if ctype == "message/rfc822" and _transfer_encoding(part) in ("base64", "quoted-printable"):
        _decode_embedded(part)
    if ctype == "message/rfc822" or (ctype.startswith("message/") and isinstance(part.get_payload(), list)):
        _nested_message(part, out, limits, depth=depth, counter=counter)
        return
    if part.is_multipart():
        children = part.get_payload()
        if ctype == "multipart/alternative" and isinstance(children, list):
            children = _preferred_alternative(children, out, limits, depth)
        for child in children if isinstance(children, list) else []:
            try:
                _walk(child, out, limits, depth=depth, forwarded=forwarded, counter=counter)
            except RecursionError:
                raise
            except Exception:  # malformed parameters (RFC 2231 pieces): this part is lost, not its siblings
                out.parts.append(Part(part="attachment", kind="other", name="(beschadigd deel)",
                                      error="deel van het bericht is beschadigd en kon niet worden gelezen",
                                      meta={"reason": "corrupt"}))
        return
    if ctype in ("application/pkcs7-mime", "application/x-pkcs7-mime"):
        out.smime = True
        content = signed_content(_payload(part))
        if content is not None:  # opaque-signed: the whole entity sits inside the signature
            _walk(email.message_from_bytes(content), out, limits, depth=depth, forwarded=forwarded, counter=counter)
            return
        smime_type = str(_safe(lambda: part.get_param("smime-type")) or "enveloped-data").lower()
        out.encrypted |= "enveloped" in smime_type
        if "signed" in smime_type:
            out.parts.append(Part(part="attachment", kind="other", name=header_text(_safe(part.get_filename)) or None,
                                  error="ondertekend S/MIME-bericht is beschadigd; inhoud niet gecontroleerd"))
        return
    if ctype in ("application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature",
                 "application/pgp-encrypted"):
        return
    # Parameters the standard library cannot decode (RFC 2231 pieces numbered and not) raise: no name then.
    filename = header_text(_safe(part.get_filename)) or None
    disposition = str(part.get("content-disposition") or "").split(";")[0].strip().lower()
    payload = _payload(part)
    if ctype in ("text/plain", "text/html") and not filename and disposition != "attachment":
        _body(payload, ctype, _safe(part.get_content_charset), out, forwarded=forwarded, limits=limits, depth=depth)
        return
    name = filename or f"naamloos.{ctype.split('/')[-1]}"
    out.parts.extend(document_part(payload, name, ctype, limits=limits, depth=depth + 1))


def _transfer_encoding(part: email.message.Message) -> str:
    return str(part.get("content-transfer-encoding", "")).strip().lower()


def _payload(part: email.message.Message) -> bytes:
    """The decoded payload, also when the transfer encoding is written with stray spaces (" base64 ")."""
    cte = part.get("content-transfer-encoding")
    if cte is not None and str(cte) != _transfer_encoding(part):
        part.replace_header("content-transfer-encoding", _transfer_encoding(part))
    raw = part.get_payload()
    if _transfer_encoding(part) == "quoted-printable" and isinstance(raw, str):
        # Trailing blanks after a soft line break ("= " at a line's end, added by gateways) are to be
        # dropped (RFC 2045 6.7); the decoder would keep "=" and the break, splitting a number in two.
        part.set_payload(QP_SOFT_BREAK.sub("=", raw))
    payload = part.get_payload(decode=True)
    payload = payload if isinstance(payload, bytes) else b""
    if _transfer_encoding(part) not in DECODED_ENCODINGS:
        payload = _unlabelled_base64(payload)
    return payload


QP_SOFT_BREAK = re.compile(r"=[ \t]+(?=\r?\n|$)")
DECODED_ENCODINGS = ("base64", "x-uuencode", "uuencode", "x-uue", "uue")  # quoted-printable leaves base64 as is
BASE64_BODY = re.compile(rb"\s*(?:[A-Za-z0-9+/]{16,76}\r?\n)*[A-Za-z0-9+/]{4,76}={0,2}\s*")
# One line of letters only is a word ("Bedanktvoordesnellereactie"), not base64, which holds digits too.
BASE64_SIGN = re.compile(rb"[0-9+/=]|\n\s*\S")


def _unlabelled_base64(payload: bytes) -> bytes:
    """Base64 sent with no, an unknown or a wrong transfer encoding ("7bit", "quoted-printable"): decoded, as
    mail clients guess it. Read as text it would be letters that hide what they encode. Only a payload
    made of nothing but full base64 lines that decodes cleanly counts."""
    if len(payload) < 24 or not BASE64_BODY.fullmatch(payload[:8 * 1024 * 1024]):
        return payload
    if not BASE64_SIGN.search(payload.strip()):
        return payload
    try:
        return binascii.a2b_base64(payload, strict_mode=False)
    except binascii.Error:
        return payload


def _opens_with_boundary(part: email.message.Message) -> bool:
    """A body that starts (after at most a short preamble) with a boundary line and a part's headers."""
    raw = part.get_payload()
    if not isinstance(raw, str):
        return False
    found = BOUNDARY_LINE.search(raw[:1024])
    return bool(found and f"--{found.group(1)}--" in raw)


def _recover_multipart(part: email.message.Message) -> email.message.Message:
    """A multipart whose boundary is missing or wrong: re-read it with the boundary its lines use.

    When no boundary line is found at all the whole payload is read as plain text (returns a text part).
    """
    raw = part.get_payload()
    raw = raw if isinstance(raw, str) else ""
    found = BOUNDARY_LINE.search(raw)
    if found and found.group(1) != part.get_boundary():
        ctype = part.get_content_type()
        fixed = email.message_from_string(f'Content-Type: {ctype}; boundary="{found.group(1)}"\n\n{raw}')
        if fixed.is_multipart():
            return fixed
    text = email.message.Message()
    text["Content-Type"] = "text/plain"
    for header in ("content-transfer-encoding",):
        if part.get(header):
            text[header] = str(part.get(header))
    if _safe(part.get_content_charset):
        text.set_param("charset", part.get_content_charset())
    text.set_payload(raw)
    return text


def _decode_embedded(part: email.message.Message) -> None:
    """A message/rfc822 part sent base64 or quoted-printable (Outlook does): parse the decoded message.

    The parser read the encoded text as if it were the message; serialising it back gives that text.
    """
    inner = part.get_payload()
    if not (isinstance(inner, list) and inner):
        return
    try:
        raw = inner[0].as_bytes().lstrip(b"\r\n")
        data = binascii.a2b_base64(raw) if _transfer_encoding(part) == "base64" else quopri.decodestring(raw)
    except Exception:  # not decodable: keep what the parser read
        return
    part.set_payload([email.message_from_bytes(data)])


def _html_images(html: str, out: Message, limits: Limits, depth: int) -> None:
    """The data: URI pictures of an HTML body as attachment parts (read by OCR like any picture)."""
    out.parts.extend(embedded_parts(data_images(html), None, limits, depth))


def _preferred_alternative(children: list, out: Message, limits: Limits, depth: int) -> list:
    """From alternatives take the plain text when it has content, else the richest one.

    Link targets live in the HTML alternative, so its links are read even when its text is not. A
    text/calendar alternative (an Outlook invitation) is kept as well: it holds the join link.
    """
    calendars = [c for c in children if c.get_content_type() == "text/calendar"]  # an invite: its own content
    children = [c for c in children if c.get_content_type() != "text/calendar"]
    plain = [c for c in children if c.get_content_type() == "text/plain"]
    others = [c for c in children if c.get_content_type() != "text/plain"]
    if plain and _payload(plain[0]).strip():
        for html in (p for c in others for p in c.walk() if p.get_content_type() == "text/html"):
            text = decode_text(_payload(html), _safe(html.get_content_charset))
            out.links.extend(html_to_text(text)[1])
            _html_images(text, out, limits, depth)
        # Pictures pasted into the HTML (multipart/related, as Apple Mail and Thunderbird send them) are
        # in no other alternative: a screenshot of a passport would go unread.
        pasted = [p for c in others if c.is_multipart() for p in c.walk()
                  if not p.is_multipart() and p.get_content_maintype() not in ("text", "multipart")]
        return plain[:1] + calendars + pasted
    return (others[-1:] if others else plain[:1]) + calendars


def _body(payload: bytes, ctype: str, charset: str | None, out: Message, *, forwarded: bool,
          limits: Limits = DEFAULT_LIMITS, depth: int = 0) -> None:
    if is_binary(payload):  # decoded anyway, binary noise makes up words that match lexicon terms
        out.parts.append(Part(part="body", kind="other", forwarded=forwarded, error=BINARY_MESSAGE,
                              meta={"reason": "binary"}))
        return
    # Mail on the wire has CRLF line ends; line-anchored patterns (the signature, the salutation) expect "\n".
    text = decode_text(payload, charset).replace("\r\n", "\n")
    if ctype == "text/html":
        _html_images(text, out, limits, depth)
        text, links = html_to_text(text)
        out.links.extend(links)
    truncated = len(text) > limits.max_chars  # reported like a cut-off document (UNSCANNABLE_ATTACHMENT)
    text = text[: limits.max_chars]
    text = squeeze_blank_lines(text)
    for match in UUENCODE.finditer(text):
        if not limits.take_document():
            out.parts.append(Part(part="attachment", kind="other", name=match.group("name").strip(),
                                  error=TOO_MANY_DOCUMENTS, meta={"reason": "too_large"}))
            break
        data = _uudecode(match.group("body"))
        if data is not None:
            out.parts.extend(document_part(data, match.group("name").strip(), None, limits=limits, depth=depth + 1))
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
    if truncated:
        out.parts[-1].meta["truncated"] = True


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
        parse = parse_eml if kind == "eml" else parse_msg
        inner = parse(data, name or f"bericht.{kind}", limits=limits, depth=depth)
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


def parse_msg(data: bytes, name: str | None = "message.msg", *, limits: Limits = DEFAULT_LIMITS,
              depth: int = 0) -> Message:
    """Parse an Outlook .msg with extract-msg (GPL-3.0, optional extra `msg`)."""
    try:
        import extract_msg
    except ImportError as exc:
        raise MsgUnavailable("Outlook-bericht (.msg) kan niet worden gelezen: installeer de extra 'msg'") from exc
    out = Message(input=name or "message.msg")
    try:
        msg = extract_msg.openMsg(data, delayAttachments=False,
                                  errorBehavior=extract_msg.enums.ErrorBehavior.SUPPRESS_ALL)
    except Exception:  # not an Outlook message, or corrupt
        out.parts.append(Part(part="attachment", kind="msg", name=name, size=len(data),
                              error="Outlook-bericht is beschadigd"))
        return out
    try:
        _fill_from_msg(msg, out, limits, depth)
    finally:
        try:
            msg.close()
        except Exception:  # closing a half-read OLE file may fail; nothing to keep
            pass
    return out


def _fill_from_msg(msg, out: Message, limits: Limits, depth: int = 0) -> None:
    sender_name, sender = parseaddr(_safe(lambda: msg.sender) or "")
    out.sender = sender.lower() or None
    out.sender_name = sender_name or None
    fields = {1: out.to, 2: out.cc, 3: out.bcc}
    for rec in _safe(lambda: msg.recipients) or []:
        addr = (_safe(lambda r=rec: r.email) or "").strip().lower()
        target = fields.get(int(_safe(lambda r=rec: r.type) or 1), out.to)
        name = (_safe(lambda r=rec: r.name) or "").strip()
        if name and "@" not in name:
            out.recipient_names.append(name)
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
        _body(body.encode("utf-8"), "text/plain", "utf-8", out, forwarded=False, limits=limits, depth=depth)
    else:
        html = _safe(lambda: msg.htmlBody)
        if html:
            _body(html if isinstance(html, bytes) else html.encode(), "text/html", None, out, forwarded=False,
                  limits=limits, depth=depth)
    for att in _safe(lambda: msg.attachments) or []:
        att_name = _safe(lambda a=att: a.longFilename or a.shortFilename or a.name) or "bijlage"
        if not limits.take_document():
            out.parts.append(Part(part="attachment", kind="other", name=att_name, error=TOO_MANY_DOCUMENTS,
                                  meta={"reason": "too_large"}))
            break
        payload = _safe(lambda a=att: a.data)
        if isinstance(payload, bytes):
            out.parts.extend(document_part(payload, att_name, _safe(lambda a=att: a.mimetype), limits=limits,
                                           depth=depth + 1))
        elif payload is not None and hasattr(payload, "subject"):
            if depth + 1 > limits.max_depth:
                out.parts.append(Part(part="attachment", kind="msg", name=att_name,
                                      error="bijgevoegde berichten zijn te diep genest"))
                continue
            nested = Message(input=att_name)
            _fill_from_msg(payload, nested, limits, depth + 1)
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
