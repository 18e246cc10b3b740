"""The `pmo` commands as a user runs them: real processes, real files, real Dagster runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.instance.ref import InstanceRef

from pipelines.config import DataPaths
from pipelines.inputs import Unchanged, refresh_inputs, unchanged_since_publish
from pipelines.lock import refresh_running
from tests.conftest import wait_for
from tests.filesystems import make_read_only, tmpfs

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
    # one summary per entity; a file is named only when some of its rows were quarantined
    assert re.search(
        r"✓ tasks +307 files, 53,317 rows loaded \([\d.]+ s, [\d,]+ rows/s\)", progress
    )
    assert re.search(r"⚠ timesheets +72 files, 82,330 rows loaded, 5 quarantined", progress)
    assert "tempo_worklogs_2026-03.csv" not in progress
    data_dir = demo_run.data_dir
    # The same data directory through the environment variable instead of the option.
    status = pmo("status", env={"PMO_DATA_DIR": str(data_dir)})
    assert status.returncode == 0
    timesheets = next(line for line in status.stdout.splitlines() if line.startswith("timesheets"))
    assert timesheets.split()[1:4] == ["72", "82,330", "5"]  # files, rows, quarantined
    assert "Last refresh run: SUCCESS" in status.stdout
    # each kind of quarantine reason with the value found, in full
    assert "work_date: found '02/32/2026', expected a date (YYYY-MM-DD)" in status.stdout
    assert "unknown project 'INTRA', expected a project listed in projects" in status.stdout
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
    # A runaway query is stopped at the time limit, and says so.
    started = time.monotonic()
    runaway = pmo(
        "sql",
        "--data-dir",
        str(data_dir),
        "--timeout",
        "1",
        "select count(*) from range(1e13::bigint)",
    )
    assert time.monotonic() - started < 20
    assert runaway.returncode == 1
    assert "the query ran longer than 1 s and was stopped" in runaway.stderr
    limits = pmo(
        "sql",
        "--data-dir",
        str(data_dir),
        "--format",
        "csv",
        "select current_setting('memory_limit') as memory_limit",
    )
    assert limits.stdout.splitlines()[1] == "1.8 GiB"  # 2 GB, as DuckDB prints it


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


# --- one refresh at a time, and nothing rebuilt when nothing changed ---------------------------
# An operator's day: a scheduled refresh overlaps a manual one, someone runs `--full` in the
# middle, a refresh is killed, and the same refresh is started again with nothing new in landing.


def start_refresh(data_dir: Path, *args: str, log: Path) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if k not in ("PMO_DATA_DIR", "DAGSTER_HOME")}
    return subprocess.Popen(
        [*PMO, "refresh", "--data-dir", str(data_dir), *args],
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        env=environment,
        cwd=ROOT,
    )


def schedule_verdict(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    from pipelines.definitions import defs

    monkeypatch.setenv("PMO_DATA_DIR", str(data_dir))
    schedule = defs.resolve_schedule_def("daily_refresh")
    with dg.instance_for_test() as instance:
        return schedule.evaluate_tick(dg.build_schedule_context(instance=instance))


def test_one_refresh_at_a_time_a_killed_one_is_marked_failed_and_nothing_changed_rebuilds_nothing(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    paths = DataPaths(data_dir)
    first = start_refresh(data_dir, log=tmp_path / "first.log")
    wait_for(lambda: refresh_running(paths) or first.poll() is not None, "the first refresh")
    assert first.poll() is None, (tmp_path / "first.log").read_text()

    refused = pmo("refresh", "--data-dir", str(data_dir))
    assert refused.returncode == 1
    assert f"a refresh of {data_dir} started at " in refused.stderr
    assert f"by pid {first.pid} " in refused.stderr
    assert "is running; this one did not start" in refused.stderr
    assert "Traceback" not in refused.stderr and "Refreshing" not in refused.stderr
    # --full takes the same lock before it deletes anything
    wait_for(paths.warehouse.exists, "the warehouse of the first refresh")
    full = pmo("refresh", "--full", "--data-dir", str(data_dir))
    assert full.returncode == 1 and "this one did not start" in full.stderr
    assert paths.warehouse.exists()

    # a refresh started with --wait waits; the first is killed while it loads (its run is
    # "started" in Dagster's records): the operating system releases the lock, the waiter
    # takes it, marks the killed run failed and refreshes
    waiter = start_refresh(data_dir, "--wait", log=tmp_path / "waiter.log")
    waiting = "is running; waiting for it to end"
    wait_for(lambda: waiting in (tmp_path / "waiter.log").read_text(), "the waiter")
    assert first.poll() is None, (tmp_path / "first.log").read_text()
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    # the schedule does not pile a run onto a running refresh
    assert "is running" in schedule_verdict(data_dir, monkeypatch).skip_message
    assert waiter.wait(timeout=300) == 0, (tmp_path / "waiter.log").read_text()[-3000:]
    waited = (tmp_path / "waiter.log").read_text()
    assert "had stopped without finishing: marked failed" in waited
    assert "✓ published snapshot" in waited
    snapshot = (data_dir / "published" / "CURRENT").read_text().strip()
    assert len(list((data_dir / "published").glob("2*"))) == 1

    # the same refresh again finds nothing new: no second load or dbt build, the same snapshot
    again = pmo("refresh", "--data-dir", str(data_dir))
    assert again.returncode == 0, again.stderr[-3000:]
    assert (
        f"✓ nothing changed since snapshot {snapshot} was built (landing: 4 files" in again.stderr
    )
    assert "dbt build" not in again.stderr
    assert len(list((data_dir / "published").glob("2*"))) == 1
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(data_dir / "dagster"))) as runs:
        waiter_run, killed_run = runs.get_run_records(dg.RunsFilter(job_name="refresh"))
    assert waiter_run.dagster_run.status == dg.DagsterRunStatus.SUCCESS
    assert killed_run.dagster_run.status == dg.DagsterRunStatus.FAILURE  # marked by the waiter

    status = pmo("status", "--data-dir", str(data_dir))
    assert "Last refresh run: SUCCESS" in status.stdout  # the refused ones left no run
    assert f"nothing changed since snapshot {snapshot}" in (
        schedule_verdict(data_dir, monkeypatch).skip_message
    )

    # A file touched (synced, re-exported the same) keeps its content: the refresh reads that
    # file alone to know it, and stops before Dagster starts.
    os.utime(data_dir / "landing" / "time.csv", (1_750_000_000, 1_750_000_000))
    touched = pmo("refresh", "--data-dir", str(data_dir))
    assert touched.returncode == 0, touched.stderr[-3000:]
    assert (
        f"✓ nothing changed since snapshot {snapshot} was built (landing: 4 files, 1 touched "
        "with the same content, settings, product code)" in touched.stderr
    ), touched.stderr[-3000:]
    assert isinstance(unchanged_since_publish(paths, refresh_inputs(paths)), Unchanged)
    # A copy of a loaded file under another name is a new file, but not new content: it is
    # not loaded twice, so the dbt build and the publish are skipped.
    shutil.copyfile(data_dir / "landing" / "time.csv", data_dir / "landing" / "time-copy.csv")
    copied = pmo("refresh", "--data-dir", str(data_dir))
    assert copied.returncode == 0, copied.stderr[-3000:]
    run_log = data_dir / "dagster" / "last_refresh.log"
    assert (
        f"✓ nothing new was loaded: the warehouse is the one snapshot {snapshot} was built from"
        in copied.stderr
    ), copied.stdout[-2000:] + (run_log.read_text()[-4000:] if run_log.exists() else "")
    assert "dbt build:" not in copied.stderr and "emitted no result" not in copied.stderr
    assert (data_dir / "published" / "CURRENT").read_text().strip() == snapshot
    assert len(list((data_dir / "published").glob("2*"))) == 1
    # nor were the unchanged raw tables validated again by Great Expectations
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(data_dir / "dagster"))) as runs:
        check = dg.AssetCheckKey(dg.AssetKey(["raw", "timesheets"]), "great_expectations_suite")
        record = runs.get_latest_asset_check_evaluation_record(check)
        evaluation = record.event.dagster_event.event_specific_data
    assert evaluation.passed
    assert evaluation.description.startswith("raw.timesheets is unchanged since its suite passed")

    # Any input that changes makes the next refresh (and the daily schedule) rebuild.
    assert isinstance(unchanged_since_publish(paths, refresh_inputs(paths)), Unchanged)
    assert unchanged_since_publish(paths, refresh_inputs(paths, "spark")) == "engine changed"
    settings = data_dir / "settings.toml"
    settings.write_text('[reporting]\ncurrency = "USD"\n')
    assert unchanged_since_publish(paths, refresh_inputs(paths)) == "settings changed"
    assert schedule_verdict(data_dir, monkeypatch).run_requests
    settings.unlink()
    assert isinstance(unchanged_since_publish(paths, refresh_inputs(paths)), Unchanged)
    # touched again with the same content: unchanged; the same size, other content: changed
    os.utime(data_dir / "landing" / "time.csv", (1_800_000_000, 1_800_000_000))
    verdict = unchanged_since_publish(paths, refresh_inputs(paths))
    assert isinstance(verdict, Unchanged) and verdict.touched == 1
    timesheet = data_dir / "landing" / "time.csv"
    timesheet.write_bytes(timesheet.read_bytes().replace(b"2026-10-0", b"2026-10-1", 1))
    assert unchanged_since_publish(paths, refresh_inputs(paths)) == "landing files changed"
    # A file loaded and then removed from landing leaves its rows in the raw layer: the
    # landing looks as it did at the publish, but the next refresh must rebuild.
    from pipelines.ingest.load import load_landing
    from pipelines.ingest.warehouse import connect

    extra = data_dir / "landing" / "more.csv"
    extra.write_text(
        "employee_id,project_code,task_key,work_date,hours\nE1,PAY,PAY-2,2026-10-07,3\n"
    )
    con = connect(paths.warehouse)
    load_landing(con, paths.landing)
    con.close()
    extra.unlink()
    os.utime(data_dir / "landing" / "time.csv", (1_700_000_000, 1_700_000_000))
    verdict = unchanged_since_publish(paths, refresh_inputs(paths))
    assert verdict in ("landing files changed", "the raw layer changed since the last publish")


def test_a_full_disk_is_named_before_anything_changes_and_a_read_only_one_still_reads(
    tmp_path: Path,
):
    with tmpfs(tmp_path / "disk", "300m") as disk:
        landing = disk / "data" / "landing"
        landing.mkdir(parents=True)
        (landing / "projects.csv").write_text(PROJECTS)
        (landing / "people.csv").write_text(PEOPLE)
        (landing / "time.csv").write_text(TIMESHEETS)
        data_dir = disk / "data"
        first = pmo("refresh", "--data-dir", str(data_dir))
        assert first.returncode == 0, first.stderr[-3000:]
        snapshot = (data_dir / "published" / "CURRENT").read_text()

        # The disk fills up (20 MB left) and a new export lands.
        filler = disk / "filler.bin"
        with filler.open("wb") as handle:
            os.posix_fallocate(handle.fileno(), 0, shutil.disk_usage(disk).free - 20 * 1024**2)
        os.utime(landing / "time.csv", (1_800_000_000, 1_800_000_000))
        full = pmo("refresh", "--data-dir", str(data_dir))
        assert full.returncode == 1
        assert re.search(
            rf"error: \d+ MB are free on the disk holding {data_dir}, and a", full.stderr
        )
        assert "refresh needs about 1" in full.stderr  # 2 × the warehouse + 100 MB
        assert "nothing was changed and the snapshot in use stays" in full.stderr
        assert "Traceback" not in full.stderr and "disk I/O" not in full.stderr
        assert (data_dir / "published" / "CURRENT").read_text() == snapshot
        filler.unlink()

        # Read-only (a mount, a backup, a colleague's copy): reading works, refreshing says why not.
        make_read_only(disk)
        status = pmo("status", "--data-dir", str(data_dir))
        assert status.returncode == 0, status.stderr
        assert "Last refresh run: SUCCESS" in status.stdout
        assert "run history read-only" in status.stdout
        rows = pmo(
            "sql",
            "--data-dir",
            str(data_dir),
            "--format",
            "csv",
            "select count(*) as n from raw.timesheets",
        )
        assert rows.returncode == 0 and rows.stdout.splitlines() == ["n", "1"], rows.stderr
        refused = pmo("refresh", "--data-dir", str(data_dir))
        assert refused.returncode == 1
        assert (
            f"cannot write to the data directory {data_dir} (Read-only file system)"
            in refused.stderr
        )


def _published_tables(data_dir: Path) -> dict[str, list[tuple]]:
    """Every model of the snapshot in use, its rows sorted (lineage timestamps left out)."""
    import duckdb

    snapshot = (data_dir / "published" / "CURRENT").read_text().strip()
    con = duckdb.connect(
        str(data_dir / "published" / snapshot / "warehouse.duckdb"), read_only=True
    )
    try:
        tables = {}
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
        ).fetchall():
            columns = [
                column
                for (column,) in con.execute(
                    "select column_name from information_schema.columns"
                    " where table_schema = 'main' and table_name = ? order by ordinal_position",
                    [name],
                ).fetchall()
                if column not in ("loaded_at", "quarantined_at", "load_id")
            ]
            listed = ", ".join(f'"{column}"' for column in columns)
            tables[name] = sorted(
                con.execute(f'select {listed} from main."{name}"').fetchall(), key=repr
            )
        return tables
    finally:
        con.close()


def _written_in_the_install_since(moment: float) -> list[str]:
    """Files of the source tree modified since ``moment`` (caches of Python and tools aside)."""
    skipped = {".venv", ".git", ".tools", "__pycache__", ".pytest_cache", ".ruff_cache"}
    return sorted(
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*")
        if not skipped.intersection(path.relative_to(ROOT).parts)
        and path.is_file()
        and path.stat().st_mtime > moment
    )


def _files_below(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below ``folder`` (Python's byte-code caches aside): path -> (size, mtime)."""
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_a_refresh_writes_only_its_data_directory_and_a_changed_entity_rebuilds_its_dependents(
    data_dir: Path, tmp_path: Path
):
    # run from an empty folder with an empty home: a refresh writes under its data directory
    # only, not where it was started, not in the home folder, not in the install (dbt's
    # target/ and logs/, a log at the top)
    started, home, cwd = time.time(), tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    project_before = _files_below(ROOT / "dbt_project")
    top_before = {path.name for path in ROOT.iterdir()}
    first = pmo("refresh", "--data-dir", str(data_dir), env={"HOME": str(home)}, cwd=cwd)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "dbt build: models and data tests" in first.stderr
    assert list(home.rglob("*")) == [] and list(cwd.rglob("*")) == []
    assert _written_in_the_install_since(started) == []
    assert _files_below(ROOT / "dbt_project") == project_before
    assert {path.name for path in ROOT.iterdir()} == top_before
    # the suites ran in the suite worker while the next entities loaded
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(data_dir / "dagster"))) as runs:
        check = dg.AssetCheckKey(dg.AssetKey(["raw", "timesheets"]), "great_expectations_suite")
        record = runs.get_latest_asset_check_evaluation_record(check)
        evaluation = record.event.dagster_event.event_specific_data
    assert evaluation.passed
    assert evaluation.metadata["validated"].value == "while the load went on"
    # the first build of the data directory started from the install's parse of the dbt
    # project: dbt did not parse it again (dbt logs why it would, at info level)
    (first_build,) = (data_dir / "dbt" / "runs").iterdir()  # no parse ahead was needed
    assert (first_build / "run_results.json").is_file()  # dbt's artefacts are there
    first_log = "".join(log.read_text() for log in first_build.glob("dbt.log*"))
    assert '"stat_line": "' in first_log  # the log holds the parse's outcome
    assert "Unable to do partial parsing" not in first_log
    # the PM's status note for October arrives, and a second week of October's time: the
    # reporting period (the month end of the latest date) stays 2026-10-31, so what reads the
    # time only through it is left out
    (data_dir / "landing" / "notes.csv").write_text(
        "project_code,report_month,author,overall_status,summary\n"
        "PAY,2026-10-01,Ana Souza,amber,Cut-over moved by a week.\n"
    )
    (data_dir / "landing" / "time_week_2.csv").write_text(
        "employee_id,project_code,task_key,work_date,hours\nE1,PAY,PAY-1,2026-10-12,6\n"
    )
    second = pmo("refresh", "--data-dir", str(data_dir))
    assert second.returncode == 0, second.stderr[-3000:]
    assert re.search(
        r"dbt build: the \d+ model\(s\) downstream of load_log, status_notes, timesheets \(changed "
        r"since the snapshot in use; the reporting period is unchanged\), \d+ unchanged",
        second.stderr,
    ), second.stderr
    assert "✓ published snapshot" in second.stderr
    # the run's history is whole: the planned events (written as one batch) name every asset
    # and check of the job, and every dbt model has a materialisation, rebuilt or not
    from pipelines.definitions import defs

    job = defs.resolve_job_def("refresh")
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(data_dir / "dagster"))) as runs:
        (record,) = runs.get_run_records(dg.RunsFilter(job_name="refresh"), limit=1)
        logs = runs.all_logs(record.dagster_run.run_id)
        kinds = Counter(
            event.dagster_event.event_type_value for event in logs if event.dagster_event
        )
        # the run's log names each file loaded, one message per entity (not an event a file)
        messages = [event.user_message for event in logs if not event.dagster_event]
        (notes,) = [m for m in messages if m.startswith("status_notes: 1 file(s) loaded")]
        assert "notes.csv: 1 row loaded" in notes, notes
        model = runs.get_latest_materialization_event(dg.AssetKey(["fct_schedule_network_monthly"]))
        costed = runs.get_latest_materialization_event(
            dg.AssetKey(["int_timesheet_entries_costed"])
        )
    layer = job.asset_layer
    assert kinds["ASSET_MATERIALIZATION_PLANNED"] == len(layer.executable_asset_keys)
    assert kinds["ASSET_CHECK_EVALUATION_PLANNED"] == len(layer.asset_graph.asset_check_keys)
    assert kinds["ASSET_MATERIALIZATION"] == len(layer.executable_asset_keys)  # one each
    assert model.run_id == record.dagster_run.run_id  # not rebuilt, reported as unchanged
    assert model.asset_materialization.metadata["rebuilt"].value is False
    assert costed.run_id == record.dagster_run.run_id  # reads the time: rebuilt
    assert "rebuilt" not in costed.asset_materialization.metadata
    partial = _published_tables(data_dir)
    freshness = {row[:2] for row in partial["fct_export_freshness"]}
    assert ("PAY", "status_notes") in freshness, freshness  # the note reached the marts

    # the same landing, built from nothing: every model is built (none is in the new warehouse,
    # whatever the raw tables say) and every published row is the same
    full = pmo("refresh", "--full", "--data-dir", str(data_dir))
    assert full.returncode == 0, full.stderr[-3000:]
    assert "dbt build: models and data tests" in full.stderr
    rebuilt = _published_tables(data_dir)
    assert sorted(partial) == sorted(rebuilt)
    differing = [name for name in rebuilt if partial[name] != rebuilt[name]]
    assert differing == []

    # A reporting currency that follows the projects (a dbt var every amount reads) changes
    # with a projects export: then the plan is a full build, not the projects' dependents.
    from pipelines.ingest.warehouse import connect
    from pipelines.inputs import note_run_inputs, raw_tables_changed, reporting_period_unchanged

    note_run_inputs(paths := DataPaths(data_dir), "probe", refresh_inputs(paths))
    con = connect(paths.warehouse)
    try:
        # time in a later month moves the reporting period: what reads it is rebuilt then
        assert reporting_period_unchanged(paths, con)
        con.execute("update raw.timesheets set work_date = date '2026-11-02' where hours = 6")
        assert not reporting_period_unchanged(paths, con)
        con.execute("update raw.timesheets set work_date = date '2026-10-12' where hours = 6")
        con.execute("update raw.projects set currency = 'USD'")
        assert raw_tables_changed(paths, "probe", con, {"reporting_currency": "EUR"}) == {
            "projects"
        }
        assert raw_tables_changed(paths, "probe", con, {"reporting_currency": "USD"}) is None
    finally:
        con.close()


