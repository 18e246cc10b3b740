"""MS Project XML (MSPDI) files: one per waterfall project per month-end status date.

Written as MS Project 2016+ saves them (SaveVersion 14): ``<Project>`` in the
``http://schemas.microsoft.com/project`` namespace with ``<Title>`` = the project code and
``<StatusDate>``; UID 0 is the project summary task; phases are ``Summary`` tasks; milestones
have zero duration; ``PredecessorLink`` refers to the predecessor's UID with a link type and a
lag in tenths of a minute; costs are x100; durations and work are ``PT..H..M..S``; baselines are
nested ``<Baseline><Number>0</Number>...`` blocks (and Baseline1 keeps the original plan after a
re-baseline). Built from string templates: thousands of files must be cheap to write.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from xml.sax.saxutils import escape

import numpy as np

from pipelines.demo.calendar import from_day
from pipelines.demo.schedule import Plan, PlanTask, TaskState
from pipelines.demo.world import Project, World

NAMESPACE = "http://schemas.microsoft.com/project"
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
HOURLY = 85.0
"""Blended rate used to express task cost as work hours."""


@lru_cache(maxsize=65536)
def _guid(*parts: object) -> str:
    seed = "|".join(str(p) for p in parts).encode()
    text = hashlib.md5(seed, usedforsecurity=False).hexdigest().upper()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _start_day(day: float) -> date:
    moment = from_day(int(np.floor(day + 0.5)))
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment


def _finish_day(day: float) -> date:
    moment = from_day(int(np.floor(day + 0.5)))
    while moment.weekday() >= 5:
        moment -= timedelta(days=1)
    return moment


def _hours(start: date, finish: date) -> int:
    return int(np.busday_count(start, finish + timedelta(days=1))) * 8 if finish >= start else 0


def _pt(hours: float) -> str:
    whole = int(hours)
    minutes = int(round((hours - whole) * 60))
    return f"PT{whole}H{minutes}M0S"


def _ts(day: date, hour: int) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00"


def _money(amount: float) -> str:
    return str(int(round(amount * 100)))


@dataclass
class Row:
    """One task as written, after roll-up (dates as ``date``, money in currency units)."""

    task: PlanTask
    start: date
    finish: date
    base_start: date
    base_finish: date
    percent: int
    actual_start: date | None
    actual_finish: date | None
    base_cost: float
    cost: float
    work: float
    base_work: float
    original: tuple[date, date, float] | None


def _leaf_row(task: PlanTask, state: TaskState) -> Row:
    milestone = task.kind == "milestone"
    finish = _finish_day(state.finish)
    start = finish if milestone else min(_start_day(state.start), finish)
    base_finish = _finish_day(state.baseline_finish)
    base_start = base_finish if milestone else min(_start_day(state.baseline_start), base_finish)
    original = None
    if state.original is not None:
        o_finish = _finish_day(state.original[1])
        o_start = o_finish if milestone else min(_start_day(state.original[0]), o_finish)
        original = (o_start, o_finish, state.original[2])
    return Row(
        task=task,
        start=start,
        finish=finish,
        base_start=base_start,
        base_finish=base_finish,
        percent=state.percent,
        actual_start=None
        if state.actual_start is None
        else (finish if milestone else min(_start_day(state.actual_start), finish)),
        actual_finish=None if state.actual_finish is None else finish,
        base_cost=state.baseline_cost,
        cost=state.cost,
        work=round(state.cost / HOURLY),
        base_work=round(state.baseline_cost / HOURLY),
        original=original,
    )


def _rollup(task: PlanTask, children: list[Row]) -> Row:
    durations = [max(_hours(c.start, c.finish), 1) for c in children]
    percent = int(
        sum(c.percent * d for c, d in zip(children, durations, strict=True)) / sum(durations)
    )
    started = [c.actual_start for c in children if c.actual_start is not None]
    finished = all(c.actual_finish is not None for c in children)
    originals = [c.original for c in children if c.original is not None]
    original = None
    if originals:
        original = (
            min(o[0] for o in originals),
            max(o[1] for o in originals),
            sum(o[2] for o in originals),
        )
    return Row(
        task=task,
        start=min(c.start for c in children),
        finish=max(c.finish for c in children),
        base_start=min(c.base_start for c in children),
        base_finish=max(c.base_finish for c in children),
        percent=100 if finished else min(percent, 99),
        actual_start=min(started) if started else None,
        actual_finish=max(c.finish for c in children) if finished else None,
        base_cost=sum(c.base_cost for c in children),
        cost=sum(c.cost for c in children),
        work=sum(c.work for c in children),
        base_work=sum(c.base_work for c in children),
        original=original,
    )


def _task_xml(row: Row, task_id: int, created: str, critical: bool) -> str:
    task = row.task
    milestone = task.kind == "milestone"
    summary = task.kind == "summary"
    hours = 0 if milestone else _hours(row.start, row.finish)
    done_hours = hours * row.percent / 100
    actual_cost = row.cost * row.percent / 100
    actual_work = row.work * row.percent / 100
    parts = [
        f"<Task><UID>{task.uid}</UID><GUID>{_guid('task', created, task.uid)}</GUID>"
        f"<ID>{task_id}</ID><Name>{escape(task.name)}</Name><Active>1</Active>"
        f"<Manual>0</Manual><Type>{1 if milestone or summary else 0}</Type><IsNull>0</IsNull>"
        f"<CreateDate>{created}</CreateDate><WBS>{task.wbs}</WBS>"
        f"<OutlineNumber>{task.wbs}</OutlineNumber><OutlineLevel>{task.level}</OutlineLevel>"
        f"<Priority>500</Priority><Start>{_ts(row.start, 8 if not milestone else 17)}</Start>"
        f"<Finish>{_ts(row.finish, 17)}</Finish><Duration>{_pt(hours)}</Duration>"
        f"<DurationFormat>{53 if summary else 7}</DurationFormat><Work>{_pt(row.work)}</Work>"
        f"<ResumeValid>0</ResumeValid><EffortDriven>0</EffortDriven><Recurring>0</Recurring>"
        f"<OverAllocated>0</OverAllocated><Estimated>0</Estimated>"
        f"<Milestone>{int(milestone)}</Milestone><Summary>{int(summary)}</Summary>"
        f"<Critical>{int(critical)}</Critical><IsSubproject>0</IsSubproject>"
        f"<IsSubprojectReadOnly>0</IsSubprojectReadOnly><ExternalTask>0</ExternalTask>"
        f"<FixedCost>0</FixedCost><FixedCostAccrual>3</FixedCostAccrual>"
        f"<PercentComplete>{row.percent}</PercentComplete>"
        f"<PercentWorkComplete>{row.percent}</PercentWorkComplete>"
        f"<Cost>{_money(row.cost)}</Cost>"
    ]
    if row.actual_start is not None:
        parts.append(
            f"<ActualStart>{_ts(row.actual_start, 8 if not milestone else 17)}</ActualStart>"
        )
    if row.actual_finish is not None:
        parts.append(f"<ActualFinish>{_ts(row.actual_finish, 17)}</ActualFinish>")
    parts.append(
        f"<ActualDuration>{_pt(done_hours)}</ActualDuration>"
        f"<ActualCost>{_money(actual_cost)}</ActualCost><ActualWork>{_pt(actual_work)}</ActualWork>"
        f"<RemainingDuration>{_pt(hours - done_hours)}</RemainingDuration>"
        f"<RemainingCost>{_money(row.cost - actual_cost)}</RemainingCost>"
        f"<RemainingWork>{_pt(row.work - actual_work)}</RemainingWork>"
        f"<ConstraintType>0</ConstraintType><CalendarUID>-1</CalendarUID>"
    )
    if milestone and task.name == "Go-live":
        parts.append(f"<Deadline>{_ts(row.base_finish, 17)}</Deadline>")
    parts.append(
        "<LevelAssignments>1</LevelAssignments><LevelingCanSplit>1</LevelingCanSplit>"
        "<IgnoreResourceCalendar>0</IgnoreResourceCalendar><HideBar>0</HideBar>"
        "<Rollup>0</Rollup><PhysicalPercentComplete>0</PhysicalPercentComplete>"
        "<EarnedValueMethod>0</EarnedValueMethod>"
    )
    parts.append(_links(tuple(task.predecessors)))
    parts.append(
        _baseline_xml(0, row.base_start, row.base_finish, milestone, row.base_work, row.base_cost)
    )
    if row.original is not None:
        o_start, o_finish, o_cost = row.original
        parts.append(_baseline_xml(1, o_start, o_finish, milestone, round(o_cost / HOURLY), o_cost))
    parts.append("</Task>")
    return "".join(parts)


def _baseline_xml(
    number: int, start: date, finish: date, milestone: bool, work: float, cost: float
) -> str:
    """A ``<Baseline>`` block: 0 is the current baseline, 1 the original kept on re-baselining."""
    hours = 0 if milestone else _hours(start, finish)
    return (
        f"<Baseline><Number>{number}</Number><Start>{_ts(start, 8 if not milestone else 17)}"
        f"</Start><Finish>{_ts(finish, 17)}</Finish><Duration>{_pt(hours)}"
        f"</Duration><DurationFormat>7</DurationFormat><EstimatedDuration>0</EstimatedDuration>"
        f"<Work>{_pt(work)}</Work><Cost>{_money(cost)}</Cost></Baseline>"
    )


@lru_cache(maxsize=65536)
def _links(predecessors: tuple[tuple[int, int, int], ...]) -> str:
    """PredecessorLink elements: UID of the predecessor, type (0 FF, 1 FS, 2 SF, 3 SS), lag in
    tenths of a minute (4800 = one 8-hour day), displayed in days (LagFormat 7)."""
    return "".join(
        f"<PredecessorLink><PredecessorUID>{predecessor}</PredecessorUID>"
        f"<Type>{link_type}</Type><CrossProject>0</CrossProject>"
        f"<LinkLag>{lag_days * 4800}</LinkLag><LagFormat>7</LagFormat></PredecessorLink>"
        for predecessor, link_type, lag_days in predecessors
    )


STANDARD_WEEK = (
    "<WeekDays><WeekDay><DayType>1</DayType><DayWorking>0</DayWorking></WeekDay>"
    + "".join(
        f"<WeekDay><DayType>{d}</DayType><DayWorking>1</DayWorking><WorkingTimes>"
        "<WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime></WorkingTime>"
        "<WorkingTime><FromTime>13:00:00</FromTime><ToTime>17:00:00</ToTime></WorkingTime>"
        "</WorkingTimes></WeekDay>"
        for d in range(2, 7)
    )
    + "<WeekDay><DayType>7</DayType><DayWorking>0</DayWorking></WeekDay></WeekDays>"
)
CALENDAR = (
    "<Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar>"
    "<IsBaselineCalendar>0</IsBaselineCalendar><BaseCalendarUID>-1</BaseCalendarUID>"
    f"{STANDARD_WEEK}</Calendar>"
)


def _dated(
    names: tuple[str, ...], *years: tuple[int, tuple[str, ...]]
) -> tuple[tuple[str, str], ...]:
    """(name, YYYY-MM-DD) per holiday per year, from each year's month-days in ``names`` order."""
    return tuple(
        (name, f"{year}-{day}")
        for year, days in years
        for name, day in zip(names, days, strict=True)
    )


