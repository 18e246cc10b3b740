"""Ingest: the landing scan and one asset per raw entity, their Great Expectations checks, and
the sensor that starts a refresh when landing files change.

Each package's definitions are imported when ``defs()`` is called, not when the package is: a
module that needs one name of it (``pmo status`` the refresh job's) does not load them all."""

import dagster as dg


def defs() -> dg.Definitions:
    from pipelines.defs.ingest.assets import INGEST_ASSETS
    from pipelines.defs.ingest.checks import raw_expectations
    from pipelines.defs.ingest.sensors import landing_sensor

    return dg.Definitions(
        assets=INGEST_ASSETS, asset_checks=[raw_expectations], sensors=[landing_sensor]
    )