def test_status_names_the_kinds_of_quarantine_reason_it_does_not_list(tmp_path: Path):
    from pipelines.ingest.warehouse import connect
    from pipelines.status import REASON_KINDS_SHOWN, warehouse_status

    paths = DataPaths(tmp_path / "data")
    paths.ensure()
    con = connect(paths.warehouse)
    kinds = REASON_KINDS_SHOWN + 2
    # kind i (A, B, ...) has kinds - i rows: the last two kinds (2 rows and 1) are left out
    con.execute(
        """
        insert into raw.quarantine (load_id, entity, source_file, source_sha256, source_line,
            column_name, found_value, reason, quarantined_at, rows_represented)
        select 'l', 'risks', 'risks.csv', 'sha', kind * 100 + copy, 'c', 'x',
            'c: problem ' || chr(cast(65 + kind as integer)), now(), 1
        from range(?) as kinds(kind), range(?) as copies(copy)
        where copy < ? - kind
        """,
        [kinds, kinds, kinds],
    )
    con.close()
    status = warehouse_status(paths)
    assert status.count("c: problem") == REASON_KINDS_SHOWN
    assert "c: problem A " in status and "c: problem M" not in status  # kind 12
    assert "… and 2 more kind(s) of reason, 3 row(s): the data-quality page lists every one" in (
        status
    )
