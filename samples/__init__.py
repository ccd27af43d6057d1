"""Fictional sample mails and their expected verdicts (written by `samples/generate.py`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SAMPLES_DIR = Path(__file__).resolve().parent


def load_expected() -> dict[str, Any]:
    """The expectations of `expected.json`: per .eml file and per message of `sent.mbox`."""
    return json.loads((SAMPLES_DIR / "expected.json").read_text(encoding="utf-8"))
