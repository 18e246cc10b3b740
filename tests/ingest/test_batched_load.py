"""Files of one entity are checked and written in batches, one transaction a batch. A batch
must give, row for row and count for count, what loading its files one at a time gives: the
same raw rows, the same load log, the same quarantine. Both ways run here on real files and a
real DuckDB (one file a batch is the one-at-a-time load)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.demo.generator import generate_demo
from pipelines.ingest import load as load_module
from pipelines.ingest.load import load_landing
from pipelines.ingest.warehouse import connect
from tests.ingest.test_load import PEOPLE, PROJECTS

TIME = "employee_id,project_code,task_key,work_date,hours\n"
SPRINTS = "sprint_name,team,project_code,start_date,end_date,complete_date\n"
# what changes between two loads of the same files: the clock
VOLATILE = {"loaded_at", "quarantined_at", "scanned_at"}


def write(landing: Path, name: str, text: str, mtime: int) -> None:
    path = landing / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (1_700_000_000 + mtime, 1_700_000_000 + mtime))


def first_refresh(landing: Path) -> None:
    write(landing / "master", "projects.csv", PROJECTS, 0)
    write(landing / "master", "people.csv", PEOPLE, 0)
    # E1 on 5 October, file by file: 11 h, 21 h, then a file that would make 25 h (refused),
    # then one replacing a's PAY-1 entry and adding 9 h: 22 h only because c was refused
    write(landing, "a.csv", TIME + "E1,PAY,PAY-1,2026-10-05,10\nE1,PAY,,2026-10-05,1\n", 100)
    write(landing, "b.csv", TIME + "E1,CRM,CRM-1,2026-10-05,10\n", 200)
    write(landing, "c.csv", TIME + "E1,CRM,CRM-2,2026-10-05,4\n", 300)
    write(landing, "d.csv", TIME + "E1,PAY,PAY-1,2026-10-05,2\nE1,PAY,PAY-9,2026-10-05,9\n", 400)
    # b re-exported with 8 h: replaces b's entry, written in the same batch
    write(landing, "e.csv", TIME + "E1,CRM,CRM-1,2026-10-05,8\n", 500)
    # two entries of one key in one file are two entries
    write(landing, "f.csv", TIME + "E2,PAY,PAY-1,2026-10-06,3\nE2,PAY,PAY-1,2026-10-06,3\n", 600)
    # a sprint calendar, then two exports without dates, the second also without completion
    write(landing, "s1.csv", SPRINTS + "PAY Sprint 1,Payments,PAY,2026-10-01,2026-10-14,\n", 100)
    write(landing, "s2.csv", SPRINTS + "PAY Sprint 1,,PAY,,,2026-10-15\n", 200)
    write(landing, "s3.csv", SPRINTS + "PAY Sprint 1,,PAY,,,\nPAY Sprint 2,,PAY,,,\n", 300)


def second_refresh(landing: Path) -> None:
    # an old export dropped again (older than e, which stays) and a newer one beside it
    write(landing, "old.csv", TIME + "E1,CRM,CRM-1,2026-10-05,5\n", 150)
    write(landing, "g.csv", TIME + "E2,PAY,PAY-1,2026-10-06,4\n", 700)
    # an old calendar fills sprint 2's gaps, and a newer export replaces the row it filled
    write(landing, "s0.csv", SPRINTS + "PAY Sprint 2,Payments,PAY,2026-10-15,2026-10-28,\n", 50)
    write(landing, "s4.csv", SPRINTS + "PAY Sprint 2,,PAY,,2026-10-30,\n", 400)


def tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every raw table, sorted, without the columns that say when."""
    found = {}
    names = con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw'"
    ).fetchall()
    for (name,) in names:
        columns = [
            column
            for (column,) in con.execute(
                "select column_name from information_schema.columns"
                " where table_schema = 'raw' and table_name = ? order by ordinal_position",
                [name],
            ).fetchall()
            if column not in VOLATILE
        ]
        found[name] = con.execute(
            f"select {', '.join(columns)} from raw.{name} order by all"
        ).fetchall()
    return found


