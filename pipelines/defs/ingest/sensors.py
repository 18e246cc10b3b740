"""A sensor on the landing folder: new or changed export files trigger a refresh."""

from __future__ import annotations

import dagster as dg

from pipelines.config import resolve_data_dir
from pipelines.defs.publish.jobs import refresh_job
from pipelines.inputs import landing_fingerprint


@dg.sensor(
    job=refresh_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts a refresh when files under <data-dir>/landing are added, changed or gone.",
)
def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    landing = resolve_data_dir().landing
    fingerprint, _ = landing_fingerprint(landing)
    if fingerprint == context.cursor:
        return dg.SensorResult(skip_reason=dg.SkipReason("no new or changed files in landing/"))
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"landing-{fingerprint[:16]}")],
        cursor=fingerprint,
    )
