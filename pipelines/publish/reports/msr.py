"""Monthly status report (MSR): what a steering committee reads about every project.

Every figure comes from a dbt model of the pinned snapshot. Each table is a ``Section``
declared below: the rows of one published model, their order and the columns shown; this
module only lays them out (per project, by severity) and words the caveats — it never defines a
KPI. Generation checks every section's model and columns (``REQUIREMENTS``) before writing
anything, so a missing model fails the report with its name instead of leaving a blank
section.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from pipelines.publish.formatting import cell_text

from . import charts, reconciliation
from .document import Chart, Column, Table, columns_for, readable_model_name
from .errors import ReportError
from .fx import FX_GAPS
from .reconciliation import Reconciliation
from .sections import Section, in_order, read, rows_by_project
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
DIMENSIONS = (
    ("overall", "overall_status", "Overall"),
    ("schedule", "schedule_status", "Schedule"),
    ("cost", "cost_status", "Cost"),
    ("scope", "scope_status", "Scope"),
    ("risk", "risk_status", "Risk"),
    ("resources", "resources_status", "Resources"),
    ("data_quality", "data_quality_status", "Data quality"),
)
STATUS_COLUMNS = tuple(column for _, column, _ in DIMENSIONS)
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
    "is_closed",
    "closed_from_month",
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
    "measured_overall_status",
    "summary",
    "accomplishments",
    "next_steps",
    "decisions_needed",
)
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
REBASELINE_COLUMNS = (
    "project_code",
    "effective_month",
    "previous_baseline_version",
    "baseline_version",
    "approved_on",
    "rebaseline_shape",
    "rebaseline_reason",
    "previous_budget_at_completion",
    "budget_at_completion",
)
STEERING = "Steering summary"
SUMMARY = "Portfolio summary"
RECONCILIATION = "Reconciliation with the FSR"
CHANGES = "What changed since last month"
ISSUES = "Top issues and decisions needed"
PROJECT = "Project pages"
CAVEATS = "Data caveats"
VENDORS = "Vendors and service levels"

THIS_MONTH = "reporting_month = $month"
RAG_ORDER = "case {0} when 'red' then 0 when 'amber' then 1 when 'green' then 2 else 3 end"
RAG = dict.fromkeys(STATUS_COLUMNS, "rag")

# --- the sections: each the rows of one model ------------------------------------------------
ATTENTION = Section(
    "attention_source",
    "Projects that need attention",
    "rpt_steering_attention_monthly",
    STEERING_COLUMNS,
    STEERING,
    where=THIS_MONTH,
    order="attention_rank nulls last, project_code",
)
MILESTONES_DUE = Section(
    "milestones_due_source",
    "Milestones overdue or due soon",
    "rpt_milestones_due",
    MILESTONES_DUE_COLUMNS,
    STEERING,
    order="display_order",
)
PORTFOLIO = Section(
    "portfolio",
    "Portfolio KPIs",
    "rpt_portfolio_kpis_monthly",
    (
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
    ),
    SUMMARY,
    where=THIS_MONTH,
    order="is_all_portfolios, portfolio",
    also=("is_all_portfolios",),
    sheet="Portfolio KPIs",
)
PORTFOLIO_HISTORY = Section(
    "portfolio_history",
    "All portfolios: cumulative PV, EV and AC",
    "rpt_portfolio_kpis_monthly",
    (
        "reporting_month",
        "planned_value",
        "earned_value",
        "actual_cost",
        "budget_at_completion",
        "estimate_at_completion",
    ),
    SUMMARY,
    where="is_all_portfolios and reporting_month <= $month",
    order="reporting_month",
)
HEATMAP = Section(
    "heatmap",
    "Open risks by probability and impact (all projects)",
    "rpt_portfolio_risk_heatmap_monthly",
    (
        "probability_band",
        "probability_band_label",
        "impact_band",
        "impact_band_label",
        "severity",
        "open_risk_count",
        "open_risk_exposure_amount",
    ),
    SUMMARY,
    where=THIS_MONTH,
    order="probability_band desc, impact_band",
    sheet="Risk heat map",
)
PROJECT_HEALTH = Section(
    "rag",
    "Project health (RAG)",
    "rpt_project_kpis_monthly",
    ("project_code", "project_name", *STATUS_COLUMNS, "health_reason"),
    SUMMARY,
    where=THIS_MONTH,
    order=f"portfolio, {RAG_ORDER.format('overall_status')}, project_code",
    also=(
        *PROJECT_COLUMNS,
        "budget_at_completion",
        "actual_cost",
        "percent_complete",
        "variance_at_completion",
    ),
    labels={column: label for _, column, label in DIMENSIONS},
    formats=RAG,
    sheet="Project health",
)
CLOSED = Section(
    "closed",
    "Closed projects",
    "rpt_project_kpis_monthly",
    (
        "project_code",
        "project_name",
        "portfolio",
        "closed_from_month",
        "budget_at_completion",
        "actual_cost",
        # a project closed before all its work was earned still has an EAC above its AC: the
        # share done is shown so the variance (against EAC, not AC) reads right
        "percent_complete",
        "variance_at_completion",
        "overall_status",
    ),
    PROJECT,
    where=f"{THIS_MONTH} and is_closed",
    order="closed_from_month desc, project_code",
    labels={
        "budget_at_completion": "Budget at completion",
        "actual_cost": "Final cost (AC)",
        "percent_complete": "% complete",
        "variance_at_completion": "VAC (BAC − EAC)",
        "overall_status": "Last health",
    },
    formats={"overall_status": "rag"},
    sheet="Closed projects",
)
CLOSURES = Section(
    "closures",
    "Closure reports",
    "rpt_project_closure",
    (
        "project_code",
        "closed_from_month",
        "finish_variance_days",
        "original_budget_at_completion",
        "actual_cost",
        "cost_to_original_budget_ratio",
        "cost_performance_index",
        "milestone_on_time_ratio",
        "rebaseline_count",
        "materialised_risk_count",
        "lesson_count",
    ),
    PROJECT,
    where="closed_from_month <= $month",
    order="closed_from_month desc, project_code",
    sheet="Closure reports",
    note="closed by the month's end",
)
LESSONS = Section(
    "lessons",
    "Lessons learned this month",
    "rpt_lessons_learned",
    ("project_code", "category", "phase", "impact", "what_happened", "recommendation"),
    PROJECT,
    where="recorded_date >= $month and recorded_date < $month + interval 1 month",
    order="project_code, category, lesson_id",
    also=("lesson_id", "is_recurring_theme"),
    sheet="Lessons learned",
    note="recorded in the month",
)
VENDOR_BASE = Section(
    "vendor_base",
    "The vendor base",
    "rpt_vendor_portfolio_monthly",
    (
        "active_vendor_count",
        "active_contract_count",
        "sla_attainment_pct",
        "sla_breach_count",
        "contract_value",
        "contracted_spend_amount",
        "spend_to_contract_pct",
        "uncontracted_spend_amount",
        "inaccurate_invoice_count",
    ),
    VENDORS,
    where=THIS_MONTH,
    order="reporting_month",
    sheet="Vendor base",
    note="every vendor in the month; spend / contract over the vendors under contract",
)
VENDOR_SCORECARD = Section(
    "vendor_scorecard",
    "Vendor scorecard",
    "rpt_vendor_scorecard_monthly",
    (
        "vendor",
        "active_contract_count",
        "sla_result_count",
        "sla_breach_count",
        "sla_attainment_pct",
        "sla_attainment_3m_pct",
        "deliverable_on_time_pct",
        "deliverable_overdue_count",
        "spend_to_contract_pct",
        "invoice_accuracy_pct",
    ),
    VENDORS,
    where=THIS_MONTH + " and (sla_result_count > 0 or active_contract_count > 0)",
    order="vendor",
    sheet="Vendor scorecard",
    note="vendors with a contract in force or an SLA measured in the month",
)
VENDOR_BREACHES = Section(
    "vendor_breaches",
    "Service levels missed",
    "rpt_vendor_sla_results_monthly",
    ("vendor", "contract_id", "project_code", "measured_from", "breach_description"),
    VENDORS,
    where=THIS_MONTH + " and is_breach",
    order="vendor, contract_id, sla_name",
    sheet="SLA breaches",
    note="missed in the month",
)
VENDOR_DELIVERABLES = Section(
    "vendor_deliverables",
    "Vendor deliverables late or overdue",
    "rpt_vendor_deliverables",
    (
        "vendor",
        "contract_id",
        "project_code",
        "deliverable_name",
        "due_date",
        "accepted_date",
        "delivery_status",
        "days_late",
    ),
    VENDORS,
    where="delivery_status = 'overdue'"
    " or (delivery_status = 'accepted late' and due_month = $month)",
    order="days_late desc, vendor, contract_id, deliverable_id",
    also=("deliverable_id",),
    sheet="Vendor deliverables",
    note="overdue at the as-of date, or due in the month and accepted late",
)
NOTES = Section(
    "notes",
    "Status notes",
    "rpt_status_notes_monthly",
    NOTE_COLUMNS,
    ISSUES,
    where=THIS_MONTH,
)
TOP_ISSUES = Section(
    "issues",
    "Top issues (projects their managers report red or amber)",
    "rpt_status_notes_monthly",
    ("project_code", "overall_status", "measured_overall_status", "summary"),
    ISSUES,
    where=f"{THIS_MONTH} and overall_status in ('red', 'amber')",
    order=f"{RAG_ORDER.format('overall_status')}, project_code",
    labels={"summary": "PM summary"},
    formats={"overall_status": "rag", "measured_overall_status": "rag"},
    sheet="Top issues",
)
DECISIONS = Section(
    "decisions",
    "Decisions needed",
    "rpt_status_notes_monthly",
    ("project_code", "author", "decisions_needed"),
    ISSUES,
    where=f"{THIS_MONTH} and decisions_needed is not null",
    order=f"{RAG_ORDER.format('overall_status')}, project_code",
    also=("overall_status",),
    labels={"author": "Asked by", "decisions_needed": "Decision needed"},
    sheet="Decisions needed",
)
STEERING_DECISIONS = Section(
    "steering_decisions",
    "Decisions awaiting the steering committee",
    "fct_raid_items_monthly",
    ("project_code", "item_id", "title", "owner", "due_date", "days_overdue", "age_days"),
    ISSUES,
    where=f"{THIS_MONTH} and is_awaiting_steering",
    order="days_overdue desc nulls last, due_date, project_code",
    labels={"due_date": "Needed by"},
    sheet="Steering decisions",
    note="decision logs: open, for the steering committee",
)
ESCALATIONS = Section(
    "escalations",
    "Issues escalated beyond the project",
    "fct_raid_items_monthly",
    (
        "project_code",
        "item_id",
        "title",
        "escalation_level",
        "priority",
        "owner",
        "due_date",
        "days_overdue",
        "age_days",
    ),
    ISSUES,
    where=f"{THIS_MONTH} and is_escalated",
    order="escalation_rank desc, days_overdue desc nulls last, age_days desc, project_code",
    sheet="Escalations",
    note="issue logs: open, escalated to the programme or above",
)
RAID_SUMMARY = Section(
    "raid_summary",
    "Issues, decisions and actions by project",
    "rpt_raid_summary_monthly",
    (
        "project_code",
        "open_issue_count",
        "overdue_issue_count",
        "escalated_issue_count",
        "oldest_open_issue_days",
        "open_decision_count",
        "decisions_awaiting_steering_count",
        "overdue_decision_count",
        "open_action_count",
        "overdue_action_count",
    ),
    ISSUES,
    where=THIS_MONTH,
    sheet="RAID summary",
)
HEALTH_CHANGES = (
    "project_code",
    "dimension",
    "previous_status",
    "current_status",
    "health_reason",
)
COLOUR_CHANGES = Section(
    "colour_changes",
    "Colour changes",
    "rpt_project_health_changes_monthly",
    HEALTH_CHANGES,
    CHANGES,
    where=f"{THIS_MONTH} and not is_first_measured",
    order="project_code, dimension_order",
    labels={"previous_status": "{previous:%b %Y}", "current_status": "{month:%b %Y}"},
    formats={"previous_status": "rag", "current_status": "rag"},
    sheet="Colour changes",
)
FIRST_MEASURED = Section(
    "first_measured_source",
    "Measured for the first time",
    "rpt_project_health_changes_monthly",
    HEALTH_CHANGES,
    CHANGES,
    where=f"{THIS_MONTH} and is_first_measured",
    order="dimension_order, project_code",
    also=("dimension_order",),
)
EAC_MOVES = Section(
    "eac_moves",
    "EAC moves",
    "rpt_project_changes_monthly",
    (
        "project_code",
        "previous_estimate_at_completion",
        "estimate_at_completion",
        "estimate_at_completion_change_amount",
        "previous_budget_at_completion",
        "budget_at_completion",
        "previous_cost_performance_index",
        "cost_performance_index",
    ),
    CHANGES,
    where=f"""{THIS_MONTH}
        and (previous_reporting_month is null
             or round(estimate_at_completion_change_amount) <> 0
             or (estimate_at_completion is null) <> (previous_estimate_at_completion is null))""",
    order="abs(estimate_at_completion_change_amount) desc nulls last, project_code",
    also=("previous_reporting_month",),
    labels={
        "previous_estimate_at_completion": "EAC {previous:%b %Y}",
        "estimate_at_completion": "EAC {month:%b %Y}",
        "estimate_at_completion_change_amount": "Change",
        "previous_budget_at_completion": "BAC {previous:%b %Y}",
        "budget_at_completion": "BAC {month:%b %Y}",
        "previous_cost_performance_index": "CPI {previous:%b %Y}",
        "cost_performance_index": "CPI {month:%b %Y}",
    },
    sheet="EAC moves",
    note="change = this month's EAC minus last month's",
)
RISK_FLOWS = Section(
    "risk_flows",
    "Risk register flows",
    "fct_risk_exposure_monthly",
    ("project_code", *RISK_FLOW_COLUMNS),
    CHANGES,
    where=THIS_MONTH,
)
RISK_MOVES = Section(
    "risk_moves",
    "Risk register movements",
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
    CHANGES,
    where=f"""{THIS_MONTH}
        and (coalesce(new_risk_count, 0) > 0 or coalesce(closed_risk_count, 0) > 0
             or coalesce(materialised_risk_count, 0) > 0
             or coalesce(open_risk_exposure_change_amount, 0) <> 0)""",
    sheet="Risk movements",
)
RISK_CHANGES = Section(
    "risk_changes",
    "New and materialised risks",
    "rpt_risk_changes_monthly",
    (
        "project_code",
        "risk_id",
        "title",
        "risk_change",
        "previous_risk_status",
        "risk_status",
        "severity",
        "exposure_amount",
        "owner",
    ),
    CHANGES,
    where=THIS_MONTH,
    order="risk_change, project_code, risk_id",
    labels={
        "previous_risk_status": "Status {previous:%b %Y}",
        "risk_status": "Status {month:%b %Y}",
    },
    sheet="New & materialised risks",
    note="the register in force each month",
)
HEALTH_METRICS = Section(
    "health_metrics_source",
    "RAG per dimension",
    "rpt_project_health_metrics_monthly",
    ("project_code", "dimension", "metric", "metric_value", "metric_status", "health_reason"),
    PROJECT,
    where=THIS_MONTH,
    order="project_code, dimension_order, metric_order",
)
EARNED_VALUE = Section(
    "evm",
    "Earned value",
    "fct_earned_value_monthly",
    ("project_code", *EVM_COLUMNS),
    PROJECT,
    where=THIS_MONTH,
    also=("status_date", *ES_COLUMNS),  # the project page shows both on one card
    sheet="Earned value",
)
EARNED_SCHEDULE = Section(
    "es",
    "Earned-schedule forecast",
    "fct_earned_value_monthly",
    ("project_code", *ES_COLUMNS),
    PROJECT,
    where=THIS_MONTH,
    sheet="Earned schedule",
)
PROJECT_CURVES = Section(
    "curves",
    "Cumulative PV, EV and AC",
    "fct_earned_value_monthly",
    (
        "project_code",
        "reporting_month",
        "planned_value",
        "earned_value",
        "actual_cost",
        "budget_at_completion",
        "estimate_at_completion",
    ),
    PROJECT,
    where="reporting_month <= $month",
    order="project_code, reporting_month",
)
MILESTONES = Section(
    "milestones",
    "Milestones",
    "fct_milestone_slippage",
    ("project_code", *MILESTONE_COLUMNS),
    PROJECT,
    order="project_code, coalesce(actual_date, forecast_date, baseline_date), milestone_name",
    also=("snapshot_date",),
    sheet="Milestones",
)
DELIVERY_FORECAST = Section(
    "delivery_forecast",
    "Delivery forecast (Monte Carlo)",
    "rpt_delivery_forecast",
    ("project_code", *FORECAST_COLUMNS),
    PROJECT,
    sheet="Delivery forecast",
)
TOP_RISKS = Section(
    "top_risks",
    "Top open risks",
    "rpt_risk_register_monthly",
    (
        "project_code",
        "risk_id",
        "title",
        "owner",
        "risk_status",
        "severity",
        "probability_ratio",
        "impact_cost",
        "exposure_amount",
        "age_days",
    ),
    PROJECT,
    where=f"{THIS_MONTH} and open_exposure_rank <= 5",
    order="project_code, open_exposure_rank",
    labels={"age_days": "Age (days)"},
    sheet="Top risks",
    note="5 largest exposures per project",
)
OCCURRED = Section(
    "occurred",
    "Materialised risks (now issues)",
    "rpt_risk_register_monthly",
    ("project_code", "risk_id", "title", "owner", "severity", "impact_cost"),
    ISSUES,
    where=f"{THIS_MONTH} and risk_status = 'occurred'",
    order="project_code, risk_id",
    also=("exposure_amount", "raised_date"),
    sheet="Materialised risks",
    note="status occurred",
)
RIDAC = Section(
    "ridac",
    "Risks, issues, decisions, actions and changes",
    "rpt_project_ridac_monthly",
    (
        "project_code",
        "item_type",
        "reference",
        "title",
        "owner",
        "due_date",
        "status",
        "amount",
    ),
    PROJECT,
    where=THIS_MONTH,
    order="project_code, type_order, item_order",
    sheet="RIDAC",
)
CRITICAL_PATH = Section(
    "critical_path",
    "Critical path by project",
    "rpt_schedule_critical_path_monthly",
    (
        "project_code",
        "critical_path_finish_date",
        "finish_drift_days",
        "planned_finish_date",
        "critical_path_remaining_days",
        "critical_task_count",
        "near_critical_task_count",
        "tasks_became_critical_count",
        "max_float_consumed_days",
        "driving_cross_project_link_count",
        "missing_link_count",
        "loop_link_count",
    ),
    PROJECT,
    where=THIS_MONTH,
    also=("previous_critical_path_finish_date", "data_date", "snapshot_date"),
    sheet="Critical path",
    note="projects with a plan of the month",
)
CRITICAL_TASKS = Section(
    "critical_tasks",
    "Critical tasks",
    "fct_schedule_network_monthly",
    (
        "project_code",
        "task_key",
        "task_name",
        "task_state",
        "early_start",
        "early_finish",
        "total_float_days",
        "driving_predecessor_name",
    ),
    PROJECT,
    where="network_month = $month and is_snapshot_month and is_critical",
    order="project_code, early_start, early_finish, task_key",
    sheet="Critical tasks",
    note="open tasks with no float, plan of the month",
)
CROSS_LINKS = Section(
    "cross_links",
    "Links from other projects",
    "fct_schedule_links_monthly",
    (
        "project_code",
        "task_key",
        "task_name",
        "predecessor_project_code",
        "predecessor_key",
        "predecessor_task_name",
        "link_type",
        "lag_days",
        "predecessor_early_finish",
        "early_start",
        "link_slack_days",
        "is_driving",
    ),
    PROJECT,
    where="network_month = $month and is_snapshot_month and is_cross_project"
    " and link_issue is null",
    order="project_code, is_driving desc, link_slack_days, task_key",
    sheet="Cross-project links",
    note="links whose waiting task is in the project",
)
REBASELINES = Section(
    "rebaselines",
    "Re-baselines",
    "fct_project_rebaselines",
    REBASELINE_COLUMNS,
    CAVEATS,
    where="effective_month <= $month",
    order="project_code, effective_month",
)
QUALITY = Section(
    "quality",
    "Data quality by project",
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
    CAVEATS,
    also=QUALITY_COLUMNS,
    sheet="Data quality",
)
QUARANTINE = Section(
    "quarantine",
    "Quarantined rows",
    "rpt_quarantined_rows",
    (
        "project_code",
        "entity",
        "source_file",
        "source_line",
        "last_source_line",
        "rows_represented",
        "reason",
    ),
    CAVEATS,
    order="project_code nulls first, source_file, source_line, column_name",
    also=("column_name", "found_value", "is_unknown_project"),
    labels={
        "source_file": "File",
        "source_line": "Line",
        "last_source_line": "To line",
        "rows_represented": "Rows",
    },
    sheet="Quarantined rows",
    note="raw.quarantine",
)
STALE = Section(
    "stale",
    "Stale exports",
    "fct_export_freshness",
    (
        "project_code",
        "entity",
        "latest_export_date",
        "days_since_latest_export",
        "max_age_days",
    ),
    CAVEATS,
    where="is_stale",
    order="project_code, entity",
    sheet="Stale exports",
)
SECTIONS: tuple[Section, ...] = (
    ATTENTION,
    MILESTONES_DUE,
    PORTFOLIO,
    PORTFOLIO_HISTORY,
    HEATMAP,
    PROJECT_HEALTH,
    CLOSED,
    CLOSURES,
    LESSONS,
    VENDOR_BASE,
    VENDOR_SCORECARD,
    VENDOR_BREACHES,
    VENDOR_DELIVERABLES,
    NOTES,
    TOP_ISSUES,
    DECISIONS,
    STEERING_DECISIONS,
    ESCALATIONS,
    RAID_SUMMARY,
    COLOUR_CHANGES,
    FIRST_MEASURED,
    EAC_MOVES,
    RISK_FLOWS,
    RISK_MOVES,
    RISK_CHANGES,
    HEALTH_METRICS,
    EARNED_VALUE,
    EARNED_SCHEDULE,
    PROJECT_CURVES,
    MILESTONES,
    DELIVERY_FORECAST,
    CRITICAL_PATH,
    CRITICAL_TASKS,
    CROSS_LINKS,
    TOP_RISKS,
    OCCURRED,
    RIDAC,
    REBASELINES,
    QUALITY,
    QUARANTINE,
    STALE,
    FX_GAPS.within(CAVEATS),
)
REQUIREMENTS: tuple[Requirement, ...] = (
    *(section.requirement for section in SECTIONS),
    *reconciliation.requirements(RECONCILIATION),
    Requirement(
        PROJECT,
        "rpt_project_health_monthly",
        ("project_code", "reporting_month", *STATUS_COLUMNS),
    ),
)
# Reporting models whose content the report already shows in another form: not repeated in
# the appendix.
COVERED_MODELS = {
    "rpt_project_health_monthly": "the colours of rpt_project_kpis_monthly, on every page",
    "rpt_risk_heatmap": "summed over projects by rpt_portfolio_risk_heatmap_monthly",
    "rpt_risk_register_monthly": "the top risks, materialised risks and the RIDAC log",
    # the financial status report's own models: the FSR of the same pack prints them
    "rpt_financial_variance_monthly": "the FSR's variance commentary",
    "rpt_financials_rollup_monthly": "the FSR's budget-vs-actual roll-ups",
    "rpt_cost_reconciliation_monthly": "printed by both packs' reconciliation sections",
    "rpt_purchase_orders": "the FSR's purchase-order table",
    "rpt_portfolio_invoice_ageing": "the FSR's invoice-ageing totals",
    "rpt_lesson_themes": "the Lessons page's themes (the month's lessons are printed)",
    "rpt_vendor_invoice_checks": "the FSR's invoices not matching their purchase order",
    # the closure pack's models: a closed project's whole life, not a month's
    "rpt_project_closure_budget": "the closure pack's budget outcome",
    "rpt_project_materialised_risks": "the closure pack's materialised risks",
    "rpt_milestone_history": "the closure pack's milestone history",
    "rpt_raid_log": "the closure pack's issues and decisions (the month's open items: RIDAC)",
    # the weekly pack's models: a week's events, not a month's
    "rpt_project_week_events": "the weekly pack's events",
    "rpt_project_week_status": "the weekly pack's project blocks",
    "rpt_portfolio_week_summary": "the weekly pack's summary",
}
USED_MODELS = {req.model for req in REQUIREMENTS} | set(COVERED_MODELS)
# The workbook's sheets in the order the PDF reads: the steering summary first.
SHEET_ORDER = (
    "attention",
    "milestones_due",
    "portfolio",
    "reconciliation",
    "reconciliation_portfolios",
    "reconciliation_projects",
    "heatmap",
    "rag",
    "issues",
    "decisions",
    "steering_decisions",
    "escalations",
    "raid_summary",
    "occurred",
    "colour_changes",
    "first_measured",
    "eac_moves",
    "risk_moves",
    "risk_changes",
    "health_metrics",
    "evm",
    "es",
    "milestones",
    "delivery_forecast",
    "critical_path",
    "critical_tasks",
    "cross_links",
    "top_risks",
    "ridac",
    "closures",
    "lessons",
    "vendor_base",
    "vendor_scorecard",
    "vendor_breaches",
    "vendor_deliverables",
    "fx_gaps",
    "quality",
    "quarantine",
    "stale",
)


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
        impacts = sorted({(r["impact_band"], r["impact_band_label"]) for r in rows})
        grid: dict[tuple[int, str], list[dict[str, Any]]] = {}
        for row in rows:
            grid.setdefault((row["probability_band"], row["probability_band_label"]), []).append(
                row
            )
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
    currency = source.reporting_currency()
    months = {"month": month, "previous": prev}
    tables: dict[str, Table] = {
        section.key: read(source, section, **months)
        for section in SECTIONS
        if section not in (ATTENTION, MILESTONES_DUE)
    }

    portfolio = tables["portfolio"].frame
    totals = portfolio.filter(portfolio["is_all_portfolios"])
    if totals.height != 1:
        raise ReportError(
            f"section '{SUMMARY}': rpt_portfolio_kpis_monthly has no 'All portfolios' row for "
            f"{month:%Y-%m} in snapshot {source.snapshot_id}."
        )
    projects = tables["rag"].frame
    if projects.is_empty():
        raise ReportError(f"no project reports in {month:%Y-%m} (fct_earned_value_monthly).")
    steering_headline, attention = _steering(source, month, as_of, tables)
    recon = reconciliation.build(source, month, RECONCILIATION)
    tables["reconciliation"] = recon.summary
    tables["reconciliation_portfolios"] = recon.portfolios
    tables["reconciliation_projects"] = recon.projects
    tables["first_measured"] = _first_measured(tables.pop("first_measured_source"), month, prev)
    tables["health_metrics"] = _health_metrics(source, tables.pop("health_metrics_source"))
    ridac = tables["ridac"]
    ridac.frame = ridac.frame.with_columns(pl.col("item_type").str.to_titlecase())
    quarantine = tables["quarantine"]
    if quarantine.frame.is_empty() or (quarantine.frame["rows_represented"].max() or 1) <= 1:
        # the line range and count only when a row stands for many (else they say nothing)
        tables["quarantine"] = quarantine.without("last_source_line", "rows_represented")

    is_as_of_month = month == date(as_of.year, as_of.month, 1)
    open_projects = _by_severity(projects.filter(~pl.col("is_closed")), attention)
    pages = _project_pages(source, open_projects, tables, is_as_of_month, as_of, month, recon)
    closed = tables.pop("closed")
    chart_list = [
        charts.rag_by_portfolio(portfolio.filter(~portfolio["is_all_portfolios"])),
        charts.s_curve(
            "portfolio",
            PORTFOLIO_HISTORY.title,
            tables.pop("portfolio_history").frame,
            currency,
        ),
    ]
    status_dates = tables["evm"].frame["status_date"].drop_nulls()
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
        all_portfolios=totals.to_dicts()[0],
        tables=in_order(tables, SHEET_ORDER),
        charts=chart_list,
        projects=pages,
        reconciliation=recon,
    )
    report.steering_headline = steering_headline
    report.closed = closed
    report.appendix = appendix_tables(source, month, USED_MODELS)
    report.glossary = _glossary(source)
    return report


def _first_measured(changes: Table, month: date, prev: date) -> Table:
    """Dimensions measured for the first time, one line per dimension and colour move with the
    projects listed (a new portfolio would otherwise fill pages with 'no report → green')."""
    grouped = (
        changes.frame.with_columns(previous=pl.col("previous_status").fill_null("no report"))
        .group_by("dimension", "dimension_order", "previous", "current_status")
        .agg(projects=pl.col("project_code").sort().str.join(", "))
        .sort("dimension_order", "previous", "current_status")
    )
    return Table(
        "first_measured",
        "Measured for the first time",
        grouped,
        [
            Column("dimension", "Dimension"),
            Column("previous", f"{prev:%b %Y}", "rag"),
            Column("current_status", f"{month:%b %Y}", "rag"),
            Column("projects", "Projects"),
        ],
        changes.source,
        sheet="First measured",
    )


def _health_metrics(source: ReportSource, metrics: Table) -> Table:
    """The measures behind each colour, each value in its own metric's format."""
    frame = metrics.frame
    labels = {
        metric: source.column_meta("rpt_project_health_monthly", metric)
        for metric in frame["metric"].unique().to_list()
    }
    frame = frame.with_columns(
        metric_label=frame["metric"].replace_strict(
            {k: v.label for k, v in labels.items()}, default=frame["metric"]
        ),
        value_text=_formatted(frame, labels),
        dimension_label=frame["dimension"].str.replace("_", " ").str.to_titlecase(),
    )
    return Table(
        "health_metrics",
        metrics.title,
        frame,
        [
            Column("dimension_label", "Dimension"),
            Column("metric_label", "Measure"),
            Column("value_text", "Value"),
            Column("metric_status", "Status", "rag"),
            Column("health_reason", "Reason"),
        ],
        f"{metrics.source} (thresholds: health_thresholds seed)",
    )


