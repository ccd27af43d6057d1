"""Recognizes a client number of the COA, DT&V or IND, only where a label names it."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

from recognizers.engine import REGEX_FLAGS

_LABEL = (
    r"(?i:\b(?:(?:ind|coa|dt&v|dtv)[- ]?)?(?:klant|cli[eë]nt|relatie)(?:nummer|nr\.?)"
    r"|\bkl\.?[ ]?nr\.?|\b(?:ind|coa|dt&v|dtv)-?(?:nummer|nr\.?))"
    r"(?:[ ](?:IND|COA|DT&V|DTV))?"
)


class KlantnummerRecognizer(PatternRecognizer):
    """
    Recognizes a client number of a chain organisation (COA, DT&V, IND).

    These numbers are assigned by each organisation's own case system and have
    no published format: 5 to 10 digits, sometimes after a letter prefix
    ("K-123456"). Without a label they are indistinguishable from any other
    number, so only a labelled number ("klantnummer", "COA-nummer", "kl.nr",
    "cliëntnummer", "relatienummer", "DT&V-nummer", "IND-nummer") is reported.
    """

    COUNTRY_CODE = "nl"

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Klantnummer (labelled)",
            r"(?=[A-Z\d])(?<=" + _LABEL + r"[ \t]{0,3}[:#]?[ \t]{0,3})(?:[A-Z]{1,3}[- ]?)?\d{5,10}(?![\w]|[.,/-]\d)",
            0.85,
        ),
    ]

    CONTEXT: ClassVar[list[str]] = [
        "klantnummer",
        "cliëntnummer",
        "clientnummer",
        "relatienummer",
        "coa-nummer",
        "dt&v-nummer",
    ]

    def __init__(
        self,
        patterns: list[Pattern] | None = None,
        context: list[str] | None = None,
        supported_language: str = "nl",
        supported_entity: str = "KLANTNUMMER",
        name: str | None = None,
    ) -> None:
        super().__init__(
            supported_entity=supported_entity,
            patterns=patterns if patterns else self.PATTERNS,
            context=context if context else self.CONTEXT,
            supported_language=supported_language,
            name=name,
            global_regex_flags=REGEX_FLAGS,
        )
