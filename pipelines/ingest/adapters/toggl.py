"""Toggl Track Detailed report (CSV) -> timesheets.

Header (formats.md §1.5): ``User, Email, Client, Project, Task, Description, Billable,
Start date, Start time, End date, End time, Duration, Tags, Amount (USD)``; newer reports say
``Member`` instead of ``User`` and ``Amount ()`` when no rate is set. ``Duration`` is
``HH:MM:SS`` whose hours can exceed 24 (a timer left running); it is converted as is so the loader
can quarantine the implausible entry rather than this adapter hiding it. A profile set to the
decimal duration format gives ``1.25`` (or ``1,25``), which is read too. The entry belongs to its
start date. The e-mail is the most reliable person reference, the display name the fallback.
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
    has_all,
    has_any,
    hours_text,
    read_rows,
    require,
    table_kind,
    timesheets,
    uses_decimal_comma,
    work_date,
    yes_no,
)

TOOL = "Toggl Track detailed report"


def sniff(probe: Probe) -> bool:
    """``Start date`` + a bare ``Duration`` + ``User``/``Member``/``Email``.

    Clockify's headers are ``Duration (h)``/``Duration (decimal)``, never a bare ``Duration``.
    """
    return (
        table_kind(probe)
        and has_all(probe, "Start date", "Duration")
        and has_any(probe, "User", "Member", "Email")
    )


def read(probe: Probe) -> dict[str, pl.DataFrame]:
    """One timesheets row per time entry, dated by its start date."""
    date = require(probe, TOOL, "Start date", purpose="date of each entry")
    duration = require(probe, TOOL, "Duration", purpose="time worked")
    project = require(probe, TOOL, "Project", purpose="project of each entry")
    employee = coalesce(column(probe, "Email"), column(probe, "User"), column(probe, "Member"))

    task = column(probe, "Task")
    billable = column(probe, "Billable")
    comment = column(probe, "Description")

    frame = read_rows(probe, [date, duration, project, employee, task, billable, comment])
    decimal_comma = uses_decimal_comma(frame, [duration])
    day_first = day_first_dates(frame, date, default=probe.separator == ";")
    return timesheets(
        frame,
        {
            "employee_id": employee,
            "project_code": project,
            "task_key": task,
            "work_date": work_date(date, day_first=day_first),
            "hours": hours_text([duration_value(duration, decimal_comma)], [duration]),
            "is_billable": yes_no(billable),
            "comment": comment,
        },
    )


ADAPTERS: tuple[Adapter, ...] = (
    Adapter(
        name="toggl_detailed",
        label="Toggl Track detailed report",
        entities=(ENTITY,),
        sniff=sniff,
        read=read,
        priority=30,
    ),
)
