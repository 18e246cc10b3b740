"""Tempo Timesheets worklog export ("Export to Excel", raw worklog rows) -> timesheets.

Tempo exports one row per worklog with Jira issue fields around it (formats.md §1.2):
``Issue Key, Issue summary, Hours, Work date, Username, Full name, …, Project Key, …,
Work Description, …, Billed Hours, …`` followed by the instance's custom fields, which can repeat a
vendor header (``Epic Link`` twice), so columns are taken by their first position. ``Work date``
is ``2016-8-1 14:33`` (no zero padding). Tempo has no e-mail column, so the Jira username is the
employee reference. ``Billed Hours`` exists only when billable hours are enabled; without it
billability is unknown (null), not false.
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.adapters.base import Adapter, Probe
from pipelines.ingest.adapters.timetracking import (
    ENTITY,
    coalesce,
    column,
    day_first_dates,
    has_all,
    hours_text,
    number_value,
    positive_flag,
    read_rows,
    require,
    table_kind,
    timesheets,
    uses_decimal_comma,
    work_date,
)

TOOL = "Tempo worklog"
ISSUE_KEY = r"^([A-Za-z][A-Za-z0-9_]*)-\d+$"


def sniff(probe: Probe) -> bool:
    """``Issue Key`` + ``Work date`` + ``Hours``: a Jira issue export has the key but no
    ``Work date``, and the other time trackers have no issue key."""
    return table_kind(probe) and has_all(probe, "Issue Key", "Work date", "Hours")


def read(probe: Probe) -> dict[str, pl.DataFrame]:
    """One timesheets row per worklog; locale choices are made once for the whole file."""
    hours = require(probe, TOOL, "Hours", purpose="hours worked")
    date = require(probe, TOOL, "Work date", purpose="date of each worklog")
    # The username is the stable reference; the full name fills a blank username (the loader
    # resolves people by id, e-mail or full name).
    employee = coalesce(column(probe, "Username"), column(probe, "Full name"))
    if employee is None:
        require(probe, TOOL, "Username", "Full name", purpose="person who logged the time")
    issue = column(probe, "Issue Key")
    billed = column(probe, "Billed Hours")
    project_key = column(probe, "Project Key")
    comment = column(probe, "Work Description")
    # The issue key's prefix is the Jira project key: a fallback when Project Key is blank.
    issue_project = None if issue is None else issue.str.extract(ISSUE_KEY, 1)

    frame = read_rows(probe, [hours, date, employee, issue, billed, project_key, comment])
    decimal_comma = uses_decimal_comma(frame, [hours, billed])
    day_first = day_first_dates(frame, date, default=probe.separator == ";")
    return timesheets(
        frame,
        {
            "employee_id": employee,
            "project_code": coalesce(project_key, issue_project),
            "task_key": issue,
            "work_date": work_date(date, day_first=day_first),
            "hours": hours_text([number_value(hours, decimal_comma)], [hours]),
            "is_billable": positive_flag(billed, decimal_comma),
            "comment": comment,
        },
    )


ADAPTERS: tuple[Adapter, ...] = (
    Adapter(
        name="tempo_worklogs",
        label="Tempo Timesheets worklog export",
        entities=(ENTITY,),
        sniff=sniff,
        read=read,
        priority=30,
    ),
)
