"""Which pages to keep: `1,-2,-1` style specs and the beschikking rule."""

from __future__ import annotations

import re
from collections.abc import Sequence

BESCHIKKING = "beschikking"


class KeepPagesError(ValueError):
    """A keep-pages spec that cannot be applied; the message is for the sender."""


_ITEM = re.compile(r"^\s*(-?\d+)\s*(?:-\s*(-?\d+)\s*)?$")


def beschikking_keep(page_numbers: Sequence[int], total: int | None = None) -> list[int]:
    """THE pages of a beschikking to send, as the scan advises and redaction keeps them.

    Page 1 (who it is about) and the last two pages of the original (the afdoening, the
    rechtsgevolgen and the rechtsmiddelen): the handreiking's "de eerste en de laatste (2)
    pagina('s)" (documents.md §1). The decision often stands on the page before the remedies
    heading, so the last two are kept even when that heading opens the very last page.

    `page_numbers` are the original numbers of the pages present, in order (from "pagina x van y"
    footers, else 1..n); `total` is y (the original's length, else the last number present).
    Returns original page numbers among those present, sorted. A document of 1-3 pages is kept
    whole; an excerpt (page 1 and the last one or two) is already minimal and kept whole.
    """
    numbers = list(page_numbers)
    if not numbers:
        raise KeepPagesError("Het document heeft geen pagina's.")
    last = total or max(numbers)
    wanted = {1, max(1, last - 1), last}
    return sorted(p for p in set(numbers) if p in wanted) or [numbers[0]]


def beschikking_pages(n: int) -> list[int]:
    """`beschikking_keep` for a document of n pages numbered 1..n: page 1 and the last two."""
    if n < 1:
        raise KeepPagesError("Het document heeft geen pagina's.")
    return beschikking_keep(range(1, n + 1), n)


def positions(keep: Sequence[int], page_numbers: Sequence[int]) -> list[int]:
    """1-based positions in the file of the original page numbers `keep` (footer numbers)."""
    wanted = set(keep)
    return [i for i, number in enumerate(page_numbers, start=1) if number in wanted]


def _absolute(number: int, n: int, spec: str) -> int:
    if number == 0:
        raise KeepPagesError(f"Ongeldige pagina 0 in '{spec}': pagina's tellen vanaf 1 (of -1 voor de laatste).")
    page = number if number > 0 else n + 1 + number
    if not 1 <= page <= n:
        raise KeepPagesError(f"Pagina {number} in '{spec}' bestaat niet: het document heeft {n} pagina's.")
    return page


def parse_keep_pages(spec: str | Sequence[int] | None, n: int) -> list[int]:
    """Resolve a keep-pages spec against a document of n pages.

    `spec` is None (all pages), "beschikking", a string such as "1,-2,-1" or
    "1-3,-1" (negative numbers count from the end) or a sequence of such ints.
    The result is sorted, deduplicated, 1-based. Errors are KeepPagesError (a
    ValueError) with a message for the sender.
    """
    if n < 1:
        raise KeepPagesError("Het document heeft geen pagina's.")
    if spec is None:
        return list(range(1, n + 1))
    if isinstance(spec, str):
        if spec.strip().lower() == BESCHIKKING:
            return beschikking_pages(n)
        if not spec.strip():
            raise KeepPagesError("Lege paginaspecificatie: geef bijvoorbeeld '1,-2,-1' of '1-3'.")
        pages: set[int] = set()
        for item in spec.split(","):
            match = _ITEM.match(item)
            if not match:
                raise KeepPagesError(
                    f"Ongeldige paginaspecificatie '{spec}' bij '{item.strip()}': "
                    "gebruik getallen, bereiken en negatieve getallen vanaf het eind, "
                    "bijvoorbeeld '1,-2,-1' of '1-3'."
                )
            first = _absolute(int(match.group(1)), n, spec)
            if match.group(2) is None:
                pages.add(first)
                continue
            last = _absolute(int(match.group(2)), n, spec)
            if last < first:
                raise KeepPagesError(f"Bereik '{item.strip()}' in '{spec}' loopt achteruit ({first} > {last}).")
            pages.update(range(first, last + 1))
        return sorted(pages)
    numbers = list(spec)
    if not numbers:
        raise KeepPagesError("Lege paginalijst: houd minstens één pagina over.")
    text = ",".join(str(x) for x in numbers)
    result: set[int] = set()
    for number in numbers:
        if isinstance(number, bool) or not isinstance(number, int):
            raise KeepPagesError(f"Ongeldige pagina {number!r}: paginanummers zijn gehele getallen.")
        result.add(_absolute(number, n, text))
    return sorted(result)
