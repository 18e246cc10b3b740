"""The publish step: last in the refresh, it runs only when every upstream asset succeeded."""

import dagster as dg

from pipelines.defs.resources import RefreshLockResource, WarehouseResource, progress
from pipelines.inputs import record_publish
from pipelines.publish.catalog import build_catalog
from pipelines.publish.snapshot import new_snapshot_id, publish
from pipelines.transform.project import DBT_PROJECT_DIR, dbt_project

SNAPSHOT_KEY = dg.AssetKey(["published", "snapshot"])


def build_publish_asset(upstream: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=SNAPSHOT_KEY,
        deps=upstream,
        group_name="publish",
        description="An immutable copy of the tested warehouse in <data-dir>/published/<id>/ "
        "with catalog.json; the CURRENT pointer switches atomically. A failed build or a "
        "failing blocking test upstream means this never runs and the previous snapshot stays.",
        kinds={"duckdb"},
    )
    def published_snapshot(
        context: dg.AssetExecutionContext,
        warehouse: WarehouseResource,
        refresh_lock: RefreshLockResource,
    ) -> dg.MaterializeResult:
        paths = warehouse.paths
        with warehouse.connect() as con:
            catalog = build_catalog(
                dbt_project.manifest_path,
                con,
                repo=DBT_PROJECT_DIR.parent,
                run_id=context.run.run_id,
            )
        snapshot = publish(paths, catalog, snapshot_id=new_snapshot_id(context.run.run_id))
        with warehouse.connect() as con:
            record_publish(paths, context.run.run_id, snapshot.snapshot_id, con)
        progress(f"  ✓ published snapshot {snapshot.snapshot_id} ({len(catalog['models'])} models)")
        return dg.MaterializeResult(
            metadata={
                "snapshot_id": snapshot.snapshot_id,
                "models": len(catalog["models"]),
                "path": dg.MetadataValue.path(str(snapshot.folder)),
                "code_version": catalog["code_version"],
            }
        )

    return published_snapshot
