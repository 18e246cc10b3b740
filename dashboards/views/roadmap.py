"""Roadmap: every project's span and milestones on one timeline, baseline vs forecast.

Reads dim_projects (span), rpt_project_kpis_monthly (health, forecast finish),
fct_milestone_slippage and fct_milestone_on_time_by_project.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import data, state
from dashboards.components import charts, ui
from dashboards.components.formatting import RAG_ORDER

SLIPPAGE = "fct_milestone_slippage"
ON_TIME = "fct_milestone_on_time_by_project"


def timeline(ctx: state.Context) -> pl.DataFrame:
    health = data.read(
        ctx.snap,
        "rpt_project_kpis_monthly",
        select=["project_code", "overall_status", "forecast_finish_date"],
        where={"project_code": ctx.scope, "reporting_month": ctx.month},
    )
    spans = (
        ctx.projects.select("project_code", "project_name", "start_date", "planned_finish_date")
        .join(health, on="project_code", how="left")
        .with_columns(
            (pl.col("project_code") + " · " + pl.col("project_name").fill_null("")).alias("label"),
            pl.col("overall_status")
            .fill_null("grey")
            .replace_strict(RAG_ORDER, default=0)
            .alias("_rank"),
        )
        .sort(["start_date", "project_code"])
    )
    milestones = pl.DataFrame()
    with ui.needs():
        milestones = data.read(
            ctx.snap, SLIPPAGE, where={"project_code": ctx.scope}, order_by=["baseline_date"]
        ).join(spans.select("project_code", "label"), on="project_code", how="left")
    st.plotly_chart(charts.roadmap(spans, milestones, as_of=ctx.month_end), key="roadmap")
    st.caption(
        "Bar: start to planned finish (colour = health in the as-of month); red tick: forecast "
        "finish from earned schedule; hollow diamond: milestone baseline; "
        "filled: forecast or actual."
    )
    ui.as_of_note(ctx, "The milestone slippage")
    return milestones


def attention_order(milestones: pl.DataFrame) -> pl.DataFrame:
    """Overdue first, then the milestones still ahead by their due date (the forecast, else
    the baseline), then the reached ones, latest first: what a reader acts on comes first."""
    due = pl.coalesce("forecast_date", "baseline_date")
    reached = pl.col("actual_date").is_not_null()
    group = (
        pl.when(pl.col("is_overdue").fill_null(False)).then(0).when(~reached).then(1).otherwise(2)
    )
    return (
        milestones.with_columns(
            group.alias("_group"),
            pl.when(~reached).then(due).alias("_due"),
            pl.when(reached).then(pl.col("actual_date")).alias("_reached"),
        )
        .sort(
            ["_group", "_due", "_reached", "project_code"],
            descending=[False, False, True, False],
            nulls_last=True,
        )
        .drop("_group", "_due", "_reached")
    )


def milestone_tables(ctx: state.Context, milestones: pl.DataFrame) -> None:
    missing = ctx.projects.filter(
        pl.col("project_code").is_in(ctx.scope)
        & ~pl.col("project_code").is_in(milestones["project_code"].unique().implode())
    )["project_code"].sort()
    st.subheader("Milestones")
    if missing.len():
        st.caption(
            f"{missing.len()} of {missing.len() + milestones['project_code'].n_unique()} "
            f"projects have no milestone plan on file: {', '.join(missing.to_list())}. "
            "Their schedules show only as bars above."
        )
    shown = attention_order(milestones).select(
        [
            c
            for c in (
                "project_code",
                "milestone_name",
                "baseline_date",
                "forecast_date",
                "actual_date",
                "slippage_days",
                "forecast_change_count",
                "is_on_time",
                "is_overdue",
            )
            if c in milestones.columns
        ]
    )
    ui.table(ctx, shown, key="milestones", model=SLIPPAGE, name="milestones", height=420)
    st.subheader("On-time delivery by project")
    with ui.needs():
        rows = data.read(
            ctx.snap, ON_TIME, where={"project_code": ctx.scope}, order_by=["project_code"]
        )
        ui.table(
            ctx,
            rows.select(
                [
                    c
                    for c in (
                        "project_code",
                        "milestone_count",
                        "completed_count",
                        "on_time_ratio",
                        "late_count",
                        "overdue_count",
                        "upcoming_count",
                        "max_slippage_days",
                    )
                    if c in rows.columns
                ]
            ),
            key="on_time",
            model=ON_TIME,
            name="milestone_on_time",
        )


ctx = state.context()
ui.page_header(ctx, "Roadmap")
ui.caveats(ctx)
with ui.needs():
    found = timeline(ctx)
    if not found.is_empty():
        milestone_tables(ctx, found)
