"""Transform: the dbt models as assets downstream of the raw entities; dbt tests are their
checks."""

import dagster as dg

from pipelines.defs.transform.assets import build_dbt_assets


def defs(dbt_models: dg.AssetsDefinition | None = None) -> dg.Definitions:
    return dg.Definitions(assets=[dbt_models or build_dbt_assets()])
