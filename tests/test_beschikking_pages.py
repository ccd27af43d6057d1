"""One advice, one truth: the pages the scan advises for a beschikking are the pages redaction keeps.

For beschikkingen of 2 to 20 pages, excerpts and partial copies, the scan's FULL_BESCHIKKING advice
(its text and its `keep_pages` suggestion) and `redact --beschikking` on the same PDF name the same
pages, all decided by redaction.pages.beschikking_keep.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from test_redaction import _helvetica, _save, _text_page
from test_rules_kit import beschikking_pages, context, message, pdf

from redaction import beschikking_keep
from redaction import beschikking_pages as plain_pages
from redaction.pages import positions
from redaction.verify import extract_text_pages
from scanner.redact import redact_document
from scanner.report import advice
from scanner.rules import evaluate

SUBJECT = "Mehmet Aydin"


def _pdf_file(path: Path, pages: list[str]) -> Path:
    document = pikepdf.new()
    font = _helvetica(document)
    for text in pages:
        _text_page(document, font, text.splitlines())
    path.write_bytes(_save(document))
    return path


def _scan_advice(pages: list[str]) -> tuple[list[int] | None, str, list[int]]:
    """(keep_pages suggestion or None, the advice line, the document's keep_pages) of a mail to COA."""
    from scanner.model import Recipient, Result
    from scanner.rules import verdict_of

    msg = message("bmw@ind.nl", ["opvang@coa.nl"], "Bijgaand de beschikking.",
                  attachments=[pdf("beschikking.pdf", pages)])
    ctx = context(msg)
    violations, suggestions = evaluate(ctx)
    keep = [s.details["pages"] for s in suggestions if s.action == "keep_pages"]
    result = Result(input="t.eml", message_id=None, verdict=verdict_of(violations), sender=None,
                    recipients=[Recipient(r.address, r.field, r.organisation, r.category) for r in ctx.recipients],
                    findings=[], violations=violations, suggestions=suggestions, errors=[], elapsed_ms=0)
    return (keep[0] if keep else None), advice(result), list(ctx.documents[-1].keep_pages)


def _kept_footers(out: Path) -> list[int]:
    """The "Pagina x van y" numbers of the redacted copy, read back by the independent extractor."""
    _extractor, texts = extract_text_pages(out.read_bytes())
    return [int(re.search(r"Pagina (\d+) van", t).group(1)) for t in texts]


def _named(advice_line: str) -> list[int]:
    match = re.search(r"pagina ([\d, en]+) van beschikking\.pdf", advice_line)
    assert match, advice_line
    return [int(x) for x in re.findall(r"\d+", match.group(1))]


@pytest.mark.parametrize("n", range(2, 21))
def test_advice_pages_equal_redaction_pages(n: int, tmp_path: Path) -> None:
    pages = beschikking_pages(n, SUBJECT)
    suggested, line, keep = _scan_advice(pages)
    expected = sorted({1, max(1, n - 1), n})
    assert keep == expected == beschikking_keep(range(1, n + 1), n) == plain_pages(n)
    if n > 3:  # FULL_BESCHIKKING fires: its suggestion and its advice text name the same pages
        assert suggested == expected and _named(line) == expected
    else:
        assert suggested is None
    src = _pdf_file(tmp_path / "beschikking.pdf", pages)
    report = redact_document(src, tmp_path / "kort.pdf", beschikking=True)
    assert report.pages_kept == expected
    assert _kept_footers(tmp_path / "kort.pdf") == expected


def test_five_pages_with_the_remedies_on_the_last_page_keeps_the_decision_page(tmp_path: Path) -> None:
    """Issue 20: scan said "pagina 1 en 5", redact kept 1, 4 and 5; page 4 held the decision."""
    pages = beschikking_pages(5, SUBJECT)
    pages[3] = pages[3].replace("Rechtsgevolgen", "Besluit")
    pages[4] = pages[4].replace("Rechtsmiddelen", "Rechtsgevolgen\nRechtsmiddelen")
    suggested, line, _keep = _scan_advice(pages)
    assert suggested == [1, 4, 5] and _named(line) == [1, 4, 5]
    report = redact_document(_pdf_file(tmp_path / "b.pdf", pages), tmp_path / "k.pdf", beschikking=True)
    assert report.pages_kept == [1, 4, 5]


@pytest.mark.parametrize("n", [4, 9, 14, 20])
def test_an_excerpt_is_already_minimal_and_kept_whole(n: int, tmp_path: Path) -> None:
    numbers = [1, n - 1, n]
    pages = beschikking_pages(n, SUBJECT, numbers=numbers)
    suggested, _line, keep = _scan_advice(pages)
    assert suggested is None and keep == numbers  # no FULL_BESCHIKKING; the advice's pages are the footers'
    out = tmp_path / "k.pdf"
    report = redact_document(_pdf_file(tmp_path / "uittreksel.pdf", pages), out, beschikking=True)
    assert report.pages_kept == [1, 2, 3] and _kept_footers(out) == numbers


def test_a_partial_copy_keeps_what_the_advice_names(tmp_path: Path) -> None:
    """Pages 1-6 of a 12-page beschikking: the end is missing, so only page 1 is advised and kept."""
    numbers = list(range(1, 7))
    pages = beschikking_pages(12, SUBJECT, numbers=numbers)
    suggested, line, keep = _scan_advice(pages)
    assert keep == [1] and suggested == [1] and _named(line) == [1]
    assert positions(keep, numbers) == [1]
    out = tmp_path / "k.pdf"
    redact_document(_pdf_file(tmp_path / "deel.pdf", pages), out, beschikking=True)
    assert _kept_footers(out) == [1]
