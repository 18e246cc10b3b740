"""dbt's parse of the project, started ahead of a data directory's first build.

A build re-parses only the files changed since the parse state it finds in its target folder
(``partial_parse.msgpack``: each build's folder starts with the newest one, see ``dbt_run_dir``).
That state holds for one warehouse path, one set of vars and one dbt version, so the first build
of a data directory (``pmo demo``, a new portfolio) and the first after an upgrade of the dbt
project parse the whole project: ~6 s of one core. A refresh started from the command line knows
before Dagster starts whether that will happen, so it runs ``dbt parse`` in a child process on
the other core while Dagster starts and the files load; the build waits for it, then starts from
its state. dbt checks that state itself: should the vars differ after all (a reporting currency
inferred from the projects loaded), the build parses again, as it would have anyway.

Only the standard library here: the command line imports this before Dagster and dbt.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pipelines.config import DataPaths

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
WAREHOUSE_ENV = "PMO_WAREHOUSE_PATH"
PARSE_STATE = "partial_parse.msgpack"
PARSE_FOLDER_SUFFIX = "-parse"


def newest_project_mtime() -> float:
    """When a file of the dbt project last changed."""
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        sources += [p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file()]
    return max(path.stat().st_mtime for path in sources if path.exists())


def has_current_parse_state(paths: DataPaths) -> bool:
    """An earlier build of this data directory left a parse state newer than the project."""
    if not paths.dbt_runs.is_dir():
        return False
    states = [
        folder / PARSE_STATE
        for folder in paths.dbt_runs.iterdir()
        if (folder / PARSE_STATE).is_file()
    ]
    if not states:
        return False
    return max(state.stat().st_mtime for state in states) >= newest_project_mtime()


class _Parse:
    def __init__(self, paths: DataPaths, build_vars: dict[str, str]) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        self.folder = paths.dbt_runs / f"{stamp}{PARSE_FOLDER_SUFFIX}"
        self.folder.mkdir(parents=True, exist_ok=True)
        # the environment the build will have: the warehouse path is part of dbt's state check
        env = {**os.environ, WAREHOUSE_ENV: str(paths.warehouse)}
        self._process = subprocess.Popen(
            [
                str(DBT_EXECUTABLE),
                "parse",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                str(self.folder),
                "--log-path",
                str(self.folder),
                "--vars",
                json.dumps(build_vars),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=self.folder,
        )

    def wait(self) -> None:
        """Until the parse ended. A failed parse leaves no state: the build parses and reports."""
        if self._process.wait() != 0:
            (self.folder / PARSE_STATE).unlink(missing_ok=True)

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            self._process.wait()
            (self.folder / PARSE_STATE).unlink(missing_ok=True)


_pending: _Parse | None = None


@contextmanager
def parsed_ahead(paths: DataPaths, build_vars: dict[str, str]) -> Iterator[None]:
    """While open, a build of ``paths`` starts from a parse made meanwhile, when this data
    directory has no current parse state. ``build_vars``: the vars the build is expected to pass."""
    global _pending
    if _pending is not None or has_current_parse_state(paths):
        yield
        return
    _pending = _Parse(paths, build_vars)
    try:
        yield
    finally:
        parse, _pending = _pending, None
        parse.stop()  # the refresh ended before its build (nothing to build, or it failed)


def wait_for_parse() -> None:
    """Called by the build before it picks its parse state: the parse ahead, if any, is done."""
    if _pending is not None:
        _pending.wait()
