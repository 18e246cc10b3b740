"""The report as data: tables (a polars frame + how to show each column) and charts.

The HTML/PDF and the XLSX are rendered from the same tables, so the workbook holds exactly the
figures the pages show. Values stay as the marts hold them (no rounding); only their display is
formatted, from the catalog's ``meta.metric`` format by :mod:`pipelines.publish.formatting`, the
formatter the dashboards use, so a column renders the same way on a page and in a pack.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import polars as pl

from pipelines.publish.formatting import MONEY_UNITS, is_missing
from pipelines.publish.reader import ColumnMeta

from .source import ReportSource

NUMERIC_FORMATS = {
    "currency",
    "index",
    "ratio",
    "percent",
    "percent_of_one",
    "months",
    "number",
    "integer",
}
RAG_VALUES = ("red", "amber", "green", "grey")
VARIANCE_WORDS = ("variance", "_effect", "_change_amount")


@dataclass(frozen=True)
class Column(ColumnMeta):
    """A column of a report table: the catalog's meta, with what the report reads from it."""

    @property
    def numeric(self) -> bool:
        return self.format in NUMERIC_FORMATS

    @property
    def is_money(self) -> bool:
        """An amount: a currency column, or a plain number in a currency unit."""
        return self.format == "currency" or (self.format == "number" and self.unit in MONEY_UNITS)

    @property
    def is_variance(self) -> bool:
        """An amount whose sign is good or bad news (a variance, an effect, a change): its
        cells are marked favourable or unfavourable."""
        return (
            self.is_money
            and self.good_when in ("higher", "lower")
            and any(word in self.name for word in VARIANCE_WORDS)
        )

    @classmethod
    def from_meta(cls, meta: ColumnMeta, **overrides: Any) -> Column:
        fmt = meta.format
        # The marts hold two kinds of percentages: *_pct / percent_* columns are 0-100, while
        # *_ratio columns are shares of one (0-1). Both carry format 'percent' in the catalog.
        if fmt == "percent" and meta.name.endswith("_ratio"):
            fmt = "percent_of_one"
        column = cls(meta.name, meta.label, fmt, meta.unit, meta.description, meta.good_when)
        return replace(column, **overrides) if overrides else column


@dataclass
class Table:
    """One table of a report; ``frame`` may hold extra (grouping) columns not displayed."""

    key: str
    title: str
    frame: pl.DataFrame
    columns: list[Column]
    source: str
    note: str | None = None
    sheet: str | None = None
    _rows: list[dict[str, Any]] | None = field(default=None, repr=False)

    def rows(self) -> list[dict[str, Any]]:
        if self._rows is None:
            self._rows = self.frame.to_dicts()
        return self._rows

    def where(self, **equals: Any) -> Table:
        rows = [r for r in self.rows() if all(r.get(k) == v for k, v in equals.items())]
        subset = Table(self.key, self.title, self.frame.head(0), self.columns, self.source)
        subset._rows = rows
        return subset

    def without(self, *names: str) -> Table:
        table = Table(
            self.key,
            self.title,
            self.frame,
            [c for c in self.columns if c.name not in names],
            self.source,
            self.note,
            self.sheet,
        )
        table._rows = self._rows
        return table

    def select(self, *names: str) -> Table:
        """The same rows showing only ``names`` (in that order)."""
        by_name = {c.name: c for c in self.columns}
        table = Table(
            self.key,
            self.title,
            self.frame,
            [by_name[n] for n in names],
            self.source,
            self.note,
            self.sheet,
        )
        table._rows = self._rows
        return table

    def __len__(self) -> int:
        return len(self.rows())

    def first(self) -> dict[str, Any] | None:
        rows = self.rows()
        return rows[0] if rows else None

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


@dataclass(frozen=True)
class Chart:
    """A plotly figure as JSON (no random ids: the div id is derived from the chart's key)."""

    key: str
    title: str
    figure: dict[str, Any]
    height: int = 320

    @property
    def div_id(self) -> str:
        return f"chart-{self.key}"


def columns_for(
    source: ReportSource, model: str, names: Sequence[str], **labels: str
) -> list[Column]:
    """Columns described by the catalog entry of ``model``; ``labels`` override a label."""
    columns = []
    for name in names:
        column = Column.from_meta(source.column_meta(model, name))
        if name in labels:
            column = replace(column, label=labels[name])
        columns.append(column)
    return columns


def variance_mark(value: Any, column: Column) -> str | None:
    """'fav' or 'unfav' for a variance cell by its sign and the column's good direction;
    None for anything else, and for a variance that rounds to nothing."""
    if not column.is_variance or not isinstance(value, int | float | Decimal):
        return None
    value = float(value)
    if is_missing(value) or abs(value) < 0.5:
        return None
    good = value > 0 if column.good_when == "higher" else value < 0
    return "fav" if good else "unfav"


def readable_model_name(model: str) -> str:
    """A model's name as a reader would title it: 'rpt_labour_cost_variance_monthly' ->
    'Labour cost variance' (the layer prefix and the monthly grain, which every sheet of a
    month's pack shares, dropped); the model itself is named as the table's source."""
    words = re.sub(r"^(rpt|fct|dim|int|stg)_(raw__)?", "", model)
    words = re.sub(r"(_converted|_monthly)+$", "", words)
    words = re.sub(r"_+", " ", words).strip().capitalize() or model
    return _acronyms(words)


ACRONYMS = {"kpis": "KPIs", "fx": "FX", "ridac": "RIDAC", "raid": "RAID"}


def _acronyms(words: str) -> str:
    return re.sub(
        r"\b(kpis|fx|ridac|raid)\b", lambda m: ACRONYMS[m.group(1).lower()], words, flags=re.I
    )


MODEL_NAME = re.compile(r"\b(?:rpt|fct|dim|int|stg)_[a-z0-9_]+\b")


def in_words(text: str) -> str:
    """A source line for readers: each model it names as its readable name ('rpt_invoice_ageing
    (sum by bucket)' -> 'invoice ageing (sum by bucket)'); the workbook keeps the model names."""
    return MODEL_NAME.sub(
        lambda match: _acronyms(readable_model_name(match.group(0)).lower()), text
    )
