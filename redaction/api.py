"""Entry points: redact a PDF or DOCX given as bytes or as a file, verify, report."""

from __future__ import annotations

import os
import secrets
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from redaction import pdf_mupdf, pdf_raster
from redaction.matching import Needle, compile_target
from redaction.model import RedactionError, RedactionVerificationError, Report, Target, Verification, mask
from redaction.pages import KeepPagesError, parse_keep_pages
from redaction.pdf_sanitise import EngineResult, keep_outline, open_pdf, read_outline, strip_and_save, take_inventory
from redaction.verify import verify_docx, verify_pdf
from redaction.wordml import ENGINE as DOCX_ENGINE
from redaction.wordml import redact_docx

AUTO = "auto"


class UnknownEngineError(ValueError):
    """The engine name is not one of auto, pymupdf, raster."""


KeepPages = str | Sequence[int] | None


def available_engines() -> list[str]:
    """PDF engines usable in this installation, preferred first."""
    engines = []
    if pdf_mupdf.available():
        engines.append(pdf_mupdf.ENGINE)
    if pdf_raster.available():
        engines.append(pdf_raster.ENGINE)
    return engines


def _choose_engine(engine: str) -> str:
    engines = available_engines()
    if engine == AUTO:
        if not engines:
            raise RedactionError("Geen PDF-engine beschikbaar: installeer pypdfium2 (of PyMuPDF).")
        return engines[0]
    if engine not in (pdf_mupdf.ENGINE, pdf_raster.ENGINE):
        choices = f"{AUTO}, {pdf_mupdf.ENGINE} of {pdf_raster.ENGINE}"
        raise UnknownEngineError(f"Onbekende engine '{engine}': kies {choices}.")
    if engine not in engines:
        raise RedactionError(f"Engine '{engine}' is niet geïnstalleerd.")
    return engine


