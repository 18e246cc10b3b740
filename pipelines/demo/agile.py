"""Agile delivery: sprints and a backlog simulated sprint by sprint.

Each sprint the team commits about its usual velocity (carry-over first, then the top of the
backlog) and completes what its capacity allows. Unfinished issues carry over, so they sit in
several sprints (Jira's repeated ``Sprint`` columns); the stalled team keeps committing while its
completions collapse over the last four sprints, which is what a velocity chart should show.
The loop is per sprint over that sprint's issues (hundreds per project), not per timesheet row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import polars as pl

from pipelines.demo import catalogue as cat
from pipelines.demo.calendar import to_day
from pipelines.demo.world import Project, World, rng_for

SPRINT_DAYS = 14
POINTS = np.array([1.0, 2.0, 3.0, 5.0, 8.0, 13.0])
POINT_WEIGHTS = np.array([0.05, 0.15, 0.3, 0.3, 0.15, 0.05])
STALL_FACTORS = (0.62, 0.4, 0.25, 0.15)


def day_minutes(day: date, hour: float) -> int:
    return to_day(day) * 1440 + int(hour * 60)


@dataclass
class Sprint:
    number: int
    name: str
    start: date
    end: date
    """Last day of the sprint (inclusive)."""
    committed: float = 0.0
    completed: float = 0.0


@dataclass
class Backlog:
    project: Project
    team: str
    sprints: list[Sprint]
    kind: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    epic: list[int] = field(default_factory=list)
    points: list[float] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    """Minutes since 1970 (local time of the exporting user)."""
    started: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    first_sprint: list[int] = field(default_factory=list)
    last_sprint: list[int] = field(default_factory=list)
    assignee: list[int] = field(default_factory=list)
    reporter: list[int] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    key_number: list[int] = field(default_factory=list)
    issue_id: list[int] = field(default_factory=list)
    base_velocity: float = 0.0

    def add(self, **values: object) -> int:
        index = len(self.kind)
        for name, value in values.items():
            getattr(self, name).append(value)
        return index

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "epic": np.array(self.epic, dtype=np.int64),
            "points": np.array(self.points, dtype=np.float64),
            "created": np.array(self.created, dtype=np.int64),
            "started": np.array(self.started, dtype=np.int64),
            "resolved": np.array(self.resolved, dtype=np.int64),
            "first_sprint": np.array(self.first_sprint, dtype=np.int64),
            "last_sprint": np.array(self.last_sprint, dtype=np.int64),
        }

    def sprint_starts(self) -> np.ndarray:
        return np.array([to_day(s.start) for s in self.sprints], dtype=np.int64)

    def sprint_ends(self) -> np.ndarray:
        return np.array([to_day(s.end) for s in self.sprints], dtype=np.int64)

    def done_ratio(self, status_date: date) -> float:
        """Done points / known points on a date: the agile earned-value basis."""
        arrays = self.arrays()
        cutoff = day_minutes(status_date, 23.99)
        known = (arrays["created"] <= cutoff) & ~np.isnan(arrays["points"])
        done = known & (arrays["resolved"] >= 0) & (arrays["resolved"] <= cutoff)
        total = arrays["points"][known].sum()
        return float(arrays["points"][done].sum() / total) if total else 0.0


def status_dates(dates: list[date], sprint_starts: np.ndarray) -> pl.DataFrame:
    """One row per export date: its position (``snap``), the last minute of the day
    (``cutoff``) and how many sprints have started by then (``started``)."""
    return pl.DataFrame(
        {
            "snap": list(range(len(dates))),
            "cutoff": [day_minutes(d, 23.99) for d in dates],
            "started": [int((sprint_starts <= to_day(d)).sum()) for d in dates],
        }
    )


def _stories(rng: np.random.Generator, themes: list[str]) -> tuple[list[str], list[str]]:
    """Summaries and multi-line descriptions for a batch of stories (one per theme given)."""
    n = len(themes)
    verbs = rng.integers(0, len(cat.STORY_VERBS), size=n)
    objects = rng.integers(0, len(cat.STORY_OBJECTS), size=n)
    personas = rng.integers(0, len(cat.STORY_PERSONAS), size=n)
    criteria_count = rng.integers(2, 4, size=n)
    summaries, descriptions = [], []
    for i in range(n):
        verb, obj = cat.STORY_VERBS[verbs[i]], cat.STORY_OBJECTS[objects[i]]
        persona = cat.STORY_PERSONAS[personas[i]]
        summaries.append(f"{verb} {obj} in {themes[i].lower()}")
        criteria = (
            f"# The {obj} is shown within 2 seconds",
            f"# Changes to the {obj} are written to the audit log",
            "# Error states show a message the user can act on",
        )[: criteria_count[i]]
        descriptions.append(
            f"*User Story*\nAs a {persona}, I want to {verb.lower()} {obj} so that I do not "
            f"have to call the service desk.\n\n*Acceptance Criteria:*\n\n" + "\n".join(criteria)
        )
    return summaries, descriptions


def _bugs(rng: np.random.Generator, n: int) -> tuple[list[str], list[str]]:
    objects = rng.integers(0, len(cat.STORY_OBJECTS), size=n)
    symptoms = rng.integers(0, len(cat.BUG_SYMPTOMS), size=n)
    summaries, descriptions = [], []
    for i in range(n):
        obj, symptom = cat.STORY_OBJECTS[objects[i]], cat.BUG_SYMPTOMS[symptoms[i]]
        summaries.append(f"{obj[0].upper()}{obj[1:]} {symptom}")
        descriptions.append(
            f"Steps to reproduce:\n1. Open the {obj} page\n2. Repeat the last action\n\n"
            f"Expected: the {obj} loads normally.\nActual: it {symptom}."
        )
    return summaries, descriptions


def _sprint_calendar(project: Project, as_of: date) -> list[Sprint]:
    start = project.start
    while start.weekday() != 2:  # sprints start on Wednesdays
        start += timedelta(days=1)
    last_start = min(as_of, project.finish)
    sprints, number = [], 1
    while start <= last_start:
        sprints.append(
            Sprint(
                number,
                f"{project.code} Sprint {number}",
                start,
                start + timedelta(days=SPRINT_DAYS - 1),
            )
        )
        start += timedelta(days=SPRINT_DAYS)
        number += 1
    return sprints


def team_members(world: World, project: Project) -> np.ndarray:
    """People who ever have the project among their slots, most involved first."""
    slots = world.slot_project
    weight = np.where(slots == project.idx, world.slot_weight, 0.0).sum(axis=(0, 2))
    members = np.flatnonzero(weight > 0)
    return members[np.argsort(-weight[members], kind="stable")]


def simulate(world: World, project: Project, first_issue_id: int) -> Backlog:
    """The project's sprints as its team ran them: a backlog sized to finish on time at the
    team's pace, a few bugs a sprint, what each sprint committed and completed (the stalled
    storyline slows to a crawl), and issue keys and ids in creation order."""
    rng = rng_for(world.seed, "backlog", project.code)
    as_of = world.window.as_of
    sprints = _sprint_calendar(project, as_of)
    members = team_members(world, project)
    if members.size == 0:
        members = np.array([project.manager_idx])
    velocity = _team_velocity(world, project)
    planned = max(2, math.ceil((project.planned_finish - project.start).days / SPRINT_DAYS))
    backlog = Backlog(project, world.team_names[project.lead_team], sprints, base_velocity=velocity)
    epics = _add_epics(backlog, rng, int(np.clip(planned // 4, 3, 10)))
    queue = _add_stories(backlog, rng, epics, velocity * planned * 0.97, members)
    draws = _SprintDraws.draw(rng, len(sprints), len(backlog.kind), members)
    stall = _stall(project, sprints, as_of)
    carry: list[int] = []
    for k, sprint in enumerate(sprints):
        ramp = (0.6, 0.85)[k] if k < 2 else 1.0
        capacity = velocity * ramp * project.velocity_factor * draws.capacity_noise[k]
        capacity *= stall.get(k, 1.0)
        carry += _add_bugs(backlog, draws, epics, k)
        committed, committed_points = _commit(backlog, carry, queue, velocity * ramp)
        if not committed:
            break
        sprint.committed = committed_points
        carry = _run_sprint(backlog, draws, k, committed, capacity)
    _date_epics(backlog, epics)
    _office_hours(backlog)
    _number_issues(backlog, first_issue_id)
    return backlog


def _team_velocity(world: World, project: Project) -> float:
    """Points a sprint: about three per full-time person at the project's peak staffing."""
    fte = float(
        np.where(world.slot_project == project.idx, world.slot_weight, 0.0).sum(axis=(1, 2)).max()
    )
    return float(np.clip(round(3.0 * max(fte, 4.0)), 14, 55))


