"""Report sections as declarations: each table of a pack is the rows of one published model.

A ``Section`` names the model, which of its rows (a condition over its own columns, with
``$month``, ``$previous`` and ``$as_of`` for the report's months), in what order, and which
columns are shown — labelled and formatted from the catalog, with a title override where the
page needs another word. ``read`` turns it into a ``Table``; ``requirement`` is what generation
checks before writing anything. The report modules keep lists of sections and only arrange the
tables on pages: what a section prints can be read off its declaration, and every figure in it
is a column of a dbt model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from .document import Column, Table
from .source import ReportSource, Requirement


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    model: str
    columns: tuple[str, ...]
    part: str
    """The report part it belongs to: named in any error about it."""
    where: str = ""
    order: str = "project_code"
    also: tuple[str, ...] = ()
    """Columns read but not shown (the text of a page, the keys of a later selection)."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Column titles other than the catalog's; ``{month:%b %Y}`` and ``{previous:…}`` allowed."""
    formats: Mapping[str, str] = field(default_factory=dict)
    """Display formats other than the catalog's (``rag`` for a colour column)."""
    sheet: str | None = None
    note: str = ""
    """What the source line adds to the model's name (the rule that picks the rows)."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.columns + self.also))

    @property
    def requirement(self) -> Requirement:
        return Requirement(self.part, self.model, self.names)

    def within(self, part: str) -> Section:
        """The same section in another report part (a table both packs print)."""
        return replace(self, part=part)


def read(source: ReportSource, section: Section, **months: date) -> Table:
    """The section's rows from the snapshot, with its columns described."""
    select = ", ".join(f'"{name}"' for name in section.names)
    where = f" where {section.where}" if section.where else ""
    order = f" order by {section.order}" if section.order else ""
    sql = f'select {select} from "{section.model}"{where}{order}'  # noqa: S608
    params = {name: value for name, value in months.items() if f"${name}" in sql}
    frame = source.frame(sql, params, section=section.part)
    columns = []
    for name in section.columns:
        column = Column.from_meta(source.column_meta(section.model, name))
        if name in section.labels:
            column = replace(column, label=section.labels[name].format(**months))
        if name in section.formats:
            column = replace(column, format=section.formats[name])
        columns.append(column)
    return Table(
        section.key,
        section.title.format(**months),
        frame,
        columns,
        f"{section.model} ({section.note})" if section.note else section.model,
        sheet=section.sheet,
    )


def rows_by_project(table: Table) -> dict[Any, dict[str, Any]]:
    """A section's rows keyed by project (one row a project)."""
    return {row["project_code"]: row for row in table.rows()}


def in_order(tables: dict[str, Table], keys: tuple[str, ...]) -> dict[str, Table]:
    """The tables with ``keys`` first, in that order (a pack's reading order: the workbook's
    sheets follow it), then any other in the order it was made."""
    return {
        **{key: tables[key] for key in keys if key in tables},
        **{key: table for key, table in tables.items() if key not in keys},
    }
