"""Shared fixtures: paths to the project's own fixtures and the optional shared samples."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_SAMPLES = ROOT.parent / "shared" / "samples"


@pytest.fixture
def shared_samples() -> Path:
    """../shared/samples when present; tests that need it skip cleanly otherwise."""
    if not SHARED_SAMPLES.is_dir():
        pytest.skip("../shared/samples is not present beside the project")
    return SHARED_SAMPLES
