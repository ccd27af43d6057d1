"""Targets, the redaction report, masking and the errors of the redaction package."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class RedactionError(Exception):
    """A file could not be redacted; `reason` is a message for the sender (Dutch)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RedactionVerificationError(RedactionError):
    """The written copy still contains a target or metadata; nothing was written."""

    def __init__(self, reason: str, verification: Verification, report: Report | None = None) -> None:
        super().__init__(reason)
        self.verification = verification
        self.report = report


@dataclass(frozen=True)
class Target:
    """A string to black out, on a 1-based page of the ORIGINAL document or anywhere (None)."""

    text: str
    entity: str
    page: int | None = None


def mask(value: str) -> str:
    """Masked form of a value: digits keep the first and last two, words their first letter.

    >>> mask("1234 567 890")
    '12******90'
    >>> mask("Tesfay Gebremedhin")
    'T*'
    """
    compact = "".join(ch for ch in value if ch.isalnum())
    if not compact:
        return "*"
    digits = sum(ch.isdigit() for ch in compact)
    if digits * 2 >= len(compact):
        if len(compact) <= 4:
            return "*" * len(compact)
        return compact[:2] + "*" * (len(compact) - 4) + compact[-2:]
    return compact[0] + "*"


@dataclass
class Verification:
    """Outcome of re-reading the written copy with an independent extractor."""

    passed: bool
    extractor: str
    checks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "extractor": self.extractor,
            "checks": list(self.checks),
            "problems": list(self.problems),
        }


@dataclass
class Report:
    """What a redaction did. Holds masked values only, never the removed text itself."""

    format: str
    engine: str
    pages_in_input: int | None = None
    pages_kept: list[int] | None = None
    pages_in_output: int | None = None
    removed: dict[str, int] = field(default_factory=dict)
    removed_masked: dict[str, list[str]] = field(default_factory=dict)
    not_found: list[dict[str, Any]] = field(default_factory=list)
    metadata_removed: list[str] = field(default_factory=list)
    annotations_removed: dict[str, int] = field(default_factory=dict)
    embedded_files_removed: int = 0
    javascript_removed: int = 0
    outline_items_removed: int = 0
    earlier_revisions_removed: int = 0
    rasterised_pages: list[int] = field(default_factory=list)
    comments_removed: int = 0
    tracked_changes_resolved: dict[str, int] = field(default_factory=dict)
    parts_removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    verification: Verification | None = None
    elapsed_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "engine": self.engine,
            "pages_in_input": self.pages_in_input,
            "pages_kept": self.pages_kept,
            "pages_in_output": self.pages_in_output,
            "removed": dict(self.removed),
            "removed_masked": {k: list(v) for k, v in self.removed_masked.items()},
            "not_found": [dict(item) for item in self.not_found],
            "metadata_removed": list(self.metadata_removed),
            "annotations_removed": dict(self.annotations_removed),
            "embedded_files_removed": self.embedded_files_removed,
            "javascript_removed": self.javascript_removed,
            "outline_items_removed": self.outline_items_removed,
            "earlier_revisions_removed": self.earlier_revisions_removed,
            "rasterised_pages": list(self.rasterised_pages),
            "comments_removed": self.comments_removed,
            "tracked_changes_resolved": dict(self.tracked_changes_resolved),
            "parts_removed": list(self.parts_removed),
            "warnings": list(self.warnings),
            "verification": self.verification.to_dict() if self.verification else None,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }

    def __str__(self) -> str:
        return self.render("nl")

    def render(self, lang: str = "nl") -> str:
        """The report for people, Dutch or English ("en"); masked values only."""
        w = _REPORT_WORDS["en" if lang == "en" else "nl"]
        lines = [w["title"].format(format=self.format, engine=self.engine)]
        if self.pages_kept is not None:
            kept = ", ".join(str(p) for p in self.pages_kept)
            lines.append("  " + w["pages"].format(kept=kept, total=self.pages_in_input, out=self.pages_in_output))
        for entity, count in sorted(self.removed.items()):
            masked = ", ".join(self.removed_masked.get(entity, []))
            lines.append(f"  {w['removed']} {entity}: {count}x ({masked})")
        for item in self.not_found:
            lines.append(f"  {w['not_found']} {item['entity']}: {item['masked']}")
        if self.metadata_removed:
            lines.append(f"  {w['metadata']}: {', '.join(self.metadata_removed)}")
        if self.annotations_removed:
            annots = ", ".join(f"{k} {v}x" for k, v in sorted(self.annotations_removed.items()))
            lines.append(f"  {w['annotations']}: {annots}")
        for key, count in (
            ("embedded", self.embedded_files_removed),
            ("javascript", self.javascript_removed),
            ("outline", self.outline_items_removed),
            ("revisions", self.earlier_revisions_removed),
            ("comments", self.comments_removed),
        ):
            if count:
                lines.append(f"  {w[key]}: {count}")
        if self.rasterised_pages:
            pages = ", ".join(str(p) for p in self.rasterised_pages)
            lines.append(f"  {w['rasterised']}: {pages}")
        if self.tracked_changes_resolved:
            changes = ", ".join(f"{k} {v}x" for k, v in sorted(self.tracked_changes_resolved.items()))
            lines.append(f"  {w['tracked']}: {changes}")
        if self.parts_removed:
            lines.append(f"  {w['parts']}: {', '.join(self.parts_removed)}")
        lines.extend(f"  {w['warning']}: {warning}" for warning in self.warnings)
        if self.verification is not None:
            outcome = w["passed"] if self.verification.passed else w["failed"]
            lines.append(f"  {w['check']} ({self.verification.extractor}): {outcome}")
            lines.extend(f"    - {problem}" for problem in self.verification.problems)
        return "\n".join(lines)


_REPORT_WORDS = {
    "nl": {
        "title": "Geanonimiseerd ({format}, engine {engine})",
        "pages": "pagina's behouden: {kept} (van {total}); in kopie: {out}",
        "removed": "verwijderd", "not_found": "niet gevonden", "metadata": "metadata verwijderd",
        "annotations": "annotaties verwijderd", "embedded": "ingesloten bestanden verwijderd",
        "javascript": "JavaScript verwijderd", "outline": "bladwijzers verwijderd",
        "revisions": "eerdere versies verwijderd", "comments": "opmerkingen verwijderd",
        "rasterised": "als afbeelding opgeslagen (pagina's in kopie)", "tracked": "wijzigingen bijhouden verwerkt",
        "parts": "onderdelen verwijderd", "warning": "let op", "check": "controle", "passed": "geslaagd",
        "failed": "MISLUKT",
    },
    "en": {
        "title": "Redacted ({format}, engine {engine})",
        "pages": "pages kept: {kept} (of {total}); in the copy: {out}",
        "removed": "removed", "not_found": "not found", "metadata": "metadata removed",
        "annotations": "annotations removed", "embedded": "embedded files removed",
        "javascript": "JavaScript removed", "outline": "bookmarks removed",
        "revisions": "earlier revisions removed", "comments": "comments removed",
        "rasterised": "stored as image (pages in the copy)", "tracked": "tracked changes resolved",
        "parts": "parts removed", "warning": "note", "check": "check", "passed": "passed", "failed": "FAILED",
    },
}
