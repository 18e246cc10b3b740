"""Project closure report: one closed project's pack, as the closure meeting reads it.

Every figure is a published dbt model's row of the pinned snapshot: the closure figures
(``rpt_project_closure``: final earned value and earned schedule against the baseline), the
budget outcome (``rpt_project_closure_budget``), the milestones and the history of their dates
(``fct_milestone_slippage``, ``rpt_milestone_history``), the risks that materialised
(``rpt_project_materialised_risks``), the issue and decision logs (``rpt_raid_log``), the
lessons it recorded (``rpt_lessons_learned``) and its earned value month by month
(``fct_earned_value_monthly``). Each table is a ``Section`` declared below; this module only
lays them out and groups the lessons by category — it measures nothing itself.

A pack is built for a closed (or cancelled) project only; any other gets a ``ReportError``
naming the project and its state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import charts
from .document import Chart, Table
from .errors import ReportError
from .sections import Section, in_order, read
from .source import ReportSource, Requirement

KIND = "closure"
FIGURES = "Closure figures"
BUDGET = "Budget outcome"
MILESTONES = "Milestone history"
RISKS = "Risks, issues and decisions"
LESSONS = "Lessons learned"
THE_PROJECT = "project_code = $project"

COST_COLUMNS = (
    "original_budget_at_completion",
    "budget_at_completion",
    "rebaseline_count",
    "approved_change_count",
    "approved_change_cost",
    "planned_value",
    "earned_value",
    "actual_cost",
    "estimate_at_completion",
    "estimate_at_completion_method",
    "variance_at_completion",
    "cost_performance_index",
    "cost_to_original_budget_ratio",
    "percent_complete",
)
SCHEDULE_COLUMNS = (
    "start_date",
    "planned_finish_date",
    "actual_finish_date",
    "finish_variance_days",
    "planned_duration_months",
    "actual_time_months",
    "earned_schedule_months",
    "schedule_variance_time_months",
    "schedule_performance_index",
    "schedule_performance_index_time",
    "milestone_count",
    "milestone_on_time_ratio",
    "max_milestone_slippage_days",
)
PROJECT_FACTS = (
    "project_code",
    "project_name",
    "portfolio",
    "program",
    "sponsor",
    "project_manager",
    "methodology",
    "project_status",
    "closed_from_month",
    "status_date",
    "last_overall_status",
    "materialised_risk_count",
    "materialised_risk_impact",
    "lesson_count",
)

COST = Section(
    "cost",
    "Cost at closure against the baseline",
    "rpt_project_closure",
    COST_COLUMNS,
    FIGURES,
    where=THE_PROJECT,
    also=PROJECT_FACTS,
    labels={"estimate_at_completion_method": "EAC method"},
    sheet="Cost at closure",
)
SCHEDULE = Section(
    "schedule",
    "Schedule at closure against the plan",
    "rpt_project_closure",
    SCHEDULE_COLUMNS,
    FIGURES,
    where=THE_PROJECT,
    sheet="Schedule at closure",
)
CURVE = Section(
    "curve",
    "Earned value month by month",
    "fct_earned_value_monthly",
    (
        "reporting_month",
        "planned_value",
        "earned_value",
        "actual_cost",
        "budget_at_completion",
        "estimate_at_completion",
        "cost_performance_index",
        "schedule_performance_index",
        "schedule_performance_index_time",
    ),
    FIGURES,
    where=f"{THE_PROJECT} and reporting_month <= $month",
    order="reporting_month",
    sheet="Earned value by month",
    note="from the start to the month it closed from",
)
BUDGET_LINES = Section(
    "budget",
    "Budget outcome",
    "rpt_project_closure_budget",
    (
        "expense_type_label",
        "cost_category_label",
        "budget_at_completion",
        "actual_cost",
        "budget_variance_amount",
        "budget_variance_pct",
        "open_commitment_amount",
    ),
    BUDGET,
    where=THE_PROJECT,
    order="line_order",
    also=("is_subtotal", "line_level"),
    sheet="Budget outcome",
)
MILESTONE_DATES = Section(
    "milestones",
    "Milestones: baseline, forecast and actual",
    "fct_milestone_slippage",
    (
        "milestone_name",
        "baseline_date",
        "first_forecast_date",
        "forecast_date",
        "actual_date",
        "slippage_days",
        "forecast_change_count",
        "is_on_time",
    ),
    MILESTONES,
    where=THE_PROJECT,
    order="coalesce(actual_date, forecast_date, baseline_date), milestone_name",
    labels={"first_forecast_date": "First forecast", "forecast_date": "Last forecast"},
    sheet="Milestones",
)
MILESTONE_CHANGES = Section(
    "milestone_history",
    "How each milestone's dates moved",
    "rpt_milestone_history",
    ("milestone_name", "snapshot_date", "change_kind", "detail", "slip_days"),
    MILESTONES,
    where=THE_PROJECT,
    order="milestone_order, snapshot_date",
    sheet="Milestone history",
    note="every milestones export that changed a date",
)
MATERIALISED = Section(
    "risks",
    "Risks that materialised",
    "rpt_project_materialised_risks",
    (
        "risk_id",
        "title",
        "category",
        "owner",
        "first_occurred_month",
        "impact_cost",
        "impact_days",
        "latest_status",
    ),
    RISKS,
    where=THE_PROJECT,
    order="first_occurred_month, risk_id",
    sheet="Materialised risks",
)
ISSUES = Section(
    "issues",
    "Issues",
    "rpt_raid_log",
    (
        "item_id",
        "title",
        "owner",
        "priority",
        "escalation_level",
        "raised_date",
        "closed_date",
        "days_open",
        "item_status",
    ),
    RISKS,
    where=f"{THE_PROJECT} and item_type = 'issue'",
    order="raised_date, item_id",
    labels={"closed_date": "Resolved"},
    sheet="Issues",
    note="the project's issue log and tracker issues",
)
DECISIONS = Section(
    "decisions",
    "Decisions",
    "rpt_raid_log",
    ("item_id", "title", "owner", "forum", "raised_date", "closed_date", "item_status", "outcome"),
    RISKS,
    where=f"{THE_PROJECT} and item_type = 'decision'",
    order="raised_date, item_id",
    labels={"closed_date": "Decided"},
    sheet="Decisions",
    note="the project's decision log",
)
LESSON_ROWS = Section(
    "lessons",
    "Lessons learned",
    "rpt_lessons_learned",
    ("category", "phase", "impact", "what_happened", "recommendation", "owner", "recorded_date"),
    LESSONS,
    where=THE_PROJECT,
    order="category, recorded_date, lesson_id",
    also=("lesson_id", "is_recurring_theme"),
    sheet="Lessons learned",
)
SECTIONS: tuple[Section, ...] = (
    COST,
    SCHEDULE,
    CURVE,
    BUDGET_LINES,
    MILESTONE_DATES,
    MILESTONE_CHANGES,
    MATERIALISED,
    ISSUES,
    DECISIONS,
    LESSON_ROWS,
)
REQUIREMENTS: tuple[Requirement, ...] = (
    *(section.requirement for section in SECTIONS),
    Requirement(
        "Projects closed in the month",
        "dim_projects",
        ("project_code", "project_status", "is_closed", "closed_from_month"),
    ),
)
SHEET_ORDER = tuple(section.key for section in SECTIONS)


@dataclass
class LessonGroup:
    """The lessons of one category, and whether other projects recorded the theme too."""

    category: str
    is_recurring_theme: bool
    lessons: Table


@dataclass
class ClosureReport:
    kind: str
    title: str
    project_code: str
    month: date
    as_of: date
    status_date: date | None
    currency: str
    facts: dict[str, Any]
    tables: dict[str, Table]
    lessons: list[LessonGroup] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The document's name in the pack (its files' stem): closure-NET."""
        return f"{self.kind}-{self.project_code}"

    @property
    def label(self) -> str:
        """How steps, caveats and the last line name it: 'CLOSURE NET'."""
        return f"{self.kind.upper()} {self.project_code}"

    @property
    def heading(self) -> str:
        """'NET — Branch network refresh'."""
        return f"{self.project_code} — {self.facts['project_name']}"

    @property
    def is_as_of_month(self) -> bool:
        """The snapshot's data ends in the month the project closed from."""
        return self.month == date(self.as_of.year, self.as_of.month, 1)

    @property
    def xlsx_tables(self) -> list[Table]:
        return [table for table in self.tables.values() if table.sheet]

    def all_charts(self) -> list[Chart]:
        return self.charts


