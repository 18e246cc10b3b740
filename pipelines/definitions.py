"""The Dagster code location: assembles assets, checks, jobs and resources.

Loading it parses the dbt project only when the manifest is missing or stale.
"""

from __future__ import annotations

import dagster as dg

from pipelines.ingest.assets import INGEST_ASSETS
from pipelines.ingest.checks import raw_expectations
from pipelines.jobs import refresh_job
from pipelines.publish.assets import build_publish_asset
from pipelines.publish.report_assets import (
    month_end_pack,
    report_job,
    weekly_pack,
    weekly_report_job,
)
from pipelines.resources import RefreshLockResource, WarehouseResource
from pipelines.schedules import (
    build_month_end_schedule,
    build_weekly_schedule,
    daily_refresh_schedule,
)
from pipelines.sensors import landing_sensor
from pipelines.transform.assets import build_dbt_assets, dbt_resource


def build_defs(warehouse: WarehouseResource | None = None) -> dg.Definitions:
    """The whole code location; tests pass a warehouse pointed at their temp data directory."""
    warehouse = warehouse or WarehouseResource()
    dbt_models = build_dbt_assets()
    publish_asset = build_publish_asset(list(dbt_models.keys))
    return dg.Definitions(
        assets=[*INGEST_ASSETS, dbt_models, publish_asset, month_end_pack, weekly_pack],
        asset_checks=[raw_expectations],
        jobs=[refresh_job, report_job, weekly_report_job],
        schedules=[
            daily_refresh_schedule,
            build_month_end_schedule(report_job),
            build_weekly_schedule(weekly_report_job),
        ],
        sensors=[landing_sensor],
        resources={
            "warehouse": warehouse,
            # every refresh run holds the data directory's lock from its first step to its last
            "refresh_lock": RefreshLockResource(warehouse=warehouse),
            "dbt": dbt_resource(),
        },
    )


defs = build_defs()
