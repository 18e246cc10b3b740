"""The project's own generic tests fail on the data they guard, and say where."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.dbt.conftest import DbtPortfolio, dbt_build

pytestmark = pytest.mark.xdist_group(__name__)  # its tests share one built warehouse


def test_nulls_in_guarded_columns_fail_the_model_check_naming_each_column(
    dbt_portfolio: DbtPortfolio, tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(dbt_portfolio.warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        rows = con.execute(
            "update main.fct_earned_value_monthly set actual_cost_source = null, "
            "evm_confidence = null where project_code = 'WF-1' and reporting_month >= '2026-03-01'"
        ).fetchone()[0]
        con.execute(
            "update main.fct_earned_value_monthly set evm_confidence = null "
            "where project_code = 'AG-1'"
        )
        expected_confidence = con.execute(
            "select count(*) from main.fct_earned_value_monthly where evm_confidence is null"
        ).fetchone()[0]
    finally:
        con.close()
    assert rows > 0 and expected_confidence > rows

    build = dbt_build(
        tmp_path,
        warehouse,
        "test",
        "--select",
        "test_name:grain,fct_earned_value_monthly",
        "--store-failures",
    )

    assert build.returncode == 1, build.output[-3000:]
    [result] = [r for r in build.run_results["results"] if r["unique_id"].startswith("test.")]
    assert result["status"] == "fail"
    assert result["failures"] == 2  # two columns hold nulls; the other six none
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        audit = con.execute(
            "select table_name from duckdb_tables() where schema_name like '%dbt_test__audit'"
        ).fetchall()
        [(table,)] = audit
        found = con.execute(
            f'select problem, column_name, rows from main_dbt_test__audit."{table}" order by 2'
        ).fetchall()
    finally:
        con.close()
    assert found == [
        ("nulls", "actual_cost_source", rows),
        ("nulls", "evm_confidence", expected_confidence),
    ]


def test_a_repeated_key_fails_the_grain_check_naming_the_value_and_its_rows(
    dbt_portfolio: DbtPortfolio, tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(dbt_portfolio.warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(
            "insert into main.fct_earned_value_monthly select * from main.fct_earned_value_monthly "
            "where project_code = 'WF-1' and reporting_month = '2026-03-01'"
        )
    finally:
        con.close()

    build = dbt_build(
        tmp_path,
        warehouse,
        "test",
        "--select",
        "test_name:grain,fct_earned_value_monthly",
        "--store-failures",
    )

    assert build.returncode == 1, build.output[-3000:]
    [result] = [r for r in build.run_results["results"] if r["unique_id"].startswith("test.")]
    assert result["failures"] == 1
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        [(table,)] = con.execute(
            "select table_name from duckdb_tables() where schema_name like '%dbt_test__audit'"
        ).fetchall()
        found = con.execute(
            f'select problem, column_name, found, rows from main_dbt_test__audit."{table}"'
        ).fetchall()
    finally:
        con.close()
    assert found == [("repeated key", "project_code, reporting_month", "WF-1 | 2026-03-01", 2)]


def test_a_broken_rule_fails_the_grain_check_naming_the_rule_and_its_rows(
    dbt_portfolio: DbtPortfolio, tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(dbt_portfolio.warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        broken = con.execute(
            "update main.fct_earned_value_monthly set actual_cost = -1 "
            "where project_code = 'WF-1' and reporting_month >= '2026-03-01'"
        ).fetchone()[0]
        # an unknown value is not a broken rule: a NULL earned schedule keeps its rule
        unknown = con.execute(
            "update main.fct_earned_value_monthly set earned_schedule_months = null "
            "where project_code = 'AG-1'"
        ).fetchone()[0]
    finally:
        con.close()
    assert broken > 0 and unknown > 0

    build = dbt_build(
        tmp_path,
        warehouse,
        "test",
        "--select",
        "test_name:grain,fct_earned_value_monthly",
        "--store-failures",
    )

    assert build.returncode == 1, build.output[-3000:]
    [result] = [r for r in build.run_results["results"] if r["unique_id"].startswith("test.")]
    assert result["failures"] == 1
    assert build.rule_statuses()["fct_earned_value_monthly: actual_cost_is_never_negative"] == (
        "fail"
    )
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        [(table,)] = con.execute(
            "select table_name from duckdb_tables() where schema_name like '%dbt_test__audit'"
        ).fetchall()
        found = con.execute(
            f'select problem, column_name, found, rows from main_dbt_test__audit."{table}"'
        ).fetchall()
    finally:
        con.close()
    assert found == [("broken rule", "actual_cost_is_never_negative", None, broken)]
