"""The refresh job: the one code path the CLI, the schedule and the UI all run."""

from __future__ import annotations

import dagster as dg

REFRESH_JOB_NAME = "refresh"

refresh_job = dg.define_asset_job(
    REFRESH_JOB_NAME,
    # Everything but the monthly report packs, which their own job builds from the snapshot.
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("reports"),
    description="Load new landing files, build the warehouse and publish a snapshot.",
    # One DuckDB writer at a time, and no process start-up per step on a 2-core laptop.
    executor_def=dg.in_process_executor,
)
