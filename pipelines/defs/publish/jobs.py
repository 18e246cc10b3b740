"""The refresh job: the one code path the CLI, the schedule and the UI all run."""

from __future__ import annotations

import dagster as dg

from pipelines.config import REFRESH_TAG

REFRESH_JOB_NAME = "refresh"

refresh_job = dg.define_asset_job(
    REFRESH_JOB_NAME,
    # Everything but the report packs (monthly and weekly), which their own jobs build from the
    # snapshot.
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("reports"),
    description="Load new landing files, build the warehouse and publish a snapshot.",
    # One DuckDB writer at a time, and no process start-up per step on a 2-core laptop.
    executor_def=dg.in_process_executor,
    # the instance's run queue admits one run with this tag at a time (see config.py)
    tags={REFRESH_TAG: "warehouse"},
)


ABANDONED = (dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED)


def mark_abandoned_runs(instance: dg.DagsterInstance, current_run_id: str) -> list[str]:
    """Refresh runs still "started" when a new one holds the refresh lock ended without
    finishing (killed, crashed, machine off): mark them failed so status and reports say so."""
    lines = []
    records = instance.get_run_records(
        dg.RunsFilter(job_name=REFRESH_JOB_NAME, statuses=list(ABANDONED)), limit=50
    )
    for record in records:
        run = record.dagster_run
        if run.run_id == current_run_id:
            continue
        instance.report_run_failed(
            run,
            message="the process running this refresh ended without finishing (killed or "
            f"crashed); marked failed when run {current_run_id[:8]} started",
        )
        lines.append(f"refresh run {run.run_id[:8]} had stopped without finishing: marked failed")
    return lines
