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
from .document import Chart, Column, Table, columns_for
from .errors import ReportError
from .fx import FX_GAPS
from .reconciliation import Reconciliation
from .sections import Section, read
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

ROLLUP = "rpt_financials_rollup_monthly"
"""The line roll-ups every budget-vs-actual, CAPEX/OPEX, commitment and labour table reads."""
VARIANCE = "Variance commentary"
BVA = "Budget vs actual vs forecast"
CAPEX = "CAPEX / OPEX"
COMMIT = "Commitments, purchase orders and invoices"
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

REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        BVA,
        ROLLUP,
        (
            "reporting_month",
            "rollup_level",
            "portfolio",
            "project_code",
            "cost_category",
            "expense_type",
            "project_count",
            *AMOUNTS,
            "burn_rate_amount",
            "po_amount",
            "cumulative_po_amount",
            "cumulative_actual_vendor_cost",
            "actual_labour_cost",
            "logged_hours",
            "cumulative_actual_labour_cost",
        ),
    ),
    Requirement(VARIANCE, "rpt_financial_variance_monthly", ("reporting_month", *VARIANCE_COLUMNS)),
    Requirement(VARIANCE, "finance_settings", ("setting_name", "setting_value"), published=False),
    Requirement(BVA, "fct_project_financials_monthly", LINE_COLUMNS),
    Requirement(BVA, "dim_projects", ("project_code", "project_name", "portfolio")),
    Requirement(
        CAPEX,
        "fct_project_financials_monthly",
        ("expense_type", "cumulative_actual_cost", "forecast_at_completion"),
    ),
    Requirement(COMMIT, "rpt_invoice_ageing", AGEING_COLUMNS),
    Requirement(COMMIT, "rpt_purchase_orders", PO_COLUMNS),
    Requirement(
        LABOUR,
        "fct_project_financials_monthly",
        ("actual_labour_cost", "logged_hours", "cumulative_actual_labour_cost"),
    ),
    Requirement(EAC, "fct_earned_value_monthly", ("reporting_month",) + EAC_COLUMNS),
    Requirement(
        EAC,
        "rpt_portfolio_kpis_monthly",
        (
            "reporting_month",
            "is_all_portfolios",
            "budget_at_completion",
            "estimate_at_completion",
            "variance_at_completion",
        ),
    ),
    *reconciliation.requirements(RECONCILIATION),
    Requirement(CAVEATS, "rpt_data_quality_by_project", QUALITY_COLUMNS),
    FX_GAPS.within(BVA).requirement,
    AGEING_TOTALS.requirement,
)
USED_MODELS = {req.model for req in REQUIREMENTS}

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


def _cols(columns: tuple[str, ...], prefix: str = "") -> str:
    return ", ".join(f"{prefix}{c}" for c in columns)


