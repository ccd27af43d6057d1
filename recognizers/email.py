"""Recognizes e-mail addresses in a message body or document, without any network look-up."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from recognizers.base import DutchPatternRecognizer

_LOCAL = r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
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
            r"(?<![\w.!#$%&'*+/=?^`{|}~@-])" + _LOCAL + r"@(?:" + _LABEL + r"\.)+" + _TLD + r"(?![\w-]|\.[^\W_])",
            0.5,
        ),
    ]

    REQUIRES: ClassVar[dict[str, str]] = {PATTERNS[0].name: "@"}

    CONTEXT: ClassVar[list[str]] = ["e-mail", "email", "mail", "mailadres"]

    MAX_LENGTH = 254

    def validate_result(self, pattern_text: str) -> bool:
        """Confirm lengths RFC 5321 allows: 64 for the local part, 254 for the whole address."""
        local = pattern_text.rpartition("@")[0]
        return len(local) <= 64 and len(pattern_text) <= self.MAX_LENGTH
