"""dbt models as Dagster assets downstream of the ingestion assets; dbt tests are asset checks."""

import json
import os
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from pipelines.resources import WarehouseResource, progress
from pipelines.settings import dbt_vars, load_settings, resolve_reporting_currency
from pipelines.status import fx_rate_gap_lines
from pipelines.transform.project import DBT_EXECUTABLE, WAREHOUSE_ENV, dbt_project, ensure_manifest


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
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
    ) -> Iterator[Any]:
        os.environ[WAREHOUSE_ENV] = str(warehouse.paths.warehouse)
        settings = load_settings(warehouse.paths)
        with warehouse.connect() as con:
            currency = resolve_reporting_currency(settings, con)
        progress(f"  • reporting currency: {currency.describe()}")
        if currency.warning:
            context.log.warning(f"reporting currency {currency.code}: {currency.warning}")
        progress("  … dbt build: models, tests and unit tests")
        invocation = dbt.cli(["build", "--vars", json.dumps(dbt_vars(currency))], context=context)
        yield from invocation.stream()
        results = invocation.get_artifact("run_results.json").get("results", [])
        statuses = Counter(result.get("status") for result in results)
        progress(
            "  ✓ dbt build: "
            + ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
        )
        for result in results:
            if result.get("status") == "warn":
                name = result.get("unique_id", "").split(".")[2]
                rows = result.get("failures") or 0
                progress(f"  ⚠ check {name} warned on {rows} row(s): flagged, not blocking")
        with warehouse.connect() as con:
            for line in fx_rate_gap_lines(con):
                progress(f"  ⚠ {line.strip()}")
                context.log.warning(line.strip())

    return pmo_dbt_models
