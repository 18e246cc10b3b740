"""The load rules of DESIGN.md §3, on real files in a temp landing folder and a real DuckDB."""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.config import DataPaths
from pipelines.ingest import detect as detect_module
from pipelines.ingest.contracts import ENTITIES, WEEKDAY_COLUMNS
from pipelines.ingest.load import duplicate_keys, load_landing
from pipelines.ingest.warehouse import connect
from pipelines.status import warehouse_status

PROJECTS = """project_code,project_name,portfolio,methodology,start_date,planned_finish_date,status
PAY,Payments renewal,Digital,hybrid,2025-01-06,2026-06-30,active
CRM,Customer 360,Digital,Agile,2025-03-01,2026-12-31,Active
"""
PEOPLE = """employee_id,full_name,email,team,role,capacity_hours_per_week
E1,Ana Souza,ana@example.com,Payments,Developer,40
E2,Bo Li,bo@example.com,Payments,Tester,32
"""


def write(path: Path, text: str, *, mtime: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


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


def rows(con: duckdb.DuckDBPyConnection, query: str) -> list[tuple]:
    return con.execute(query).fetchall()


def test_good_and_bad_rows_split_with_file_line_column_and_reason(landing, con):
    write(
        landing / "time" / "october.csv",
        "employee_id,project_code,task_key,work_date,hours,is_billable,comment\n"
        "E1,PAY,PAY-1,2026-10-05,7.5,yes,Settlement API\n"
        "ana@example.com,customer 360,CRM-4,2026-10-05,-2,no,\n"  # negative hours
        "E2,NOPE,X-1,2026-10-06,3,,\n"  # unknown project
        "Bo Li,PAY,PAY-2,2026-10-32,4,,\n"  # bad date
        "E1,PAY,PAY-3,9999-12-31,1,,\n"  # a placeholder date that would stretch the calendar
        'E2,PAY,PAY-2,2026-10-07,4,,"multi\nline"\n'
        "E2,CRM,CRM-1,2026-10-08,2,,\n",
    )
    load_landing(con, landing)
    loaded = rows(
        con,
        "select employee_id, project_code, hours, source_line from raw.timesheets"
        " order by source_line",
    )
    assert loaded == [("E1", "PAY", 7.5, 2), ("E2", "PAY", 4.0, 7), ("E2", "CRM", 2.0, 9)]
    quarantined = rows(
        con,
        "select source_file, source_line, column_name, found_value, reason from raw.quarantine"
        " order by source_line",
    )
    assert quarantined == [
        ("time/october.csv", 3, "hours", "-2", "hours: found '-2', expected a value ≥ 0"),
        (
            "time/october.csv",
            4,
            "project_code",
            "NOPE",
            "project_code: unknown project 'NOPE', expected a project listed in projects",
        ),
        (
            "time/october.csv",
            5,
            "work_date",
            "2026-10-32",
            "work_date: found '2026-10-32', expected a date (YYYY-MM-DD)",
        ),
        (
            "time/october.csv",
            6,
            "work_date",
            "9999-12-31",
            "work_date: found '9999-12-31', expected a date between 1970-01-01 and 2099-12-31",
        ),
    ]
    # The quarantined record keeps what the user sent, so nothing is lost.
    record = rows(con, "select record_json from raw.quarantine where source_line = 3")[0][0]
    assert '"employee_id":"ana@example.com"' in record
    log = rows(
        con,
        "select rows_read, rows_loaded, rows_quarantined, status from raw.load_log"
        " where entity = 'timesheets'",
    )
    assert log == [(7, 3, 4, "loaded")]


def test_references_resolve_by_code_name_and_email(landing, con):
    write(
        landing / "time.csv",
        "employee_id,project_code,work_date,hours\n"
        "ANA@EXAMPLE.COM,customer 360,2026-10-05,1\n"
        "bo li,pay,2026-10-05,2\n",
    )
    load_landing(con, landing)
    assert rows(con, "select employee_id, project_code from raw.timesheets order by hours") == [
        ("E1", "CRM"),
        ("E2", "PAY"),
    ]


def test_more_than_24_hours_a_day_across_files_goes_to_quarantine(landing, con):
    write(
        landing / "a.csv",
        "employee_id,project_code,work_date,hours\nE1,PAY,2026-10-05,14\n",
        mtime=1_700_000_100,
    )
    write(
        landing / "b.csv",
        "employee_id,project_code,work_date,hours\nE1,CRM,2026-10-05,12\nE1,CRM,2026-10-06,12\n",
        mtime=1_700_000_200,
    )
    load_landing(con, landing)
    assert rows(con, "select source_file, hours from raw.timesheets order by work_date") == [
        ("a.csv", 14.0),
        ("b.csv", 12.0),
    ]
    assert rows(con, "select source_file, source_line, reason from raw.quarantine") == [
        ("b.csv", 2, "hours: E1 logged 26.0 h on 2026-10-05, expected at most 24 h in a day")
    ]


def test_a_day_one_file_fills_past_24_hours_is_refused_beside_a_day_two_files_share(landing, con):
    header = "employee_id,project_code,work_date,hours\n"
    write(
        landing / "a.csv",
        header + "E1,PAY,2026-10-05,13\nE1,CRM,2026-10-05,12\nE1,PAY,2026-10-07,10\n",
        mtime=1_700_000_100,
    )
    write(
        landing / "b.csv",
        header + "E1,CRM,2026-10-07,15\nE2,PAY,2026-10-05,8\n",
        mtime=1_700_000_200,
    )
    load_landing(con, landing)
    assert rows(con, "select source_file, employee_id, hours from raw.timesheets order by all") == [
        ("a.csv", "E1", 10.0),
        ("b.csv", "E2", 8.0),
    ]
    assert rows(
        con, "select source_file, source_line, reason from raw.quarantine order by all"
    ) == [
        ("a.csv", 2, "hours: E1 logged 25.0 h on 2026-10-05, expected at most 24 h in a day"),
        ("a.csv", 3, "hours: E1 logged 25.0 h on 2026-10-05, expected at most 24 h in a day"),
        ("b.csv", 2, "hours: E1 logged 25.0 h on 2026-10-07, expected at most 24 h in a day"),
    ]


def test_same_file_twice_changes_nothing(landing, con, tmp_path):
    write(landing / "time.csv", "employee_id,project_code,work_date,hours\nE1,PAY,2026-10-05,8\n")
    first = load_landing(con, landing)
    snapshot = {
        t: rows(con, f"select count(*) from raw.{t}")[0][0]
        for t in ("timesheets", "projects", "load_log", "quarantine")
    }
    # A byte-identical copy under another name is the same content: it loads nothing either.
    write(landing / "copy of time.csv", (landing / "time.csv").read_text())
    second = load_landing(con, landing)
    assert [o.status for o in first] == ["loaded"] * 3
    assert second == []
    assert snapshot == {
        t: rows(con, f"select count(*) from raw.{t}")[0][0]
        for t in ("timesheets", "projects", "load_log", "quarantine")
    }


def test_newer_export_replaces_older_by_natural_key(landing, con):
    header = "employee_id,project_code,task_key,work_date,hours\n"
    write(
        landing / "old.csv",
        header + "E1,PAY,PAY-1,2026-10-05,8\nE1,PAY,PAY-1,2026-10-06,8\n",
        mtime=1_700_000_100,
    )
    load_landing(con, landing)
    write(landing / "new.csv", header + "E1,PAY,PAY-1,2026-10-06,6.5\n", mtime=1_700_000_200)
    outcomes = load_landing(con, landing)
    assert [(o.source_file, o.rows_loaded, o.rows_replaced) for o in outcomes] == [
        ("new.csv", 1, 1)
    ]
    assert rows(
        con, "select work_date::varchar, hours, source_file from raw.timesheets order by work_date"
    ) == [("2026-10-05", 8.0, "old.csv"), ("2026-10-06", 6.5, "new.csv")]
    # An older export dropped later does not overwrite the newer rows.
    write(landing / "stale.csv", header + "E1,PAY,PAY-1,2026-10-06,1\n", mtime=1_700_000_150)
    outcomes = load_landing(con, landing)
    assert [(o.source_file, o.rows_loaded) for o in outcomes] == [("stale.csv", 0)]
    assert rows(con, "select hours from raw.timesheets where work_date = '2026-10-06'") == [(6.5,)]


def test_snapshot_entities_keep_history_by_snapshot_date(landing, con):
    header = "risk_id,project_code,title,probability,impact_cost,status\n"
    write(landing / "risks_2026-09-30.csv", header + "R1,PAY,Vendor late,40%,100000,open\n")
    write(landing / "risks_2026-10-31.csv", header + "R1,PAY,Vendor late,0.6,100000,Occurred\n")
    load_landing(con, landing)
    assert rows(
        con,
        "select snapshot_date::varchar, probability, status from raw.risks order by snapshot_date",
    ) == [("2026-09-30", 0.4, "open"), ("2026-10-31", 0.6, "occurred")]


def test_file_level_problems_load_nothing_and_are_logged(landing, con):
    write(landing / "half.csv", "employee_id,project_code,hours\nE1,PAY,8\n")  # no work_date
    (landing / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    write(landing / "notes.txt", "just some notes\nnothing tabular\n")
    load_landing(con, landing)
    log = dict(rows(con, "select source_file, error from raw.load_log where status = 'rejected'"))
    assert "missing required column(s): work_date" in log["half.csv"]
    assert "pmo template timesheets" in log["half.csv"]
    assert "binary" in log["photo.csv"]
    assert "unknown format" in log["notes.txt"]
    assert rows(con, "select count(*) from raw.timesheets") == [(0,)]


def test_oversized_file_is_rejected_with_its_size(landing, con, monkeypatch):
    monkeypatch.setattr(detect_module, "MAX_FILE_BYTES", 100)
    write(
        landing / "big.csv",
        "employee_id,project_code,work_date,hours\n" + "E1,PAY,2026-10-05,1\n" * 20,
    )
    load_landing(con, landing)
    error = rows(con, "select error from raw.load_log where source_file = 'big.csv'")[0][0]
    assert "over the" in error and "limit" in error


def test_lineage_on_every_row_and_landing_untouched(landing, con):
    path = write(
        landing / "time.csv",
        "employee_id,project_code,work_date,hours,comment\n"
        'E1,PAY,2026-10-05,8,"=HYPERLINK(""http://evil"",""x"")"\n',
    )
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in landing.rglob("*.csv")}
    load_landing(con, landing)
    lineage = rows(
        con,
        "select source_file, source_sha256, source_line, source_format, load_id,"
        " loaded_at is not null, comment from raw.timesheets",
    )
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert lineage == [
        (
            "time.csv",
            sha,
            2,
            "canonical_timesheets",
            f"{sha[:16]}:timesheets",
            True,
            '=HYPERLINK("http://evil","x")',
        )
    ]
    assert before == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in landing.rglob("*.csv")}


