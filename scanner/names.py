"""Is a name found in the text one person's name in another form? ("R. Ahmadi", "AHMADI, Reza").

Used by the analysis (the sender and the recipients are no data subjects, whatever form their
name takes in a report they wrote) and by redaction (the data subject's name in every form).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

NAME_LABEL = re.compile(r"^\s*(?:naam|name|achternaam|voornamen?|betrokkene|de\s+heer|dhr|mevrouw|mevr|mw|mr|mrs)"
                        r"\b\.?\s*:?\s*", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """Lower case without diacritics. Cached: the same few header-name words are folded for every
    PERSON found in a mail, and the same names recur across mails."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def name_words(text: str) -> list[str]:
    """"Naam: Reza AHMADI" -> ["reza", "ahmadi"]; "R.J. Ahmadi" -> ["r", "j", "ahmadi"]."""
    return re.findall(r"[^\W\d_]+", _fold(NAME_LABEL.sub("", text)))


def same_name(text: str, words: Iterable[str]) -> bool:
    """"R. Ahmadi", "AHMADI, Reza" and "Naam: Reza Ahmadi" are forms of the name with `words` {reza, ahmadi}.

    Each full word of `text` must be one of `words`; each initial must start one of them (an initial
    in `words`, "S." of "mr. S. Dekker", starts itself). A relative with the same surname and another
    first name or initial ("Sara Ahmadi", "S. Ahmadi") is someone else.
    """
    return same_name_as_any(text, (words,))


def same_name_as_any(text: str, names: Iterable[Iterable[str]]) -> bool:
    """Whether `text` is a form of any of `names` (word sets, see `same_name`).

    The words of `text` are read once, not once per name: the analysis checks every PERSON found
    against the sender and each recipient.
    """
    found = name_words(text)
    full = {w for w in found if len(w) > 1}
    if not full:  # a name with no full word is no form of any name
        return False
    initials = {w for w in found if len(w) == 1}
    for words in names:
        words = frozenset(w for w in map(_fold, words) if w)  # a lone combining mark folds to nothing
        firsts = {w[0] for w in words}
        if full and full <= words and initials <= firsts:
            return True
    return False
