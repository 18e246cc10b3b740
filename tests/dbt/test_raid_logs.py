"""Issues, decisions and actions (issue 14 §3) through the real dbt build, on logs read by hand.

Project P runs Jan-Mar 2026 (as of 31 Mar 2026). Its logs:

- ISS-1 raised 5 Jan, due 19 Jan, resolved 10 Feb, escalated to the programme: open and overdue
  at the end of January (age 26 days, 12 days overdue), resolved in February.
- ISS-2 raised 2 Mar, due 31 Mar, open, escalated to the steering committee: age 29 days at the
  end of March, not overdue (due on the month's last day).
- PAY-7, a Jira issue of type Impediment created 9 Feb, unresolved: open in February and March.
- DEC-1 for the steering committee, raised 12 Jan, needed by 15 Mar, decided 20 Mar: awaits the
  committee in January and February; decided in March.
- DEC-2 for the project board, raised 2 Mar, needed by 20 Mar, open: overdue by 11 days at the end
  of March, not the committee's.
- ACT-1 raised 5 Jan, due 10 Jan, done 8 Jan; ACT-2 raised 2 Feb, due 27 Feb, open: overdue by
  1 day at the end of February and 32 at the end of March.

The status note of March asks for a decision too; P keeps a decision log, so its RIDAC lists the
log's open decision instead.
"""

from __future__ import annotations

from datetime import date, datetime
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
JAN, FEB, MAR = D("2026-01-01"), D("2026-02-01"), D("2026-03-01")


