"""Ingestion assets: the landing scan, then one asset per canonical entity (raw.<entity>)."""

import dagster as dg

from pipelines.ingest.contracts import ENTITIES, Entity
from pipelines.ingest.load import (
    FileOutcome,
    LandingFile,
    load_entity,
    record_unrecognised,
    scan_landing,
)
from pipelines.resources import WarehouseResource, progress
from pipelines.text import rows_text

LANDING_KEY = dg.AssetKey(["raw", "landing_files"])


@dg.asset(
    key=LANDING_KEY,
    group_name="ingest",
    description="Every file under <data-dir>/landing: sha256, recognised format and entities. "
    "Files no adapter recognises are logged as rejected in raw.load_log.",
    kinds={"duckdb"},
)
def landing_files(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        files = scan_landing(con, warehouse.paths.landing)
        rejected = record_unrecognised(con, files)
    for outcome in rejected:
        context.log.warning(outcome.error)
        progress(f"  ✗ {outcome.error}")
    recognised = sum(1 for item in files if item.adapter is not None)
    return dg.MaterializeResult(
        metadata={
            "files": len(files),
            "recognised": recognised,
            "unrecognised": len(files) - recognised,
            "landing": dg.MetadataValue.path(str(warehouse.paths.landing)),
        }
    )


def _report(context: dg.AssetExecutionContext, outcome: FileOutcome) -> None:
    if outcome.status == "rejected":
        context.log.warning(f"rejected {outcome.source_file}: {outcome.error}")
        progress(f"  ✗ {outcome.entity:<16} {outcome.error}")
        return
    text = (
        f"{outcome.entity:<16} {outcome.source_file}: {rows_text(outcome.rows_loaded)} loaded"
        + (f", {outcome.rows_quarantined:,} quarantined" if outcome.rows_quarantined else "")
        + (f", {outcome.rows_replaced:,} replaced" if outcome.rows_replaced else "")
    )
    context.log.info(text)
    progress(f"  ✓ {text}")


def _files_for(entity: Entity, files: list[LandingFile]) -> list[LandingFile]:
    return [item for item in files if item.adapter and entity.name in item.adapter.entities]


def build_entity_asset(entity: Entity) -> dg.AssetsDefinition:
    upstream = [LANDING_KEY] + [
        dg.AssetKey(["raw", target]) for target in dict.fromkeys(entity.references.values())
    ]

    @dg.asset(
        key=dg.AssetKey(["raw", entity.name]),
        deps=upstream,
        group_name="ingest",
        description=f"raw.{entity.name} — {entity.description} Natural key: "
        f"{', '.join(entity.natural_key)}.",
        kinds={"duckdb", "polars"},
        metadata={"natural_key": ", ".join(entity.natural_key), "snapshot": entity.snapshot},
    )
    def _load(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            files = scan_landing(con, warehouse.paths.landing)
            outcomes = load_entity(
                con,
                _files_for(entity, files),
                entity.name,
                progress=lambda outcome: _report(context, outcome),
            )
            total = con.execute(f"select count(*) from raw.{entity.name}").fetchall()[0][0]
            quarantined = con.execute(
                "select count(*) from raw.quarantine where entity = ?", [entity.name]
            ).fetchall()[0][0]
        return dg.MaterializeResult(
            metadata={
                "files_loaded": sum(1 for o in outcomes if o.status == "loaded"),
                "files_rejected": sum(1 for o in outcomes if o.status == "rejected"),
                "rows_loaded_this_run": sum(o.rows_loaded for o in outcomes),
                "rows_quarantined_this_run": sum(o.rows_quarantined for o in outcomes),
                "dagster/row_count": total,
                "quarantined_rows_total": quarantined,
            }
        )

    return _load


ENTITY_ASSETS: list[dg.AssetsDefinition] = [build_entity_asset(e) for e in ENTITIES.values()]
INGEST_ASSETS: list[dg.AssetsDefinition] = [landing_files, *ENTITY_ASSETS]
