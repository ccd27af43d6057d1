"""PDFium and MuPDF are not thread-safe: two threads inside PDFium at once crash the process (a
segfault in `FPDF_LoadPage`, seen with concurrent scans in threads), and PyMuPDF documents no
thread support. Every use of pypdfium2 and PyMuPDF in this project holds this one process-wide
lock; parallel work on PDFs uses processes (scanner.pool)."""

from __future__ import annotations

import threading

PDF_LOCK = threading.RLock()
