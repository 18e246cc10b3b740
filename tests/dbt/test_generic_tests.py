"""The project's own generic tests fail on the data they guard, and say where."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.transform.check_failures import grain_failures
from pipelines.transform.project import read_manifest
from tests.dbt.conftest import DbtPortfolio, dbt_build

pytestmark = pytest.mark.xdist_group(__name__)  # its tests share one built warehouse


def _grain_check(tmp_path: Path, warehouse: Path) -> tuple[dict[str, Any], list, list[str]]:
    """fct_earned_value_monthly's grain test on ``warehouse``, its failures stored: the test's
    result, the failure rows (problem, column_name, found, rows) as stored, and the lines a
    failed refresh prints for it."""
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
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        [(table,)] = con.execute(
            "select table_name from duckdb_tables() where schema_name like '%dbt_test__audit'"
        ).fetchall()
        found = con.execute(
            f'select problem, column_name, found, rows from main_dbt_test__audit."{table}" '
            "order by problem, column_name"
        ).fetchall()
        nodes = read_manifest()["nodes"]
        lines = grain_failures(con, build.run_results, nodes)
    finally:
        con.close()
    return result, found, lines


def _changed_copy(
    dbt_portfolio: DbtPortfolio, tmp_path: Path, *statements: str
) -> tuple[Path, list[int]]:
    """A copy of the built warehouse with ``statements`` run on it: the copy and the number of
    rows each statement changed."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(dbt_portfolio.warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        changed = [con.execute(statement).fetchone()[0] for statement in statements]
    finally:
        con.close()
    return warehouse, changed


def test_nulls_in_guarded_columns_fail_the_model_check_naming_each_column(
    dbt_portfolio: DbtPortfolio, tmp_path: Path
) -> None:
    warehouse, (rows, other) = _changed_copy(
        dbt_portfolio,
        tmp_path,
        "update main.fct_earned_value_monthly set actual_cost_source = null, "
        "evm_confidence = null where project_code = 'WF-1' and reporting_month >= '2026-03-01'",
        "update main.fct_earned_value_monthly set evm_confidence = null "
        "where project_code = 'AG-1'",
    )
    assert rows > 0 and other > 0

    result, found, lines = _grain_check(tmp_path, warehouse)

    assert result["status"] == "fail"
    assert result["failures"] == 2  # two columns hold nulls; the other six none
    assert found == [
        ("nulls", "actual_cost_source", None, rows),
        ("nulls", "evm_confidence", None, rows + other),
    ]
    assert lines == [
        f"fct_earned_value_monthly: actual_cost_source is empty on {rows} row(s)",
        f"fct_earned_value_monthly: evm_confidence is empty on {rows + other} row(s)",
    ]


def test_a_repeated_key_fails_the_grain_check_naming_the_value_and_its_rows(
    dbt_portfolio: DbtPortfolio, tmp_path: Path
) -> None:
    warehouse, _ = _changed_copy(
        dbt_portfolio,
        tmp_path,
        "insert into main.fct_earned_value_monthly select * from main.fct_earned_value_monthly "
        "where project_code = 'WF-1' and reporting_month = '2026-03-01'",
    )

    result, found, lines = _grain_check(tmp_path, warehouse)

    assert result["failures"] == 1
    assert found == [("repeated key", "project_code, reporting_month", "WF-1 | 2026-03-01", 2)]
    assert lines == [
        "fct_earned_value_monthly: repeated key (project_code, reporting_month) = "
        "WF-1 | 2026-03-01 on 2 row(s)"
    ]


def test_a_broken_rule_an_unexpected_value_or_an_unknown_reference_fails_the_grain_check(
    dbt_portfolio: DbtPortfolio, tmp_path: Path
) -> None:
    warehouse, (broken, unknown, medium, spelled, renamed) = _changed_copy(
        dbt_portfolio,
        tmp_path,
        "update main.fct_earned_value_monthly set actual_cost = -1 "
        "where project_code = 'WF-1' and reporting_month >= '2026-03-01'",
        # an unknown value is not a broken rule: a NULL earned schedule keeps its rule
        "update main.fct_earned_value_monthly set earned_schedule_months = null "
        "where project_code = 'AG-1'",
        "update main.fct_earned_value_monthly set forecast_confidence = 'medium' "
        "where project_code = 'AG-1' and reporting_month < '2026-03-01'",
        "update main.fct_earned_value_monthly set forecast_confidence = 'High' "
        "where project_code = 'WF-1' and reporting_month < '2026-03-01'",
        # a project the portfolio does not have
        "update main.fct_earned_value_monthly set project_code = 'ZZ-9' "
        "where project_code = 'AG-1' and reporting_month = "
        "(select min(reporting_month) from main.fct_earned_value_monthly "
        "where project_code = 'AG-1')",
    )
    assert min(broken, unknown, medium, spelled) > 0 and renamed == 1

    result, found, lines = _grain_check(tmp_path, warehouse)

    assert result["failures"] == 3
    assert found == [
        ("broken rule", "actual_cost_is_never_negative", None, broken),
        # the first unexpected value in sort order, and every row holding one
        ("unexpected value", "forecast_confidence", "High", medium + spelled),
        ("unknown reference", "project_code", "ZZ-9", 1),
    ]
    assert lines == [
        f"fct_earned_value_monthly: rule actual_cost_is_never_negative broken on {broken} row(s)",
        "fct_earned_value_monthly: unexpected value 'High' in forecast_confidence "
        f"on {medium + spelled} row(s)",
        "fct_earned_value_monthly: project_code 'ZZ-9' is not in dim_projects on 1 row(s)",
    ]
