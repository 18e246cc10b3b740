"""Deterministic demo portfolio: real-format exports and canonical files, for demos and benchmarks.

``generate_demo`` writes into a landing folder what a PMO would drop there: Jira, Azure DevOps
and MS Project exports per project per month end, Tempo/Harvest/Toggl/Clockify timesheets per
tool per month, and canonical CSV/XLSX files for what no tool exports (projects, people, rates,
budgets, change requests, purchase orders, invoices, risks, status notes, exchange rates, one
earned-value import). Everything derives from one model (``world.build_world``), so the files
agree with each other, and five storylines are planted for a viewer to find.

Same seed and as_of give byte-identical files with the same modification times (set to each
file's snapshot or month-end date), so mtime-based logic downstream is reproducible too.
"""

from __future__ import annotations

import argparse
import calendar
import io
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import BinaryIO

import numpy as np
import polars as pl
import xlsxwriter

from pipelines.demo import catalogue as cat
from pipelines.demo.agile import Backlog, simulate
from pipelines.demo.calendar import from_day, month_end, to_day
from pipelines.demo.export_ado import AdoProject, ado_csv_bytes
from pipelines.demo.export_jira import JiraProject, write_csv
from pipelines.demo.export_mspdi import mspdi_document
from pipelines.demo.finance import (
    build_budgets,
    build_change_requests,
    build_fx_rows,
    build_purchasing,
    month_closes,
)
from pipelines.demo.lessons import project_lessons
from pipelines.demo.notes import agile_note, money, waterfall_note
from pipelines.demo.raid import project_logs
from pipelines.demo.risks import build_risks, register_rows
from pipelines.demo.schedule import Plan, build_plan
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
from pipelines.demo.vendors import build_vendor_files
from pipelines.demo.world import (
    EARNED_VALUE_PROJECT,
    FX_AVERAGE,
    STORYLINE_CODES,
    World,
    build_world,
    expected_labour_cost,
    rng_for,
)
from pipelines.ingest.contracts import ENTITIES

SUBFOLDERS = (
    "master",
    "finance",
    "delivery",
    "jira",
    "azure_devops",
    "ms_project",
    "timesheets",
    "risks",
    "status",
    "plans",
    "governance",
    "calendars",
    "vendors",
)
TOOL_FORMATS = {
    "tempo": ("tempo_worklogs", "tempo_worklogs_{month}.csv"),
    "harvest": ("harvest_time", "harvest_detailed_time_{month}.csv"),
    "toggl": ("toggl_detailed", "toggl_detailed_report_{month}.csv"),
    "clockify": ("clockify_detailed", "clockify_detailed_report_{month}.csv"),
}
UNKNOWN_PROJECT = ("INTRA", "Intranet refresh 2024")
MINIMUMS = {"projects": 6, "people": 20, "months": 6}


@dataclass(frozen=True)
class BadRow:
    """A row planted to fail the contract check; the loader must quarantine it."""

    file: str
    """Path relative to the landing folder (forward slashes)."""
    line: int
    """1-based physical line in the file."""
    entity: str
    reason: str
    """A keyword the quarantine reason should contain: 'project', 'hours', '24', 'date', 'loop',
    'priority', 'timestamp' or 'vendor'."""
    detail: str


@dataclass(frozen=True)
class DemoFile:
    """One file written, the format that should read it and what it holds."""

    path: str
    """Relative to the landing folder (forward slashes)."""
    format: str
    """The adapter expected to read it (``raw.load_log.source_format``)."""
    rows: dict[str, int]
    """Records written per canonical entity, bad rows included."""
    dated: date
    """Snapshot or period-end date, set as the modification time (and in the file name:
    YYYY-MM-DD for snapshots, YYYY-MM for monthly timesheets and status notes)."""


@dataclass
class DemoSummary:
    """What was written and what a load of it should find."""

    landing_dir: Path
    seed: int
    as_of: date
    projects: int
    people: int
    months: int
    expected_rows: dict[str, int]
    """Rows per canonical entity the warehouse should hold after loading everything.

    Written minus planted bad rows. tasks counts Jira issues, Azure DevOps work items and MS
    Project tasks (UID 0, the project summary, excluded) per snapshot; milestones count MS
    Project milestone tasks per status date; sprints counts the sprint calendar, whose
    (project, sprint) keys the Jira/Azure DevOps exports only repeat (``DemoFile.rows`` has
    what each export itself yields).
    """
    bad_rows: list[BadRow]
    storylines: dict[str, str]
    """Storyline name -> project code."""
    files: list[DemoFile] = field(default_factory=list)

    @property
    def paths(self) -> list[Path]:
        return [self.landing_dir / f.path for f in self.files]

    def files_of(self, fmt: str) -> list[DemoFile]:
        return [f for f in self.files if f.format == fmt]

    @property
    def timesheet_rows(self) -> int:
        """Timesheet records written, bad rows included."""
        return sum(f.rows.get("timesheets", 0) for f in self.files)


