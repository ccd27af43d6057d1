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
        lines = [f"Geanonimiseerd ({self.format}, engine {self.engine})"]
        if self.pages_kept is not None:
            kept = ", ".join(str(p) for p in self.pages_kept)
            lines.append(
                f"  pagina's behouden: {kept} (van {self.pages_in_input}); "
                f"in kopie: {self.pages_in_output}"
            )
        for entity, count in sorted(self.removed.items()):
            masked = ", ".join(self.removed_masked.get(entity, []))
            lines.append(f"  verwijderd {entity}: {count}x ({masked})")
        for item in self.not_found:
            lines.append(f"  niet gevonden {item['entity']}: {item['masked']}")
        if self.metadata_removed:
            lines.append(f"  metadata verwijderd: {', '.join(self.metadata_removed)}")
        if self.annotations_removed:
            annots = ", ".join(f"{k} {v}x" for k, v in sorted(self.annotations_removed.items()))
            lines.append(f"  annotaties verwijderd: {annots}")
        for label, count in (
            ("ingesloten bestanden verwijderd", self.embedded_files_removed),
            ("JavaScript verwijderd", self.javascript_removed),
            ("bladwijzers verwijderd", self.outline_items_removed),
            ("eerdere versies verwijderd", self.earlier_revisions_removed),
            ("opmerkingen verwijderd", self.comments_removed),
        ):
            if count:
                lines.append(f"  {label}: {count}")
        if self.rasterised_pages:
            pages = ", ".join(str(p) for p in self.rasterised_pages)
            lines.append(f"  als afbeelding opgeslagen (pagina's in kopie): {pages}")
        if self.tracked_changes_resolved:
            changes = ", ".join(f"{k} {v}x" for k, v in sorted(self.tracked_changes_resolved.items()))
            lines.append(f"  wijzigingen bijhouden verwerkt: {changes}")
        if self.parts_removed:
            lines.append(f"  onderdelen verwijderd: {', '.join(self.parts_removed)}")
        lines.extend(f"  let op: {warning}" for warning in self.warnings)
        if self.verification is not None:
            outcome = "geslaagd" if self.verification.passed else "MISLUKT"
            lines.append(f"  controle ({self.verification.extractor}): {outcome}")
            lines.extend(f"    - {problem}" for problem in self.verification.problems)
        return "\n".join(lines)
