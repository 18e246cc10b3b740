"""Streamlit building blocks shared by the pages: tiles, tables with downloads, caveats,
empty states and the drill-down to the rows behind a number.

Everything shown here is a published value formatted by its catalog meta. The only arithmetic is
the month-over-month change on a tile (the difference of two published values, for the arrow).
"""

from __future__ import annotations

import calendar
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import polars as pl
import streamlit as st
import xlsxwriter

from dashboards import data
from dashboards.components.formatting import (
    NUMERIC_FORMATS,
    RAG_LABELS,
    column_format,
    column_title,
    delta_colour,
    format_delta,
    format_value,
    is_missing,
    label,
    month_label,
)
from dashboards.state import Context

BLANK = ""
"""What a table shows for a missing value: an empty cell, never the word None."""

FORMULA_START = r"^[=+\-@\t\r]"


# --------------------------------------------------------------------------- guards and states


@contextmanager
def needs() -> Iterator[None]:
    """Show a clear message instead of a traceback when a model is not published yet."""
    try:
        yield
    except data.MissingData as missing:
        st.info(str(missing), icon=":material/hourglass_empty:")


MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]$~|<>#])")


def plain(text: str) -> str:
    """Text from the data shown as written inside markdown: '$15k' stays dollars (not a
    formula), '*' and '_' stay characters."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


RAG_BADGES = {"red": "🔴 Red", "amber": "🟠 Amber", "green": "🟢 Green", "grey": "⚪ Not measured"}
"""A health colour as a reader sees it in a table: a coloured dot and the word."""


BADGE_COLOURS = {"red": "red", "amber": "orange", "green": "green", "grey": "gray"}


def badge(status: str | None) -> str:
    """A RAG colour as a coloured badge (Streamlit markdown)."""
    if not status or status == "none":
        return ":gray-badge[no figures]"
    return f":{BADGE_COLOURS.get(status, 'gray')}-badge[{RAG_LABELS.get(status, status)}]"


def with_rag_badges(frame: pl.DataFrame) -> pl.DataFrame:
    """Health columns (text columns named ``*_status`` holding only RAG colours) shown as
    coloured badges; the downloads keep the plain values."""
    badges = [
        name
        for name, dtype in frame.schema.items()
        if dtype == pl.String
        and name.endswith("_status")
        and set(frame.get_column(name).drop_nulls().unique()) <= set(RAG_BADGES)
        and frame.get_column(name).drop_nulls().len() > 0
    ]
    return frame.with_columns(
        pl.col(name).replace_strict(RAG_BADGES, default=pl.col(name)) for name in badges
    )


def empty(message: str) -> None:
    st.info(message, icon=":material/info:")


def as_of_note(ctx: Context, what: str) -> None:
    """Say so when a section can only show the latest state, not the chosen month."""
    if not ctx.is_latest:
        st.caption(
            f":material/history: {what} is published at the latest date only "
            f"({month_label(ctx.latest_month)}); the as-of month does not apply to it."
        )


def page_header(ctx: Context, title: str) -> None:
    st.title(title)
    st.caption(f"{ctx.scope_label} · as of {month_label(ctx.month)}")


# --------------------------------------------------------------------------- meta look-ups


def meta_for(snap: data.Snapshot, column: str, model: str | None = None) -> dict[str, Any]:
    """meta.metric of a column: from its model, else from any published model with that name."""
    if model:
        found = snap.column_meta(model, column)
        if found:
            return found
    for name in snap.models:
        found = snap.column_meta(name, column)
        if found:
            return found
    # drill-down rows (intermediate models, raw tables) carry no meta: money reads as money
    if column.endswith(("_amount", "_cost")) and not column.startswith("original_"):
        return {"format": "currency", "unit": reporting_currency(snap)}
    return {}


def reporting_currency(snap: data.Snapshot) -> str | None:
    return snap.reporting_currency()


# --------------------------------------------------------------------------- tiles


def kpi(
    container: Any,
    snap: data.Snapshot,
    model: str,
    column: str,
    row: dict[str, Any] | None,
    previous: dict[str, Any] | None = None,
    *,
    previous_label: str | None = None,
) -> None:
    """One KPI tile: label, value and change since the previous month, from the catalog."""
    meta = meta_for(snap, column, model)
    title = label(meta, column)
    unit = meta.get("unit")
    if meta.get("format") == "number" and unit and unit != "score":
        # "35.0 story points" does not fit a tile: the unit moves to the label
        title, meta = f"{title} ({unit})", {**meta, "unit": None}
    if row is None or column not in row:
        container.metric(
            title,
            "n/a",
            help=f"Not published: needs `{column}` in `{model}`.",
            border=True,
        )
        return
    value = row[column]
    delta, arrow = None, "auto"
    if previous is not None and column in previous and meta.get("format") in NUMERIC_FORMATS:
        before = previous[column]
        if not is_missing(value) and not is_missing(before):
            change = value - before  # the change of a published value, for the arrow only
            delta = format_delta(change, meta) if change else None
            arrow = "auto" if delta else "off"
            delta = delta or "no change"
    description = meta.get("description", "")
    exact = "—" if is_missing(value) else f"{value}"
    since = f" Change vs {previous_label}." if delta and previous_label else ""
    container.metric(
        title,
        format_value(value, meta, compact=True),
        delta=delta,
        delta_color=delta_colour(meta) if arrow == "auto" else "off",
        delta_arrow=arrow,
        help=f"{description} Source: `{model}.{column}` = {exact}.{since}",
        border=True,
    )


# --------------------------------------------------------------------------- tables


def column_config(snap: data.Snapshot, frame: pl.DataFrame, model: str | None) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for column, dtype in frame.schema.items():
        meta = meta_for(snap, column, model)
        title = label(meta, column)
        help_text = meta.get("description") or None
        fmt = column_format(meta) if dtype.is_numeric() else None
        if dtype == pl.Date or (dtype.is_temporal() and _reads_as_date(column, meta)):
            config[column] = st.column_config.DateColumn(
                title,
                format="MMM YYYY" if meta.get("format") == "month" else "D MMM YYYY",
                help=help_text,
            )
        elif dtype.is_temporal():
            config[column] = st.column_config.DatetimeColumn(
                title, format="D MMM YYYY, HH:mm", help=help_text
            )
        elif column == "source_line":
            config[column] = st.column_config.NumberColumn(
                "Line", format="%d", help="Line in the file."
            )
        elif column == "source_file":
            config[column] = st.column_config.TextColumn("File", help="The landing file.")
        elif fmt is not None:
            config[column] = st.column_config.NumberColumn(
                column_title(title, meta), format=fmt, help=help_text
            )
        else:
            config[column] = st.column_config.Column(title, help=help_text)
    return config


def _reads_as_date(column: str, meta: dict[str, Any]) -> bool:
    return meta.get("format") in ("date", "month") or column.endswith(("_date", "_month"))


def spreadsheet_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading '."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text_columns
    )


def to_csv(frame: pl.DataFrame) -> bytes:
    return spreadsheet_safe(frame).write_csv().encode("utf-8")


def to_xlsx(frame: pl.DataFrame) -> bytes:
    """XLSX with every text cell stored as text: nothing in a cell can run as a formula."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {"strings_to_formulas": False, "strings_to_urls": False, "remove_timezone": True},
    )
    try:
        spreadsheet_safe(frame).write_excel(workbook=workbook, worksheet="data", autofit=True)
    finally:
        workbook.close()
    return buffer.getvalue()