NATIONAL_HOLIDAYS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    # public holidays as observed (a Saturday's on the Friday before, a Sunday's on the Monday)
    "USD": (
        "United States",
        _dated(
            (
                "New Year's Day",
                "Martin Luther King Jr. Day",
                "Presidents' Day",
                "Memorial Day",
                "Juneteenth",
                "Independence Day",
                "Labor Day",
                "Columbus Day",
            ),
            (2025, ("01-01", "01-20", "02-17", "05-26", "06-19", "07-04", "09-01", "10-13")),
            (2026, ("01-01", "01-19", "02-16", "05-25", "06-19", "07-03", "09-07", "10-12")),
            (2027, ("01-01", "01-18", "02-15", "05-31", "06-18", "07-05", "09-06", "10-11")),
        )
        + _dated(
            ("Veterans Day", "Thanksgiving Day", "Christmas Day"),
            (2025, ("11-11", "11-27", "12-25")),
            (2026, ("11-11", "11-26", "12-25")),
            (2027, ("11-11", "11-25", "12-24")),
        ),
    ),
    "GBP": (
        "England and Wales",
        _dated(
            (
                "New Year's Day",
                "Good Friday",
                "Easter Monday",
                "Early May bank holiday",
                "Spring bank holiday",
                "Summer bank holiday",
                "Christmas Day",
                "Boxing Day",
            ),
            (2025, ("01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26")),
            (2026, ("01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28")),
            (2027, ("01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28")),
        ),
    ),
}
"""The national holidays of the projects run from the US and the UK (their currency says where):
their plans use a base calendar made from Standard (File > Options > Change Working Time > Create
New Calendar > a copy of Standard) with these days off, as MS Project writes a country's holidays
(2007+ ``<Exception>`` blocks, one day each)."""


