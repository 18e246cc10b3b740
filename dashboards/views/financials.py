"""Financials: budget vs actual vs forecast by portfolio, project and month; the variance
commentary of the projects over the threshold (as the FSR opens with); burn rate; CAPEX / OPEX;
commitments and invoice ageing.

Reads rpt_portfolio_kpis_monthly / rpt_program_kpis_monthly, rpt_project_kpis_monthly,
rpt_financial_variance_monthly,
fct_project_financials_monthly, rpt_invoice_ageing, and for drill-down
rpt_invoice_lines / raw.invoices and rpt_timesheet_lines. Where a bar shows a
total, Plotly stacks the published rows.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import data, state
from dashboards.components import charts, ui
from dashboards.components.formatting import month_label
from pipelines.publish import theme

FIN_MODEL = "fct_project_financials_monthly"
VARIANCE_MODEL = "rpt_financial_variance_monthly"
EVM_MEASURES = ["budget_at_completion", "actual_cost", "estimate_at_completion"]
MONTHLY_MEASURES = {
    "Budget": "budget_amount",
    "Actual": "actual_cost",
    "Burn rate (3-month avg)": "burn_rate_amount",
    "Open commitments": "open_commitment_amount",
    "Ordered (POs)": "po_amount",
}
STACK_BY = {
    "Cost category": "cost_category",
    "CAPEX / OPEX": "expense_type",
    "Project": "project_code",
}


def by_portfolio(ctx: state.Context) -> None:
    """Portfolios side by side; within a chosen portfolio, its programmes."""
    if ctx.portfolio and state.PROGRAM_ROLLUP in ctx.snap.models:
        model, group = state.PROGRAM_ROLLUP, "program"
        where = {"reporting_month": ctx.month, "portfolio": ctx.portfolio}
        st.subheader("Budget vs actual vs forecast by programme")
    else:
        model, group = state.PORTFOLIO_ROLLUP, "portfolio"
        where = {"reporting_month": ctx.month, "is_all_portfolios": False}
        st.subheader("Budget vs actual vs forecast by portfolio")
    rows = data.read(ctx.snap, model, where=where, order_by=[group])
    metas = {m: ui.meta_for(ctx.snap, m, model) for m in EVM_MEASURES}
    st.plotly_chart(
        charts.grouped_bars(rows, x=group, measures=EVM_MEASURES, metas=metas, height=340),
        key="fin_portfolio",
    )
    if group == "program":
        st.caption("Projects without a programme count in the portfolio only.")


def by_project(ctx: state.Context) -> None:
    model = "rpt_project_kpis_monthly"
    rows = data.read(
        ctx.snap,
        model,
        select=["project_code", *EVM_MEASURES],
        where={"project_code": ctx.scope, "reporting_month": ctx.month},
        order_by=["budget_at_completion"],
        descending=True,
    )
    metas = {m: ui.meta_for(ctx.snap, m, model) for m in EVM_MEASURES}
    st.plotly_chart(
        charts.grouped_bars(
            rows,
            x="project_code",
            measures=EVM_MEASURES,
            metas=metas,
            height=max(320, 30 * rows.height + 80),
            horizontal=True,
        ),
        key="fin_project",
    )


def by_month(ctx: state.Context) -> None:
    left, right = st.columns(2)
    measure_label = left.segmented_control(
        "Measure", list(MONTHLY_MEASURES), default="Actual", key="fin_measure", required=True
    )
    stack_label = right.segmented_control(
        "Stack by", list(STACK_BY), default="Cost category", key="fin_stack", required=True
    )
    measure = MONTHLY_MEASURES[measure_label or "Actual"]
    stack = STACK_BY[stack_label or "Cost category"]
    rows = data.read(
        ctx.snap,
        FIN_MODEL,
        select=["reporting_month", "project_code", "cost_category", "expense_type", measure],
        where={"project_code": ctx.scope, "reporting_month": data.Between(None, ctx.month)},
        order_by=["reporting_month"],
    )
    st.plotly_chart(
        charts.stacked_bars(
            rows,
            x="reporting_month",
            y=measure,
            colour=stack,
            meta=ui.meta_for(ctx.snap, measure, FIN_MODEL),
            x_is_date=True,
        ),
        key="fin_month",
    )


def capex_and_commitments(ctx: state.Context) -> None:
    rows = data.read(
        ctx.snap,
        FIN_MODEL,
        select=[
            "project_code",
            "cost_category",
            "expense_type",
            "cumulative_actual_cost",
            "cumulative_open_commitment_amount",
        ],
        where={"project_code": ctx.scope, "reporting_month": ctx.month},
        order_by=["project_code"],
    )
    left, right = st.columns(2)
    with left:
        st.subheader("CAPEX / OPEX: actual to date")
        st.plotly_chart(
            charts.stacked_bars(
                rows,
                x="project_code",
                y="cumulative_actual_cost",
                colour="expense_type",
                meta=ui.meta_for(ctx.snap, "cumulative_actual_cost", FIN_MODEL),
                colour_order=["capex", "opex"],
                height=340,
            ),
            key="fin_capex",
        )
    with right:
        st.subheader("Open commitments (PO amount − invoiced)")
        st.plotly_chart(
            charts.stacked_bars(
                rows,
                x="project_code",
                y="cumulative_open_commitment_amount",
                colour="cost_category",
                meta=ui.meta_for(ctx.snap, "cumulative_open_commitment_amount", FIN_MODEL),
                height=340,
            ),
            key="fin_commitments",
        )


def invoice_ageing(ctx: state.Context) -> None:
    st.subheader("Invoice ageing")
    model = "rpt_invoice_ageing"
    rows = data.read(ctx.snap, model, where={"project_code": ctx.scope}, order_by=["bucket_order"])
    ui.as_of_note(ctx, "Invoice ageing")
    if rows.is_empty():
        ui.empty("No unpaid vendor invoices in this selection.")
        return
    buckets = rows.sort("bucket_order")["age_bucket"].unique(maintain_order=True).to_list()
    colours = dict(zip(buckets, theme.AGEING, strict=False))
    unpaid = rows.filter(pl.col("unpaid_amount") > 0)
    st.plotly_chart(
        charts.stacked_bars(
            unpaid,
            x="project_code",
            y="unpaid_amount",
            colour="age_bucket",
            meta=ui.meta_for(ctx.snap, "unpaid_amount", model),
            colour_order=buckets,
            colour_map=colours,
            height=320,
        ),
        key="fin_ageing",
    )
    as_of = rows["as_of_date"][0]
    if st.toggle("Show the unpaid invoices behind the ageing", key="fin_unpaid"):
        with ui.needs():
            frame = data.invoices(ctx.snap, ctx.scope, None, as_of, unpaid_at=as_of)
            st.caption(
                f"{frame.height:,} invoice(s) dated by {as_of:%d %b %Y} and not paid by then."
            )
            ui.table(ctx, frame, key="fin_unpaid_rows", name="unpaid_invoices")


def variance_commentary(ctx: state.Context) -> None:
    """The projects whose forecast is over the commentary threshold, largest variance first,
    each explained in words (the FSR's first page)."""
    st.subheader("Variance commentary")
    rows = data.read(
        ctx.snap,
        VARIANCE_MODEL,
        select=[
            "project_code",
            "budget_at_completion",
            "forecast_at_completion",
            "variance_at_completion",
            "variance_at_completion_pct",
            "variance_direction",
            "forecast_method",
            "is_over_variance_threshold",
            "variance_commentary",
        ],
        where={"project_code": ctx.scope, "reporting_month": ctx.month},
    )
    over = rows.filter(pl.col("is_over_variance_threshold")).sort(
        pl.col("variance_at_completion").abs(), descending=True, nulls_last=True
    )
    methods = rows["forecast_method"].drop_nulls().unique().to_list()
    st.caption(
        f"{over.height} of {rows.height} projects forecast a cost beyond the variance threshold "
        "(finance settings). Variance = budget − forecast: negative is an overrun."
        + (f" Forecast at completion by {methods[0]}." if len(methods) == 1 else "")
    )
    ui.table(
        ctx,
        over.drop("is_over_variance_threshold", "forecast_method", "variance_commentary"),
        key="fin_variance",
        model=VARIANCE_MODEL,
        name=f"variance_commentary_{ctx.month:%Y-%m}",
        empty_message="No project's forecast is beyond the variance threshold this month.",
    )
    # the commentary in full, as sentences (a table cell would cut it)
    names = dict(ctx.projects.select("project_code", "project_name").iter_rows())
    colour = {"favourable": "green", "unfavourable": "red"}
    st.markdown(
        "\n".join(
            f"- **{row['project_code']} · {names.get(row['project_code'], '')}** "
            f":{colour.get(row['variance_direction'], 'gray')}[{row['variance_direction']}] — "
            f"{ui.plain(row['variance_commentary'])}"
            for row in over.iter_rows(named=True)
        )
    )


def detail_table(ctx: state.Context) -> None:
    st.subheader(f"By project, category and CAPEX / OPEX — {month_label(ctx.month)}")
    rows = data.read(
        ctx.snap,
        FIN_MODEL,
        where={"project_code": ctx.scope, "reporting_month": ctx.month},
        order_by=["project_code", "cost_category", "expense_type"],
    )
    ui.table(
        ctx, rows, key="fin_rows", model=FIN_MODEL, name=f"financials_{ctx.month:%Y-%m}", height=420
    )


ctx = state.context()
ui.page_header(ctx, "Financials")
ui.caveats(ctx)
left, right = st.columns(2)
with left, ui.needs():
    by_portfolio(ctx)
with right:
    st.subheader("… by project")
    with ui.needs():
        by_project(ctx)
with ui.needs():
    variance_commentary(ctx)
st.subheader("By month")
with ui.needs():
    by_month(ctx)
with ui.needs():
    capex_and_commitments(ctx)
with ui.needs():
    invoice_ageing(ctx)
ui.drilldown(ctx, ctx.scope, key="financials", options=(ui.DRILL_AC_LINES, ui.DRILL_AC_INVOICES))
with ui.needs():
    detail_table(ctx)
