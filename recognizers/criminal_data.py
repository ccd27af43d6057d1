"""Recognizes personal data on criminal convictions and offences (AVG art. 10) by the lexicon."""

from __future__ import annotations

from recognizers.lexicon import LexiconRecognizer


class CriminalDataRecognizer(LexiconRecognizer):
    """
    Recognizes Dutch terms for criminal data: convictions, offences, suspicion, arrest,
    sentences, and the nuisance measures the UAVG counts with them (lexicon.md §9,
    `recognizers/data/lexicon/criminal.toml`). Each result says whether it is linked to a
    data subject (`recognition_metadata["linked"]`) and which term matched (`term`).
    """

    ENTITY = "CRIMINAL_DATA"