def test_dates_far_from_their_projects_dates_are_taken_for_typos(landing, con, tmp_path):
    write(
        landing / "time.csv",
        "employee_id,project_code,task_key,work_date,hours\n"
        "E1,PAY,PAY-1,2026-10-05,7.5\n"
        "E1,PAY,PAY-1,2062-10-05,4\n"  # 2026 typed as 2062: 36 years after PAY's finish
        "E2,CRM,CRM-1,2019-03-01,2\n"  # six years before CRM starts
        "E2,CRM,CRM-1,2031-12-30,2\n",  # five years after CRM's planned finish: kept
    )
    write(
        landing / "milestones.csv",
        "project_code,milestone_id,milestone_name,baseline_date,forecast_date,snapshot_date\n"
        "PAY,M1,Go-live,2026-06-30,2206-07-15,2026-10-31\n",
    )
    load_landing(con, landing)
    assert rows(con, "select work_date::varchar from raw.timesheets order by 1") == [
        ("2026-10-05",),
        ("2031-12-30",),
    ]
    assert rows(
        con, "select source_line, column_name, found_value, reason from raw.quarantine order by 1"
    ) == [
        (
            2,
            "forecast_date",
            "2206-07-15",
            "forecast_date: found '2206-07-15', expected a date between 1970-01-01 and 2099-12-31",
        ),
        (
            3,
            "work_date",
            "2062-10-05",
            "work_date: found '2062-10-05', expected a date within 5 years of project PAY's dates"
            " (2025-01-06 to 2026-06-30): a typo? ([load] date_window_years in settings.toml)",
        ),
        (
            4,
            "work_date",
            "2019-03-01",
            "work_date: found '2019-03-01', expected a date within 5 years of project CRM's dates"
            " (2025-03-01 to 2026-12-31): a typo? ([load] date_window_years in settings.toml)",
        ),
    ]
    # a tighter window is a setting
    other = connect(tmp_path / "tight.duckdb")
    load_landing(other, landing, window_years=1)
    assert rows(other, "select work_date::varchar from raw.timesheets") == [("2026-10-05",)]
    other.close()


