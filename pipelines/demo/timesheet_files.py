"""The monthly timesheet files, one per tool, with a few bad rows planted for the loader to
quarantine (over 24 h in a day, negative hours, an unknown project, a date that does not exist);
and the booked labour cost the budgets are calibrated on."""

from __future__ import annotations

from datetime import date
from functools import partial

import numpy as np
import polars as pl

from pipelines.demo.agile import Backlog
from pipelines.demo.calendar import from_day, month_end, to_day
from pipelines.demo.export_jira import write_csv
from pipelines.demo.landing import BAD_DETAIL, UNKNOWN_PROJECT, Landing
from pipelines.demo.timesheets import (
    HEADERS,
    TOOLS,
    MonthEntries,
    approved,
    build_issue_index,
    build_leave,
    entries_frame,
    format_tool,
    generate_month,
)
from pipelines.demo.world import FX_AVERAGE, World, rng_for

TOOL_FORMATS = {
    "tempo": ("tempo_worklogs", "tempo_worklogs_{month}.csv"),
    "harvest": ("harvest_time", "harvest_detailed_time_{month}.csv"),
    "toggl": ("toggl_detailed", "toggl_detailed_report_{month}.csv"),
    "clockify": ("clockify_detailed", "clockify_detailed_report_{month}.csv"),
}
PLANTED = ("over_24h", "negative_hours", "unknown_project", "bad_date")
PLANT_IN = {
    "negative_hours": ("tempo", "toggl", "harvest", "clockify"),
    "unknown_project": ("harvest", "toggl", "clockify"),
    "bad_date": ("clockify", "toggl", "harvest", "tempo"),
}
"""Where each single-row fault goes: the first tool, in this order, with an entry to spoil."""


def write_timesheets(out: Landing, world: World, backlogs: dict[str, Backlog]) -> np.ndarray:
    """Write every month's timesheet files; returns the booked cost per month and project (in
    each project's currency)."""
    jira = {c: b for c, b in backlogs.items() if b.project.export.startswith("jira")}
    issues = build_issue_index(world, jira)
    leave = build_leave(world)
    actual_cost = np.zeros((len(world.month_starts), len(world.projects)))
    pending = list(PLANTED)
    first_bad_month = world.window.months // 2
    for month, start in enumerate(world.window.month_starts):
        entries = generate_month(world, month, leave, issues)
        if month >= first_bad_month and pending:
            entries = _plant(world, entries, month, pending)
        _book_cost(world, actual_cost, entries, month)
        frame = entries_frame(world, entries, issues, month)
        dated = min(month_end(start), world.window.as_of)
        for tool in TOOLS:
            rows = format_tool(frame, tool, approved(world, month))
            if rows.height:
                _write_tool_month(out, tool, start, rows, dated)
    return actual_cost


def _write_tool_month(
    out: Landing, tool: str, start: date, rows: pl.DataFrame, dated: date
) -> None:
    fmt, pattern = TOOL_FORMATS[tool]
    relative = f"timesheets/{tool}/{pattern.format(month=start.strftime('%Y-%m'))}"
    body = rows.drop("bad_reason")
    out.write(
        relative,
        partial(write_csv, header=list(HEADERS[tool]), frame=body),
        fmt,
        {"timesheets": rows.height},
        dated,
    )
    flagged = rows.with_row_index("position").filter(pl.col("bad_reason").is_not_null())
    for position, reason in flagged.select("position", "bad_reason").iter_rows():
        kind, keyword = reason.split("|")
        out.bad(relative, int(position) + 2, "timesheets", keyword, BAD_DETAIL[kind])


def _book_cost(world: World, actual_cost: np.ndarray, entries: MonthEntries, month: int) -> None:
    """Add the month's booked cost (hours x rate, in each project's currency)."""
    ext = world.month_of(world.window.month_starts[month])
    rates = world.rate_eur(np.arange(len(world.people)), ext)
    project_fx = np.array([FX_AVERAGE[p.currency] for p in world.projects])
    cost = np.maximum(entries.hours, 0) * rates[entries.person] / project_fx[entries.project]
    np.add.at(actual_cost[ext], entries.project, cost)


