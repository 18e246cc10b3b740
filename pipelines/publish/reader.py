"""The one way to read a published snapshot (or the live warehouse) and its catalog.

Every reader — the dashboards, the report packs, `pmo sql` and `pmo status`, the publish checks —
opens the DuckDB file here, so the hardening is written once:

- an in-memory DuckDB with the file ATTACHed ``READ_ONLY`` as ``wh``: ``duckdb.connect(path)``
  would hand back a cached instance of an already-replaced file, and a writable handle could
  change what was published;
- file access switched off and the configuration locked, so no SQL a page, a report or a user
  sends can read or write anything else on the machine (nor switch the lock off again);
- the threads and memory a caller needs: a report sums on one thread (the same last digits on
  every rebuild), `pmo sql` takes bounded memory and the machine's cores.

The catalog (``catalog.json`` beside the database) says how every published column reads: its
label, format and unit (``meta.metric`` in the dbt YAML) and the reporting currency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

ALIAS = "wh"
"""The name the attached file goes by in every reader's SQL."""

DEFAULT_CURRENCY = "EUR"


def open_database(
    path: Path | str,
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
    search_path: Sequence[str] = (),
) -> duckdb.DuckDBPyConnection:
    """A locked-down, read-only connection to one DuckDB file, attached as ``wh``.

    ``threads``/``memory_limit`` left as None keep DuckDB's defaults; ``search_path`` lists the
    schemas that unqualified names resolve in, those the file holds (``main`` alone when empty).
    DuckDB's own error (a missing file, a file locked by a refresh) is raised for the caller to
    word.
    """
    config = {"threads": threads} if threads is not None else {}
    con = duckdb.connect(":memory:", config=config)
    try:
        con.execute(f"attach '{sql_literal(str(path))}' as {ALIAS} (read_only)")
        con.execute(f"use {ALIAS}")
        if search_path:
            found = ",".join(f"{ALIAS}.{name}" for name in _schemas(con, search_path))
            con.execute(f"set search_path = '{found}'")
        if memory_limit is not None:
            con.execute(f"set memory_limit = '{sql_literal(memory_limit)}'")
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
    except duckdb.Error:
        con.close()
        raise
    return con


def _schemas(con: duckdb.DuckDBPyConnection, wanted: Sequence[str]) -> list[str]:
    """Which of ``wanted`` the attached file holds, in name order."""
    return [
        name
        for (name,) in con.execute(
            "select schema_name from duckdb_schemas() where database_name = ?"
            " and list_contains(?, schema_name) order by schema_name",
            [ALIAS, list(wanted)],
        ).fetchall()
    ]


def sql_literal(value: str) -> str:
    """A value inside single quotes in SQL (for the few statements that take no parameters)."""
    return value.replace("'", "''")


# --------------------------------------------------------------------------- the catalog


@dataclass(frozen=True)
class ColumnMeta:
    """How to show one column: the catalog's ``meta.metric`` label, format and unit."""

    name: str
    label: str
    format: str = "text"
    unit: str | None = None
    description: str = ""
    good_when: str = "neutral"
    """'higher', 'lower' or 'neutral': which way the number is favourable."""


def humanise(name: str) -> str:
    """A column's name as a label when the catalog gives none: 'logged_hours' -> 'Logged hours'."""
    return name.replace("_", " ").capitalize()


class Catalog:
    """A snapshot's ``catalog.json``: its models, their columns' metric meta, the currency."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.models: dict[str, dict[str, Any]] = {
            model["name"]: model for model in body.get("models", [])
        }

    def get(self, key: str, default: Any = None) -> Any:
        return self.body.get(key, default)

    def metric(self, model: str, column: str) -> dict[str, Any]:
        """``meta.metric`` of a column as the catalog holds it ({} when it has none)."""
        for entry in self.models.get(model, {}).get("columns", []):
            if entry.get("name") == column:
                return entry.get("metric") or {}
        return {}

    def column_meta(self, model: str, column: str) -> ColumnMeta:
        """The label/format of a column; a readable fallback for unlabelled ones."""
        for entry in self.models.get(model, {}).get("columns", []):
            if entry.get("name") == column:
                metric = entry.get("metric") or {}
                return ColumnMeta(
                    name=column,
                    label=str(metric.get("label") or humanise(column)),
                    format=str(metric.get("format") or "text"),
                    unit=metric.get("unit"),
                    description=str(metric.get("description") or entry.get("description") or ""),
                    good_when=str(metric.get("good_when") or "neutral"),
                )
        return ColumnMeta(name=column, label=humanise(column))

    def model_description(self, model: str) -> str:
        return str(self.models.get(model, {}).get("description") or "")

    def reporting_currency(self, default: str | None = DEFAULT_CURRENCY) -> str | None:
        """The currency every amount of the snapshot is in: the unit publish resolved from the
        settings for planned value (else for any money column), else ``default``."""
        planned = self.metric("fct_earned_value_monthly", "planned_value").get("unit")
        if planned:
            return str(planned)
        for model in self.models.values():
            for entry in model.get("columns", []):
                metric = entry.get("metric") or {}
                if metric.get("format") == "currency" and metric.get("unit"):
                    return str(metric["unit"])
        return default
