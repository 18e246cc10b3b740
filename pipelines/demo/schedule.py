"""Waterfall schedules: one plan per project and its state at every status date.

A plan is a WBS of phases, tasks and milestones placed on the baseline window as fractions
``x`` in [0, 1]. Two monotone curves map ``x`` to calendar days: the baseline (where the work
should be) and the actuals (where it really is). A status date ``s`` reads both curves, which
gives percent complete, actual dates, and forecasts that slip month after month as a late
project's lag grows; a re-baseline swaps the baseline curve from the decision date on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from pipelines.demo import catalogue as cat
from pipelines.demo.calendar import to_day
from pipelines.demo.world import Project, rng_for

GRID = np.linspace(0.0, 1.0, 801)
PHASE_WEIGHTS = (0.06, 0.18, 0.36, 0.22, 0.12, 0.06)
PHASE_COST = (0.5, 0.9, 1.3, 1.1, 0.9, 0.4)
REBASELINE_SCOPE = (
    (2, "Returns processing module (CR-{cr})"),
    (3, "Additional SIT cycle for returns (CR-{cr})"),
)


@dataclass
class PlanTask:
    uid: int
    name: str
    wbs: str
    level: int
    kind: str
    """'summary', 'task' or 'milestone'."""
    a: float = 0.0
    b: float = 0.0
    cost_share: float = 0.0
    parent: int = 0
    predecessors: list[tuple[int, int, int]] = field(default_factory=list)
    """(predecessor UID, link type 0=FF 1=FS 2=SF 3=SS, lag in days)."""
    added_on: date | None = None
    """Set for scope added by the re-baseline: the task exists from that date on."""


@dataclass
class TaskState:
    """A task as MS Project shows it at a status date (day numbers, costs in currency units)."""

    start: float
    finish: float
    baseline_start: float
    baseline_finish: float
    percent: int
    actual_start: float | None
    actual_finish: float | None
    baseline_cost: float
    cost: float
    original: tuple[float, float, float] | None = None
    """Baseline1 (start, finish, cost): the original plan kept after a re-baseline."""


@dataclass
class Plan:
    project: Project
    tasks: list[PlanTask]
    bac: float
    """Budget at completion of the original baseline (B1), in the project currency."""
    actual_curve: np.ndarray
    baseline_curve: np.ndarray
    rebaseline_curve: np.ndarray | None = None
    rebaseline_day: int | None = None
    rebaseline_x: float = 1.0
    added_cost: float = 0.0
    cost_at_rebaseline: float = 1.0

    @property
    def leaves(self) -> list[PlanTask]:
        return [task for task in self.tasks if task.kind != "summary"]

    def x_actual(self, day: float) -> float:
        """Plan fraction reached on a day: the inverse of the actual curve."""
        return float(np.interp(day, self.actual_curve, GRID))

    def baseline_at(self, day: float) -> np.ndarray:
        if self.rebaseline_day is not None and day >= self.rebaseline_day:
            assert self.rebaseline_curve is not None
            return self.rebaseline_curve
        return self.baseline_curve

    def cost_factor(self, day: float) -> float:
        """Estimate-at-completion drift: the late project's costs grow as the work slips."""
        factor = self.project.cost_factor
        progress = min(1.0, self.x_actual(day) / 0.6)
        return 1 + (factor - 1) * progress

    def _arrays(self) -> tuple[list[PlanTask], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        leaves = self.leaves
        a = np.array([t.a for t in leaves])
        b = np.array([t.b for t in leaves])
        share = np.array([t.cost_share for t in leaves])
        added = np.array([to_day(t.added_on) if t.added_on else -(10**9) for t in leaves])
        return leaves, a, b, share, added

    def state(self, status_date: date) -> dict[int, TaskState]:
        """Every leaf task as MS Project shows it on a status date (vectorised over tasks)."""
        day = float(to_day(status_date))
        leaves, a, b, share, added = self._arrays()
        x_now = self.x_actual(day)
        baseline = self.baseline_at(day)
        lag = day - float(np.interp(x_now, GRID, baseline))
        factor = self.cost_factor(day)
        rebaselined = self.rebaseline_day is not None and day >= self.rebaseline_day
        base_start = np.interp(a, GRID, baseline)
        base_finish = np.interp(b, GRID, baseline)
        real_start = np.interp(a, GRID, self.actual_curve)
        real_finish = np.interp(b, GRID, self.actual_curve)
        started, finished = real_start <= day, real_finish <= day
        span = np.maximum(b - a, 1e-9)
        partial = np.clip((x_now - a) / span * 100, 0, 99).astype(np.int64)
        percent = np.where(finished, 100, np.where(started & (b > a), partial, 0))
        start = np.where(started, real_start, np.maximum(base_start + lag, day + 1))
        finish = np.where(
            finished,
            real_finish,
            np.maximum.reduce([base_finish + lag, np.full(a.size, day + 1), start]),
        )
        b1_cost = self.bac * share
        is_added = added > -(10**9)
        if rebaselined:
            base_cost = np.where(
                is_added, self.added_cost * share, b1_cost * self.cost_at_rebaseline
            )
            cost = base_cost * (1 + (factor - self.cost_at_rebaseline) * 0.15)
            o_start = np.interp(a, GRID, self.baseline_curve)
            o_finish = np.interp(b, GRID, self.baseline_curve)
        else:
            base_cost, cost = b1_cost, b1_cost * factor
        states: dict[int, TaskState] = {}
        for i, task in enumerate(leaves):
            if is_added[i] and day < added[i]:
                continue
            states[task.uid] = TaskState(
                start=float(start[i]),
                finish=float(finish[i]),
                baseline_start=float(base_start[i]),
                baseline_finish=float(base_finish[i]),
                percent=int(percent[i]),
                actual_start=float(real_start[i]) if started[i] else None,
                actual_finish=float(real_finish[i]) if finished[i] else None,
                baseline_cost=float(base_cost[i]),
                cost=float(cost[i]),
                original=(float(o_start[i]), float(o_finish[i]), float(b1_cost[i]))
                if rebaselined and not is_added[i]
                else None,
            )
        return states

    def planned_percent(self, status_date: date) -> float:
        """Share of the B1 budget the baseline says should be earned by the status date."""
        day = float(to_day(status_date))
        _, a, b, share, added = self._arrays()
        x_plan = float(np.interp(day, self.baseline_curve, GRID))
        original = added <= -(10**9)
        done = np.clip((x_plan - a) / np.maximum(b - a, 1e-9), 0, 1)
        return float((share * done)[original].sum())

    def earned_percent(self, status_date: date) -> float:
        states = self.state(status_date)
        return float(
            sum(
                task.cost_share * states[task.uid].percent / 100
                for task in self.leaves
                if task.uid in states and task.added_on is None
            )
        )


def build_plan(project: Project, bac: float, seed: int) -> Plan:
    """The project's MS Project plan: the phases' tasks and milestones, the baseline and the
    curve the work really follows (late projects slip; the re-baselined one gets scope added
    and a second baseline)."""
    rng = rng_for(seed, "plan", project.code)
    edges = np.concatenate([[0.0], np.cumsum(PHASE_WEIGHTS)])
    edges[-1] = 1.0
    tasks = _work_breakdown(project, rng, edges)
    start, finish = float(to_day(project.start)), float(to_day(project.planned_finish))
    span = finish - start
    baseline = start + span * GRID
    plan = Plan(project, tasks, bac, actual_curve=baseline.copy(), baseline_curve=baseline)
    if project.storyline == "recovering_rebaseline":
        _rebaseline(plan, edges, start, span)
    else:
        real_span = float(to_day(project.finish)) - start
        slip = real_span / span - 1
        noise = rng.normal(0, 0.004, size=GRID.size).cumsum() * span * 0.02
        noise -= np.linspace(noise[0], noise[-1], GRID.size)
        curve = start + span * (GRID + slip * GRID**2) + noise
        curve[0] = start
        plan.actual_curve = np.maximum.accumulate(curve)
    return plan


def _work_breakdown(
    project: Project, rng: np.random.Generator, edges: np.ndarray
) -> list[PlanTask]:
    """Per phase a summary, its tasks (overlapping, start-to-start with a lag) and a closing
    milestone that waits on the last tasks; cost shares normalised to 1."""
    tasks: list[PlanTask] = []
    uid = 1
    previous_milestone = 0
    days = (project.planned_finish - project.start).days
    for p, (phase, names, milestone) in enumerate(cat.WATERFALL_PHASES):
        p0, p1 = float(edges[p]), float(edges[p + 1])
        summary = PlanTask(uid, phase, f"{p + 1}", 1, "summary")
        tasks.append(summary)
        uid += 1
        n = len(names)
        span = p1 - p0
        previous_uid = 0
        for k, name in enumerate(names):
            a = p0 + span * k / (n + 0.6)
            b = min(p1, a + span * float(rng.uniform(1.4, 2.0)) / (n + 0.6))
            if k == n - 1:
                b = p1
            task = PlanTask(uid, name, f"{p + 1}.{k + 1}", 2, "task", a, b, parent=summary.uid)
            task.cost_share = (b - a) * PHASE_COST[p]
            if k == 0 and previous_milestone:
                task.predecessors.append((previous_milestone, 1, 0))
            elif previous_uid:
                lag_days = round((a - tasks[-1].a) * days * 5 / 7)
                task.predecessors.append((previous_uid, 3, max(0, lag_days)))
            tasks.append(task)
            previous_uid = uid
            uid += 1
        mile = PlanTask(
            uid, milestone, f"{p + 1}.{n + 1}", 2, "milestone", p1, p1, parent=summary.uid
        )
        mile.predecessors.append((previous_uid, 1, 0))
        if n > 1:
            mile.predecessors.append((previous_uid - 1, 0, -1 if p == 2 else 0))
        tasks.append(mile)
        previous_milestone = uid
        uid += 1
    total = sum(task.cost_share for task in tasks)
    for task in tasks:
        task.cost_share /= total
    return tasks


def _rebaseline(plan: Plan, edges: np.ndarray, start: float, span: float) -> None:
    """The re-baselined project: slow until the decision, then a second baseline to the new
    finish that the work runs slightly ahead of, and the scope the change request adds."""
    project, tasks = plan.project, plan.tasks
    assert project.rebaseline_date is not None and project.rebaseline_finish is not None
    slow = start + span * (GRID + 0.6 * GRID**2)
    decision = float(to_day(project.rebaseline_date))
    x_d = float(np.interp(decision, slow, GRID))
    new_finish = float(to_day(project.rebaseline_finish))
    rebase = np.where(
        x_d >= GRID, slow, decision + (GRID - x_d) / (1 - x_d) * (new_finish - decision)
    )
    ahead = np.where(x_d < GRID, 3.0 * np.sin(np.pi * (GRID - x_d) / (1 - x_d)), 0.0)
    plan.actual_curve = np.maximum.accumulate(rebase - ahead)
    plan.rebaseline_curve = rebase
    plan.rebaseline_day = int(decision)
    plan.rebaseline_x = x_d
    plan.cost_at_rebaseline = plan.cost_factor(decision)
    parents = {task.wbs: task for task in tasks if task.kind == "summary"}
    uid = max(task.uid for task in tasks) + 1
    for phase_index, label in REBASELINE_SCOPE:
        phase = parents[str(phase_index + 1)]
        p0, p1 = float(edges[phase_index]), float(edges[phase_index + 1])
        a = max(p0 + (p1 - p0) * 0.3, x_d + 0.02)
        b = min(p1, a + (p1 - p0) * 0.45)
        siblings = [t for t in tasks if t.parent == phase.uid and t.kind == "task"]
        added = PlanTask(
            uid,
            label.format(cr=f"{project.code}-01"),
            f"{phase.wbs}.{len(siblings) + 2}",
            2,
            "task",
            a,
            b,
            parent=phase.uid,
            added_on=project.rebaseline_date,
        )
        added.cost_share = 0.5
        added.predecessors.append((siblings[1].uid, 1, 0))
        tasks.insert(tasks.index(siblings[-1]) + 1, added)
        uid += 1
    plan.added_cost = plan.bac * 0.12