def load_both_ways(
    tmp_path: Path, monkeypatch, steps, bound: str = "BATCH_FILES"
) -> tuple[dict, dict, duckdb.DuckDBPyConnection]:
    """Load the landing after each step in batches and file by file; the batched warehouse is
    returned open for the caller's own checks."""
    landing = tmp_path / "landing"
    batched = connect(tmp_path / "batched.duckdb")
    single = connect(tmp_path / "single.duckdb")
    for step in steps:
        step(landing)
        load_landing(batched, landing)
        with monkeypatch.context() as patched:
            patched.setattr(load_module, bound, 1)  # every batch a single file
            load_landing(single, landing)
    try:
        return tables(batched), tables(single), batched
    finally:
        single.close()


@pytest.mark.parametrize("bound", ["BATCH_FILES", "BATCH_BYTES"])
def test_a_batch_gives_what_loading_file_by_file_gives_on_a_tangled_history(
    tmp_path, monkeypatch, bound
):
    in_batches, one_by_one, con = load_both_ways(
        tmp_path, monkeypatch, [first_refresh, second_refresh], bound
    )
    assert in_batches == one_by_one
    # what the user reads, in a table and the load log
    assert con.execute(
        "select project_code, task_key, hours, source_file from raw.timesheets"
        " where employee_id = 'E1' order by all"
    ).fetchall() == [
        ("CRM", "CRM-1", 8.0, "e.csv"),
        ("PAY", "PAY-1", 2.0, "d.csv"),
        ("PAY", "PAY-9", 9.0, "d.csv"),
        ("PAY", None, 1.0, "a.csv"),
    ]
    log = {
        name: (loaded, quarantined, replaced)
        for name, loaded, quarantined, replaced in con.execute(
            "select source_file, rows_loaded, rows_quarantined, rows_replaced from raw.load_log"
            " where entity in ('timesheets', 'sprints')"
        ).fetchall()
    }
    assert log == {
        "a.csv": (2, 0, 0),
        "b.csv": (1, 0, 0),
        "c.csv": (0, 1, 0),  # 25 h on the day
        "d.csv": (2, 0, 1),  # 22 h: c's refused hours are not counted
        "e.csv": (1, 0, 1),
        "f.csv": (2, 0, 0),
        "old.csv": (0, 0, 0),  # e is newer: its entry stays
        "g.csv": (1, 0, 2),  # both entries of f's key
        "s1.csv": (1, 0, 0),
        "s2.csv": (1, 0, 1),
        "s3.csv": (2, 0, 1),
        "s0.csv": (0, 0, 0),
        "s4.csv": (1, 0, 1),
    }
    assert con.execute("select reason from raw.quarantine").fetchall() == [
        ("hours: E1 logged 25.0 h on 2026-10-05, expected at most 24 h in a day",)
    ]
    assert con.execute(
        "select sprint_name, team, start_date::varchar, end_date::varchar,"
        " complete_date::varchar, source_file from raw.sprints order by 1"
    ).fetchall() == [
        ("PAY Sprint 1", "Payments", "2026-10-01", "2026-10-14", "2026-10-15", "s3.csv"),
        ("PAY Sprint 2", "Payments", "2026-10-15", "2026-10-30", None, "s4.csv"),
    ]
    con.close()


def test_a_batch_gives_what_loading_file_by_file_gives_on_a_generated_portfolio(
    tmp_path, monkeypatch
):
    """Every export format of the demo, its odd rows and quarantined lines included."""

    def demo(landing: Path) -> None:
        generate_demo(
            landing / "demo", seed=3, as_of=date(2026, 10, 31), projects=6, people=20, months=6
        )

    in_batches, one_by_one, con = load_both_ways(tmp_path, monkeypatch, [demo])
    con.close()
    assert in_batches == one_by_one
    assert len(in_batches["timesheets"]) > 1_000
    assert in_batches["quarantine"], "the demo carries rows to quarantine"
    assert len({row[2] for row in in_batches["load_log"]}) > 50  # distinct files, by content


