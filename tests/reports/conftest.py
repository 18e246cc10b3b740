"""The reports tests' shared source: the demo portfolio's published snapshot, copied into each
test module's own data directory so the packs they write never mix.

``PMO_REPORT_TEST_DATA_DIR`` (a data dir with a published snapshot, e.g. from ``pmo demo``)
skips the demo build while developing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipelines.config import DataPaths
from pipelines.publish.snapshot import current_snapshot


def copy_snapshot(source_root: Path, target_root: Path) -> tuple[DataPaths, str]:
    """The current snapshot of ``source_root`` as the current (only) one of ``target_root``."""
    snapshot = current_snapshot(DataPaths(source_root))
    assert snapshot is not None, f"no published snapshot under {source_root}"
    paths = DataPaths(target_root)
    paths.published.mkdir(parents=True)
    shutil.copytree(snapshot.folder, paths.published / snapshot.snapshot_id)
    (paths.published / "CURRENT").write_text(snapshot.snapshot_id + "\n")
    return paths, snapshot.snapshot_id


@pytest.fixture(scope="module")
def demo_data_dir(request: pytest.FixtureRequest) -> Path:
    """The data directory holding the demo's published snapshot (built once per session)."""
    override = os.environ.get("PMO_REPORT_TEST_DATA_DIR")
    if override:
        return Path(override)
    demo = request.getfixturevalue("demo_run")
    assert demo.returncode == 0, demo.stderr[-3000:]
    return demo.data_dir