def build(source: ReportSource, month: date, as_of: date) -> FsrReport:
    m = month
    currency = source.reporting_currency()
    meta = "fct_project_financials_monthly"
    amount_columns = columns_for(source, meta, AMOUNTS, **AMOUNT_LABELS)
    tables: dict[str, Table] = {"fx_gaps": read(source, FX_GAPS.within(BVA))}

    # --- budget vs actual vs forecast ---------------------------------------------------
    portfolio = source.frame(
        f"""
        select case when rollup_level = 'all' then 'All portfolios'
                    else coalesce(portfolio, '(no portfolio)') end as portfolio,
               rollup_level = 'all' as is_total, project_count, {_cols(AMOUNTS)}
        from {ROLLUP}
        where reporting_month = ? and rollup_level in ('portfolio', 'all')
        order by is_total, portfolio
        """,
        [m],
        section=BVA,
    )
    if portfolio.height < 2:
        raise ReportError(
            f"section '{BVA}': fct_project_financials_monthly has no lines for {month:%Y-%m} "
            f"in snapshot {source.snapshot_id}."
        )
    totals = portfolio.filter(portfolio["is_total"]).to_dicts()[0]

    # --- variance commentary: the projects over the threshold, the largest variance first ---
    variances = source.frame(
        f"""
        select v.{", v.".join(VARIANCE_COLUMNS)}, d.project_name
        from rpt_financial_variance_monthly v
        join dim_projects d on d.project_code = v.project_code
        where v.reporting_month = ?
        order by v.is_over_variance_threshold desc, abs(v.variance_at_completion) desc nulls last,
            v.project_code
        """,
        [m],
        section=VARIANCE,
    )
    settings = dict(
        source.frame(
            "select setting_name, setting_value from finance_settings", section=VARIANCE
        ).iter_rows()
    )
    over = variances.filter(variances["is_over_variance_threshold"])
    variance_meta = "rpt_financial_variance_monthly"
    tables["variance"] = Table(
        "variance",
        "Projects over the variance threshold",
        over,
        [
            *columns_for(source, "dim_projects", ("project_code", "project_name")),
            *columns_for(
                source,
                variance_meta,
                (
                    "budget_at_completion",
                    "forecast_at_completion",
                    "variance_at_completion",
                    "variance_at_completion_pct",
                    "variance_commentary",
                ),
            ),
        ],
        "financial lines, earned value, labour variance, change requests, re-baselines and "
        "purchase orders of the month",
        sheet="Variance commentary",
    )
    methods = variances["forecast_method"].drop_nulls().unique().to_list()
    totals["forecast_method"] = methods[0] if len(methods) == 1 else None
    totals["variance_threshold_pct"] = float(settings.get("variance_threshold_pct", 0) or 0)
    totals["variance_threshold_amount"] = float(settings.get("variance_threshold_amount", 0) or 0)
    totals["projects_over_threshold"] = over.height
    totals["projects_with_forecast"] = int(variances["variance_direction"].is_not_null().sum())
    totals["overrun_projects"] = int((over["variance_direction"] == "unfavourable").sum())
    totals["underrun_projects"] = int((over["variance_direction"] == "favourable").sum())
    tables["portfolio"] = Table(
        "portfolio",
        "By portfolio",
        portfolio,
        [
            Column("portfolio", "Portfolio"),
            Column("project_count", "Projects", "integer"),
            *amount_columns,
        ],
        f"{ROLLUP} (the portfolio's lines summed), dim_projects",
        sheet="By portfolio",
    )
    projects = source.frame(
        f"""
        select r.project_code, d.project_name, d.portfolio, {_cols(AMOUNTS, "r.")},
               r.burn_rate_amount
        from {ROLLUP} r
        join dim_projects d on d.project_code = r.project_code
        where r.reporting_month = ? and r.rollup_level = 'project'
        order by d.portfolio, r.project_code
        """,
        [m],
        section=BVA,
    )
    tables["projects"] = Table(
        "projects",
        "By project",
        projects,
        [
            *columns_for(source, "dim_projects", ("project_code", "project_name", "portfolio")),
            *amount_columns,
            Column.from_meta(source.column_meta(meta, "burn_rate_amount")),
        ],
        f"{ROLLUP} (the project's lines summed)",
        sheet="By project",
    )
    categories = source.frame(
        f"""
        select case when rollup_level = 'all' then 'All categories'
                    else cost_category end as cost_category,
               rollup_level = 'all' as is_total, {_cols(AMOUNTS)}
        from {ROLLUP}
        where reporting_month = ? and rollup_level in ('cost_category', 'all')
        order by is_total, cost_category
        """,
        [m],
        section=BVA,
    )
    tables["categories"] = Table(
        "categories",
        "By cost category",
        categories,
        [Column.from_meta(source.column_meta(meta, "cost_category")), *amount_columns],
        f"{ROLLUP} (the category's lines summed)",
        sheet="By category",
    )
    line_cols = ", ".join(f"f.{c}" for c in LINE_COLUMNS)
    lines = source.frame(
        f"""
        select {line_cols} from fct_project_financials_monthly f
        where f.reporting_month = ?
        order by f.project_code, f.cost_category, f.expense_type
        """,
        [m],
        section=BVA,
    )
    tables["lines"] = Table(
        "lines",
        "By project and cost category",
        lines,
        columns_for(source, meta, ("project_code", "cost_category", "expense_type", *AMOUNTS)),
        meta,
    )
    # The workbook's 'Financial lines' sheet carries every column of the mart's lines.
    tables["lines_full"] = Table(
        "lines_full",
        "Financial lines (all columns)",
        lines,
        columns_for(source, meta, LINE_COLUMNS),
        meta,
        sheet="Financial lines",
    )

    # --- CAPEX / OPEX -------------------------------------------------------------------
    capex = source.frame(
        f"""
        select case when rollup_level = 'all' then 'Total' else expense_type end as expense_type,
               rollup_level = 'all' as is_total, {_cols(AMOUNTS)}
        from {ROLLUP}
        where reporting_month = ? and rollup_level in ('expense_type', 'all')
        order by is_total, expense_type
        """,
        [m],
        section=CAPEX,
    )
    tables["capex"] = Table(
        "capex",
        "CAPEX / OPEX, portfolio",
        capex,
        [Column.from_meta(source.column_meta(meta, "expense_type")), *amount_columns],
        f"{ROLLUP} (the lines summed by expense type)",
        sheet="CAPEX OPEX",
    )
    capex_projects = source.frame(
        f"""
        select project_code, expense_type, {
            _cols(
                (
                    "budget_amount",
                    "actual_cost",
                    "cumulative_budget_amount",
                    "cumulative_actual_cost",
                    "budget_at_completion",
                    "forecast_at_completion",
                )
            )
        }
        from {ROLLUP}
        where reporting_month = ? and rollup_level = 'project_expense_type'
        order by project_code, expense_type
        """,
        [m],
        section=CAPEX,
    )
    tables["capex_projects"] = Table(
        "capex_projects",
        "CAPEX / OPEX by project",
        capex_projects,
        columns_for(
            source,
            meta,
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
            **AMOUNT_LABELS,
        ),
        f"{ROLLUP} (the lines summed by project and expense type)",
        sheet="CAPEX OPEX by project",
    )

    # --- commitments, purchase orders and invoices ---------------------------------------
    commitments = source.frame(
        f"""
        select project_code, {
            _cols(
                (
                    "po_amount",
                    "cumulative_po_amount",
                    "cumulative_actual_vendor_cost",
                    "cumulative_open_commitment_amount",
                )
            )
        }
        from {ROLLUP}
        where reporting_month = ? and rollup_level = 'project'
          and (cumulative_po_amount <> 0 or cumulative_actual_vendor_cost <> 0)
        order by project_code
        """,
        [m],
        section=COMMIT,
    )
    tables["commitments"] = Table(
        "commitments",
        "Commitments by project",
        commitments,
        columns_for(
            source,
            meta,
            (
                "project_code",
                "po_amount",
                "cumulative_po_amount",
                "cumulative_actual_vendor_cost",
                "cumulative_open_commitment_amount",
            ),
            po_amount="Ordered in the month",
            cumulative_po_amount="Ordered to date",
            cumulative_actual_vendor_cost="Invoiced to date",
        ),
        f"{meta} (open commitment = PO amount − invoiced, invoicing as at the as-of date)",
        sheet="Commitments",
    )
    po_cols = ", ".join(PO_COLUMNS)
    pos = source.frame(
        f"""
        select {po_cols} from rpt_purchase_orders
        where po_date <= last_day(?::date)
        order by po_date, po_number
        """,
        [m],
        section=COMMIT,
    )
    tables["purchase_orders"] = Table(
        "purchase_orders",
        "Purchase orders",
        pos,
        [
            Column("po_number", "PO"),
            Column("project_code", "Project"),
            Column("vendor", "Vendor"),
            Column("cost_category", "Category"),
            Column("expense_type", "CAPEX/OPEX"),
            Column("po_date", "Date", "date"),
            Column("po_amount", "Ordered", "currency", currency),  # the whole order
            Column("invoiced_amount", "Invoiced", "currency", currency),
            Column("open_commitment_amount", "Open commitment", "currency", currency),
            Column("is_over_invoiced", "Over-invoiced", "boolean"),
        ],
        "rpt_purchase_orders (invoicing as at the as-of date)",
        sheet="Purchase orders",
    )
    age_cols = ", ".join(AGEING_COLUMNS)
    ageing = source.frame(
        f"select {age_cols} from rpt_invoice_ageing where unpaid_invoice_count > 0 "
        "order by project_code, bucket_order",
        section=COMMIT,
    )
    tables["ageing"] = Table(
        "ageing",
        "Unpaid invoices by age",
        ageing,
        columns_for(
            source,
            "rpt_invoice_ageing",
            (
                "project_code",
                "age_bucket",
                "unpaid_invoice_count",
                "unpaid_amount",
                "oldest_invoice_date",
                "oldest_invoice_age_days",
            ),
        ),
        "rpt_invoice_ageing",
        sheet="Invoice ageing",
    )
    ageing_totals = read(source, AGEING_TOTALS)
    tables["ageing_totals"] = ageing_totals

    # --- labour -------------------------------------------------------------------------
    labour = source.frame(
        f"""
        select project_code, {
            _cols(
                (
                    "budget_amount",
                    "actual_labour_cost",
                    "logged_hours",
                    "cumulative_budget_amount",
                    "cumulative_actual_labour_cost",
                    "budget_at_completion",
                )
            )
        }
        from {ROLLUP}
        where reporting_month = ? and rollup_level = 'project_cost_category'
          and cost_category = 'labour'
        order by project_code
        """,
        [m],
        section=LABOUR,
    )
    tables["labour"] = Table(
        "labour",
        "Labour: budget, cost and hours",
        labour,
        columns_for(
            source,
            meta,
            (
                "project_code",
                "budget_amount",
                "actual_labour_cost",
                "logged_hours",
                "cumulative_budget_amount",
                "cumulative_actual_labour_cost",
                "budget_at_completion",
            ),
            budget_amount="Labour budget (month)",
            cumulative_budget_amount="Labour budget to date",
            budget_at_completion="Labour budget at completion",
        ),
        f"{ROLLUP} (the labour lines summed by project)",
        sheet="Labour",
    )
    variance_model, variance_note = _labour_variance(source, month, tables)

    # --- forecast methods (appendix) ---------------------------------------------------
    eac_cols = ", ".join(EAC_COLUMNS)
    eac = source.frame(
        f"select {eac_cols} from fct_earned_value_monthly where reporting_month = ? "
        "order by project_code",
        [m],
        section=EAC,
    )
    tables["eac"] = Table(
        "eac",
        "Forecast EAC and the other methods by project",
        eac,
        columns_for(
            source,
            "fct_earned_value_monthly",
            tuple(c for c in EAC_COLUMNS[:-1] if c != "estimate_at_completion_method"),
            estimate_at_completion="Forecast EAC",
        ),
        "fct_earned_value_monthly (confidence: see Data caveats)",
        sheet="Forecast methods",
    )
    low_confidence = eac.filter(eac["evm_confidence"] == "low")
    eac_total = source.frame(
        "select budget_at_completion, estimate_at_completion, variance_at_completion "
        "from rpt_portfolio_kpis_monthly where is_all_portfolios and reporting_month = ?",
        [m],
        section=EAC,
    )
    if eac_total.height != 1:
        raise ReportError(
            f"section '{EAC}': rpt_portfolio_kpis_monthly has no 'All portfolios' row for "
            f"{month:%Y-%m}."
        )
    totals.update({f"portfolio_{k}": v for k, v in eac_total.to_dicts()[0].items()})
    totals["unpaid_amount"] = next(
        row["unpaid_amount"] for row in ageing_totals.rows() if row["is_all_ages"]
    )

    # --- reconciliation with the MSR ----------------------------------------------------
    recon = reconciliation.build(source, m, RECONCILIATION)
    tables["reconciliation"] = recon.summary
    tables["reconciliation_portfolios"] = recon.portfolios
    tables["reconciliation_projects"] = recon.projects

    # --- data caveats: low-confidence EAC and the projects whose data checks failed ------
    quality = source.frame(
        f"select {', '.join(QUALITY_COLUMNS)} from rpt_data_quality_by_project "
        "where failed_check_count > 0 order by project_code",
        section=CAVEATS,
    )
    tables["quality"] = Table(
        "quality",
        "Projects whose data checks did not all pass",
        quality,
        columns_for(source, "rpt_data_quality_by_project", QUALITY_COLUMNS),
        "rpt_data_quality_by_project",
        sheet="Data caveats",
    )
    tables["low_confidence"] = Table(
        "low_confidence",
        "EAC of low confidence",
        low_confidence,
        columns_for(
            source,
            "fct_earned_value_monthly",
            ("project_code", "estimate_at_completion", "evm_confidence_reason"),
        ),
        "fct_earned_value_monthly (projects whose earned value is of low confidence)",
    )

    chart_map = {
        "portfolio": charts.grouped_bars(
            "fsr-portfolio",
            "Budget, actual and forecast by portfolio",
            portfolio.filter(~portfolio["is_total"]),
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
            projects,
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
                for t, c in (("capex", "budget"), ("opex", "commitments"))
                if t in capex_projects["expense_type"].to_list()
            ],
            currency,
            stacked=True,
            horizontal=True,
        ),
        "eac": charts.eac_range(eac, currency),
    }
    if ageing.height:
        chart_map["ageing"] = charts.grouped_bars(
            "fsr-ageing",
            "Unpaid invoices by age bucket",
            ageing_totals.frame.filter(~pl.col("is_all_ages")),
            "age_bucket",
            [("Unpaid amount", "unpaid_amount", "commitments")],
            currency,
        )
    status_dates = lines["status_date"].drop_nulls()
    is_as_of_month = month == date(as_of.year, as_of.month, 1)
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
    return FsrReport(
        kind="fsr",
        title="Financial status report",
        month=month,
        as_of=as_of,
        status_date=status_dates.max() if len(status_dates) else None,
        currency=currency,
        is_as_of_month=is_as_of_month,
        totals=totals,
        tables=tables,
        charts=chart_map,
        labour_variance_model=variance_model,
        labour_variance_note=variance_note,
        reconciliation=recon,
        notes=notes,
    )


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
            f'select {select} from "{model["name"]}" where reporting_month = ? '
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