def test_rows_of_new_keys_written_as_they_come_are_those_the_key_by_key_write_gives(
    tmp_path, monkeypatch
):
    """A batch whose keys are all new (a first load, the files of new weeks) is inserted as it
    comes; the write that matches every key against what is loaded must give the same rows,
    load log and quarantine, on every export format of the demo and a second landing after."""
    taken: list[bool] = []
    real = load_module._keys_are_new

    def noted(con, entity):
        taken.append(real(con, entity))
        return taken[-1]

    def demo(landing: Path) -> None:
        generate_demo(
            landing / "demo", seed=5, as_of=date(2026, 10, 31), projects=6, people=20, months=6
        )

    def later(landing: Path) -> None:  # new weeks, and a re-export of a loaded key
        write(landing, "master/projects.csv", PROJECTS, 0)
        write(landing, "master/people.csv", PEOPLE, 0)
        write(landing, "w1.csv", TIME + "E1,PAY,PAY-1,2026-10-05,7\nE2,PAY,,2026-10-05,1\n", 100)
        write(landing, "w2.csv", TIME + "E1,PAY,PAY-1,2026-10-12,6\n", 200)
        write(landing, "w1-fixed.csv", TIME + "E1,PAY,PAY-1,2026-10-05,5\n", 300)

    landing = tmp_path / "landing"
    as_they_come = connect(tmp_path / "new.duckdb")
    key_by_key = connect(tmp_path / "keyed.duckdb")
    for step in (demo, later):
        step(landing)
        monkeypatch.setattr(load_module, "_keys_are_new", noted)
        load_landing(as_they_come, landing)
        monkeypatch.setattr(load_module, "_keys_are_new", lambda con, entity: False)
        load_landing(key_by_key, landing)
    assert True in taken and False in taken  # both ways were taken in the first warehouse
    assert tables(as_they_come) == tables(key_by_key)
    assert as_they_come.execute(
        "select source_file, rows_loaded, rows_replaced from raw.load_log"
        " where source_file like 'w%' order by 1"
    ).fetchall() == [("w1-fixed.csv", 1, 1), ("w1.csv", 2, 0), ("w2.csv", 1, 0)]
    as_they_come.close()
    key_by_key.close()


@pytest.mark.parametrize("size", [1, 2])
def test_a_batch_failing_half_way_loads_none_of_its_files(tmp_path, monkeypatch, size):
    """One transaction a batch: a write failing after its rows went in (here: at the load log,
    the batch's last statement) leaves no file of the batch half there, the batches before it
    stay loaded, and the next refresh loads the rest."""
    landing = tmp_path / "landing"
    first_refresh(landing)
    con = connect(tmp_path / "w.duckdb")
    monkeypatch.setattr(load_module, "BATCH_FILES", size)
    real, calls = load_module.write_files, []

    def second_timesheet_batch_fails(connection, files):
        if files[0].prepared.entity.name == "timesheets":
            calls.append([item.source_file for item in files])
            if len(calls) == 2:  # a load-log row that cannot be built, inside the transaction
                monkeypatch.setitem(load_module.LOAD_LOG_SCHEMA, "rows_read", pl.Date)
        try:
            return real(connection, files)
        finally:
            monkeypatch.setitem(load_module.LOAD_LOG_SCHEMA, "rows_read", pl.Int64)

    monkeypatch.setattr(load_module, "write_files", second_timesheet_batch_fails)
    with pytest.raises(duckdb.ConversionException):
        load_landing(con, landing)
    loaded = sorted(calls[0])
    assert calls[1] == (["b.csv"] if size == 1 else ["c.csv", "d.csv"])

    def files_of(query: str) -> list[str]:
        return sorted(name for (name,) in con.execute(query).fetchall())

    assert files_of("select source_file from raw.load_log where entity = 'timesheets'") == loaded
    assert files_of("select distinct source_file from raw.timesheets") == loaded
    assert files_of("select distinct source_file from raw.quarantine") == []
    monkeypatch.setattr(load_module, "write_files", real)
    load_landing(con, landing)
    assert len(files_of("select source_file from raw.load_log where entity = 'timesheets'")) == 6
    con.close()