def calendars_xml(currency: str) -> tuple[int, str]:
    """The project calendar's UID and the ``<Calendars>`` block: Standard alone, or beside it a
    national calendar (Standard's week and the country's public holidays)."""
    if currency not in NATIONAL_HOLIDAYS:
        return 1, f"<Calendars>{CALENDAR}</Calendars>"
    country, holidays = NATIONAL_HOLIDAYS[currency]
    exceptions = "".join(
        "<Exception><EnteredByOccurrences>0</EnteredByOccurrences><TimePeriod>"
        f"<FromDate>{day}T00:00:00</FromDate><ToDate>{day}T23:59:00</ToDate></TimePeriod>"
        f"<Occurrences>1</Occurrences><Name>{escape(name)}</Name><Type>1</Type>"
        "<DayWorking>0</DayWorking></Exception>"
        for name, day in holidays
    )
    national = (
        f"<Calendar><UID>2</UID><Name>{country}</Name><IsBaseCalendar>1</IsBaseCalendar>"
        "<IsBaselineCalendar>0</IsBaselineCalendar><BaseCalendarUID>-1</BaseCalendarUID>"
        f"{STANDARD_WEEK}<Exceptions>{exceptions}</Exceptions></Calendar>"
    )
    return 2, f"<Calendars>{CALENDAR}{national}</Calendars>"


