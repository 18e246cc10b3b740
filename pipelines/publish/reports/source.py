"""The pinned snapshot a report reads: one read-only connection, the catalog, and what is missing.

A report reads exactly one published snapshot (never the live warehouse) so that the same month
from the same snapshot always gives the same numbers. The snapshot is opened by
:mod:`pipelines.publish.reader` (attached read-only, file access off). Every model a section
needs is checked up front, so a report with a missing model fails before anything is written,
naming the model and the section.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import duckdb
import polars as pl

from pipelines.config import DataPaths
from pipelines.publish.reader import Catalog, ColumnMeta, open_database
from pipelines.publish.snapshot import Snapshot, current_snapshot, get_snapshot, list_snapshots

from .errors import ReportError

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Requirement:
    """A model (and the columns of it) that one section of a report reads.

    ``published`` models are dbt marts/reporting models and must be in the snapshot's catalog;
    the others (staging and intermediate views, e.g. the PM status notes) need only exist in
    the snapshot's DuckDB file.
    """

    section: str
    model: str
    columns: tuple[str, ...]
    published: bool = True


def parse_month(month: str) -> date:
    if not isinstance(month, str) or not MONTH.match(month.strip()):
        raise ReportError(f"month '{month}' is not a month: expected YYYY-MM, e.g. 2026-10.")
    year, number = month.strip().split("-")
    return date(int(year), int(number), 1)


def parse_week(week: str) -> date:
    """The Monday of an ISO week written YYYY-Www (2026-W44); a ReportError naming what was
    found and what is expected otherwise (a week 53 only in the years that have one)."""
    text = week.strip().upper() if isinstance(week, str) else ""
    match = WEEK.match(text)
    if match:
        try:
            return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            year = int(match.group(1))
            weeks = date(year, 12, 28).isocalendar().week
            raise ReportError(
                f"week '{week}' does not exist: {year} has ISO weeks {year}-W01 to {year}-W{weeks}."
            ) from None
    raise ReportError(f"week '{week}' is not an ISO week: expected YYYY-Www, e.g. 2026-W44.")


def week_label(monday: date) -> str:
    """The ISO week of a date as YYYY-Www (the week's Thursday decides its year)."""
    year, number, _ = monday.isocalendar()
    return f"{year}-W{number:02d}"


def previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


def snapshot_created(snapshot_id: str) -> datetime:
    """The snapshot's own timestamp (its id starts with it): a stable 'created' date for files."""
    return datetime.strptime(snapshot_id[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def resolve_snapshot(paths: DataPaths, snapshot_id: str | None) -> Snapshot:
    """The named snapshot, or the current one; a clear error naming what exists otherwise."""
    if snapshot_id is None:
        snapshot = current_snapshot(paths)
        if snapshot is None:
            raise ReportError(
                f"no published snapshot in {paths.published}: run `pmo refresh` first "
                "(a report is only ever built from a complete, tested refresh)."
            )
    else:
        snapshot = get_snapshot(paths, snapshot_id)
        if snapshot is None:
            known = [s.snapshot_id for s in list_snapshots(paths)]
            listing = ", ".join(known[-5:]) if known else "none"
            raise ReportError(
                f"snapshot '{snapshot_id}' does not exist in {paths.published}. "
                f"Published snapshots (newest last): {listing}."
            )
    if not snapshot.catalog_path.exists():
        raise ReportError(
            f"snapshot {snapshot.snapshot_id} has no {snapshot.catalog_path.name}: it is not a "
            "complete published snapshot."
        )
    return snapshot


class ReportSource:
    """Read-only access to one published snapshot and its catalog."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        try:
            self._catalog = Catalog(snapshot.catalog())
        except (OSError, ValueError) as error:
            raise ReportError(
                f"the catalog of snapshot {snapshot.snapshot_id} cannot be read: {error}"
            ) from None
        self.catalog: dict[str, Any] = self._catalog.body
        self._models = self._catalog.models
        # One thread: a sum of doubles then adds its rows in one order every time, so a pack
        # rebuilt from the same snapshot has the same last digits (parallel partial sums of the
        # FSR's totals differed in the 16th digit from one build to the next).
        try:
            self.con = open_database(snapshot.database, threads=1)
        except duckdb.Error as error:
            raise ReportError(
                f"the database of snapshot {snapshot.snapshot_id} cannot be opened: "
                f"{str(error).splitlines()[0]}"
            ) from None
        self._relations: dict[str, set[str]] = {}
        rows = self.con.execute(
            """
            select table_name, column_name from duckdb_columns()
            where database_name = 'wh' and schema_name = 'main'
            """
        ).fetchall()
        for table, column in rows:
            self._relations.setdefault(table, set()).add(column)

    @property
    def snapshot_id(self) -> str:
        return self.snapshot.snapshot_id

    @property
    def code_version(self) -> str:
        return str(self.catalog.get("code_version") or "unknown")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ReportSource:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- what exists ----------------------------------------------------------------------
    def has(self, model: str) -> bool:
        return model in self._relations

    def columns_of(self, model: str) -> set[str]:
        return set(self._relations.get(model, set()))

    def catalog_models(self) -> list[dict[str, Any]]:
        return list(self._models.values())

    def missing(self, requirements: Iterable[Requirement]) -> list[str]:
        """Every missing model or column, one line each, naming the section that needs it."""
        problems: dict[str, list[str]] = {}
        for req in requirements:
            if req.model not in self._relations or (
                req.published and req.model not in self._models
            ):
                where = "in the catalog" if req.model in self._relations else "in the snapshot"
                problems.setdefault(f"model {req.model} is not {where}", []).append(req.section)
                continue
            absent = [c for c in req.columns if c not in self._relations[req.model]]
            if absent:
                key = f"{req.model} lacks column(s) {', '.join(absent)}"
                problems.setdefault(key, []).append(req.section)
        return [
            f"{problem} (needed by: {', '.join(dict.fromkeys(sections))})"
            for problem, sections in problems.items()
        ]

    def column_meta(self, model: str, column: str) -> ColumnMeta:
        """The catalog's label/format for a column; a readable fallback for unlabelled ones."""
        return self._catalog.column_meta(model, column)

    def model_description(self, model: str) -> str:
        return self._catalog.model_description(model)

    # -- reading --------------------------------------------------------------------------
    def frame(
        self,
        sql: str,
        params: Sequence[Any] | Mapping[str, Any] | None = None,
        *,
        section: str,
    ) -> pl.DataFrame:
        """Rows of the snapshot; ``params`` by position (``?``) or by name (``$month``)."""
        values = params if isinstance(params, Mapping) else list(params or [])
        try:
            return self.con.sql(sql, params=values).pl()
        except duckdb.Error as error:
            first = str(error).strip().splitlines()[0]
            raise ReportError(
                f"section '{section}' could not be read from snapshot {self.snapshot_id}: {first}"
            ) from None

    def reporting_currency(self) -> str:
        return str(self._catalog.reporting_currency())

    def month_range(self) -> tuple[date, date, date]:
        """First and last reporting month of the snapshot, and its as-of date."""
        row = self.con.execute(
            "select min(reporting_month), max(reporting_month), max(status_date) "
            "from fct_earned_value_monthly"
        ).fetchall()[0]
        if row[0] is None:
            raise ReportError(
                f"snapshot {self.snapshot_id} holds no reporting months "
                "(fct_earned_value_monthly is empty): nothing to report on."
            )
        return row[0], row[1], row[2]

    def week_range(self) -> tuple[date, date]:
        """Mondays of the first and last ISO week the snapshot's weekly models cover."""
        row = self.con.execute(
            "select min(week_start), max(week_start) from rpt_portfolio_week_summary"
        ).fetchall()[0]
        if row[0] is None:
            raise ReportError(
                f"snapshot {self.snapshot_id} holds no weeks "
                "(rpt_portfolio_week_summary is empty): nothing to report on."
            )
        return row[0], row[1]
