"""The landing sensor and the schedules, evaluated with Dagster's own test utilities."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from pipelines.definitions import defs
from pipelines.defs.ingest.sensors import landing_sensor
from pipelines.defs.reports.schedules import nth_business_day, report_month_due


@pytest.fixture
def landing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PMO_DATA_DIR", str(tmp_path))
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "projects.csv").write_text("project_code,project_name\nPAY,Payments\n")
    return folder


def evaluate(cursor: str | None) -> dg.SensorResult:
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, cursor=cursor)
        return landing_sensor(context)


def test_new_file_requests_a_refresh_and_an_unchanged_folder_does_not(landing: Path):
    first = evaluate(None)
    assert len(first.run_requests) == 1
    assert first.run_requests[0].run_key.startswith("landing-")
    unchanged = evaluate(first.cursor)
    assert unchanged.run_requests in (None, [])
    assert "no new or changed files" in unchanged.skip_reason.skip_message

    (landing / "tempo_2026-10.csv").write_text("Issue Key,Hours,Work date\nPAY-1,8,2026-10-05\n")
    added = evaluate(first.cursor)
    assert len(added.run_requests) == 1
    assert added.cursor != first.cursor
    # A changed file (new size or mtime) is a change too; a removed one as well.
    os.utime(landing / "projects.csv", (1_800_000_000, 1_800_000_000))
    assert len(evaluate(added.cursor).run_requests) == 1
    (landing / "tempo_2026-10.csv").unlink()
    assert len(evaluate(added.cursor).run_requests) == 1


def test_sensor_and_daily_schedule_are_in_the_code_location():
    assert defs.resolve_sensor_def("landing_sensor").job_name == "refresh"
    daily = defs.resolve_schedule_def("daily_refresh")
    assert daily.cron_schedule == "0 6 * * *" and daily.job_name == "refresh"


@pytest.mark.parametrize(
    ("today", "business_day", "month"),
    [
        (date(2026, 11, 4), 3, "2026-10"),  # Nov 2026 starts on a Sunday: Mon 2, Tue 3, Wed 4
        (date(2026, 11, 3), 3, None),
        (date(2026, 12, 1), 1, "2026-11"),
        (date(2027, 1, 1), 1, "2026-12"),
    ],
)
def test_month_end_pack_is_due_on_the_configured_business_day(today, business_day, month):
    assert report_month_due(today, business_day) == month


def test_nth_business_day_skips_weekends():
    assert nth_business_day(2026, 8, 1) == date(2026, 8, 3)  # 1 Aug 2026 is a Saturday
