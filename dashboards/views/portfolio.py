"""Portfolio overview: which projects need attention, why, and what finishing will cost.

Reads rpt_portfolio_kpis_monthly / rpt_program_kpis_monthly (tiles), rpt_project_kpis_monthly
(matrix, bubbles, table), rpt_project_changes_monthly (what changed),
rpt_project_health_metrics_monthly (thresholds), fct_risk_exposure_monthly (project tile),
rpt_data_quality_by_project (caveats).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import data, state
from dashboards.components import charts, ui
from dashboards.components.formatting import RAG_LABELS, RAG_ORDER, month_label

PROJECT_MODEL = "rpt_project_kpis_monthly"
HEALTH_MODEL = "rpt_project_health_monthly"
CHANGES_MODEL = "rpt_project_changes_monthly"
DIMENSIONS = [
    "overall_status",
    "schedule_status",
    "cost_status",
    "scope_status",
    "risk_status",
    "resources_status",
    "data_quality_status",
]
MATRIX_ROWS = 30  # beyond this the matrix stops being "at a glance"
MATRIX_LABEL_CHARS = 28
MONEY_TILES = [
    "budget_at_completion",
    "estimate_at_completion",
    "variance_at_completion",
    "cost_performance_index",
    "schedule_performance_index",
    "schedule_performance_index_time",
]
# a net VAC hides an overrun behind another project's underrun: both sides are shown, and the
# headline indices count only credible projects, the effect of the others beside them
BALANCE_TILES = [
    "overrun_at_completion",
    "underrun_at_completion",
    "low_confidence_variance_at_completion",
    "cost_performance_index_with_low_confidence",
    "low_confidence_project_count",
    "overrun_project_count",
]
COUNT_TILES = [
    "open_risk_exposure_amount",
    "red_project_count",
    "amber_project_count",
    "green_project_count",
    "grey_project_count",
    "closed_project_count",
]


def _rows_by_month(frame: pl.DataFrame) -> dict:
    return {row["reporting_month"]: row for row in frame.iter_rows(named=True)}


def portfolio_tiles(ctx: state.Context) -> None:
    months = [m for m in (ctx.month, ctx.previous_month) if m]
    model, key = ctx.rollup
    name = ctx.rollup_label
    if ctx.program and model == state.PORTFOLIO_ROLLUP:
        st.caption(
            f":material/info: This snapshot has no programme totals: the tiles show **{name}**; "
            "the matrix, chart and table below show the programme's projects."
        )
    rows = _rows_by_month(data.read(ctx.snap, model, where={**key, "reporting_month": months}))
    row, previous = rows.get(ctx.month), rows.get(ctx.previous_month)
    if row is None:
        ui.empty(f"No figures for {name} in {month_label(ctx.month)}.")
        return
    before = month_label(ctx.previous_month) if ctx.previous_month else None
    _changes_caption(before)
    for tiles in (MONEY_TILES, BALANCE_TILES, COUNT_TILES):
        for column, container in zip(tiles, st.columns(len(tiles)), strict=True):
            ui.kpi(container, ctx.snap, model, column, row, previous, previous_label=before)
    if row.get("low_confidence_project_count"):
        st.caption(
            f":material/info: CPI, SPI and SPI(t) leave out "
            f"{row['low_confidence_project_count']} project(s) whose earned-value figures are "
            "of low confidence (listed above the tiles); *CPI (all)* shows them "
            "in. Health counts are of open projects; closed ones are listed at the foot."
        )


def _changes_caption(before: str | None) -> None:
    if before:
        st.caption(f"Arrows: change since {before}. Hover a tile for its definition and source.")


def project_tiles(ctx: state.Context, code: str) -> None:
    months = [m for m in (ctx.month, ctx.previous_month) if m]
    rows = _rows_by_month(
        data.read(ctx.snap, PROJECT_MODEL, where={"project_code": code, "reporting_month": months})
    )
    row, previous = rows.get(ctx.month), rows.get(ctx.previous_month)
    if row is None:
        ui.empty(f"{code} has no figures for {month_label(ctx.month)} (not started yet?).")
        return
    before = month_label(ctx.previous_month) if ctx.previous_month else None
    _changes_caption(before)
    for column, container in zip(MONEY_TILES, st.columns(len(MONEY_TILES)), strict=True):
        ui.kpi(container, ctx.snap, PROJECT_MODEL, column, row, previous, previous_label=before)
    risk = _rows_by_month(
        data.read(
            ctx.snap,
            "fct_risk_exposure_monthly",
            where={"project_code": code, "reporting_month": months},
        )
    )
    left, middle, right, last = st.columns(4)
    ui.kpi(
        left,
        ctx.snap,
        "fct_risk_exposure_monthly",
        "open_risk_exposure_amount",
        risk.get(ctx.month),
        risk.get(ctx.previous_month),
        previous_label=before,
    )
    ui.kpi(
        middle, ctx.snap, PROJECT_MODEL, "percent_complete", row, previous, previous_label=before
    )
    ui.kpi(right, ctx.snap, PROJECT_MODEL, "percent_spent", row, previous, previous_label=before)
    status = row.get("overall_status") or "grey"
    last.metric(
        "Health", RAG_LABELS.get(status, status), help=row.get("health_reason"), border=True
    )


def project_rows(ctx: state.Context) -> pl.DataFrame:
    frame = data.read(
        ctx.snap,
        PROJECT_MODEL,
        where={"project_code": ctx.scope, "reporting_month": ctx.month},
    )
    # worst first: overall status, then the published counts of red and amber dimensions
    counts = ["red_dimension_count", "amber_dimension_count"]
    if data.has_model(ctx.snap, HEALTH_MODEL, counts):
        frame = frame.join(
            data.read(
                ctx.snap,
                HEALTH_MODEL,
                select=["project_code", *counts],
                where={"project_code": ctx.scope, "reporting_month": ctx.month},
            ),
            on="project_code",
            how="left",
        )
    else:
        frame = frame.with_columns(pl.lit(0).alias(c) for c in counts)
    return (
        frame.with_columns(
            pl.col("overall_status")
            .fill_null("grey")
            .replace_strict(RAG_ORDER, default=0, return_dtype=pl.Int8)
            .alias("_rank"),
            (pl.col("project_code") + " · " + pl.col("project_name").fill_null("")).alias("label"),
        )
        .sort(["_rank", *counts, "project_code"], descending=[True, True, True, False])
        .drop("_rank", *counts)
    )


def matrix_and_bubbles(ctx: state.Context, frame: pl.DataFrame) -> None:
    left, right = st.columns([1.1, 1])
    with left:
        st.subheader("Health by dimension")
        dimensions = [
            (column, ui.meta_for(ctx.snap, column, PROJECT_MODEL).get("label", column))
            for column in DIMENSIONS
            if column in frame.columns
        ]
        shown = frame.head(MATRIX_ROWS)
        if frame.height > MATRIX_ROWS:
            st.caption(
                f"The {MATRIX_ROWS} projects most in need of attention (of {frame.height}); "
                "filter by portfolio or programme for the others — the table below lists all."
            )
        # names beside codes, cut to keep the squares readable (the full name is in the hover)
        shown = shown.with_columns(
            pl.when(pl.col("label").str.len_chars() > MATRIX_LABEL_CHARS)
            .then(pl.col("label").str.slice(0, MATRIX_LABEL_CHARS - 1) + "…")
            .otherwise(pl.col("label"))
            .alias("row_label")
        )
        event = st.plotly_chart(
            charts.rag_matrix(shown, dimensions, row_label="row_label"),
            key="rag_matrix",
            on_select="rerun",
            selection_mode="points",
            config={"displayModeBar": False},
        )
        _open_clicked(event)
    with right:
        st.subheader("Cost vs schedule performance")
        st.caption(
            "Bubble size = BAC, colour = overall health. Click a bubble to open the project."
        )
        thresholds = {}
        if data.has_model(ctx.snap, "rpt_project_health_metrics_monthly"):
            bands = data.read(
                ctx.snap,
                "rpt_project_health_metrics_monthly",
                select=["amber_below", "red_below"],
                where={"metric": "cost_performance_index"},
                limit=1,
            )
            thresholds = bands.row(0, named=True) if bands.height else {}
        metas = {
            c: ui.meta_for(ctx.snap, c, PROJECT_MODEL)
            for c in (
                "cost_performance_index",
                "schedule_performance_index",
                "budget_at_completion",
            )
        }
        event = st.plotly_chart(
            charts.cpi_spi_bubbles(
                frame,
                cpi_meta=metas["cost_performance_index"],
                spi_meta=metas["schedule_performance_index"],
                bac_meta=metas["budget_at_completion"],
                thresholds=thresholds,
            ),
            key="cpi_spi",
            on_select="rerun",
            selection_mode="points",
        )
        _open_clicked(event)


def _open_clicked(event) -> None:
    points = getattr(getattr(event, "selection", None), "points", None) or []
    for point in points:
        code = point.get("customdata")
        if isinstance(code, list):
            code = code[0] if code else None
        if code:
            state.open_project(code)
            st.rerun()


def what_changed(ctx: state.Context, frame: pl.DataFrame) -> None:
    st.subheader(f"What changed since {month_label(ctx.previous_month)}")
    if ctx.previous_month is None:
        ui.empty("This is the first reporting month: nothing to compare with yet.")
        return
    changes = data.read(
        ctx.snap,
        CHANGES_MODEL,
        where={"project_code": ctx.scope, "reporting_month": ctx.month},
    ).join(frame.select("project_code", "project_name", "health_reason"), on="project_code")
    left, right = st.columns(2)
    with left:
        st.markdown("**Changed colour**")
        changed = changes.filter(pl.col("has_changed_colour")).select(
            "project_code",
            "project_name",
            pl.col("previous_overall_status")
            .replace_strict(ui.RAG_BADGES, default=pl.col("previous_overall_status"))
            .fill_null("not reporting")
            .alias("was"),
            pl.col("overall_status")
            .replace_strict(ui.RAG_BADGES, default=pl.col("overall_status"))
            .alias("now"),
            "health_reason",
        )
        ui.table(
            ctx,
            changed,
            key="changed_colour",
            model=PROJECT_MODEL,
            name="changed_colour",
            empty_message="No project changed colour.",
        )
    with right:
        st.markdown("**Biggest EAC moves**")
        moves = (
            changes.filter(pl.col("estimate_at_completion_change_amount").is_not_null())
            .sort(pl.col("estimate_at_completion_change_amount").abs(), descending=True)
            .head(8)
            .select(
                "project_code",
                "project_name",
                "previous_estimate_at_completion",
                "estimate_at_completion",
                "estimate_at_completion_change_amount",
                "estimate_at_completion_change_pct",
            )
        )
        ui.table(
            ctx,
            moves,
            key="eac_moves",
            model=CHANGES_MODEL,
            name="eac_moves",
            empty_message="No EAC to compare.",
        )


def open_and_closed(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Open projects (the health view) and those closed by the month (their own section)."""
    if "is_closed" not in frame.columns:
        return frame, frame.clear()
    closed = pl.col("is_closed").fill_null(False)
    return frame.filter(~closed), frame.filter(closed)


