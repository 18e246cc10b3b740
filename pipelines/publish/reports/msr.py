"""Monthly status report (MSR): what a steering committee reads about every project.

Every figure comes from a dbt model of the pinned snapshot; this module only selects, orders and
compares rows (this month against last month) — it never defines a KPI. Which model feeds which
section is declared in ``REQUIREMENTS``: generation checks all of them before writing anything,
so a missing model fails the report with its name instead of leaving a blank section.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import polars as pl

from . import charts, reconciliation
from .document import Chart, Column, Table, columns_for, format_value, readable_model_name
from .errors import ReportError
from .fx import fx_gap_table
from .reconciliation import Reconciliation
from .source import ReportSource, Requirement, previous_month

EVM_COLUMNS = (
    "planned_value",
    "earned_value",
    "actual_cost",
    "budget_at_completion",
    "schedule_variance",
    "cost_variance",
    "schedule_performance_index",
    "cost_performance_index",
    "estimate_at_completion",
    "estimate_at_completion_atypical",
    "estimate_at_completion_cpi_spi",
    "estimate_to_complete",
    "variance_at_completion",
    "to_complete_performance_index",
    "to_complete_performance_index_eac",
    "percent_complete",
    "percent_spent",
    "earned_value_source",
    "actual_cost_source",
    "baseline_version",
    "evm_confidence",
    "evm_confidence_reason",
    "forecast_confidence",
    "forecast_confidence_reason",
    "is_earned_schedule_lower_bound",
    "is_fx_rate_missing",
)
ES_COLUMNS = (
    "planned_duration_months",
    "actual_time_months",
    "earned_schedule_months",
    "schedule_variance_time_months",
    "schedule_performance_index_time",
    "independent_eac_time_months",
    "forecast_finish_date",
)
PORTFOLIO_COLUMNS = (
    "portfolio",
    "project_count",
    "measured_project_count",
    "planned_value",
    "earned_value",
    "actual_cost",
    "budget_at_completion",
    "estimate_at_completion",
    "variance_at_completion",
    "overrun_at_completion",
    "underrun_at_completion",
    "low_confidence_variance_at_completion",
    "cost_performance_index",
    "cost_performance_index_with_low_confidence",
    "low_confidence_project_count",
    "schedule_performance_index",
    "red_project_count",
    "amber_project_count",
    "green_project_count",
    "grey_project_count",
    "closed_project_count",
    "open_risk_count",
    "open_high_risk_count",
    "open_risk_exposure_amount",
)
DIMENSIONS = (
    ("overall", "overall_status", "Overall"),
    ("schedule", "schedule_status", "Schedule"),
    ("cost", "cost_status", "Cost"),
    ("scope", "scope_status", "Scope"),
    ("risk", "risk_status", "Risk"),
    ("resources", "resources_status", "Resources"),
    ("data_quality", "data_quality_status", "Data quality"),
)
PROJECT_COLUMNS = (
    "project_code",
    "project_name",
    "portfolio",
    "program",
    "sponsor",
    "project_manager",
    "methodology",
    "project_status",
    "current_baseline_version",
    "start_date",
    "planned_finish_date",
)
RISK_REGISTER_COLUMNS = (
    "project_code",
    "reporting_month",
    "risk_id",
    "title",
    "category",
    "owner",
    "risk_status",
    "severity",
    "probability_ratio",
    "impact_cost",
    "exposure_amount",
    "impact_days",
    "age_days",
    "is_open",
    "raised_date",
)
RISK_FLOW_COLUMNS = (
    "open_risk_count",
    "open_high_risk_count",
    "open_risk_exposure_amount",
    "open_risk_exposure_change_amount",
    "new_risk_count",
    "closed_risk_count",
    "materialised_risk_count",
    "occurred_risk_count",
    "aged_open_risk_count",
    "has_risk_register",
    "register_snapshot_date",
)
MILESTONE_COLUMNS = (
    "milestone_name",
    "baseline_date",
    "forecast_date",
    "actual_date",
    "slippage_days",
    "forecast_drift_days",
    "is_completed",
    "is_on_time",
    "is_upcoming",
    "is_overdue",
)
FORECAST_COLUMNS = (
    "forecast_status",
    "forecast_reason",
    "remaining_story_points",
    "mean_velocity_story_points",
    "p50_finish_date",
    "p85_finish_date",
    "p95_finish_date",
    "finish_by_planned_date_probability_ratio",
    "forecast_start_date",
)
QUALITY_COLUMNS = (
    "data_quality_score",
    "failed_check_count",
    "data_quality_issues",
    "stale_exports",
    "quarantined_row_count",
    "uncosted_timesheet_entry_count",
    "unestimated_story_pct",
    "has_baseline",
    "has_manager",
    "as_of_date",
)
NOTE_COLUMNS = (
    "project_code",
    "reporting_month",
    "author",
    "overall_status",
    "summary",
    "accomplishments",
    "next_steps",
    "decisions_needed",
)
QUARANTINE_COLUMNS = (
    "project_code",
    "entity",
    "source_file",
    "source_line",
    "last_source_line",
    "rows_represented",
    "column_name",
    "found_value",
    "reason",
    "is_unknown_project",
)

RIDAC_COLUMNS = (
    "project_code",
    "reporting_month",
    "item_type",
    "type_order",
    "item_order",
    "reference",
    "title",
    "owner",
    "due_date",
    "status",
    "amount",
)
STEERING = "Steering summary"
SUMMARY = "Portfolio summary"
RECONCILIATION = "Reconciliation with the FSR"
CHANGES = "What changed since last month"
ISSUES = "Top issues and decisions needed"
PROJECT = "Project pages"
CAVEATS = "Data caveats"

STEERING_COLUMNS = (
    "project_code",
    "reporting_month",
    "needs_attention",
    "attention_rank",
    "project_name",
    "overall_status",
    "manager_status",
    "status_2_months_before",
    "status_1_month_before",
    "attention_reason",
    "colour_disagreement",
    "is_colour_disputed",
    "decision_needed",
    "decision_owner",
    "decision_owner_source",
    "decision_due_date",
)
MILESTONES_DUE_COLUMNS = (
    "project_code",
    "project_name",
    "milestone_name",
    "due_date",
    "baseline_date",
    "is_overdue",
    "days_overdue",
    "days_until_due",
    "horizon_days",
    "display_order",
)

REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(STEERING, "rpt_steering_attention_monthly", STEERING_COLUMNS),
    Requirement(PROJECT, "rpt_project_ridac_monthly", RIDAC_COLUMNS),
    Requirement(PROJECT, "dim_projects", ("is_closed", "closed_from_month")),
    Requirement(STEERING, "rpt_milestones_due", MILESTONES_DUE_COLUMNS),
    Requirement(
        SUMMARY,
        "rpt_portfolio_kpis_monthly",
        ("reporting_month", "is_all_portfolios") + PORTFOLIO_COLUMNS,
    ),
    Requirement(
        SUMMARY,
        "rpt_project_health_monthly",
        ("project_code", "reporting_month", "health_reason") + tuple(c for _, c, _ in DIMENSIONS),
    ),
    Requirement(SUMMARY, "dim_projects", PROJECT_COLUMNS),
    *reconciliation.requirements(RECONCILIATION),
    Requirement(
        SUMMARY,
        "rpt_risk_heatmap",
        (
            "reporting_month",
            "probability_band",
            "impact_band",
            "probability_band_label",
            "impact_band_label",
            "severity",
            "open_risk_count",
            "open_risk_exposure_amount",
        ),
    ),
    Requirement(ISSUES, "rpt_status_notes_monthly", NOTE_COLUMNS),
    Requirement(
        CHANGES,
        "rpt_project_changes_monthly",
        (
            "project_code",
            "reporting_month",
            "previous_reporting_month",
            "previous_estimate_at_completion",
            "estimate_at_completion",
            "estimate_at_completion_change_amount",
            "previous_budget_at_completion",
            "budget_at_completion",
            "previous_cost_performance_index",
            "cost_performance_index",
        ),
    ),
    Requirement(
        CHANGES,
        "fct_risk_exposure_monthly",
        ("project_code", "reporting_month") + RISK_FLOW_COLUMNS,
    ),
    Requirement(CHANGES, "rpt_risk_register_monthly", RISK_REGISTER_COLUMNS),
    Requirement(
        PROJECT,
        "rpt_project_health_metrics_monthly",
        (
            "project_code",
            "reporting_month",
            "dimension",
            "metric",
            "metric_value",
            "metric_status",
            "health_reason",
            "dimension_order",
            "metric_order",
        ),
    ),
    Requirement(
        PROJECT,
        "fct_earned_value_monthly",
        ("project_code", "reporting_month", "status_date") + EVM_COLUMNS + ES_COLUMNS,
    ),
    Requirement(
        PROJECT, "fct_milestone_slippage", ("project_code", "snapshot_date") + MILESTONE_COLUMNS
    ),
    Requirement(PROJECT, "rpt_delivery_forecast", ("project_code",) + FORECAST_COLUMNS),
    Requirement(CAVEATS, "rpt_data_quality_by_project", ("project_code",) + QUALITY_COLUMNS),
    Requirement(
        CAVEATS,
        "fct_export_freshness",
        (
            "project_code",
            "entity",
            "latest_export_date",
            "days_since_latest_export",
            "max_age_days",
            "is_stale",
            "as_of_date",
        ),
    ),
    Requirement(CAVEATS, "rpt_quarantined_rows", QUARANTINE_COLUMNS),
)
# Reporting models whose content the report already shows in another form: not repeated in
# the appendix.
COVERED_MODELS = {
    "rpt_project_kpis_monthly": "a join of dim_projects, fct_earned_value_monthly and "
    "rpt_project_health_monthly, all shown on the project pages",
    # the financial status report's own models: the FSR of the same pack prints them
    "rpt_financial_variance_monthly": "the FSR's variance commentary",
    "rpt_financials_rollup_monthly": "the FSR's budget-vs-actual roll-ups",
    "rpt_cost_reconciliation_monthly": "printed by both packs' reconciliation sections",
    "rpt_purchase_orders": "the FSR's purchase-order table",
}
USED_MODELS = {req.model for req in REQUIREMENTS} | set(COVERED_MODELS)

RAG_ORDER = "case {0} when 'red' then 0 when 'amber' then 1 when 'green' then 2 else 3 end"


@dataclass
class ProjectPage:
    code: str
    info: dict[str, Any]
    evm: dict[str, Any] | None
    note: dict[str, Any] | None
    forecast: dict[str, Any] | None
    quality: dict[str, Any] | None
    risk_flow: dict[str, Any] | None
    caveats: list[str]
    chart: Chart | None


@dataclass
class MsrReport:
    kind: str
    title: str
    month: date
    previous: date
    as_of: date
    status_date: date | None
    currency: str
    is_as_of_month: bool
    first_month: bool
    all_portfolios: dict[str, Any]
    tables: dict[str, Table]
    charts: list[Chart]
    projects: list[ProjectPage]
    reconciliation: Reconciliation
    appendix: list[Table] = field(default_factory=list)
    glossary: list[Column] = field(default_factory=list)
    steering_headline: str = ""
    closed: Table | None = None

    @property
    def xlsx_tables(self) -> list[Table]:
        return [t for t in self.tables.values() if t.sheet] + [t for t in self.appendix if t.sheet]

    def heat_grid(self) -> tuple[list[str], list[tuple[str, list[dict[str, Any]]]]]:
        """The portfolio heat map as rows of cells: highest probability first."""
        rows = self.tables["heatmap"].rows()
        impacts = sorted({(r["impact_band"], r["impact"]) for r in rows})
        grid: dict[tuple[int, str], list[dict[str, Any]]] = {}
        for row in rows:
            grid.setdefault((row["probability_band"], row["probability"]), []).append(row)
        ordered = sorted(grid.items(), key=lambda item: -item[0][0])
        return (
            [f"{band} {label}" for band, label in impacts],
            [
                (f"{band} {label}", sorted(cells, key=lambda c: c["impact_band"]))
                for (band, label), cells in ordered
            ],
        )

    def all_charts(self) -> list[Chart]:
        return self.charts + [page.chart for page in self.projects if page.chart]


def build(source: ReportSource, month: date, as_of: date, first: date) -> MsrReport:
    prev = previous_month(month)
    m, p = month, prev
    currency = source.reporting_currency()
    tables: dict[str, Table] = {}

    # --- portfolio summary --------------------------------------------------------------
    cols = ", ".join(PORTFOLIO_COLUMNS)
    frame = source.frame(
        f"select {cols}, is_all_portfolios from rpt_portfolio_kpis_monthly "
        "where reporting_month = ? order by is_all_portfolios, portfolio",
        [m],
        section=SUMMARY,
    )
    if frame.filter(frame["is_all_portfolios"]).height != 1:
        raise ReportError(
            f"section '{SUMMARY}': rpt_portfolio_kpis_monthly has no 'All portfolios' row for "
            f"{month:%Y-%m} in snapshot {source.snapshot_id}."
        )
    all_row = frame.filter(frame["is_all_portfolios"]).to_dicts()[0]
    tables["portfolio"] = Table(
        "portfolio",
        "Portfolio KPIs",
        frame,
        columns_for(source, "rpt_portfolio_kpis_monthly", PORTFOLIO_COLUMNS),
        "rpt_portfolio_kpis_monthly",
        sheet="Portfolio KPIs",
    )
    steering_headline = _steering(source, m, as_of, tables)
    recon = reconciliation.build(source, m, RECONCILIATION)
    tables["reconciliation"] = recon.summary
    tables["reconciliation_portfolios"] = recon.portfolios
    tables["reconciliation_projects"] = recon.projects
    history = source.frame(
        "select reporting_month, planned_value, earned_value, actual_cost, budget_at_completion, "
        "estimate_at_completion from rpt_portfolio_kpis_monthly "
        "where is_all_portfolios and reporting_month <= ? order by reporting_month",
        [m],
        section=SUMMARY,
    )

    heatmap = source.frame(
        """
        select probability_band, impact_band, any_value(probability_band_label) as probability,
               any_value(impact_band_label) as impact, any_value(severity) as severity,
               sum(open_risk_count)::bigint as open_risk_count,
               sum(open_risk_exposure_amount)::double as open_risk_exposure_amount
        from rpt_risk_heatmap where reporting_month = ?
        group by probability_band, impact_band
        order by probability_band desc, impact_band
        """,
        [m],
        section=SUMMARY,
    )
    tables["heatmap"] = Table(
        "heatmap",
        "Open risks by probability and impact (all projects)",
        heatmap,
        [
            Column("probability_band", "Probability band", "integer"),
            Column("probability", "Probability"),
            Column("impact_band", "Impact band", "integer"),
            Column("impact", "Impact"),
            Column("severity", "Severity"),
            Column.from_meta(source.column_meta("rpt_risk_heatmap", "open_risk_count")),
            Column.from_meta(source.column_meta("rpt_risk_heatmap", "open_risk_exposure_amount")),
        ],
        "rpt_risk_heatmap (sum over projects)",
        sheet="Risk heat map",
    )

    project_cols = ", ".join(f"d.{c}" for c in PROJECT_COLUMNS)
    status_cols = ", ".join(f"h.{c}" for _, c, _ in DIMENSIONS)
    projects = source.frame(
        f"""
        select {project_cols}, {status_cols}, h.health_reason
        from fct_earned_value_monthly e
        join dim_projects d on d.project_code = e.project_code
        left join rpt_project_health_monthly h
          on h.project_code = e.project_code and h.reporting_month = e.reporting_month
        where e.reporting_month = ?
        order by d.portfolio, {RAG_ORDER.format("h.overall_status")}, d.project_code
        """,
        [m],
        section=SUMMARY,
    )
    if projects.is_empty():
        raise ReportError(f"no project reports in {month:%Y-%m} (fct_earned_value_monthly).")
    rag_columns = columns_for(source, "dim_projects", ("project_code", "project_name"))
    rag_columns += [
        replace(
            Column.from_meta(source.column_meta("rpt_project_health_monthly", c)),
            label=label,
            format="rag",
        )
        for _, c, label in DIMENSIONS
    ]
    rag_columns.append(
        Column.from_meta(source.column_meta("rpt_project_health_monthly", "health_reason"))
    )
    tables["rag"] = Table(
        "rag",
        "Project health (RAG)",
        projects,
        rag_columns,
        "rpt_project_health_monthly, dim_projects",
        sheet="Project health",
    )

    # --- status notes: top issues and decisions -----------------------------------------
    notes = source.frame(
        f"""
        select n.project_code, n.author, n.overall_status, n.summary, n.accomplishments,
               n.next_steps, n.decisions_needed, h.overall_status as computed_status
        from rpt_status_notes_monthly n
        left join rpt_project_health_monthly h
          on h.project_code = n.project_code and h.reporting_month = n.reporting_month
        where n.reporting_month = ?
        order by {RAG_ORDER.format("n.overall_status")}, n.project_code
        """,
        [m],
        section=ISSUES,
    )
    note_cols = [
        Column("project_code", "Project"),
        Column("overall_status", "PM status", "rag"),
        Column("computed_status", "Measured health", "rag"),
        Column("summary", "PM summary"),
    ]
    issues = notes.filter(notes["overall_status"].is_in(["red", "amber"]))
    tables["issues"] = Table(
        "issues",
        "Top issues (projects their managers report red or amber)",
        issues,
        note_cols,
        "rpt_status_notes_monthly, rpt_project_health_monthly",
        sheet="Top issues",
    )
    decisions = notes.filter(
        notes["decisions_needed"].is_not_null()
        & (notes["decisions_needed"].str.strip_chars() != "")
    )
    tables["decisions"] = Table(
        "decisions",
        "Decisions needed",
        decisions,
        [
            Column("project_code", "Project"),
            Column("author", "Asked by"),
            Column("decisions_needed", "Decision needed"),
        ],
        "rpt_status_notes_monthly",
        sheet="Decisions needed",
    )

    # --- what changed since last month --------------------------------------------------
    union = " union all ".join(
        f"select project_code, reporting_month, {i} as dimension_order, '{label}' as dimension, "
        f"{column} as status from rpt_project_health_monthly"
        for i, (_, column, label) in enumerate(DIMENSIONS)
    )
    changes = source.frame(
        f"""
        with s as ({union})
        select c.project_code, c.dimension, c.dimension_order, p.status as previous_status,
               c.status as current_status, h.health_reason
        from s c
        left join s p on p.project_code = c.project_code and p.dimension = c.dimension
                     and p.reporting_month = ?
        join rpt_project_health_monthly h
          on h.project_code = c.project_code and h.reporting_month = c.reporting_month
        where c.reporting_month = ? and p.status is distinct from c.status
        order by c.project_code, c.dimension_order
        """,
        [p, m],
        section=CHANGES,
    )
    measured = ["red", "amber", "green"]
    colour = changes.filter(changes["previous_status"].is_in(measured))
    tables["colour_changes"] = Table(
        "colour_changes",
        "Colour changes",
        colour,
        [
            Column("project_code", "Project"),
            Column("dimension", "Dimension"),
            Column("previous_status", f"{prev:%b %Y}", "rag"),
            Column("current_status", f"{month:%b %Y}", "rag"),
            Column("health_reason", "Why (this month)"),
        ],
        "rpt_project_health_monthly",
        sheet="Colour changes",
    )
    first_measured = (
        changes.filter(~changes["previous_status"].is_in(measured).fill_null(False))
        .with_columns(previous=pl.col("previous_status").fill_null("no report"))
        .group_by("dimension", "dimension_order", "previous", "current_status")
        .agg(projects=pl.col("project_code").sort().str.join(", "))
        .sort("dimension_order", "previous", "current_status")
    )
    tables["first_measured"] = Table(
        "first_measured",
        "Measured for the first time",
        first_measured,
        [
            Column("dimension", "Dimension"),
            Column("previous", f"{prev:%b %Y}", "rag"),
            Column("current_status", f"{month:%b %Y}", "rag"),
            Column("projects", "Projects"),
        ],
        "rpt_project_health_monthly",
        sheet="First measured",
    )
    eac = source.frame(
        """
        select project_code, previous_estimate_at_completion as previous_eac,
               estimate_at_completion as current_eac,
               estimate_at_completion_change_amount as eac_change,
               previous_budget_at_completion as previous_bac, budget_at_completion as current_bac,
               previous_cost_performance_index as previous_cpi,
               cost_performance_index as current_cpi
        from rpt_project_changes_monthly
        where reporting_month = ?
          and (previous_reporting_month is null
               or round(estimate_at_completion_change_amount) <> 0
               or (estimate_at_completion is null) <> (previous_estimate_at_completion is null))
        order by abs(estimate_at_completion_change_amount) desc nulls last, project_code
        """,
        [m],
        section=CHANGES,
    )
    money = Column("x", "x", "currency", currency)
    index = Column("x", "x", "index")
    tables["eac_moves"] = Table(
        "eac_moves",
        "EAC moves",
        eac,
        [
            Column("project_code", "Project"),
            replace(money, name="previous_eac", label=f"EAC {prev:%b %Y}"),
            replace(money, name="current_eac", label=f"EAC {month:%b %Y}"),
            replace(money, name="eac_change", label="Change"),
            replace(money, name="previous_bac", label=f"BAC {prev:%b %Y}"),
            replace(money, name="current_bac", label=f"BAC {month:%b %Y}"),
            replace(index, name="previous_cpi", label=f"CPI {prev:%b %Y}"),
            replace(index, name="current_cpi", label=f"CPI {month:%b %Y}"),
        ],
        "rpt_project_changes_monthly (EAC = BAC / CPI; change = this month's EAC minus last"
        " month's)",
        sheet="EAC moves",
    )
    flow_cols = ", ".join(RISK_FLOW_COLUMNS)
    flows = source.frame(
        f"select project_code, {flow_cols} from fct_risk_exposure_monthly "
        "where reporting_month = ? order by project_code",
        [m],
        section=CHANGES,
    )
    moved = flows.filter(
        (flows["new_risk_count"].fill_null(0) > 0)
        | (flows["closed_risk_count"].fill_null(0) > 0)
        | (flows["materialised_risk_count"].fill_null(0) > 0)
        | (flows["open_risk_exposure_change_amount"].fill_null(0) != 0)
    )
    tables["risk_moves"] = Table(
        "risk_moves",
        "Risk register movements",
        moved,
        columns_for(
            source,
            "fct_risk_exposure_monthly",
            (
                "project_code",
                "new_risk_count",
                "closed_risk_count",
                "materialised_risk_count",
                "open_risk_count",
                "open_risk_exposure_amount",
                "open_risk_exposure_change_amount",
            ),
        ),
        "fct_risk_exposure_monthly",
        sheet="Risk movements",
    )
    risk_changes = source.frame(
        """
        select c.project_code, c.risk_id, c.title,
               case when c.risk_status = 'occurred'
                     and p.risk_status is distinct from 'occurred' then 'materialised'
                    else 'new' end as change,
               p.risk_status as previous_status, c.risk_status, c.severity, c.exposure_amount,
               c.impact_cost, c.owner, c.raised_date
        from rpt_risk_register_monthly c
        left join rpt_risk_register_monthly p
          on p.project_code = c.project_code and p.risk_id = c.risk_id
         and p.reporting_month = ?
        where c.reporting_month = ?
          and ((c.risk_status = 'occurred' and p.risk_status is distinct from 'occurred')
               or date_trunc('month', c.raised_date) = c.reporting_month
               or (c.raised_date is null and p.risk_id is null))
        order by change, c.project_code, c.risk_id
        """,
        [p, m],
        section=CHANGES,
    )
    tables["risk_changes"] = Table(
        "risk_changes",
        "New and materialised risks",
        risk_changes,
        [
            Column("project_code", "Project"),
            Column("risk_id", "Risk"),
            Column("title", "Title"),
            Column("change", "Change"),
            Column("previous_status", f"Status {prev:%b %Y}"),
            Column("risk_status", f"Status {month:%b %Y}"),
            Column("severity", "Severity"),
            Column("exposure_amount", "Exposure", "currency", currency),
            Column("owner", "Owner"),
        ],
        "rpt_risk_register_monthly (the register in force each month)",
        sheet="New & materialised risks",
    )

    # --- per project --------------------------------------------------------------------
    metrics = source.frame(
        """
        select project_code, dimension, metric, metric_value, metric_status, health_reason
        from rpt_project_health_metrics_monthly where reporting_month = ?
        order by project_code, dimension_order, metric_order
        """,
        [m],
        section=PROJECT,
    )
    labels = {
        metric: source.column_meta("rpt_project_health_monthly", metric)
        for metric in metrics["metric"].unique().to_list()
    }
    metrics = metrics.with_columns(
        metric_label=metrics["metric"].replace_strict(
            {k: v.label for k, v in labels.items()}, default=metrics["metric"]
        ),
        value_text=_formatted(metrics, labels),
        dimension_label=metrics["dimension"].str.replace("_", " ").str.to_titlecase(),
    )
    tables["health_metrics"] = Table(
        "health_metrics",
        "RAG per dimension",
        metrics,
        [
            Column("dimension_label", "Dimension"),
            Column("metric_label", "Measure"),
            Column("value_text", "Value"),
            Column("metric_status", "Status", "rag"),
            Column("health_reason", "Reason"),
        ],
        "rpt_project_health_metrics_monthly (thresholds: health_thresholds seed)",
    )

    evm_cols = ", ".join(EVM_COLUMNS + ES_COLUMNS)
    evm = source.frame(
        f"select project_code, status_date, {evm_cols} from fct_earned_value_monthly "
        "where reporting_month = ? order by project_code",
        [m],
        section=PROJECT,
    )
    tables["evm"] = Table(
        "evm",
        "Earned value",
        evm,
        columns_for(source, "fct_earned_value_monthly", ("project_code", *EVM_COLUMNS)),
        "fct_earned_value_monthly",
        sheet="Earned value",
    )
    tables["es"] = Table(
        "es",
        "Earned-schedule forecast",
        evm,
        columns_for(source, "fct_earned_value_monthly", ("project_code", *ES_COLUMNS)),
        "fct_earned_value_monthly",
        sheet="Earned schedule",
    )
    curve = source.frame(
        "select project_code, reporting_month, planned_value, earned_value, actual_cost, "
        "budget_at_completion, estimate_at_completion from fct_earned_value_monthly "
        "where reporting_month <= ? order by project_code, reporting_month",
        [m],
        section=PROJECT,
    )
    milestone_cols = ", ".join(MILESTONE_COLUMNS)
    milestones = source.frame(
        f"select project_code, snapshot_date, {milestone_cols} from fct_milestone_slippage "
        "order by project_code, coalesce(actual_date, forecast_date, baseline_date), "
        "milestone_name",
        section=PROJECT,
    )
    tables["milestones"] = Table(
        "milestones",
        "Milestones",
        milestones,
        columns_for(source, "fct_milestone_slippage", ("project_code", *MILESTONE_COLUMNS)),
        "fct_milestone_slippage",
        sheet="Milestones",
    )
    forecast_cols = ", ".join(FORECAST_COLUMNS)
    forecasts = source.frame(
        f"select project_code, {forecast_cols} from rpt_delivery_forecast order by project_code",
        section=PROJECT,
    )
    tables["delivery_forecast"] = Table(
        "delivery_forecast",
        "Delivery forecast (Monte Carlo)",
        forecasts,
        columns_for(source, "rpt_delivery_forecast", ("project_code", *FORECAST_COLUMNS)),
        "rpt_delivery_forecast",
        sheet="Delivery forecast",
    )
    top_risks = source.frame(
        """
        select project_code, risk_id, title, category, owner, risk_status, severity,
               probability_ratio, impact_cost, exposure_amount, age_days
        from rpt_risk_register_monthly
        where reporting_month = ? and is_open
        qualify row_number() over (partition by project_code
                                   order by exposure_amount desc nulls last, risk_id) <= 5
        order by project_code, exposure_amount desc nulls last, risk_id
        """,
        [m],
        section=PROJECT,
    )
    tables["top_risks"] = Table(
        "top_risks",
        "Top open risks",
        top_risks,
        [
            Column("project_code", "Project"),
            Column("risk_id", "Risk"),
            Column("title", "Title"),
            Column("owner", "Owner"),
            Column("risk_status", "Status"),
            Column("severity", "Severity"),
            Column("probability_ratio", "Probability", "percent_of_one"),
            Column("impact_cost", "Cost impact", "currency", currency),
            Column("exposure_amount", "Exposure", "currency", currency),
            Column("age_days", "Age (days)", "integer"),
        ],
        "rpt_risk_register_monthly (5 largest exposures per project)",
        sheet="Top risks",
    )
    issues_register = source.frame(
        """
        select project_code, risk_id, title, owner, severity, impact_cost, exposure_amount,
               raised_date
        from rpt_risk_register_monthly
        where reporting_month = ? and risk_status = 'occurred'
        order by project_code, risk_id
        """,
        [m],
        section=PROJECT,
    )
    tables["occurred"] = Table(
        "occurred",
        "Materialised risks (now issues)",
        issues_register,
        [
            Column("project_code", "Project"),
            Column("risk_id", "Risk"),
            Column("title", "Title"),
            Column("owner", "Owner"),
            Column("severity", "Severity"),
            Column("impact_cost", "Cost impact", "currency", currency),
        ],
        "rpt_risk_register_monthly (status occurred)",
        sheet="Materialised risks",
    )

    # --- data caveats -------------------------------------------------------------------
    quality_cols = ", ".join(QUALITY_COLUMNS)
    quality = source.frame(
        f"select project_code, {quality_cols} from rpt_data_quality_by_project "
        "order by project_code",
        section=CAVEATS,
    )
    tables["quality"] = Table(
        "quality",
        "Data quality by project",
        quality,
        columns_for(
            source,
            "rpt_data_quality_by_project",
            (
                "project_code",
                "data_quality_score",
                "failed_check_count",
                "data_quality_issues",
                "stale_exports",
                "quarantined_row_count",
                "uncosted_timesheet_entry_count",
            ),
        ),
        "rpt_data_quality_by_project",
        sheet="Data quality",
    )
    quarantine = source.frame(
        "select project_code, entity, source_file, source_line, last_source_line, "
        "rows_represented, column_name, found_value, reason, is_unknown_project "
        "from rpt_quarantined_rows "
        "order by project_code nulls first, source_file, source_line, column_name",
        section=CAVEATS,
    )
    # the line range and count only when a row stands for many (else they say nothing)
    standing = not quarantine.is_empty() and (quarantine["rows_represented"].max() or 1) > 1
    tables["quarantine"] = Table(
        "quarantine",
        "Quarantined rows",
        quarantine,
        [
            Column("project_code", "Project"),
            Column("entity", "Entity"),
            Column("source_file", "File"),
            Column("source_line", "Line", "integer"),
            *(
                [
                    Column("last_source_line", "To line", "integer"),
                    Column("rows_represented", "Rows", "integer"),
                ]
                if standing
                else []
            ),
            Column("reason", "Reason"),
        ],
        "rpt_quarantined_rows (raw.quarantine)",
        sheet="Quarantined rows",
    )
    stale = source.frame(
        "select project_code, entity, latest_export_date, days_since_latest_export, "
        "max_age_days from fct_export_freshness where is_stale order by project_code, entity",
        section=CAVEATS,
    )
    tables["stale"] = Table(
        "stale",
        "Stale exports",
        stale,
        columns_for(
            source,
            "fct_export_freshness",
            (
                "project_code",
                "entity",
                "latest_export_date",
                "days_since_latest_export",
                "max_age_days",
            ),
        ),
        "fct_export_freshness",
        sheet="Stale exports",
    )

    tables["fx_gaps"] = fx_gap_table(source, CAVEATS)

    is_as_of_month = month == date(as_of.year, as_of.month, 1)
    ridac = source.frame(
        f"select {', '.join(RIDAC_COLUMNS)} from rpt_project_ridac_monthly"
        " where reporting_month = ? order by project_code, type_order, item_order",
        [m],
        section=PROJECT,
    ).with_columns(pl.col("item_type").str.to_titlecase().alias("item_type"))
    tables["ridac"] = Table(
        "ridac",
        "Risks, issues, decisions, actions and changes",
        ridac,
        columns_for(
            source,
            "rpt_project_ridac_monthly",
            ("project_code", "item_type", "reference", "title", "owner", "due_date", "status"),
        )
        + [Column("amount", "Amount", "currency", currency)],
        "rpt_project_ridac_monthly",
        sheet="RIDAC",
    )
    open_projects, closed_projects = _by_severity(source, projects, month)
    pages = _project_pages(
        source, open_projects, tables, notes, flows, curve, is_as_of_month, as_of, month, recon
    )
    closed = _closed_projects(source, closed_projects, month, currency)
    chart_list = [
        charts.rag_by_portfolio(frame.filter(~frame["is_all_portfolios"])),
        charts.s_curve("portfolio", "All portfolios: cumulative PV, EV and AC", history, currency),
    ]
    status_dates = evm["status_date"].drop_nulls()
    report = MsrReport(
        kind="msr",
        title="Monthly status report",
        month=month,
        previous=prev,
        as_of=as_of,
        status_date=status_dates.max() if len(status_dates) else None,
        currency=currency,
        is_as_of_month=is_as_of_month,
        first_month=month == first,
        all_portfolios=all_row,
        tables=tables,
        charts=chart_list,
        projects=pages,
        reconciliation=recon,
    )
    report.steering_headline = steering_headline
    report.closed = closed
    report.appendix = appendix_tables(source, month, USED_MODELS)
    report.glossary = _glossary(source)
    return report


def _by_severity(source: ReportSource, projects: Any, month: date) -> tuple[Any, Any]:
    """The month's open projects most severe first (the steering committee's attention order,
    then red, amber, green, not measured, then code) and the projects closed by the month."""
    order = source.frame(
        """
        select d.project_code,
               coalesce(d.is_closed and d.closed_from_month <= ?, false) as is_closed_now,
               s.attention_rank, d.closed_from_month
        from dim_projects d
        left join rpt_steering_attention_monthly s
          on s.project_code = d.project_code and s.reporting_month = ?
        """,
        [month, month],
        section=PROJECT,
    )
    ranked = projects.join(order, on="project_code", how="left").with_columns(
        pl.col("overall_status")
        .replace_strict({"red": 0, "amber": 1, "green": 2}, default=3, return_dtype=pl.Int32)
        .alias("_rag")
    )
    open_projects = ranked.filter(~pl.col("is_closed_now").fill_null(False)).sort(
        "attention_rank", "_rag", "project_code", nulls_last=True
    )
    closed = ranked.filter(pl.col("is_closed_now").fill_null(False)).sort(
        "closed_from_month", "project_code", descending=[True, False]
    )
    return open_projects.drop("_rag"), closed.drop("_rag")


def _closed_projects(source: ReportSource, closed: Any, month: date, currency: str) -> Table:
    """One line per project closed by the month: when, its final cost against its budget."""
    figures = source.frame(
        """
        select project_code, budget_at_completion, actual_cost, percent_complete,
               variance_at_completion
        from fct_earned_value_monthly where reporting_month = ?
        """,
        [month],
        section=PROJECT,
    )
    frame = closed.select(
        "project_code", "project_name", "portfolio", "closed_from_month", "overall_status"
    ).join(figures, on="project_code", how="left")
    return Table(
        "closed",
        "Closed projects",
        frame,
        [
            *columns_for(source, "dim_projects", ("project_code", "project_name", "portfolio")),
            Column("closed_from_month", "Closed from", "month"),
            Column("budget_at_completion", "Budget at completion", "currency", currency),
            Column("actual_cost", "Final cost (AC)", "currency", currency),
            # a project closed before all its work was earned still has an EAC above its AC:
            # the share done is shown so the variance (against EAC, not AC) reads right
            Column("percent_complete", "% complete", "percent"),
            Column(
                "variance_at_completion",
                "VAC (BAC − EAC)",
                "currency",
                currency,
                good_when="higher",
            ),
            Column("overall_status", "Last health", "rag"),
        ],
        "fct_earned_value_monthly, dim_projects",
        sheet="Closed projects",
    )


def _steering(source: ReportSource, month: date, as_of: date, tables: dict[str, Table]) -> str:
    """Page 1: the open projects that need the steering committee, most severe first (the
    order, reasons and owners are the model's), and the milestones overdue or due soon. Returns
    the headline sentence."""
    projects = source.frame(
        f"select {', '.join(STEERING_COLUMNS)} from rpt_steering_attention_monthly "
        "where reporting_month = ? order by attention_rank nulls last, project_code",
        [month],
        section=STEERING,
    )
    listed = projects.filter(pl.col("needs_attention"))
    no_figures = pl.col("^status_.*$").replace("none", None)
    due = pl.col("decision_due_date").dt.strftime("%-d %b %Y")
    owner = pl.col("decision_owner") + pl.when(
        pl.col("decision_owner_source") == "sponsor (no owner named)"
    ).then(pl.lit(" (sponsor; none named)")).otherwise(pl.lit(""))
    listed = listed.with_columns(
        no_figures,
        pl.when(pl.col("decision_needed").is_not_null())
        .then(
            pl.col("decision_needed")
            + pl.lit(" Owner: ")
            + owner
            + pl.lit("; due ")
            + due.fill_null("not given")
            + pl.lit(".")
        )
        .alias("decision"),
        pl.when(pl.col("colour_disagreement").is_not_null())
        .then(
            pl.col("attention_reason")
            + pl.lit(". ")
            + pl.col("colour_disagreement").str.slice(0, 1).str.to_uppercase()
            + pl.col("colour_disagreement").str.slice(1)
            + pl.lit(".")
        )
        .otherwise(pl.col("attention_reason"))
        .alias("why"),
    )
    months = [previous_month(previous_month(month)), previous_month(month), month]
    tables["attention"] = Table(
        "attention",
        "Projects that need attention",
        listed,
        [
            Column("attention_rank", "#", "integer"),
            Column("project_name", "Project"),
            Column("status_2_months_before", f"{months[0]:%b}", "rag"),
            Column("status_1_month_before", f"{months[1]:%b}", "rag"),
            Column("overall_status", f"{months[2]:%b}", "rag"),
            Column("manager_status", "PM says", "rag"),
            Column("why", "Why"),
            Column("decision", "Decision needed"),
        ],
        "measured health and the project managers' status notes",
        sheet="Steering",
    )
    milestones = source.frame(
        f"select {', '.join(MILESTONES_DUE_COLUMNS)} from rpt_milestones_due "
        "order by display_order",
        section=STEERING,
    )
    days = (
        pl.when(pl.col("is_overdue"))
        .then(pl.col("days_overdue"))
        .otherwise(pl.col("days_until_due"))
    )
    milestones = milestones.with_columns(
        pl.when(pl.col("is_overdue"))
        .then(pl.lit("overdue by ") + days.cast(pl.String) + pl.lit(" days"))
        .otherwise(pl.lit("in ") + days.cast(pl.String) + pl.lit(" days"))
        .alias("timing")
    )
    horizon = milestones["horizon_days"][0] if milestones.height else None
    tables["milestones_due"] = Table(
        "milestones_due",
        f"Milestones overdue or due in the next {horizon} days (as of {as_of:%-d %b %Y})"
        if horizon
        else f"Milestones overdue or due soon (as of {as_of:%-d %b %Y})",
        milestones,
        [
            Column("project_name", "Project"),
            Column("milestone_name", "Milestone"),
            Column("due_date", "Due", "date"),
            Column("timing", "When"),
            Column("baseline_date", "Baseline", "date"),
        ],
        "the projects' latest milestone plans",
        sheet="Milestones due",
    )
    red = listed.filter(pl.col("overall_status") == "red").height
    amber = listed.filter(pl.col("overall_status") == "amber").height
    parts = [
        f"{listed.height} of {projects.height} open projects need attention",
        f"{red} measured red, {amber} amber",
    ]
    disputed = listed.filter(pl.col("is_colour_disputed")).height
    if disputed:
        parts.append(f"{disputed} where the project manager's colour differs from the figures")
    decisions = listed.filter(pl.col("decision_needed").is_not_null()).height
    if decisions:
        parts.append(f"{decisions} decision(s) asked for")
    return "; ".join(parts) + "."


def _formatted(metrics: Any, labels: dict[str, Any]) -> pl.Series:
    texts = []
    for metric, value in zip(
        metrics["metric"].to_list(), metrics["metric_value"].to_list(), strict=True
    ):
        texts.append(format_value(value, Column.from_meta(labels[metric])))
    return pl.Series("value_text", texts, dtype=pl.String)


def _project_pages(
    source: ReportSource,
    projects: Any,
    tables: dict[str, Table],
    notes: Any,
    flows: Any,
    curve: Any,
    is_as_of_month: bool,
    as_of: date,
    month: date,
    recon: Reconciliation,
) -> list[ProjectPage]:
    by_code = {
        "evm": {r["project_code"]: r for r in tables["evm"].rows()},
        "note": {r["project_code"]: r for r in notes.to_dicts()},
        "forecast": {r["project_code"]: r for r in tables["delivery_forecast"].rows()},
        "quality": {r["project_code"]: r for r in tables["quality"].rows()},
        "flow": {r["project_code"]: r for r in flows.to_dicts()},
    }
    quarantined = {}
    for row in tables["quarantine"].rows():
        quarantined.setdefault(row["project_code"], []).append(row)
    stale = {}
    for row in tables["stale"].rows():
        stale.setdefault(row["project_code"], []).append(row["entity"])
    currency = source.reporting_currency()
    rebaselines: dict[str, list[dict[str, Any]]] = {}
    for row in source.frame(
        "select * from fct_project_rebaselines where effective_month <= ? "
        "order by project_code, effective_month",
        [month],
        section=CAVEATS,
    ).to_dicts():
        rebaselines.setdefault(row["project_code"], []).append(row)
    money = Column("amount", "Amount", "currency", currency)
    pages = []
    for info in projects.to_dicts():
        code = info["project_code"]
        evm = by_code["evm"].get(code)
        note = by_code["note"].get(code)
        quality = by_code["quality"].get(code)
        flow = by_code["flow"].get(code)
        caveats = []
        if note is None:
            caveats.append(f"No status note from the project manager for {month:%B %Y}.")
        if evm and evm.get("earned_value_source") == "none":
            caveats.append(
                "No progress evidence this month: earned value and the indices "
                "built on it are unknown."
            )
        for change in rebaselines.get(code, []):
            caveats.append(
                f"Re-baselined {change['previous_baseline_version']} → "
                f"{change['baseline_version']} from {change['effective_month']:%B %Y} "
                f"(approved {change['approved_on']:%d %b %Y}, a re-plan of the "
                f"{change['rebaseline_shape']}): "
                f"{change['rebaseline_reason']}. BAC "
                f"{format_value(change['previous_budget_at_completion'], money)} → "
                f"{format_value(change['budget_at_completion'], money)} {currency}; planned "
                "value before it is kept."
            )
        if evm and evm.get("evm_confidence") == "low":
            caveats.append(
                f"Earned-value figures of low confidence ({evm['evm_confidence_reason']}): "
                "shown but not rated, and left out of the portfolio indices."
            )
        elif evm and evm.get("forecast_confidence") == "low":
            caveats.append(f"Forecast caveat: {evm['forecast_confidence_reason']}.")
        if evm and evm.get("is_earned_schedule_lower_bound"):
            caveats.append(
                "The planned-value curve ends before the work earned: earned schedule and "
                "SPI(t) are lower bounds, the forecast finish a latest date."
            )
        if flow is not None and not flow.get("has_risk_register"):
            caveats.append("No risk register exported yet: risk figures are unknown, not zero.")
        if quality:
            if quality.get("data_quality_issues"):
                caveats.append(f"Data-quality findings: {quality['data_quality_issues']}.")
            if quality.get("uncosted_timesheet_entry_count"):
                caveats.append(
                    f"{quality['uncosted_timesheet_entry_count']} timesheet entries have no "
                    "cost rate or exchange rate: their hours cost nothing in AC."
                )
        caveats += recon.project_lines(code, "msr")
        for entity in stale.get(code, []):
            caveats.append(f"Stale export: {entity} (see Data caveats).")
        for row in quarantined.get(code, []):
            if row["rows_represented"] > 1:
                caveats.append(
                    f"{row['rows_represented']:,} quarantined {row['entity']} rows: "
                    f"{row['source_file']} lines {row['source_line']}–{row['last_source_line']}, "
                    f"e.g. {row['reason']}."
                )
            else:
                caveats.append(
                    f"Quarantined {row['entity']} row: {row['source_file']} line "
                    f"{row['source_line']} — {row['reason']}."
                )
        if not is_as_of_month:
            caveats.append(
                f"Milestones, the delivery forecast and data quality are measured at the "
                f"snapshot's as-of date ({as_of.isoformat()}), not at the end of {month:%B %Y}."
            )
        history = curve.filter(curve["project_code"] == code)
        chart = (
            charts.s_curve(
                f"s-curve-{code.lower()}", f"{code}: cumulative PV, EV and AC", history, currency
            )
            if history.height
            else None
        )
        pages.append(
            ProjectPage(
                code, info, evm, note, by_code["forecast"].get(code), quality, flow, caveats, chart
            )
        )
    return pages


def appendix_tables(source: ReportSource, month: date, used: set[str]) -> list[Table]:
    """Reporting models no section uses yet, shown with their catalog labels.

    A PMO analyst who adds a model under ``reporting/`` with ``meta.metric`` on its columns sees
    it here with no Python change: the month's rows (or all rows for an as-of model), the
    columns that carry a metric label.
    """
    tables = []
    for model in sorted(source.catalog_models(), key=lambda entry: entry["name"]):
        name = model["name"]
        if model.get("layer") != "reporting" or name in used or not source.has(name):
            continue
        present = source.columns_of(name)
        shown = [
            c["name"] for c in model.get("columns", []) if c.get("metric") and c["name"] in present
        ]
        if not shown:
            continue
        select = ", ".join(f'"{c}"' for c in shown)
        order = ", ".join(f'"{c}"' for c in (model.get("grain") or shown[:1]) if c in present)
        where, params = (
            ("where reporting_month = ?", [month]) if "reporting_month" in present else ("", [])
        )
        frame = source.frame(
            f'select {select} from "{name}" {where} order by {order or "1"}',
            params,
            section=f"Appendix: {name}",
        )
        if frame.is_empty():
            continue
        title = readable_model_name(name)
        tables.append(
            Table(
                f"appendix-{name}",
                title,
                frame,
                columns_for(source, name, shown),
                name,
                note=model.get("description"),
                sheet=title,
            )
        )
    return tables


def _glossary(source: ReportSource) -> list[Column]:
    names = (
        "planned_value",
        "earned_value",
        "actual_cost",
        "budget_at_completion",
        "schedule_performance_index",
        "cost_performance_index",
        "estimate_at_completion",
        "estimate_at_completion_atypical",
        "estimate_at_completion_cpi_spi",
        "variance_at_completion",
        "to_complete_performance_index",
        "earned_schedule_months",
        "schedule_performance_index_time",
        "independent_eac_time_months",
        "forecast_finish_date",
    )
    return columns_for(source, "fct_earned_value_monthly", names)