def _by_severity(open_projects: pl.DataFrame, attention: pl.DataFrame) -> pl.DataFrame:
    """The month's open projects most severe first: the steering committee's attention order,
    then red, amber, green, not measured, then code."""
    rank = attention.select("project_code", "attention_rank")
    return (
        open_projects.join(rank, on="project_code", how="left")
        .with_columns(
            pl.col("overall_status")
            .replace_strict({"red": 0, "amber": 1, "green": 2}, default=3, return_dtype=pl.Int32)
            .alias("_rag")
        )
        .sort("attention_rank", "_rag", "project_code", nulls_last=True)
        .drop("_rag", "attention_rank")
    )


def _steering(
    source: ReportSource, month: date, as_of: date, tables: dict[str, Table]
) -> tuple[str, pl.DataFrame]:
    """Page 1: the open projects that need the steering committee, most severe first (the
    order, reasons and owners are the model's), and the milestones overdue or due soon. Returns
    the headline sentence and every open project's attention row."""
    projects = read(source, ATTENTION, month=month).frame
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
    tables["attention"] = _attention_table(listed, month)
    tables["milestones_due"] = _milestones_table(source, as_of)
    return _headline(listed, projects), projects


def _attention_table(listed: pl.DataFrame, month: date) -> Table:
    """The steering table: colours of the last three months, the PM's, why, what is asked."""
    months = [previous_month(previous_month(month)), previous_month(month), month]
    return Table(
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


def _milestones_table(source: ReportSource, as_of: date) -> Table:
    """Milestones overdue or due within the model's horizon, with when in words."""
    milestones = read(source, MILESTONES_DUE).frame
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
    return Table(
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


def _headline(listed: pl.DataFrame, projects: pl.DataFrame) -> str:
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
        texts.append(cell_text(value, Column.from_meta(labels[metric])))
    return pl.Series("value_text", texts, dtype=pl.String)


@dataclass(frozen=True)
class _PageRows:
    """What the project pages read, grouped by project code."""

    by_code: dict[str, dict[str, dict[str, Any]]]
    quarantined: dict[str, list[dict[str, Any]]]
    stale: dict[str, list[str]]
    rebaselines: dict[str, list[dict[str, Any]]]
    curve: pl.DataFrame


def _page_rows(tables: dict[str, Table]) -> _PageRows:
    """The rows of the per-project sections by project (the sections leave the tables: they
    are shown on each project's page, not as tables of their own)."""
    notes = tables.pop("notes")
    flows = tables.pop("risk_flows")
    curve = tables.pop("curves").frame
    by_code = {
        "evm": rows_by_project(tables["evm"]),
        "note": rows_by_project(notes),
        "forecast": rows_by_project(tables["delivery_forecast"]),
        "quality": rows_by_project(tables["quality"]),
        "flow": rows_by_project(flows),
    }
    quarantined: dict[str, list[dict[str, Any]]] = {}
    for row in tables["quarantine"].rows():
        quarantined.setdefault(row["project_code"], []).append(row)
    stale: dict[str, list[str]] = {}
    for row in tables["stale"].rows():
        stale.setdefault(row["project_code"], []).append(row["entity"])
    rebaselines: dict[str, list[dict[str, Any]]] = {}
    for row in tables.pop("rebaselines").rows():
        rebaselines.setdefault(row["project_code"], []).append(row)
    return _PageRows(by_code, quarantined, stale, rebaselines, curve)


def _project_pages(
    source: ReportSource,
    projects: pl.DataFrame,
    tables: dict[str, Table],
    is_as_of_month: bool,
    as_of: date,
    month: date,
    recon: Reconciliation,
) -> list[ProjectPage]:
    rows = _page_rows(tables)
    by_code, curve = rows.by_code, rows.curve
    currency = source.reporting_currency()
    pages = []
    for info in projects.to_dicts():
        code = info["project_code"]
        evm = by_code["evm"].get(code)
        note = by_code["note"].get(code)
        quality = by_code["quality"].get(code)
        flow = by_code["flow"].get(code)
        caveats = _measure_caveats(month, evm, note, rows.rebaselines.get(code, []), currency)
        caveats += _data_caveats(evm, flow, quality)
        caveats += recon.project_lines(code, "msr")
        caveats += _load_caveats(rows.stale.get(code, []), rows.quarantined.get(code, []))
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


def _measure_caveats(
    month: date,
    evm: dict[str, Any] | None,
    note: dict[str, Any] | None,
    rebaselines: list[dict[str, Any]],
    currency: str,
) -> list[str]:
    """What a reader must know about how the month's figures were measured: a missing note,
    no progress evidence, a re-baseline."""
    money = Column("amount", "Amount", "currency", currency)
    caveats = []
    if note is None:
        caveats.append(f"No status note from the project manager for {month:%B %Y}.")
    if evm and evm.get("earned_value_source") == "none":
        caveats.append(
            "No progress evidence this month: earned value and the indices built on it are unknown."
        )
    for change in rebaselines:
        caveats.append(
            f"Re-baselined {change['previous_baseline_version']} → "
            f"{change['baseline_version']} from {change['effective_month']:%B %Y} "
            f"(approved {change['approved_on']:%d %b %Y}, a re-plan of the "
            f"{change['rebaseline_shape']}): "
            f"{change['rebaseline_reason']}. BAC "
            f"{cell_text(change['previous_budget_at_completion'], money)} → "
            f"{cell_text(change['budget_at_completion'], money)} {currency}; planned "
            "value before it is kept."
        )
    return caveats


def _data_caveats(
    evm: dict[str, Any] | None, flow: dict[str, Any] | None, quality: dict[str, Any] | None
) -> list[str]:
    """The confidence of the earned-value figures and what the data lacks."""
    caveats = []
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
    return caveats


def _load_caveats(stale: list[str], quarantined: list[dict[str, Any]]) -> list[str]:
    """Stale exports and quarantined rows of the project, each with its file and line."""
    caveats = [f"Stale export: {entity} (see Data caveats)." for entity in stale]
    for row in quarantined:
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
    return caveats


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
            f'select {select} from "{name}" {where} order by {order or "1"}',  # noqa: S608
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
