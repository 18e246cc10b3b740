"""dbt's parse of the project: made once per install, started ahead of a build when that one
does not fit.

A build re-parses only the files changed since the parse state it finds in its target folder
(``partial_parse.msgpack``: each build's folder starts with the newest one, see ``dbt_run_dir``).
That state holds for one set of vars, one warehouse name and one dbt version (dbt is run through
``pmo-dbt``, which leaves the warehouse file's folder out of that check). The install's parse
(``ensure_manifest``, made whenever the dbt project changes) is made for a data directory's
warehouse with the vars of the default settings, so the first build of a data directory
(``pmo demo``, a new portfolio) starts from it. Only other vars (a reporting currency other than
EUR) make that first build parse the whole project, ~8 s of one core: a refresh started from
the command line knows that before Dagster starts, so it runs ``dbt parse`` in a child process
on the other core while Dagster starts and the files load; the build waits for it, then starts
from its state. dbt checks that state itself: should the vars differ after all (a reporting
currency inferred from the projects loaded), the build parses again, as it would have anyway.

Only the standard library here: the command line imports this before Dagster and dbt.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pipelines.config import DataPaths
from pipelines.environment import WAREHOUSE_PATH_ENV, child_environment
from pipelines.transform.engines import SPARK

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
DBT_EXECUTABLE = Path(sys.executable).parent / "pmo-dbt"
"""dbt's command line as ``pipelines.transform.dbt_cli`` runs it."""
WAREHOUSE_ENV = WAREHOUSE_PATH_ENV
PARSE_STATE = "partial_parse.msgpack"
PARSE_FOLDER_SUFFIX = "-parse"
INSTALL_PARSE_STATE = DBT_PROJECT_DIR / "target" / PARSE_STATE
"""The install's parse state, beside the manifest Dagster reads (``ensure_manifest``)."""
INSTALL_PARSE_VARS: dict[str, str] = {"reporting_currency": "EUR"}
"""The vars the install's parse is made with: those of the default settings
(``pipelines.settings.dbt_vars`` of the default reporting currency; a test keeps them equal)."""
INSTALL_WAREHOUSE_NAME = "pmo.duckdb"
"""The file name of every data directory's warehouse (``DataPaths.warehouse``): the database
name dbt qualifies relations with, so part of what a parse state is made for."""


def newest_project_mtime() -> float:
    """When a file of the dbt project last changed."""
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        sources += [p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file()]
    return max(path.stat().st_mtime for path in sources if path.exists())


def install_parse_state() -> Path | None:
    """The install's parse state, when it is newer than every file of the dbt project."""
    try:
        if INSTALL_PARSE_STATE.stat().st_mtime >= newest_project_mtime():
            return INSTALL_PARSE_STATE
    except OSError:
        pass
    return None


def parse_state_for(
    paths: DataPaths, build_vars: dict[str, str], engine: str = "duckdb"
) -> Path | None:
    """The parse state a build of ``paths`` with ``build_vars`` starts from (``dbt_run_dir``):
    the install's when the vars are its own (on DuckDB), else the newest an earlier build on
    the same engine left (a Spark build's folder name ends in ``-spark``); None: there is none."""
    spark = engine == SPARK
    if build_vars == INSTALL_PARSE_VARS and not spark and (installed := install_parse_state()):
        return installed
    if not paths.dbt_runs.is_dir():
        return None
    folders = [
        folder
        for folder in paths.dbt_runs.iterdir()
        if folder.name.endswith(f"-{SPARK}") == spark and (folder / PARSE_STATE).is_file()
    ]
    if not folders:
        return None
    return max(folders, key=lambda folder: folder.stat().st_mtime) / PARSE_STATE


def has_current_parse_state(paths: DataPaths, build_vars: dict[str, str]) -> bool:
    """A build of ``paths`` with ``build_vars`` finds a parse state newer than the project: one
    an earlier build of this data directory left, or the install's when the vars are its own."""
    if build_vars == INSTALL_PARSE_VARS and install_parse_state() is not None:
        return True
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
        env = child_environment(**{WAREHOUSE_ENV: str(paths.warehouse)})
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
    if _pending is not None or has_current_parse_state(paths, build_vars):
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
