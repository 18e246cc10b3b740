"""Financial status report (FSR): budget vs actual vs forecast, CAPEX/OPEX, commitments, EAC.

Amounts come from ``fct_project_financials_monthly`` (whose lines add up to the project's EAC in
``fct_earned_value_monthly``, and to its AC where AC is the booked cost), ``rpt_invoice_ageing``
and ``fct_earned_value_monthly``. Where the FSR's figure of a concept differs from the MSR's
(booked cost vs an earned-value import's AC, the current baseline vs the one in force in the
month), the reconciliation section prints dbt's items of the difference.
Roll-ups by portfolio, project, category or expense type are plain SQL sums of those additive
lines; no ratio or KPI is derived here. A section whose model is missing fails the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from . import charts, reconciliation
from .document import Chart, Table, columns_for
from .errors import ReportError
from .fx import FX_GAPS
from .reconciliation import Reconciliation
from .sections import Section, in_order, read
from .source import ReportSource, Requirement

AMOUNTS = (
    "budget_amount",
    "actual_cost",
    "cumulative_budget_amount",
    "cumulative_actual_cost",
    "cumulative_budget_variance_amount",
    "budget_at_completion",
    "forecast_at_completion",
    "forecast_variance_at_completion",
    "cumulative_open_commitment_amount",
)
LINE_COLUMNS = (
    "project_code",
    "reporting_month",
    "cost_category",
    "expense_type",
    "status_date",
    "baseline_version",
    "forecast_allocation_basis",
    "budget_amount",
    "actual_labour_cost",
    "actual_vendor_cost",
    "actual_cost",
    "logged_hours",
    "po_amount",
    "open_commitment_amount",
    "burn_rate_amount",
    "cumulative_budget_amount",
    "cumulative_actual_labour_cost",
    "cumulative_actual_vendor_cost",
    "cumulative_actual_cost",
    "cumulative_budget_variance_amount",
    "cumulative_po_amount",
    "cumulative_open_commitment_amount",
    "budget_at_completion",
    "remaining_budget_amount",
    "forecast_scale_ratio",
    "forecast_remaining_amount",
    "forecast_at_completion",
    "forecast_variance_at_completion",
)
EAC_COLUMNS = (
    "project_code",
    "budget_at_completion",
    "actual_cost",
    "earned_value",
    "cost_performance_index",
    "schedule_performance_index",
    "estimate_at_completion",
    "estimate_at_completion_method",
    "estimate_at_completion_typical",
    "estimate_at_completion_atypical",
    "estimate_at_completion_cpi_spi",
    "estimate_to_complete",
    "variance_at_completion",
    "evm_confidence",
    "evm_confidence_reason",
)
QUALITY_COLUMNS = (
    "project_code",
    "data_quality_score",
    "failed_check_count",
    "data_quality_issues",
)
AGEING_COLUMNS = (
    "project_code",
    "age_bucket",
    "bucket_order",
    "unpaid_invoice_count",
    "unpaid_amount",
    "oldest_invoice_date",
    "oldest_invoice_age_days",
    "as_of_date",
)
PO_COLUMNS = (
    "po_number",
    "project_code",
    "vendor",
    "cost_category",
    "expense_type",
    "po_date",
    "po_amount",
    "invoiced_amount",
    "open_commitment_amount",
    "is_over_invoiced",
)

LINES_MODEL = "fct_project_financials_monthly"
ROLLUP = "rpt_financials_rollup_monthly"
"""The line roll-ups every budget-vs-actual, CAPEX/OPEX, commitment and labour table reads."""
VARIANCE = "Variance commentary"
ACTUAL_COST_METHOD = "Actual cost"
"""How fct_earned_value_monthly's method starts for a complete or closed project's EAC."""
BVA = "Budget vs actual vs forecast"
CAPEX = "CAPEX / OPEX"
COMMIT = "Commitments, purchase orders and invoices"
VENDORS = "Vendor spend and invoice accuracy"
LABOUR = "Labour cost variance"
EAC = "Forecast methods"
RECONCILIATION = "Reconciliation with the MSR"
CAVEATS = "Data caveats"
# The FSR's actual cost is what finance booked (costed timesheet hours + invoices); the MSR's AC
# may come from an earned-value import. Named so the two are never read as one number.
AMOUNT_LABELS = {
    "cumulative_actual_cost": "Booked cost to date",
    "cumulative_budget_variance_amount": "Budget variance to date (budget - booked)",
}

VARIANCE_COLUMNS = (
    "project_code",
    "budget_at_completion",
    "forecast_at_completion",
    "variance_at_completion",
    "variance_at_completion_pct",
    "variance_direction",
    "is_over_variance_threshold",
    "forecast_method",
    "variance_commentary",
)

THIS_MONTH = "reporting_month = $month"


def _level_with_total(
    level: str,
    key: str,
    title: str,
    part: str,
    *,
    sheet: str,
    note: str,
    counts: tuple[str, ...] = (),
    labels: dict[str, str] = AMOUNT_LABELS,
) -> Section:
    """The month's roll-up rows of one level (portfolio, category, expense type) with the
    total row last: the amounts of each, and any counts before them."""
    return Section(
        key,
        title,
        ROLLUP,
        (level, *counts, *AMOUNTS),
        part,
        where=f"{THIS_MONTH} and rollup_level in ('{level}', 'all')",
        order=f"is_total, {level}",
        also=("is_total",),
        labels=labels,
        sheet=sheet,
        note=note,
    )


VARIANCES = Section(
    "variances",
    "Forecast against budget by project",
    "rpt_financial_variance_monthly",
    VARIANCE_COLUMNS,
    VARIANCE,
    where=THIS_MONTH,
    order="is_over_variance_threshold desc, abs(variance_at_completion) desc nulls last, "
    "project_code",
)
OVER_THRESHOLD = Section(
    "variance",
    "Projects over the variance threshold",
    "rpt_financial_variance_monthly",
    (
        "project_code",
        "project_name",
        "budget_at_completion",
        "forecast_at_completion",
        "variance_at_completion",
        "variance_at_completion_pct",
        "variance_commentary",
    ),
    VARIANCE,
    where=f"{THIS_MONTH} and is_over_variance_threshold",
    order="abs(variance_at_completion) desc nulls last, project_code",
    also=("variance_direction",),
    sheet="Variance commentary",
    note="financial lines, earned value, labour variance, change requests, re-baselines and "
    "purchase orders of the month",
)
BY_PORTFOLIO = _level_with_total(
    "portfolio",
    "portfolio",
    "By portfolio",
    BVA,
    counts=("project_count",),
    labels={"project_count": "Projects", **AMOUNT_LABELS},
    sheet="By portfolio",
    note="the portfolio's lines summed",
)
BY_PROJECT = Section(
    "projects",
    "By project",
    ROLLUP,
    ("project_code", "project_name", "portfolio", *AMOUNTS, "burn_rate_amount"),
    BVA,
    where=f"{THIS_MONTH} and rollup_level = 'project'",
    order="portfolio, project_code",
    labels=AMOUNT_LABELS,
    sheet="By project",
    note="the project's lines summed",
)
BY_CATEGORY = _level_with_total(
    "cost_category",
    "categories",
    "By cost category",
    BVA,
    sheet="By category",
    note="the category's lines summed",
)
LINES = Section(
    "lines",
    "By project and cost category",
    LINES_MODEL,
    ("project_code", "cost_category", "expense_type", *AMOUNTS),
    BVA,
    where=THIS_MONTH,
    order="project_code, cost_category, expense_type",
    also=LINE_COLUMNS,
    labels=AMOUNT_LABELS,
)
# The workbook's 'Financial lines' sheet carries every column of the mart's lines.
LINES_FULL = Section(
    "lines_full",
    "Financial lines (all columns)",
    LINES_MODEL,
    LINE_COLUMNS,
    BVA,
    where=THIS_MONTH,
    order="project_code, cost_category, expense_type",
    sheet="Financial lines",
)
CAPEX_OPEX = _level_with_total(
    "expense_type",
    "capex",
    "CAPEX / OPEX, portfolio",
    CAPEX,
    sheet="CAPEX OPEX",
    note="the lines summed by expense type",
)
CAPEX_PROJECTS = Section(
    "capex_projects",
    "CAPEX / OPEX by project",
    ROLLUP,
    (
        "project_code",
        "expense_type",
        "budget_amount",
        "actual_cost",
        "cumulative_budget_amount",
        "cumulative_actual_cost",
        "budget_at_completion",
        "forecast_at_completion",
    ),
    CAPEX,
    where=f"{THIS_MONTH} and rollup_level = 'project_expense_type'",
    order="project_code, expense_type",
    labels=AMOUNT_LABELS,
    sheet="CAPEX OPEX by project",
    note="the lines summed by project and expense type",
)
COMMITMENTS = Section(
    "commitments",
    "Commitments by project",
    ROLLUP,
    (
        "project_code",
        "po_amount",
        "cumulative_po_amount",
        "cumulative_actual_vendor_cost",
        "cumulative_open_commitment_amount",
    ),
    COMMIT,
    where=f"""{THIS_MONTH} and rollup_level = 'project'
        and (cumulative_po_amount <> 0 or cumulative_actual_vendor_cost <> 0)""",
    labels={
        "po_amount": "Ordered in the month",
        "cumulative_po_amount": "Ordered to date",
        "cumulative_actual_vendor_cost": "Invoiced to date",
    },
    sheet="Commitments",
    note=(
        "open commitment = order − invoiced, in the order's currency at the order's rate;"
        " invoicing as at the as-of date"
    ),
)
PURCHASE_ORDERS = Section(
    "purchase_orders",
    "Purchase orders",
    "rpt_purchase_orders",
    PO_COLUMNS,
    COMMIT,
    where="po_date <= last_day($month::date)",
    order="po_date, po_number",
    labels={
        "po_number": "PO",
        "cost_category": "Category",
        "expense_type": "CAPEX/OPEX",
        "po_date": "Date",
        "po_amount": "Ordered",  # the whole order
        "invoiced_amount": "Invoiced",
        "is_over_invoiced": "Over-invoiced",
    },
    sheet="Purchase orders",
    note=(
        "invoiced at each invoice's month rate; open commitment and over-invoicing in the"
        " order's currency, where an exchange-rate move is neither; invoicing as at the as-of date"
    ),
)
VENDOR_SPEND = Section(
    "vendor_spend",
    "Vendor spend against contracts and purchase orders",
    "rpt_vendor_scorecard_monthly",
    (
        "vendor",
        "contract_value",
        "po_committed_amount",
        "invoiced_in_month_amount",
        "invoiced_to_date_amount",
        "contract_remaining_amount",
        "uncontracted_spend_amount",
        "spend_to_contract_pct",
        "spend_to_po_pct",
        "invoice_count",
        "inaccurate_invoice_count",
        "invoice_accuracy_pct",
    ),
    VENDORS,
    where=THIS_MONTH
    + " and (contract_value > 0 or po_committed_amount > 0 or invoiced_to_date_amount <> 0)",
    order="vendor",
    sheet="Vendor spend",
    note="invoices to date against the contracts signed and the orders raised; a vendor without "
    "a contract has no contract value or remaining amount: its spend is uncontracted",
)
INVOICE_EXCEPTIONS = Section(
    "invoice_exceptions",
    "Invoices not matching their purchase order",
    "rpt_vendor_invoice_checks",
    (
        "vendor",
        "invoice_number",
        "po_number",
        "project_code",
        "invoice_date",
        "invoice_amount",
        "po_remaining_before_amount",
        "po_excess_amount",
        "po_check",
    ),
    VENDORS,
    where="invoice_month = $month and not is_accurate",
    order="vendor, invoice_date, invoice_number",
    sheet="Invoice exceptions",
    note="invoices of the month without a matching purchase order or over its remaining amount: "
    "in the order's currency where the invoices are in it, to the cent, under half a unit over "
    "being rounding",
)
AGEING = Section(
    "ageing",
    "Unpaid invoices by age",
    "rpt_invoice_ageing",
    (
        "project_code",
        "age_bucket",
        "unpaid_invoice_count",
        "unpaid_amount",
        "oldest_invoice_date",
        "oldest_invoice_age_days",
    ),
    COMMIT,
    where="unpaid_invoice_count > 0",
    order="project_code, bucket_order",
    also=AGEING_COLUMNS,
    sheet="Invoice ageing",
)
AGEING_TOTALS = Section(
    "ageing_totals",
    "Unpaid invoices by age, portfolio",
    "rpt_portfolio_invoice_ageing",
    ("age_bucket", "unpaid_invoice_count", "unpaid_amount"),
    COMMIT,
    order="bucket_order",
    also=("is_all_ages",),
    sheet="Invoice ageing totals",
)
LABOUR_LINES = Section(
    "labour",
    "Labour: budget, cost and hours",
    ROLLUP,
    (
        "project_code",
        "budget_amount",
        "actual_labour_cost",
        "logged_hours",
        "cumulative_budget_amount",
        "cumulative_actual_labour_cost",
        "budget_at_completion",
    ),
    LABOUR,
    where=f"{THIS_MONTH} and rollup_level = 'project_cost_category' and cost_category = 'labour'",
    labels={
        "budget_amount": "Labour budget (month)",
        "cumulative_budget_amount": "Labour budget to date",
        "budget_at_completion": "Labour budget at completion",
    },
    sheet="Labour",
    note="the labour lines summed by project",
)
FORECAST_METHODS = Section(
    "eac",
    "Forecast EAC and the other methods by project",
    "fct_earned_value_monthly",
    tuple(c for c in EAC_COLUMNS[:-1] if c != "estimate_at_completion_method"),
    EAC,
    where=THIS_MONTH,
    also=EAC_COLUMNS,
    labels={"estimate_at_completion": "Forecast EAC"},
    sheet="Forecast methods",
    note="confidence: see Data caveats",
)
LOW_CONFIDENCE = Section(
    "low_confidence",
    "EAC of low confidence",
    "fct_earned_value_monthly",
    ("project_code", "estimate_at_completion", "evm_confidence_reason"),
    CAVEATS,
    where=f"{THIS_MONTH} and evm_confidence = 'low'",
    note="projects whose earned value is of low confidence",
)
PORTFOLIO_FORECAST = Section(
    "portfolio_forecast",
    "Forecast at completion, all portfolios",
    "rpt_portfolio_kpis_monthly",
    ("budget_at_completion", "estimate_at_completion", "variance_at_completion"),
    EAC,
    where=f"{THIS_MONTH} and is_all_portfolios",
    order="",
)
QUALITY = Section(
    "quality",
    "Projects whose data checks did not all pass",
    "rpt_data_quality_by_project",
    QUALITY_COLUMNS,
    CAVEATS,
    where="failed_check_count > 0",
    sheet="Data caveats",
)
SECTIONS: tuple[Section, ...] = (
    VARIANCES,
    OVER_THRESHOLD,
    BY_PORTFOLIO,
    BY_PROJECT,
    BY_CATEGORY,
    LINES,
    LINES_FULL,
    CAPEX_OPEX,
    CAPEX_PROJECTS,
    COMMITMENTS,
    PURCHASE_ORDERS,
    VENDOR_SPEND,
    INVOICE_EXCEPTIONS,
    AGEING,
    AGEING_TOTALS,
    LABOUR_LINES,
    FORECAST_METHODS,
    LOW_CONFIDENCE,
    PORTFOLIO_FORECAST,
    QUALITY,
    FX_GAPS.within(BVA),
)
REQUIREMENTS: tuple[Requirement, ...] = (
    *(section.requirement for section in SECTIONS),
    Requirement(
        VARIANCE,
        "rpt_financial_variance_monthly",
        ("variance_threshold_pct", "variance_threshold_amount"),
    ),
    *reconciliation.requirements(RECONCILIATION),
)
USED_MODELS = {req.model for req in REQUIREMENTS}
# The workbook's sheets in the order the PDF reads.
SHEET_ORDER = (
    "fx_gaps",
    "variance",
    "portfolio",
    "projects",
    "categories",
    "lines",
    "lines_full",
    "capex",
    "capex_projects",
    "commitments",
    "purchase_orders",
    "vendor_spend",
    "invoice_exceptions",
    "ageing",
    "ageing_totals",
    "labour",
    "labour_variance",
    "eac",
    "reconciliation",
    "reconciliation_portfolios",
    "reconciliation_projects",
    "quality",
    "low_confidence",
)

VOLUME = re.compile(r"(hours|volume).*variance|variance.*(hours|volume)")
RATE = re.compile(r"rate.*variance|variance.*rate")


@dataclass
class FsrReport:
    kind: str
    title: str
    month: date
    as_of: date
    status_date: date | None
    currency: str
    is_as_of_month: bool
    totals: dict[str, Any]
    tables: dict[str, Table]
    charts: dict[str, Chart]
    labour_variance_model: str | None
    labour_variance_note: str
    reconciliation: Reconciliation
    notes: list[str] = field(default_factory=list)

    @property
    def xlsx_tables(self) -> list[Table]:
        return [t for t in self.tables.values() if t.sheet]

    def all_charts(self) -> list[Chart]:
        return list(self.charts.values())


def build(source: ReportSource, month: date, as_of: date) -> FsrReport:
    currency = source.reporting_currency()
    tables = {section.key: read(source, section, month=month) for section in SECTIONS}
    portfolio = _budget_vs_actual(source, month, tables)
    totals = portfolio.frame.filter(pl.col("is_total")).to_dicts()[0]
    _variance_totals(source, tables, totals)
    variance_model, variance_note = _labour_variance(source, month, tables)
    _forecast_totals(month, tables, totals)

    # --- reconciliation with the MSR ----------------------------------------------------
    recon = reconciliation.build(source, month, RECONCILIATION)
    tables["reconciliation"] = recon.summary
    tables["reconciliation_portfolios"] = recon.portfolios
    tables["reconciliation_projects"] = recon.projects

    status_dates = tables["lines"].frame["status_date"].drop_nulls()
    is_as_of_month = month == date(as_of.year, as_of.month, 1)
    return FsrReport(
        kind="fsr",
        title="Financial status report",
        month=month,
        as_of=as_of,
        status_date=status_dates.max() if len(status_dates) else None,
        currency=currency,
        is_as_of_month=is_as_of_month,
        totals=totals,
        tables=in_order(tables, SHEET_ORDER),
        charts=_charts(tables, portfolio, currency),
        labour_variance_model=variance_model,
        labour_variance_note=variance_note,
        reconciliation=recon,
        notes=_notes(tables, month, as_of, is_as_of_month),
    )


def _budget_vs_actual(source: ReportSource, month: date, tables: dict[str, Table]) -> Table:
    """Budget vs actual vs forecast: the total rows named for their table; the portfolio table
    (a report needs at least one portfolio besides the total)."""
    portfolio = _total_named(tables["portfolio"], "portfolio", "All portfolios")
    portfolio.frame = portfolio.frame.with_columns(pl.col("portfolio").fill_null("(no portfolio)"))
    if portfolio.frame.height < 2:
        raise ReportError(
            f"section '{BVA}': fct_project_financials_monthly has no lines for {month:%Y-%m} "
            f"in snapshot {source.snapshot_id}."
        )
    _total_named(tables["categories"], "cost_category", "All categories")
    _total_named(tables["capex"], "expense_type", "Total")
    return portfolio


def _variance_totals(
    source: ReportSource, tables: dict[str, Table], totals: dict[str, Any]
) -> None:
    """Variance commentary: the projects over the threshold, the largest variance first."""
    variances = tables.pop("variances").frame
    over = tables["variance"].frame
    [settings] = source.frame(
        "select max(variance_threshold_pct) as variance_threshold_pct,"
        " max(variance_threshold_amount) as variance_threshold_amount"
        " from rpt_financial_variance_monthly",
        section=VARIANCE,
    ).to_dicts()
    # the formula the open projects' forecasts follow (a complete or closed one's is its cost)
    methods = (
        variances.filter(~pl.col("forecast_method").str.starts_with(ACTUAL_COST_METHOD))[
            "forecast_method"
        ]
        .unique()
        .to_list()
    )
    totals["forecast_method"] = methods[0] if len(methods) == 1 else None
    totals["variance_threshold_pct"] = float(settings["variance_threshold_pct"] or 0)
    totals["variance_threshold_amount"] = float(settings["variance_threshold_amount"] or 0)
    totals["projects_over_threshold"] = over.height
    totals["projects_with_forecast"] = int(variances["variance_direction"].is_not_null().sum())
    totals["overrun_projects"] = int((over["variance_direction"] == "unfavourable").sum())
    totals["underrun_projects"] = int((over["variance_direction"] == "favourable").sum())


def _forecast_totals(month: date, tables: dict[str, Table], totals: dict[str, Any]) -> None:
    """Forecast at completion of the portfolio, and the unpaid invoices."""
    forecast = tables.pop("portfolio_forecast").frame
    if forecast.height != 1:
        raise ReportError(
            f"section '{EAC}': rpt_portfolio_kpis_monthly has no 'All portfolios' row for "
            f"{month:%Y-%m}."
        )
    totals.update({f"portfolio_{k}": v for k, v in forecast.to_dicts()[0].items()})
    totals["unpaid_amount"] = next(
        row["unpaid_amount"] for row in tables["ageing_totals"].rows() if row["is_all_ages"]
    )


def _charts(tables: dict[str, Table], portfolio: Table, currency: str) -> dict[str, Chart]:
    capex_projects = tables["capex_projects"].frame
    chart_map = {
        "portfolio": charts.grouped_bars(
            "fsr-portfolio",
            "Budget, actual and forecast by portfolio",
            portfolio.frame.filter(~pl.col("is_total")),
            "portfolio",
            [
                ("Budget to date", "cumulative_budget_amount", "budget"),
                ("Booked cost to date", "cumulative_actual_cost", "actual"),
                ("Budget at completion", "budget_at_completion", "bac"),
                ("Forecast at completion", "forecast_at_completion", "forecast"),
            ],
            currency,
        ),
        "projects": charts.grouped_bars(
            "fsr-projects",
            "Budget at completion vs forecast at completion by project",
            tables["projects"].frame,
            "project_code",
            [
                ("Budget at completion", "budget_at_completion", "bac"),
                ("Forecast at completion", "forecast_at_completion", "forecast"),
            ],
            currency,
            horizontal=True,
        ),
        "capex": charts.grouped_bars(
            "fsr-capex",
            "Booked cost to date by project, CAPEX and OPEX",
            capex_projects.pivot(
                "expense_type", index="project_code", values="cumulative_actual_cost"
            )
            .fill_null(0.0)
            .sort("project_code")
            if capex_projects.height
            else capex_projects,
            "project_code",
            [
                (t.upper(), t, c)
                for t, c in (("capex", "capex"), ("opex", "opex"))
                if t in capex_projects["expense_type"].to_list()
            ],
            currency,
            stacked=True,
            horizontal=True,
        ),
        "eac": charts.eac_range(tables["eac"].frame, currency),
    }
    if tables["ageing"].frame.height:
        chart_map["ageing"] = charts.grouped_bars(
            "fsr-ageing",
            "Unpaid invoices by age bucket",
            tables["ageing_totals"].frame.filter(~pl.col("is_all_ages")),
            "age_bucket",
            [("Unpaid amount", "unpaid_amount", "unpaid")],
            currency,
        )
    return chart_map


def _notes(tables: dict[str, Table], month: date, as_of: date, is_as_of_month: bool) -> list[str]:
    low_confidence = tables["low_confidence"].frame
    notes = []
    if low_confidence.height:
        codes = ", ".join(low_confidence["project_code"].to_list())
        notes.append(
            f"EAC of low confidence for {low_confidence.height} project(s) ({codes}): their "
            "earned value is too early, too far off or inconsistent to extrapolate; see "
            "Data caveats."
        )
    if not is_as_of_month:
        notes.append(
            f"Invoice ageing and the invoicing of purchase orders are measured at the snapshot's "
            f"as-of date ({as_of.isoformat()}), not at the end of {month:%B %Y}."
        )
    return notes


def _total_named(table: Table, column: str, label: str) -> Table:
    """The table with its total row named ('All portfolios'): the roll-up's 'all' row has no
    group of its own."""
    table.frame = table.frame.with_columns(
        pl.when(pl.col("is_total")).then(pl.lit(label)).otherwise(pl.col(column)).alias(column)
    )
    return table


def _labour_variance(
    source: ReportSource, month: date, tables: dict[str, Table]
) -> tuple[str | None, str]:
    """The hours (volume) / rate split of labour cost variance, if a dbt model provides it.

    The split needs planned hours and planned rates, which only a dbt model can define; this
    report never computes it. Any published model with a volume/hours variance and a rate
    variance column per project and month is picked up and shown with its catalog labels.
    """
    for model in sorted(source.catalog_models(), key=lambda entry: entry["name"]):
        present = source.columns_of(model["name"])
        names = [c["name"] for c in model.get("columns", []) if c["name"] in present]
        volume = [n for n in names if VOLUME.search(n)]
        rate = [n for n in names if RATE.search(n)]
        if not (volume and rate and {"project_code", "reporting_month"} <= present):
            continue
        shown = ["project_code"] + [
            n for n in names if n not in ("project_code", "reporting_month")
        ]
        select = ", ".join(f'"{c}"' for c in shown)
        frame = source.frame(
            f'select {select} from "{model["name"]}" where reporting_month = ? '  # noqa: S608
            "order by project_code",
            [month],
            section=LABOUR,
        )
        tables["labour_variance"] = Table(
            "labour_variance",
            "Labour cost variance: hours and rate effects",
            frame,
            columns_for(source, model["name"], shown),
            model["name"],
            sheet="Labour variance",
        )
        return model["name"], (f"Hours (volume) and rate effects from {model['name']}.")
    return None, (
        f"Not available: no dbt model in snapshot {source.snapshot_id} splits labour cost "
        "variance into an hours (volume) effect and a rate effect — that needs planned hours "
        "and planned cost rates per project and month, which no model provides yet. The table "
        "shows what the marts hold: labour budget and actual labour cost with the hours logged."
    )
