"""The models a Spark build wrote, copied into the warehouse file.

Spark writes each model it builds as a Parquet folder under ``<lake>/spark/warehouse/pmo.db/``.
The snapshot a refresh publishes is the warehouse file (immutable, one file, read by the
dashboards, the packs and ``pmo sql``), and Spark's folders are overwritten by its next build, so
after a build every model and seed it built is copied into the warehouse's ``main`` schema under
its own name: one DuckDB ``read_parquet`` per model, all in one transaction (a failure leaves the
warehouse as it was). A relation of the other kind there (a view the DuckDB engine made) is
replaced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb

from pipelines.errors import PmoError
from pipelines.transform.engines import spark_model_folder

COPIED_KINDS = ("model", "seed")


def built_relations(run_results: Mapping[str, Any]) -> list[str]:
    """The models and seeds a dbt run built (its ``run_results.json``), by relation name."""
    names = []
    for result in run_results.get("results", []):
        kind, _, name = str(result.get("unique_id", "")).partition(".")
        if kind in COPIED_KINDS and result.get("status") == "success":
            names.append(name.split(".", 1)[1])
    return names


def duckdb_views(manifest: Mapping[str, Any]) -> frozenset[str]:
    """The models a DuckDB build makes views (the staging and intermediate layers, the drill
    rows), by relation name, from the project's DuckDB manifest."""
    return frozenset(
        node.get("alias") or node["name"]
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") == "model"
        and (node.get("config") or {}).get("materialized") == "view"
    )


def copy_spark_models(
    con: duckdb.DuckDBPyConnection,
    spark_dir: Path,
    names: Iterable[str],
    views: frozenset[str] = frozenset(),
) -> int:
    """Copy each named model's Parquet folder (under ``spark_dir``'s ``warehouse/``: the lake's
    ``spark/``) into ``main.<name>``; return how many.

    A model DuckDB builds as a view (``views``) is copied into the ``spark_built`` schema and
    ``main.<name>`` is a view of it, so the snapshot holds the same tables and views a DuckDB
    build leaves (the catalog, and so the packs, list tables only)."""
    existing = dict(
        con.execute(
            "select table_name, table_type from information_schema.tables "
            "where table_catalog = current_database() and table_schema = 'main'"
        ).fetchall()
    )
    copied = 0
    con.execute("begin")
    try:
        if views:
            con.execute("create schema if not exists spark_built")
        for name in names:
            folder = spark_model_folder(spark_dir, name)
            if not any(folder.glob("*.parquet")):
                raise PmoError(
                    f"the Spark build reported {name} built, but {folder} holds no Parquet file; "
                    "expected the table Spark wrote there (is engine.lake_dir in the settings "
                    "the directory engine.lake_uri names, as this machine sees it?)"
                )
            kind = "VIEW" if name in views else "BASE TABLE"
            if existing.get(name) not in (None, kind):
                con.execute(f'drop {"view" if kind == "BASE TABLE" else "table"} main."{name}"')
            # the name is a dbt model's (letters, digits, underscores), from the run's results
            into = f'spark_built."{name}"' if kind == "VIEW" else f'main."{name}"'
            copy = f"create or replace table {into} as select * from read_parquet(?)"  # noqa: S608
            con.execute(copy, [str(folder / "*.parquet")])
            if kind == "VIEW":
                view = f'create or replace view main."{name}" as select * from {into}'  # noqa: S608
                con.execute(view)
            copied += 1
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return copied
