"""The signed content inside an opaque-signed S/MIME message (application/pkcs7-mime; signed-data).

Opaque signing wraps the whole MIME entity in a CMS SignedData structure: any mail client shows it,
so the scanner must read it too. Only the BER needed to reach the content is parsed here; the
signature itself is not checked.
"""

from __future__ import annotations

SIGNED_DATA = bytes.fromhex("06092a864886f70d010702")  # OID 1.2.840.113549.1.7.2
OCTET_STRING, OCTET_STRING_CONSTRUCTED = 0x04, 0x24


class BerError(ValueError):
    pass


def _header(data: bytes, pos: int) -> tuple[int, int, int | None]:
    """(tag, start of content, length or None when indefinite) of the element at pos."""
    if pos + 2 > len(data):
        raise BerError("truncated")
    tag, first = data[pos], data[pos + 1]
    if tag & 0x1F == 0x1F:
        raise BerError("high tag numbers are not used in CMS")
    pos += 2
    if first == 0x80:
        return tag, pos, None
    if first & 0x80:
        size = first & 0x7F
        if size > 4 or pos + size > len(data):
            raise BerError("bad length")
        length = int.from_bytes(data[pos:pos + size], "big")
        pos += size
    else:
        length = first
    if pos + length > len(data):
        raise BerError("truncated")
    return tag, pos, length


def _element(data: bytes, pos: int) -> tuple[int, int, int, int]:
    """(tag, content start, content end, position after it) of the element at pos."""
    tag, start, length = _header(data, pos)
    if length is not None:
        return tag, start, start + length, start + length
    end = start  # indefinite: the content runs up to two zero bytes
    while data[end:end + 2] != b"\0\0":
        if end >= len(data):
            raise BerError("indefinite element not closed")
        end = _element(data, end)[3]
    return tag, start, end, end + 2


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """(tag, content start, content end) of each element inside a constructed one."""
    out: list[tuple[int, int, int]] = []
    while start < end:
        tag, content, stop, start = _element(data, start)
        out.append((tag, content, stop))
    return out


def _octets(data: bytes, tag: int, start: int, end: int) -> bytes:
    if tag == OCTET_STRING:
        return data[start:end]
    if tag == OCTET_STRING_CONSTRUCTED:  # BER splits a streamed string into chunks
        return b"".join(_octets(data, *child) for child in _children(data, start, end))
    raise BerError("content is not an octet string")


def signed_content(data: bytes) -> bytes | None:
    """The encapsulated content of a CMS SignedData, or None when data is not one (e.g. encrypted)."""
    try:
        _, start, end, _ = _element(data, 0)
        info = _children(data, start, end)  # ContentInfo: contentType, [0] content
        if len(info) < 2 or data[info[0][1] - 2:info[0][2]] != SIGNED_DATA:
            return None
        signed = _children(data, *info[1][1:])[0]  # [0] EXPLICIT SignedData
        fields = _children(data, *signed[1:])  # version, digestAlgorithms, encapContentInfo, ...
        encap = _children(data, *fields[2][1:])
        if len(encap) < 2:
            return None  # detached signature: the content travels beside it
        wrapped = _children(data, *encap[1][1:])[0]  # [0] EXPLICIT eContent
        return _octets(data, *wrapped)
    except (BerError, IndexError, RecursionError):
        return None
