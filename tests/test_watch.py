"""`pmo refresh --watch`: a file changed in landing is loaded and built while the command waits,
a file only touched is not, and Ctrl-C ends it cleanly. Real processes, files and Dagster runs."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from pipelines.watch import folder_signature, interrupts_seen, wait_for_change
from tests.conftest import wait_for
from tests.test_cli import PEOPLE, PMO, PROJECTS, ROOT, pmo

TIMESHEETS = "employee_id,project_code,task_key,work_date,hours\nE1,PAY,PAY-1,2026-10-05,7.5\n"


def test_a_change_counts_once_the_folder_has_stopped_changing(tmp_path: Path) -> None:
    export = tmp_path / "landing" / "time.csv"
    export.parent.mkdir()
    export.write_text(TIMESHEETS)
    seen = folder_signature(tmp_path / "landing", tmp_path / "settings.toml")
    # what a copy looks like from outside: the file grows over three looks, then stays
    sizes = iter([TIMESHEETS, TIMESHEETS + "E1,", TIMESHEETS + "E1,PAY,PAY-1,2026-10-06,1\n"])
    clock = [0.0]
    looks = []

    def sleep(seconds: float) -> None:
        clock[0] += seconds
        content = next(sizes, None)
        if content is not None:
            export.write_text(content)
            os.utime(export, ns=(len(content), len(content)))

    def look():
        looks.append(clock[0])
        return folder_signature(tmp_path / "landing", tmp_path / "settings.toml")

    settled = wait_for_change(look, seen, poll=0.5, settle=1.0, sleep=sleep, clock=lambda: clock[0])
    assert export.read_text().endswith("2026-10-06,1\n")
    assert settled == folder_signature(tmp_path / "landing", tmp_path / "settings.toml")
    assert settled != seen
    # the last write was at 1.5 s: the change is taken once nothing moved for a second after
    assert clock[0] == pytest.approx(2.5)

    # a new settings file is a change too; a missing folder is a signature like any other
    (tmp_path / "settings.toml").write_text('[reporting]\ncurrency = "USD"\n')
    assert folder_signature(tmp_path / "landing", tmp_path / "settings.toml") != settled
    assert folder_signature(tmp_path / "nowhere") == ()


def _watch_log(log: Path) -> str:
    return log.read_text(encoding="utf-8") if log.exists() else ""


def _published_hours(data_dir: Path) -> str:
    result = pmo(
        "sql",
        "--data-dir",
        str(data_dir),
        "--format",
        "csv",
        "select sum(hours) as hours from raw.timesheets",
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[1]


@pytest.mark.slow
def test_watch_refreshes_what_changed_skips_a_touched_file_and_stops_on_ctrl_c(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    landing = data_dir / "landing"
    landing.mkdir(parents=True)
    (landing / "projects.csv").write_text(PROJECTS)
    (landing / "people.csv").write_text(PEOPLE)
    timesheets = landing / "time.csv"
    timesheets.write_text(TIMESHEETS)
    log, out = tmp_path / "watch.log", tmp_path / "watch.out"
    environment = {k: v for k, v in os.environ.items() if k not in ("PMO_DATA_DIR", "DAGSTER_HOME")}
    watcher = subprocess.Popen(
        [*PMO, "refresh", "--watch", "--data-dir", str(data_dir)],
        stdout=out.open("w"),
        stderr=log.open("w"),
        env=environment,
        cwd=ROOT,
    )
    try:
        watching = "for changes (Ctrl-C stops)"

        def rounds() -> int:
            return _watch_log(log).count(watching)

        def alive() -> bool:
            assert watcher.poll() is None, _watch_log(log)[-3000:]
            return True

        wait_for(lambda: alive() and rounds() == 1, "the first refresh", timeout=300)
        first = _watch_log(log)
        assert "✓ published snapshot" in first and "✓ refreshed in" in first
        assert "timesheets" in out.read_text()  # the status table, as `pmo refresh` prints it
        assert _published_hours(data_dir) == "7.5"
        snapshot = (data_dir / "published" / "CURRENT").read_text().strip()

        # the analyst corrects the hours: the watch loads the file and builds what reads it
        timesheets.write_text(TIMESHEETS.replace("7.5", "6.0"))
        wait_for(lambda: alive() and rounds() == 2, "the refresh of the change", timeout=300)
        second = _watch_log(log)[len(first) :]
        assert "✓ timesheets" in second and "1 file, 1 row loaded" in second, second
        assert "dbt build: the " in second and "downstream of" in second, second
        assert "✓ refreshed in" in second
        assert _published_hours(data_dir) == "6.0"
        changed = (data_dir / "published" / "CURRENT").read_text().strip()
        assert changed != snapshot

        # a sync tool touches the file with the same content: nothing is rebuilt
        os.utime(timesheets, (1_800_000_000, 1_800_000_000))
        wait_for(lambda: alive() and rounds() == 3, "the look at the touched file", timeout=120)
        third = _watch_log(log)[len(first) + len(second) :]
        assert f"✓ nothing changed since snapshot {changed} was built" in third, third
        assert "1 touched with the same content" in third
        assert "dbt build" not in third
        assert (data_dir / "published" / "CURRENT").read_text().strip() == changed

        # Ctrl-C while a refresh runs (Dagster takes SIGINT for itself while a run runs): the
        # watch ends once that refresh has ended, rather than watching on
        timesheets.write_text(TIMESHEETS.replace("7.5", "5.0"))
        wait_for(lambda: alive() and _watch_log(log).count("Refreshing") == 4, "the third refresh")
    finally:
        watcher.send_signal(signal.SIGINT)
        code = watcher.wait(timeout=120)
    after = _watch_log(log)
    assert (code, after.rstrip().splitlines()[-1]) in (
        (0, "Stopped watching."),  # after the refresh, finished or failed
        (130, "error: interrupted."),  # the interrupt stopped the refresh itself
    ), after[-3000:]
    assert "Traceback" not in after
    # the dbt process kept waiting for the next build went with the watch
    assert not list((data_dir / "dbt").glob("warm-*"))


def test_a_ctrl_c_is_seen_whatever_handler_took_it() -> None:
    taken = []  # a handler that keeps the interrupt to itself, as a Dagster run's does
    previous = signal.signal(signal.SIGINT, lambda number, frame: taken.append(number))
    try:
        with interrupts_seen() as interrupted:
            assert not interrupted()
            os.kill(os.getpid(), signal.SIGINT)
            wait_for(lambda: taken, "the handler")
            assert interrupted()
            assert not interrupted()  # asked again: nothing new
    finally:
        signal.signal(signal.SIGINT, previous)
    assert taken == [signal.SIGINT]


def test_a_ctrl_c_during_a_duckdb_query_reads_interrupted() -> None:
    import click
    import duckdb
    from click.testing import CliRunner

    from pipelines.cli import friendly

    @click.command()
    @friendly
    def interrupted_query() -> None:
        raise duckdb.InterruptException("Query interrupted")

    result = CliRunner().invoke(interrupted_query, [])
    assert result.exit_code == 130
    assert result.output.strip() == "error: interrupted."