def project_state(source: ReportSource, code: str) -> dict[str, Any]:
    """The project's closure facts (its status, whether closed and the month it closed from);
    a ReportError naming the projects there are when the snapshot has no such project."""
    rows = source.frame(
        "select project_code, project_name, project_status, is_closed, closed_from_month"
        " from dim_projects where upper(project_code) = upper(?)",
        [code],
        section="Projects closed in the month",
    ).to_dicts()
    if not rows:
        known = source.frame(
            "select project_code from dim_projects order by project_code",
            section="Projects closed in the month",
        )["project_code"].to_list()
        raise ReportError(
            f"no project {code} in snapshot {source.snapshot_id}: its projects are "
            f"{', '.join(known) or 'none'}. No report was written."
        )
    return rows[0]


def closed_project(source: ReportSource, code: str) -> dict[str, Any]:
    """The closure facts of a closed project; a ReportError naming the project and its state
    (active, on hold, proposed …) when it is not closed."""
    state = project_state(source, code)
    if not state["is_closed"] or state["closed_from_month"] is None:
        raise ReportError(
            f"{state['project_code']} ({state['project_name']}) is not closed: its status is "
            f"'{state['project_status'] or 'not given'}' in snapshot {source.snapshot_id}. A "
            "closure report is built for a closed or cancelled project only. No report was "
            "written."
        )
    return state


