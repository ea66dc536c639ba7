"""Shared fixtures: the real spaCy model, gazetteer and pipeline are loaded once per test session."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# A developer's own gazetteer imports and event store (their data directory) must not change test
# results: the session gets an empty data directory of its own (tests that need one make their own too).
os.environ["EVENTWIRE_DATA_DIR"] = tempfile.mkdtemp(prefix="eventwire-test-data-")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"


def require_shared(*parts: str) -> Path:
    """Path inside ../shared, or skip the test with a clear reason when it is absent (a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the project's shared dev data), which is absent here")
    return path


@pytest.fixture(scope="session")
def nlp():
    from eventwire.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def pipeline():
    from eventwire.pipeline import Pipeline

    return Pipeline()
