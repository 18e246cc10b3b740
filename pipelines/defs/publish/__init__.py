"""Publish: the snapshot asset that ends every refresh, the refresh job (everything but the
report packs) and its daily schedule (imported when ``defs()`` is called: ``pmo status`` reads
the refresh job's name without loading the assets, and with them dagster-dbt)."""

import dagster as dg


def defs(upstream: list[dg.AssetKey]) -> dg.Definitions:
    """``upstream``: the assets a snapshot is published after (every dbt model)."""
    from pipelines.defs.publish.assets import build_publish_asset
    from pipelines.defs.publish.jobs import refresh_job
    from pipelines.defs.publish.schedules import daily_refresh_schedule

    return dg.Definitions(
        assets=[build_publish_asset(upstream)],
        jobs=[refresh_job],
        schedules=[daily_refresh_schedule],
    )
