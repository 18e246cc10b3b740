"""The weekly status report built from the demo portfolio's published snapshot, read as a
steering committee member reads it.

The demo is as of 31 Oct 2026; its milestones and risk registers are exported at month ends, so
2026-W40 (Mon 28 Sep - Sun 4 Oct) is the week with the most to say: September's colours, the
milestone forecasts of the 30 Sep snapshot, a milestone reached on 2 Oct, and the logs' items.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.config import DataPaths
from pipelines.definitions import build_defs
from pipelines.defs.reports.schedules import report_week_due
from pipelines.defs.resources import WarehouseResource
from pipelines.publish.reports import (
    ReportResult,
    generate_weekly_report,
    list_reports,
    verify_report,
)
from pipelines.publish.reports.html import without_generated_at
from tests.reports.conftest import copy_snapshot

WEEK, MONDAY = "2026-W40", date(2026, 9, 28)
ROOT = Path(__file__).resolve().parents[2]
DEMO = (pytest.mark.slow, pytest.mark.xdist_group("demo"))


@dataclass(frozen=True)
class Weekly:
    paths: DataPaths
    snapshot_id: str
    database: Path
    result: ReportResult


@pytest.fixture(scope="module")
def weekly(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Weekly:
    paths, snapshot_id = copy_snapshot(demo_data_dir, tmp_path_factory.mktemp("weekly") / "data")
    database = paths.published / snapshot_id / "warehouse.duckdb"
    return Weekly(paths, snapshot_id, database, generate_weekly_report(paths, WEEK))


def _query(weekly: Weekly, sql: str) -> pl.DataFrame:
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{weekly.database}' as wh (read_only)")
        con.execute("use wh")
        return con.sql(sql, params={"week": MONDAY} if "$week" in sql else None).pl()
    finally:
        con.close()


def _squeezed(text: str) -> str:
    """Text with every space and line break removed: a cell's words wrap anywhere in print."""
    return re.sub(r"\s+", "", text)


