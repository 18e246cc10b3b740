"""Working calendars and their exceptions through the real loader: a PMO's holiday list (for
every project or one), a project's week, an MS Project plan's calendar, and what is refused."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.load import load_landing
from pipelines.ingest.warehouse import connect
from tests.ingest.test_load import PEOPLE, PROJECTS, rows, write

D = date.fromisoformat
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mspdi"


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    folder = tmp_path / "landing"
    write(folder / "master" / "projects.csv", PROJECTS, mtime=1_700_000_000)
    write(folder / "master" / "people.csv", PEOPLE, mtime=1_700_000_000)
    return folder


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = connect(tmp_path / "warehouse" / "pmo.duckdb")
    yield connection
    connection.close()


def test_a_holiday_list_for_every_project_and_its_quarantined_rows(landing, con) -> None:
    write(
        landing / "calendars" / "holidays.csv",
        "Project Code,Exception Name,Start Date,End Date,Is Working,Snapshot Date\n"
        ",New Year's Day,2026-01-01,,,2025-12-01\n"  # every project; one day
        ",Christmas,2026-12-24,2026-12-26,no,2025-12-01\n"
        "pay,Release weekend,2026-03-14,2026-03-15,yes,2025-12-01\n"  # worked days, one project
        ",Easter Monday,2026-04-31,,,2025-12-01\n"  # no such date
        ",Summer shutdown,2026-08-14,2026-08-10,,2025-12-01\n"  # ends before it starts
        "NOPE,Site day,2026-05-01,,,2025-12-01\n",  # unknown project
    )
    load_landing(con, landing)
    assert rows(
        con,
        "select project_code, exception_name, start_date, end_date, is_working, snapshot_date"
        " from raw.calendar_exceptions order by source_line",
    ) == [
        (None, "New Year's Day", D("2026-01-01"), D("2026-01-01"), None, D("2025-12-01")),
        (None, "Christmas", D("2026-12-24"), D("2026-12-26"), False, D("2025-12-01")),
        ("PAY", "Release weekend", D("2026-03-14"), D("2026-03-15"), True, D("2025-12-01")),
    ]
    assert rows(
        con,
        "select source_line, column_name, found_value, reason from raw.quarantine"
        " where entity = 'calendar_exceptions' order by source_line, column_name",
    ) == [
        (  # one row per line, every problem of it named (the empty end is the start)
            5,
            "start_date",
            "2026-04-31",
            "start_date: found '2026-04-31', expected a date (YYYY-MM-DD); end_date: found"
            " '2026-04-31', expected a date (YYYY-MM-DD)",
        ),
        (
            6,
            "end_date",
            "2026-08-10",
            "end_date: found '2026-08-10', expected a date on or after start_date (2026-08-14)",
        ),
        (
            7,
            "project_code",
            "NOPE",
            "project_code: unknown project 'NOPE', expected a project listed in projects",
        ),
    ]


def test_a_project_week_and_a_week_without_working_day(landing, con) -> None:
    write(
        landing / "calendars" / "weeks.xlsx.csv",
        "project_code,calendar_name,is_monday_working,is_tuesday_working,is_wednesday_working,"
        "is_thursday_working,is_friday_working,is_saturday_working,is_sunday_working,"
        "hours_per_day,snapshot_date\n"
        "CRM,Four-day week,yes,yes,yes,yes,no,no,no,10,2026-01-01\n"
        ",Standard,true,true,true,true,true,false,false,8,2026-01-01\n"
        "PAY,Closed,false,false,false,false,false,false,false,,2026-01-01\n",
    )
    load_landing(con, landing)
    assert rows(
        con,
        "select project_code, calendar_name, is_friday_working, hours_per_day"
        " from raw.working_calendars order by source_line",
    ) == [("CRM", "Four-day week", False, 10.0), (None, "Standard", True, 8.0)]
    ((line, reason),) = rows(
        con,
        "select source_line, reason from raw.quarantine where entity = 'working_calendars'",
    )
    assert (line, reason) == (
        4,
        "is_monday_working .. is_sunday_working: found no working day in calendar 'Closed',"
        " expected at least one weekday set to true",
    )


def test_an_ms_project_plans_calendar_loads_and_an_unread_recurrence_is_named(landing, con) -> None:
    write(
        landing / "master" / "site.csv",
        "project_code,project_name,portfolio,methodology,start_date,planned_finish_date\n"
        "PRJ-004,Site works,Build,waterfall,2026-01-05,2026-12-31\n",
        mtime=1_700_000_001,
    )
    shutil.copy(FIXTURES / "site_calendar_plan.xml", landing / "site_calendar_plan.xml")
    load_landing(con, landing)
    assert rows(
        con,
        "select calendar_name, is_monday_working, is_friday_working, hours_per_day,"
        " snapshot_date from raw.working_calendars",
    ) == [("Site 4x10", True, False, 10.0, D("2026-10-30"))]
    assert rows(
        con, "select start_date, end_date from raw.calendar_exceptions order by start_date"
    ) == [
        (D("2026-01-01"), D("2026-01-01")),
        (D("2026-08-03"), D("2026-08-07")),
        (D("2026-11-07"), D("2026-11-07")),
        (D("2026-12-24"), D("2026-12-25")),
        (D("2027-01-01"), D("2027-01-01")),
    ]
    assert rows(
        con,
        "select source_line, reason from raw.quarantine where entity = 'calendar_exceptions'",
    ) == [
        (
            162,
            "end_date: found 'every week (MS Project recurring exception, type 6)', expected a"
            " date (YYYY-MM-DD)",
        )
    ]
