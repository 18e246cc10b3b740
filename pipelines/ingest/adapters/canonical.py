"""Canonical CSV/XLSX templates: one adapter per entity, matched on the entity's required header.

Headers are matched case-insensitively with spaces or underscores (``Project Code`` =
``project_code``); optional columns may be left out; extra columns are ignored. Lines whose first
cell starts with ``#`` are comments (the template's example row).

Every conversion here looks at one value at a time, so the files of one layout (a register
exported every month, a folder of status notes) are converted together: one pass over their
stacked rows instead of one a file (each pass costs milliseconds whatever its rows, a date
column's formats alone ~4 ms), see ``read_by_layout``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import polars as pl

from pipelines.ingest.adapters.base import (
    Adapter,
    Probe,
    blank_to_null,
    normalise_header,
    one_of_many,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_number,
    read_by_layout,
)
from pipelines.ingest.contracts import ENTITIES, Entity
from pipelines.ingest.errors import FileRejected

ISO_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d", "%d.%m.%Y")
ISO_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def canonical_key(name: str) -> str:
    return normalise_header(name).replace(" ", "_").replace("-", "_")


def _positions(probe: Probe) -> dict[str, int]:
    positions: dict[str, int] = {}
    for position, name in enumerate(probe.header):
        positions.setdefault(canonical_key(name), position)
    return positions


def _sniff_for(entity: Entity):
    def sniff(probe: Probe) -> bool:
        if probe.kind not in ("csv", "xlsx"):
            return False
        present = set(_positions(probe))
        if not set(entity.required_columns) <= present:
            return False
        # The best-fitting entity wins when several share required columns
        # (e.g. a sprints file also carries project_code and start_date).
        own = len(present & set(entity.column_names))
        return (
            all(
                own >= len(present & set(other.column_names))
                or not set(other.required_columns) <= present
                for other in ENTITIES.values()
                if other.name != entity.name
            )
            and own >= len(present) * 0.5
        )

    return sniff


def _convert(entity: Entity, position: int | None) -> pl.Expr:
    def convert(column_name: str) -> pl.Expr:
        column = entity.column(column_name)
        if position is None:
            return pl.lit(None, pl.String)
        cell = blank_to_null(pl.col(f"c{position}"))
        if column.dtype == "date":
            return parse_date(cell, ISO_DATE_FORMATS)
        if column.dtype == "datetime":
            return parse_datetime(cell, ISO_DATETIME_FORMATS)
        if column.dtype in ("float", "int"):
            return parse_number(cell, decimal_comma=None)
        if column.dtype == "bool":
            return parse_bool(cell)
        return cell

    return convert  # type: ignore[return-value]


def _readers_for(entity: Entity):
    def read_many(probes: Sequence[Probe]) -> list[dict[str, pl.DataFrame] | FileRejected]:
        return read_by_layout(probes, _any_file, _one_setting, normalise)

    def read(probe: Probe) -> dict[str, pl.DataFrame]:
        return one_of_many(read_many, probe)

    def normalise(probe: Probe, frame: pl.DataFrame, _setting: Hashable) -> dict[str, pl.DataFrame]:
        """The entity's rows of the files stacked in ``frame`` (one header, so one layout)."""
        frame = frame.filter(~pl.col("c0").fill_null("").str.strip_chars().str.starts_with("#"))
        positions = _positions(probe)
        columns = []
        for column in entity.columns:
            expr = _convert(entity, positions.get(column.name))(column.name)
            if column.name == "probability":
                # Registers give 40% or 0.4; a bare number over 1 is a percentage.
                expr = _probability(expr, positions.get(column.name))
            columns.append(expr.cast(pl.String).alias(column.name))
        return {entity.name: frame.select(*columns, pl.col("source_line"), pl.col("_file"))}

    return read, read_many


def _any_file(_probe: Probe) -> None:
    """Nothing to refuse by the header alone: sniffing found the entity's required columns."""


def _one_setting(_probe: Probe, _frame: pl.DataFrame, files: list[int]) -> dict[int, Hashable]:
    """The conversions decide value by value: every file takes the same pass."""
    return dict.fromkeys(files)


def _probability(expr: pl.Expr, position: int | None) -> pl.Expr:
    if position is None:
        return expr
    text = blank_to_null(pl.col(f"c{position}"))
    value = expr.cast(pl.Float64, strict=False)
    as_ratio = pl.when(text.str.ends_with("%") | (value > 1)).then(value / 100).otherwise(value)
    return pl.when(value.is_not_null()).then(as_ratio.cast(pl.String)).otherwise(expr)


def _adapter(entity: Entity) -> Adapter:
    read, read_many = _readers_for(entity)
    return Adapter(
        name=f"canonical_{entity.name}",
        label=f"canonical {entity.name} table (CSV/XLSX)",
        entities=(entity.name,),
        sniff=_sniff_for(entity),
        read=read,
        priority=90,
        read_many=read_many,
    )


ADAPTERS: tuple[Adapter, ...] = tuple(_adapter(entity) for entity in ENTITIES.values())
