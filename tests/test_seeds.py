"""The seeds (the policy documents) discuss special data in general: no finding is about a person."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recognizers.engine import REGEX_FLAGS, get_analyzer
from recognizers.lexicon import general_discussion_score

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
ENTITIES = ["SPECIAL_CATEGORY", "CRIMINAL_DATA", "ASYLUM_MOTIVE"]
PAGE_CHARS = 2500  # about one PDF page


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def chunks(text: str, size: int) -> list[str]:
    """Pages ("\\f") or groups of whole paragraphs of at most `size` characters."""
    out: list[str] = []
    for page in text.split("\f"):
        current = ""
        for paragraph in re.split(r"(?<=\n)\s*\n", page):
            if current and len(current) + len(paragraph) > size:
                out.append(current)
                current = ""
            current += paragraph + "\n"
        if current.strip():
            out.append(current)
    return out


@pytest.fixture(scope="module")
def analyzer():
    return get_analyzer()


@pytest.mark.parametrize("seed", seed_files() or [None], ids=lambda p: p.name if p else "no-seeds")
@pytest.mark.parametrize("size", [PAGE_CHARS, 1], ids=["per-page", "per-paragraph"])
def test_seed_has_no_person_linked_special_findings(analyzer, seed, size):
    if seed is None:
        pytest.skip(f"{SEEDS} is absent: the seeds exist only in the project's workspace and CI, not in a clone")
    linked = []
    for chunk in chunks(seed.read_text(encoding="utf-8"), size):
        for result in analyzer.analyze(chunk, language="nl", entities=ENTITIES, regex_flags=REGEX_FLAGS):
            if result.recognition_metadata["linked"]:
                linked.append((result.entity_type, chunk[result.start : result.end]))
    assert linked == []


@pytest.mark.parametrize("seed", seed_files() or [None], ids=lambda p: p.name if p else "no-seeds")
def test_seed_is_general_text(seed):
    if seed is None:
        pytest.skip(f"{SEEDS} is absent: the seeds exist only in the project's workspace and CI, not in a clone")
    assert general_discussion_score(seed.read_text(encoding="utf-8")) >= 0.5
