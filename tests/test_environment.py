"""The environment variables, read in one place when asked (never at import)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.config import DataPaths, dagster_home, resolve_data_dir
from pipelines.environment import Environment, read_environment, set_for_child


def test_nothing_set_means_every_default():
    assert read_environment({}) == Environment(
        data_dir="data",
        duckdb_memory_limit="4GB",
        report_business_day=3,
        chromium="/usr/bin/chromium",
        dashboard_poll_seconds=20.0,
        dagster_home="",
    )


@pytest.mark.parametrize(("value", "day"), [("5", 5), ("0", 1), ("31", 20), ("third", 3), ("", 3)])
def test_the_report_business_day_stays_within_1_to_20(value: str, day: int):
    assert read_environment({"PMO_REPORT_BUSINESS_DAY": value}).report_business_day == day


def test_values_are_read_when_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("PMO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PMO_DUCKDB_MEMORY_LIMIT", "1GB")
    assert resolve_data_dir() == DataPaths(tmp_path.resolve())
    assert resolve_data_dir(tmp_path / "other").root == (tmp_path / "other").resolve()
    assert read_environment().duckdb_memory_limit == "1GB"
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert dagster_home(DataPaths(tmp_path)) == tmp_path / "dagster"
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "elsewhere"))
    assert dagster_home(DataPaths(tmp_path)) == tmp_path / "elsewhere"


def test_a_childs_variable_is_set_while_it_starts_and_put_back(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PMO_WAREHOUSE_PATH", "/before.duckdb")
    monkeypatch.delenv("PMO_TEST_UNSET", raising=False)
    with set_for_child(PMO_WAREHOUSE_PATH="/run.duckdb", PMO_TEST_UNSET="x"):
        assert os.environ["PMO_WAREHOUSE_PATH"] == "/run.duckdb"
        assert os.environ["PMO_TEST_UNSET"] == "x"
    assert os.environ["PMO_WAREHOUSE_PATH"] == "/before.duckdb"
    assert "PMO_TEST_UNSET" not in os.environ
