"""Fixtures for the dashboard tests: the published demo snapshot and a headless Chromium.

The demo portfolio comes from the session fixture ``demo_run`` (tests/conftest.py); tests that
use it carry ``@pytest.mark.xdist_group("demo")`` (the browser tests ``"demo-browser"``) so
one worker per group builds it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipelines.config import resolve_data_dir
from pipelines.publish.snapshot import current_snapshot
from tests.dashboards.support import CHROMIUM, CHROMIUM_ARGS, Published


@pytest.fixture(scope="session")
def published(demo_run) -> Published:
    assert demo_run.returncode == 0, demo_run.stderr[-3000:]
    paths = resolve_data_dir(demo_run.data_dir)
    snapshot = current_snapshot(paths)
    assert snapshot is not None, "the demo published no snapshot"
    return Published(paths.root, snapshot.snapshot_id, snapshot.database, snapshot.catalog())


@pytest.fixture
def app_env(published: Published, monkeypatch: pytest.MonkeyPatch) -> Published:
    """AppTest reads PMO_DATA_DIR on every run: point it at the demo."""
    monkeypatch.setenv("PMO_DATA_DIR", str(published.data_dir))
    return published


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (/usr/bin/chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()
