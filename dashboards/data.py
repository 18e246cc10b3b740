"""The only module of the dashboards that touches storage.

Why it looks like this:

- It reads the current *published snapshot* only, never the live warehouse: a refresh owns the
  warehouse file, and DuckDB refuses a writer while any reader holds the file open.
- ``published/CURRENT`` is read on every rerun, so a snapshot published while the app serves is
  picked up at the next interaction without a restart. Connections are cached per snapshot
  (``st.cache_resource``) and results per snapshot + query + parameters (``st.cache_data``):
  a new snapshot id is a new cache key, old entries simply age out.
- A connection comes from :func:`pipelines.publish.reader.open_database` (an in-memory DuckDB
  with the file attached read-only, file access off), so nothing a page does can change the
  snapshot or read or write anything else on the machine.
- Values always travel as query parameters. Identifiers (model and column names) cannot be
  parameters, so they are checked against the snapshot's own schema before being quoted.
- Nothing here computes a KPI: every number comes from a dbt model as published. Queries select,
  filter and order; they never aggregate a metric.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import streamlit as st

from pipelines.config import resolve_data_dir
from pipelines.publish.reader import ALIAS, Catalog, open_database
from pipelines.publish.snapshot import current_snapshot

DATABASE_ALIAS = ALIAS
CACHE_TTL_SECONDS = 3600
DRILL_ROW_LIMIT = 5000


class MissingData(Exception):
    """A page needs a model (or columns) that the current snapshot does not hold (yet)."""

    def __init__(self, snapshot_id: str, model: str, columns: Sequence[str] = ()) -> None:
        self.snapshot_id, self.model, self.columns = snapshot_id, model, tuple(columns)
        if columns:
            what = f"the column(s) {', '.join(columns)} of `{model}`"
        else:
            what = f"the model `{model}`"
        super().__init__(
            f"This view needs {what}, which snapshot {snapshot_id} does not contain. It appears "
            "after the next `pmo refresh` that builds it; nothing else needs to change."
        )


@dataclass(frozen=True)
class Between:
    """An inclusive range filter: ``column between low and high`` (a ``None`` side is open)."""

    low: Any = None
    high: Any = None


@dataclass(frozen=True)
class Snapshot:
    """The published snapshot a rerun reads, with its catalog (models, columns, metric meta)."""

    snapshot_id: str
    database: Path
    catalog_path: Path
    data_dir: Path
    catalog: dict[str, Any] = field(repr=False, hash=False, compare=False)

    @property
    def created_at(self) -> str | None:
        return self.catalog.get("created_at")

    @property
    def code_version(self) -> str | None:
        return self.catalog.get("code_version")

    @cached_property
    def catalog_view(self) -> Catalog:
        return Catalog(self.catalog)

    @property
    def models(self) -> dict[str, dict[str, Any]]:
        return self.catalog_view.models

    def column_meta(self, model: str, column: str) -> dict[str, Any]:
        """meta.metric of a column ({} when the catalog has none)."""
        return self.catalog_view.metric(model, column)

    def reporting_currency(self) -> str | None:
        """The snapshot's reporting currency (None when no column carries one)."""
        return self.catalog_view.reporting_currency(default=None)

    def model_meta(self, model: str) -> dict[str, Any]:
        return self.models.get(model, {})


# --------------------------------------------------------------------------- the snapshot


def data_dir() -> Path:
    return resolve_data_dir().root


def current() -> Snapshot | None:
    """The snapshot CURRENT points at, read afresh on every call (one small file read)."""
    paths = resolve_data_dir()
    found = current_snapshot(paths)
    if found is None or not found.catalog_path.exists():
        return None
    catalog = _catalog(str(found.catalog_path))
    return Snapshot(found.snapshot_id, found.database, found.catalog_path, paths.root, catalog)


def landing_dir() -> Path:
    return resolve_data_dir().landing


@st.cache_data(max_entries=8, show_spinner=False)
def _catalog(path: str) -> dict[str, Any]:
    # Keyed on the path, which contains the snapshot id: snapshots are immutable.
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _close(con: duckdb.DuckDBPyConnection) -> None:
    con.close()


@st.cache_resource(max_entries=3, show_spinner=False, on_release=_close)
def _connection(database: str) -> duckdb.DuckDBPyConnection:
    """One read-only in-memory DuckDB per snapshot file, shared by every session."""
    return open_database(database)


