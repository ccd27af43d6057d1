"""Limits that keep a hostile or huge input from exhausting a scan."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_part_bytes: int = 50 * 1024 * 1024  # one attachment
    max_message_bytes: int = 150 * 1024 * 1024
    max_pages: int = 1000  # pages read from one PDF
    max_chars: int = 5_000_000  # text kept from one part
    max_zip_members: int = 200
    max_zip_total: int = 200 * 1024 * 1024  # uncompressed bytes read from one archive
    max_zip_ratio: int = 200  # compression ratio above which a member counts as a bomb
    max_depth: int = 4  # nesting of zip / message/rfc822 / msg
    max_parts: int = 500  # MIME parts walked in one message
    max_part_seconds: float = 60.0  # reading one document; the rest is reported as not checked


DEFAULT_LIMITS = Limits()
