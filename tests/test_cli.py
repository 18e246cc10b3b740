"""The `pmo` commands as a user runs them: real processes, real files, real Dagster runs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PMO = [sys.executable, "-m", "pipelines.cli"]
ROOT = Path(__file__).resolve().parents[1]

PROJECTS = """project_code,project_name,portfolio,methodology,start_date,planned_finish_date
PAY,Payments renewal,Digital,hybrid,2025-01-06,2026-06-30
"""
PEOPLE = "employee_id,full_name,email\nE1,Ana Souza,ana@example.com\n"
TIMESHEETS = """employee_id,project_code,task_key,work_date,hours
E1,PAY,PAY-1,2026-10-05,7.5
E1,PAY,PAY-1,2026-10-06,-1
"""


def pmo(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    environment = {k: v for k, v in os.environ.items() if k not in ("PMO_DATA_DIR", "DAGSTER_HOME")}
    environment.update(env or {})
    return subprocess.run(
        [*PMO, *args], capture_output=True, text=True, env=environment, cwd=cwd or ROOT, timeout=300
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    landing = tmp_path / "data" / "landing"
    landing.mkdir(parents=True)
    (landing / "projects.csv").write_text(PROJECTS)
    (landing / "people.csv").write_text(PEOPLE)
    (landing / "time.csv").write_text(TIMESHEETS)
    (landing / "notes.txt").write_text("not an export\n")
    return tmp_path / "data"


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_refresh_progress_status_and_sql(demo_run):
    """`pmo demo` = generate + `pmo refresh`; its output, then status and sql on the result."""
    assert demo_run.returncode == 0, demo_run.stderr[-3000:]
    progress = demo_run.stderr
    assert re.search(
        r"demo/timesheets/tempo/tempo_worklogs_2026-02.csv: [\d,]+ rows loaded, 1 quarantined",
        progress,
    )
    assert "✓ dbt build:" in progress and "✓ published snapshot" in progress
    assert "Traceback" not in progress
    data_dir = demo_run.data_dir
    # The same data directory through the environment variable instead of the option.
    status = pmo("status", env={"PMO_DATA_DIR": str(data_dir)})
    assert status.returncode == 0
    timesheets = next(line for line in status.stdout.splitlines() if line.startswith("timesheets"))
    assert timesheets.split()[1:4] == ["72", "82,330", "5"]  # files, rows, quarantined
    assert "Last refresh run: SUCCESS" in status.stdout
    out = pmo(
        "sql",
        "--data-dir",
        str(data_dir),
        "--format",
        "json",
        "select project_code, project_name from dim_projects where project_code = 'ERP'",
    )
    assert [row["project_code"] for row in json.loads(out.stdout)] == ["ERP"]
    csv_out = pmo(
        "sql",
        "--data-dir",
        str(data_dir),
        "--format",
        "csv",
        "select source_line, reason from raw.quarantine"
        " where source_file like '%tempo_worklogs_2026-02.csv'",
    )
    header, line = csv_out.stdout.splitlines()
    assert header == "source_line,reason"
    assert re.fullmatch(r"1468,\"hours: found '-[\d.]+', expected a value ≥ 0\"", line)
    # Read-only: writes and file access are refused with a clear message, not a traceback.
    denied = pmo("sql", "--data-dir", str(data_dir), "delete from raw.timesheets")
    assert denied.returncode == 1
    assert "read-only" in denied.stderr and "Traceback" not in denied.stderr
    leak = pmo("sql", "--data-dir", str(data_dir), "select * from read_csv('/etc/passwd')")
    assert leak.returncode == 1 and "root:" not in leak.stdout


def test_validate_exit_codes_and_reasons(data_dir: Path, tmp_path: Path):
    landing = data_dir / "landing"
    good = pmo("validate", str(landing / "projects.csv"), "--data-dir", str(tmp_path / "none"))
    assert good.returncode == 0, good.stdout + good.stderr
    assert "canonical projects" in good.stdout and "1 row accepted, 0 rows rejected" in good.stdout
    # Timesheets are checked against the projects and people validated alongside them.
    mixed = pmo(
        "validate",
        str(landing / "time.csv"),
        str(landing / "projects.csv"),
        str(landing / "people.csv"),
        "--data-dir",
        str(tmp_path / "none"),
    )
    assert mixed.returncode == 1
    assert "timesheets: 1 row accepted, 1 row rejected" in mixed.stdout
    assert "timesheets: 1 row — hours: found '-1', expected a value ≥ 0 (line 3)" in mixed.stdout
    unknown = pmo("validate", str(landing / "notes.txt"))
    assert unknown.returncode == 2 and "unknown format" in unknown.stdout
    missing = pmo("validate", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "no such file" in missing.stdout
    # A nothing-written guarantee: validate never creates a warehouse.
    assert not (tmp_path / "none" / "warehouse").exists()


def test_template_round_trips_through_validate(tmp_path: Path):
    target = tmp_path / "risks.csv"
    made = pmo("template", "risks", "-o", str(target))
    assert made.returncode == 0
    header, example = target.read_text().splitlines()
    assert header.startswith("risk_id,project_code,title,category,probability")
    assert example.startswith("# R-017,")
    checked = pmo("validate", str(target))
    assert checked.returncode == 0
    assert "risks: 0 rows accepted, 0 rows rejected" in checked.stdout
    again = pmo("template", "risks", "-o", str(target))
    assert again.returncode == 1 and "already exists" in again.stderr
    wrong = pmo("template", "timesheet")
    assert wrong.returncode == 1 and "expected one of: projects, people" in wrong.stderr


def test_status_and_sql_before_any_data(tmp_path: Path):
    status = pmo("status", "--data-dir", str(tmp_path / "empty"))
    assert "no data yet" in status.stdout
    query = pmo("sql", "--data-dir", str(tmp_path / "empty"), "select 1")
    assert query.returncode == 1 and "no data yet" in query.stderr
    assert "Traceback" not in query.stderr


@pytest.mark.xdist_group("dagster")
def test_a_failed_refresh_is_reported_with_its_reason(data_dir: Path):
    from pipelines.ingest.load import load_landing
    from pipelines.ingest.warehouse import connect

    con = connect(data_dir / "warehouse" / "pmo.duckdb")
    load_landing(con, data_dir / "landing")
    # A row that breaks the projects contract reaches the warehouse outside the loader: the
    # blocking Great Expectations check fails, so nothing downstream runs or publishes.
    con.execute(
        "insert into raw.projects (project_code, project_name, portfolio, methodology,"
        " start_date, planned_finish_date, source_file, source_sha256, source_line)"
        " values ('PAY', 'Twin', 'Digital', 'scrum', '2025-01-01', '2026-01-01', 'x', 'y', 2)"
    )
    con.close()
    result = pmo("refresh", "--data-dir", str(data_dir))
    assert result.returncode == 1
    assert "the refresh failed; the previous data stays in place" in result.stderr
    assert (
        "✗ check raw/projects great_expectations_suite: "
        "expect_column_values_to_be_in_set on methodology: 1 unexpected" in result.stderr
    )
    assert "Traceback" not in result.stderr
    # one line per failed check and step, not the orchestrator's error records
    assert "dagster - ERROR" not in result.stderr
    assert "Dependencies for step" not in result.stderr
    status = pmo("status", "--data-dir", str(data_dir))
    assert "Last refresh run: FAILURE" in status.stdout
    assert "failed step" in status.stdout
    assert not (data_dir / "published" / "CURRENT").exists()
