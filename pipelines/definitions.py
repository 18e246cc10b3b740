"""The Dagster code location: the definitions of each concern (``pipelines/defs/``) merged, with
the resources they share.

Loading it parses the dbt project only when the manifest is missing or stale.
"""

from __future__ import annotations

import dagster as dg

from pipelines.defs import ingest, publish, reports, transform
from pipelines.defs.resources import RefreshLockResource, WarehouseResource
from pipelines.defs.transform.assets import build_dbt_assets, dbt_resource


def build_defs(warehouse: WarehouseResource | None = None) -> dg.Definitions:
    """The whole code location; tests pass a warehouse pointed at their temp data directory."""
    warehouse = warehouse or WarehouseResource()
    dbt_models = build_dbt_assets()
    return dg.Definitions.merge(
        ingest.defs(),
        transform.defs(dbt_models),
        publish.defs(list(dbt_models.keys)),
        reports.defs(),
        dg.Definitions(
            resources={
                "warehouse": warehouse,
                # every refresh run holds the data directory's lock from its first step to its last
                "refresh_lock": RefreshLockResource(warehouse=warehouse),
                "dbt": dbt_resource(),
            }
        ),
    )


defs = build_defs()