def _start_minutes(project: Project) -> int:
    return day_minutes(project.start, 9.5)


def _add_issue(backlog: Backlog, **values: object) -> int:
    """Add an issue nobody has started yet, reported by the project manager."""
    return backlog.add(
        **values,
        started=-1,
        resolved=-1,
        first_sprint=-1,
        last_sprint=-1,
        reporter=backlog.project.manager_idx,
    )


def _add_epics(backlog: Backlog, rng: np.random.Generator, n_epics: int) -> list[int]:
    project = backlog.project
    themes = rng.choice(len(cat.EPIC_THEMES), size=n_epics, replace=False)
    epics = []
    for e in range(n_epics):
        theme = cat.EPIC_THEMES[int(themes[e])]
        epics.append(
            _add_issue(
                backlog,
                kind="Epic",
                summary=theme,
                description=f"Deliver {theme.lower()} for {project.name}.",
                epic=-1,
                points=math.nan,
                created=_start_minutes(project) + 13 * e,
                assignee=project.manager_idx,
                priority="High",
            )
        )
    return epics


def _add_stories(
    backlog: Backlog,
    rng: np.random.Generator,
    epics: list[int],
    target_points: float,
    members: np.ndarray,
) -> list[int]:
    """The whole backlog in one batch of draws, sized so a team at its usual pace finishes on
    time, in epic order; returns it as the queue sprints commit from."""
    project = backlog.project
    start_minutes = _start_minutes(project)
    span_minutes = (project.planned_finish - project.start).days * 1440
    guess = int(target_points / float(POINTS @ POINT_WEIGHTS) * 1.3) + 10
    points = rng.choice(POINTS, size=guess, p=POINT_WEIGHTS)
    count = int(np.searchsorted(np.cumsum(points), target_points) + 1)
    points = points[:count]
    share = np.concatenate([[0.0], np.cumsum(points)[:-1]]) / target_points
    epic_of = [epics[min(len(epics) - 1, int(x * len(epics)))] for x in share]
    is_task = rng.random(count) >= 0.9
    early = rng.random(count) < 0.6
    created = np.where(
        early,
        start_minutes + rng.integers(1440, 15 * 1440, size=count),
        start_minutes + (rng.uniform(0.05, 0.7, size=count) * span_minutes).astype(np.int64),
    )
    summaries, descriptions = _stories(rng, [backlog.summary[e] for e in epic_of])
    object_pick = rng.integers(0, len(cat.STORY_OBJECTS), size=count)
    assignees = members[rng.integers(0, members.size, size=count)]
    priorities = rng.choice(["Medium", "High", "Low"], p=[0.6, 0.25, 0.15], size=count)
    queue: list[int] = []
    for i in range(count):
        task = bool(is_task[i])
        queue.append(
            _add_issue(
                backlog,
                kind="Task" if task else "Story",
                summary=f"Spike: {cat.STORY_OBJECTS[object_pick[i]]} options"
                if task
                else summaries[i],
                description="Time-boxed investigation; outcome recorded on the epic."
                if task
                else descriptions[i],
                epic=epic_of[i],
                points=float(points[i]),
                created=int(created[i]),
                assignee=int(assignees[i]),
                priority=str(priorities[i]),
            )
        )
    return queue


