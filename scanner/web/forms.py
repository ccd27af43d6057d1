"""Multipart uploads read into memory only, with the policy's limits enforced while they stream in.

Starlette's own form parser spools files over 1 MiB to a temporary file on disk, where another
process could read them; the web page promises that an upload never leaves this process's memory.
So the body is fed to python-multipart's streaming parser and every part is kept in a bytearray,
and an upload over the limit is refused as soon as it passes it (not after it was read whole).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

MAX_FIELD_BYTES = 64 * 1024  # a text field (addresses, page lists)
FORM_OVERHEAD = 1024 * 1024  # headers and text fields on top of the files


class FormError(Exception):
    """A request whose body cannot be accepted; `message` is Dutch and holds no personal data."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Upload:
    name: str
    data: bytes


@dataclass
class Form:
    files: list[Upload] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[-1] if values else default

    def all(self, name: str) -> list[str]:
        return [v for v in self.fields.get(name, []) if v.strip()]


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n} bytes"


async def read_form(request: Request, *, max_file_bytes: int, max_files: int, file_field: str = "file") -> Form:
    """The multipart form of `request`, files in memory; FormError (413/415/400) when it breaks the limits."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise FormError(415, "Stuur de bestanden als multipart/form-data (veld 'file').")
    too_large = FormError(413, f"Een bestand is groter dan {_mib(max_file_bytes)}; dat is het maximum.")
    limit = max_files * max_file_bytes + FORM_OVERHEAD
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_large

    form = Form()
    current: dict = {}
    header_name = bytearray()
    header_value = bytearray()

    def on_part_begin() -> None:
        current.clear()
        current.update(headers={}, data=bytearray())

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_name.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        current["headers"][bytes(header_name).lower()] = bytes(header_value)
        header_name.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(current["headers"].get(b"content-disposition", b""))
        current["field"] = disposition.get(b"name", b"").decode("utf-8", "replace")
        filename = disposition.get(b"filename")
        current["filename"] = None if filename is None else filename.decode("utf-8", "replace")
        if current["filename"] is not None:
            if current["field"] != file_field and current["filename"]:
                raise FormError(400, f"Bestanden horen in het veld '{file_field}'.")
            if len(form.files) >= max_files:
                raise FormError(413, f"Te veel bestanden: hooguit {max_files} per keer.")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        buffer: bytearray = current["data"]
        buffer.extend(data[start:end])
        if current["filename"] is not None:
            if len(buffer) > max_file_bytes:
                raise too_large
        elif len(buffer) > MAX_FIELD_BYTES:
            raise FormError(413, f"Het veld '{current['field']}' is te lang.")

    def on_part_end() -> None:
        data = bytes(current["data"])
        if current["filename"] is None:
            form.fields.setdefault(current["field"], []).append(data.decode("utf-8", "replace"))
        # A browser sends an empty part without a name for "no file chosen": not a file.
        elif current["field"] == file_field and (current["filename"] or data):
            name = current["filename"].replace("\\", "/").rsplit("/", 1)[-1] or "bestand"
            form.files.append(Upload(name=name, data=data))

    parser = MultipartParser(boundary, {
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    })
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise too_large
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError:
        raise FormError(400, "Het formulier is beschadigd of onvolledig verzonden.") from None
    except ClientDisconnect:
        raise FormError(400, "De verbinding werd verbroken tijdens het versturen.") from None
    return form