def downloads(frame: pl.DataFrame, name: str, key: str) -> None:
    """CSV and XLSX downloads, built only when clicked (the file name made safe: names may
    carry exported text such as a risk category)."""
    name = re.sub(r"[^\w.-]+", "_", name).strip("_") or "table"
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "CSV",
        data=lambda: to_csv(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    row.download_button(
        "XLSX",
        data=lambda: to_xlsx(frame),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )


def table(
    ctx: Context,
    frame: pl.DataFrame,
    *,
    key: str,
    model: str | None = None,
    name: str | None = None,
    selectable: bool = False,
    height: int | str = "auto",
    empty_message: str = "No rows for this selection.",
) -> Any:
    """A table labelled from the catalog, with CSV/XLSX downloads; returns the selection."""
    if frame.is_empty():
        empty(empty_message)
        return None
    event = st.dataframe(
        with_rag_badges(frame),
        hide_index=True,
        column_config=column_config(ctx.snap, frame, model),
        key=key,
        height=height,
        on_select="rerun" if selectable else "ignore",
        selection_mode="single-row",
        placeholder=BLANK,
    )
    downloads(frame, name or model or key, key)
    return event


def selected_row(event: Any, frame: pl.DataFrame) -> dict[str, Any] | None:
    try:
        rows = event.selection.rows
    except AttributeError:
        return None
    return frame.row(rows[0], named=True) if rows else None


# --------------------------------------------------------------------------- data caveats


def flagged_projects(ctx: Context, codes: Sequence[str]) -> pl.DataFrame:
    """Projects in scope whose data-quality checks did not all pass (per the quality report)."""
    model = "rpt_data_quality_by_project"
    if not data.has_model(ctx.snap, model, ["failed_check_count", "data_quality_issues"]):
        return pl.DataFrame()
    frame = data.read(
        ctx.snap,
        model,
        select=["project_code", "data_quality_score", "failed_check_count", "data_quality_issues"],
        where={"project_code": list(codes)},
        order_by=["project_code"],
    )
    return frame.filter(pl.col("failed_check_count") > 0)


def low_confidence_projects(ctx: Context, codes: Sequence[str]) -> pl.DataFrame:
    """Projects in scope whose earned-value figures of the month are of low confidence."""
    model = "fct_earned_value_monthly"
    if not data.has_model(ctx.snap, model, ["evm_confidence", "evm_confidence_reason"]):
        return pl.DataFrame()
    return data.read(
        ctx.snap,
        model,
        select=["project_code", "evm_confidence_reason"],
        where={
            "project_code": list(codes),
            "reporting_month": ctx.month,
            "evm_confidence": "low",
        },
        order_by=["project_code"],
    )


def caveats(ctx: Context, codes: Sequence[str] | None = None) -> None:
    """A visible caveat when any number on the page is built on flagged data."""
    codes = list(ctx.scope if codes is None else codes)
    if not codes:
        return
    doubtful = low_confidence_projects(ctx, codes)
    if not doubtful.is_empty():
        lines = [
            f"**{row['project_code']}** ({row['evm_confidence_reason']})"
            for row in doubtful.iter_rows(named=True)
        ]
        st.info(
            f"Low-confidence earned value in {month_label(ctx.month)}: "
            + "; ".join(lines)
            + ". Their CPI, SPI and forecasts are shown but not rated, and left out of the "
            "portfolio indices.",
            icon=":material/help:",
        )
    flagged = flagged_projects(ctx, codes)
    if flagged.is_empty():
        return
    lines = [
        f"**{row['project_code']}** — {row['data_quality_issues'] or 'checks failed'}"
        for row in flagged.iter_rows(named=True)
    ]
    shown = "; ".join(lines[:8]) + (f"; and {len(lines) - 8} more" if len(lines) > 8 else "")
    st.warning(
        f"Data caveat: figures for {len(lines)} project(s) rest on flagged data. {shown}.",
        icon=":material/report:",
    )
    st.page_link(
        "views/data_quality.py", label="See the data-quality page", icon=":material/fact_check:"
    )


# --------------------------------------------------------------------------- drill-down

DRILL_AC_LINES = "AC → timesheet lines"
DRILL_AC_INVOICES = "AC → invoices"
DRILL_EV_TASKS = "EV → task snapshot"
DRILL_EXPOSURE = "Exposure → risks"
ALL_DRILLS = (DRILL_AC_LINES, DRILL_AC_INVOICES, DRILL_EV_TASKS, DRILL_EXPOSURE)


def _limit_note(frame: pl.DataFrame) -> None:
    if frame.height >= data.DRILL_ROW_LIMIT:
        st.caption(f"First {data.DRILL_ROW_LIMIT:,} rows shown; download or narrow the filters.")


def drilldown(
    ctx: Context,
    codes: Sequence[str],
    *,
    key: str,
    options: Sequence[str] = ALL_DRILLS,
    default: str | None = None,
) -> None:
    """The rows behind AC, EV and exposure, each with its source file and line."""
    choice = st.segmented_control(
        "Rows behind the numbers",
        list(options),
        key=f"{key}_drill",
        default=default,
        help="Open the source rows behind a figure: each row names its file and line.",
    )
    if not choice or ctx.month is None or not codes:
        return
    month_options = [m for m in ctx.months if m <= ctx.month]
    if choice == DRILL_AC_LINES:
        month = st.selectbox(
            "Month of the timesheet lines (AC to date adds up every month)",
            month_options,
            format_func=month_label,
            key=f"{key}_drill_month",
        )
        start = month
        end = _month_end(month)
        with needs():
            frame = data.timesheet_lines(ctx.snap, codes, start, end)
            st.caption(f"{frame.height:,} timesheet line(s) in {month_label(month)}.")
            table(ctx, frame, key=f"{key}_lines", name=f"timesheet_lines_{month:%Y-%m}")
            _limit_note(frame)
    elif choice == DRILL_AC_INVOICES:
        with needs():
            frame = data.invoices(ctx.snap, codes, None, ctx.month_end)
            st.caption(f"{frame.height:,} vendor invoice(s) dated up to {ctx.month_end:%d %b %Y}.")
            table(ctx, frame, key=f"{key}_invoices", name="invoices")
            _limit_note(frame)
    elif choice == DRILL_EV_TASKS:
        _drill_tasks(ctx, codes, key)
    elif choice == DRILL_EXPOSURE:
        with needs():
            frame = data.open_risks(ctx.snap, codes, ctx.month)
            st.caption(
                f"{frame.height:,} open risk(s) in the register in force in "
                f"{month_label(ctx.month)}."
            )
            table(ctx, frame, key=f"{key}_risks", name="open_risks")


def _drill_tasks(ctx: Context, codes: Sequence[str], key: str) -> None:
    code = codes[0]
    if len(codes) > 1:
        code = st.selectbox("Project", list(codes), key=f"{key}_drill_project")
    with needs():
        ev = data.read(
            ctx.snap,
            "fct_earned_value_monthly",
            select=["earned_value_source", "progress_snapshot_date", "earned_value"],
            where={"project_code": code, "reporting_month": ctx.month},
        )
        if ev.is_empty() or ev["progress_snapshot_date"][0] is None:
            empty(f"{code} has no task progress measured by {month_label(ctx.month)}.")
            return
        source, snapshot_date = ev["earned_value_source"][0], ev["progress_snapshot_date"][0]
        st.caption(
            f"EV of {code} in {month_label(ctx.month)} comes from `{source}`, measured on the "
            f"task snapshot of {snapshot_date:%d %b %Y}."
        )
        if source and "import" in source:
            frame = data.read(
                ctx.snap,
                "raw.earned_value",
                where={"project_code": code},
                order_by=["source_file", "source_line"],
            )
        else:
            frame = data.task_snapshot(ctx.snap, code, snapshot_date)
        table(ctx, frame, key=f"{key}_tasks", name=f"tasks_{code}_{snapshot_date}")
        _limit_note(frame)


def _month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])
