"""Working calendars in the critical path pass, on a network computed by hand through the real
dbt build.

Every project shares a PMO holiday list (no project_code): Wednesday 4 February 2026 is off.
H keeps Monday to Friday; FW works a four-day week (Monday to Thursday, working_calendars).
January's plans are of Fri 30 Jan (data date Mon 2 Feb); nothing has started.

    H/A 1d  no predecessor              H/B 2d  FS H/A
    H/D 9d  no link (sets H's finish)   FW/X 2d FS H/B +1 (a lag in FW's days)
    FW/Y 4d FS FW/X

H's working days from Mon 2 Feb: Mon 2 (0), Tue 3 (1), Thu 5 (2), Fri 6 (3), Mon 9 (4) ...
Fri 13 (8). FW's: Mon 2 (0), Tue 3 (1), Thu 5 (2), Mon 9 (3), Tue 10 (4), Wed 11 (5), Thu 12
(6), Mon 16 (7) ... Wed 18 (9).

Forward: A Mon 2; B Tue 3 and Thu 5 (the holiday inside its span: it finishes Thu 5, one
working day later than Wed 4); X waits for B's last day (Thu 5), FW's next working day is Mon 9
(Fridays off), plus one FW day: Tue 10 - Wed 11; Y Thu 12, Mon 16, Tue 17, Wed 18 (Fri 13 off).
D Mon 2 - Fri 13 (9 days without Wed 4): H finishes Fri 13, FW Wed 18.
Backward: Y and X have no float. X's latest start Tue 10 less one FW day is Mon 9: B may finish
by the end of Fri 6 (H's last working day before it), so B's float is 1, its late dates Thu 5 -
Fri 6; A's late finish is B's late start less nothing: Tue 3, float 1.

February's plans are of Fri 27 Feb (data date Mon 2 Mar), nothing started; FW's own exceptions
file of that day adds a year-end shutdown (22-31 Dec 2025: 7 FW working days) that January did
not know. A Mon 2 Mar, B Tue 3 - Wed 4, X after Thu 5 + 1: Mon 9 - Tue 10, Y Wed 11 - Tue 17 Mar;
D Mon 2 - Thu 12 Mar. Drift, in each month's own calendar: H Fri 13 Feb -> Thu 12 Mar = 19
working days; FW Wed 18 Feb -> Tue 17 Mar = 15 FW days (the shutdown, long past, moves no date:
counting positions against January's calendar would say 8).

A catch-up Saturday. S keeps Monday to Friday (no week of its own) and the company day, and its
own exceptions file makes Saturday 14 February a working day. Its January plan:

    S/T1 2d  no predecessor (Mon 9 - Tue 10 Feb)
    S/T2 5d  FS S/T1 (planned Mon 16 - Fri 20 Feb: five days of a week without exceptions)
    S/T3 1d  FS S/T2

T1 Mon 9 - Tue 10; T2 Wed 11, Thu 12, Fri 13, Sat 14, Mon 16: it finishes Mon 16, one working
day earlier than without the Saturday (Tue 17); T3 Tue 17. Every task is critical. The link T2
-> T3 asks T3 to start on Tue 17, counted with the Saturday (without it, T3 would show a day of
slack it does not have). Days left from Mon 2 Feb: Mon 2, Tue 3, Thu 5 ... Fri 13, Sat 14, Mon 16,
Tue 17 = 12.
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
JANUARY, FEBRUARY = "2026-01-30", "2026-02-27"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def project(code: str) -> dict[str, Any]:
    return {
        "project_code": code,
        "project_name": f"Project {code}",
        "portfolio": "Ops",
        "methodology": "waterfall",
        "start_date": D("2026-02-02"),
        "planned_finish_date": D("2026-03-31"),
        "status": "active",
        "currency": "EUR",
    }


def task(code: str, key: str, start: str, finish: str, snapshot: str) -> dict[str, Any]:
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
    }


def plan(snapshot: str) -> list[dict[str, Any]]:
    """Durations as the plans give them, each counted in its project's calendar."""
    return [
        task("H", "A", "2026-02-02", "2026-02-02", snapshot),  # 1 day
        task("H", "B", "2026-02-09", "2026-02-10", snapshot),  # 2 days
        task("H", "D", "2026-02-02", "2026-02-13", snapshot),  # 9 days (Wed 4 off)
        task("FW", "X", "2026-02-09", "2026-02-10", snapshot),  # 2 FW days
        task("FW", "Y", "2026-02-16", "2026-02-19", snapshot),  # 4 FW days
    ]


