"""Read-only SQL for `pmo sql`: the newest published data, never a writable connection."""

from __future__ import annotations

import duckdb
import polars as pl

from pipelines.config import DataPaths
from pipelines.ingest.errors import PmoError


def open_read_only(paths: DataPaths) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the warehouse attached read-only and file access switched off.

    Readers never open the warehouse file directly (DuckDB's instance cache would hand back a
    stale database after a publish) and cannot read or write other files through SQL.
    """
    if not paths.warehouse.exists():
        raise PmoError(
            f"no data yet in {paths.root}: run `pmo refresh` after dropping exports into "
            f"{paths.landing}, or `make demo` for the demo portfolio."
        )
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{_sql_text(str(paths.warehouse))}' as wh (read_only)")
    except duckdb.IOException as error:
        con.close()
        if "lock" in str(error).lower():
            raise PmoError(
                "the warehouse is being refreshed right now; try again when the refresh ends."
            ) from None
        raise
    con.execute("use wh")
    con.execute("set search_path = 'wh.main,wh.raw'")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con


def run_query(paths: DataPaths, query: str) -> pl.DataFrame:
    con = open_read_only(paths)
    try:
        return con.sql(query).pl()
    except duckdb.Error as error:
        first = str(error).strip().splitlines()[0]
        raise PmoError(f"the query failed: {first}") from None
    finally:
        con.close()


def _sql_text(value: str) -> str:
    return value.replace("'", "''")