def generate_demo(
    landing_dir: Path,
    *,
    seed: int = 7,
    as_of: date = date(2026, 10, 31),
    projects: int = 24,
    people: int = 120,
    months: int = 18,
) -> DemoSummary:
    """Write the demo portfolio into ``landing_dir`` and say what a load should find.

    The folder's generator-owned subfolders are replaced, so re-running with other parameters
    never leaves a mix of two portfolios behind.
    """
    for name, value in (("projects", projects), ("people", people), ("months", months)):
        if value < MINIMUMS[name]:
            raise ValueError(
                f"{name} must be at least {MINIMUMS[name]} (got {value}): the "
                "storylines need that much to be visible"
            )
    landing_dir = Path(landing_dir)
    landing_dir.mkdir(parents=True, exist_ok=True)
    for sub in SUBFOLDERS:
        shutil.rmtree(landing_dir / sub, ignore_errors=True)
    return _Generator(landing_dir, build_world(seed, as_of, projects, people, months)).run()


class _Generator:
    """One run: derives every dataset from the world model and writes it, keeping the tally."""

    def __init__(self, landing: Path, world: World) -> None:
        self.landing = landing
        self.world = world
        self.files: list[DemoFile] = []
        self.bad_rows: list[BadRow] = []
        self.counts: dict[str, int] = dict.fromkeys(ENTITIES, 0)

    # --- files ---------------------------------------------------------------------------

    def write(
        self,
        relative: str,
        data: bytes | Callable[[BinaryIO], None],
        fmt: str,
        rows: dict[str, int],
        dated: date,
        hour: int = 12,
    ) -> None:
        """Write a file (bytes, or a function streaming into the open file) and date it.

        The modification time is ``dated`` at ``hour`` UTC: midday keeps the date the same in
        every time zone a loader might use.
        """
        path = self.landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                data(handle)
        stamp = calendar.timegm(datetime(dated.year, dated.month, dated.day, hour).timetuple())
        os.utime(path, (stamp, stamp))
        self.files.append(DemoFile(relative, fmt, rows, dated))
        for entity, count in rows.items():
            self.counts[entity] += count

    def _cross_project_links(self) -> None:
        """The PMO's register of links between plans, as of the last month end: two projects
        wait on the first plan still running (one cuts over a week after its go-live, one starts
        training when its hypercare starts), one link names a task the plan no longer has, and a
        typo links two go-lives to each other (a loop the loader refuses)."""
        as_of = self.world.window.as_of
        running = [
            project.code
            for project in self.world.projects
            if project.code in self.plans and month_closes(self.world, project)[-1:] == [as_of]
        ]
        if len(running) < 3:
            return
        platform, second, third = running[:3]

        def uid(code: str, name: str) -> str:
            return str(next(t.uid for t in self.plans[code].tasks if t.name == name))

        def link(code: str, task: str, other: str, predecessor: str, kind: str, lag: int) -> dict:
            return {
                "project_code": code,
                "task_key": task,
                "predecessor_project_code": other,
                "predecessor_key": predecessor,
                "link_type": kind,
                "lag_days": lag,
                "snapshot_date": as_of.isoformat(),
            }

        rows = [
            link(
                second,
                uid(second, "Production cut-over"),
                platform,
                uid(platform, "Go-live"),
                "FS",
                5,
            ),
            link(
                third,
                uid(third, "Training and change management"),
                platform,
                uid(platform, "Hypercare"),
                "SS",
                0,
            ),
            link(third, uid(third, "Cut-over rehearsal"), platform, "999", "FS", 0),
            link(second, uid(second, "Go-live"), third, uid(third, "Go-live"), "FF", 0),
            link(third, uid(third, "Go-live"), second, uid(second, "Go-live"), "FF", 0),
        ]
        relative = "plans/cross_project_dependencies.csv"
        self.canonical(relative, "dependencies", rows, as_of)
        for line in (5, 6):  # header on line 1
            self.bad_rows.append(BadRow(relative, line, "dependencies", "loop", BAD_DETAIL["loop"]))

    def _holidays(self) -> None:
        """The PMO's company-wide closure days, for every project (no project_code), published
        before the window starts: the offices close between Christmas and New Year. The US and
        UK plans carry their national holidays in their own MS Project calendars."""
        first = self.world.window.snapshot_dates[0]
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
            for year in range(first.year, self.world.window.as_of.year + 2)
            for name, start, end in (
                (f"Year-end closure {year}", f"{year}-12-24", f"{year}-12-26"),
                (f"New Year closure {year + 1}", f"{year}-12-31", f"{year + 1}-01-01"),
            )
        ]
        self.canonical("calendars/company_closure_days.csv", "calendar_exceptions", rows, published)

    def _raid_logs(self) -> None:
        """The PMO's issue, decision and action logs and the lessons learned as of the last
        month end: one file each for the portfolio (the decision log as a workbook, as PMOs
        often keep it)."""
        world = self.world
        people = world.people
        owners = [
            f"{first} {last}"
            for first, last in zip(people.first_name[:40], people.last_name[:40], strict=True)
        ]
        issues: list[dict] = []
        decisions: list[dict] = []
        actions: list[dict] = []
        by_project: dict[str, list[dict[str, str]]] = {}
        for _, notes in sorted(self.notes.items()):
            for note in notes:
                by_project.setdefault(note["project_code"], []).append(note)
        for project in world.projects:
            logged = project_logs(world, project, owners, by_project.get(project.code, []))
            issues += logged[0]
            decisions += logged[1]
            actions += logged[2]
        as_of = world.window.as_of
        self.canonical("governance/issues_log.csv", "issues_log", issues, as_of)
        self.canonical_xlsx(
            "governance/decisions.xlsx", "decisions", decisions, as_of, "Decision log", ()
        )
        self.canonical("governance/actions.csv", "actions", actions, as_of)
        lessons = [
            row
            for project in world.projects
            for row in project_lessons(world, project, project.manager or owners[0])
        ]
        self.canonical("governance/lessons_learned.csv", "lessons_learned", lessons, as_of)

    def _vendors(self) -> None:
        """The vendor register, contracts with their service levels, the vendors' monthly SLA
        reports and deliverables (canonical files), and the managed-service desk's ServiceNow
        ticket export with three odd rows to quarantine."""
        as_of = self.world.window.as_of
        rows, tickets, bad_lines = build_vendor_files(self.world, self.orders)
        self.canonical("vendors/vendors.csv", "vendors", rows["vendors"], as_of)
        self.canonical("vendors/contracts.csv", "contracts", rows["contracts"], as_of)
        self.canonical("vendors/sla_terms.csv", "sla_terms", rows["sla_terms"], as_of)
        self.canonical_xlsx(
            "vendors/sla_report.xlsx",
            "sla_measurements",
            rows["sla_measurements"],
            as_of,
            "Vendor SLA report",
            ("actual",),
        )
        self.canonical(
            "vendors/deliverables.csv", "vendor_deliverables", rows["vendor_deliverables"], as_of
        )
        relative = "vendors/servicenow_incidents.csv"
        self.write(
            relative,
            tickets,
            "service_desk_tickets",
            {"service_tickets": tickets.count(b"\n") - 1},
            as_of,
        )
        for line, (reason, detail) in zip(bad_lines, BAD_TICKETS, strict=True):
            self.bad_rows.append(BadRow(relative, line, "service_tickets", reason, detail))

    def canonical(
        self,
        relative: str,
        entity: str,
        rows: list[dict[str, object]],
        dated: date,
        hour: int = 12,
    ) -> None:
        columns = ENTITIES[entity].column_names
        frame = pl.DataFrame(
            {c: [None if r.get(c) in (None, "") else str(r[c]) for r in rows] for c in columns},
            schema=dict.fromkeys(columns, pl.String),
        )
        self.write(
            relative,
            frame.write_csv(line_terminator="\n").encode("utf-8"),
            f"canonical_{entity}",
            {entity: frame.height},
            dated,
            hour,
        )

    def canonical_xlsx(
        self,
        relative: str,
        entity: str,
        rows: list[dict[str, object]],
        dated: date,
        title: str,
        numeric: tuple[str, ...],
    ) -> None:
        """A register workbook as people keep them: a title line above the table."""
        columns = ENTITIES[entity].column_names
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
        workbook.set_properties(
            {
                "created": datetime(dated.year, dated.month, dated.day, 12),
                "author": "PMO",
                "title": title,
            }
        )
        sheet = workbook.add_worksheet("Register")
        bold = workbook.add_format({"bold": True})
        sheet.write(0, 0, title, bold)
        sheet.write_row(2, 0, columns, bold)
        for r, row in enumerate(rows, start=3):
            sheet.write_row(
                r,
                0,
                [
                    None
                    if row.get(name) in (None, "")
                    else (float(row[name]) if name in numeric else str(row[name]))
                    for name in columns
                ],
            )
        workbook.close()
        self.write(relative, buffer.getvalue(), f"canonical_{entity}", {entity: len(rows)}, dated)

    # --- the run -------------------------------------------------------------------------

    def run(self) -> DemoSummary:
        world = self.world
        self.backlogs = self._backlogs()
        self.actual_cost = np.zeros((len(world.month_starts), len(world.projects)))
        self._timesheets()
        self.budget = build_budgets(world, self._labour_plan())
        self.plans = self._plans()
        self.progress = self._progress()
        self._master()
        self._finance()
        self._schedules_and_backlogs()
        self._cross_project_links()
        self._holidays()
        self._risks_and_notes()
        self._raid_logs()
        self._vendors()
        expected = dict(self.counts)
        for bad in self.bad_rows:
            expected[bad.entity] -= 1
        # Sprints are keyed by (project, sprint): the names the task exports repeat month after
        # month are the calendar's own, so the warehouse ends with one row per calendar sprint.
        expected["sprints"] = self.sprint_keys
        window = world.window
        return DemoSummary(
            landing_dir=self.landing,
            seed=world.seed,
            as_of=window.as_of,
            projects=len(world.projects),
            people=len(world.people),
            months=window.months,
            expected_rows=expected,
            bad_rows=list(self.bad_rows),
            storylines=dict(STORYLINE_CODES),
            files=sorted(self.files, key=lambda f: f.path),
        )

    def _labour_plan(self) -> np.ndarray:
        """Expected labour cost per month and project, calibrated on the booked timesheets.

        The staffing model says who works where; how the daily hours really split between a
        person's projects only shows in the timesheets, so each project's expected cost is scaled
        by its booked/expected ratio over the history. Budgets sized from it then land near the
        actuals, and only the storylines drift away from them.
        """
        expected = expected_labour_cost(self.world)
        past = len(self.world.window.month_starts)
        booked = self.actual_cost[:past].sum(axis=0)
        planned = expected[:past].sum(axis=0)
        ratio = np.divide(booked, planned, out=np.ones_like(booked), where=planned > 0)
        return expected * ratio[None, :]

    def _plans(self) -> dict[str, Plan]:
        plans = {}
        for project in self.world.projects:
            if project.methodology != "waterfall":
                continue
            bac = self.budget.bac[project.code]
            plan = build_plan(project, bac, self.world.seed)
            if project.rebaseline_date is not None:
                new_bac = self.budget.new_bac[project.code]
                added = new_bac - bac * plan.cost_at_rebaseline
                if added < 0.03 * bac:
                    added = 0.03 * bac
                    plan.cost_at_rebaseline = (new_bac - added) / bac
                plan.added_cost = added
            plans[project.code] = plan
        return plans

    def _backlogs(self) -> dict[str, Backlog]:
        backlogs, next_id = {}, 10000
        self.ado_epics: dict[str, tuple[int, int]] = {}
        for project in self.world.projects:
            if project.methodology == "waterfall":
                continue
            backlog = simulate(self.world, project, next_id)
            next_id += len(backlog.kind)
            if project.methodology == "hybrid":
                self.ado_epics[project.code] = (next_id, next_id + 1)
                next_id += 2
            backlogs[project.code] = backlog
        return backlogs

    def _progress(self) -> dict[str, list[tuple[date, float]]]:
        progress = {}
        for project in self.world.projects:
            closes = month_closes(self.world, project)
            if project.code in self.plans:
                plan = self.plans[project.code]
                progress[project.code] = [(c, plan.earned_percent(c)) for c in closes]
            else:
                backlog = self.backlogs[project.code]
                progress[project.code] = [(c, backlog.done_ratio(c)) for c in closes]
        return progress

    # --- canonical master data and finance ----------------------------------------------

    def _master(self) -> None:
        world, as_of = self.world, self.world.window.as_of
        self.canonical(
            "master/projects.csv",
            "projects",
            [
                {
                    "project_code": p.code,
                    "project_name": p.name,
                    "portfolio": p.portfolio,
                    "program": p.program,
                    "business_unit": p.business_unit,
                    "sponsor": p.sponsor,
                    "project_manager": p.manager,
                    "methodology": p.methodology,
                    "start_date": p.start.isoformat(),
                    "planned_finish_date": p.planned_finish.isoformat(),
                    "status": p.status,
                    "currency": p.currency,
                }
                for p in world.projects
            ],
            as_of,
        )
        people = world.people
        names = people.full_name
        role_names = [name for name, _, _ in cat.ROLES]
        self.canonical(
            "master/people.csv",
            "people",
            [
                {
                    "employee_id": people.employee_id[i],
                    "full_name": names[i],
                    "email": people.email[i],
                    "team": world.team_names[int(people.team[i])],
                    "role": role_names[int(people.role[i])],
                    "capacity_hours_per_week": f"{people.capacity[i]:g}",
                    "employment_type": "contractor" if people.contractor[i] else "employee",
                    "vendor": people.vendor[i],
                    "start_date": from_day(people.start_day[i]).isoformat(),
                    "end_date": from_day(people.end_day[i]).isoformat()
                    if people.end_day[i] < 10**6
                    else "",
                }
                for i in range(len(people))
            ],
            as_of,
        )
        rates = []
        first_year, last_year = world.window.start.year, as_of.year
        growth = 1 + world.rate_growth
        for year in range(first_year, last_year + 1):
            for role, base, _ in cat.ROLES:
                rates.append(
                    {
                        "employee_id": "",
                        "role": role,
                        "effective_from": f"{year}-01-01",
                        "hourly_cost_rate": f"{base * growth ** (year - first_year):.2f}",
                        "currency": "EUR",
                    }
                )
        for i in np.flatnonzero(people.personal_rate):
            promoted = int(people.promotion_day[i])
            for year in range(first_year, last_year + 1):
                rate = people.base_rate[i] * growth ** (year - first_year)
                if promoted <= to_day(date(year, 1, 1)):
                    rate *= 1.08
                rates.append(
                    {
                        "employee_id": people.employee_id[i],
                        "role": "",
                        "effective_from": f"{year}-01-01",
                        "hourly_cost_rate": f"{rate:.2f}",
                        "currency": people.currency[i],
                    }
                )
            if promoted < 10**6 and from_day(promoted).timetuple().tm_yday != 1:
                day = from_day(promoted)
                rate = people.base_rate[i] * growth ** (day.year - first_year) * 1.08
                rates.append(
                    {
                        "employee_id": people.employee_id[i],
                        "role": "",
                        "effective_from": day.isoformat(),
                        "hourly_cost_rate": f"{rate:.2f}",
                        "currency": people.currency[i],
                    }
                )
        rates.sort(key=lambda r: (r["employee_id"], r["role"], r["effective_from"]))
        self.canonical("master/cost_rates.csv", "cost_rates", rates, as_of)

    def _finance(self) -> None:
        world, as_of = self.world, self.world.window.as_of
        self.canonical("finance/budgets.csv", "budgets", self.budget.rows, as_of)
        self.changes = build_change_requests(world, self.budget)
        self.canonical("finance/change_requests.csv", "change_requests", self.changes, as_of)
        orders, invoices = build_purchasing(world, self.budget, self.progress)
        self.orders, self.invoices = orders, invoices
        self.canonical("finance/purchase_orders.csv", "purchase_orders", orders, as_of)
        self.canonical("finance/invoices.csv", "invoices", invoices, as_of)
        self.canonical("finance/fx_rates.csv", "fx_rates", build_fx_rows(world), as_of)
        project = world.by_code.get(EARNED_VALUE_PROJECT)
        if project is not None and project.code in self.plans:
            plan = self.plans[project.code]
            bac = self.budget.bac[project.code]
            rows = []
            for close in month_closes(world, project):
                states = plan.state(close)
                actual = sum(s.cost * s.percent / 100 for s in states.values())
                rows.append(
                    {
                        "project_code": project.code,
                        "status_date": close.isoformat(),
                        "planned_value": f"{bac * plan.planned_percent(close):.2f}",
                        "earned_value": f"{bac * plan.earned_percent(close):.2f}",
                        "actual_cost": f"{actual:.2f}",
                        "budget_at_completion": f"{bac:.2f}",
                    }
                )
            self.canonical(f"finance/earned_value_{project.code}.csv", "earned_value", rows, as_of)

    # --- task exports ---------------------------------------------------------------------

    def _schedules_and_backlogs(self) -> None:
        world = self.world
        for project in world.projects:
            closes = month_closes(world, project)
            if project.code in self.plans:
                plan = self.plans[project.code]
                members = self._members(project.idx)
                for close in closes:
                    data, tasks, milestones = mspdi_document(world, plan, close, members)
                    self.write(
                        f"ms_project/{project.code}_{close.isoformat()}.xml",
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
            elif project.export in ("jira", "jira_es"):
                exporter = JiraProject(world, self.backlogs[project.code])
                for close, header, frame in exporter.snapshots(closes):
                    cells = [f"c{i}" for i, name in enumerate(header) if name == "Sprint"]
                    sprints = frame.select(pl.concat_list(cells).explode().drop_nulls().n_unique())
                    blocks = "Outward issue link (Blocks)"
                    links = [f"c{i}" for i, name in enumerate(header) if name == blocks]
                    blocked = sum(frame[c].count() for c in links)
                    self.write(
                        f"jira/jira_{project.code}_{close.isoformat()}.csv",
                        partial(write_csv, header=header, frame=frame, bom=True),
                        "jira_csv",
                        {
                            "tasks": frame.height,
                            "sprints": int(sprints.item()),
                            "dependencies": blocked,
                        },
                        close,
                    )
            else:
                exporter = AdoProject(
                    world, self.backlogs[project.code], self.ado_epics[project.code]
                )
                for close, _, frame in exporter.snapshots(closes):
                    paths = frame["Iteration Path"]
                    sprints = paths.filter(paths.str.contains("\\", literal=True)).n_unique()
                    self.write(
                        f"azure_devops/ado_{project.code}_{close.isoformat()}.csv",
                        ado_csv_bytes(frame),
                        "ado_csv",
                        {"tasks": frame.height, "sprints": sprints},
                        close,
                    )
        rows = []
        as_of = world.window.as_of
        for code, backlog in self.backlogs.items():
            ado = backlog.project.methodology == "hybrid"
            for sprint in backlog.sprints:
                rows.append(
                    {
                        "sprint_name": f"Sprint {sprint.number}" if ado else sprint.name,
                        "team": backlog.team,
                        "project_code": code,
                        "start_date": sprint.start.isoformat(),
                        "end_date": sprint.end.isoformat(),
                        "complete_date": sprint.end.isoformat() if sprint.end < as_of else "",
                    }
                )
        rows.sort(key=lambda r: (r["project_code"], r["start_date"]))
        # The sprint calendar is the only source of sprint dates. The Jira and Azure DevOps
        # adapters derive undated rows for the same (project, sprint) keys, and a load lets the
        # newest file win, so the calendar is stamped later on the as-of day than the exports.
        self.canonical("delivery/sprints.csv", "sprints", rows, as_of, hour=18)
        self.sprint_keys = len(rows)

    def _members(self, project: int) -> list[int]:
        weight = np.where(self.world.slot_project == project, self.world.slot_weight, 0.0)
        total = weight.sum(axis=(0, 2))
        members = np.flatnonzero(total > 0)
        return [int(m) for m in members[np.argsort(-total[members], kind="stable")][:8]]

    # --- timesheets -----------------------------------------------------------------------

    def _timesheets(self) -> None:
        world = self.world
        jira = {c: b for c, b in self.backlogs.items() if b.project.export.startswith("jira")}
        issues = build_issue_index(world, jira)
        leave = build_leave(world)
        pending = ["over_24h", "negative_hours", "unknown_project", "bad_date"]
        first_bad_month = world.window.months // 2
        for month, start in enumerate(world.window.month_starts):
            entries = generate_month(world, month, leave, issues)
            if month >= first_bad_month and pending:
                entries = self._plant(entries, month, pending)
            self._book_cost(entries, month)
            frame = entries_frame(world, entries, issues, month)
            label = start.strftime("%Y-%m")
            dated = min(month_end(start), world.window.as_of)
            for tool in TOOLS:
                rows = format_tool(frame, tool, approved(world, month))
                if rows.height == 0:
                    continue
                fmt, pattern = TOOL_FORMATS[tool]
                relative = f"timesheets/{tool}/{pattern.format(month=label)}"
                body = rows.drop("bad_reason")
                self.write(
                    relative,
                    partial(write_csv, header=list(HEADERS[tool]), frame=body),
                    fmt,
                    {"timesheets": rows.height},
                    dated,
                )
                flagged = rows.with_row_index("position").filter(pl.col("bad_reason").is_not_null())
                for position, reason in flagged.select("position", "bad_reason").iter_rows():
                    kind, keyword = reason.split("|")
                    self.bad_rows.append(
                        BadRow(relative, int(position) + 2, "timesheets", keyword, BAD_DETAIL[kind])
                    )

    def _book_cost(self, entries: MonthEntries, month: int) -> None:
        """Add the month's booked cost (hours x rate, in each project's currency)."""
        world = self.world
        ext = world.month_of(world.window.month_starts[month])
        rates = world.rate_eur(np.arange(len(world.people)), ext)
        project_fx = np.array([FX_AVERAGE[p.currency] for p in world.projects])
        cost = np.maximum(entries.hours, 0) * rates[entries.person] / project_fx[entries.project]
        np.add.at(self.actual_cost[ext], entries.project, cost)

    def _plant(self, entries: MonthEntries, month: int, pending: list[str]) -> MonthEntries:
        """Turn a few of this month's entries into the deliberately bad rows still pending."""
        world = self.world
        rng = rng_for(world.seed, "bad-rows", month)
        used_people: set[int] = set()
        if "over_24h" in pending:
            planted = self._plant_over_24h(entries, rng)
            if planted is not None:
                entries, person = planted
                used_people.add(person)
                pending.remove("over_24h")
        preferences = {
            "negative_hours": ("tempo", "toggl", "harvest", "clockify"),
            "unknown_project": ("harvest", "toggl", "clockify"),
            "bad_date": ("clockify", "toggl", "harvest", "tempo"),
        }
        for kind in [k for k in pending if k in preferences]:
            for tool in preferences[kind]:
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
                day = from_day(int(entries.day[index]))
                if kind == "negative_hours":
                    entries.hours[index] = -entries.hours[index]
                    entries.bad[index] = "negative_hours|hours"
                elif kind == "unknown_project":
                    entries.overrides.setdefault("project_code", {})[index] = UNKNOWN_PROJECT[0]
                    entries.overrides.setdefault("project_name", {})[index] = UNKNOWN_PROJECT[1]
                    entries.bad[index] = "unknown_project|project"
                else:
                    text = {
                        "clockify": f"{day.month:02d}/32/{day.year}",
                        "toggl": f"{day.year}-{day.month:02d}-32",
                        "harvest": f"{day.year}-{day.month:02d}-32",
                        "tempo": f"{day.year}-{day.month}-32 9:00",
                    }[tool]
                    entries.overrides.setdefault("date", {})[index] = text
                    entries.bad[index] = "bad_date|date"
                pending.remove(kind)
                break
        return entries

    def _plant_over_24h(
        self, entries: MonthEntries, rng: np.random.Generator
    ) -> tuple[MonthEntries, int] | None:
        """One person, one day, two entries of 13 h: each row valid alone, 26 h together."""
        world = self.world
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
        starts = np.array([to_day(p.start) for p in world.projects])
        finishes = np.array([to_day(p.finish) for p in world.projects])
        active = np.flatnonzero((starts <= day) & (finishes >= day) & ~agile)
        own = [
            int(p)
            for p in entries.project[(entries.person == person) & (entries.day == day)]
            if not agile[int(p)]
        ]
        projects = own + [int(p) for p in active if int(p) not in own]
        if len(projects) < 2:
            return None
        keep = ~((entries.person == person) & (entries.day == day))
        kept = entries.select(keep)
        activity = int(entries.activity[index])
        note = int(entries.note[index])
        tool = int(tool_of[person])
        added = MonthEntries(
            person=np.array([person, person]),
            day=np.array([day, day]),
            project=np.array(projects[:2]),
            hours=np.array([13.0, 13.0]),
            start_minute=np.array([5 * 60, 18 * 60]),
            issue=np.array([-1, -1]),
            activity=np.array([activity, activity]),
            note=np.array([note, note]),
            tool=np.array([tool, tool]),
        )
        merged = MonthEntries(
            person=np.concatenate([kept.person, added.person]),
            day=np.concatenate([kept.day, added.day]),
            project=np.concatenate([kept.project, added.project]),
            hours=np.concatenate([kept.hours, added.hours]),
            start_minute=np.concatenate([kept.start_minute, added.start_minute]),
            issue=np.concatenate([kept.issue, added.issue]),
            activity=np.concatenate([kept.activity, added.activity]),
            note=np.concatenate([kept.note, added.note]),
            tool=np.concatenate([kept.tool, added.tool]),
            overrides=kept.overrides,
            bad=dict(kept.bad),
        )
        merged.bad[len(kept)] = "over_24h|24"
        merged.bad[len(kept) + 1] = "over_24h|24"
        return merged, person

    # --- risks and notes -----------------------------------------------------------------

    def _risks_and_notes(self) -> None:
        world = self.world
        risks = build_risks(world, self.budget.bac)
        for close in world.window.snapshot_dates:
            rows = register_rows(risks, close)
            self.canonical_xlsx(
                f"risks/risk_register_{close.isoformat()}.xlsx",
                "risks",
                rows,
                close,
                f"Portfolio risk register, status {close.isoformat()}",
                ("probability", "impact_cost", "impact_days"),
            )
        extras = self._note_extras()
        notes_by_month: dict[date, list[dict[str, str]]] = {}
        for project in world.projects:
            closes = month_closes(world, project)
            for index, close in enumerate(closes):
                extra = extras.get(project.code, {}).copy()
                if project.storyline == "vendor_ahead":
                    extra.update(self._vendor_billing(project.code, close))
                if project.code in self.plans:
                    note = waterfall_note(
                        world, self.plans[project.code], close, index, len(closes), extra
                    )
                else:
                    note = agile_note(
                        world, self.backlogs[project.code], close, index, len(closes), extra
                    )
                notes_by_month.setdefault(close.replace(day=1), []).append(note)
        self.notes = notes_by_month
        for month_first, notes in sorted(notes_by_month.items()):
            notes.sort(key=lambda n: n["project_code"])
            dated = min(month_end(month_first), world.window.as_of)
            self.canonical(
                f"status/status_notes_{month_first.strftime('%Y-%m')}.csv",
                "status_notes",
                notes,
                dated,
            )

    def _note_extras(self) -> dict[str, dict[str, str]]:
        extras: dict[str, dict[str, str]] = {}
        by_code = self.world.by_code
        for change in self.changes:
            project = by_code[change["project_code"]]
            impact = money(float(change["cost_impact"]), project.currency)
            if project.storyline == "recovering_rebaseline" and change["status"] == "approved":
                extras[project.code] = {
                    "cr": change["change_id"],
                    "impact": impact,
                    "raised": change["raised_date"],
                }
            if project.storyline == "over_budget_late" and change["status"] == "submitted":
                extras[project.code] = {
                    "decision": f"Steering committee to decide on {change['change_id']} "
                    f"({change['title'].lower()}, {impact}), which moves the finish "
                    f"{change['schedule_impact_days']} days beyond the baseline.",
                    "raised": change["raised_date"],
                }
        return extras

    def _vendor_billing(self, code: str, close: date) -> dict[str, str]:
        project = self.world.by_code[code]
        orders = [
            o for o in self.orders if o["project_code"] == code and o["vendor"] == project.vendor
        ]
        if not orders:
            return {}
        po = float(orders[0]["po_amount"])
        billed = sum(
            float(i["amount"])
            for i in self.invoices
            if i["po_number"] == orders[0]["po_number"] and i["invoice_date"] <= close.isoformat()
        )
        return {"billed": money(billed, project.currency), "po": money(po, project.currency)}


BAD_TICKETS = (
    ("priority", "a ticket priority the service levels do not know (TBD)"),
    ("timestamp", "an opened time that does not exist (31 February, 25:00)"),
    ("vendor", "a company the vendor register does not list (Tailwind Managed Svcs)"),
)
BAD_DETAIL = {
    "over_24h": "one of two 13 h entries by the same person on the same day (26 h in total)",
    "negative_hours": "negative hours on a worklog",
    "unknown_project": f"project code {UNKNOWN_PROJECT[0]} is not in the projects master",
    "bad_date": "a work date that does not exist (day 32)",
    "loop": "two go-lives linked to each other in the cross-project register (a loop)",
}


def main(argv: list[str] | None = None) -> None:
    """``python -m pipelines.demo.generator OUT [--projects N --people N --months N]``: timing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("landing_dir", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 10, 31))
    parser.add_argument("--projects", type=int, default=24)
    parser.add_argument("--people", type=int, default=120)
    parser.add_argument("--months", type=int, default=18)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    summary = generate_demo(
        args.landing_dir,
        seed=args.seed,
        as_of=args.as_of,
        projects=args.projects,
        people=args.people,
        months=args.months,
    )
    elapsed = time.perf_counter() - started
    print(
        f"{len(summary.files)} files, {summary.timesheet_rows:,} timesheet rows in {elapsed:.1f} s"
    )
    for entity, count in sorted(summary.expected_rows.items()):
        print(f"  {entity:16} {count:>10,}")