def _pdf_text(path: Path, *pages: int) -> str:
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(
        ["pdftotext", "-raw", *span, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pmo(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PMO_DATA_DIR", "DAGSTER_HOME")}
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def demo(test):
    """A test that reads the demo's snapshot: slow, and on the worker that builds the demo."""
    for mark in DEMO:
        test = mark(test)
    return test


@demo
def test_the_pack_is_filed_under_its_week_with_a_manifest(weekly: Weekly):
    result = weekly.result
    assert result.folder == weekly.paths.reports / WEEK / "v1"
    assert sorted(path.name for path in result.files) == [
        f"weekly-{WEEK}.{ext}" for ext in ("html", "pdf", "xlsx")
    ]
    manifest = json.loads(result.manifest_path.read_text())
    assert (manifest["week"], manifest["week_start"], manifest["week_end"]) == (
        WEEK,
        "2026-09-28",
        "2026-10-04",
    )
    assert manifest["snapshot_id"] == weekly.snapshot_id and manifest["kinds"] == ["weekly"]
    assert manifest["sections"]["weekly"]["Project blocks"] == [
        "rpt_project_week_status",
        "rpt_project_week_events",
        "rpt_status_notes_monthly",
    ]
    for entry in manifest["files"]:
        data = (result.folder / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    infos = [info for info in list_reports(weekly.paths) if info.period == WEEK]
    assert [(info.version, info.kinds) for info in infos][:1] == [(1, ("weekly",))]
    assert verify_report(infos[0]) == []
    assert "plotly" not in (result.folder / f"weekly-{WEEK}.html").read_text()  # no charts


@demo
def test_the_pdf_shows_the_week_every_event_and_the_notes_accomplishments(weekly: Weekly):
    path = weekly.result.folder / f"weekly-{WEEK}.pdf"
    first = " ".join(_pdf_text(path, 1).split())
    assert f"Weekly status report {WEEK} · 28 Sep – 4 Oct 2026" in first
    summary = _query(weekly, "select * from rpt_portfolio_week_summary where week_start = $week")
    counts = summary.row(0, named=True)
    assert (
        f"{counts['projects_with_events_count']} of {counts['project_count']} projects reporting "
        f"had events in {WEEK} (28 Sep – 4 Oct 2026): {counts['event_count']} in all; "
        f"{counts['red_project_count']} projects red and {counts['amber_project_count']} amber"
    ) in first
    text = _squeezed(_pdf_text(path))
    events = _query(
        weekly,
        "select e.*, s.overall_status from rpt_project_week_events e"
        " join rpt_project_week_status s using (project_code, week_start)"
        " where week_start = $week order by project_code, event_order",
    )
    assert events.height == counts["event_count"] > 20
    for row in events.iter_rows(named=True):
        assert _squeezed(row["detail"]) in text, row
    # each project with events has its block (after the list of them), most severe colour first
    severity = pl.col("overall_status").replace_strict(
        {"red": 0, "amber": 1, "green": 2}, default=3, return_dtype=pl.Int8
    )
    blocks = events.unique("project_code").sort(severity, "project_code")
    codes = blocks["project_code"].to_list()
    names = blocks.select("project_code", "project_name").rows()
    starts = [text.rindex(_squeezed(f"{code} — {name}")) for code, name in names]
    assert starts == sorted(starts)
    # a milestone whose forecast moved that week, with its new date, in its project's block
    moved = events.filter(pl.col("event_kind") == "forecast moved").row(0, named=True)
    assert re.search(r"forecast moved \d+ days? (later|earlier) to \d+ \w{3} 2026", moved["detail"])
    index = codes.index(moved["project_code"])
    block = text[starts[index] : (starts + [len(text)])[index + 1]]
    assert _squeezed(f"{moved['title']} {moved['detail']}") in block
    # the accomplishments of the note each block quotes: the latest on or before 4 Oct (October's,
    # or September's for a project that wrote none for October)
    notes = _query(
        weekly,
        "select n.project_code, n.reporting_month, n.accomplishments"
        " from rpt_status_notes_monthly n join rpt_project_week_status s"
        " on s.project_code = n.project_code and s.status_note_month = n.reporting_month"
        " where s.week_start = $week and s.has_events and n.accomplishments is not null",
    )
    assert notes.height > 5 and notes["reporting_month"].max() == date(2026, 10, 1)
    for accomplishments in notes["accomplishments"]:
        assert _squeezed(accomplishments) in text
    assert _squeezed(f"End of report · WEEKLY {WEEK}") in text


@demo
def test_the_workbook_sheets_hold_the_models_rows(weekly: Weekly):
    workbook = weekly.result.folder / f"weekly-{WEEK}.xlsx"
    events = pl.read_excel(workbook, sheet_name="Events")
    expected = _query(
        weekly,
        "select project_code, event_type, event_kind, reference, title, detail, event_date, owner"
        " from rpt_project_week_events where week_start = $week order by project_code, event_order",
    )
    assert events.rows() == expected.rows()
    summary = pl.read_excel(workbook, sheet_name="Summary")
    assert summary.row(0)[4:] == _query(
        weekly,
        "select * exclude (week_start, iso_week, week_end_date, measured_to_date)"
        " from rpt_portfolio_week_summary where week_start = $week",
    ).row(0)
    watch = pl.read_excel(workbook, sheet_name="Red and amber")
    colours = _query(
        weekly,
        "select project_code, overall_status from rpt_project_week_status"
        " where week_start = $week and overall_status in ('red', 'amber')",
    )
    assert sorted(watch.select("Project", "Health").rows()) == sorted(colours.rows())


@demo
def test_a_rebuild_from_the_same_snapshot_is_identical_but_for_the_stamp(weekly: Weekly):
    again = generate_weekly_report(weekly.paths, WEEK.lower(), formats=("html", "xlsx"))
    assert again.folder == weekly.paths.reports / WEEK / "v2"
    name = f"weekly-{WEEK}"
    first, second = weekly.result.folder, again.folder
    assert without_generated_at((first / f"{name}.html").read_text()) == without_generated_at(
        (second / f"{name}.html").read_text()
    )
    assert (first / f"{name}.xlsx").read_bytes() == (second / f"{name}.xlsx").read_bytes()


@demo
def test_the_cli_names_what_it_found_and_what_it_expects(weekly: Weekly):
    data_dir = str(weekly.paths.root)
    malformed = _pmo("report", "--data-dir", data_dir, "--week", "2026-44")
    assert malformed.returncode == 1
    assert "week '2026-44' is not an ISO week: expected YYYY-Www, e.g. 2026-W44." in (
        malformed.stderr
    )
    no_such_week = _pmo("report", "--data-dir", data_dir, "--week", "2025-W53")
    assert "2025 has ISO weeks 2025-W01 to 2025-W52" in no_such_week.stderr
    both = _pmo("report", "--data-dir", data_dir, "--month", "2026-10", "--week", WEEK)
    assert both.returncode == 2 and "either --month YYYY-MM" in both.stderr
    first = _query(weekly, "select min(week_start) from rpt_portfolio_week_summary").item()
    late = _pmo("report", "--data-dir", data_dir, "--week", "2026-W45")
    assert late.returncode == 1
    assert (
        f"2026-W45 starts on 2 Nov 2026, after the as-of date 31 Oct 2026 of snapshot "
        f"{weekly.snapshot_id}: expected a week from {first:%G-W%V} to 2026-W44"
    ) in " ".join(late.stderr.split())
    assert not (weekly.paths.reports / "2026-W45").exists()
    listed = _pmo("reports", "--data-dir", data_dir)
    assert re.search(rf"^{WEEK}\s+v1\s+{weekly.snapshot_id}\s.*\sweekly\s", listed.stdout, re.M)


@demo
def test_the_weekly_job_builds_the_partition_the_schedule_asks_for(weekly: Weekly):
    defs = build_defs(WarehouseResource(data_dir=str(weekly.paths.root)))
    schedule = defs.resolve_schedule_def("weekly_reports")
    with dg.instance_for_test() as instance:
        tick = schedule.evaluate_tick(
            dg.build_schedule_context(
                instance=instance,
                repository_def=defs.get_repository_def(),
                scheduled_execution_time=datetime(2026, 10, 5, 7, 0),
            )
        )
        [request] = tick.run_requests
        assert (request.run_key, request.partition_key) == (f"weekly-{WEEK}", "2026-09-28")
        run = defs.resolve_job_def("weekly_reports").execute_in_process(
            instance=instance, partition_key=request.partition_key, tags=request.tags
        )
        assert run.success
    versions = [info.version for info in list_reports(weekly.paths) if info.period == WEEK]
    assert max(versions) >= 2  # filed beside the earlier versions, never over them


@demo
def test_a_pack_asked_for_on_the_command_line_is_a_run_of_the_weekly_job(
    demo_data_dir: Path, tmp_path: Path
):
    paths, snapshot_id = copy_snapshot(demo_data_dir, tmp_path / "data")
    built = _pmo("report", "--data-dir", str(paths.root), "--week", WEEK, "--format", "html")
    assert built.returncode == 0, built.stderr
    assert built.stdout.splitlines()[:2] == [
        f"{WEEK} v1 from snapshot {snapshot_id}: {paths.reports / WEEK / 'v1'}",
        f"  weekly-{WEEK}.html",
    ]
    with dg.DagsterInstance.from_config(str(paths.dagster_home)) as instance:
        (record,) = instance.get_run_records(dg.RunsFilter(job_name="weekly_reports"))
        assert record.dagster_run.tags["dagster/partition"] == MONDAY.isoformat()
        event = instance.get_latest_materialization_event(dg.AssetKey(["reports", "weekly_pack"]))
    assert event.asset_materialization.metadata["folder"].value == str(paths.reports / WEEK / "v1")


@pytest.mark.parametrize(
    ("today", "monday"),
    [
        (date(2026, 11, 2), date(2026, 10, 26)),  # a Monday: the week that ended yesterday
        (date(2026, 11, 1), date(2026, 10, 19)),  # a Sunday: the week before the current one
        (date(2026, 1, 5), date(2025, 12, 29)),  # 2026-W01 starts in December 2025
    ],
)
def test_the_schedule_reports_the_week_before_the_one_it_runs_in(today: date, monday: date):
    assert report_week_due(today) == monday
