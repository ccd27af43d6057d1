"""Limits that keep a hostile or huge input from exhausting a scan."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace


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
    max_documents: int = 1000  # documents read from one message: attachments, archive members, embedded files
    max_part_seconds: float = 60.0  # reading one document; the rest is reported as not checked
    max_message_seconds: float = 60.0  # ingest, OCR and analysis of one message (policy [limits] message_seconds)
    ocr_page_seconds: float = 30.0  # Tesseract on one page or image; over it the page is reported as not read
    ocr_dpi: int = 200  # resolution at which image-only PDF pages are rendered for OCR
    ocr_min_side: int = 200  # images smaller than this (pixels, longest side) are icons or logos: no OCR
    deadline: float | None = None  # time.monotonic() by which the whole message must be read (set per message)
    # Documents read so far, shared by the copies of one message's limits (set by start()).
    tally: list[int] | None = field(default=None, compare=False, repr=False)

    def start(self) -> Limits:
        """These limits with the message's deadline set from now and its document count at zero, unless
        they are set already."""
        if self.deadline is not None and self.tally is not None:
            return self
        deadline = self.deadline if self.deadline is not None else time.monotonic() + self.max_message_seconds
        return replace(self, deadline=deadline, tally=[0])

    def take_document(self) -> bool:
        """Count one more document of the message: False once `max_documents` are read or its time is
        up. A 600 KB zip of zips of zips held 3.4 million files (22 GB and minutes to list them all)."""
        if self.tally is None:
            return True
        self.tally[0] += 1
        return self.tally[0] <= self.max_documents and self.left() > 0

    def left(self) -> float:
        """Seconds left of the message's budget (the whole budget when no deadline is set)."""
        if self.deadline is None:
            return self.max_message_seconds
        return self.deadline - time.monotonic()

    @classmethod
    def from_policy(cls, policy, budget: float | None = None) -> Limits:
        """Default limits with the policy's time budget per message, or a caller's shorter `budget`
        (a front end whose own deadline is nearer: the hook answers within its timeout)."""
        seconds = (policy.data.get("limits") or {}).get("message_seconds")
        seconds = float(seconds) if seconds else cls.max_message_seconds
        if budget is not None:
            seconds = min(seconds, max(budget, 1.0))
        return cls(max_message_seconds=seconds)


DEFAULT_LIMITS = Limits()