def mspdi_document(
    world: World, plan: Plan, status_date: date, resources: list[int]
) -> tuple[bytes, int, int]:
    """The XML for one status date, the number of task rows (UID 0 excluded) and milestones."""
    project = plan.project
    tasks, rows = _task_rows(plan, status_date)
    phases = [rows[t.uid] for t in tasks if t.kind == "summary"]
    root = _rollup(PlanTask(0, project.name, "0", 0, "summary"), phases)
    created = f"{(project.start - timedelta(days=20)).isoformat()}T09:00:00"
    out = [_project_header(project, status_date, root, created), "<Tasks>"]
    out.append(_task_xml(root, 0, created, False))
    critical_phases = {"3", "4", "5"}
    milestones = 0
    for task_id, task in enumerate(tasks, start=1):
        milestones += task.kind == "milestone"
        critical = task.wbs.split(".")[0] in critical_phases
        out.append(_task_xml(rows[task.uid], task_id, created, critical))
    out.append("</Tasks>")
    out.append(_resources_xml(world, resources))
    out.append(_assignments_xml(tasks, rows, resources))
    out.append("</Project>\n")
    return "".join(out).encode("utf-8"), len(tasks), milestones


def _task_rows(plan: Plan, status_date: date) -> tuple[list[PlanTask], dict[int, Row]]:
    """The tasks the plan has on the status date and their rows, phases rolled up."""
    states = plan.state(status_date)
    rows: dict[int, Row] = {}
    for task in plan.leaves:
        if task.uid in states:
            rows[task.uid] = _leaf_row(task, states[task.uid])
    tasks = [t for t in plan.tasks if t.kind == "summary" or t.uid in rows]
    for task in tasks:
        if task.kind == "summary":
            children = [rows[t.uid] for t in tasks if t.parent == task.uid and t.uid in rows]
            rows[task.uid] = _rollup(task, children)
    return tasks, rows


