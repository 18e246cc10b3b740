"""Delivery: velocity per team (committed vs completed, say/do), the burn-up with its Monte Carlo
forecast fan (P50 / P85 / P95), and flow (throughput, cycle time).

Reads fct_sprint_velocity, fct_project_burnup, rpt_delivery_forecast, fct_delivery_flow_monthly.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from dashboards import data, state
from dashboards.components import charts, ui

VELOCITY = "fct_sprint_velocity"
BURNUP = "fct_project_burnup"
FORECAST = "rpt_delivery_forecast"
FLOW = "fct_delivery_flow_monthly"


def velocity(ctx: state.Context) -> None:
    st.subheader("Velocity per team")
    sprints = data.read(
        ctx.snap,
        VELOCITY,
        where={
            "project_code": ctx.scope,
            "sprint_start_date": data.Between(None, ctx.month_end),
        },
        order_by=["team", "sprint_start_date", "sprint_sequence"],
    )
    if sprints.is_empty():
        ui.empty("No sprints in this selection: agile projects export sprints with their tasks.")
        return
    teams = sprints["team"].unique(maintain_order=True).to_list()
    team = st.selectbox("Team", teams, key="delivery_team")
    rows = sprints.filter(pl.col("team") == team).tail(24)
    metas = {c: ui.meta_for(ctx.snap, c, VELOCITY) for c in rows.columns}
    st.plotly_chart(charts.velocity(rows, metas=metas), key="velocity")
    closed = rows.filter(pl.col("is_closed").fill_null(False))
    latest = (closed if closed.height else rows).row(-1, named=True)
    cols = st.columns(4)
    for column, container in zip(
        (
            "committed_story_points",
            "completed_story_points",
            "say_do_ratio",
            "rolling_3_sprint_velocity_story_points",
        ),
        cols,
        strict=True,
    ):
        ui.kpi(container, ctx.snap, VELOCITY, column, latest)
    st.caption(
        f"Tiles: {latest['sprint_name']}, the team's latest closed sprint by the as-of month."
    )
    ui.table(
        ctx,
        rows.select(
            "sprint_name",
            "project_code",
            "sprint_start_date",
            "sprint_finish_date",
            "committed_story_points",
            "completed_story_points",
            "say_do_ratio",
            "rolling_3_sprint_velocity_story_points",
            "is_closed",
        ).reverse(),
        key="velocity_rows",
        model=VELOCITY,
        name=f"velocity_{team}",
        height=260,
    )


def _pick_project(ctx: state.Context, forecasts: pl.DataFrame, history_projects: list[str]) -> str:
    """The project the burn-up shows: the one in context, else the one with the most scope left,
    where the forecast fan says the most."""
    remaining = forecasts.filter(pl.col("project_code").is_in(history_projects)).sort(
        "remaining_story_points", descending=True, nulls_last=True
    )
    default = (
        ctx.project
        if ctx.project in history_projects
        else (remaining["project_code"][0] if remaining.height else history_projects[0])
    )
    return st.selectbox(
        "Project",
        history_projects,
        index=history_projects.index(default),
        format_func=ctx.project_name,
        key="delivery_project",
    )


def _forecast_tiles(ctx: state.Context, forecast: dict[str, Any] | None) -> None:
    """The forecast's dates, odds and inputs beside the fan, or why there is no forecast."""
    if forecast is None:
        ui.empty("No forecast for this project.")
        return
    if forecast.get("forecast_status") != "forecast":
        reason = forecast.get("forecast_reason") or forecast.get("forecast_status")
        ui.empty(f"No forecast: {str(reason).rstrip('.')}.")
        return
    for column in (
        "p50_finish_date",
        "p85_finish_date",
        "p95_finish_date",
        "finish_by_planned_date_probability_ratio",
        "remaining_story_points",
        "mean_velocity_story_points",
    ):
        ui.kpi(st, ctx.snap, FORECAST, column, forecast)
    _forecast_notes(forecast)