def link(code: str, key: str, other: str, predecessor: str, lag: float, snapshot: str):
    return {
        "project_code": code,
        "task_key": key,
        "predecessor_project_code": other,
        "predecessor_key": predecessor,
        "link_type": "fs",
        "lag_days": lag,
        "snapshot_date": D(snapshot),
    }


def links(snapshot: str) -> list[dict[str, Any]]:
    return [
        link("H", "B", "H", "A", 0, snapshot),
        link("FW", "X", "H", "B", 1, snapshot),
        link("FW", "Y", "FW", "X", 0, snapshot),
    ]


def week(code: str | None, name: str, working: str, snapshot: str) -> dict[str, Any]:
    return {
        "project_code": code,
        "calendar_name": name,
        **{f"is_{day}_working": flag == "1" for day, flag in zip(WEEKDAYS, working, strict=True)},
        "hours_per_day": 10.0,
        "snapshot_date": D(snapshot),
    }


def exception(
    code: str | None, name: str, start: str, end: str, snapshot: str, *, working: bool = False
) -> dict:
    return {
        "project_code": code,
        "exception_name": name,
        "start_date": D(start),
        "end_date": D(end),
        "is_working": working,
        "snapshot_date": D(snapshot),
    }


def catch_up_plan() -> list[dict[str, Any]]:
    """S's January plan: a five-day task the links move across its catch-up Saturday."""
    return [
        task("S", "T1", "2026-02-09", "2026-02-10", JANUARY),  # 2 days
        task("S", "T2", "2026-02-16", "2026-02-20", JANUARY),  # 5 days
        task("S", "T3", "2026-02-18", "2026-02-18", JANUARY),  # 1 day
    ]


