"""One way to find a target in text, shared by the engines and the verifier.

Matching is case-, accent- and whitespace-insensitive: "1234 567 890" is found
as "1234567890" and as "1234-567-890", a name split over two lines is found.
Engines and verifier use the same rules, so whatever the verifier would flag
the engines would have removed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from redaction.model import Target

# Characters extractors emit inside words: soft hyphen, zero-width marks,
# pdfium's generated hyphen (0x02) and its "no character" marker.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\x02\ufffe"
_TEXT_GAP = r"[\s" + _INVISIBLE + r"]*"
_DIGIT_GAP = r"[\s" + _INVISIBLE + r".\-/]*"
MIN_TARGET_CHARS = 2


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    if ch.isascii():
        return ch
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def normalise(text: str) -> str:
    """Compatibility-decomposed text without accents (ligatures split, "é" -> "e")."""
    return "".join(_fold(ch) for ch in text)


def _significant(text: str) -> str:
    return "".join(ch for ch in normalise(text) if not ch.isspace() and ch not in _INVISIBLE)


def is_digit_like(text: str) -> bool:
    """True for numbers such as V-nummers, BSNs and IBANs (at least half digits, 4 or more)."""
    compact = [ch for ch in text if ch.isalnum()]
    digits = sum(ch.isdigit() for ch in compact)
    return digits >= 4 and digits * 2 >= len(compact)


@dataclass(frozen=True)
class Needle:
    """A compiled target."""

    target: Target
    pattern: re.Pattern[str]


def compile_target(target: Target) -> Needle | None:
    """The search pattern of a target, or None when it is too short to search safely."""
    chars = _significant(target.text)
    if is_digit_like(chars):
        chars = "".join(ch for ch in chars if ch.isalnum())
        gap = _DIGIT_GAP
    else:
        gap = _TEXT_GAP
    if len(chars) < MIN_TARGET_CHARS:
        return None
    return Needle(target, re.compile(gap.join(re.escape(ch) for ch in chars), re.IGNORECASE))


class Haystack:
    """Text prepared for searching, mapping matches back to indices of the original text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.normalised = text if text.isascii() else "".join(map(_fold, text))
        self._index: list[int] | None = None

    def _original(self, position: int) -> int:
        if self.normalised is self.text:
            return position
        if self._index is None:
            self._index = [i for i, ch in enumerate(self.text) for _ in _fold(ch)]
        return self._index[position]

    def spans(self, needle: Needle) -> list[tuple[int, int]]:
        """(start, end) of every match, as indices into the original text."""
        return [
            (self._original(m.start()), self._original(m.end() - 1) + 1)
            for m in needle.pattern.finditer(self.normalised)
            if m.end() > m.start()
        ]

    def contains(self, needle: Needle) -> bool:
        return needle.pattern.search(self.normalised) is not None


def find_all(text: str, needles: Sequence[Needle]) -> list[tuple[int, int, int]]:
    """(start, end, needle index) of every match of every needle in text."""
    haystack = Haystack(text)
    return [
        (start, end, number)
        for number, needle in enumerate(needles)
        for start, end in haystack.spans(needle)
    ]