def _forecast_notes(forecast: dict[str, Any]) -> None:
    st.caption(
        f"{forecast.get('trial_count')} trials resampling "
        f"{forecast.get('history_sprint_count')} "
        f"sprints of history; seed {forecast.get('random_seed')} (recorded, repeatable)."
    )
    measured, start = (
        forecast.get("scope_snapshot_date"),
        forecast.get("forecast_start_date"),
    )
    if measured and start and measured < start:
        st.caption(
            f"Remaining points as measured on the latest snapshot, {measured:%d %b %Y}; "
            f"the forecast counts from {start:%d %b %Y}."
        )
    if forecast.get("forecast_reason"):
        st.caption(forecast["forecast_reason"])


def _forecast_table(ctx: state.Context, forecasts: pl.DataFrame) -> None:
    st.markdown("**Forecasts of every project in the selection**")
    ui.table(
        ctx,
        forecasts.select(
            [
                c
                for c in (
                    "project_code",
                    "forecast_status",
                    "p50_finish_date",
                    "p85_finish_date",
                    "p95_finish_date",
                    "planned_finish_date",
                    "finish_by_planned_date_probability_ratio",
                    "remaining_story_points",
                    "mean_velocity_story_points",
                    "forecast_reason",
                )
                if c in forecasts.columns
            ]
        ),
        key="forecast_rows",
        model=FORECAST,
        name="delivery_forecasts",
    )


def burnup(ctx: state.Context) -> str | None:
    st.subheader("Burn-up and Monte Carlo forecast")
    forecasts = data.read(
        ctx.snap, FORECAST, where={"project_code": ctx.scope}, order_by=["project_code"]
    )
    history_projects = data.distinct(
        ctx.snap, BURNUP, "project_code", where={"project_code": ctx.scope}
    )
    if not history_projects:
        ui.empty("No project in this selection has story-point history.")
        return None
    code = _pick_project(ctx, forecasts, history_projects)
    history = data.read(
        ctx.snap,
        BURNUP,
        where={"project_code": code, "snapshot_date": data.Between(None, ctx.month_end)},
        order_by=["snapshot_date"],
    )
    found = forecasts.filter(pl.col("project_code") == code)
    forecast = found.row(0, named=True) if found.height else None
    planned = forecast.get("planned_finish_date") if forecast else None
    left, right = st.columns([2, 1])
    with left:
        st.plotly_chart(
            charts.burnup_fan(history, forecast if ctx.is_latest else None, planned_finish=planned),
            key="burnup",
        )
        if not ctx.is_latest:
            ui.as_of_note(ctx, "The Monte Carlo forecast")
    with right:
        _forecast_tiles(ctx, forecast)
    _forecast_table(ctx, forecasts)
    return code


def flow(ctx: state.Context, code: str | None) -> None:
    codes = [code] if code else ctx.scope
    st.subheader(f"Flow: throughput and cycle time{f' — {code}' if code else ''}")
    rows = data.read(
        ctx.snap,
        FLOW,
        where={"project_code": codes, "flow_month": data.Between(None, ctx.month)},
        order_by=["flow_month"],
    )
    left, right = st.columns(2)
    with left:
        st.plotly_chart(
            charts.stacked_bars(
                rows,
                x="flow_month",
                y="resolved_issue_count",
                colour="project_code",
                meta=ui.meta_for(ctx.snap, "resolved_issue_count", FLOW),
                x_is_date=True,
                height=320,
            ),
            key="throughput",
        )
    with right:
        st.plotly_chart(
            charts.lines(
                rows.unpivot(
                    ["cycle_time_median_days", "cycle_time_p85_days"],
                    index=["flow_month", "project_code"],
                    variable_name="measure",
                    value_name="cycle_time_days",
                ).with_columns(
                    pl.col("measure").replace(
                        {
                            "cycle_time_median_days": "median",
                            "cycle_time_p85_days": "85th percentile",
                        }
                    )
                ),
                x="flow_month",
                y="cycle_time_days",
                series="measure",
                meta=ui.meta_for(ctx.snap, "cycle_time_median_days", FLOW),
                height=320,
            ),
            key="cycle_time",
        )


ctx = state.context()
ui.page_header(ctx, "Delivery")
ui.caveats(ctx)
with ui.needs():
    velocity(ctx)
chosen = None
with ui.needs():
    chosen = burnup(ctx)
with ui.needs():
    flow(ctx, chosen)
