"""Recognizes the content of an asylum account (asielrelaas) by the lexicon."""

from __future__ import annotations

from recognizers.lexicon import LexiconRecognizer


class AsylumMotiveRecognizer(LexiconRecognizer):
    """
    Recognizes Dutch terms for asylum motives: the account, fear of persecution, what
    happened to the person and who threatened them (lexicon.md §10,
    `recognizers/data/lexicon/asylum_motive.toml`). Procedural words (asielaanvraag,
    beschikking, vertrektermijn) are not motives. Each result says whether it is linked to
    a data subject (`recognition_metadata["linked"]`) and which term matched (`term`).
    """

    ENTITY = "ASYLUM_MOTIVE"
