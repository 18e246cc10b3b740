"""Weekly status report: what changed in each project's ISO week, for a steering committee.

Every row is a published dbt model's row of the pinned snapshot: the week's portfolio summary
(``rpt_portfolio_week_summary``), the colour in force and the events per project
(``rpt_project_week_status``), the events themselves (``rpt_project_week_events``) and the
status note the week quotes (``rpt_status_notes_monthly``, the latest on or before the week's
end). Each table is a ``Section`` declared below; this module only groups the events under their
project, most severe colour first — it counts and measures nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl

from .document import Table
from .errors import ReportError
from .sections import Section, in_order, read, rows_by_project
from .source import ReportSource, Requirement, week_label

SUMMARY = "Portfolio summary"
PROJECTS = "Project blocks"
THIS_WEEK = "week_start = $week"
RAG_ORDER = (
    "case overall_status when 'red' then 0 when 'amber' then 1 when 'green' then 2 else 3 end"
)
EVENT_TYPES = ("health", "milestone", "risk", "issue", "decision", "action")
COUNT_COLUMNS = tuple(f"{event_type}_event_count" for event_type in EVENT_TYPES)
# the note a week quotes: the month rpt_project_week_status names for the project and week
NOTE_IN_FORCE = """exists (
    select 1 from rpt_project_week_status as week_status
    where week_status.week_start = $week
        and week_status.project_code = rpt_status_notes_monthly.project_code
        and week_status.status_note_month = rpt_status_notes_monthly.reporting_month)"""

PORTFOLIO = Section(
    "summary",
    "Portfolio summary",
    "rpt_portfolio_week_summary",
    (
        "iso_week",
        "week_start",
        "week_end_date",
        "measured_to_date",
        "project_count",
        "projects_with_events_count",
        "event_count",
        *COUNT_COLUMNS,
        "red_project_count",
        "amber_project_count",
        "green_project_count",
        "grey_project_count",
    ),
    SUMMARY,
    where=THIS_WEEK,
    order="week_start",
    sheet="Summary",
)
WATCH = Section(
    "watch",
    "Projects red or amber at the week's end",
    "rpt_project_week_status",
    ("project_code", "project_name", "overall_status", "health_month", "health_reason"),
    SUMMARY,
    where=f"{THIS_WEEK} and overall_status in ('red', 'amber')",
    order=f"{RAG_ORDER}, project_code",
    formats={"overall_status": "rag"},
    sheet="Red and amber",
)
PROJECT_WEEKS = Section(
    "projects",
    "Projects this week",
    "rpt_project_week_status",
    (
        "project_code",
        "project_name",
        "portfolio",
        "overall_status",
        "health_month",
        "event_count",
        *COUNT_COLUMNS,
        "status_note_month",
    ),
    PROJECTS,
    where=THIS_WEEK,
    order=f"{RAG_ORDER}, project_code",
    also=("has_events", "health_reason"),
    formats={"overall_status": "rag"},
    sheet="Projects",
)
EVENTS = Section(
    "events",
    "What changed this week",
    "rpt_project_week_events",
    (
        "project_code",
        "event_type",
        "event_kind",
        "reference",
        "title",
        "detail",
        "event_date",
        "owner",
    ),
    PROJECTS,
    where=THIS_WEEK,
    order="project_code, event_order",
    also=("event_order",),
    sheet="Events",
)
NOTES = Section(
    "notes",
    "Accomplishments and next steps",
    "rpt_status_notes_monthly",
    (
        "project_code",
        "reporting_month",
        "author",
        "overall_status",
        "accomplishments",
        "next_steps",
        "decisions_needed",
    ),
    PROJECTS,
    where=NOTE_IN_FORCE,
    labels={"reporting_month": "Note of", "overall_status": "PM status"},
    formats={"overall_status": "rag"},
    sheet="Status notes",
    note="the latest note on or before the week's end",
)
SECTIONS: tuple[Section, ...] = (PORTFOLIO, WATCH, PROJECT_WEEKS, EVENTS, NOTES)
REQUIREMENTS: tuple[Requirement, ...] = tuple(section.requirement for section in SECTIONS)
SHEET_ORDER = ("summary", "watch", "projects", "events", "notes")


@dataclass
class ProjectWeek:
    """One project's block: its status row of the week, its events and the note it quotes."""

    code: str
    info: dict[str, Any]
    events: Table
    note: dict[str, Any] | None


@dataclass
class WeeklyReport:
    kind: str
    title: str
    week: str
    week_start: date
    week_end: date
    measured_to: date
    as_of: date
    currency: str
    summary: dict[str, Any]
    tables: dict[str, Table]
    projects: list[ProjectWeek]
    quiet: list[str] = field(default_factory=list)
    """Projects reporting with nothing this week ('CODE — name')."""

    @property
    def status_date(self) -> date:
        """The last day the week's figures cover (the page header's 'measured at')."""
        return self.measured_to

    @property
    def is_partial(self) -> bool:
        return self.measured_to < self.week_end

    @property
    def period_label(self) -> str:
        """'2026-W44 · 26 Oct – 1 Nov 2026': the week as the header and the footer name it."""
        start = f"{self.week_start:%-d %b}" + (
            f" {self.week_start:%Y}" if self.week_start.year != self.week_end.year else ""
        )
        return f"{self.week} · {start} – {self.week_end:%-d %b %Y}"

    @property
    def xlsx_tables(self) -> list[Table]:
        return [table for table in self.tables.values() if table.sheet]

    def all_charts(self) -> list[Any]:
        return []


def build(source: ReportSource, week_start: date, as_of: date) -> WeeklyReport:
    """The week's pack from the snapshot: the summary, the red and amber projects, and a block
    per project with events (most severe colour first)."""
    tables = {section.key: read(source, section, week=week_start) for section in SECTIONS}
    summary = tables["summary"].first()
    if summary is None:
        raise ReportError(
            f"section '{SUMMARY}': rpt_portfolio_week_summary has no row for "
            f"{week_label(week_start)} in snapshot {source.snapshot_id}."
        )
    projects = tables["projects"].frame
    quiet = projects.filter(~pl.col("has_events")).sort("project_code")
    return WeeklyReport(
        kind="weekly",
        title="Weekly status report",
        week=week_label(week_start),
        week_start=week_start,
        week_end=week_start + timedelta(days=6),
        measured_to=summary["measured_to_date"],
        as_of=as_of,
        currency=source.reporting_currency(),
        summary=summary,
        tables=in_order(tables, SHEET_ORDER),
        projects=_blocks(projects.filter(pl.col("has_events")), tables),
        quiet=(quiet["project_code"] + " — " + quiet["project_name"]).to_list(),
    )


def _blocks(projects: pl.DataFrame, tables: dict[str, Table]) -> list[ProjectWeek]:
    """A block per project with events, in the order of ``projects``; each holds its own slice
    of the week's events (the events table without its project column)."""
    events = tables["events"]
    by_project = events.frame.partition_by("project_code", as_dict=True, maintain_order=True)
    notes = rows_by_project(tables["notes"])
    shown = events.without("project_code")
    return [
        ProjectWeek(
            info["project_code"],
            info,
            Table(
                f"events-{info['project_code']}",
                events.title,
                by_project.get((info["project_code"],), events.frame.head(0)),
                shown.columns,
                events.source,
            ),
            notes.get(info["project_code"]),
        )
        for info in projects.to_dicts()
    ]
