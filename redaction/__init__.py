"""True redaction of PDF and DOCX files: keep pages, remove text, metadata and history, then verify.

A leaf library: it takes a file and the strings to remove and never calls the
scanner; the command line and web front end compose scan -> redact.
"""

from __future__ import annotations

import importlib
from typing import Any

# The public names and the module each lives in, imported when first used: a scan that never
# redacts (scanner.model needs only `mask`) does not load pikepdf, lxml and the PDF engines.
_EXPORTS = {
    **dict.fromkeys(
        ["AUTO", "UnknownEngineError", "available_engines", "detect_format", "redact_bytes", "redact_file"],
        "redaction.api",
    ),
    **dict.fromkeys(
        ["RedactionError", "RedactionVerificationError", "Report", "Target", "Verification", "mask"], "redaction.model"
    ),
    **dict.fromkeys(
        ["BESCHIKKING", "KeepPagesError", "beschikking_keep", "beschikking_pages", "parse_keep_pages"],
        "redaction.pages",
    ),
    **dict.fromkeys(["verify_docx", "verify_pdf"], "redaction.verify"),
    "REPLACEMENT": "redaction.wordml",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'redaction' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "AUTO",
    "BESCHIKKING",
    "REPLACEMENT",
    "KeepPagesError",
    "RedactionError",
    "RedactionVerificationError",
    "Report",
    "Target",
    "UnknownEngineError",
    "Verification",
    "available_engines",
    "beschikking_keep",
    "beschikking_pages",
    "detect_format",
    "mask",
    "parse_keep_pages",
    "redact_bytes",
    "redact_file",
    "verify_docx",
    "verify_pdf",
]
