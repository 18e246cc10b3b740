"""The Dagster code location: assembles assets, checks, jobs and resources; no work at import."""

from __future__ import annotations

import dagster as dg

from pipelines.ingest.assets import INGEST_ASSETS
from pipelines.ingest.checks import raw_expectations
from pipelines.jobs import refresh_job
from pipelines.resources import WarehouseResource


def build_defs(warehouse: WarehouseResource | None = None) -> dg.Definitions:
    """The whole code location; tests pass a warehouse pointed at their temp data directory."""
    return dg.Definitions(
        assets=[*INGEST_ASSETS],
        asset_checks=[raw_expectations],
        jobs=[refresh_job],
        resources={"warehouse": warehouse or WarehouseResource()},
    )


defs = build_defs()