def test_symlinks_and_pipes_are_listed_as_rejected_and_never_read(landing, con, tmp_path):
    outside = write(tmp_path / "secret" / "projects.csv", PROJECTS.replace("PAY", "LEAK"))
    (landing / "link.csv").symlink_to(outside)
    load_landing(con, landing)
    assert rows(con, "select count(*) from raw.projects where project_code = 'LEAK'") == [(0,)]
    # listed as rejected with the reason (never followed), and so is a named pipe
    os.mkfifo(landing / "pipe.csv")
    load_landing(con, landing)
    assert rows(con, "select count(*) from raw.projects where project_code = 'LEAK'") == [(0,)]
    rejected = rows(
        con,
        "select source_file, error from raw.load_log where status = 'rejected' order by 1",
    )
    assert rejected == [
        (
            "link.csv",
            f"link.csv: a symbolic link (to {outside}): links are not followed, so nothing "
            "outside the folder is read; copy the export itself here.",
        ),
        ("pipe.csv", "pipe.csv: a named pipe (FIFO), not a regular file: not read."),
    ]
    load_landing(con, landing)  # logged once, not per refresh
    assert rows(con, "select count(*) from raw.load_log where status = 'rejected'") == [(2,)]
    # `pmo validate` refuses them too, without opening them
    from pipelines.ingest.dryrun import dry_run

    checks = dry_run([landing / "link.csv", landing / "pipe.csv"], tmp_path / "none.duckdb")
    assert [check.unreadable for check in checks] == [True, True]
    assert "a symbolic link (to " in checks[0].error and "PAY" not in checks[0].error
    assert "a named pipe (FIFO)" in checks[1].error


