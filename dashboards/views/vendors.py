"""Vendors: the vendor base's figures for the month (tiles), each vendor's scorecard (SLA
attainment, deliverables on time, spend against contract value and purchase orders, uncontracted
spend, invoice accuracy), the attainment trend, the SLA breaches, the deliverables late or
overdue and the invoices that do not match their purchase order.

Reads rpt_vendor_portfolio_monthly (tiles, one row per month), rpt_vendor_scorecard_monthly (one
row per vendor and month), rpt_vendor_sla_results_monthly (the breach list),
rpt_vendor_deliverables and rpt_vendor_invoice_checks.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import data, state
from dashboards.components import charts, ui
from dashboards.components.formatting import month_label

PORTFOLIO = "rpt_vendor_portfolio_monthly"
SCORECARD = "rpt_vendor_scorecard_monthly"
SLA_RESULTS = "rpt_vendor_sla_results_monthly"
DELIVERABLES = "rpt_vendor_deliverables"
INVOICE_CHECKS = "rpt_vendor_invoice_checks"
TILES = [
    [
        "active_vendor_count",
        "active_contract_count",
        "sla_attainment_pct",
        "sla_breach_count",
        "inaccurate_invoice_count",
    ],
    [
        "contracted_spend_amount",
        "contract_value",
        "spend_to_contract_pct",
        "uncontracted_spend_amount",
        "uncontracted_vendor_count",
    ],
]
SCORECARD_COLUMNS = [
    "vendor",
    "active_contract_count",
    "sla_attainment_pct",
    "sla_breach_count",
    "sla_attainment_3m_pct",
    "deliverable_on_time_pct",
    "deliverable_overdue_count",
    "contract_value",
    "po_committed_amount",
    "invoiced_to_date_amount",
    "contract_remaining_amount",
    "uncontracted_spend_amount",
    "spend_to_contract_pct",
    "invoice_accuracy_pct",
]
BREACH_COLUMNS = [
    "vendor",
    "contract_id",
    "project_code",
    "sla_name",
    "target",
    "actual",
    "breach_description",
]
DELIVERABLE_COLUMNS = [
    "vendor",
    "contract_id",
    "project_code",
    "deliverable_name",
    "due_date",
    "accepted_date",
    "delivery_status",
    "days_late",
]
INVOICE_COLUMNS = [
    "vendor",
    "invoice_number",
    "po_number",
    "project_code",
    "invoice_date",
    "invoice_amount",
    "po_remaining_before_amount",
    "po_excess_amount",
    "po_check",
]


def present(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """The columns a snapshot published (one built before a column existed lacks it)."""
    return frame.select([column for column in columns if column in frame.columns])


def tiles(ctx: state.Context) -> None:
    """The vendor base in figures, with the change since the previous month."""
    if ctx.month is None or not data.has_model(ctx.snap, PORTFOLIO):
        return
    months = [m for m in (ctx.month, ctx.previous_month) if m]
    rows = {
        row["reporting_month"]: row
        for row in data.read(ctx.snap, PORTFOLIO, where={"reporting_month": months}).iter_rows(
            named=True
        )
    }
    row, previous = rows.get(ctx.month), rows.get(ctx.previous_month)
    if row is None:
        return
    before = month_label(ctx.previous_month) if ctx.previous_month else None
    for columns in TILES:
        for column, container in zip(columns, st.columns(len(columns)), strict=True):
            ui.kpi(container, ctx.snap, PORTFOLIO, column, row, previous, previous_label=before)
    scope = (
        " They count every vendor: a vendor-level agreement serves no project; the breaches, "
        "deliverables and invoices below follow the selection."
        if ctx.is_narrowed
        else ""
    )
    st.caption(
        "Spend / contract: spend to date of the vendors under contract against their contracts' "
        "value; uncontracted spend is invoiced by vendors without a contract."
        + (f" Arrows: change since {before}." if before else "")
        + scope
    )


def scorecard(ctx: state.Context) -> None:
    st.subheader("Scorecard")
    if ctx.month is None:
        ui.empty("No month to show yet.")
        return
    rows = data.read(ctx.snap, SCORECARD, where={"reporting_month": ctx.month}, order_by=["vendor"])
    if rows.is_empty():
        ui.empty(
            "No vendors are loaded yet: drop vendors, contracts and SLA files (or a "
            "service-desk export) in landing."
        )
        return
    ui.table(
        ctx,
        present(rows, SCORECARD_COLUMNS),
        key="vendor_scorecard",
        model=SCORECARD,
        name="vendor_scorecard",
    )
    st.caption(
        "SLA attainment: service levels met as a share of those measured in the month (vendor "
        "reports, and response and resolution times from service-desk tickets). Spend: "
        "invoices to date against the contracts signed and the purchase orders raised; a vendor "
        "without a contract has no contract value or remaining amount, and its spend is "
        "uncontracted."
    )


def trend(ctx: state.Context) -> None:
    st.subheader("SLA attainment by month")
    rows = data.read(
        ctx.snap,
        SCORECARD,
        select=["vendor", "reporting_month", "sla_attainment_pct"],
        where={"reporting_month": data.Between(None, ctx.month)} if ctx.month else None,
        order_by=["reporting_month"],
    ).drop_nulls("sla_attainment_pct")
    meta = ui.meta_for(ctx.snap, "sla_attainment_pct", SCORECARD)
    st.plotly_chart(
        charts.lines(rows, x="reporting_month", y="sla_attainment_pct", series="vendor", meta=meta),
        key="vendor_attainment_trend",
    )


def _of_selection(ctx: state.Context, rows: pl.DataFrame) -> pl.DataFrame:
    """The rows of the selected projects; every row (vendor-level ones too) when the sidebar
    selects the whole portfolio."""
    return rows.filter(pl.col("project_code").is_in(ctx.scope)) if ctx.is_narrowed else rows


def breaches(ctx: state.Context) -> None:
    st.subheader("SLA breaches")
    if ctx.month is None:
        return
    rows = data.read(
        ctx.snap,
        SLA_RESULTS,
        where={"reporting_month": ctx.month, "is_breach": True},
        order_by=["vendor", "contract_id", "sla_name"],
    )
    rows = _of_selection(ctx, rows)
    if ctx.is_narrowed:
        st.caption("Breaches of the contracts serving the selected projects.")
    ui.table(
        ctx,
        rows.select(BREACH_COLUMNS),
        key="vendor_breaches",
        model=SLA_RESULTS,
        name="vendor_sla_breaches",
        empty_message="Every service level measured this month was met.",
    )


def deliverables(ctx: state.Context) -> None:
    st.subheader("Deliverables late or overdue")
    rows = data.read(
        ctx.snap,
        DELIVERABLES,
        where={"delivery_status": ["accepted late", "overdue"]},
        order_by=["days_late"],
        descending=True,
    )
    rows = _of_selection(ctx, rows)
    ui.table(
        ctx,
        rows.select(DELIVERABLE_COLUMNS),
        key="vendor_deliverables",
        model=DELIVERABLES,
        name="vendor_deliverables",
        empty_message="No deliverable is late or overdue.",
    )
    ui.as_of_note(ctx, "Deliverables")


def invoices(ctx: state.Context) -> None:
    st.subheader("Invoices not matching their purchase order")
    rows = data.read(
        ctx.snap,
        INVOICE_CHECKS,
        where={"is_accurate": False},
        order_by=["invoice_date"],
        descending=True,
    )
    rows = _of_selection(ctx, rows)
    ui.table(
        ctx,
        present(rows, INVOICE_COLUMNS),
        key="vendor_invoice_checks",
        model=INVOICE_CHECKS,
        name="vendor_invoice_checks",
        empty_message="Every invoice matches its purchase order.",
    )
    st.caption(
        "An invoice is checked against what its order has left, in the order's own currency "
        "when the invoices are in it (a move of the exchange rate is no overrun), to the cent; "
        "less than half a unit over is rounding. Over PO by: the excess, in the reporting "
        "currency."
    )


ctx = state.context()
ui.page_header(ctx, "Vendors")
with ui.needs():
    tiles(ctx)
    scorecard(ctx)
    trend(ctx)
    breaches(ctx)
    deliverables(ctx)
    invoices(ctx)
