"""`pmo status`: what is loaded, what was quarantined or rejected, and how the last refresh went."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from pipelines.config import DataPaths, dagster_home, open_instance
from pipelines.errors import PmoError
from pipelines.ingest.contracts import ENTITIES
from pipelines.ingest.warehouse import REASON_VALUES
from pipelines.lock import describe_holder, refresh_running
from pipelines.publish.formatting import plain_text
from pipelines.query import open_read_only
from pipelines.settings import load_settings, resolve_reporting_currency
from pipelines.text import failure_summary

REASON_KINDS_SHOWN = 12
"""`pmo status` shows this many kinds of quarantine reason, the most rows first, then a count
of the rest."""


def format_table(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], *, max_width: int = 60
) -> str:
    """Plain fixed-width text table (numbers right-aligned), each value as the one formatter
    writes a value with no metric meta."""
    cells = [[plain_text(value) for value in row] for row in rows]
    widths = [
        min(max_width, max([len(str(column))] + [len(row[i]) for row in cells]))
        for i, column in enumerate(columns)
    ]
    numeric = [
        bool(rows)
        and all(
            isinstance(row[i], int | float) and not isinstance(row[i], bool) or row[i] is None
            for row in rows
        )
        for i in range(len(columns))
    ]

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, value in enumerate(values):
            value = value if len(value) <= widths[i] else value[: widths[i] - 1] + "…"
            parts.append(value.rjust(widths[i]) if numeric[i] else value.ljust(widths[i]))
        return "  ".join(parts).rstrip()

    out = [line([str(c) for c in columns]), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    return "\n".join(out)


def fx_rate_gaps(con: Any) -> list[tuple[str, str, str, int]]:
    """Currency, months and sources whose amounts had no exchange rate at the last build."""
    try:
        return con.execute(
            """
            select currency,
                   strftime(min(amount_month), '%Y-%m') || case when min(amount_month)
                       <> max(amount_month) then ' to ' || strftime(max(amount_month), '%Y-%m')
                       else '' end as months,
                   string_agg(distinct entity, ', ' order by entity) as sources,
                   cast(sum(row_count) as bigint) as row_count
            from main.fct_fx_rate_gaps
            group by currency order by currency
            """
        ).fetchall()
    except duckdb.Error:  # not built yet
        return []


def fx_rate_gap_lines(con: Any) -> list[str]:
    """The words for `pmo status` and the refresh summary; empty when every amount converted."""
    gaps = fx_rate_gaps(con)
    if not gaps:
        return []
    reporting = con.execute("select reporting_currency from main.int_reporting_period").fetchone()
    lines = [
        f"Amounts without an exchange rate to {reporting[0] if reporting else '?'}: left out of"
        " every total and flagged; add them to an fx_rates file:"
    ]
    lines += [
        f"  - {currency} {months} ({sources}): {rows:,} rows"
        for currency, months, sources, rows in gaps
    ]
    return lines


def warehouse_status(paths: DataPaths) -> str:
    try:
        settings = load_settings(paths)
    except PmoError as error:
        return str(error)
    try:
        con = open_read_only(paths)
    except PmoError as error:
        return f"{error}\n{_last_run(paths)}"
    try:
        currency = resolve_reporting_currency(settings, con)
        try:
            built_currency = con.execute(
                "select reporting_currency from main.int_reporting_period"
            ).fetchone()
        except duckdb.Error:  # not built yet
            built_currency = None
        gap_lines = fx_rate_gap_lines(con)
        entity_rows = []
        for name, entity in ENTITIES.items():
            snapshot = "max(snapshot_date)" if entity.snapshot else "null"
            rows, files, latest = con.execute(
                f"select count(*), count(distinct source_file), {snapshot} from raw.{name}"  # noqa: S608
            ).fetchall()[0]
            quarantined = con.execute(
                "select coalesce(sum(rows_represented), 0) from raw.quarantine where entity = ?",
                [name],
            ).fetchall()[0][0]
            entity_rows.append((name, files, rows, quarantined, latest))
        rejected = con.execute(
            """
            select source_file, coalesce(entity, '-'), error from raw.load_log
            where status = 'rejected' order by loaded_at, source_file
            """
        ).fetchall()
        last_load = con.execute("select max(loaded_at) from raw.load_log").fetchall()[0][0]
        top_reasons = con.execute(
            """
            select entity, min(reason) as example, sum(rows_represented) as n
            from raw.quarantine
            group by entity, regexp_replace(reason, ?, '…', 'g')
            order by n desc, entity, example
            """,
            [REASON_VALUES],
        ).fetchall()
    finally:
        con.close()
    lines = [f"Data directory: {paths.root}", ""]
    lines.append(f"Settings ({settings.path.name}{'' if settings.path.is_file() else ': none'}):")
    lines.append(f"  reporting currency: {currency.describe()}")
    if settings.engine != "duckdb":
        lines.append(f"  engine: {settings.engine} (master {settings.spark_master})")
        lines.append(f"  lake: {settings.lake.dir} (Spark reads it as {settings.lake.uri})")
    if built_currency and built_currency[0] != currency.code:
        lines.append(f"  the current warehouse was built in {built_currency[0]}: refresh to apply")
    lines.append("")
    lines.append(
        format_table(["entity", "files", "rows", "quarantined", "latest snapshot"], entity_rows)
    )
    if top_reasons:
        lines += ["", "Quarantined rows by kind of reason (see raw.quarantine for file and line):"]
        columns = ["entity", "reason (one example of each kind)", "rows"]
        shown = top_reasons[:REASON_KINDS_SHOWN]
        lines.append(format_table(columns, shown, max_width=110))
        if len(top_reasons) > len(shown):
            rest = top_reasons[len(shown) :]
            lines.append(
                f"… and {len(rest)} more kind(s) of reason, {sum(n for *_, n in rest):,} row(s): "
                "the data-quality page lists every one"
            )
    if gap_lines:
        lines += ["", *gap_lines]
    if rejected:
        lines += ["", f"Rejected files ({len(rejected)}): nothing was loaded from these."]
        lines += [f"  - {file} [{entity}]: {error}" for file, entity, error in rejected]
    lines += ["", f"Last file loaded at: {last_load or 'never'} (UTC)"]
    lines.append(_last_run(paths))
    if refresh_running(paths):
        lines.append(f"Now: {describe_holder(paths)}.")
    return "\n".join(lines)


def _last_run(paths: DataPaths) -> str:
    """The last refresh run recorded by Dagster under the data directory, with its outcome."""
    home = dagster_home(paths)
    if not home.is_dir() or not any(home.iterdir()):
        return "Last refresh run: none recorded"
    try:
        return _last_run_from_dagster(paths)
    except Exception:  # a read-only data directory: Dagster cannot open its storage to write
        return _last_run_read_only(home)


def _last_run_read_only(home: Path) -> str:
    """The last refresh run read straight from the run history, opened read-only."""
    import sqlite3

    database = home / "history" / "runs.db"
    try:
        con = sqlite3.connect(f"file:{database}?mode=ro&immutable=1", uri=True)
        try:
            row = con.execute(
                "select run_id, status, coalesce(end_time, start_time) from runs"
                " where pipeline_name = 'refresh' order by id desc limit 1"
            ).fetchone()
        finally:
            con.close()
    except sqlite3.Error as error:
        return f"Last refresh run: unknown (the run history in {home} cannot be read: {error})"
    if row is None:
        return "Last refresh run: none recorded"
    run_id, status, when = row
    stamp = "" if when is None else f" at {_utc(when)}"
    return f"Last refresh run: {status}{stamp} (run {run_id[:8]}; run history read-only)"


def _last_run_from_dagster(paths: DataPaths) -> str:
    import dagster as dg

    from pipelines.defs.publish.jobs import REFRESH_JOB_NAME

    instance = open_instance(paths)
    records = instance.get_run_records(dg.RunsFilter(job_name=REFRESH_JOB_NAME), limit=1)
    if not records:
        return "Last refresh run: none recorded"
    record = records[0]
    status = record.dagster_run.status.value
    when = record.end_time or record.start_time
    stamp = "" if when is None else f" at {_utc(when)}"
    text = f"Last refresh run: {status}{stamp} (run {record.dagster_run.run_id[:8]})"
    if status == "FAILURE":
        failures = instance.all_logs(
            record.dagster_run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE
        )
        for entry in failures[:3]:
            data = entry.dagster_event.step_failure_data if entry.dagster_event else None
            if data and data.error:
                reason = failure_summary(data.error.message)
                text += f"\n  failed step {entry.step_key}: {reason}"
    return text


def _utc(timestamp: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
