"""Lessons learned and the closure report (issue 14 §5) through the real dbt build.

The hand-built portfolio of tests/dbt/conftest.py (PORTFOLIO), with its waterfall project WF-1
closed, plus lessons. Lessons: two projects record a "vendors" lesson (a recurring theme), one a
"scope" lesson (not recurring); one negative and one positive vendors lesson.

The closure report is checked on WF-1, against the figures
its own models give (the final month of rpt_project_kpis_monthly, its milestones), so the report
and the monthly figures can never disagree.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.dbt.conftest import (
    PORTFOLIO,
    BuiltWarehouse,
    DbtBuild,
    built_portfolio,
    dbt_build,
    insert_raw_rows,
    load_portfolio,
)

pytestmark = pytest.mark.xdist_group(__name__)  # its tests share one built warehouse

D = date.fromisoformat


def lesson(code: str, lesson_id: str, category: str, impact: str, recorded: str) -> dict:
    return {
        "lesson_id": lesson_id,
        "project_code": code,
        "recorded_date": D(recorded),
        "phase": "build",
        "category": category,
        "what_happened": f"{category} went {impact}",
        "impact": impact,
        "recommendation": "Do it earlier.",
        "owner": "Ann Lee",
    }


def load(con: duckdb.DuckDBPyConnection) -> None:
    portfolio = copy.deepcopy(PORTFOLIO)
    for row in portfolio["projects"]:
        if row["project_code"] == "WF-1":
            row["status"] = "closed"  # the waterfall project is closed: it gets a closure report
    load_portfolio(con, portfolio)
    codes = [row["project_code"] for row in PORTFOLIO["projects"]]
    insert_raw_rows(
        con,
        "lessons_learned",
        "landing/lessons.csv",
        [
            lesson(codes[0], "LL-1", "vendors", "negative", "2026-02-10"),
            lesson(codes[1], "LL-1", "vendors", "positive", "2026-03-10"),
            lesson(codes[1], "LL-2", "scope", "negative", "2026-03-12"),
            lesson(codes[0], "LL-9", "scope", "negative", "2099-01-01"),  # after the as-of date
        ],
    )


def build(work_dir: Path, warehouse: Path) -> DbtBuild:
    return dbt_build(
        work_dir,
        warehouse,
        "build",
        "--select",
        "+rpt_lesson_themes +rpt_project_closure",
        "--indirect-selection",
        "cautious",
        "--exclude",
        "test_type:unit",
        "--threads",
        "2",
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    path, result = built_portfolio(tmp_path_factory, "dbt_lessons", load, build)
    return BuiltWarehouse(path, result)


def test_themes_count_lessons_and_projects_and_flag_the_recurring_ones(warehouse) -> None:
    themes = {
        row["category"]: row
        for row in warehouse.rows("select * from rpt_lesson_themes order by category")
    }
    assert set(themes) == {"scope", "vendors"}  # the 2099 lesson is after the as-of date
    vendors, scope = themes["vendors"], themes["scope"]
    assert (vendors["lesson_count"], vendors["project_count"], vendors["is_recurring_theme"]) == (
        2,
        2,
        True,
    )
    assert (vendors["negative_lesson_count"], vendors["positive_lesson_count"]) == (1, 1)
    assert (scope["lesson_count"], scope["project_count"], scope["is_recurring_theme"]) == (
        1,
        1,
        False,
    )
    lessons = warehouse.rows("select * from rpt_lessons_learned")
    assert len(lessons) == 3
    assert {row["is_recurring_theme"] for row in lessons if row["category"] == "vendors"} == {True}


def test_every_closed_project_has_one_closure_row_agreeing_with_its_last_month(warehouse) -> None:
    closed = warehouse.rows(
        "select project_code, closed_from_month from dim_projects where is_closed"
        " and closed_from_month is not null"
    )
    closures = {
        row["project_code"]: row for row in warehouse.rows("select * from rpt_project_closure")
    }
    assert set(closures) == {row["project_code"] for row in closed} == {"WF-1"}
    for row in closed:
        closure = closures[row["project_code"]]
        final = warehouse.one(
            "select actual_cost, budget_at_completion, cost_performance_index"
            " from rpt_project_kpis_monthly where project_code = ? and reporting_month = ?",
            [row["project_code"], row["closed_from_month"]],
        )
        assert closure["actual_cost"] == pytest.approx(final["actual_cost"])
        assert closure["cost_performance_index"] == final["cost_performance_index"]
        assert closure["cost_to_original_budget_ratio"] == pytest.approx(
            final["actual_cost"] / closure["original_budget_at_completion"]
        )
        assert (
            closure["finish_variance_days"]
            == (closure["actual_finish_date"] - closure["planned_finish_date"]).days
        )
