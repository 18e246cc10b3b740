"""Risks: the 5 × 5 heat map, exposure trend by project and by category, the top risks and
their ageing.

Reads rpt_risk_heatmap, fct_risk_exposure_monthly, fct_risk_exposure_by_category_monthly,
rpt_portfolio_kpis_monthly / rpt_program_kpis_monthly (tiles), rpt_risk_register_monthly +
raw.risks (the risks behind the numbers, with file and line).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboards import data, state
from dashboards.components import charts, ui
from dashboards.components.formatting import month_label

EXPOSURE = "fct_risk_exposure_monthly"
HEATMAP = "rpt_risk_heatmap"
CATEGORY_EXPOSURE = "fct_risk_exposure_by_category_monthly"
MAX_COLOURS = 12


def _risk_columns(*measures: str) -> list[str]:
    """A risk table's columns: which risk, the measures asked for, then its age, owner and the
    file and line it was read from (every risk table lets the reader go back to the source)."""
    return [
        "project_code",
        "risk_id",
        "title",
        *measures,
        "age_days",
        "owner",
        "source_file",
        "source_line",
    ]


def tiles(ctx: state.Context) -> None:
    months = [m for m in (ctx.month, ctx.previous_month) if m]
    before = month_label(ctx.previous_month) if ctx.previous_month else None
    if ctx.project:
        model, where = EXPOSURE, {"project_code": ctx.project, "reporting_month": months}
    else:
        model, key = ctx.rollup
        where = {**key, "reporting_month": months}
    rows = {
        r["reporting_month"]: r
        for r in data.read(ctx.snap, model, where=where).iter_rows(named=True)
    }
    row, previous = rows.get(ctx.month), rows.get(ctx.previous_month)
    if row is None:
        ui.empty(f"No risk figures for {month_label(ctx.month)}.")
        return
    columns = ["open_risk_count", "open_high_risk_count", "open_risk_exposure_amount"]
    if model == EXPOSURE:
        columns += ["aged_open_risk_count", "new_risk_count", "closed_risk_count"]
    for column, container in zip(columns, st.columns(len(columns)), strict=True):
        ui.kpi(container, ctx.snap, model, column, row, previous, previous_label=before)


def heat_map(ctx: state.Context, risks: pl.DataFrame | None) -> None:
    st.subheader("Heat map: probability × impact")
    if len(ctx.scope) == 1:
        cells = data.read(
            ctx.snap, HEATMAP, where={"project_code": ctx.scope[0], "reporting_month": ctx.month}
        )
        st.plotly_chart(charts.risk_heatmap(cells), key="heatmap")
        st.caption(
            "Number = open risks in the cell; the cell's colour is its severity band "
            "(green low, amber medium, red high)."
        )
        return
    # the severity of each cell comes from the seed, the same for every project: one grid of it
    severities = data.read(
        ctx.snap,
        HEATMAP,
        select=["project_code", "probability_band", "impact_band", "severity"],
        where={"reporting_month": ctx.month},
        order_by=["project_code"],
        limit=25,
    )
    event = st.plotly_chart(
        charts.risk_dots(risks if risks is not None else pl.DataFrame(), severities),
        key="risk_dots",
        on_select="rerun",
        selection_mode="points",
    )
    st.caption(
        "Each dot is an open risk of the selection, placed in its probability × impact cell; "
        "the cell's colour is its severity band (green low, amber medium, red high). Select "
        "one project for the cell counts; click a dot to open its project."
    )
    points = getattr(getattr(event, "selection", None), "points", None) or []
    for point in points:
        code = point.get("customdata")
        if code:
            state.open_project(code if isinstance(code, str) else code[0])
            st.rerun()


def exposure_trend(ctx: state.Context) -> None:
    st.subheader("Exposure trend by project")
    rows = data.read(
        ctx.snap,
        EXPOSURE,
        select=["project_code", "reporting_month", "open_risk_exposure_amount"],
        where={"project_code": ctx.scope, "reporting_month": data.Between(None, ctx.month)},
        order_by=["reporting_month", "project_code"],
    )
    rows = _segments(rows, "open_risk_exposure_amount")
    meta = ui.meta_for(ctx.snap, "open_risk_exposure_amount", EXPOSURE)
    if len(ctx.scope) <= MAX_COLOURS:
        figure = charts.lines(
            rows,
            x="reporting_month",
            y="open_risk_exposure_amount",
            series="project_code",
            meta=meta,
            stacked=True,
            markers=False,
        )
    else:
        # a line per project stops reading beyond a dozen: a segment per project, by portfolio
        figure = charts.stacked_bars(
            _with_portfolio(ctx, rows),
            x="reporting_month",
            y="open_risk_exposure_amount",
            colour="portfolio",
            detail="project_code",
            meta=meta,
            x_is_date=True,
        )
        st.caption("Each segment is a project (hover for its code), coloured by portfolio.")
    st.plotly_chart(figure, key="exposure_trend")


def _segments(rows: pl.DataFrame, column: str) -> pl.DataFrame:
    """The project-months that have a value to stack. A project-month without a risk register
    in force has no exposure (null, not zero): it is no segment. Plotly must not get it either:
    a null bar in a stacked trace restarts that month's stack at zero, so the segments after it
    overlap the ones before and the bar shows only part of the month."""
    return rows.filter(pl.col(column).is_not_null())


def _with_portfolio(ctx: state.Context, rows: pl.DataFrame) -> pl.DataFrame:
    return rows.join(
        ctx.projects.select("project_code", "portfolio"), on="project_code", how="left"
    )


def category_trend(ctx: state.Context) -> None:
    st.subheader("Exposure trend by category")
    rows = data.read(
        ctx.snap,
        CATEGORY_EXPOSURE,
        select=["project_code", "reporting_month", "category", "open_risk_exposure_amount"],
        where={"project_code": ctx.scope, "reporting_month": data.Between(None, ctx.month)},
        order_by=["reporting_month", "category"],
    )
    event = st.plotly_chart(
        charts.stacked_bars(
            rows,
            x="reporting_month",
            y="open_risk_exposure_amount",
            colour="category",
            meta=ui.meta_for(ctx.snap, "open_risk_exposure_amount", CATEGORY_EXPOSURE),
            x_is_date=True,
            detail="project_code" if len(ctx.scope) > 1 else None,
        ),
        key="category_trend",
        on_select="rerun",
        selection_mode="points",
    )
    st.caption(
        "Each bar: the open exposure of the month by risk category (the categories of a "
        "project-month add up to its exposure). Click a segment for the risks behind it."
    )
    points = getattr(getattr(event, "selection", None), "points", None) or []
    if points:
        with st.container(key="category_drill"):
            category_risks(ctx, points[0])


def category_risks(ctx: state.Context, point: dict) -> None:
    """The open risks behind a clicked segment: its category, month (and project)."""
    custom = point.get("customdata") or []
    month = date.fromisoformat(str(point.get("x"))[:10])
    if not custom:
        return
    category = custom[0]
    codes = [custom[1]] if len(custom) > 1 else ctx.scope
    risks = data.open_risks(ctx.snap, codes, month).filter(pl.col("category") == category)
    st.markdown(
        f"**{category}** — {', '.join(codes) if len(codes) == 1 else 'all projects'}, "
        f"{month_label(month)}"
    )
    ui.table(
        ctx,
        risks.select(_risk_columns("severity", "exposure_amount")),
        key="category_risks",
        name=f"risks_{category}_{month:%Y-%m}",
        empty_message="No open risks in this segment (its risks were closed by then).",
    )


def top_risks(ctx: state.Context, risks: pl.DataFrame) -> None:
    st.subheader(f"Top risks — {month_label(ctx.month)}")
    ui.table(
        ctx,
        risks.head(25).select(
            _risk_columns(
                "category", "severity", "exposure_amount", "probability_ratio", "impact_cost"
            )
        ),
        key="top_risks",
        name=f"top_risks_{ctx.month:%Y-%m}",
        empty_message="No open risks in this selection.",
    )


def ageing(ctx: state.Context, risks: pl.DataFrame) -> None:
    st.subheader("Ageing of open risks")
    left, right = st.columns(2)
    with left:
        rows = data.read(
            ctx.snap,
            EXPOSURE,
            select=["project_code", "reporting_month", "aged_open_risk_count"],
            where={"project_code": ctx.scope, "reporting_month": data.Between(None, ctx.month)},
            order_by=["reporting_month", "project_code"],
        )
        rows = _segments(rows, "aged_open_risk_count")
        # a colour per project reads up to a dozen projects; beyond, a colour per portfolio
        by_project = len(ctx.scope) <= MAX_COLOURS
        if not by_project:
            rows = _with_portfolio(ctx, rows)
        st.plotly_chart(
            charts.stacked_bars(
                rows,
                x="reporting_month",
                y="aged_open_risk_count",
                colour="project_code" if by_project else "portfolio",
                detail=None if by_project else "project_code",
                meta=ui.meta_for(ctx.snap, "aged_open_risk_count", EXPOSURE),
                x_is_date=True,
                height=320,
            ),
            key="aged_trend",
        )
    with right:
        if risks.is_empty():
            ui.empty("No open risks.")
        else:
            ordered = risks.sort("age_days", descending=True).with_columns(
                (pl.col("project_code") + " " + pl.col("risk_id")).alias("risk")
            )
            st.plotly_chart(
                charts.bars(
                    ordered.head(20),
                    x="risk",
                    y="age_days",
                    meta={"label": "Age", "format": "integer", "unit": "days"},
                    colour_by="severity",
                    colour_map=charts.SEVERITY_COLOURS,
                    height=320,
                ),
                key="oldest",
            )
            st.caption("The 20 oldest open risks, in days since they were raised.")


ctx = state.context()
ui.page_header(ctx, "Risks")
ui.caveats(ctx)
with ui.needs():
    tiles(ctx)
open_risks = None
with ui.needs():
    open_risks = data.open_risks(ctx.snap, ctx.scope, ctx.month)
left, right = st.columns(2)
with left, ui.needs():
    heat_map(ctx, open_risks)
with right, ui.needs():
    exposure_trend(ctx)
with ui.needs():
    category_trend(ctx)
if open_risks is not None:
    top_risks(ctx, open_risks)
    with ui.needs():
        ageing(ctx, open_risks)
