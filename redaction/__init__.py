"""True redaction of PDF and DOCX files: keep pages, remove text, metadata and history, then verify.

A leaf library: it takes a file and the strings to remove and never calls the
scanner; the command line and web front end compose scan -> redact.
"""

from redaction.api import AUTO, UnknownEngineError, available_engines, detect_format, redact_bytes, redact_file
from redaction.model import RedactionError, RedactionVerificationError, Report, Target, Verification, mask
from redaction.pages import BESCHIKKING, KeepPagesError, beschikking_keep, beschikking_pages, parse_keep_pages
from redaction.verify import verify_docx, verify_pdf
from redaction.wordml import REPLACEMENT

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
