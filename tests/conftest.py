"""Shared fixtures: paths to the project's own fixtures and the optional shared samples."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_SAMPLES = ROOT.parent / "shared" / "samples"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep each ``xdist_group`` on one worker under ``--dist loadgroup``.

    pytest-xdist groups tests by a ``@group`` suffix it writes into each test's id on the
    worker, through the attribute pytest 8 kept the id in (``_nodeid``); pytest 9 keeps it in
    ``_id``, so the suffix never showed, every test was its own group, and a group's tests (the
    ones sharing a built warehouse or the demo) ran on both workers, one waiting for the other's
    build. The suffix is written here where xdist's did not land."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        groups = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        if groups and "@" not in item.nodeid and hasattr(item, "_id"):
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")


def wait_for(condition: Any, what: str, timeout: float = 120, every: float = 0.1) -> None:
    """Until ``condition()`` holds; an assertion error naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(every)


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
    that use it carry ``@pytest.mark.xdist_group("demo")``, the browser tests
    ``"demo-browser"``, so at most two workers build it)."""
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
