"""Read-only access for `pmo sql` and `pmo status`: never a writable connection.

Both open the file through :func:`pipelines.publish.reader.open_database` (attached read-only,
file access off), so SQL cannot change the snapshot nor read or write anything else on the
machine.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import polars as pl

from pipelines.config import DataPaths
from pipelines.errors import PmoError
from pipelines.publish.reader import open_database
from pipelines.publish.snapshot import current_snapshot

READER_MEMORY_LIMIT = "2GB"


def _attach(path: Path) -> duckdb.DuckDBPyConnection:
    # a reader never takes the machine: bounded memory (spilling is off with file access) and
    # the cores a query may use
    try:
        return open_database(
            path,
            threads=max(1, os.cpu_count() or 1),
            memory_limit=READER_MEMORY_LIMIT,
            search_path=("main", "raw"),
        )
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise PmoError(
                "the warehouse is being refreshed right now; try again when the refresh ends."
            ) from None
        raise


def _no_data(paths: DataPaths) -> PmoError:
    return PmoError(
        f"no data yet in {paths.root}: run `pmo refresh` after dropping exports into "
        f"{paths.landing}, or `make demo` for the demo portfolio."
    )


def open_read_only(paths: DataPaths) -> duckdb.DuckDBPyConnection:
    """The live warehouse, read-only (for the load log and quarantine, which change per load)."""
    if not paths.warehouse.exists():
        raise _no_data(paths)
    con = _attach(paths.warehouse)
    if not con.execute(
        "select count(*) from duckdb_tables() where database_name = 'wh'"
        " and schema_name = 'raw' and table_name = 'load_log'"
    ).fetchone()[0]:
        con.close()  # a refresh stopped before it loaded anything
        raise _no_data(paths)
    return con


def open_published(paths: DataPaths) -> tuple[duckdb.DuckDBPyConnection, str | None]:
    """The current published snapshot and its id; before the first publish, the warehouse."""
    snapshot = current_snapshot(paths)
    if snapshot is not None:
        return _attach(snapshot.database), snapshot.snapshot_id
    return open_read_only(paths), None


def run_query(paths: DataPaths, query: str, *, timeout: float | None = None) -> pl.DataFrame:
    """One read-only query; with ``timeout`` (seconds) a query still running is interrupted."""
    con, _ = open_published(paths)
    timer = threading.Timer(timeout, con.interrupt) if timeout else None
    try:
        if timer:
            timer.start()
        return con.sql(query).pl()
    except duckdb.InterruptException:
        raise PmoError(
            f"the query ran longer than {timeout:g} s and was stopped; narrow it down (a filter, "
            "a limit) or allow more time with --timeout SECONDS."
        ) from None
    except duckdb.Error as error:
        first = str(error).strip().splitlines()[0]
        raise PmoError(f"the query failed: {first}") from None
    finally:
        if timer:
            timer.cancel()
        con.close()