def load(con: duckdb.DuckDBPyConnection) -> None:
    load_portfolio(con, {"projects": [project("H"), project("FW"), project("S")]})
    insert_raw_rows(
        con, "tasks", "landing/plan.csv", plan(JANUARY) + plan(FEBRUARY) + catch_up_plan()
    )
    insert_raw_rows(
        con,
        "dependencies",
        "landing/links.csv",
        links(JANUARY)
        + links(FEBRUARY)
        + [link("S", "T2", "S", "T1", 0, JANUARY), link("S", "T3", "S", "T2", 0, JANUARY)],
    )
    insert_raw_rows(
        con,
        "calendar_exceptions",
        "landing/s_catch_up.csv",
        [
            exception(
                "S", "Catch-up Saturday", "2026-02-14", "2026-02-14", "2026-01-15", working=True
            )
        ],
    )
    insert_raw_rows(
        con,
        "working_calendars",
        "landing/weeks.csv",
        [week("FW", "Four-day week", "1111000", "2026-01-01")],
    )
    insert_raw_rows(
        con,
        "calendar_exceptions",
        "landing/holidays.csv",
        [exception(None, "Company day", "2026-02-04", "2026-02-04", "2025-12-01")],
    )
    insert_raw_rows(
        con,
        "calendar_exceptions",
        "landing/fw_days_off.csv",
        [
            exception("FW", "Team day", "2026-03-30", "2026-03-30", "2026-01-15"),
            exception("FW", "Team day", "2026-03-30", "2026-03-30", "2026-02-27"),
            exception("FW", "Year-end shutdown", "2025-12-22", "2025-12-31", "2026-02-27"),
        ],
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    path, result = built_portfolio(tmp_path_factory, "dbt_working_calendars", load, build_schedule)
    return BuiltWarehouse(path, result)


def h_and_fw(tasks: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The tasks of H and FW (S has a test of its own)."""
    return {key: row for key, row in tasks.items() if key.split("/")[0] in ("H", "FW")}


def test_each_project_counts_its_own_calendar_across_a_link(warehouse) -> None:
    tasks = h_and_fw(schedule_network(warehouse, "2026-01-01"))
    got = {key: pass_dates_and_float(row) for key, row in tasks.items()}
    assert got == {
        "H/A": ("2026-02-02", "2026-02-02", "2026-02-03", "2026-02-03", 1, 0),
        # the holiday inside its span: Tue 3 and Thu 5
        "H/B": ("2026-02-03", "2026-02-05", "2026-02-05", "2026-02-06", 1, 1),
        "H/D": ("2026-02-02", "2026-02-13", "2026-02-02", "2026-02-13", 0, 0),
        # after B's last day (Thu 5), FW's next working day (Mon 9) and one FW day of lag
        "FW/X": ("2026-02-10", "2026-02-11", "2026-02-10", "2026-02-11", 0, 0),
        # four FW days: Thu 12, Mon 16, Tue 17, Wed 18 (Fridays off)
        "FW/Y": ("2026-02-12", "2026-02-18", "2026-02-12", "2026-02-18", 0, 0),
    }
    assert {key: row["calendar_name"] for key, row in tasks.items()} == {
        "H/A": "Monday to Friday",
        "H/B": "Monday to Friday",
        "H/D": "Monday to Friday",
        "FW/X": "Four-day week",
        "FW/Y": "Four-day week",
    }
    assert tasks["FW/X"]["driving_predecessor_name"] == "H · Task B (B)"
    assert sorted(key for key, row in tasks.items() if row["is_critical"]) == [
        "FW/X",
        "FW/Y",
        "H/D",
    ]
    slack = {
        (row["predecessor_key"], row["task_key"]): (row["link_slack_days"], row["is_driving"])
        for row in warehouse.rows(
            "select * from fct_schedule_links_monthly where network_month = ?"
            " and project_code in ('H', 'FW')",
            [D("2026-01-01")],
        )
    }
    assert slack == {("A", "B"): (0, True), ("B", "X"): (0, True), ("X", "Y"): (0, True)}


def test_the_calendars_in_force_and_where_they_come_from(warehouse) -> None:
    weeks = warehouse.rows(
        "select network_month, project_code, calendar_name, calendar_source, is_friday_working"
        " from int_schedule_calendars_monthly where project_code in ('H', 'FW') order by all"
    )
    assert [tuple(row.values()) for row in weeks] == [
        (D("2026-01-01"), "FW", "Four-day week", "project", False),
        (D("2026-01-01"), "H", "Monday to Friday", "default", True),
        (D("2026-02-01"), "FW", "Four-day week", "project", False),
        (D("2026-02-01"), "H", "Monday to Friday", "default", True),
    ]
    days_off = warehouse.rows(
        "select network_month, project_code, exception_name, snapshot_date"
        " from int_schedule_calendar_exceptions_monthly where project_code in ('H', 'FW')"
        " order by all"
    )
    assert [tuple(row.values()) for row in days_off] == [
        # January: FW's file of 15 Jan (its 27 Feb one is not yet in force)
        (D("2026-01-01"), "FW", "Company day", D("2025-12-01")),
        (D("2026-01-01"), "FW", "Team day", D("2026-01-15")),
        (D("2026-01-01"), "H", "Company day", D("2025-12-01")),
        (D("2026-02-01"), "FW", "Company day", D("2025-12-01")),
        (D("2026-02-01"), "FW", "Team day", D("2026-02-27")),
        (D("2026-02-01"), "FW", "Year-end shutdown", D("2026-02-27")),
        (D("2026-02-01"), "H", "Company day", D("2025-12-01")),
    ]


def test_drift_and_days_left_are_in_each_projects_working_days(warehouse) -> None:
    tasks = h_and_fw(schedule_network(warehouse, "2026-02-01"))
    assert {
        key: (row["early_start"].isoformat(), row["early_finish"].isoformat())
        for key, row in tasks.items()
    } == {
        "H/A": ("2026-03-02", "2026-03-02"),
        "H/B": ("2026-03-03", "2026-03-04"),
        "H/D": ("2026-03-02", "2026-03-12"),
        "FW/X": ("2026-03-09", "2026-03-10"),
        "FW/Y": ("2026-03-11", "2026-03-17"),
    }
    path = {
        row["project_code"]: row
        for row in warehouse.rows(
            "select * from rpt_schedule_critical_path_monthly order by reporting_month"
        )
        if row["reporting_month"] == D("2026-02-01") and row["project_code"] in ("H", "FW")
    }
    assert (path["H"]["finish_drift_days"], path["FW"]["finish_drift_days"]) == (19, 15)
    days_left = {code: row["critical_path_remaining_days"] for code, row in path.items()}
    assert days_left == {"H": 9, "FW": 10}
    assert {code: row["calendar_name"] for code, row in path.items()} == {
        "H": "Monday to Friday",
        "FW": "Four-day week",
    }
    first = warehouse.rows(
        "select project_code, finish_drift_days, critical_path_remaining_days"
        " from rpt_schedule_critical_path_monthly where reporting_month = ?"
        " and project_code in ('H', 'FW') order by all",
        [D("2026-01-01")],
    )
    # January: Mon 2 - Fri 13 Feb less Wed 4 is 9 days for H; FW's 10 (Wed 4 and Fridays off)
    assert [tuple(row.values()) for row in first] == [("FW", None, 10), ("H", None, 9)]


def test_a_catch_up_saturday_is_a_working_day(warehouse) -> None:
    tasks = schedule_network(warehouse, "2026-01-01")
    got = {key: pass_dates_and_float(row) for key, row in tasks.items() if key[0] == "S"}
    assert got == {
        "S/T1": ("2026-02-09", "2026-02-10", "2026-02-09", "2026-02-10", 0, 0),
        # Wed 11, Thu 12, Fri 13, Sat 14 (worked), Mon 16: a day earlier than Tue 17
        "S/T2": ("2026-02-11", "2026-02-16", "2026-02-11", "2026-02-16", 0, 0),
        "S/T3": ("2026-02-17", "2026-02-17", "2026-02-17", "2026-02-17", 0, 0),
    }
    assert tasks["S/T2"]["duration_days"] == 5
    slack = {
        (row["predecessor_key"], row["task_key"]): (row["link_slack_days"], row["is_driving"])
        for row in warehouse.rows(
            "select * from fct_schedule_links_monthly where network_month = ?"
            " and project_code = 'S'",
            [D("2026-01-01")],
        )
    }
    # T3's start counted with the Saturday: no slack on the link that drives it
    assert slack == {("T1", "T2"): (0, True), ("T2", "T3"): (0, True)}
    summary = warehouse.one(
        "select critical_path_finish_date, critical_path_remaining_days, critical_task_count"
        " from rpt_schedule_critical_path_monthly where project_code = 'S'"
        " and reporting_month = ?",
        [D("2026-01-01")],
    )
    assert tuple(summary.values()) == (D("2026-02-17"), 12, 3)
    # the worked Saturday is S's: H and FW keep theirs off
    assert {key: row["early_finish"] for key, row in tasks.items() if key[0] == "H"}["H/D"] == (
        D("2026-02-13")
    )
