"""Clockify Detailed report (Export CSV) -> timesheets.

Header (formats.md §1.5): ``Project, Client, Description, Task, User, Group, Email, Tags,
Billable, Start Date, Start Time, End Date, End Time, Duration (h), Duration (decimal),
Billable Rate (USD), Billable Amount (USD)``. Dates follow the user's settings (``09/23/2026`` or
``23/09/2026``), decided once per file from its values. ``Duration (decimal)`` is preferred;
``Duration (h)`` (``HH:MM:SS``) is the fallback for files or cells without it. The rate and amount
headers carry the workspace currency, so they can only be found by prefix; they are not timesheet
data (cost comes from cost_rates) and are not read.
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.adapters.base import Adapter, Probe
from pipelines.ingest.adapters.timetracking import (
    ENTITY,
    coalesce,
    column,
    day_first_dates,
    duration_value,
    has_any,
    hours_text,
    number_value,
    read_rows,
    require,
    table_kind,
    timesheets,
    uses_decimal_comma,
    work_date,
    yes_no,
)

TOOL = "Clockify detailed report"


def sniff(probe: Probe) -> bool:
    """``Duration (h)`` or ``Duration (decimal)`` with ``Start Date``: no other tool uses them."""
    return (
        table_kind(probe)
        and has_any(probe, "Duration (h)", "Duration (decimal)")
        and has_any(probe, "Start Date")
    )


def read(probe: Probe) -> dict[str, pl.DataFrame]:
    """One timesheets row per time entry, dated by its start date."""
    date = require(probe, TOOL, "Start Date", purpose="date of each entry")
    project = require(probe, TOOL, "Project", purpose="project of each entry")
    employee = coalesce(column(probe, "Email"), column(probe, "User"))
    if employee is None:
        require(probe, TOOL, "Email", "User", purpose="person of each entry")
    decimal = column(probe, "Duration (decimal)")
    clock = column(probe, "Duration (h)")

    task = column(probe, "Task")
    billable = column(probe, "Billable")
    comment = column(probe, "Description")

    frame = read_rows(probe, [date, project, employee, decimal, clock, task, billable, comment])
    decimal_comma = uses_decimal_comma(frame, [decimal, clock])
    day_first = day_first_dates(frame, date, default=probe.separator == ";")
    return timesheets(
        frame,
        {
            "employee_id": employee,
            "project_code": project,
            "task_key": task,
            "work_date": work_date(date, day_first=day_first),
            "hours": hours_text(
                [number_value(decimal, decimal_comma), duration_value(clock, decimal_comma)],
                [decimal, clock],
            ),
            "is_billable": yes_no(billable),
            "comment": comment,
        },
    )


ADAPTERS: tuple[Adapter, ...] = (
    Adapter(
        name="clockify_detailed",
        label="Clockify detailed report",
        entities=(ENTITY,),
        sniff=sniff,
        read=read,
        priority=30,
    ),
)