def closed_in(source: ReportSource, month: date) -> list[str]:
    """The projects that closed in the month (closed from it), by code."""
    return source.frame(
        "select project_code from dim_projects where is_closed and closed_from_month = ?"
        " order by project_code",
        [month],
        section="Projects closed in the month",
    )["project_code"].to_list()


def closed_months(source: ReportSource) -> list[str]:
    """'CRM April 2026' for every closed project: what an error offers instead."""
    rows = source.frame(
        "select project_code, closed_from_month from dim_projects"
        " where is_closed and closed_from_month is not null order by closed_from_month, 1",
        section="Projects closed in the month",
    ).rows()
    return [f"{code} {month:%B %Y}" for code, month in rows]


def build(source: ReportSource, code: str, as_of: date) -> ClosureReport:
    """One closed project's closure pack from the snapshot."""
    state = closed_project(source, code)
    code, month = state["project_code"], state["closed_from_month"]
    tables = {section.key: read(source, section, project=code, month=month) for section in SECTIONS}
    facts = tables["cost"].first()
    if facts is None:
        raise ReportError(
            f"section '{FIGURES}': rpt_project_closure has no row for {code} in snapshot "
            f"{source.snapshot_id}. No report was written."
        )
    currency = source.reporting_currency()
    curve = tables["curve"].frame
    return ClosureReport(
        kind=KIND,
        title="Project closure report",
        project_code=code,
        month=month,
        as_of=as_of,
        status_date=facts["status_date"],
        currency=currency,
        facts=facts,
        tables=in_order(tables, SHEET_ORDER),
        lessons=_lesson_groups(tables["lessons"]),
        charts=[
            charts.s_curve(
                f"closure-{code.lower()}", f"{code}: cumulative PV, EV and AC", curve, currency
            )
        ]
        if curve.height
        else [],
    )


def _lesson_groups(lessons: Table) -> list[LessonGroup]:
    """The project's lessons by category (in the section's order), each group without the
    category column it is headed by."""
    groups = []
    for category in dict.fromkeys(row["category"] for row in lessons.rows()):
        subset = lessons.where(category=category)
        recurring = any(row["is_recurring_theme"] for row in subset.rows())
        groups.append(LessonGroup(category, recurring, subset.without("category")))
    return groups
