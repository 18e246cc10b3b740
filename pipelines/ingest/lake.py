"""The raw layer as Parquet: what an engine other than DuckDB reads.

The loader keeps its guarantees (line numbers, quarantine, one transaction per file, idempotent
reloads) in the DuckDB warehouse; the raw tables it leaves there are the one source of truth.
For the Spark engine each raw table is also written as Parquet into the lake (``engine.lake_dir``
in the settings, ``<data>/lake`` by default), one folder per table
(``<lake>/raw/<table>/part-<n>.parquet``), with every lineage column. DuckDB writes it in one
``COPY`` per table, a new file every ``FILE_SIZE`` or so, so a large table is several files a
cluster's executors read (and an object store takes) side by side; a table is written into a
fresh folder beside the old one and swapped in with a rename, so a reader sees the old or the
new rows, never a mix. Timestamps are written as microseconds (Spark reads a timestamp without
time zone as ``timestamp_ntz``). Spark skips the hidden folders (``.<table>...``) of a write
under way.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

import duckdb

RAW_SCHEMA = "raw"
FILE_SIZE = "128MB"
"""A file is closed once it holds about this much (at a row group's end): a table under it is
one file."""
PARTS = "part-{i}"


def raw_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table of the warehouse's raw schema, by name."""
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
        [RAW_SCHEMA],
    ).fetchall()
    return [name for (name,) in rows]


def raw_schema_marks(con: duckdb.DuckDBPyConnection, location: str) -> dict[str, str]:
    """Per raw table, a short hash of its columns (names and types, in order) and of the folder
    Spark reads it from (``location``, its parent): the build's hook declares a table again
    only when its mark differs from the one it was declared with (macros/raw_sources.sql)."""
    rows = con.execute(
        "select table_name, left(md5(? || string_agg(column_name || ' ' || data_type, ', ' "
        "order by ordinal_position)), 16) from information_schema.columns "
        "where table_catalog = current_database() and table_schema = ? group by table_name",
        [location.rstrip("/") + "/", RAW_SCHEMA],
    ).fetchall()
    known = set(raw_tables(con))
    return {name: mark for name, mark in sorted(rows) if name in known}


def write_raw_parquet(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    tables: Iterable[str] | None = None,
    file_size: str = FILE_SIZE,
) -> list[str]:
    """Write the named raw tables (all of them when ``tables`` is None), and any not written
    under ``folder`` yet, as Parquet, a file every ``file_size``; return the tables written."""
    known = raw_tables(con)
    named = set(known if tables is None else tables)
    chosen = [name for name in known if name in named or not (folder / name).is_dir()]
    folder.mkdir(parents=True, exist_ok=True)
    for name in chosen:
        target = folder / name
        fresh = folder / f".{name}.{uuid.uuid4().hex[:8]}"
        try:
            con.execute(
                f"copy {RAW_SCHEMA}.{_quoted(name)} to '{_literal(fresh)}' (format parquet, "
                f"compression zstd, file_size_bytes '{_literal(file_size)}', "
                f"filename_pattern '{PARTS}')"
            )
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        _swap_in(fresh, target)
    return chosen


def _swap_in(fresh: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")
