"""Recognizes e-mail addresses in a message body or document, without any network look-up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import regex
from presidio_analyzer import Pattern

from recognizers.base import DutchPatternRecognizer

# RFC 5322 also allows "/", "?", "=" and "&" in a local part, which no mailbox here uses and every URL holds:
# "https://x.nl/afmelden?u=jan@ind.nl" names the address jan@ind.nl, not "//x.nl/afmelden?u=jan@ind.nl".
_LOCAL = r"[\w!#$%'*+^`{|}~-]+(?:\.[\w!#$%'*+^`{|}~-]+)*"
_LABEL = r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?)"
_TLD = r"(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{2,59})"


class EmailRecognizer(DutchPatternRecognizer):
    """
    Recognizes an e-mail address.

    Format: the addr-spec of RFC 5322 (section 3.4.1) in its common dot-atom
    form, with internationalised labels (RFC 6531) and punycode top-level
    domains (RFC 3490). Instead of a public-suffix download (tldextract) the
    domain needs at least two labels, no label longer than 63 characters and a
    top-level domain of letters or "xn--" punycode; the local part may not start
    or end with a dot or hold two in a row.
    """

    ENTITY = "EMAIL_ADDRESS"

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "E-mail address (RFC 5322 dot-atom)",
            r"(?<![\w.!#$%'*+^`{|}~@-])" + _LOCAL + r"@(?:" + _LABEL + r"\.)+" + _TLD + r"(?![\w-]|\.[^\W_])",
            0.5,
        ),
    ]

    CONTEXT: ClassVar[list[str]] = ["e-mail", "email", "mail", "mailadres"]

    MAX_LENGTH = 254

    # White space: no character of an address (\s and \w are apart), and neither the look-behind nor the
    # look-ahead of the pattern can hold one; searched backwards (regex's REVERSE) for a word's start.
    SPACE = regex.compile(r"\s")
    SPACE_BEFORE = regex.compile(r"(?r)\s")

    def search_spans(self, pattern: Pattern, text: str) -> Iterator[tuple[int, int]]:
        """The words (runs without white space) that hold an "@": an address lies within one of them.

        The pattern is tried at every word start of the text, a cost per character; the words with an
        "@" are a few dozen characters. At a word's edges the look-arounds decide as in the whole text:
        the white space beyond an edge, like the end of the searched stretch, is no character they refuse.
        """
        at = text.find("@")
        while at != -1:
            before = self.SPACE_BEFORE.search(text, 0, at)
            after = self.SPACE.search(text, at)
            start, end = before.end() if before else 0, after.start() if after else len(text)
            yield start, end
            at = text.find("@", end)

    def validate_result(self, pattern_text: str) -> bool:
        """Confirm lengths RFC 5321 allows: 64 for the local part, 254 for the whole address."""
        local = pattern_text.rpartition("@")[0]
        return len(local) <= 64 and len(pattern_text) <= self.MAX_LENGTH