def load(con: duckdb.DuckDBPyConnection) -> None:
    load_portfolio(
        con,
        {
            "projects": [
                {
                    "project_code": "P",
                    "project_name": "Project P",
                    "portfolio": "Ops",
                    "methodology": "hybrid",
                    "start_date": D("2026-01-05"),
                    "planned_finish_date": D("2026-12-18"),
                    "status": "active",
                    "currency": "EUR",
                    "sponsor": "Sam Sponsor",
                }
            ],
            "timesheets": [
                {
                    "employee_id": "E1",
                    "project_code": "P",
                    "work_date": D("2026-03-31"),
                    "hours": 8.0,
                }
            ],
            "people": [{"employee_id": "E1", "full_name": "Ann Lee"}],
            "status_notes": [
                {
                    "project_code": "P",
                    "report_month": MAR,
                    "author": "Pat Manager",
                    "overall_status": "amber",
                    "summary": "Behind on integration.",
                    "decisions_needed": "Approve the overtime budget",
                    "decision_owner": "Sam Sponsor",
                    "decision_due_date": D("2026-04-10"),
                }
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
                "raised_date": D("2026-01-05"),
                "owner": "Ann Lee",
                "priority": "high",
                "escalation_level": "programme",
                "due_date": D("2026-01-19"),
                "resolved_date": D("2026-02-10"),
                "status": "resolved",
            },
            {
                "issue_id": "ISS-2",
                "project_code": "P",
                "title": "No test environment",
                "raised_date": D("2026-03-02"),
                "owner": "Ann Lee",
                "priority": "critical",
                "escalation_level": "steering_committee",
                "due_date": D("2026-03-31"),
                "status": "open",
            },
        ],
    )
    insert_raw_rows(
        con,
        "tasks",
        "landing/jira.csv",
        [
            {
                "project_code": "P",
                "task_key": "PAY-7",
                "task_name": "Blocked by the firewall change",
                "task_type": "Impediment",
                "status": "Open",
                "status_category": "todo",
                "created_at": datetime(2026, 2, 9, 10),
                "assignee": "Ann Lee",
                "is_summary": False,
                "snapshot_date": D("2026-03-31"),
            }
        ],
    )
    insert_raw_rows(
        con,
        "decisions",
        "landing/decisions.csv",
        [
            {
                "decision_id": "DEC-1",
                "project_code": "P",
                "title": "Accept the new go-live",
                "raised_date": D("2026-01-12"),
                "needed_by_date": D("2026-03-15"),
                "owner": "Sam Sponsor",
                "forum": "steering_committee",
                "status": "decided",
                "decided_date": D("2026-03-20"),
                "outcome": "Accepted",
            },
            {
                "decision_id": "DEC-2",
                "project_code": "P",
                "title": "Pick the archive tool",
                "raised_date": D("2026-03-02"),
                "needed_by_date": D("2026-03-20"),
                "owner": "Pat Manager",
                "forum": "project_board",
                "status": "open",
            },
        ],
    )
    insert_raw_rows(
        con,
        "actions",
        "landing/actions.csv",
        [
            {
                "action_id": "ACT-1",
                "project_code": "P",
                "title": "Call the vendor",
                "raised_date": D("2026-01-05"),
                "owner": "Ann Lee",
                "due_date": D("2026-01-10"),
                "completed_date": D("2026-01-08"),
                "status": "done",
                "related_id": "ISS-1",
            },
            {
                "action_id": "ACT-2",
                "project_code": "P",
                "title": "Write the options paper",
                "raised_date": D("2026-02-02"),
                "owner": "Pat Manager",
                "due_date": D("2026-02-27"),
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
        "+rpt_raid_summary_monthly +rpt_project_ridac_monthly",
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
    path, result = built_portfolio(tmp_path_factory, "dbt_raid_logs", load, build)
    return BuiltWarehouse(path, result)


def items(warehouse: BuiltWarehouse, month: date) -> dict[str, dict[str, Any]]:
    rows = warehouse.rows("select * from fct_raid_items_monthly where reporting_month = ?", [month])
    return {row["item_id"]: row for row in rows}


def summary(warehouse: BuiltWarehouse, month: date) -> dict[str, Any]:
    return warehouse.one(
        "select * from rpt_raid_summary_monthly where project_code = 'P' and reporting_month = ?",
        [month],
    )


def test_each_item_is_open_aged_and_overdue_as_read_by_hand(warehouse) -> None:
    january = items(warehouse, JAN)
    assert set(january) == {"ISS-1", "DEC-1", "ACT-1"}
    assert (january["ISS-1"]["age_days"], january["ISS-1"]["days_overdue"]) == (26, 12)
    assert january["ISS-1"]["is_escalated"] and january["ISS-1"]["escalation_level"] == "programme"
    assert january["DEC-1"]["is_awaiting_steering"]
    assert january["ACT-1"]["is_closed_in_month"] and not january["ACT-1"]["is_open_at_month_end"]

    february = items(warehouse, FEB)
    assert set(february) == {"ISS-1", "PAY-7", "DEC-1", "ACT-2"}
    assert february["ISS-1"]["is_closed_in_month"] and not february["ISS-1"]["is_overdue"]
    assert february["PAY-7"]["item_source"] == "task tracker"
    assert february["ACT-2"]["days_overdue"] == 1

    march = items(warehouse, MAR)
    assert set(march) == {"ISS-2", "PAY-7", "DEC-1", "DEC-2", "ACT-2"}
    assert (march["ISS-2"]["age_days"], march["ISS-2"]["is_overdue"]) == (29, False)
    assert march["ISS-2"]["escalation_level"] == "steering committee"
    assert march["DEC-1"]["is_closed_in_month"] and not march["DEC-1"]["is_awaiting_steering"]
    assert (march["DEC-2"]["days_overdue"], march["DEC-2"]["is_awaiting_steering"]) == (11, False)
    assert march["ACT-2"]["days_overdue"] == 32


def test_the_monthly_summary_counts_what_the_items_say(warehouse) -> None:
    january = summary(warehouse, JAN)
    assert (
        january["open_issue_count"],
        january["overdue_issue_count"],
        january["escalated_issue_count"],
        january["programme_escalation_count"],
        january["decisions_awaiting_steering_count"],
        january["completed_action_count"],
        january["open_action_count"],
    ) == (1, 1, 1, 1, 1, 1, 0)
    march = summary(warehouse, MAR)
    assert (
        march["open_issue_count"],
        march["new_issue_count"],
        march["steering_escalation_count"],
        march["oldest_open_issue_days"],
        march["open_decision_count"],
        march["decisions_awaiting_steering_count"],
        march["overdue_decision_count"],
        march["decisions_made_count"],
        march["overdue_action_count"],
    ) == (2, 1, 1, 50, 1, 0, 1, 1, 1)  # PAY-7: 9 Feb to 31 Mar = 50 days


def test_the_ridac_lists_the_logs_open_items_instead_of_the_notes_decision(warehouse) -> None:
    rows = warehouse.rows(
        "select item_type, reference, title, status from rpt_project_ridac_monthly"
        " where project_code = 'P' and reporting_month = ? order by type_order, item_order",
        [MAR],
    )
    assert [tuple(row.values()) for row in rows] == [
        ("issue", "ISS-2", "No test environment", "escalated: steering committee"),
        ("issue", "PAY-7", "Blocked by the firewall change", "open"),
        ("decision", "DEC-2", "Pick the archive tool", "overdue"),
        ("action", "ACT-2", "Write the options paper", "overdue"),
    ]
    results = warehouse.build.run_results["results"]
    failed = [r["unique_id"] for r in results if r["status"] not in ("pass", "success")]
    assert failed == []