def _stall(project: Project, sprints: list[Sprint], as_of: date) -> dict[int, float]:
    """Sprint -> capacity factor: the stalled storyline's last sprints slow to a crawl."""
    stall = {}
    if project.storyline == "stalled_agile":
        completed_sprints = [k for k, s in enumerate(sprints) if s.end <= as_of]
        for factor, k in zip(STALL_FACTORS, completed_sprints[-4:], strict=False):
            stall[k] = factor
        if sprints and sprints[-1].end > as_of:
            stall[len(sprints) - 1] = 0.12
    return stall


@dataclass
class _SprintDraws:
    """Everything random about running the sprints, drawn in one batch up front."""

    capacity_noise: np.ndarray
    bug_counts: np.ndarray
    bug_summaries: list[str]
    bug_descriptions: list[str]
    bug_points: np.ndarray
    bug_age: np.ndarray
    bug_assignee: np.ndarray
    bug_priority: np.ndarray
    unestimated_done: np.ndarray
    """Per issue: whether an unestimated issue gets done."""
    resolve_at: np.ndarray
    work_days: np.ndarray
    start_carry: np.ndarray
    bugs_added: int = 0

    @classmethod
    def draw(
        cls, rng: np.random.Generator, n_sprints: int, n_issues: int, members: np.ndarray
    ) -> _SprintDraws:
        capacity_noise = rng.normal(1.0, 0.09, size=n_sprints)
        bug_counts = rng.poisson(1.2, size=n_sprints)
        bug_total = int(bug_counts.sum())
        bug_summaries, bug_descriptions = _bugs(rng, bug_total)
        bug_points = np.where(
            rng.random(bug_total) < 0.5, rng.choice([1.0, 2.0, 3.0], size=bug_total), math.nan
        )
        bug_age = rng.integers(1, 6 * 1440, size=bug_total)
        bug_assignee = members[rng.integers(0, members.size, size=bug_total)]
        bug_priority = rng.choice(["High", "Highest", "Medium"], p=[0.5, 0.2, 0.3], size=bug_total)
        issues = n_issues + bug_total + 10
        return cls(
            capacity_noise,
            bug_counts,
            bug_summaries,
            bug_descriptions,
            bug_points,
            bug_age,
            bug_assignee,
            bug_priority,
            unestimated_done=rng.random(issues) < 0.7,
            resolve_at=rng.uniform(0.1, 0.98, size=issues),
            work_days=rng.uniform(1, 5, size=issues),
            start_carry=rng.random(issues),
        )


