"""Transform: the dbt models as assets downstream of the raw entities; dbt tests are their
checks (imported when ``defs()`` is called: dagster-dbt and dbt take seconds to import)."""

import dagster as dg


def defs(dbt_models: dg.AssetsDefinition | None = None) -> dg.Definitions:
    from pipelines.defs.transform.assets import build_dbt_assets

    return dg.Definitions(assets=[dbt_models or build_dbt_assets()])
