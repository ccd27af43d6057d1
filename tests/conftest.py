"""Shared test fixtures: where ../shared lives, and the contract's schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test when this checkout has none (a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared exists only in the project's workspace and CI, not in a clone")
    return path


@pytest.fixture(scope="session")
def result_schema() -> dict:
    return json.loads(shared_path("contract", "result.schema.json").read_text())