def test_duplicate_keys_within_a_file_keep_the_first(landing, con):
    write(
        landing / "po.csv",
        "po_number,vendor,project_code,po_date,po_amount\n"
        "PO-1,Northwind,PAY,2026-01-10,1000\nPO-1,Northwind,PAY,2026-01-11,2000\n",
    )
    load_landing(con, landing)
    assert rows(con, "select po_amount from raw.purchase_orders") == [(1000.0,)]
    assert rows(con, "select reason from raw.quarantine") == [
        ("duplicate purchase_orders key (po_number), already on line 2",)
    ]


def test_canonical_xlsx_with_title_block(landing, con, tmp_path):
    frame = pl.DataFrame(
        {
            "change_id": ["CR-1", "CR-2"],
            "project_code": ["PAY", "PAY"],
            "title": ["Instant payments", "=1+1"],
            "raised_date": ["2026-03-02", "2026-04-01"],
            "status": ["Approved", "rejected"],
            "decision_date": ["2026-03-20", None],
            "cost_impact": [250000.0, None],
        }
    )
    import xlsxwriter

    # The "=1+1" title is text in the cell, not a formula: it must come through verbatim.
    book = xlsxwriter.Workbook(str(landing / "changes.xlsx"), {"strings_to_formulas": False})
    sheet = book.add_worksheet("CR log")
    sheet.write(0, 0, "Change log — Payments")
    frame.write_excel(workbook=book, worksheet=sheet, position="A3", autofit=False)
    book.close()
    load_landing(con, landing)
    assert rows(
        con,
        "select change_id, status, cost_impact, title, source_line from raw.change_requests"
        " order by change_id",
    ) == [
        ("CR-1", "approved", 250000.0, "Instant payments", 4),
        ("CR-2", "rejected", None, "=1+1", 5),
    ]


def test_an_export_without_sprint_dates_does_not_erase_the_calendar(landing, con):
    write(
        landing / "sprints.csv",
        "sprint_name,team,project_code,start_date,end_date\n"
        "PAY Sprint 1,Payments,PAY,2026-10-01,2026-10-14\n",
        mtime=1_700_000_100,
    )
    write(
        landing / "undated.csv",
        "sprint_name,project_code,complete_date\nPAY Sprint 1,PAY,2026-10-15\nPAY Sprint 2,PAY,\n",
        mtime=1_700_000_200,
    )
    load_landing(con, landing)
    # An older calendar dropped later fills the gaps of the newer rows without replacing them.
    write(
        landing / "old_calendar.csv",
        "sprint_name,team,project_code,start_date,end_date\n"
        "PAY Sprint 2,Payments,PAY,2026-10-15,2026-10-28\n",
        mtime=1_700_000_050,
    )
    load_landing(con, landing)
    assert rows(
        con,
        "select sprint_name, team, start_date::varchar, end_date::varchar,"
        " complete_date::varchar, source_file from raw.sprints order by 1",
    ) == [
        ("PAY Sprint 1", "Payments", "2026-10-01", "2026-10-14", "2026-10-15", "undated.csv"),
        ("PAY Sprint 2", "Payments", "2026-10-15", "2026-10-28", None, "undated.csv"),
    ]