def _add_bugs(backlog: Backlog, draws: _SprintDraws, epics: list[int], k: int) -> list[int]:
    """The bugs found before sprint ``k`` starts, filed under the epic of that stretch."""
    s_min = day_minutes(backlog.sprints[k].start, 9.0)
    n_sprints, n_epics = len(backlog.sprints), len(epics)
    added = []
    for _ in range(int(draws.bug_counts[k])):
        bug = draws.bugs_added
        added.append(
            _add_issue(
                backlog,
                kind="Bug",
                summary=draws.bug_summaries[bug],
                description=draws.bug_descriptions[bug],
                epic=epics[min(n_epics - 1, int(k / max(n_sprints, 1) * n_epics))],
                points=float(draws.bug_points[bug]),
                created=max(_start_minutes(backlog.project) + 60, s_min - int(draws.bug_age[bug])),
                assignee=int(draws.bug_assignee[bug]),
                priority=str(draws.bug_priority[bug]),
            )
        )
        draws.bugs_added += 1
    return added


def _size(backlog: Backlog, issue: int) -> float:
    size = backlog.points[issue]
    return 0.0 if math.isnan(size) else size


def _commit(
    backlog: Backlog, carry: list[int], queue: list[int], target: float
) -> tuple[list[int], float]:
    """What a sprint takes on: everything carried over, then the queue up to the target."""
    committed = list(carry)
    committed_points = sum(_size(backlog, i) for i in committed)
    while queue and committed_points < target:
        issue = queue.pop(0)
        committed.append(issue)
        committed_points += backlog.points[issue]
    return committed, committed_points


def _run_sprint(
    backlog: Backlog, draws: _SprintDraws, k: int, committed: list[int], capacity: float
) -> list[int]:
    """Work sprint ``k``: done what fits the capacity (an unestimated issue when lucky), the
    rest carried over, some of it started. Returns the carry-over."""
    sprint = backlog.sprints[k]
    s_min = day_minutes(sprint.start, 9.0)
    done_points, carry = 0.0, []
    for issue in committed:
        if backlog.first_sprint[issue] < 0:
            backlog.first_sprint[issue] = k
            backlog.created[issue] = min(backlog.created[issue], s_min - 1440)
        backlog.last_sprint[issue] = k
        size = _size(backlog, issue)
        lucky = draws.unestimated_done[(issue * 7919 + k * 104729) % draws.unestimated_done.size]
        work_days = draws.work_days[issue]
        if done_points + size <= capacity * 1.08 and (size > 0 or lucky):
            done_points += size
            resolved = s_min + int(draws.resolve_at[issue] * 13 * 1440)
            backlog.resolved[issue] = resolved
            if backlog.started[issue] < 0:
                backlog.started[issue] = max(s_min, resolved - int(work_days * 1440))
        else:
            carry.append(issue)
            if backlog.started[issue] < 0 and draws.start_carry[issue] < 0.6:
                backlog.started[issue] = s_min + int(work_days * 1.6 * 1440)
    sprint.completed = done_points
    return carry


def _date_epics(backlog: Backlog, epics: list[int]) -> None:
    """An epic starts with its first child and is resolved an hour after its last one."""
    arrays = backlog.arrays()
    for epic in epics:
        children = np.flatnonzero(arrays["epic"] == epic)
        if children.size == 0:
            continue
        started = arrays["started"][children]
        resolved = arrays["resolved"][children]
        if (started >= 0).any():
            backlog.started[epic] = int(started[started >= 0].min())
        if (resolved >= 0).all():
            backlog.resolved[epic] = int(resolved.max()) + 60


def _office_hours(backlog: Backlog) -> None:
    """Events happen in office hours: squeeze each day's minutes into 08:00-18:00 (order kept)."""
    for name in ("created", "started", "resolved"):
        values = np.array(getattr(backlog, name), dtype=np.int64)
        office = values // 1440 * 1440 + 480 + (values % 1440) * 600 // 1440
        setattr(backlog, name, np.where(values >= 0, office, values).tolist())


def _number_issues(backlog: Backlog, first_issue_id: int) -> None:
    """Keys and ids in creation order, ids following on from the previous project's."""
    order = np.argsort(np.array(backlog.created), kind="stable")
    backlog.key_number = [0] * len(backlog.kind)
    backlog.issue_id = [0] * len(backlog.kind)
    for rank, index in enumerate(order):
        backlog.key_number[int(index)] = rank + 1
        backlog.issue_id[int(index)] = first_issue_id + rank
