"""Shared fixtures: paths to the project's own fixtures and the optional shared samples."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_SAMPLES = ROOT.parent / "shared" / "samples"


def read_together(adapter: Any, paths: list[Path]) -> list[Any]:
    """The adapter's ``read_many`` over these files (as the loader reads a batch), checked to
    give each file exactly what reading it alone gives: the same frames, or the same refusal."""
    from pipelines.ingest.detect import probe_file
    from pipelines.ingest.errors import FileRejected

    probes = [probe_file(path) for path in paths]
    together = adapter.read_many(probes)
    assert len(together) == len(paths)
    for path, probe, result in zip(paths, probes, together, strict=True):
        try:
            alone = adapter.read(probe)
        except FileRejected as error:
            assert isinstance(result, FileRejected), path.name
            assert str(result) == str(error)
            continue
        assert not isinstance(result, FileRejected), path.name
        assert result.keys() == alone.keys()
        for entity, frame in alone.items():
            assert result[entity].equals(frame), (path.name, entity)
            assert result[entity].schema == frame.schema, (path.name, entity)
    return together


@pytest.fixture
def shared_samples() -> Path:
    """../shared/samples when present; tests that need it skip cleanly otherwise."""
    if not SHARED_SAMPLES.is_dir():
        pytest.skip("../shared/samples is not present beside the project")
    return SHARED_SAMPLES


@dataclass(frozen=True)
class DemoRun:
    data_dir: Path
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """`pmo demo` at the default size, run once per test session (and per xdist worker: tests
    that use it carry ``@pytest.mark.xdist_group("demo")`` so one worker builds it)."""
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    env = {k: v for k, v in os.environ.items() if k not in ("PMO_DATA_DIR", "DAGSTER_HOME")}
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "demo", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=1500,
        check=False,
    )
    return DemoRun(data_dir, result.returncode, result.stdout, result.stderr)
