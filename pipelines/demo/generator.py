"""Deterministic demo portfolio: real-format exports and canonical files, for demos and benchmarks.

``generate_demo`` writes into a landing folder what a PMO would drop there: Jira, Azure DevOps
and MS Project exports per project per month end, Tempo/Harvest/Toggl/Clockify timesheets per
tool per month, and canonical CSV/XLSX files for what no tool exports (projects, people, rates,
budgets, change requests, purchase orders, invoices, risks, status notes, exchange rates, one
earned-value import). Everything derives from one model (``world.build_world``), so the files
agree with each other, and five storylines are planted for a viewer to find.

This module only orders the run. Each domain writes its own files through ``landing.Landing``
(which dates every file and keeps the tally a load is checked against): ``master`` (projects,
people, cost rates), ``timesheet_files``, ``finance``, ``delivery`` (task exports, sprint
calendar, cross-project links, closure days), ``risks``, ``notes`` (status notes), ``raid``
(issue, decision and action logs, lessons learned) and ``vendors``.

Same seed and as_of give byte-identical files with the same modification times (set to each
file's snapshot or month-end date), so mtime-based logic downstream is reproducible too.
"""

from __future__ import annotations

import argparse
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from pipelines.demo.agile import Backlog, simulate
from pipelines.demo.delivery import (
    write_closure_days,
    write_cross_project_links,
    write_sprint_calendar,
    write_task_exports,
)
from pipelines.demo.finance import Budget, build_budgets, month_closes, write_finance
from pipelines.demo.landing import BadRow, DemoFile, Landing
from pipelines.demo.master import write_master
from pipelines.demo.notes import write_status_notes
from pipelines.demo.raid import write_governance
from pipelines.demo.risks import write_risk_registers
from pipelines.demo.schedule import Plan, build_plan
from pipelines.demo.timesheet_files import write_timesheets
from pipelines.demo.vendors import write_vendors
from pipelines.demo.world import STORYLINE_CODES, World, build_world, expected_labour_cost

__all__ = ["BadRow", "DemoFile", "DemoSummary", "generate_demo", "main"]

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
MINIMUMS = {"projects": 6, "people": 20, "months": 6}


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
    return _generate(landing_dir, build_world(seed, as_of, projects, people, months))


def _generate(landing: Path, world: World) -> DemoSummary:
    """One run: every dataset derived from the world model, in the order their inputs exist."""
    out = Landing(landing)
    backlogs, ado_epics = _backlogs(world)
    actual_cost = write_timesheets(out, world, backlogs)
    budget = build_budgets(world, _labour_plan(world, actual_cost))
    plans = _plans(world, budget)
    progress = _progress(world, plans, backlogs)
    write_master(out, world)
    purchasing = write_finance(out, world, budget, plans, progress)
    write_task_exports(out, world, plans, backlogs, ado_epics)
    sprint_keys = write_sprint_calendar(out, world, backlogs)
    write_cross_project_links(out, world, plans)
    write_closure_days(out, world)
    write_risk_registers(out, world, budget.bac)
    notes = write_status_notes(out, world, plans, backlogs, purchasing)
    write_governance(out, world, notes)
    write_vendors(out, world, purchasing[1])
    expected = out.expected_rows()
    # Sprints are keyed by (project, sprint): the names the task exports repeat month after
    # month are the calendar's own, so the warehouse ends with one row per calendar sprint.
    expected["sprints"] = sprint_keys
    window = world.window
    return DemoSummary(
        landing_dir=landing,
        seed=world.seed,
        as_of=window.as_of,
        projects=len(world.projects),
        people=len(world.people),
        months=window.months,
        expected_rows=expected,
        bad_rows=list(out.bad_rows),
        storylines=dict(STORYLINE_CODES),
        files=sorted(out.files, key=lambda f: f.path),
    )


def _labour_plan(world: World, actual_cost: np.ndarray) -> np.ndarray:
    """Expected labour cost per month and project, calibrated on the booked timesheets.

    The staffing model says who works where; how the daily hours really split between a
    person's projects only shows in the timesheets, so each project's expected cost is scaled
    by its booked/expected ratio over the history. Budgets sized from it then land near the
    actuals, and only the storylines drift away from them.
    """
    expected = expected_labour_cost(world)
    past = len(world.window.month_starts)
    booked = actual_cost[:past].sum(axis=0)
    planned = expected[:past].sum(axis=0)
    ratio = np.divide(booked, planned, out=np.ones_like(booked), where=planned > 0)
    return expected * ratio[None, :]


def _plans(world: World, budget: Budget) -> dict[str, Plan]:
    """The waterfall projects' plans, sized to their budgets (and re-baselined ones to B2)."""
    plans = {}
    for project in world.projects:
        if project.methodology != "waterfall":
            continue
        bac = budget.bac[project.code]
        plan = build_plan(project, bac, world.seed)
        if project.rebaseline_date is not None:
            new_bac = budget.new_bac[project.code]
            added = new_bac - bac * plan.cost_at_rebaseline
            if added < 0.03 * bac:
                added = 0.03 * bac
                plan.cost_at_rebaseline = (new_bac - added) / bac
            plan.added_cost = added
        plans[project.code] = plan
    return plans


def _backlogs(world: World) -> tuple[dict[str, Backlog], dict[str, tuple[int, int]]]:
    """The agile and hybrid projects' sprint simulations, with work-item ids unique across the
    portfolio; and per hybrid project the ids of its two Azure DevOps epics."""
    backlogs, ado_epics, next_id = {}, {}, 10000
    for project in world.projects:
        if project.methodology == "waterfall":
            continue
        backlog = simulate(world, project, next_id)
        next_id += len(backlog.kind)
        if project.methodology == "hybrid":
            ado_epics[project.code] = (next_id, next_id + 1)
            next_id += 2
        backlogs[project.code] = backlog
    return backlogs, ado_epics


def _progress(
    world: World, plans: dict[str, Plan], backlogs: dict[str, Backlog]
) -> dict[str, list[tuple[date, float]]]:
    """Per project, the share of its work done at each month end (the vendors bill on it)."""
    progress = {}
    for project in world.projects:
        closes = month_closes(world, project)
        if project.code in plans:
            plan = plans[project.code]
            progress[project.code] = [(c, plan.earned_percent(c)) for c in closes]
        else:
            backlog = backlogs[project.code]
            progress[project.code] = [(c, backlog.done_ratio(c)) for c in closes]
    return progress


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