_CURSOR_LOCK = threading.Lock()


def _run(database: str, sql: str, params: Sequence[Any]) -> pl.DataFrame:
    with _CURSOR_LOCK:
        cursor = _connection(database).cursor()
    try:
        cursor.execute(f"use {DATABASE_ALIAS}")
        return cursor.sql(sql, params=list(params)).pl()
    finally:
        cursor.close()


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=512, show_spinner=False)
def _cached(database: str, sql: str, params: tuple[Any, ...]) -> pl.DataFrame:
    return _run(database, sql, params)


def query(snap: Snapshot, sql: str, params: Sequence[Any] = ()) -> pl.DataFrame:
    """Run a parameterised query against the snapshot (cached per snapshot + sql + params)."""
    return _cached(str(snap.database), sql, tuple(params))


# --------------------------------------------------------------------------- the schema


@st.cache_data(max_entries=16, show_spinner=False)
def _relations(database: str) -> dict[str, tuple[str, str]]:
    """name -> (schema, name) for every table and view of the snapshot; main wins over raw."""
    frame = _run(
        database,
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = ? order by table_schema = 'main' desc",
        (DATABASE_ALIAS,),
    )
    found: dict[str, tuple[str, str]] = {}
    for schema, name in frame.iter_rows():
        found.setdefault(f"{schema}.{name}", (schema, name))
        found.setdefault(name, (schema, name))
    return found


@st.cache_data(max_entries=512, show_spinner=False)
def _columns(database: str, schema: str, name: str) -> dict[str, str]:
    frame = _run(
        database,
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        (DATABASE_ALIAS, schema, name),
    )
    return dict(frame.iter_rows())


def relation(snap: Snapshot, model: str) -> tuple[str, str] | None:
    """(schema, name) of a model or raw table ('raw.quarantine' or 'dim_projects'), or None."""
    catalog_relation = snap.models.get(model, {}).get("relation")
    relations = _relations(str(snap.database))
    if catalog_relation and catalog_relation in relations:
        return relations[catalog_relation]
    return relations.get(model)


def has_model(snap: Snapshot, model: str, columns: Iterable[str] = ()) -> bool:
    found = relation(snap, model)
    if found is None:
        return False
    available = _columns(str(snap.database), *found)
    return all(column in available for column in columns)


def columns(snap: Snapshot, model: str) -> dict[str, str]:
    """column -> DuckDB type of a model; raises MissingData when it is absent."""
    found = relation(snap, model)
    if found is None:
        raise MissingData(snap.snapshot_id, model)
    return _columns(str(snap.database), *found)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _checked(snap: Snapshot, model: str, wanted: Iterable[str]) -> tuple[str, dict[str, str]]:
    available = columns(snap, model)
    missing = [column for column in wanted if column not in available]
    if missing:
        raise MissingData(snap.snapshot_id, model, missing)
    schema, name = relation(snap, model)  # type: ignore[misc]  # columns() proved it exists
    return f"{_ident(schema)}.{_ident(name)}", available


def _where(conditions: Mapping[str, Any]) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for column, value in conditions.items():
        quoted = _ident(column)
        if isinstance(value, Between):
            if value.low is not None:
                clauses.append(f"{quoted} >= ?")
                params.append(value.low)
            if value.high is not None:
                clauses.append(f"{quoted} <= ?")
                params.append(value.high)
        elif value is None:
            clauses.append(f"{quoted} is null")
        elif isinstance(value, list | tuple | set | frozenset):
            clauses.append(f"list_contains(?, {quoted})")
            params.append(sorted(value) if isinstance(value, set | frozenset) else list(value))
        else:
            clauses.append(f"{quoted} = ?")
            params.append(value)
    return (" where " + " and ".join(clauses)) if clauses else "", params


