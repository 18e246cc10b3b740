"""A data directory's first build starts from the install's parse of the dbt project.

dbt re-parses the whole project (~8 s of a core) unless the parse state it finds was made with
the same connection settings, vars and project files. ``pmo-dbt`` leaves the warehouse file's
folder out of that comparison, so one parse serves every data directory; the warehouse's file
name (the database relations are qualified with) still counts.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from pipelines.settings import DEFAULT_REPORTING_CURRENCY, ReportingCurrency, dbt_vars
from pipelines.transform.parse_ahead import (
    DBT_EXECUTABLE,
    INSTALL_PARSE_VARS,
    INSTALL_WAREHOUSE_NAME,
    has_current_parse_state,
    parse_state_for,
)
from pipelines.transform.project import ensure_manifest
from tests.dbt.conftest import dbt_build

PLAIN_DBT = Path(sys.executable).parent / "dbt"
FULL_PARSE = "Unable to do partial parsing"
PARTIAL_PARSE = "Partial parsing enabled"


def _parse(executable: Path, warehouse: Path, state: Path, work: Path) -> str:
    """``dbt parse`` for ``warehouse`` starting from ``state``; its debug log."""
    (work / "target").mkdir(parents=True)
    shutil.copyfile(state, work / "target" / "partial_parse.msgpack")
    parse = dbt_build(
        work,
        warehouse,
        "parse",
        "--log-level-file",
        "debug",
        "--vars",
        json.dumps(INSTALL_PARSE_VARS),
        executable=executable,
        share_parse=False,
    )
    assert parse.returncode == 0, parse.output[-2000:]
    return (work / "logs" / "dbt.log").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def install_state() -> Path:
    if not DBT_EXECUTABLE.exists():
        pytest.skip(f"pmo-dbt is not installed beside {sys.executable}")
    ensure_manifest()
    state = ensure_manifest().parent / "partial_parse.msgpack"
    assert state.is_file()
    return state


def test_the_install_parse_is_made_with_the_vars_of_the_default_settings() -> None:
    default = ReportingCurrency(DEFAULT_REPORTING_CURRENCY, "default")
    assert dbt_vars(default) == INSTALL_PARSE_VARS


def test_a_new_data_directory_parses_only_what_changed(install_state: Path, tmp_path: Path) -> None:
    from pipelines.config import DataPaths

    paths = DataPaths(tmp_path / "data")
    assert paths.warehouse.name == INSTALL_WAREHOUSE_NAME
    assert has_current_parse_state(paths, INSTALL_PARSE_VARS)
    assert not has_current_parse_state(paths, {"reporting_currency": "CHF"})
    assert parse_state_for(paths, INSTALL_PARSE_VARS) == install_state
    assert parse_state_for(paths, {"reporting_currency": "CHF"}) is None

    log = _parse(DBT_EXECUTABLE, paths.warehouse, install_state, tmp_path / "pmo-dbt")
    assert PARTIAL_PARSE in log and FULL_PARSE not in log

    # dbt's own command line parses everything again for the same file in another folder
    log = _parse(PLAIN_DBT, paths.warehouse, install_state, tmp_path / "dbt")
    assert FULL_PARSE in log


def test_a_warehouse_of_another_name_is_parsed_again(install_state: Path, tmp_path: Path) -> None:
    log = _parse(DBT_EXECUTABLE, tmp_path / "other.duckdb", install_state, tmp_path / "other")
    assert FULL_PARSE in log