def _plant(world: World, entries: MonthEntries, month: int, pending: list[str]) -> MonthEntries:
    """Turn a few of this month's entries into the deliberately bad rows still pending."""
    rng = rng_for(world.seed, "bad-rows", month)
    used_people: set[int] = set()
    if "over_24h" in pending:
        planted = _plant_over_24h(world, entries, rng)
        if planted is not None:
            entries, person = planted
            used_people.add(person)
            pending.remove("over_24h")
    for kind in [k for k in pending if k in PLANT_IN]:
        for tool in PLANT_IN[kind]:
            candidates = np.flatnonzero(
                (entries.tool == TOOLS.index(tool))
                & (entries.hours > 0)
                & ~np.isin(entries.person, list(used_people))
            )
            candidates = candidates[~np.isin(candidates, list(entries.bad))]
            if candidates.size == 0:
                continue
            index = int(candidates[int(rng.integers(0, candidates.size))])
            used_people.add(int(entries.person[index]))
            _spoil(entries, index, kind, tool)
            pending.remove(kind)
            break
    return entries


def _spoil(entries: MonthEntries, index: int, kind: str, tool: str) -> None:
    """Make one entry bad in the way ``kind`` names, as ``tool`` would print it."""
    if kind == "negative_hours":
        entries.hours[index] = -entries.hours[index]
        entries.bad[index] = "negative_hours|hours"
    elif kind == "unknown_project":
        entries.overrides.setdefault("project_code", {})[index] = UNKNOWN_PROJECT[0]
        entries.overrides.setdefault("project_name", {})[index] = UNKNOWN_PROJECT[1]
        entries.bad[index] = "unknown_project|project"
    else:
        day = from_day(int(entries.day[index]))
        text = {
            "clockify": f"{day.month:02d}/32/{day.year}",
            "toggl": f"{day.year}-{day.month:02d}-32",
            "harvest": f"{day.year}-{day.month:02d}-32",
            "tempo": f"{day.year}-{day.month}-32 9:00",
        }[tool]
        entries.overrides.setdefault("date", {})[index] = text
        entries.bad[index] = "bad_date|date"


def _plant_over_24h(
    world: World, entries: MonthEntries, rng: np.random.Generator
) -> tuple[MonthEntries, int] | None:
    """One person, one day, two entries of 13 h: each row valid alone, 26 h together."""
    agile = np.array([p.export.startswith("jira") for p in world.projects])
    tool_of = np.array([TOOLS.index(t) for t in world.people.tool])
    for preferred in ("toggl", "clockify", "harvest"):
        mask = (tool_of[entries.person] == TOOLS.index(preferred)) & ~agile[entries.project]
        candidates = np.flatnonzero(mask)
        if candidates.size:
            break
    else:
        return None
    index = int(candidates[int(rng.integers(0, candidates.size))])
    person, day = int(entries.person[index]), int(entries.day[index])
    projects = _projects_on(world, entries, person, day, agile)
    if len(projects) < 2:
        return None
    kept = entries.select(~((entries.person == person) & (entries.day == day)))
    activity, note = int(entries.activity[index]), int(entries.note[index])
    merged = kept.append(
        MonthEntries(
            person=np.array([person, person]),
            day=np.array([day, day]),
            project=np.array(projects[:2]),
            hours=np.array([13.0, 13.0]),
            start_minute=np.array([5 * 60, 18 * 60]),
            issue=np.array([-1, -1]),
            activity=np.array([activity, activity]),
            note=np.array([note, note]),
            tool=np.array([int(tool_of[person])] * 2),
        )
    )
    merged.bad[len(kept)] = "over_24h|24"
    merged.bad[len(kept) + 1] = "over_24h|24"
    return merged, person


def _projects_on(
    world: World, entries: MonthEntries, person: int, day: int, agile: np.ndarray
) -> list[int]:
    """The non-agile projects the person could book on that day: their own first."""
    starts = np.array([to_day(p.start) for p in world.projects])
    finishes = np.array([to_day(p.finish) for p in world.projects])
    active = np.flatnonzero((starts <= day) & (finishes >= day) & ~agile)
    own = [
        int(p)
        for p in entries.project[(entries.person == person) & (entries.day == day)]
        if not agile[int(p)]
    ]
    return own + [int(p) for p in active if int(p) not in own]