def read(
    snap: Snapshot,
    model: str,
    select: Sequence[str] | None = None,
    where: Mapping[str, Any] | None = None,
    order_by: Sequence[str] = (),
    limit: int | None = None,
    descending: bool = False,
) -> pl.DataFrame:
    """Rows of a published model (or raw table) as they are: filtered, ordered, never aggregated.

    ``where`` maps a column to a value (``=``), a list (any of), ``None`` (is null) or
    :class:`Between`. Every name is checked against the snapshot; every value is a parameter.
    """
    where = dict(where or {})
    wanted = list(select or []) + list(where) + list(order_by)
    table, available = _checked(snap, model, wanted)
    projection = ", ".join(_ident(column) for column in select) if select else "*"
    clause, params = _where(where)
    sql = f"select {projection} from {table}{clause}"  # noqa: S608
    if order_by:
        direction = " desc" if descending else ""
        sql += " order by " + ", ".join(f"{_ident(c)}{direction} nulls last" for c in order_by)
    if limit is not None:
        sql += " limit ?"
        params.append(int(limit))
    return query(snap, sql, params)


def distinct(
    snap: Snapshot, model: str, column: str, where: Mapping[str, Any] | None = None
) -> list[Any]:
    """Sorted distinct values of one column (for filter options)."""
    table, _ = _checked(snap, model, [column, *(where or {})])
    clause, params = _where(where or {})
    sql = f"select distinct {_ident(column)} as value from {table}{clause} order by 1 nulls last"  # noqa: S608
    return [value for value in query(snap, sql, params)["value"].to_list() if value is not None]


# --------------------------------------------------------------------------- shared look-ups


def projects(snap: Snapshot) -> pl.DataFrame:
    """The projects master as published (dim_projects)."""
    return read(snap, "dim_projects", order_by=["project_code"])


def reporting_months(snap: Snapshot) -> list[date]:
    """Months the portfolio can be shown at, newest first."""
    for model in ("rpt_project_kpis_monthly", "fct_earned_value_monthly"):
        if has_model(snap, model, ["reporting_month"]):
            return list(reversed(distinct(snap, model, "reporting_month")))
    return []


# --------------------------------------------------------------------------- drill-downs
# The rows behind a number, with the file and line they came from. Costed lines come from the
# published drill-down model (rpt_timesheet_lines) so they add up to AC exactly; a snapshot built
# before it shows the raw lines (hours only).


def timesheet_lines(
    snap: Snapshot, project_codes: Sequence[str], month_start: date, month_end: date
) -> pl.DataFrame:
    if has_model(snap, "rpt_timesheet_lines", ["labour_cost", "source_line"]):
        table, _ = _checked(snap, "rpt_timesheet_lines", [])
        sql = f"""
            select
                project_code,
                work_date,
                employee_id,
                full_name,
                role,
                task_key,
                logged_hours,
                hourly_cost_rate,
                labour_cost,
                is_cost_missing,
                comment,
                source_file,
                source_line
            from {table}
            where list_contains(?, project_code)
                and work_date between ? and ?
            order by work_date, source_file, source_line
            limit ?
        """  # noqa: S608
    else:
        _checked(snap, "raw.timesheets", ["source_line"])
        sql = """
            select
                entry.project_code,
                entry.work_date,
                entry.employee_id,
                person.full_name,
                entry.task_key,
                entry.hours as logged_hours,
                entry.comment,
                entry.source_file,
                entry.source_line
            from raw.timesheets as entry
            left join raw.people as person on person.employee_id = entry.employee_id
            where list_contains(?, entry.project_code)
                and entry.work_date between ? and ?
            order by entry.work_date, entry.source_file, entry.source_line
            limit ?
        """
    return query(snap, sql, [list(project_codes), month_start, month_end, DRILL_ROW_LIMIT])


def invoices(
    snap: Snapshot,
    project_codes: Sequence[str],
    dated_from: date | None,
    dated_to: date,
    unpaid_at: date | None = None,
) -> pl.DataFrame:
    """Vendor invoices (converted to the reporting currency by dbt) with file and line.

    ``unpaid_at``: only those not paid by that date (the rows behind the invoice ageing).
    """
    model = "rpt_invoice_lines"
    if not has_model(snap, model, ["invoice_amount", "source_line"]):
        model = "raw.invoices"
    table, available = _checked(snap, model, ["project_code", "invoice_date", "source_line"])
    amount = "invoice_amount" if "invoice_amount" in available else "amount"
    wanted = [
        "project_code",
        "invoice_number",
        "po_number",
        "vendor",
        "invoice_date",
        "paid_date",
        amount,
        "original_amount" if "original_amount" in available else None,
        "original_currency" if "original_currency" in available else "currency",
        "source_file",
        "source_line",
    ]
    projection = ", ".join(_ident(c) for c in wanted if c and c in available)
    sql = f"select {projection} from {table} where list_contains(?, project_code)"  # noqa: S608
    params: list[Any] = [list(project_codes)]
    if dated_from is not None:
        sql += " and invoice_date >= ?"
        params.append(dated_from)
    sql += " and invoice_date <= ?"
    params.append(dated_to)
    if unpaid_at is not None:
        sql += " and (paid_date is null or paid_date > ?)"
        params.append(unpaid_at)
    sql += " order by invoice_date, source_file, source_line limit ?"
    params.append(DRILL_ROW_LIMIT)
    return query(snap, sql, params)