def test_files_checked_together_keep_their_own_lines_keys_and_outcomes(landing, con):
    """Snapshot files of one entity are checked in one pass, yet each keeps its own outcome:
    its quarantined lines, its within-file duplicates (a key repeated in another file is not
    one: a newer export replaces it) and its own load_log row, in file order; a file that is
    not usable loads nothing."""
    header = "risk_id,project_code,title,probability,impact_cost,status\n"
    write(
        landing / "risks" / "a_2026-09-30.csv",
        header + "R1,PAY,Vendor late,0.4,100000,open\nR1,PAY,Vendor late,0.5,100000,open\n",
        mtime=1_700_000_100,
    )
    write(landing / "risks" / "b_2026-09-15.csv", "risk_id,project_code,probability\nR9,PAY,1\n")
    write(
        landing / "risks" / "c_2026-09-30.csv",
        header + "R1,PAY,Vendor late,0.6,100000,open\nR2,NOPE,Unknown,0.1,10,open\n"
        "R3,PAY,Bad,abc,10,open\n",
        mtime=1_700_000_200,
    )
    outcomes = [o for o in load_landing(con, landing) if o.entity == "risks"]
    # c is the newer export of the same snapshot: its R1 replaces a's (not a duplicate)
    assert [
        (o.source_file, o.rows_loaded, o.rows_quarantined, o.rows_replaced) for o in outcomes
    ] == [
        ("risks/a_2026-09-30.csv", 1, 1, 0),
        ("risks/c_2026-09-30.csv", 1, 2, 1),
    ]
    assert rows(con, "select source_file, snapshot_date::varchar, probability from raw.risks") == [
        ("risks/c_2026-09-30.csv", "2026-09-30", 0.6)
    ]
    assert rows(
        con,
        "select source_file, source_line, column_name from raw.quarantine"
        " order by source_file, source_line",
    ) == [
        ("risks/a_2026-09-30.csv", 3, "project_code,risk_id,snapshot_date"),
        ("risks/c_2026-09-30.csv", 3, "project_code"),
        ("risks/c_2026-09-30.csv", 4, "probability"),
    ]
    assert rows(
        con,
        "select source_file, status from raw.load_log where source_file like 'risks/%'"
        " order by loaded_at, source_file",
    ) == [
        ("risks/b_2026-09-15.csv", "rejected"),
        ("risks/a_2026-09-30.csv", "loaded"),
        ("risks/c_2026-09-30.csv", "loaded"),
    ]


def test_the_date_window_is_a_checked_setting(tmp_path):
    from pipelines.config import DataPaths
    from pipelines.errors import PmoError
    from pipelines.settings import load_settings

    paths = DataPaths(tmp_path)
    assert load_settings(paths).date_window_years == 5
    (tmp_path / "settings.toml").write_text("[load]\ndate_window_years = 2\n")
    assert load_settings(paths).date_window_years == 2
    (tmp_path / "settings.toml").write_text('[load]\ndate_window_years = "ten"\n')
    with pytest.raises(PmoError) as error:
        load_settings(paths)
    assert "load.date_window_years is 'ten'; expected a whole number of years from 1 to 50" in str(
        error.value
    )


