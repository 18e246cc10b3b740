"""The raw layer of the warehouse: one table per entity, the load log and the quarantine.

Raw tables hold the canonical columns (typed as the contract says) plus lineage, so every number
downstream can be traced to a file, its sha256 and a line.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.environment import read_environment
from pipelines.ingest.contracts import DUCKDB_TYPES, ENTITIES, LINEAGE_COLUMNS, Entity

LOAD_LOG_DDL = """
create table if not exists raw.load_log (
    load_id varchar not null,
    source_file varchar not null,
    source_sha256 varchar not null,
    source_format varchar,
    entity varchar,
    snapshot_date date,
    rows_read bigint not null default 0,
    rows_loaded bigint not null default 0,
    rows_quarantined bigint not null default 0,
    rows_replaced bigint not null default 0,
    status varchar not null,
    error varchar,
    file_modified_at timestamp,
    loaded_at timestamp not null
)
"""

QUARANTINE_DDL = """
create table if not exists raw.quarantine (
    load_id varchar not null,
    entity varchar,
    source_file varchar not null,
    source_sha256 varchar not null,
    source_line bigint,
    column_name varchar,
    found_value varchar,
    reason varchar not null,
    record_json varchar,
    quarantined_at timestamp not null,
    rows_represented bigint not null default 1,
    last_source_line bigint
)
"""
"""One row per refused line; past a file's first 1,000, one row per kind of problem stands for
the rest: ``rows_represented`` lines, from ``source_line`` to ``last_source_line``."""

QUARANTINE_ROWS_STORED = 1_000
"""Quarantined rows of one file stored one by one; the rest are counted, one row per kind."""
REASON_VALUES = r"'[^']*'|[0-9]+"
"""The values in a quarantine reason (quoted text, numbers): a reason without them is its kind."""

QUARANTINE_UPGRADE = (
    "alter table raw.quarantine add column if not exists rows_represented bigint default 1",
    "alter table raw.quarantine add column if not exists last_source_line bigint",
)
"""A warehouse written before standing rows existed gets their columns (every row counts 1)."""


LANDING_FILES_DDL = """
create table if not exists raw.landing_files (
    source_file varchar primary key,
    size_bytes bigint not null,
    modified_ns bigint not null,
    source_sha256 varchar not null,
    source_format varchar,
    entities varchar[],
    error varchar,
    scanned_at timestamp not null
)
"""


EXPECTATION_STATE_DDL = """
create table if not exists raw.expectation_state (
    entity varchar primary key,
    table_state varchar not null,
    suite_state varchar not null,
    checked_at timestamp not null
)
"""
"""Per raw table, the rows and the suite its Great Expectations check last passed on."""


def raw_table_ddl(entity: Entity) -> str:
    """``create table if not exists raw.<entity>`` with typed canonical and lineage columns."""
    columns = [f"{column.name} {DUCKDB_TYPES[column.dtype]}" for column in entity.columns]
    columns += [f"{name} {sql_type}" for name, sql_type in LINEAGE_COLUMNS]
    body = ",\n    ".join(columns)
    return f"create table if not exists raw.{entity.name} (\n    {body}\n)"


def _added_column_ddl(con: duckdb.DuckDBPyConnection) -> list[str]:
    """``alter table`` for each contract column a raw table made by an earlier version lacks
    (a new optional column: its rows loaded before hold NULL there, as a file without it would)."""
    present = set(
        con.execute(
            "select table_name, column_name from duckdb_columns()"
            " where database_name = current_database() and schema_name = 'raw'"
        ).fetchall()
    )
    return [
        f"alter table raw.{entity.name} add column {column.name} {DUCKDB_TYPES[column.dtype]}"
        for entity in ENTITIES.values()
        for column in entity.columns
        if (entity.name, column.name) not in present
    ]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and every raw table; a no-op once they exist.

    In one transaction: a process killed half-way leaves all of them or none, so a reader never
    finds the schema without its tables."""
    con.execute("begin transaction")
    try:
        con.execute("create schema if not exists raw")
        con.execute(LOAD_LOG_DDL)
        con.execute(QUARANTINE_DDL)
        for statement in QUARANTINE_UPGRADE:
            con.execute(statement)
        con.execute(LANDING_FILES_DDL)
        con.execute(EXPECTATION_STATE_DDL)
        for entity in ENTITIES.values():
            con.execute(raw_table_ddl(entity))
        for statement in _added_column_ddl(con):
            con.execute(statement)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file; a writer also makes sure the raw schema exists."""
    if read_only:
        con = duckdb.connect(":memory:")
        con.execute(f"attach '{_quote(path)}' as wh (read_only)")
        con.execute("use wh")
        return con
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    # the loader's DuckDB never takes the whole machine (the same limit as the dbt build)
    con.execute(f"set memory_limit = '{read_environment().duckdb_memory_limit}'")
    ensure_schema(con)
    return con


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def table_state(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The rows of raw.<name> in one string: their count and the sum of their hashes."""
    rows, digest = con.execute(
        f"select count(*), coalesce(sum(hash(t)::hugeint), 0)::varchar from raw.{name} as t"  # noqa: S608
    ).fetchone()
    return f"{rows}:{digest}"
