"""Delivery files: the task exports per project per month end (MS Project, Jira, Azure DevOps),
the sprint calendar, the PMO's register of links between plans and its closure days."""

from __future__ import annotations

from datetime import date
from functools import partial

import numpy as np
import polars as pl

from pipelines.demo.agile import Backlog
from pipelines.demo.export_ado import AdoProject, ado_csv_bytes
from pipelines.demo.export_jira import JiraProject, write_csv
from pipelines.demo.export_mspdi import mspdi_document
from pipelines.demo.finance import month_closes
from pipelines.demo.landing import BAD_DETAIL, Landing
from pipelines.demo.schedule import Plan
from pipelines.demo.world import Project, World

BLOCKS = "Outward issue link (Blocks)"


def write_task_exports(
    out: Landing,
    world: World,
    plans: dict[str, Plan],
    backlogs: dict[str, Backlog],
    ado_epics: dict[str, tuple[int, int]],
) -> None:
    """Each project's plan or backlog as its tool exports it, at every month end it runs."""
    for project in world.projects:
        closes = month_closes(world, project)
        if project.code in plans:
            _mspdi_files(out, world, plans[project.code], closes, _members(world, project.idx))
        elif project.export in ("jira", "jira_es"):
            _jira_files(out, JiraProject(world, backlogs[project.code]), project, closes)
        else:
            exporter = AdoProject(world, backlogs[project.code], ado_epics[project.code])
            _ado_files(out, exporter, project, closes)


def _mspdi_files(
    out: Landing, world: World, plan: Plan, closes: list[date], members: list[int]
) -> None:
    for close in closes:
        data, tasks, milestones = mspdi_document(world, plan, close, members)
        out.write(
            f"ms_project/{plan.project.code}_{close.isoformat()}.xml",
            data,
            "mspdi",
            {
                "tasks": tasks,
                "milestones": milestones,
                "dependencies": data.count(b"<PredecessorLink>"),
                "working_calendars": 1,
                "calendar_exceptions": data.count(b"<Exception>"),
            },
            close,
        )


def _jira_files(out: Landing, exporter: JiraProject, project: Project, closes: list[date]) -> None:
    for close, header, frame in exporter.snapshots(closes):
        cells = [f"c{i}" for i, name in enumerate(header) if name == "Sprint"]
        sprints = frame.select(pl.concat_list(cells).explode().drop_nulls().n_unique())
        links = [f"c{i}" for i, name in enumerate(header) if name == BLOCKS]
        blocked = sum(frame[c].count() for c in links)
        out.write(
            f"jira/jira_{project.code}_{close.isoformat()}.csv",
            partial(write_csv, header=header, frame=frame, bom=True),
            "jira_csv",
            {"tasks": frame.height, "sprints": int(sprints.item()), "dependencies": blocked},
            close,
        )


def _ado_files(out: Landing, exporter: AdoProject, project: Project, closes: list[date]) -> None:
    for close, _, frame in exporter.snapshots(closes):
        paths = frame["Iteration Path"]
        sprints = paths.filter(paths.str.contains("\\", literal=True)).n_unique()
        out.write(
            f"azure_devops/ado_{project.code}_{close.isoformat()}.csv",
            ado_csv_bytes(frame),
            "ado_csv",
            {"tasks": frame.height, "sprints": sprints},
            close,
        )


def _members(world: World, project: int) -> list[int]:
    """The project's resources in an MS Project plan: its eight most staffed people."""
    weight = np.where(world.slot_project == project, world.slot_weight, 0.0)
    total = weight.sum(axis=(0, 2))
    members = np.flatnonzero(total > 0)
    return [int(m) for m in members[np.argsort(-total[members], kind="stable")][:8]]


def write_sprint_calendar(out: Landing, world: World, backlogs: dict[str, Backlog]) -> int:
    """The sprint calendar; returns its number of (project, sprint) keys."""
    as_of = world.window.as_of
    rows = [
        {
            "sprint_name": f"Sprint {sprint.number}"
            if backlog.project.methodology == "hybrid"
            else sprint.name,
            "team": backlog.team,
            "project_code": code,
            "start_date": sprint.start.isoformat(),
            "end_date": sprint.end.isoformat(),
            "complete_date": sprint.end.isoformat() if sprint.end < as_of else "",
        }
        for code, backlog in backlogs.items()
        for sprint in backlog.sprints
    ]
    rows.sort(key=lambda r: (r["project_code"], r["start_date"]))
    # The sprint calendar is the only source of sprint dates. The Jira and Azure DevOps
    # adapters derive undated rows for the same (project, sprint) keys, and a load lets the
    # newest file win, so the calendar is stamped later on the as-of day than the exports.
    out.canonical("delivery/sprints.csv", "sprints", rows, as_of, hour=18)
    return len(rows)


def write_cross_project_links(out: Landing, world: World, plans: dict[str, Plan]) -> None:
    """The PMO's register of links between plans, as of the last month end: two projects
    wait on the first plan still running (one cuts over a week after its go-live, one starts
    training when its hypercare starts), one link names a task the plan no longer has, and a
    typo links two go-lives to each other (a loop the loader refuses)."""
    as_of = world.window.as_of
    running = [
        project.code
        for project in world.projects
        if project.code in plans and month_closes(world, project)[-1:] == [as_of]
    ]
    if len(running) < 3:
        return
    platform, second, third = running[:3]

    def uid(code: str, name: str) -> str:
        return str(next(t.uid for t in plans[code].tasks if t.name == name))

    def link(code: str, task: str, other: str, predecessor: str, kind: str, lag: int) -> dict:
        return {
            "project_code": code,
            "task_key": uid(code, task),
            "predecessor_project_code": other,
            "predecessor_key": uid(other, predecessor) if predecessor else "999",
            "link_type": kind,
            "lag_days": lag,
            "snapshot_date": as_of.isoformat(),
        }

    rows = [
        link(second, "Production cut-over", platform, "Go-live", "FS", 5),
        link(third, "Training and change management", platform, "Hypercare", "SS", 0),
        link(third, "Cut-over rehearsal", platform, "", "FS", 0),  # a task no longer there
        link(second, "Go-live", third, "Go-live", "FF", 0),
        link(third, "Go-live", second, "Go-live", "FF", 0),
    ]
    relative = "plans/cross_project_dependencies.csv"
    out.canonical(relative, "dependencies", rows, as_of)
    for line in (5, 6):  # header on line 1
        out.bad(relative, line, "dependencies", "loop", BAD_DETAIL["loop"])


def write_closure_days(out: Landing, world: World) -> None:
    """The PMO's company-wide closure days, for every project (no project_code), published
    before the window starts: the offices close between Christmas and New Year. The US and
    UK plans carry their national holidays in their own MS Project calendars."""
    first = world.window.snapshot_dates[0]
    published = date(first.year - 1, 12, 1)
    rows = [
        {
            "project_code": "",
            "exception_name": name,
            "start_date": start,
            "end_date": end,
            "is_working": "false",
            "snapshot_date": published.isoformat(),
        }
        for year in range(first.year, world.window.as_of.year + 2)
        for name, start, end in (
            (f"Year-end closure {year}", f"{year}-12-24", f"{year}-12-26"),
            (f"New Year closure {year + 1}", f"{year}-12-31", f"{year + 1}-01-01"),
        )
    ]
    out.canonical("calendars/company_closure_days.csv", "calendar_exceptions", rows, published)
