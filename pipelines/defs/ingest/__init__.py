"""Ingest: the landing scan and one asset per raw entity, their Great Expectations checks, and
the sensor that starts a refresh when landing files change."""

import dagster as dg

from pipelines.defs.ingest.assets import INGEST_ASSETS
from pipelines.defs.ingest.checks import raw_expectations
from pipelines.defs.ingest.sensors import landing_sensor


def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=INGEST_ASSETS, asset_checks=[raw_expectations], sensors=[landing_sensor]
    )
