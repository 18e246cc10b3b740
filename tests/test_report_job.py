"""The month-end pack as a Dagster partition: built from the current snapshot with the closure
report of each project that closed in the month, and refused after a failed refresh (a pack must
never present stale numbers as the month's)."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.config import resolve_data_dir
from pipelines.definitions import build_defs
from pipelines.defs.resources import WarehouseResource
from pipelines.publish.reports import list_reports


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_report_partition_builds_and_a_failed_refresh_blocks_the_next(demo_run, tmp_path: Path):
    assert demo_run.returncode == 0, demo_run.stderr[-2000:]
    data_dir = tmp_path / "data"
    shutil.copytree(
        demo_run.data_dir, data_dir, ignore=shutil.ignore_patterns("dagster", "reports")
    )
    defs = build_defs(WarehouseResource(data_dir=str(data_dir)))
    report_job = defs.resolve_job_def("month_end_reports")
    with dg.instance_for_test() as instance:
        built = report_job.execute_in_process(
            instance=instance, partition_key="2026-10-01", raise_on_error=False
        )
        assert built.success
        paths = resolve_data_dir(data_dir)
        assert [(r.month, r.version) for r in list_reports(paths)] == [("2026-10", 1)]
        folder = list_reports(paths)[0].folder
        assert {p.name for p in folder.iterdir()} >= {
            "msr-2026-10.html",
            "msr-2026-10.pdf",
            "fsr-2026-10.xlsx",
            "manifest.json",
            # BIL, NET and POS closed from October 2026: their closure reports come with it
            *(
                f"closure-{code}-2026-10.{ext}"
                for code in ("BIL", "NET", "POS")
                for ext in ("pdf", "xlsx")
            ),
        }
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["kinds"] == ["msr", "fsr", "closure"]
        assert manifest["closures"] == ["BIL", "NET", "POS"]
        [materialization] = [
            event.event_specific_data.materialization
            for event in built.get_asset_materialization_events()
        ]
        assert materialization.metadata["closure_reports"].value == "BIL, NET, POS"

        # A refresh that fails (a budget line for an unknown project breaks a dbt relationship
        # test) publishes nothing and blocks the next pack.
        con = duckdb.connect(str(paths.warehouse))
        con.execute(
            "insert into raw.budgets (project_code, budget_month, cost_category, expense_type,"
            " amount, baseline_version, source_file, source_sha256, source_line)"
            " values ('GHOST', '2026-01-01', 'labour', 'opex', 5, 'B1', 'manual', 'x', 1)"
        )
        con.close()
        refresh = defs.resolve_job_def("refresh").execute_in_process(
            instance=instance, raise_on_error=False
        )
        assert not refresh.success
        refused = report_job.execute_in_process(
            instance=instance, partition_key="2026-10-01", raise_on_error=False
        )
        assert not refused.success
        failure = next(e for e in refused.all_events if e.is_step_failure)
        error = failure.step_failure_data.error
        assert error.cls_name == "ReportError" or (
            error.cause and error.cause.cls_name == "ReportError"
        )
        assert "the latest refresh" in error.to_string()
        assert [(r.month, r.version) for r in list_reports(paths)] == [("2026-10", 1)]


def test_month_end_schedule_requests_last_month_on_its_business_day():
    defs = build_defs()
    schedule = defs.resolve_schedule_def("month_end_reports")
    with dg.instance_for_test() as instance:
        due = schedule.evaluate_tick(
            dg.build_schedule_context(
                instance=instance,
                repository_def=defs.get_repository_def(),
                scheduled_execution_time=datetime(2026, 11, 4, 7, 0),
            )
        )
        assert [r.partition_key for r in due.run_requests] == ["2026-10-01"]
        not_due = schedule.evaluate_tick(
            dg.build_schedule_context(
                instance=instance,
                repository_def=defs.get_repository_def(),
                scheduled_execution_time=datetime(2026, 11, 5, 7, 0),
            )
        )
        assert not not_due.run_requests
