"""Data quality: what was loaded (load log), what was refused (quarantine browser, with file,
line and reason), and completeness and freshness per project.

Reads raw.load_log, raw.quarantine, rpt_data_quality_by_project, fct_export_freshness,
fct_fx_rate_gaps, fct_vendor_rows_left_out and fct_earned_value_monthly (confidence of the
month's figures).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import data, state
from dashboards.components import charts, ui
from dashboards.components.formatting import month_label
from pipelines.ingest.warehouse import QUARANTINE_ROWS_STORED

QUALITY = "rpt_data_quality_by_project"
FRESHNESS = "fct_export_freshness"


def per_project(ctx: state.Context) -> None:
    st.subheader("Completeness and freshness per project")
    rows = data.read(
        ctx.snap,
        QUALITY,
        where={"project_code": ctx.scope},
        order_by=["data_quality_score", "project_code"],
    )
    ui.as_of_note(ctx, "Data quality")
    if rows.is_empty():
        ui.empty("No data-quality checks yet for this selection.")
        return
    shown = rows.select(
        [
            c
            for c in (
                "project_code",
                "data_quality_score",
                "failed_check_count",
                "data_quality_issues",
                "has_baseline",
                "has_manager",
                "unestimated_story_pct",
                "stale_export_count",
                "stale_exports",
                "quarantined_row_count",
                "unknown_project_timesheet_row_count",
                "uncosted_timesheet_entry_count",
                "earned_value_over_budget_month_count",
                "duplicated_budget_line_count",
                "duplicated_status_note_month_count",
                "inverted_sprint_count",
                "days_since_latest_timesheet",
                "days_since_latest_task_snapshot",
                "days_since_latest_risk_snapshot",
                "days_since_latest_status_note",
            )
            if c in rows.columns
        ]
    )
    config = ui.column_config(ctx.snap, shown, QUALITY)
    meta = ui.meta_for(ctx.snap, "data_quality_score", QUALITY)
    config["data_quality_score"] = st.column_config.ProgressColumn(
        meta.get("label", "Score"),
        min_value=0,
        max_value=100,
        format="%.0f",
        help=meta.get("description"),
        # the bar shows how much, in a neutral colour: the theme's red read as "bad" at 100
        color="blue",
    )
    st.dataframe(
        shown, hide_index=True, column_config=config, key="dq_projects", placeholder=ui.BLANK
    )
    ui.downloads(shown, "data_quality_by_project", "dq_projects")
    with ui.needs():
        fresh = data.read(
            ctx.snap,
            FRESHNESS,
            select=["project_code", "entity", "days_since_latest_export", "is_checked"],
            where={"project_code": ctx.scope},
        ).filter(pl.col("is_checked"))
        st.markdown("**Days since the latest export, per project and export**")
        st.plotly_chart(
            charts.heatmap(
                fresh,
                x="entity",
                y="project_code",
                z="days_since_latest_export",
                meta=ui.meta_for(ctx.snap, "days_since_latest_export", FRESHNESS),
                colourscale="RdYlGn",
                reverse=True,
                zmin=0,
                zmax=60,
            ),
            key="freshness",
        )


def exchange_rate_gaps(ctx: state.Context) -> None:
    model = "fct_fx_rate_gaps"
    if not data.has_model(ctx.snap, model):
        return
    gaps = data.read(
        ctx.snap,
        model,
        where={"project_code": ctx.scope},
        order_by=["currency", "amount_month", "entity", "project_code"],
    )
    if gaps.is_empty():
        return
    st.subheader("Amounts without an exchange rate")
    st.error(
        f"{gaps['row_count'].sum():,} row(s) in {gaps['currency'].n_unique()} currency(ies) "
        "have no rate to the reporting currency for their month: their amounts are left out of "
        "every total (never guessed) and the projects' figures are flagged. Add the missing "
        "months to an fx_rates file and refresh.",
        icon=":material/currency_exchange:",
    )
    ui.table(ctx, gaps, key="fx_rate_gaps", model=model, name="fx_rate_gaps")


def vendor_rows_left_out(ctx: state.Context) -> None:
    model = "fct_vendor_rows_left_out"
    if not data.has_model(ctx.snap, model):
        return
    rows = data.read(ctx.snap, model, order_by=["source_file", "source_line"])
    if rows.is_empty():
        return
    st.subheader("Vendor rows counted in no SLA result")
    st.warning(
        f"{rows.height:,} loaded vendor row(s) name a contract or SLA term that is not loaded: "
        "they count in no SLA result or scorecard. Fix the contract or metric named in the "
        "file (or load the missing contract or term) and refresh; they count from the next "
        "refresh.",
        icon=":material/link_off:",
    )
    shown = rows.select("source_file", "source_line", "entity", "contract_id", "vendor", "reason")
    ui.table(ctx, shown, key="vendor_rows_left_out", model=model, name="vendor_rows_left_out")


def low_confidence(ctx: state.Context) -> None:
    doubtful = ui.low_confidence_projects(ctx, ctx.scope)
    if doubtful.is_empty():
        return
    st.subheader("Earned value of low confidence")
    st.info(
        f"{doubtful.height} project(s) in {month_label(ctx.month)} have earned-value figures "
        "too early, too far off or inconsistent to rate: their CPI, SPI and forecasts are shown "
        "on the other pages but not rated, and are left out of the portfolio indices.",
        icon=":material/help:",
    )
    ui.table(
        ctx,
        doubtful,
        key="low_confidence",
        model="fct_earned_value_monthly",
        name="low_confidence_earned_value",
    )


def load_log(ctx: state.Context) -> None:
    st.subheader("Load log")
    log = data.read(ctx.snap, "raw.load_log", order_by=["loaded_at"], descending=True)
    if log.is_empty():
        ui.empty("Nothing loaded yet: drop exports into the landing folder and run `pmo refresh`.")
        return
    left, middle, right = st.columns([1, 1, 2])
    entities = sorted(e for e in log["entity"].unique().to_list() if e)
    statuses = sorted(s for s in log["status"].unique().to_list() if s)
    entity = left.selectbox("Entity", ["All", *entities], key="log_entity")
    status = middle.selectbox("Status", ["All", *statuses], key="log_status")
    text = right.text_input("File contains", key="log_file")
    shown = log
    if entity != "All":
        shown = shown.filter(pl.col("entity") == entity)
    if status != "All":
        shown = shown.filter(pl.col("status") == status)
    if text:
        shown = shown.filter(pl.col("source_file").str.contains(text, literal=True))
    shown = shown.select(
        [
            c
            for c in (
                "loaded_at",
                "source_file",
                "entity",
                "source_format",
                "status",
                "rows_read",
                "rows_loaded",
                "rows_quarantined",
                "rows_replaced",
                "snapshot_date",
                "error",
                "source_sha256",
            )
            if c in shown.columns
        ]
    )
    st.caption(f"{shown.height:,} of {log.height:,} loads.")
    ui.table(ctx, shown, key="load_log", name="load_log", height=360)


def quarantine(ctx: state.Context) -> None:
    st.subheader("Quarantine: refused rows")
    rows = data.read(ctx.snap, "raw.quarantine", order_by=["source_file", "source_line"])
    if rows.is_empty():
        st.success(
            "No row was refused: every loaded row passed its contract.", icon=":material/verified:"
        )
        return
    left, right = st.columns([1, 2])
    entities = sorted(e for e in rows["entity"].unique().to_list() if e)
    entity = left.selectbox("Entity", ["All", *entities], key="q_entity")
    text = right.text_input("File or reason contains", key="q_text")
    shown = rows
    if entity != "All":
        shown = shown.filter(pl.col("entity") == entity)
    if text:
        shown = shown.filter(
            pl.col("source_file").str.contains(text, literal=True)
            | pl.col("reason").str.contains(text, literal=True)
        )
    shown = shown.select(
        "source_file",
        "source_line",
        "last_source_line",
        "rows_represented",
        "entity",
        "column_name",
        "found_value",
        "reason",
        "record_json",
        "quarantined_at",
    )
    standing = shown.filter(pl.col("rows_represented") > 1)
    st.caption(
        f"{shown['rows_represented'].sum():,} of {rows['rows_represented'].sum():,} refused rows. "
        + (
            f"Past the first {QUARANTINE_ROWS_STORED:,} refused rows of a file, one row per kind "
            f"of problem stands for the rest ({standing.height:,} such "
            f"row{'' if standing.height == 1 else 's'} here: Rows represented counts them, from "
            "Line to Last source line). "
            if standing.height
            else ""
        )
        + "Fix them in the source file and refresh."
    )
    if standing.is_empty():  # every refused row is stored one by one: the counts say nothing
        shown = shown.drop("last_source_line", "rows_represented")
    ui.table(ctx, shown, key="quarantine", name="quarantine", height=320)


ctx = state.context()
ui.page_header(ctx, "Data quality")
with ui.needs():
    exchange_rate_gaps(ctx)
with ui.needs():
    vendor_rows_left_out(ctx)
with ui.needs():
    low_confidence(ctx)
with ui.needs():
    per_project(ctx)
with ui.needs():
    quarantine(ctx)
with ui.needs():
    load_log(ctx)
