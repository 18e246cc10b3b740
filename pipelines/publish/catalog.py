"""catalog.json: what a published snapshot holds and how to show it.

Built from the dbt manifest, so a PMO analyst who adds a model under marts/ or reporting/ with
``meta.metric`` on its columns gets it into the catalog with no Python change.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

PUBLISHED_FOLDERS = ("marts", "reporting")


def code_version(repo: Path) -> str:
    """The git commit of the code that built the snapshot, or 'unknown' outside a checkout."""
    try:
        result = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except OSError:
        return "unknown"
    return result.stdout.strip() or "unknown"


def reporting_currency(con: duckdb.DuckDBPyConnection) -> str:
    """The currency the warehouse was built in (int_reporting_period, from the settings)."""
    try:
        row = con.execute("select reporting_currency from main.int_reporting_period").fetchone()
    except duckdb.Error:
        row = None
    return str(row[0]) if row and row[0] else "EUR"


def _resolved_metric(metric: dict[str, Any] | None, currency: str) -> dict[str, Any] | None:
    """meta.metric with the placeholder unit `reporting_currency` replaced by the code in force."""
    if metric and metric.get("unit") == "reporting_currency":
        return {**metric, "unit": currency}
    return metric


def build_catalog(
    manifest_path: Path, con: duckdb.DuckDBPyConnection, *, repo: Path, run_id: str
) -> dict[str, Any]:
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    currency = reporting_currency(con)
    tables = {
        (schema, name): rows
        for schema, name, rows in con.execute(
            "select schema_name, table_name, estimated_size from duckdb_tables()"
        ).fetchall()
    }
    models = []
    for node in manifest["nodes"].values():
        if node.get("resource_type") != "model":
            continue
        folder = node.get("fqn", [None, None])[1]
        if folder not in PUBLISHED_FOLDERS:
            continue
        schema, name = node.get("schema"), node.get("alias") or node["name"]
        if (schema, name) not in tables:
            continue
        count = con.execute(f'select count(*) from "{schema}"."{name}"').fetchall()[0][0]  # noqa: S608
        columns = [
            {
                "name": column["name"],
                "description": column.get("description", ""),
                "data_type": column.get("data_type"),
                "metric": _resolved_metric((column.get("meta") or {}).get("metric"), currency),
            }
            for column in node.get("columns", {}).values()
        ]
        models.append(
            {
                "name": node["name"],
                "relation": f"{schema}.{name}",
                "layer": folder,
                "group": node.get("config", {}).get("group"),
                "description": node.get("description", ""),
                "grain": (node.get("meta") or {}).get("grain"),
                "row_count": count,
                "columns": columns,
            }
        )
    dbt_vars = manifest.get("metadata", {}).get("vars") or {}
    return {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_id": run_id,
        "code_version": code_version(repo),
        "dbt_version": manifest.get("metadata", {}).get("dbt_version"),
        "vars": {**dbt_vars, "reporting_currency": currency},
        "reporting_currency": currency,
        "models": sorted(models, key=lambda model: model["name"]),
    }