def task_snapshot(snap: Snapshot, project_code: str, snapshot_date: date) -> pl.DataFrame:
    """The task export EV was measured from (its progress snapshot), as loaded."""
    return read(
        snap,
        "raw.tasks",
        select=[
            "task_key",
            "task_name",
            "task_type",
            "status",
            "is_summary",
            "is_milestone",
            "percent_complete",
            "story_points",
            "baseline_cost",
            "planned_start",
            "planned_finish",
            "actual_finish",
            "sprint",
            "assignee",
            "source_file",
            "source_line",
        ],
        where={"project_code": project_code, "snapshot_date": snapshot_date},
        order_by=["source_file", "source_line"],
        limit=DRILL_ROW_LIMIT,
    )


def open_risks(snap: Snapshot, project_codes: Sequence[str], month: date) -> pl.DataFrame:
    """The open risks of the register in force in the month, with the file and line they came
    from, in the order the MSR lists them (largest exposure first, as dbt ranks them)."""
    table, _ = _checked(
        snap, "rpt_risk_register_monthly", ["exposure_amount", "is_open", "open_exposure_rank"]
    )
    sql = f"""
        select
            register.project_code,
            register.risk_id,
            register.title,
            register.category,
            register.owner,
            register.severity,
            register.probability_band,
            register.impact_band,
            register.probability_ratio,
            register.impact_cost,
            register.exposure_amount,
            register.impact_days,
            register.age_days,
            register.raised_date,
            register.register_snapshot_date,
            source.source_file,
            source.source_line
        from {table} as register
        left join raw.risks as source
            on source.project_code = register.project_code
            and source.risk_id = register.risk_id
            and source.snapshot_date = register.register_snapshot_date
        where list_contains(?, register.project_code)
            and register.reporting_month = ?
            and register.is_open
        order by register.project_code, register.open_exposure_rank
        limit ?
    """  # noqa: S608
    return query(snap, sql, [list(project_codes), month, DRILL_ROW_LIMIT])


def person_week_lines(snap: Snapshot, employee_id: str, week_start: date) -> pl.DataFrame:
    """A person's timesheet lines of one week (the rows behind utilisation and compliance)."""
    sql = """
        select work_date, project_code, task_key, hours as logged_hours, comment,
            source_file, source_line
        from raw.timesheets
        where employee_id = ? and work_date between ? and ? + interval 6 day
        order by work_date, source_file, source_line
        limit ?
    """
    _checked(snap, "raw.timesheets", ["employee_id", "work_date", "source_line"])
    return query(snap, sql, [employee_id, week_start, week_start, DRILL_ROW_LIMIT])


def status_note(snap: Snapshot, project_code: str, month: date) -> pl.DataFrame:
    """The PM's note for the month or the latest before it (the manager's word for that month,
    as the steering view and the MSR read it; with its file and line)."""
    return read(
        snap,
        "rpt_status_notes_monthly",
        where={"project_code": project_code, "reporting_month": Between(None, month)},
        order_by=["reporting_month"],
        descending=True,
        limit=1,
    )


# --------------------------------------------------------------------------- report packs


def report_packs() -> list[Any]:
    """Every generated pack, month-end and weekly (newest period and version first), from its
    manifest."""
    from pipelines.publish.reports import list_reports

    found = list_reports(resolve_data_dir())
    return sorted(found, key=lambda info: (info.starts, info.period, info.version), reverse=True)


def report_file(path: Path) -> bytes:
    """A report file's bytes, only from inside <data-dir>/reports (never a path from elsewhere)."""
    reports = resolve_data_dir().reports.resolve()
    resolved = Path(path).resolve()
    if reports not in resolved.parents:
        raise ValueError(f"{path} is not a report file")
    return resolved.read_bytes()
