"""The weekly pack's events (issue 14 §4) through the real dbt build, on a project read by hand.

Project P runs Jan-Jun 2026, as of 31 Mar 2026. Two ISO weeks are checked event by event:
2026-W09 (Mon 23 Feb - Sun 1 Mar, the week February ends in) and 2026-W12 (16-22 Mar).

- Milestones, snapshots of 31 Jan, 27 Feb and 20 Mar: "Design sign-off" (baseline 20 Feb) is
  reached on 25 Feb, 5 days late; "Go-live" (baseline 29 May) moves 12 days later to 10 Jun on
  27 Feb, then 5 days earlier to 5 Jun on 20 Mar.
- Risks, same snapshot dates: R-1 (low) occurs in the 27 Feb snapshot; R-2, raised 24 Feb,
  probability 0.6 x impact €300,000 (high, exposure €180k), closes on 18 Mar after 22 days. So
  the risk dimension goes green (January) -> amber (February: one high risk open).
- ISS-1 is raised on 23 Feb (high, escalated to the programme, due 6 Mar) and resolved on
  17 Mar, 22 days later.
- DEC-1 for the steering committee, needed by 3 Mar, is due 2 days after W09 ends and decided on
  19 Mar; DEC-2, raised 2 Mar and needed by 20 Mar, is 2 days overdue at the end of W12.
- ACT-1, due 20 Feb and open: 9 days overdue at the end of W09, 30 at the end of W12. ACT-2 is
  due 16 Mar, one day beyond W09's 14-day horizon (1 Mar + 14 = 15 Mar), and done on 13 Mar.
  ACT-3, due 5 Apr, is exactly at W12's horizon (22 Mar + 14).
- Status notes of February and March: W09 ends on 1 Mar, so it quotes March's; W08 February's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.dbt.conftest import (
    BuiltWarehouse,
    DbtBuild,
    built_portfolio,
    dbt_build,
    insert_raw_rows,
    load_portfolio,
)

pytestmark = pytest.mark.xdist_group(__name__)  # its tests share one built warehouse

D = date.fromisoformat
W08, W09, W12 = D("2026-02-16"), D("2026-02-23"), D("2026-03-16")
SNAPSHOTS = (D("2026-01-31"), D("2026-02-27"), D("2026-03-20"))


def _milestones() -> list[dict[str, Any]]:
    design = [(D("2026-02-20"), None), (D("2026-02-25"), D("2026-02-25"))]
    go_live = [D("2026-05-29"), D("2026-06-10"), D("2026-06-05")]
    rows = []
    for index, snapshot in enumerate(SNAPSHOTS):
        forecast, actual = design[min(index, 1)]
        rows += [
            {
                "project_code": "P",
                "milestone_name": "Design sign-off",
                "baseline_date": D("2026-02-20"),
                "forecast_date": forecast,
                "actual_date": actual,
                "snapshot_date": snapshot,
            },
            {
                "project_code": "P",
                "milestone_name": "Go-live",
                "baseline_date": D("2026-05-29"),
                "forecast_date": go_live[index],
                "snapshot_date": snapshot,
            },
        ]
    return rows


def _risks() -> list[dict[str, Any]]:
    def risk(snapshot: date, risk_id: str, status: str, **extra: Any) -> dict[str, Any]:
        return (
            {"project_code": "P", "risk_id": risk_id, "status": status}
            | extra
            | {
                "snapshot_date": snapshot,
                "owner": "Ann Lee",
            }
        )

    r1 = {"title": "Supplier insolvency", "probability": 0.2, "impact_cost": 10000.0}
    r1 |= {"raised_date": D("2026-01-10")}
    r2 = {"title": "Data centre move", "probability": 0.6, "impact_cost": 300000.0}
    r2 |= {"raised_date": D("2026-02-24")}
    jan, feb, mar = SNAPSHOTS
    return [
        risk(jan, "R-1", "open", **r1),
        risk(feb, "R-1", "occurred", **r1),
        risk(feb, "R-2", "open", **r2),
        risk(mar, "R-1", "occurred", **r1),
        risk(mar, "R-2", "closed", closed_date=D("2026-03-18"), **r2),
    ]


def load(con: duckdb.DuckDBPyConnection) -> None:
    project = {
        "project_code": "P",
        "project_name": "Project P",
        "portfolio": "Ops",
        "methodology": "waterfall",
        "start_date": D("2026-01-05"),
        "planned_finish_date": D("2026-06-30"),
        "status": "active",
        "currency": "EUR",
    }
    note = {"project_code": "P", "author": "Pat Manager", "overall_status": "amber"}
    load_portfolio(
        con,
        {
            "projects": [project],
            "people": [{"employee_id": "E1", "full_name": "Ann Lee"}],
            "timesheets": [
                {"employee_id": "E1", "project_code": "P", "work_date": D("2026-03-31"), "hours": 8}
            ],
            "milestones": _milestones(),
            "risks": _risks(),
            "status_notes": [
                note
                | {
                    "report_month": D("2026-02-01"),
                    "summary": "Design late.",
                    "accomplishments": "Design drafted",
                },
                note
                | {
                    "report_month": D("2026-03-01"),
                    "summary": "Design signed off.",
                    "accomplishments": "Design signed off",
                    "next_steps": "Build",
                },
            ],
        },
    )
    insert_raw_rows(
        con,
        "issues_log",
        "landing/issues.csv",
        [
            {
                "issue_id": "ISS-1",
                "project_code": "P",
                "title": "Vendor late",
                "raised_date": D("2026-02-23"),
                "owner": "Ann Lee",
                "priority": "high",
                "escalation_level": "programme",
                "due_date": D("2026-03-06"),
                "resolved_date": D("2026-03-17"),
                "status": "resolved",
            }
        ],
    )
    decision = {"project_code": "P", "owner": "Sam Sponsor"}
    insert_raw_rows(
        con,
        "decisions",
        "landing/decisions.csv",
        [
            decision
            | {
                "decision_id": "DEC-1",
                "title": "Accept the new go-live",
                "raised_date": D("2026-02-02"),
                "needed_by_date": D("2026-03-03"),
                "forum": "steering_committee",
                "status": "decided",
                "decided_date": D("2026-03-19"),
                "outcome": "Approved",
            },
            decision
            | {
                "decision_id": "DEC-2",
                "title": "Pick the archive tool",
                "raised_date": D("2026-03-02"),
                "needed_by_date": D("2026-03-20"),
                "forum": "project_board",
                "status": "open",
            },
        ],
    )
    action = {"project_code": "P", "owner": "Pat Manager"}
    insert_raw_rows(
        con,
        "actions",
        "landing/actions.csv",
        [
            action
            | {
                "action_id": "ACT-1",
                "title": "Chase the vendor",
                "raised_date": D("2026-02-10"),
                "due_date": D("2026-02-20"),
                "status": "open",
            },
            action
            | {
                "action_id": "ACT-2",
                "title": "Book the test lab",
                "raised_date": D("2026-02-16"),
                "due_date": D("2026-03-16"),
                "completed_date": D("2026-03-13"),
                "status": "done",
            },
            action
            | {
                "action_id": "ACT-3",
                "title": "Plan the cut-over",
                "raised_date": D("2026-03-10"),
                "due_date": D("2026-04-05"),
                "status": "open",
            },
        ],
    )


def build(work_dir: Path, warehouse: Path) -> DbtBuild:
    return dbt_build(
        work_dir,
        warehouse,
        "build",
        "--select",
        "+rpt_portfolio_week_summary",
        "--indirect-selection",
        "cautious",
        "--exclude",
        "test_type:unit",
        "--threads",
        "2",
        "--vars",
        '{"as_of_date": "2026-03-31"}',
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    path, result = built_portfolio(tmp_path_factory, "dbt_week_events", load, build)
    return BuiltWarehouse(path, result)


def events(warehouse: BuiltWarehouse, week: date) -> list[tuple[Any, ...]]:
    rows = warehouse.rows(
        "select event_order, event_type, event_kind, reference, title, detail, event_date, owner"
        " from rpt_project_week_events where project_code = 'P' and week_start = ?"
        " order by event_order",
        [week],
    )
    return [tuple(row.values()) for row in rows]


def test_the_week_february_ends_in_lists_every_event_read_by_hand(warehouse) -> None:
    overall, risk = warehouse.rows(
        "select dimension, previous_status, current_status, health_reason"
        " from rpt_project_health_changes_monthly"
        " where reporting_month = '2026-02-01' and dimension in ('Overall', 'Risk')"
        " order by dimension_order"
    )
    assert (risk["previous_status"], risk["current_status"]) == ("green", "amber")
    assert (overall["previous_status"], overall["current_status"]) == ("green", "amber")
    reason = overall["health_reason"]
    assert "high risks open: 1" in reason
    assert events(warehouse, W09) == [
        (1, "health", "changed", "Overall", "Overall health",
         f"green → amber at the month end (28 Feb 2026): {reason}", D("2026-02-28"), None),
        (2, "health", "changed", "Risk", "Risk health",
         "green → amber at the month end (28 Feb 2026)", D("2026-02-28"), None),
        (3, "milestone", "reached", None, "Design sign-off",
         "reached 5 days after its baseline date (20 Feb 2026)", D("2026-02-25"), None),
        (4, "milestone", "forecast moved", None, "Go-live",
         "forecast moved 12 days later to 10 Jun 2026 (baseline 29 May 2026)",
         D("2026-02-27"), None),
        (5, "risk", "raised", "R-2", "Data centre move",
         "raised; severity high, exposure €180k", D("2026-02-24"), "Ann Lee"),
        (6, "risk", "materialised", "R-1", "Supplier insolvency",
         "occurred: now an issue; impact €10k", D("2026-02-27"), "Ann Lee"),
        (7, "issue", "raised", "ISS-1", "Vendor late",
         "raised, priority high, escalated to the programme, due 6 Mar 2026",
         D("2026-02-23"), "Ann Lee"),
        (8, "decision", "due", "DEC-1", "Accept the new go-live",
         "due 2 days after the week (needed by 3 Mar 2026); for the steering committee",
         D("2026-03-03"), "Sam Sponsor"),
        (9, "action", "overdue", "ACT-1", "Chase the vendor",
         "overdue by 9 days (due 20 Feb 2026)", D("2026-02-20"), "Pat Manager"),
    ]  # fmt: skip


def test_a_mid_month_week_lists_moves_closures_decisions_and_standing_items(warehouse) -> None:
    assert events(warehouse, W12) == [
        (1, "milestone", "forecast moved", None, "Go-live",
         "forecast moved 5 days earlier to 5 Jun 2026 (baseline 29 May 2026)",
         D("2026-03-20"), None),
        (2, "risk", "closed", "R-2", "Data centre move",
         "closed after 22 days on the register", D("2026-03-18"), "Ann Lee"),
        (3, "issue", "resolved", "ISS-1", "Vendor late",
         "resolved after 22 days", D("2026-03-17"), "Ann Lee"),
        (4, "decision", "decided", "DEC-1", "Accept the new go-live",
         "decided: Approved (needed by 3 Mar 2026)", D("2026-03-19"), "Sam Sponsor"),
        (5, "decision", "overdue", "DEC-2", "Pick the archive tool",
         "overdue by 2 days (needed by 20 Mar 2026)", D("2026-03-20"), "Sam Sponsor"),
        (6, "action", "overdue", "ACT-1", "Chase the vendor",
         "overdue by 30 days (due 20 Feb 2026)", D("2026-02-20"), "Pat Manager"),
        (7, "action", "due", "ACT-3", "Plan the cut-over",
         "due 14 days after the week (due 5 Apr 2026)", D("2026-04-05"), "Pat Manager"),
    ]  # fmt: skip


def test_weeks_are_iso_weeks_with_the_colour_and_note_in_force(warehouse) -> None:
    rows = warehouse.rows(
        "select week_start, iso_week, measured_to_date, is_partial_week, overall_status,"
        " health_month, status_note_month, event_count, risk_event_count, action_event_count"
        " from rpt_project_week_status where project_code = 'P' order by week_start"
    )
    weeks = {row["week_start"]: row for row in rows}
    # from the week 1 Jan 2026 falls in (2026-W01 starts on Mon 29 Dec 2025) to the as-of week
    assert (rows[0]["week_start"], rows[0]["iso_week"]) == (D("2025-12-29"), "2026-W01")
    last = rows[-1]
    assert (last["iso_week"], last["measured_to_date"], last["is_partial_week"]) == (
        "2026-W14",
        D("2026-03-31"),
        True,
    )
    assert [weeks[W08]["iso_week"], weeks[W09]["iso_week"], weeks[W12]["iso_week"]] == [
        "2026-W08",
        "2026-W09",
        "2026-W12",
    ]
    # W08 ends before February's month end: January's colour and February's note
    assert (weeks[W08]["overall_status"], weeks[W08]["health_month"]) == ("green", D("2026-01-01"))
    assert weeks[W08]["status_note_month"] == D("2026-02-01")
    assert (weeks[W09]["overall_status"], weeks[W09]["status_note_month"]) == (
        "amber",
        D("2026-03-01"),
    )
    assert (weeks[W09]["event_count"], weeks[W09]["risk_event_count"]) == (9, 2)
    assert (weeks[W12]["event_count"], weeks[W12]["action_event_count"]) == (7, 2)
    summary = warehouse.one(
        "select project_count, projects_with_events_count, event_count, amber_project_count"
        " from rpt_portfolio_week_summary where week_start = ?",
        [W09],
    )
    assert tuple(summary.values()) == (1, 1, 9, 1)
    results = warehouse.build.run_results["results"]
    failed = [r["unique_id"] for r in results if r["status"] not in ("pass", "success")]
    assert failed == []
