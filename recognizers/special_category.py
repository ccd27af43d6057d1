"""Recognizes special categories of personal data (AVG art. 9) by the lexicon, per subcategory."""

from __future__ import annotations

from recognizers.lexicon import LexiconRecognizer


class SpecialCategoryRecognizer(LexiconRecognizer):
    """
    Recognizes Dutch terms for the special categories of AVG art. 9.

    Subcategories (in `recognition_metadata["subcategory"]`): ethnicity, political,
    religion, trade_union, genetic, biometric, health, sexual_orientation; the terms are
    in `recognizers/data/lexicon/<subcategory>.toml` (lexicon.md §1-8). Each result says
    whether it is linked to a data subject (`linked`) and which lexicon term matched
    (`term`); see `recognizers.lexicon.find_terms`.
    """

    ENTITY = "SPECIAL_CATEGORY"