def _project_header(project: Project, status_date: date, root: Row, created: str) -> str:
    """The XML declaration, the project's properties and its calendars."""
    calendar_uid, calendars = calendars_xml(project.currency)
    return "".join(
        [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
            f'<Project xmlns="{NAMESPACE}">',
            "<SaveVersion>14</SaveVersion><BuildNumber>16.0.18129.20158</BuildNumber>",
            f"<Name>{project.code}_{status_date.isoformat()}.xml</Name>",
            f"<GUID>{_guid('project', project.code)}</GUID>",
            f"<Title>{project.code}</Title><Subject>{escape(project.name)}</Subject>",
            f"<Category>{escape(project.portfolio)}</Category><Company>Pulse Demo Group</Company>",
            f"<Manager>{escape(project.manager)}</Manager><Author>{escape(project.manager)}</Author>",
            f"<CreationDate>{created}</CreationDate>",
            f"<LastSaved>{status_date.isoformat()}T18:05:00</LastSaved>",
            "<ScheduleFromStart>1</ScheduleFromStart>",
            f"<StartDate>{_ts(root.start, 8)}</StartDate>"
            f"<FinishDate>{_ts(root.finish, 17)}</FinishDate>",
            "<FYStartDate>1</FYStartDate><CriticalSlackLimit>0</CriticalSlackLimit>",
            f"<CurrencyDigits>2</CurrencyDigits><CurrencySymbol>{SYMBOLS[project.currency]}"
            f"</CurrencySymbol><CurrencyCode>{project.currency}</CurrencyCode>",
            "<CurrencySymbolPosition>0</CurrencySymbolPosition>"
            f"<CalendarUID>{calendar_uid}</CalendarUID>",
            "<DefaultStartTime>08:00:00</DefaultStartTime><DefaultFinishTime>17:00:00"
            "</DefaultFinishTime><MinutesPerDay>480</MinutesPerDay><MinutesPerWeek>2400"
            "</MinutesPerWeek><DaysPerMonth>20</DaysPerMonth><DefaultTaskType>0</DefaultTaskType>",
            "<DefaultFixedCostAccrual>3</DefaultFixedCostAccrual><DurationFormat>7</DurationFormat>"
            "<WorkFormat>2</WorkFormat><EditableActualCosts>0</EditableActualCosts>"
            "<HonorConstraints>0</HonorConstraints><WeekStartDay>1</WeekStartDay>",
            f"<StatusDate>{status_date.isoformat()}T17:00:00</StatusDate>",
            f"<CurrentDate>{status_date.isoformat()}T08:00:00</CurrentDate>",
            "<NewTasksAreManual>0</NewTasksAreManual>",
            calendars,
        ]
    )


def _resources_xml(world: World, resources: list[int]) -> str:
    people = world.people
    names = people.full_name
    out = ["<Resources>"]
    out.append("<Resource><UID>0</UID><ID>0</ID><Type>1</Type><IsNull>0</IsNull></Resource>")
    for uid, person in enumerate(resources, start=1):
        out.append(
            f"<Resource><UID>{uid}</UID><ID>{uid}</ID><Name>{escape(names[person])}</Name>"
            f"<Type>1</Type><IsNull>0</IsNull><EmailAddress>{people.email[person]}</EmailAddress>"
            f"<MaxUnits>1.00</MaxUnits></Resource>"
        )
    out.append("</Resources>")
    return "".join(out)


def _assignments_xml(tasks: list[PlanTask], rows: dict[int, Row], resources: list[int]) -> str:
    """Each task to one resource, round robin."""
    out = ["<Assignments>"]
    assignment = 1
    leaf_index = 0
    for task in tasks:
        if task.kind != "task" or not resources:
            continue
        row = rows[task.uid]
        resource = leaf_index % len(resources) + 1
        leaf_index += 1
        out.append(
            f"<Assignment><UID>{assignment}</UID><TaskUID>{task.uid}</TaskUID>"
            f"<ResourceUID>{resource}</ResourceUID>"
            f"<PercentWorkComplete>{row.percent}</PercentWorkComplete>"
            f"<Start>{_ts(row.start, 8)}</Start><Finish>{_ts(row.finish, 17)}</Finish>"
            f"<Units>1</Units><Work>{_pt(row.work)}</Work></Assignment>"
        )
        assignment += 1
    out.append("</Assignments>")
    return "".join(out)


def milestone_rows(plan: Plan, status_date: date) -> list[dict[str, str]]:
    """The milestones as the MSPDI adapter should read them (used for storyline notes)."""
    states = plan.state(status_date)
    out = []
    for task in plan.leaves:
        if task.kind != "milestone" or task.uid not in states:
            continue
        row = _leaf_row(task, states[task.uid])
        out.append(
            {
                "milestone_name": task.name,
                "baseline_date": row.base_finish.isoformat(),
                "forecast_date": row.finish.isoformat(),
                "actual_date": row.actual_finish.isoformat() if row.actual_finish else "",
            }
        )
    return out