def test_a_file_of_thousands_of_refused_rows_keeps_a_sample_and_every_count(landing, con, tmp_path):
    good = "".join(f"E1,PAY,PAY-1,2026-0{1 + i}-05,7.5\n" for i in range(3))
    pay = "E1,PAY,PAY-1,2026-02-10,x\n" * 1_800  # lines 5..1804
    unknown = "E2,NOPE,NOPE-1,2026-02-10,2\n" * 700  # lines 1805..2504
    crm = "E2,CRM,CRM-1,2026-02-10,x\n" * 200  # lines 2505..2704
    write(
        landing / "time.csv",
        "employee_id,project_code,task_key,work_date,hours\n" + good + pay + unknown + crm,
    )
    load_landing(con, landing)
    assert rows(
        con,
        "select rows_read, rows_loaded, rows_quarantined from raw.load_log "
        "where entity = 'timesheets'",
    ) == [(2_703, 3, 2_700)]
    # the first 1,000 one by one (with their records), then one row per kind and project
    assert rows(
        con,
        "select count(*), min(source_line), max(source_line), count(record_json) "
        "from raw.quarantine where rows_represented = 1",
    ) == [(1_000, 5, 1_004, 1_000)]
    standing = rows(
        con,
        "select source_line, last_source_line, rows_represented, column_name, "
        "record_json::json->>'project_code', reason from raw.quarantine "
        "where rows_represented > 1 order by source_line",
    )
    assert [row[:5] for row in standing] == [
        (1_005, 1_804, 800, "hours", "PAY"),
        (1_805, 2_504, 700, "project_code", "NOPE"),
        (2_505, 2_704, 200, "hours", "CRM"),
    ]
    assert "unknown project 'NOPE'" in standing[1][5]
    assert rows(con, "select sum(rows_represented) from raw.quarantine") == [(2_700,)]
    con.close()
    # pmo status counts every refused row, not the rows stored

    lines = [line.split() for line in warehouse_status(DataPaths(tmp_path)).splitlines()]
    assert ["timesheets", "1", "3", "2,700", "—"] in lines  # not a snapshot entity
    assert ["timesheets", "hours:", "found", "'x',", "expected", "a", "number", "2,000"] in lines
    assert any(
        line[:3] == ["timesheets", "project_code:", "unknown"] and line[-1] == "700"
        for line in lines
    )


def test_an_edit_taken_back_restores_the_earlier_values(landing, con):
    """Newest file wins, also when its content is one that was loaded before: an export fixed,
    then the fix undone, shows the undone values again (and only once in the load log)."""
    people = landing / "master" / "people.csv"
    load_landing(con, landing)
    write(people, PEOPLE.replace("Bo Li", "Bo Lee"), mtime=1_700_000_100)  # the edit
    load_landing(con, landing)
    assert rows(con, "select full_name from raw.people where employee_id = 'E2'") == [("Bo Lee",)]
    write(people, PEOPLE, mtime=1_700_000_200)  # taken back: the first content again
    load_landing(con, landing)
    assert rows(con, "select full_name from raw.people where employee_id = 'E2'") == [("Bo Li",)]
    assert rows(con, "select count(*) from raw.people") == [(2,)]
    # nothing changes on the next refresh, and the same content under a second name loads once
    write(landing / "copy" / "people.csv", PEOPLE, mtime=1_700_000_300)
    before = rows(con, "select count(*) from raw.load_log")
    load_landing(con, landing)
    assert rows(con, "select count(*) from raw.load_log") == before
    assert rows(con, "select count(distinct load_id) = count(*) from raw.load_log") == [(True,)]


def test_a_re_export_of_a_long_day_is_not_counted_twice(landing, con):
    """13 h on one day, exported again (a comment fixed): it replaces the entry, it does not
    add up to 26 h."""
    header = "employee_id,project_code,task_key,work_date,hours,comment\n"
    write(landing / "t1.csv", header + "E1,PAY,PAY-1,2026-03-02,13,go-live\n", mtime=1_700_000_100)
    load_landing(con, landing)
    write(landing / "t2.csv", header + "E1,PAY,PAY-1,2026-03-02,13,Go-live\n", mtime=1_700_000_200)
    load_landing(con, landing)
    assert rows(con, "select hours, comment from raw.timesheets") == [(13.0, "Go-live")]
    assert rows(con, "select count(*) from raw.quarantine") == [(0,)]
    # a second entry of that day on another task does add up
    write(landing / "t3.csv", header + "E1,PAY,PAY-2,2026-03-02,12,cutover\n", mtime=1_700_000_300)
    load_landing(con, landing)
    assert rows(con, "select reason from raw.quarantine") == [
        ("hours: E1 logged 25.0 h on 2026-03-02, expected at most 24 h in a day",)
    ]


