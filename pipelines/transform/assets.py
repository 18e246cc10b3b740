"""dbt models as Dagster assets downstream of the ingestion assets; dbt tests are asset checks."""

import json
import os
import shutil
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from pipelines.config import DataPaths
from pipelines.inputs import nothing_new_loaded
from pipelines.progress import reporter
from pipelines.resources import RefreshLockResource, WarehouseResource, progress
from pipelines.settings import dbt_vars, load_settings, resolve_reporting_currency
from pipelines.status import fx_rate_gap_lines
from pipelines.transform.project import DBT_EXECUTABLE, WAREHOUSE_ENV, dbt_project, ensure_manifest

# Projects carrying a fact a warn-severity dbt test reports (rpt_data_quality_by_project counts
# them on the project they concern), to name them in the refresh summary.
WARNED_PROJECTS_SQL = """
    select project_code, data_quality_issues
    from main.rpt_data_quality_by_project
    where earned_value_over_budget_month_count > 0
       or duplicated_budget_line_count > 0
       or duplicated_status_note_month_count > 0
       or inverted_sprint_count > 0
    order by project_code
"""


DBT_RUNS_KEPT = 5
PARSE_STATE = "partial_parse.msgpack"


def dbt_run_dir(paths: DataPaths, run_id: str) -> Path:
    """A fresh folder under the data directory for this build's dbt artefacts and log.

    The source tree is never written to (the product runs from a read-only install), and only
    the newest DBT_RUNS_KEPT run folders are kept, so a daily schedule does not fill the disk.

    The newest earlier build's parse state (``partial_parse.msgpack``) starts the folder: dbt
    then re-parses only the files changed since, not the whole project on every refresh (it
    re-parses everything by itself when the warehouse path, vars or dbt version differ).
    """
    runs = paths.dbt_runs
    runs.mkdir(parents=True, exist_ok=True)
    older = sorted(
        (folder for folder in runs.iterdir() if folder.is_dir()),
        key=lambda folder: folder.stat().st_mtime,
    )
    for folder in older[: max(0, len(older) - (DBT_RUNS_KEPT - 1))]:
        shutil.rmtree(folder, ignore_errors=True)
    parsed = next(
        (
            folder / PARSE_STATE
            for folder in reversed(older)
            if folder.exists() and (folder / PARSE_STATE).is_file()
        ),
        None,
    )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    folder = runs / f"{stamp}-{run_id[:8]}"
    folder.mkdir()
    if parsed is not None:
        shutil.copyfile(parsed, folder / PARSE_STATE)
    return folder


class PmoDbtTranslator(DagsterDbtTranslator):
    """Asset groups follow the dbt groups (one per folder); keys mirror the warehouse."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        group = dbt_resource_props.get("config", {}).get("group")
        return group or super().get_group_name(dbt_resource_props)


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(dbt_project.profiles_dir),
        dbt_executable=str(DBT_EXECUTABLE),
    )


def build_dbt_assets() -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=ensure_manifest(),
        project=dbt_project,
        dagster_dbt_translator=PmoDbtTranslator(
            settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
        ),
    )
    def pmo_dbt_models(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
        refresh_lock: RefreshLockResource,
    ) -> Iterator[Any]:
        os.environ[WAREHOUSE_ENV] = str(warehouse.paths.warehouse)
        settings = load_settings(warehouse.paths)
        with warehouse.connect() as con:
            unchanged = nothing_new_loaded(warehouse.paths, context.run_id, con)
            currency = resolve_reporting_currency(settings, con)
        if unchanged:
            # the models (skippable) are not materialised, so publish does not run either
            progress(
                f"  ✓ nothing new was loaded: the warehouse is the one snapshot {unchanged} was "
                "built from, so the dbt build and the publish are skipped"
            )
            return
        progress(f"  • reporting currency: {currency.describe()}")
        if currency.warning:
            context.log.warning(f"reporting currency {currency.code}: {currency.warning}")
        progress("  … dbt build: models and data tests")
        # Unit tests check the product's SQL on fixed fixtures (`make test` runs them), not the
        # user's data; they need the tested model's current columns in the warehouse, so after an
        # upgrade that adds a column they would fail every refresh of an existing warehouse.
        invocation = dbt.cli(
            [
                "build",
                "--exclude-resource-type",
                "unit_test",
                "--threads",
                str(max(1, os.cpu_count() or 1)),
                "--vars",
                json.dumps(dbt_vars(currency)),
            ],
            context=context,
            target_path=dbt_run_dir(warehouse.paths, context.run_id),
        )
        nodes = len(context.selected_asset_keys) + len(context.selected_asset_check_keys)
        reporter().dbt_started(nodes)
        for event in invocation.stream():
            yield event
            reporter().dbt_node_done()
        reporter().dbt_done()
        results = invocation.get_artifact("run_results.json").get("results", [])
        statuses = Counter(result.get("status") for result in results)
        progress(
            "  ✓ dbt build: "
            + ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
        )
        warned = False
        for result in results:
            if result.get("status") == "warn":
                warned = True
                name = result.get("unique_id", "").split(".")[2]
                rows = result.get("failures") or 0
                progress(f"  ⚠ check {name} warned on {rows} row(s): flagged, not blocking")
        with warehouse.connect() as con:
            if warned:
                for code, issues in con.execute(WARNED_PROJECTS_SQL).fetchall():
                    progress(f"  ⚠ {code} data-quality flags: {issues}")
            for line in fx_rate_gap_lines(con):
                progress(f"  ⚠ {line.strip()}")
                context.log.warning(line.strip())

    return pmo_dbt_models
