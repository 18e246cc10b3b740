"""Canonical entity contracts: the one place that says what a loaded row must look like.

Every adapter produces text columns named after the canonical columns below; the loader casts and
checks them against these contracts, so a rule is written once whatever the source format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DType = Literal["str", "date", "float", "int", "bool", "datetime"]


@dataclass(frozen=True)
class Column:
    name: str
    dtype: DType = "str"
    required: bool = False
    """The column must be present in the file (a file-level rule)."""
    nullable: bool = True
    """An empty value is acceptable (a row-level rule)."""
    allowed: tuple[str, ...] | None = None
    """Accepted values, compared case-insensitively and stored lower-case."""
    min_value: float | None = None
    max_value: float | None = None
    description: str = ""


@dataclass(frozen=True)
class Entity:
    name: str
    description: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    snapshot: bool = False
    """Snapshot entities keep history: the natural key includes snapshot_date."""
    keep_known: tuple[str, ...] = ()
    """Columns a newer export may leave empty without erasing what an older file said (a Jira
    export names a sprint but not its dates; the sprint calendar has the dates)."""
    references: dict[str, str] = field(default_factory=dict)
    """Column -> referenced entity (project_code -> projects, employee_id -> people,
    vendor -> vendors)."""
    example: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    """Column -> the column whose value an empty cell takes (a link's predecessor project is
    the task's own unless named)."""
    date_ranges: tuple[tuple[str, str], ...] = ()
    """(start, end) date columns: a row whose end is before its start is quarantined."""
    optional_register: bool = False
    """A register a PMO may not keep (vendors): while it holds no row, references to it are not
    checked (purchase orders and invoices name their vendor whether or not a vendor register is
    loaded); once it lists one, an unknown reference is quarantined like an unknown project."""
    allows_repeated_keys: bool = False
    """Several rows of one file may share a natural key (timesheet entries: several per person,
    task and day): the key names what a newer export replaces, not one row, so a repeat is not
    quarantined as a duplicate and the warehouse does not expect the key to be unique."""
    checks_daily_hours: bool = False
    """A person's ``hours`` on one ``work_date`` (by ``employee_id``), summed over the file and
    the rows already loaded, may not exceed 24: the rows of a day over 24 are quarantined."""
    checks_link_cycles: bool = False
    """Links (``predecessor_key`` → ``task_key``) that close a loop cannot be scheduled: they are
    quarantined, each naming the tasks of its loop."""
    checks_working_week: bool = False
    """A row must set at least one of WEEKDAY_COLUMNS: a week with no working day would never
    finish a task."""

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


C = Column

METHODOLOGIES = ("waterfall", "agile", "hybrid")
EXPENSE_TYPES = ("capex", "opex")
STATUS_CATEGORIES = ("todo", "in_progress", "done")
RAG = ("green", "amber", "red")
PRIORITIES = ("low", "medium", "high", "critical")
ESCALATION_LEVELS = ("project", "programme", "portfolio", "steering_committee")
"""How far an issue has been raised, in order: empty means it sits with the project."""
LOG_STATUSES = ("open", "in_progress", "resolved", "closed")
FORUMS = ("project", "project_board", "design_authority", "steering_committee")
DECISION_STATUSES = ("open", "decided", "deferred", "withdrawn")
ACTION_STATUSES = ("open", "in_progress", "done", "cancelled")
PHASES = ("initiation", "planning", "design", "build", "testing", "deployment", "closure")
LESSON_CATEGORIES = (
    "scope",
    "schedule",
    "cost",
    "quality",
    "resources",
    "stakeholders",
    "communication",
    "vendors",
    "technical",
    "data_migration",
    "governance",
)
LESSON_IMPACTS = ("positive", "negative", "neutral")
VENDOR_STATUSES = ("active", "onboarding", "suspended", "exited")
CONTRACT_TYPES = ("sow", "purchase_order", "framework", "managed_service", "licence")
SLA_DIRECTIONS = ("higher_is_better", "lower_is_better")
"""Whether an SLA's actual meets its target at or above it (availability %) or at or below it
(resolution hours)."""
SLA_PERIODS = ("monthly", "quarterly")
TICKET_PRIORITIES = ("p1", "p2", "p3", "p4", "p5")
TICKET_SLA_METRICS = ("response_hours", "resolution_hours")
"""SLA metrics measured from service-desk tickets rather than reported by the vendor."""
LINK_TYPES = ("fs", "ss", "ff", "sf")
"""Finish-to-start, start-to-start, finish-to-finish, start-to-finish."""
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_COLUMNS = tuple(f"is_{day}_working" for day in WEEKDAYS)
"""A working calendar's week, Monday first (numpy's weekmask order)."""


def _raid_log(
    name: str,
    id_column: str,
    description: str,
    columns: tuple[Column, ...],
    *,
    example: dict[str, str],
) -> Entity:
    """A RAID log (issues, decisions, actions): every row is an item of one project, named by
    its id on the project's log, with a title and the date it was raised."""
    return Entity(
        name,
        description,
        (
            C(id_column, required=True, nullable=False),
            C("project_code", required=True, nullable=False),
            C("title", required=True, nullable=False),
            C("raised_date", "date", required=True, nullable=False),
            *columns,
        ),
        ("project_code", id_column),
        references={"project_code": "projects"},
        example=example,
    )


ENTITIES: dict[str, Entity] = {
    entity.name: entity
    for entity in (
        Entity(
            "projects",
            "One row per project: the master list every other entity refers to.",
            (
                C("project_code", required=True, nullable=False),
                C("project_name", required=True, nullable=False),
                C("portfolio", required=True, nullable=False),
                C("program"),
                C("business_unit"),
                C("sponsor"),
                C("project_manager"),
                C("methodology", required=True, nullable=False, allowed=METHODOLOGIES),
                C("start_date", "date", required=True, nullable=False),
                C("planned_finish_date", "date", required=True, nullable=False),
                C("status", allowed=("proposed", "active", "on_hold", "closed", "cancelled")),
                C("currency"),
            ),
            ("project_code",),
            example={
                "project_code": "PRJ-001",
                "project_name": "Payments platform renewal",
                "portfolio": "Digital",
                "program": "Core banking",
                "business_unit": "Retail",
                "sponsor": "Dana Whitfield",
                "project_manager": "Ravi Menon",
                "methodology": "hybrid",
                "start_date": "2025-04-01",
                "planned_finish_date": "2026-09-30",
                "status": "active",
                "currency": "EUR",
            },
        ),
        Entity(
            "people",
            "One row per person who books time or is planned as capacity.",
            (
                C("employee_id", required=True, nullable=False),
                C("full_name", required=True, nullable=False),
                C("email"),
                C("team"),
                C("role"),
                C("capacity_hours_per_week", "float", min_value=0, max_value=80),
                C("employment_type", allowed=("employee", "contractor", "vendor")),
                C("vendor"),
                C("start_date", "date"),
                C("end_date", "date"),
            ),
            ("employee_id",),
            example={
                "employee_id": "E0001",
                "full_name": "Ana Souza",
                "email": "ana.souza@example.com",
                "team": "Payments",
                "role": "Developer",
                "capacity_hours_per_week": "40",
                "employment_type": "employee",
                "vendor": "",
                "start_date": "2024-01-08",
                "end_date": "",
            },
        ),
        Entity(
            "cost_rates",
            "One row per rate change: a person's rate, or a role's rate where the person has none.",
            (
                C("employee_id"),
                C("role"),
                C("effective_from", "date", required=True, nullable=False),
                C("hourly_cost_rate", "float", required=True, nullable=False, min_value=0),
                C("currency"),
            ),
            ("employee_id", "role", "effective_from"),
            references={"employee_id": "people"},
            example={
                "employee_id": "E0001",
                "role": "",
                "effective_from": "2025-01-01",
                "hourly_cost_rate": "82.50",
                "currency": "EUR",
            },
        ),
        Entity(
            "timesheets",
            "One row per time entry as exported (several per person, task and day are allowed).",
            (
                C("employee_id", required=True, nullable=False),
                C("project_code", required=True, nullable=False),
                C("task_key"),
                C("work_date", "date", required=True, nullable=False),
                C("hours", "float", required=True, nullable=False, min_value=0, max_value=24),
                C("is_billable", "bool"),
                C("comment"),
            ),
            ("employee_id", "project_code", "task_key", "work_date"),
            references={"project_code": "projects", "employee_id": "people"},
            allows_repeated_keys=True,
            checks_daily_hours=True,
            example={
                "employee_id": "E0001",
                "project_code": "PRJ-001",
                "task_key": "PAY-142",
                "work_date": "2026-10-05",
                "hours": "7.5",
                "is_billable": "true",
                "comment": "API contract review",
            },
        ),
        Entity(
            "budgets",
            "One row per project, month, cost category, expense type and baseline version.",
            (
                C("project_code", required=True, nullable=False),
                C("budget_month", "date", required=True, nullable=False),
                C("cost_category", required=True, nullable=False),
                C("expense_type", required=True, nullable=False, allowed=EXPENSE_TYPES),
                C("amount", "float", required=True, nullable=False),
                C("currency"),
                C("baseline_version", required=True, nullable=False),
                C("approved_on", "date"),
            ),
            ("project_code", "budget_month", "cost_category", "expense_type", "baseline_version"),
            references={"project_code": "projects"},
            example={
                "project_code": "PRJ-001",
                "budget_month": "2026-01-01",
                "cost_category": "labour",
                "expense_type": "capex",
                "amount": "42000",
                "currency": "EUR",
                "baseline_version": "B1",
                "approved_on": "2025-03-15",
            },
        ),
        Entity(
            "tasks",
            "One row per task per snapshot date (the state of the plan or backlog on that day).",
            (
                C("project_code", required=True, nullable=False),
                C("task_key", required=True, nullable=False),
                C("task_name"),
                C("task_type"),
                C("parent_key"),
                C("status"),
                C("status_category", allowed=STATUS_CATEGORIES),
                C("story_points", "float", min_value=0),
                C("estimate_hours", "float", min_value=0),
                C("planned_start", "date"),
                C("planned_finish", "date"),
                C(
                    "forecast_start",
                    "date",
                    description="The start the current schedule gives (MS Project's Start); "
                    "empty = planned_start.",
                ),
                C(
                    "forecast_finish",
                    "date",
                    description="The finish the current schedule gives (MS Project's Finish); "
                    "empty = planned_finish.",
                ),
                C("baseline_cost", "float", min_value=0),
                C("percent_complete", "float", min_value=0, max_value=100),
                C("actual_start", "date"),
                C("actual_finish", "date"),
                C("created_at", "datetime"),
                C("resolved_at", "datetime"),
                C("sprint"),
                C("assignee"),
                C("is_summary", "bool"),
                C("is_milestone", "bool"),
                C("snapshot_date", "date", nullable=False),
            ),
            ("project_code", "task_key", "snapshot_date"),
            snapshot=True,
            references={"project_code": "projects"},
            example={
                "project_code": "PRJ-001",
                "task_key": "PAY-142",
                "task_name": "Settlement API",
                "task_type": "Story",
                "parent_key": "PAY-100",
                "status": "In Progress",
                "status_category": "in_progress",
                "story_points": "5",
                "estimate_hours": "",
                "planned_start": "2026-10-01",
                "planned_finish": "2026-10-14",
                "forecast_start": "2026-10-02",
                "forecast_finish": "2026-10-16",
                "baseline_cost": "",
                "percent_complete": "40",
                "actual_start": "2026-10-02",
                "actual_finish": "",
                "created_at": "2026-09-20 10:15:00",
                "resolved_at": "",
                "sprint": "PAY Sprint 14",
                "assignee": "Ana Souza",
                "is_summary": "false",
                "is_milestone": "false",
                "snapshot_date": "2026-10-31",
            },
        ),
        Entity(
            "sprints",
            "One row per sprint of a team on a project.",
            (
                C("sprint_name", required=True, nullable=False),
                C("team"),
                C("project_code", required=True, nullable=False),
                C("start_date", "date"),
                C("end_date", "date"),
                C("complete_date", "date"),
            ),
            ("project_code", "sprint_name"),
            keep_known=("team", "start_date", "end_date", "complete_date"),
            references={"project_code": "projects"},
            example={
                "sprint_name": "PAY Sprint 14",
                "team": "Payments",
                "project_code": "PRJ-001",
                "start_date": "2026-10-01",
                "end_date": "2026-10-14",
                "complete_date": "2026-10-14",
            },
        ),
        Entity(
            "milestones",
            "One row per milestone per snapshot date.",
            (
                C("project_code", required=True, nullable=False),
                C("milestone_name", required=True, nullable=False),
                C("baseline_date", "date"),
                C("forecast_date", "date"),
                C("actual_date", "date"),
                C("snapshot_date", "date", nullable=False),
            ),
            ("project_code", "milestone_name", "snapshot_date"),
            snapshot=True,
            references={"project_code": "projects"},
            example={
                "project_code": "PRJ-001",
                "milestone_name": "Go-live",
                "baseline_date": "2026-09-30",
                "forecast_date": "2026-11-15",
                "actual_date": "",
                "snapshot_date": "2026-10-31",
            },
        ),
        Entity(
            "dependencies",
            "One row per schedule link per snapshot date: the task (successor) cannot start or "
            "finish until its predecessor, in the same project or another, has started or "
            "finished (link type), give or take a lag in working days (negative = a lead).",
            (
                C("project_code", required=True, nullable=False),
                C("task_key", required=True, nullable=False),
                C("predecessor_project_code"),
                C("predecessor_key", required=True, nullable=False),
                C("link_type", allowed=LINK_TYPES),
                C("lag_days", "float", min_value=-3650, max_value=3650),
                C("snapshot_date", "date", nullable=False),
            ),
            (
                "project_code",
                "task_key",
                "predecessor_project_code",
                "predecessor_key",
                "snapshot_date",
            ),
            snapshot=True,
            references={"project_code": "projects", "predecessor_project_code": "projects"},
            defaults={"predecessor_project_code": "project_code"},
            checks_link_cycles=True,
            example={
                "project_code": "PRJ-002",
                "task_key": "MIG-12",
                "predecessor_project_code": "PRJ-001",
                "predecessor_key": "PAY-142",
                "link_type": "fs",
                "lag_days": "5",
                "snapshot_date": "2026-10-31",
            },
        ),
        Entity(
            "working_calendars",
            "One row per project's working calendar per snapshot date: the weekdays worked and "
            "the hours of a working day. An empty project_code is the calendar of every project "
            "without one of its own; a project with none works Monday to Friday.",
            (
                C("project_code"),
                C("calendar_name", required=True, nullable=False),
                *(C(name, "bool", required=True, nullable=False) for name in WEEKDAY_COLUMNS),
                C("hours_per_day", "float", min_value=0.25, max_value=24),
                C("snapshot_date", "date", nullable=False),
            ),
            ("project_code", "snapshot_date"),
            snapshot=True,
            references={"project_code": "projects"},
            checks_working_week=True,
            example={
                "project_code": "PRJ-001",
                "calendar_name": "Standard 4x10",
                "is_monday_working": "true",
                "is_tuesday_working": "true",
                "is_wednesday_working": "true",
                "is_thursday_working": "true",
                "is_friday_working": "false",
                "is_saturday_working": "false",
                "is_sunday_working": "false",
                "hours_per_day": "10",
                "snapshot_date": "2026-01-01",
            },
        ),
        Entity(
            "calendar_exceptions",
            "One row per exception to a working calendar per snapshot date: days off from "
            "start_date to end_date (a public holiday, a shutdown) or, with is_working, days "
            "worked that the week would not. An empty project_code applies to every project; "
            "an empty end_date is the start date (a one-day holiday).",
            (
                C("project_code"),
                C("exception_name", required=True, nullable=False),
                C("start_date", "date", required=True, nullable=False),
                C("end_date", "date", nullable=False),
                C("is_working", "bool"),
                C("snapshot_date", "date", nullable=False),
            ),
            ("project_code", "start_date", "snapshot_date"),
            snapshot=True,
            references={"project_code": "projects"},
            defaults={"end_date": "start_date"},
            date_ranges=(("start_date", "end_date"),),
            example={
                "project_code": "",
                "exception_name": "Christmas holidays",
                "start_date": "2026-12-24",
                "end_date": "2026-12-26",
                "is_working": "false",
                "snapshot_date": "2026-01-01",
            },
        ),
        Entity(
            "risks",
            "One row per risk per register snapshot date.",
            (
                C("risk_id", required=True, nullable=False),
                C("project_code", required=True, nullable=False),
                C("title", required=True, nullable=False),
                C("category"),
                C("probability", "float", required=True, min_value=0, max_value=1),
                C("impact_cost", "float", min_value=0),
                C("impact_days", "float", min_value=0),
                C("status", allowed=("open", "monitoring", "mitigating", "closed", "occurred")),
                C("owner"),
                C("raised_date", "date"),
                C("closed_date", "date"),
                C("snapshot_date", "date", nullable=False),
            ),
            ("project_code", "risk_id", "snapshot_date"),
            snapshot=True,
            references={"project_code": "projects"},
            example={
                "risk_id": "R-017",
                "project_code": "PRJ-001",
                "title": "Card scheme certification slips",
                "category": "schedule",
                "probability": "0.4",
                "impact_cost": "120000",
                "impact_days": "30",
                "status": "open",
                "owner": "Ravi Menon",
                "raised_date": "2026-06-02",
                "closed_date": "",
                "snapshot_date": "2026-10-31",
            },
        ),
        Entity(
            "change_requests",
            "One row per change request.",
            (
                C("change_id", required=True, nullable=False),
                C("project_code", required=True, nullable=False),
                C("title", required=True, nullable=False),
                C("raised_date", "date", required=True, nullable=False),
                C(
                    "status",
                    required=True,
                    nullable=False,
                    allowed=("draft", "submitted", "approved", "rejected", "withdrawn"),
                ),
                C("decision_date", "date"),
                C("cost_impact", "float"),
                C("schedule_impact_days", "float"),
            ),
            ("change_id",),
            references={"project_code": "projects"},
            example={
                "change_id": "CR-004",
                "project_code": "PRJ-001",
                "title": "Add instant payments scope",
                "raised_date": "2026-03-02",
                "status": "approved",
                "decision_date": "2026-03-20",
                "cost_impact": "250000",
                "schedule_impact_days": "45",
            },
        ),
        Entity(
            "vendors",
            "One row per supplier the PMO manages: its category, who owns the relationship "
            "and its status. Purchase orders, invoices, contracts, SLA measurements, "
            "deliverables and service-desk tickets name it by `vendor` (case-insensitive); "
            "once the register lists a vendor, a name it does not list is quarantined.",
            (
                C("vendor", required=True, nullable=False),
                C("vendor_category"),
                C("relationship_owner"),
                C("status", allowed=VENDOR_STATUSES),
                C("country"),
            ),
            ("vendor",),
            optional_register=True,
            example={
                "vendor": "Northwind Consulting",
                "vendor_category": "systems integrator",
                "relationship_owner": "Maria Keller",
                "status": "active",
                "country": "DE",
            },
        ),
        Entity(
            "purchase_orders",
            "One row per purchase order.",
            (
                C("po_number", required=True, nullable=False),
                C("vendor", required=True, nullable=False),
                C("project_code", required=True, nullable=False),
                C("po_date", "date", required=True, nullable=False),
                C("po_amount", "float", required=True, nullable=False, min_value=0),
                C("expense_type", allowed=EXPENSE_TYPES),
                C("currency"),
            ),
            ("po_number",),
            references={"project_code": "projects", "vendor": "vendors"},
            example={
                "po_number": "PO-2026-0192",
                "vendor": "Northwind Consulting",
                "project_code": "PRJ-001",
                "po_date": "2026-02-10",
                "po_amount": "180000",
                "expense_type": "capex",
                "currency": "EUR",
            },
        ),
        Entity(
            "invoices",
            "One row per vendor invoice.",
            (
                C("invoice_number", required=True, nullable=False),
                C("po_number"),
                C("vendor", required=True, nullable=False),
                C("project_code", required=True, nullable=False),
                C("invoice_date", "date", required=True, nullable=False),
                C("amount", "float", required=True, nullable=False),
                C("currency"),
                C("paid_date", "date"),
            ),
            ("vendor", "invoice_number"),
            references={"project_code": "projects", "vendor": "vendors"},
            example={
                "invoice_number": "INV-88121",
                "po_number": "PO-2026-0192",
                "vendor": "Northwind Consulting",
                "project_code": "PRJ-001",
                "invoice_date": "2026-10-03",
                "amount": "24500",
                "currency": "EUR",
                "paid_date": "2026-10-30",
            },
        ),
        Entity(
            "contracts",
            "One row per vendor contract (statement of work, purchase order, framework or "
            "managed-service agreement): its value, term and the project it serves (empty for a "
            "vendor-level agreement).",
            (
                C("contract_id", required=True, nullable=False),
                C("vendor", required=True, nullable=False),
                C("project_code"),
                C("contract_type", allowed=CONTRACT_TYPES),
                C("sow_reference"),
                C("po_number"),
                C("contract_value", "float", required=True, nullable=False, min_value=0),
                C("currency"),
                C("start_date", "date", required=True, nullable=False),
                C("end_date", "date", required=True, nullable=False),
                C("owner"),
            ),
            ("contract_id",),
            references={"project_code": "projects", "vendor": "vendors"},
            example={
                "contract_id": "CT-2026-014",
                "vendor": "Northwind Consulting",
                "project_code": "PRJ-001",
                "contract_type": "sow",
                "sow_reference": "SOW-NW-07",
                "po_number": "PO-2026-0192",
                "contract_value": "180000",
                "currency": "EUR",
                "start_date": "2026-02-01",
                "end_date": "2026-12-31",
                "owner": "Maria Keller",
            },
        ),
        Entity(
            "sla_terms",
            "One row per service level of a contract: the metric, its target, which side of the "
            "target meets it, the period it is measured over. response_hours and "
            "resolution_hours are measured from service-desk tickets of the given priority "
            "(compliance_target_pct of them within the target hours); any other metric from "
            "the vendor's sla_measurements.",
            (
                C("contract_id", required=True, nullable=False),
                C("metric", required=True, nullable=False),
                C("priority", allowed=TICKET_PRIORITIES),
                C("target", "float", required=True, nullable=False),
                C("direction", required=True, nullable=False, allowed=SLA_DIRECTIONS),
                C("period", allowed=SLA_PERIODS),
                C("unit"),
                C("compliance_target_pct", "float", min_value=0, max_value=100),
            ),
            ("contract_id", "metric", "priority"),
            example={
                "contract_id": "CT-2026-014",
                "metric": "resolution_hours",
                "priority": "p1",
                "target": "8",
                "direction": "lower_is_better",
                "period": "monthly",
                "unit": "hours",
                "compliance_target_pct": "95",
            },
        ),
        Entity(
            "sla_measurements",
            "One row per contract, SLA metric and period: the actual the vendor reported (or "
            "the PMO measured). period_start is the first day of the month or quarter.",
            (
                C("vendor"),
                C("contract_id", required=True, nullable=False),
                C("period_start", "date", required=True, nullable=False),
                C("metric", required=True, nullable=False),
                C("actual", "float", required=True, nullable=False),
            ),
            ("contract_id", "metric", "period_start"),
            references={"vendor": "vendors"},
            example={
                "vendor": "Northwind Consulting",
                "contract_id": "CT-2026-014",
                "period_start": "2026-10-01",
                "metric": "availability_pct",
                "actual": "99.62",
            },
        ),
        Entity(
            "vendor_deliverables",
            "One row per deliverable a contract owes: when it is due and when it was accepted "
            "(empty while not accepted).",
            (
                C("contract_id", required=True, nullable=False),
                C("deliverable_id", required=True, nullable=False),
                C("deliverable_name", required=True, nullable=False),
                C("vendor"),
                C("due_date", "date", required=True, nullable=False),
                C("accepted_date", "date"),
            ),
            ("contract_id", "deliverable_id"),
            references={"vendor": "vendors"},
            example={
                "contract_id": "CT-2026-014",
                "deliverable_id": "D-03",
                "deliverable_name": "Interface specification v1",
                "vendor": "Northwind Consulting",
                "due_date": "2026-10-15",
                "accepted_date": "2026-10-20",
            },
        ),
        Entity(
            "service_tickets",
            "One row per service-desk ticket handled by a vendor: its priority, when it was "
            "opened, first responded to and resolved. Response and resolution SLAs are measured "
            "from them against the contract's sla_terms.",
            (
                C("ticket_id", required=True, nullable=False),
                C("vendor", required=True, nullable=False),
                C("contract_id"),
                C("priority", required=True, nullable=False, allowed=TICKET_PRIORITIES),
                C("created_at", "datetime", required=True, nullable=False),
                C("responded_at", "datetime"),
                C("resolved_at", "datetime"),
                C("assignment_group"),
                C("short_description"),
            ),
            ("ticket_id",),
            references={"vendor": "vendors"},
            example={
                "ticket_id": "INC0012345",
                "vendor": "Northwind Consulting",
                "contract_id": "CT-2026-014",
                "priority": "p2",
                "created_at": "2026-10-05 09:12:00",
                "responded_at": "2026-10-05 09:40:00",
                "resolved_at": "2026-10-05 15:02:00",
                "assignment_group": "NW Application Support",
                "short_description": "Settlement batch stuck",
            },
        ),
        Entity(
            "status_notes",
            "One row per project per reporting month: the PM's narrative.",
            (
                C("project_code", required=True, nullable=False),
                C("report_month", "date", required=True, nullable=False),
                C("author"),
                C("overall_status", allowed=RAG),
                C("summary", required=True, nullable=False),
                C("accomplishments"),
                C("next_steps"),
                C("decisions_needed"),
                C("decision_owner"),
                C("decision_due_date", "date"),
            ),
            ("project_code", "report_month"),
            references={"project_code": "projects"},
            example={
                "project_code": "PRJ-001",
                "report_month": "2026-10-01",
                "author": "Ravi Menon",
                "overall_status": "amber",
                "summary": "Certification testing started two weeks late.",
                "accomplishments": "Settlement API in production.",
                "next_steps": "Close scheme certification.",
                "decisions_needed": "Approve weekend cut-over window.",
                "decision_owner": "Maria Keller",
                "decision_due_date": "2026-11-14",
            },
        ),
        _raid_log(
            "issues_log",
            "issue_id",
            "One row per issue on a project's issue log (the I of RAID): something that is "
            "happening now, who owns it, how far it has been escalated and when it was resolved.",
            (
                C("owner"),
                C("priority", allowed=PRIORITIES),
                C("escalation_level", allowed=ESCALATION_LEVELS),
                C("due_date", "date"),
                C("resolved_date", "date"),
                C("status", allowed=LOG_STATUSES),
            ),
            example={
                "issue_id": "ISS-014",
                "project_code": "PRJ-001",
                "title": "Card scheme test environment unavailable",
                "raised_date": "2026-10-06",
                "owner": "Maria Keller",
                "priority": "high",
                "escalation_level": "programme",
                "due_date": "2026-10-20",
                "resolved_date": "",
                "status": "open",
            },
        ),
        _raid_log(
            "decisions",
            "decision_id",
            "One row per decision on a project's decision log: what must be decided, by whom "
            "and by when, in which forum, and what was decided.",
            (
                C("needed_by_date", "date"),
                C("owner"),
                C("forum", allowed=FORUMS),
                C("status", allowed=DECISION_STATUSES),
                C("decided_date", "date"),
                C("outcome"),
            ),
            example={
                "decision_id": "DEC-007",
                "project_code": "PRJ-001",
                "title": "Approve weekend cut-over window",
                "raised_date": "2026-10-12",
                "needed_by_date": "2026-11-14",
                "owner": "Maria Keller",
                "forum": "steering_committee",
                "status": "open",
                "decided_date": "",
                "outcome": "",
            },
        ),
        _raid_log(
            "actions",
            "action_id",
            "One row per action on a project's action log: who does what by when, and when it "
            "was done; related_id names the issue or decision it serves, if any.",
            (
                C("owner"),
                C("due_date", "date"),
                C("completed_date", "date"),
                C("status", allowed=ACTION_STATUSES),
                C("related_id"),
            ),
            example={
                "action_id": "ACT-031",
                "project_code": "PRJ-001",
                "title": "Book the scheme's test slot for the second cycle",
                "raised_date": "2026-10-06",
                "owner": "Ana Souza",
                "due_date": "2026-10-16",
                "completed_date": "",
                "status": "open",
                "related_id": "ISS-014",
            },
        ),
        Entity(
            "lessons_learned",
            "One row per lesson a project recorded: what happened, in which phase, its effect and "
            "what the next project should do.",
            (
                C("lesson_id", required=True, nullable=False),
                C("project_code", required=True, nullable=False),
                C("recorded_date", "date", required=True, nullable=False),
                C("phase", allowed=PHASES),
                C("category", required=True, nullable=False, allowed=LESSON_CATEGORIES),
                C("what_happened", required=True, nullable=False),
                C("impact", allowed=LESSON_IMPACTS),
                C("recommendation", required=True, nullable=False),
                C("owner"),
            ),
            ("project_code", "lesson_id"),
            references={"project_code": "projects"},
            example={
                "lesson_id": "LL-003",
                "project_code": "PRJ-001",
                "recorded_date": "2026-10-30",
                "phase": "testing",
                "category": "data_migration",
                "what_happened": "Trial loads started after build: defects surfaced in UAT.",
                "impact": "negative",
                "recommendation": "Run the first trial load in the design phase.",
                "owner": "Maria Keller",
            },
        ),
        Entity(
            "earned_value",
            "One row per project per status date: cumulative PV/EV/AC from a scheduling tool.",
            (
                C("project_code", required=True, nullable=False),
                C("status_date", "date", required=True, nullable=False),
                C("planned_value", "float", required=True, min_value=0),
                C("earned_value", "float", min_value=0),
                C("actual_cost", "float", min_value=0),
                C("budget_at_completion", "float", min_value=0),
            ),
            ("project_code", "status_date"),
            references={"project_code": "projects"},
            example={
                "project_code": "PRJ-001",
                "status_date": "2026-10-31",
                "planned_value": "1250000",
                "earned_value": "1104000",
                "actual_cost": "1188000",
                "budget_at_completion": "2400000",
            },
        ),
        Entity(
            "fx_rates",
            "One row per currency per month: the rate that converts to the reporting currency.",
            (
                C("currency", required=True, nullable=False),
                C("rate_month", "date", required=True, nullable=False),
                C(
                    "rate_to_reporting_currency",
                    "float",
                    required=True,
                    nullable=False,
                    min_value=0,
                ),
            ),
            ("currency", "rate_month"),
            example={
                "currency": "USD",
                "rate_month": "2026-10-01",
                "rate_to_reporting_currency": "0.92",
            },
        ),
    )
}

LOAD_ORDER: tuple[str, ...] = tuple(ENTITIES)
"""projects and people first: every other entity is checked against them; vendors before the
purchase orders, invoices, contracts, SLA measurements, deliverables and tickets naming one."""

LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source_file", "varchar"),
    ("source_sha256", "varchar"),
    ("source_line", "bigint"),
    ("source_format", "varchar"),
    ("load_id", "varchar"),
    ("loaded_at", "timestamp"),
)

DUCKDB_TYPES: dict[str, str] = {
    "str": "varchar",
    "date": "date",
    "float": "double",
    "int": "bigint",
    "bool": "boolean",
    "datetime": "timestamp",
}


def get_entity(name: str) -> Entity:
    """Look an entity up by name, with a message that lists the valid ones."""
    try:
        return ENTITIES[name]
    except KeyError:
        valid = ", ".join(ENTITIES)
        raise KeyError(f"unknown entity '{name}'; expected one of: {valid}") from None
