"""The tool's own output carries no personal data unless asked: attachment names are masked too.

Staff name files after the person ("verwijzing_Hassan.pdf", "V2711093342_beschikking.pdf"), so
an attachment name printed as is would leak the very data the report masks. Without `--reveal`
a word of an attachment name is masked when it is a name found in the message or a listed
first name or surname, and a run of six or more digits always.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from scanner.model import Finding, mask

_TOKEN = re.compile(r"[^\W\d_]+|\d+")
MIN_DIGITS = 6  # V-nummer, BSN, klantnummer, date: never shown
MIN_NAME = 3


def found_name_words(findings: Iterable[Finding]) -> frozenset[str]:
    """The words of every name found in the message, lower case."""
    return frozenset(w.lower() for f in findings if f.entity == "PERSON" for w in _TOKEN.findall(f.text)
                     if not w.isdigit() and len(w) >= 2)


def mask_file_name(name: str, names: frozenset[str] = frozenset()) -> str:
    """`verwijzing_Hassan.pdf` -> `verwijzing_H*****.pdf`; words that are no names stay."""
    from recognizers.person import default_lexicon

    lexicon = default_lexicon()

    def one(match: re.Match[str]) -> str:
        word = match.group(0)
        if word.isdigit():
            return mask(word, "V_NUMBER") if len(word) >= MIN_DIGITS else word
        low = word.lower()
        listed = (len(word) >= MIN_NAME and lexicon.is_listed(word) and low not in lexicon.ambiguous
                  and not lexicon.is_common_word(word))
        return mask(word, "PERSON") if low in names or listed else word

    return _TOKEN.sub(one, name)


def message_id_digest(message_id: str | None) -> str | None:
    """sha256 (hex) of a Message-ID with its white space folded: what logs and state files keep instead
    of the id itself. The hook's decision log and the audit's CSV use this same digest (the audit a
    prefix of it), so a privacy officer can match a logged decision to an audited mail."""
    if not message_id or not message_id.strip():
        return None
    return hashlib.sha256(" ".join(message_id.split()).encode("utf-8", "surrogateescape")).hexdigest()
