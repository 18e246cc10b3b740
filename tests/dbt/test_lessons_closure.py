"""Lessons learned and the closure report (issue 14 §5) through the real dbt build.

The hand-built portfolio of tests/dbt/conftest.py (PORTFOLIO), with its waterfall project WF-1
closed, plus lessons. Lessons: two projects record a "vendors" lesson (a recurring theme), one a
"scope" lesson (not recurring); one negative and one positive vendors lesson.

The closure report is checked on WF-1, against the figures
its own models give (the final month of rpt_project_kpis_monthly, its milestones), so the report
and the monthly figures can never disagree.

WF-1 closes from April 2026 (its last cost), as of 30 Apr 2026. What its closure pack prints, read
by hand:

- Milestones (four monthly exports): Design approved, baseline and forecast 15 Feb, reached 20 Feb
  (export of 28 Feb: 5 days late). Go-live, baseline and forecast 15 Apr; 28 Feb: forecast 24 Apr
  (9 days later); 31 Mar: baseline moved to 20 Apr (the re-baseline), forecast unchanged (4 days
  late); 30 Apr: reached 28 Apr (8 days late). Its actual finish is the last milestone reached,
  28 Apr: 63 days before its planned finish (30 Jun); no milestone on time, largest slip 8.
- Risks: R-1 open in February, occurred in March's register (impact €1,500, 12 days), closed on
  15 Apr in April's; R-2 open, then closed. One risk materialised: R-1, €1,500, first seen
  occurred in March, closed since.
- Logs: ISS-1 raised 2 Feb, resolved 20 Feb (18 days); ISS-2 raised 1 Apr, resolved 10 May -
  after the as-of date, so open at it (29 days); ISS-3 raised 5 May, after the as-of date: not
  listed. DEC-1 raised 10 Feb, decided 25 Feb (15 days).
- Changes: CR-1 approved 10 Mar (€2,000, the re-baseline), CR-2 approved 1 Jun, after the as-of
  date: one approved change, €2,000.
- Budget outcome at April: B2's 12,000 against AC 700 + 860 + 800 + 420 of labour and 3,000 + 800
  of invoices = 6,580 (test_earned_value.py): 5,420 under budget, 45.2 %.
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
    load_closure_logs(con)


def milestone(name: str, baseline: str, forecast: str, actual: str | None, snapshot: str):
    return {
        "project_code": "WF-1",
        "milestone_name": name,
        "baseline_date": D(baseline),
        "forecast_date": D(forecast),
        "actual_date": D(actual) if actual else None,
        "snapshot_date": D(snapshot),
    }


def risk(risk_id: str, status: str, cost: float, days: int, snapshot: str, closed=None) -> dict:
    return {
        "risk_id": risk_id,
        "project_code": "WF-1",
        "title": f"Risk {risk_id}",
        "category": "vendor",
        "probability": 0.5,
        "impact_cost": cost,
        "impact_days": days,
        "status": status,
        "owner": "Ravi Menon",
        "raised_date": D("2026-02-01"),
        "closed_date": D(closed) if closed else None,
        "snapshot_date": D(snapshot),
    }


def issue(issue_id: str, raised: str, resolved: str | None) -> dict:
    return {
        "issue_id": issue_id,
        "project_code": "WF-1",
        "title": f"Issue {issue_id}",
        "raised_date": D(raised),
        "owner": "Ravi Menon",
        "priority": "high",
        "escalation_level": "programme",
        "due_date": None,
        "resolved_date": D(resolved) if resolved else None,
        "status": "resolved" if resolved else "open",
    }


def load_closure_logs(con: duckdb.DuckDBPyConnection) -> None:
    """WF-1's milestones, risks, logs and changes (the docstring's)."""
    insert_raw_rows(
        con,
        "milestones",
        "landing/milestones.csv",
        [
            milestone("Design approved", "2026-02-15", "2026-02-15", None, "2026-01-31"),
            milestone("Go-live", "2026-04-15", "2026-04-15", None, "2026-01-31"),
            milestone("Design approved", "2026-02-15", "2026-02-20", "2026-02-20", "2026-02-28"),
            milestone("Go-live", "2026-04-15", "2026-04-24", None, "2026-02-28"),
            milestone("Design approved", "2026-02-15", "2026-02-20", "2026-02-20", "2026-03-31"),
            milestone("Go-live", "2026-04-20", "2026-04-24", None, "2026-03-31"),
            milestone("Design approved", "2026-02-15", "2026-02-20", "2026-02-20", "2026-04-30"),
            milestone("Go-live", "2026-04-20", "2026-04-28", "2026-04-28", "2026-04-30"),
        ],
    )
    insert_raw_rows(
        con,
        "risks",
        "landing/risks.csv",
        [
            risk("R-1", "open", 1000.0, 10, "2026-02-28"),
            risk("R-2", "open", 500.0, 5, "2026-02-28"),
            risk("R-1", "occurred", 1500.0, 12, "2026-03-31"),
            risk("R-2", "closed", 500.0, 5, "2026-03-31", closed="2026-03-20"),
            risk("R-1", "closed", 1500.0, 12, "2026-04-30", closed="2026-04-15"),
        ],
    )
    insert_raw_rows(
        con,
        "issues_log",
        "landing/issues.csv",
        [
            issue("ISS-1", "2026-02-02", "2026-02-20"),
            issue("ISS-2", "2026-04-01", "2026-05-10"),
            issue("ISS-3", "2026-05-05", None),
        ],
    )
    insert_raw_rows(
        con,
        "decisions",
        "landing/decisions.csv",
        [
            {
                "decision_id": "DEC-1",
                "project_code": "WF-1",
                "title": "Re-plan the build",
                "raised_date": D("2026-02-10"),
                "needed_by_date": D("2026-03-01"),
                "owner": "Ravi Menon",
                "forum": "steering_committee",
                "status": "decided",
                "decided_date": D("2026-02-25"),
                "outcome": "Approved",
            }
        ],
    )
    insert_raw_rows(
        con,
        "change_requests",
        "landing/changes.csv",
        [
            {
                "change_id": change_id,
                "project_code": "WF-1",
                "title": f"Change {change_id}",
                "raised_date": D("2026-03-01"),
                "status": "approved",
                "decision_date": D(decided),
                "cost_impact": cost,
                "schedule_impact_days": 0,
            }
            for change_id, decided, cost in [
                ("CR-1", "2026-03-10", 2000.0),
                ("CR-2", "2026-06-01", 999.0),
            ]
        ],
    )


def build(work_dir: Path, warehouse: Path) -> DbtBuild:
    return dbt_build(
        work_dir,
        warehouse,
        "build",
        "--select",
        "+rpt_lesson_themes +rpt_project_closure +rpt_project_closure_budget"
        " +rpt_milestone_history +rpt_raid_log",
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


def test_the_closure_figures_are_the_closing_months_earned_value_and_schedule(warehouse) -> None:
    closure = warehouse.one("select * from rpt_project_closure where project_code = 'WF-1'")
    final = warehouse.one(
        "select * from fct_earned_value_monthly where project_code = 'WF-1'"
        " and reporting_month = date '2026-04-01'"
    )
    assert closure["closed_from_month"] == D("2026-04-01")
    assert closure["status_date"] == final["status_date"] == D("2026-04-30")
    for column in (
        "planned_value",
        "earned_value",
        "estimate_at_completion",
        "estimate_at_completion_method",
        "variance_at_completion",
        "schedule_performance_index",
        "planned_duration_months",
        "actual_time_months",
        "earned_schedule_months",
        "schedule_variance_time_months",
    ):
        assert closure[column] == final[column], column
    # closed: the estimate at completion is what it cost, and the method says so
    assert closure["estimate_at_completion"] == pytest.approx(closure["actual_cost"])
    assert closure["estimate_at_completion_method"] == "Actual cost (closed)"
    assert closure["actual_cost"] == pytest.approx(6580.0)
    assert (closure["original_budget_at_completion"], closure["budget_at_completion"]) == (
        10000.0,
        12000.0,
    )
    # the last milestone reached (Go-live, 28 Apr) against the planned finish (30 Jun)
    assert (closure["actual_finish_date"], closure["finish_variance_days"]) == (
        D("2026-04-28"),
        -63,
    )
    assert (closure["milestone_count"], closure["milestone_on_time_ratio"]) == (2, 0.0)
    assert closure["max_milestone_slippage_days"] == 8
    assert (closure["materialised_risk_count"], closure["materialised_risk_impact"]) == (1, 1500.0)
    # CR-2 is approved after the as-of date; LL-9 recorded after it
    assert (closure["approved_change_count"], closure["approved_change_cost"]) == (1, 2000.0)
    assert closure["lesson_count"] == 1


def test_the_budget_outcome_adds_up_by_expense_type_to_the_closing_months_cost(warehouse) -> None:
    lines = warehouse.rows(
        "select * from rpt_project_closure_budget where project_code = 'WF-1' order by line_order"
    )
    total = lines[-1]
    assert (total["line_level"], total["expense_type_label"], total["cost_category_label"]) == (
        "total",
        "All",
        "all categories",
    )
    assert total["budget_at_completion"] == pytest.approx(12000.0)
    assert total["actual_cost"] == pytest.approx(6580.0)
    assert total["budget_variance_amount"] == pytest.approx(5420.0)
    assert total["budget_variance_pct"] == pytest.approx(5420 / 120)
    finance = warehouse.rows(
        "select expense_type, cost_category, budget_at_completion, cumulative_actual_cost"
        " from fct_project_financials_monthly where project_code = 'WF-1'"
        " and reporting_month = date '2026-04-01' order by expense_type, cost_category"
    )
    categories = [line for line in lines if line["line_level"] == "category"]
    assert [
        (line["expense_type"], line["cost_category"], line["budget_at_completion"])
        for line in categories
    ] == [
        (row["expense_type"], row["cost_category"], row["budget_at_completion"]) for row in finance
    ]
    for expense_type in {row["expense_type"] for row in finance}:
        subtotal = next(
            line
            for line in lines
            if line["line_level"] == "expense type" and line["expense_type"] == expense_type
        )
        assert subtotal["expense_type_label"] == expense_type.upper()
        assert subtotal["actual_cost"] == pytest.approx(
            sum(r["cumulative_actual_cost"] for r in finance if r["expense_type"] == expense_type)
        )
        # each expense type's categories, then its subtotal
        own = [line["line_order"] for line in categories if line["expense_type"] == expense_type]
        assert subtotal["line_order"] == max(own) + 1
    assert [line["is_subtotal"] for line in lines].count(True) == 1 + len(
        {row["expense_type"] for row in finance}
    )


def test_each_milestones_dates_are_told_as_they_moved(warehouse) -> None:
    history = warehouse.rows(
        "select milestone_name, snapshot_date, change_kind, detail, slip_days"
        " from rpt_milestone_history where project_code = 'WF-1'"
        " order by milestone_order, snapshot_date"
    )
    assert [tuple(row.values()) for row in history] == [
        (
            "Design approved",
            D("2026-01-31"),
            "planned",
            "planned for 15 Feb 2026 (baseline 15 Feb 2026)",
            0,
        ),
        ("Design approved", D("2026-02-28"), "reached", "reached on 20 Feb 2026", 5),
        (
            "Go-live",
            D("2026-01-31"),
            "planned",
            "planned for 15 Apr 2026 (baseline 15 Apr 2026)",
            0,
        ),
        (
            "Go-live",
            D("2026-02-28"),
            "forecast moved",
            "forecast moved 9 days later to 24 Apr 2026",
            9,
        ),
        (
            "Go-live",
            D("2026-03-31"),
            "re-baselined",
            "baseline moved from 15 Apr 2026 to 20 Apr 2026",
            4,
        ),
        ("Go-live", D("2026-04-30"), "reached", "reached on 28 Apr 2026", 8),
    ]


def test_the_risks_that_materialised_and_the_logs_as_they_stand_at_the_as_of_date(
    warehouse,
) -> None:
    [risk] = warehouse.rows("select * from rpt_project_materialised_risks")
    assert (risk["project_code"], risk["risk_id"], risk["impact_cost"], risk["impact_days"]) == (
        "WF-1",
        "R-1",
        1500.0,
        12,
    )
    assert (risk["first_occurred_month"], risk["last_occurred_month"]) == (
        D("2026-03-01"),
        D("2026-03-01"),
    )
    assert (risk["latest_status"], risk["closed_date"]) == ("closed", D("2026-04-15"))
    log = warehouse.rows(
        "select item_type, item_id, closed_date, is_open, days_open from rpt_raid_log"
        " where project_code = 'WF-1' order by type_order, raised_date"
    )
    assert [tuple(row.values()) for row in log] == [
        ("issue", "ISS-1", D("2026-02-20"), False, 18),
        ("issue", "ISS-2", None, True, 29),  # resolved after the as-of date: open at it
        ("decision", "DEC-1", D("2026-02-25"), False, 15),
    ]
