"""Critical path (issue 14 §1) on a textbook network computed by hand, through the real dbt build.

Project P (snapshot Fri 30 Jan 2026; data date Mon 2 Feb; nothing started), durations in working
days and every link type with lags and a lead:

    A 3d                      B 4d  FS A
    C 2d  SS A +1             D 5d  FF C +2, FS A -1 (a lead)
    E 3d  SF B +3, FS D       F milestone  FS E, FS B
    Project Q: X 2d  FS P/E (a cross-project link), FS P/Z (Z is not in P's plan)

Working-day positions from Mon 2 Feb (0) to Wed 18 Feb (12), weekends skipped. Forward pass:
A 0-3, C 1-3, D max(0, 3-1)=2 -> 2-7 (its FF asks EF >= 3+2, i.e. ES >= 0), B 3-7,
E max(3+3-3, 7)=7 -> 7-10, F 10, X 10-12. Backward from P's finish 10 (F has no successor):
E LF 10, D LF 7, B LF min(10-3+4, 10)=10 (TF 3), C LF 7-2=5 (TF 2), A LF min(6, 3-1+3, 2+1)=3.
Critical: A, D, E, F (and X, which P's E drives); near-critical: B (3), C (2).

Month 2 (snapshot Wed 4 Feb 2026; data date Thu 5 Feb = 3): A done on its dates; C started on
3 Feb, 0 % done, re-estimated to 3 days (3 left from the data date: finishes at 6); B and D wait.
D max(6+2-5, 3-1, data date 3) = 3 -> 3-8, B 3-7, E 8-11, F 11 (finish Mon 16 Feb, one working day
later than January), X 11-13. C's late finish is D's 8 - 2 = 6: its float fell from 2 to 0, so it
became critical; B's rose to min(11-3+4, 11) - 7 = 4.

A loop across two register files (Q/W after Q/Y, Q/Y after Q/W) is left out and named.

Negative float. The pass asks each project's last tasks to finish by the project's own early
finish (no deadline, no baseline): links alone can never make float negative. Progress can: a
successor started before its predecessor finished keeps its actual start (progress override),
and the backward pass then asks the predecessor to have finished before that start - a date
already past. Project R (snapshot Fri 30 Jan 2026, data date Mon 2 Feb = 0; Fri 30 Jan = -1 ...
Tue 27 Jan = -4, Mon 26 Jan = -5, Thu 22 Jan = -7), Monday to Friday:

    A Design 3d   not started, no predecessor (plan Mon 2 - Wed 4 Feb)
    B Build 6d    FS A; started out of sequence on Tue 27 Jan, 50 % done
    C Test 2d     FS B              D Docs 1d  FS A
    E Go-live     milestone, FS C and FS D

Forward: A 0-3 (Mon 2 - Wed 4 Feb). B keeps its start -4 and finishes the rest, ceil(6 x 50 %) =
3 days, from the data date: -4-3 (Tue 27 Jan - Wed 4 Feb); A does not move it. C max(0, 3) = 3 ->
3-5 (Thu 5 - Fri 6), D 3-4 (Thu 5), E max(5, 4) = 5 (Fri 6). R's finish is 5.
Backward: E LF 5, LS 5; C LF 5, LS 3 (TF 0); D LF 5, LS 4 (TF 1); B LF = C's LS = 3 (TF 0), LS
3 - 7 = -4 (its span runs from its actual start); A LF = min(5, B's LS -4, D's LS 4) = -4, LS -7:
A should have finished by Mon 26 Jan, the day before B started. TF A = -4 - 3 = -7.
Free float: A's link to B leaves -4 - 3 = -7, to D 0, to the finish 2: min -7, capped to
[0, max(TF, 0)] = 0 (free float is never negative, as MS Project's free slack); B: C starts at
its finish, 0; C 0; D: E waits for C, 5 - 4 = 1; E 0. Critical (TF <= 0): A, B, C, E; D is
near-critical (1); the project's lowest float is -7.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pytest

from tests.dbt.conftest import (
    BuiltWarehouse,
    build_schedule,
    built_portfolio,
    insert_raw_rows,
    load_portfolio,
    pass_dates_and_float,
    schedule_network,
)

pytestmark = pytest.mark.xdist_group(__name__)  # its tests share one built warehouse

D = date.fromisoformat
JANUARY, FEBRUARY = "2026-01-30", "2026-02-04"


def project(code: str) -> dict[str, Any]:
    return {
        "project_code": code,
        "project_name": f"Project {code}",
        "portfolio": "Ops",
        "methodology": "waterfall",
        "start_date": D("2026-02-02"),
        "planned_finish_date": D("2026-02-13"),
        "status": "active",
        "currency": "EUR",
    }


def task(code: str, key: str, start: str, finish: str, snapshot: str, **extra: Any) -> dict:
    return {
        "project_code": code,
        "task_key": key,
        "task_name": f"Task {key}",
        "planned_start": D(start),
        "planned_finish": D(finish),
        "forecast_start": D(start),
        "forecast_finish": D(finish),
        "status_category": "todo",
        "percent_complete": 0.0,
        "is_summary": False,
        "is_milestone": False,
        "snapshot_date": D(snapshot),
        **extra,
    }


def plan(snapshot: str) -> list[dict[str, Any]]:
    """Every task starts on the data date in the plan: the links place them."""
    rows = [
        task("P", "A", "2026-02-02", "2026-02-04", snapshot),  # 3 days
        task("P", "B", "2026-02-02", "2026-02-05", snapshot),  # 4 days
        task("P", "C", "2026-02-02", "2026-02-03", snapshot),  # 2 days
        task("P", "D", "2026-02-02", "2026-02-06", snapshot),  # 5 days
        task("P", "E", "2026-02-02", "2026-02-04", snapshot),  # 3 days
        task("P", "F", "2026-02-02", "2026-02-02", snapshot, is_milestone=True),
        task("Q", "X", "2026-02-02", "2026-02-03", snapshot),  # 2 days
        task("Q", "W", "2026-02-02", "2026-02-03", snapshot),
        task("Q", "Y", "2026-02-02", "2026-02-03", snapshot),
        # a backlog item without dates: it cannot be scheduled
        {
            **task("Q", "U", "2026-02-02", "2026-02-03", snapshot),
            "planned_start": None,
            "planned_finish": None,
            "forecast_start": None,
            "forecast_finish": None,
        },
    ]
    if snapshot == JANUARY:
        rows += late_plan(snapshot)
    if snapshot == FEBRUARY:
        for row in rows:
            if row["task_key"] == "A":
                row.update(
                    status_category="done",
                    percent_complete=100.0,
                    actual_start=D("2026-02-02"),
                    actual_finish=D("2026-02-04"),
                )
            if row["task_key"] == "C":  # started, nothing done, now 3 days long
                row.update(
                    status_category="in_progress",
                    actual_start=D("2026-02-03"),
                    forecast_start=D("2026-02-03"),
                    forecast_finish=D("2026-02-05"),
                )
    return rows


def late_plan(snapshot: str) -> list[dict[str, Any]]:
    """Project R: B started before A, its predecessor, began (the docstring's negative float)."""
    return [
        task("R", "A", "2026-02-02", "2026-02-04", snapshot),  # 3 days
        task(
            "R",
            "B",
            "2026-01-27",
            "2026-02-03",  # 6 days
            snapshot,
            status_category="in_progress",
            percent_complete=50.0,
            actual_start=D("2026-01-27"),
        ),
        task("R", "C", "2026-02-02", "2026-02-03", snapshot),  # 2 days
        task("R", "D", "2026-02-02", "2026-02-02", snapshot),  # 1 day
        task("R", "E", "2026-02-02", "2026-02-02", snapshot, is_milestone=True),
    ]


def link(code: str, key: str, other: str, predecessor: str, kind: str, lag: float, snapshot: str):
    return {
        "project_code": code,
        "task_key": key,
        "predecessor_project_code": other,
        "predecessor_key": predecessor,
        "link_type": kind.lower(),
        "lag_days": lag,
        "snapshot_date": D(snapshot),
    }


def links(snapshot: str) -> list[dict[str, Any]]:
    return [
        link("P", "B", "P", "A", "FS", 0, snapshot),
        link("P", "C", "P", "A", "SS", 1, snapshot),
        link("P", "D", "P", "C", "FF", 2, snapshot),
        link("P", "D", "P", "A", "FS", -1, snapshot),
        link("P", "E", "P", "B", "SF", 3, snapshot),
        link("P", "E", "P", "D", "FS", 0, snapshot),
        link("P", "F", "P", "E", "FS", 0, snapshot),
        link("P", "F", "P", "B", "FS", 0, snapshot),
        link("Q", "X", "P", "E", "FS", 0, snapshot),
        link("Q", "X", "P", "Z", "FS", 0, snapshot),
        link("Q", "U", "Q", "X", "FS", 0, snapshot),
    ]


def late_links(snapshot: str) -> list[dict[str, Any]]:
    return [
        link("R", "B", "R", "A", "FS", 0, snapshot),
        link("R", "C", "R", "B", "FS", 0, snapshot),
        link("R", "D", "R", "A", "FS", 0, snapshot),
        link("R", "E", "R", "C", "FS", 0, snapshot),
        link("R", "E", "R", "D", "FS", 0, snapshot),
    ]


def load(con: duckdb.DuckDBPyConnection) -> None:
    load_portfolio(con, {"projects": [project("P"), project("Q"), project("R")]})
    insert_raw_rows(con, "tasks", "landing/plan.csv", plan(JANUARY) + plan(FEBRUARY))
    insert_raw_rows(
        con,
        "dependencies",
        "landing/links.csv",
        links(JANUARY) + links(FEBRUARY) + late_links(JANUARY),
    )
    # two files of the register that, read together, tie W and Y to each other
    insert_raw_rows(
        con, "dependencies", "landing/register_1.csv", [link("Q", "W", "Q", "Y", "FS", 0, JANUARY)]
    )
    insert_raw_rows(
        con, "dependencies", "landing/register_2.csv", [link("Q", "Y", "Q", "W", "FS", 0, JANUARY)]
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    path, result = built_portfolio(tmp_path_factory, "dbt_critical_path", load, build_schedule)
    return BuiltWarehouse(path, result)


def test_forward_and_backward_pass_match_the_hand_computed_network(warehouse) -> None:
    tasks = schedule_network(warehouse, "2026-01-01")
    got = {
        key: pass_dates_and_float(row)
        for key, row in tasks.items()
        if key[0] == "P" or key == "Q/X"
    }
    assert got == {
        "P/A": ("2026-02-02", "2026-02-04", "2026-02-02", "2026-02-04", 0, 0),
        "P/B": ("2026-02-05", "2026-02-10", "2026-02-10", "2026-02-13", 3, 3),
        "P/C": ("2026-02-03", "2026-02-04", "2026-02-05", "2026-02-06", 2, 2),
        "P/D": ("2026-02-04", "2026-02-10", "2026-02-04", "2026-02-10", 0, 0),
        "P/E": ("2026-02-11", "2026-02-13", "2026-02-11", "2026-02-13", 0, 0),
        "P/F": ("2026-02-13", "2026-02-13", "2026-02-13", "2026-02-13", 0, 0),
        "Q/X": ("2026-02-16", "2026-02-17", "2026-02-16", "2026-02-17", 0, 0),
    }
    critical = sorted(key for key, row in tasks.items() if row["is_critical"] and key[0] != "R")
    near = sorted(key for key, row in tasks.items() if row["is_near_critical"] and key[0] != "R")
    assert critical == ["P/A", "P/D", "P/E", "P/F", "Q/X"]
    # W and Y (2 days each, unlinked once their loop is left out) end 10 days before Q's finish
    assert near == ["P/B", "P/C", "Q/W", "Q/Y"]
    assert tasks["Q/W"]["total_float_days"] == 10
    # the link that sets each start: D's lead from A, E after D, X after the other project's E
    assert {key: row["driving_predecessor_key"] for key, row in tasks.items() if key[0] == "P"} == {
        "P/A": None,
        "P/B": "A",
        "P/C": "A",
        "P/D": "A",
        "P/E": "D",
        "P/F": "E",
    }
    assert tasks["Q/X"]["driving_predecessor_project_code"] == "P"
    # as a reader names it: the other project first
    assert tasks["Q/X"]["driving_predecessor_name"] == "P · Task E (E)"
    assert tasks["P/E"]["driving_predecessor_name"] == "Task D (D)"


def test_progress_moves_the_path_and_the_month_reports_the_drift(warehouse) -> None:
    tasks = schedule_network(warehouse, "2026-02-01")
    assert tasks["P/A"]["task_state"] == "Done"
    assert tasks["P/A"]["total_float_days"] is None  # work done has no float
    assert tasks["P/C"]["task_state"] == "In progress"
    assert (tasks["P/C"]["early_finish"], tasks["P/C"]["total_float_days"]) == (D("2026-02-09"), 0)
    assert (tasks["P/D"]["early_start"], tasks["P/D"]["early_finish"]) == (
        D("2026-02-05"),
        D("2026-02-11"),
    )
    assert tasks["P/B"]["total_float_days"] == 4
    assert tasks["P/F"]["early_finish"] == D("2026-02-16")

    path = {
        row["project_code"]: row
        for row in warehouse.rows(
            "select * from rpt_schedule_critical_path_monthly where reporting_month = ?",
            [D("2026-02-01")],
        )
    }
    p = path["P"]
    assert p["critical_path_finish_date"] == D("2026-02-16")
    assert p["previous_critical_path_finish_date"] == D("2026-02-13")
    assert p["finish_drift_days"] == 1  # one working day later (Fri 13 -> Mon 16 Feb)
    assert p["finish_vs_plan_calendar_days"] == 3
    assert p["critical_path_remaining_days"] == 8  # Thu 5 Feb to Mon 16 Feb, working days
    assert p["open_task_count"] == 5
    assert (p["critical_task_count"], p["near_critical_task_count"]) == (4, 1)  # C D E F; B
    assert p["tasks_became_critical_count"] == 1  # C
    assert (p["tasks_losing_float_count"], p["max_float_consumed_days"]) == (1, 2)
    q = path["Q"]
    assert q["critical_path_finish_date"] == D("2026-02-18")  # X after P's E, one day later too
    assert (q["cross_project_link_count"], q["driving_cross_project_link_count"]) == (1, 1)
    assert q["missing_link_count"] == 1


def test_a_missing_predecessor_and_a_loop_across_files_are_named_not_scheduled(
    warehouse,
) -> None:
    issues = warehouse.rows(
        "select project_code, task_key, predecessor_project_code, predecessor_key, link_issue"
        " from fct_schedule_links_monthly where network_month = ? and link_issue is not null"
        " order by all",
        [D("2026-01-01")],
    )
    assert [tuple(row.values()) for row in issues] == [
        ("Q", "U", "Q", "X", "undated"),
        ("Q", "W", "Q", "Y", "loop"),
        ("Q", "X", "P", "Z", "missing_predecessor"),
        ("Q", "Y", "Q", "W", "loop"),
    ]
    tasks = schedule_network(warehouse, "2026-01-01")
    assert tasks["Q/W"]["loop_tasks"] == tasks["Q/Y"]["loop_tasks"] == "Q W, Q Y"
    assert tasks["Q/X"]["loop_tasks"] is None
    assert "Q/U" not in tasks  # no dates: left out of the pass, its link reported as undated
    # reported by warn-severity checks: the build is not stopped
    results = {
        r["unique_id"].split(".")[2]: r["status"]
        for r in warehouse.build.run_results["results"]
        if r["unique_id"].startswith("test.")
    }
    assert results["fct_schedule_network_monthly_no_loop_of_links"] == "warn"
    assert results["fct_schedule_links_monthly_every_link_names_tasks_in_the_plan"] == "warn"
    status, checked = warehouse.build.grain_checks()["fct_schedule_links_monthly"]
    assert status == "pass" and "waiting_tasks_respect_every_link" in checked["rules"]
    failed = [name for name, status in results.items() if status not in ("pass", "warn")]
    assert failed == []


def test_a_successor_started_out_of_sequence_gives_its_predecessor_negative_float(
    warehouse,
) -> None:
    tasks = schedule_network(warehouse, "2026-01-01")
    got = {key: pass_dates_and_float(row) for key, row in tasks.items() if key[0] == "R"}
    assert got == {
        # should have finished by Mon 26 Jan, the day before B started: 7 working days late
        "R/A": ("2026-02-02", "2026-02-04", "2026-01-22", "2026-01-26", -7, 0),
        # its actual start, and its remaining 3 days from the data date
        "R/B": ("2026-01-27", "2026-02-04", "2026-01-27", "2026-02-04", 0, 0),
        "R/C": ("2026-02-05", "2026-02-06", "2026-02-05", "2026-02-06", 0, 0),
        "R/D": ("2026-02-05", "2026-02-05", "2026-02-06", "2026-02-06", 1, 1),
        "R/E": ("2026-02-06", "2026-02-06", "2026-02-06", "2026-02-06", 0, 0),
    }
    assert [tasks[f"R/{key}"]["task_state"] for key in "ABCDE"] == [
        "Not started",
        "In progress",
        "Not started",
        "Not started",
        "Not started",
    ]
    assert sorted(key for key, row in tasks.items() if key[0] == "R" and row["is_critical"]) == [
        "R/A",
        "R/B",
        "R/C",
        "R/E",
    ]
    assert tasks["R/D"]["is_near_critical"] and not tasks["R/A"]["is_near_critical"]
    # progress overrides the link: B's start is its own, no predecessor drives it
    assert tasks["R/B"]["driving_predecessor_key"] is None
    assert (tasks["R/C"]["driving_predecessor_key"], tasks["R/E"]["driving_predecessor_key"]) == (
        "B",
        "C",
    )
    summary = warehouse.one(
        "select critical_path_finish_date, lowest_total_float_days, critical_task_count,"
        " near_critical_task_count from rpt_schedule_critical_path_monthly"
        " where project_code = 'R' and reporting_month = ?",
        [D("2026-01-01")],
    )
    assert tuple(summary.values()) == (D("2026-02-06"), -7, 4, 1)
    # the link A -> B is kept but broken: B started 7 days before A can finish
    slack = warehouse.one(
        "select link_slack_days, link_issue from fct_schedule_links_monthly"
        " where network_month = ? and project_code = 'R' and task_key = 'B'",
        [D("2026-01-01")],
    )
    assert (slack["link_slack_days"], slack["link_issue"]) == (-7, None)