def test_a_warehouse_from_before_a_new_optional_column_gets_it_and_keeps_its_rows(
    landing, tmp_path
):
    # a warehouse whose status notes table predates decision_owner and decision_due_date
    path = tmp_path / "old" / "pmo.duckdb"
    path.parent.mkdir()
    old = duckdb.connect(str(path))
    old.execute("create schema raw")
    old.execute(
        "create table raw.status_notes (project_code varchar, report_month date,"
        " author varchar, overall_status varchar, summary varchar, accomplishments varchar,"
        " next_steps varchar, decisions_needed varchar, source_file varchar,"
        " source_sha256 varchar, source_line bigint, source_format varchar, load_id varchar,"
        " loaded_at timestamp)"
    )
    old.execute(
        "insert into raw.status_notes (project_code, report_month, summary, decisions_needed)"
        " values ('PAY', date '2026-09-01', 'On track.', 'Approve the cut-over.')"
    )
    old.close()

    con = connect(path)
    try:
        assert rows(
            con,
            "select project_code, decisions_needed, decision_owner, decision_due_date"
            " from raw.status_notes",
        ) == [("PAY", "Approve the cut-over.", None, None)]
        write(
            landing / "notes.csv",
            "project_code,report_month,overall_status,summary,decisions_needed,"
            "decision_owner,decision_due_date\n"
            "CRM,2026-10-01,red,Late.,Choose a vendor.,Dana Whitfield,2026-11-14\n",
        )
        load_landing(con, landing)
        assert rows(
            con,
            "select project_code, decision_owner, decision_due_date from raw.status_notes"
            " order by project_code",
        ) == [("CRM", "Dana Whitfield", date(2026, 11, 14)), ("PAY", None, None)]
    finally:
        con.close()


def test_dependency_links_load_and_a_loop_is_quarantined_naming_its_tasks(landing, con):
    write(
        landing / "plans" / "dependencies.csv",
        "project_code,task_key,predecessor_project_code,predecessor_key,link_type,lag_days,"
        "snapshot_date\n"
        "PAY,P-2,,P-1,FS,0,2026-10-31\n"  # same project when the predecessor's is blank
        "PAY,P-3,,P-2,ss,2,2026-10-31\n"
        "CRM,C-1,PAY,P-3,FS,-1,2026-10-31\n"  # a cross-project link, one day of lead
        "CRM,C-3,,C-2,FS,0,2026-10-31\n"  # C-2 -> C-3 -> C-4 -> C-2: a loop
        "CRM,C-4,,C-3,FF,0,2026-10-31\n"
        "CRM,C-2,,C-4,FS,0,2026-10-31\n"
        "CRM,C-5,,C-4,XX,0,2026-10-31\n"  # not a link type
        "PAY,P-9,CRM,C-9,FF,0,2026-10-31\n"  # two go-lives tied to each other across projects
        "CRM,C-9,PAY,P-9,FF,0,2026-10-31\n",
    )
    load_landing(con, landing)
    assert rows(
        con,
        "select project_code, task_key, coalesce(predecessor_project_code, '-'), predecessor_key,"
        " link_type, lag_days from raw.dependencies order by source_line",
    ) == [
        ("PAY", "P-2", "PAY", "P-1", "fs", 0.0),
        ("PAY", "P-3", "PAY", "P-2", "ss", 2.0),
        ("CRM", "C-1", "PAY", "P-3", "fs", -1.0),
    ]
    quarantined = rows(
        con,
        "select source_line, column_name, reason from raw.quarantine"
        " where entity = 'dependencies' order by source_line",
    )
    loop = "C-2, C-3, C-4"
    assert quarantined == [
        (
            5,
            "predecessor_key",
            f"predecessor_key: the link C-2 → C-3 closes a loop of links between tasks {loop}"
            " of project CRM, expected links that never lead back to the same task",
        ),
        (
            6,
            "predecessor_key",
            f"predecessor_key: the link C-3 → C-4 closes a loop of links between tasks {loop}"
            " of project CRM, expected links that never lead back to the same task",
        ),
        (
            7,
            "predecessor_key",
            f"predecessor_key: the link C-4 → C-2 closes a loop of links between tasks {loop}"
            " of project CRM, expected links that never lead back to the same task",
        ),
        (8, "link_type", "link_type: found 'XX', expected one of: fs, ss, ff, sf"),
        (
            9,
            "predecessor_key",
            "predecessor_key: the link CRM C-9 → PAY P-9 closes a loop of links between tasks"
            " CRM C-9, PAY P-9, expected links that never lead back to the same task",
        ),
        (
            10,
            "predecessor_key",
            "predecessor_key: the link PAY P-9 → CRM C-9 closes a loop of links between tasks"
            " CRM C-9, PAY P-9, expected links that never lead back to the same task",
        ),
    ]


