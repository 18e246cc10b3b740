"""Ingestion assets: one Dagster asset per canonical entity (raw.<entity>), plus the landing scan,
the load log and the quarantine — computed in one step.

One step because DuckDB takes one writer at a time anyway, the landing scan is shared, and dbt
downstream then sees a single upstream step (so Dagster never splits the dbt build into several
invocations interleaved with loads). Each entity is still its own asset with its own metadata,
lineage and Great Expectations check; a subset selection loads only the selected entities.
"""

import time

import dagster as dg
import duckdb

from pipelines.defs.ingest.checks import start_suite
from pipelines.defs.resources import RefreshLockResource, WarehouseResource, progress
from pipelines.ingest.contracts import ENTITIES, LOAD_ORDER, Entity
from pipelines.ingest.load import (
    FileOutcome,
    FrameCache,
    LandingFile,
    load_entity,
    record_unrecognised,
    scan_landing,
)
from pipelines.inputs import note_run_inputs, refresh_inputs
from pipelines.progress import file_line, reporter
from pipelines.settings import load_settings

LANDING_KEY = dg.AssetKey(["raw", "landing_files"])
LOAD_LOG_KEY = dg.AssetKey(["raw", "load_log"])
QUARANTINE_KEY = dg.AssetKey(["raw", "quarantine"])


def entity_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", name])


def _entity_spec(entity: Entity) -> dg.AssetSpec:
    upstream = [LANDING_KEY] + [
        entity_key(target) for target in dict.fromkeys(entity.references.values())
    ]
    return dg.AssetSpec(
        key=entity_key(entity.name),
        deps=upstream,
        group_name="ingest",
        description=f"raw.{entity.name} — {entity.description} "
        f"Natural key: {', '.join(entity.natural_key)}.",
        kinds={"duckdb", "polars"},
        metadata={"natural_key": ", ".join(entity.natural_key), "snapshot": entity.snapshot},
        skippable=True,
    )


SPECS = [
    dg.AssetSpec(
        key=LANDING_KEY,
        group_name="ingest",
        description="Every file under <data-dir>/landing: sha256, recognised format and "
        "entities (by content, never by name).",
        kinds={"duckdb"},
        skippable=True,
    ),
    *[_entity_spec(entity) for entity in ENTITIES.values()],
    *[
        dg.AssetSpec(
            key=key,
            deps=[entity_key(name) for name in ENTITIES],
            group_name="ingest",
            description=description,
            kinds={"duckdb"},
            skippable=True,
        )
        for key, description in (
            (LOAD_LOG_KEY, "One row per file and entity: loaded, unchanged or rejected (and why)."),
            (QUARANTINE_KEY, "One row per rejected source row: file, line, column and reason."),
        )
    ],
]


def _log_entity(context: dg.AssetExecutionContext, name: str, outcomes: list[FileOutcome]) -> None:
    """The entity's files in the run's log: one message for those loaded, one for those refused
    (Dagster stores each message as an event of its own: a line a file cost a demo refresh
    ~700 events, and 10,000 at the 10-million-row scale)."""
    loaded = [file_line(o).strip() for o in outcomes if o.status != "rejected"]
    rejected = [f"rejected {o.source_file}: {o.error}" for o in outcomes if o.status == "rejected"]
    if loaded:
        context.log.info(f"{name}: {len(loaded):,} file(s) loaded\n" + "\n".join(loaded))
    if rejected:
        context.log.warning(f"{name}: {len(rejected):,} file(s) refused\n" + "\n".join(rejected))


def _files_for(entity: Entity, files: list[LandingFile]) -> list[LandingFile]:
    return [item for item in files if item.adapter and entity.name in item.adapter.entities]


def _count(con, query: str, params: list | None = None) -> int:
    return con.execute(query, params or []).fetchall()[0][0]


def _load_one(
    context: dg.AssetExecutionContext,
    con: duckdb.DuckDBPyConnection,
    name: str,
    files: list[LandingFile],
    cache: FrameCache,
    window_years: int,
) -> dg.MaterializeResult:
    """Load one entity's files, start its suite, and say what it holds now."""
    entity = ENTITIES[name]
    started = time.perf_counter()
    outcomes = load_entity(
        con,
        _files_for(entity, files),
        name,
        progress=reporter().file_done,
        cache=cache,
        window_years=window_years,
        started=lambda count: reporter().entity_started(name, count),
    )
    reporter().entity_done(name, outcomes, time.perf_counter() - started)
    _log_entity(context, name, outcomes)
    if any(outcome.status == "loaded" for outcome in outcomes):
        start_suite(con, name)  # validated while the next entity loads
    return dg.MaterializeResult(
        asset_key=entity_key(name),
        metadata={
            "files_loaded": sum(1 for o in outcomes if o.status == "loaded"),
            "files_rejected": sum(1 for o in outcomes if o.status == "rejected"),
            "rows_loaded_this_run": sum(o.rows_loaded for o in outcomes),
            "rows_quarantined_this_run": sum(o.rows_quarantined for o in outcomes),
            "dagster/row_count": _count(con, f"select count(*) from raw.{name}"),  # noqa: S608
            "quarantined_rows_total": _count(
                con,
                "select coalesce(sum(rows_represented), 0) from raw.quarantine where entity = ?",
                [name],
            ),
        },
    )


@dg.multi_asset(
    specs=SPECS,
    can_subset=True,
    name="ingest_landing",
)
def ingest_landing(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    refresh_lock: RefreshLockResource,  # held for the whole run: one refresh at a time
):
    selected = context.selected_asset_keys
    if {entity_key(name) for name in ENTITIES} <= selected:
        # what this refresh starts from, taken before the scan (see pipelines/inputs.py)
        note_run_inputs(
            warehouse.paths, context.run_id, refresh_inputs(warehouse.paths, warehouse.engine_name)
        )
    window_years = load_settings(warehouse.paths).date_window_years
    with warehouse.connect() as con:
        files = scan_landing(con, warehouse.paths.landing)
        rejected = record_unrecognised(con, files)
        for outcome in rejected:
            context.log.warning(outcome.error)
            progress(f"  ✗ {outcome.error}")
        if LANDING_KEY in selected:
            recognised = sum(1 for item in files if item.adapter is not None)
            yield dg.MaterializeResult(
                asset_key=LANDING_KEY,
                metadata={
                    "files": len(files),
                    "recognised": recognised,
                    "unrecognised": len(files) - recognised,
                    "landing": dg.MetadataValue.path(str(warehouse.paths.landing)),
                },
            )
        cache: FrameCache = {}
        for name in LOAD_ORDER:
            if entity_key(name) in selected:
                yield _load_one(context, con, name, files, cache, window_years)
        if LOAD_LOG_KEY in selected:
            yield dg.MaterializeResult(
                asset_key=LOAD_LOG_KEY,
                metadata={
                    "dagster/row_count": _count(con, "select count(*) from raw.load_log"),
                    "files_rejected_total": _count(
                        con, "select count(*) from raw.load_log where status = 'rejected'"
                    ),
                },
            )
        if QUARANTINE_KEY in selected:
            yield dg.MaterializeResult(
                asset_key=QUARANTINE_KEY,
                metadata={"dagster/row_count": _count(con, "select count(*) from raw.quarantine")},
            )


INGEST_ASSETS: list[dg.AssetsDefinition] = [ingest_landing]
