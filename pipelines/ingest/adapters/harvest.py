"""Harvest Detailed Time report (Export CSV) -> timesheets.

Header (formats.md §1.5): ``Date, Client, Project, Project Code, Task, Notes, Hours,
[Hours Rounded,] Billable?, Invoiced?, Approved?, First Name, Last Name, [Employee Id,] …``.
Dates and numbers follow the *account* settings, so one file is all ``26.01.2015`` or all
``01/26/2015`` with ``"7,5"`` hours; the date order and decimal mark are decided per file.
``Hours`` (what was tracked) is used, not ``Hours Rounded`` (an invoicing view). The person is
the Harvest ``Employee Id`` when the account fills it, else their full name; the project is the
``Project Code`` when set, else the project name (the loader resolves either).
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.adapters.base import Adapter, Probe
from pipelines.ingest.adapters.timetracking import (
    ENTITY,
    coalesce,
    column,
    day_first_dates,
    full_name,
    has_all,
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

TOOL = "Harvest detailed time"


def sniff(probe: Probe) -> bool:
    """``Billable?`` (with its question mark) + ``Hours`` is Harvest's own wording."""
    return table_kind(probe) and has_all(probe, "Billable?", "Hours")


def read(probe: Probe) -> dict[str, pl.DataFrame]:
    """One timesheets row per time entry; date order and decimal mark decided per file."""
    date = require(probe, TOOL, "Date", purpose="date of each entry")
    hours = require(probe, TOOL, "Hours", purpose="hours worked")
    project = coalesce(column(probe, "Project Code"), column(probe, "Project"))
    if project is None:
        require(probe, TOOL, "Project", "Project Code", purpose="project of each entry")
    employee = coalesce(
        column(probe, "Employee Id"),
        full_name(column(probe, "First Name"), column(probe, "Last Name")),
    )
    if employee is None:
        require(
            probe, TOOL, "First Name", "Last Name", "Employee Id", purpose="person of each entry"
        )

    task = column(probe, "Task")
    billable = column(probe, "Billable?")
    comment = column(probe, "Notes")

    frame = read_rows(probe, [date, hours, project, employee, task, billable, comment])
    decimal_comma = uses_decimal_comma(frame, [hours])
    day_first = day_first_dates(frame, date, default=probe.separator == ";")
    return timesheets(
        frame,
        {
            "employee_id": employee,
            "project_code": project,
            "task_key": task,
            "work_date": work_date(date, day_first=day_first),
            "hours": hours_text([number_value(hours, decimal_comma)], [hours]),
            "is_billable": yes_no(billable),
            "comment": comment,
        },
    )


ADAPTERS: tuple[Adapter, ...] = (
    Adapter(
        name="harvest_time",
        label="Harvest detailed time report",
        entities=(ENTITY,),
        sniff=sniff,
        read=read,
        priority=30,
    ),
)