def test_jira_blocks_links_load_and_a_link_to_an_unknown_project_is_quarantined(landing, con):
    """A Jira export's "blocks" links land in raw.dependencies as of the date in the file name:
    a link written on both its ends once, a key of another Jira project resolved through the
    projects master, and one whose project the master does not list quarantined with why."""
    write(
        landing / "jira" / "jira_PAY_2026-10-31.csv",
        "Summary,Issue key,Issue id,Issue Type,Status,Project key,Outward issue link (Blocks),"
        "Outward issue link (Blocks),Inward issue link (Blocks)\n"
        "Pay in,PAY-1,1,Story,To Do,PAY,PAY-2,PAY-3,\n"
        "Settle,PAY-2,2,Story,To Do,PAY,,,PAY-1\n"  # the same link as on line 2
        "Refund,PAY-3,3,Story,To Do,PAY,,,CRM-7\n"  # blocked by an issue of project CRM
        "Report,PAY-4,4,Story,To Do,PAY,OPS-12,,\n",  # blocks an issue of a project not listed
    )
    outcomes = {o.entity: o for o in load_landing(con, landing)}
    assert rows(
        con,
        "select project_code, task_key, predecessor_project_code, predecessor_key, link_type,"
        " lag_days, snapshot_date::varchar, source_line from raw.dependencies"
        " order by source_line, task_key",
    ) == [
        ("PAY", "PAY-2", "PAY", "PAY-1", "fs", 0.0, "2026-10-31", 2),
        ("PAY", "PAY-3", "PAY", "PAY-1", "fs", 0.0, "2026-10-31", 2),
        ("PAY", "PAY-3", "CRM", "CRM-7", "fs", 0.0, "2026-10-31", 4),
    ]
    assert rows(
        con,
        "select source_file, source_line, column_name, found_value, reason from raw.quarantine"
        " where entity = 'dependencies'",
    ) == [
        (
            "jira/jira_PAY_2026-10-31.csv",
            5,
            "project_code",
            "OPS",
            "project_code: unknown project 'OPS', expected a project listed in projects",
        )
    ]
    links = outcomes["dependencies"]
    assert (links.source_format, links.rows_read, links.rows_loaded, links.rows_quarantined) == (
        "jira_csv",
        4,
        3,
        1,
    )
    assert outcomes["tasks"].rows_loaded == 4


def test_a_repeated_key_is_allowed_by_the_entitys_contract_not_its_name():
    """An entity whose contract allows repeated keys keeps every row of a key; without the flag
    the later rows of a key are quarantined."""
    tasks = ENTITIES["tasks"]
    frame = pl.DataFrame(
        {**{name: ["x", "x"] for name in tasks.natural_key}, "source_line": [2, 3]}
    )
    kept, repeats = duplicate_keys(tasks, frame)
    assert kept.get_column("source_line").to_list() == [2]
    assert repeats.get_column("source_line").to_list() == [3]
    kept, repeats = duplicate_keys(replace(tasks, allows_repeated_keys=True), frame)
    assert kept.get_column("source_line").to_list() == [2, 3]
    assert repeats.is_empty()


def test_an_entity_flagged_for_a_check_has_the_columns_the_check_reads():
    reads = {
        "checks_daily_hours": {"employee_id", "work_date", "hours"},
        "checks_link_cycles": {
            "project_code",
            "task_key",
            "predecessor_project_code",
            "predecessor_key",
        },
        "checks_working_week": {"calendar_name", *WEEKDAY_COLUMNS},
    }
    flagged = {flag: [] for flag in reads}
    for entity in ENTITIES.values():
        for flag, columns in reads.items():
            if getattr(entity, flag):
                flagged[flag].append(entity.name)
                assert columns <= set(entity.column_names), (entity.name, flag)
    assert flagged == {
        "checks_daily_hours": ["timesheets"],
        "checks_link_cycles": ["dependencies"],
        "checks_working_week": ["working_calendars"],
    }