def closed_projects(ctx: state.Context, frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    st.subheader(f"Closed projects ({frame.height})")
    st.caption("Closed or cancelled by this month: final figures, outside the health counts.")
    shown = frame.select(
        [
            c
            for c in (
                "project_code",
                "project_name",
                "portfolio",
                "project_status",
                "budget_at_completion",
                "actual_cost",
                "variance_at_completion",
                "percent_complete",
                "planned_finish_date",
            )
            if c in frame.columns
        ]
    )
    ui.table(ctx, shown, key="closed_projects", model=PROJECT_MODEL, name="closed_projects")


def project_table(ctx: state.Context, frame: pl.DataFrame) -> None:
    st.subheader("Projects")
    st.caption("Select a row to open the project.")
    shown = frame.select(
        [
            c
            for c in (
                "project_code",
                "project_name",
                "portfolio",
                "program",
                "overall_status",
                "health_reason",
                "budget_at_completion",
                "estimate_at_completion",
                "variance_at_completion",
                "cost_performance_index",
                "schedule_performance_index",
                "schedule_performance_index_time",
                "evm_confidence",
                "evm_confidence_reason",
                "percent_complete",
                "planned_finish_date",
                "forecast_finish_date",
            )
            if c in frame.columns
        ]
    )
    event = ui.table(
        ctx, shown, key="projects", model=PROJECT_MODEL, name="projects", selectable=True
    )
    row = ui.selected_row(event, shown)
    if row:
        state.open_project(row["project_code"])
        st.rerun()


ctx = state.context()
ui.page_header(ctx, "Portfolio overview")
ui.caveats(ctx)
with ui.needs():
    if ctx.project:
        project_tiles(ctx, ctx.project)
    else:
        portfolio_tiles(ctx)
ui.drilldown(ctx, ctx.scope, key="portfolio")
with ui.needs():
    rows, closed = open_and_closed(project_rows(ctx))
    if rows.is_empty() and closed.is_empty():
        ui.empty(f"No project reports in {month_label(ctx.month)} for this selection.")
    else:
        if not rows.is_empty():
            matrix_and_bubbles(ctx, rows)
            what_changed(ctx, rows)
            project_table(ctx, rows)
        closed_projects(ctx, closed)
