"""The daily refresh: load the day's exports, rebuild and publish a snapshot."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.publish.jobs import refresh_job


@dg.schedule(
    name="daily_refresh",
    job=refresh_job,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Load the day's exports, rebuild and publish a snapshot daily at 06:00 UTC "
    "(skipped when nothing changed since the snapshot in use was built).",
)
def daily_refresh_schedule(context: dg.ScheduleEvaluationContext):
    from pipelines.config import resolve_data_dir
    from pipelines.inputs import Unchanged, refresh_inputs, unchanged_since_publish
    from pipelines.lock import describe_holder, refresh_running

    paths = resolve_data_dir()
    if refresh_running(paths):
        return dg.SkipReason(describe_holder(paths))
    verdict = unchanged_since_publish(paths, refresh_inputs(paths))
    if isinstance(verdict, Unchanged):
        return dg.SkipReason(f"nothing changed since snapshot {verdict.snapshot_id} was built")
    return dg.RunRequest()