def detect_format(data: bytes, filename: str = "") -> str:
    """'pdf' or 'docx'; RedactionError for anything else (including encrypted Office files)."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        if filename.lower().endswith((".docx", ".docm")):
            raise RedactionError("Het Word-bestand is met een wachtwoord versleuteld. Verwijder de beveiliging eerst.")
        raise RedactionError("Oude Office-formaten (.doc) worden niet ondersteund; sla op als .docx of PDF.")
    if not data:
        raise RedactionError("Het bestand is leeg.")
    suffix = Path(filename).suffix.lower()
    if suffix == ".pdf":
        raise RedactionError("Het bestand heet .pdf maar is geen geldige PDF.")
    raise RedactionError(f"Bestandstype {suffix or '(onbekend)'} wordt niet ondersteund: alleen PDF en DOCX.")


def _compile(targets: Sequence[Target], report: Report) -> list[Needle]:
    needles = []
    for target in targets:
        needle = compile_target(target)
        if needle is None:
            report.warnings.append(f"doel {target.entity} ({mask(target.text)}) is te kort om veilig te zoeken")
        else:
            needles.append(needle)
    return needles


def _tally(report: Report, needles: Sequence[Needle], hits: Counter[int]) -> None:
    removed: Counter[str] = Counter()
    masked: dict[str, set[str]] = {}
    for number, needle in enumerate(needles):
        target = needle.target
        if hits[number]:
            removed[target.entity] += hits[number]
            masked.setdefault(target.entity, set()).add(mask(target.text))
        elif report.pages_kept is None or target.page is None or target.page in report.pages_kept:
            report.not_found.append({"entity": target.entity, "masked": mask(target.text), "page": target.page})
    report.removed = dict(sorted(removed.items()))
    report.removed_masked = {entity: sorted(values) for entity, values in sorted(masked.items())}


def _redact_mupdf(data: bytes, kept: list[int], needles: Sequence[Needle]) -> EngineResult:
    """PyMuPDF first; then pdfium looks again and rasterises any page where it still reads a target.

    pdfium also reads text MuPDF leaves out (for instance text placed outside
    the visible page), which MuPDF cannot remove because it does not see it.
    """
    result = pdf_mupdf.redact_pages(data, kept, needles)
    if not pdf_raster.available():
        return result
    position = {page: index for index, page in enumerate(kept, start=1)}
    remapped = [
        Needle(replace(n.target, page=position.get(n.target.page, 0) if n.target.page else None), n.pattern)
        for n in needles
    ]
    second = pdf_raster.redact_pages(result.pdf, result.data, list(range(1, len(kept) + 1)), remapped)
    result.hits.update(second.hits)
    result.rasterised = second.rasterised
    return result


def _redact_pdf(
    data: bytes, targets: Sequence[Target], keep_pages: KeepPages, engine: str
) -> tuple[bytes, Report]:
    chosen = _choose_engine(engine)
    report = Report(format="pdf", engine=chosen)
    needles = _compile(targets, report)
    source = open_pdf(data)
    with source:
        kept = parse_keep_pages(keep_pages, len(source.pages))
        inventory = take_inventory(source, data, kept)
        outline = read_outline(data)
        outline_kept = keep_outline(outline, kept, needles)
        if chosen == pdf_mupdf.ENGINE:
            result = _redact_mupdf(data, kept, needles)
        else:
            result = pdf_raster.redact_pages(source, data, kept, needles)
        with result.pdf:
            output = strip_and_save(result.pdf, outline_kept, needles)
    report.pages_in_input = inventory.pages
    report.pages_kept = kept
    report.pages_in_output = len(kept)
    report.metadata_removed = inventory.metadata
    report.annotations_removed = inventory.annotations
    report.embedded_files_removed = inventory.embedded_files
    report.javascript_removed = inventory.javascript
    report.outline_items_removed = len(outline) - len(outline_kept)
    report.earlier_revisions_removed = inventory.earlier_revisions
    report.rasterised_pages = result.rasterised
    _tally(report, needles, result.hits)
    page_map = {page: position for position, page in enumerate(kept, start=1)}
    report.verification = verify_pdf(output, targets, expected_pages=len(kept), page_map=page_map)
    return output, report


def _redact_docx(data: bytes, targets: Sequence[Target], keep_pages: KeepPages) -> tuple[bytes, Report]:
    if keep_pages is not None:
        raise RedactionError("Pagina's kiezen kan alleen bij PDF; een Word-document heeft geen vaste pagina's.")
    report = Report(format="docx", engine=DOCX_ENGINE)
    needles = _compile(targets, report)
    result = redact_docx(data, needles)
    report.metadata_removed = result.metadata
    report.comments_removed = result.comments
    report.tracked_changes_resolved = dict(result.revisions)
    report.parts_removed = result.parts_removed
    report.warnings.extend(result.warnings)
    _tally(report, needles, result.hits)
    report.verification = verify_docx(result.data, targets)
    return result.data, report


def redact_bytes(
    data: bytes,
    filename: str,
    targets: Sequence[Target],
    keep_pages: KeepPages = None,
    *,
    engine: str = AUTO,
) -> tuple[bytes, Report]:
    """Redact a PDF or DOCX held in memory; `filename` only helps to recognise the type.

    Raises RedactionError (unreadable, encrypted, unsupported) or
    RedactionVerificationError (the copy still holds a target; no copy is returned).
    ValueError for a bad `keep_pages` spec or engine name.
    """
    started = time.perf_counter()
    kind = detect_format(data, filename)
    try:
        if kind == "pdf":
            output, report = _redact_pdf(data, targets, keep_pages, engine)
        else:
            output, report = _redact_docx(data, targets, keep_pages)
    except (RedactionError, KeepPagesError, UnknownEngineError):
        raise
    except Exception as exc:
        # Parsers of damaged files fail in many ways; the sender gets a reason, not a traceback.
        raise RedactionError(
            f"Het bestand kon niet worden geanonimiseerd: het is beschadigd of wordt niet ondersteund "
            f"({type(exc).__name__})."
        ) from exc
    report.elapsed_ms = (time.perf_counter() - started) * 1000
    verification = report.verification
    if verification is None or not verification.passed:
        problems = "; ".join(verification.problems) if verification else "geen controle uitgevoerd"
        raise RedactionVerificationError(
            f"De geanonimiseerde kopie is afgekeurd en niet opgeslagen: {problems}",
            verification or Verification(False, "geen"),
            report,
        )
    return output, report


def redact_file(
    src: Path | str,
    out: Path | str,
    targets: Sequence[Target],
    keep_pages: KeepPages = None,
    *,
    engine: str = AUTO,
) -> Report:
    """Redact `src` into `out`. `out` is written only after the copy passed verification."""
    source = Path(src)
    destination = Path(out)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise RedactionError(f"Het bestand kon niet worden gelezen ({exc.strerror or type(exc).__name__}).") from exc
    output, report = redact_bytes(data, source.name, targets, keep_pages, engine=engine)
    temporary = destination.with_name(f".{destination.name}.{secrets.token_hex(6)}.tmp")
    try:
        with temporary.open("xb") as stream:
            stream.write(output)
        os.replace(temporary, destination)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise RedactionError(f"De kopie kon niet worden geschreven ({exc.strerror or type(exc).__name__}).") from exc
    return report
