"""Timesheets, generated as whole-month numpy arrays and written as each tool exports them.

For every month the person x working-day grid is built at once; leave, sickness and holidays
punch holes in it; each remaining day is split over the person's staffed projects. Time on Jira
projects goes to Tempo against an issue of the sprint running that day; other time goes to the
person's tool (Harvest for contractors and the Americas/UK teams, Toggl or Clockify for the
rest). No Python loop runs per row: loops are per month and per tool only, which is what lets
the same code write millions of rows for benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from pipelines.demo import catalogue as cat
from pipelines.demo.agile import Backlog
from pipelines.demo.calendar import add_months, month_end, to_day
from pipelines.demo.world import FX_AVERAGE, World, rng_for

TOOLS = ("tempo", "harvest", "toggl", "clockify")
ACTIVITIES = tuple(sorted(set(cat.ROLE_ACTIVITY.values())))
BILLABLE_ACTIVITIES = ("Deployment", "Design", "Development", "Testing")
ROLE_NAMES = tuple(name for name, _, _ in cat.ROLES)


@dataclass
class IssueIndex:
    """Every Jira issue of every Tempo-tracked project, and which sprint each was in."""

    frame: pl.DataFrame
    """One row per issue: key, summary, type, epic key/summary, project, reporter."""
    started: np.ndarray
    resolved: np.ndarray
    sprint_key: np.ndarray
    """project * 10**6 + sprint start day, sorted."""
    sprint_end: np.ndarray
    offsets: np.ndarray
    counts: np.ndarray
    members: np.ndarray
    """Issue rows per sprint, concatenated (CSR layout)."""
    fallback: np.ndarray
    """Per project index: an issue row to book against when no sprint runs (an epic), or -1."""


ISSUE_COLUMNS = (
    "issue_key",
    "issue_summary",
    "issue_type",
    "epic_key",
    "epic_summary",
    "project_key",
    "project_name",
    "reporter",
)


def build_issue_index(world: World, backlogs: dict[str, Backlog]) -> IssueIndex:
    """Index the Jira projects' issues in project order, with each sprint's issues."""
    frames, started, resolved = [], [], []
    sprints: dict[str, list] = {"key": [], "end": [], "offset": [], "count": [], "members": []}
    fallback = np.full(len(world.projects), -1, dtype=np.int64)
    base = 0
    for code in sorted(backlogs, key=lambda c: world.by_code[c].idx):
        backlog = backlogs[code]
        project = backlog.project
        if project.export not in ("jira", "jira_es"):
            continue
        arrays = backlog.arrays()
        frames.append(_issue_frame(backlog, world.people.full_name))
        started.append(arrays["started"])
        resolved.append(arrays["resolved"])
        epics = np.flatnonzero(arrays["epic"] < 0)
        if epics.size:
            fallback[project.idx] = base + int(epics[0])
        _index_sprints(backlog, arrays, base, sprints)
        base += len(backlog.kind)
    frame = pl.concat(frames) if frames else pl.DataFrame(schema=ISSUE_SCHEMA)
    order = np.argsort(np.array(sprints["key"], dtype=np.int64), kind="stable")

    def ordered(name: str) -> np.ndarray:
        return np.array(sprints[name], dtype=np.int64)[order]

    def joined(parts: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    return IssueIndex(
        frame=frame.with_row_index("issue_row"),
        started=joined(started),
        resolved=joined(resolved),
        sprint_key=ordered("key"),
        sprint_end=ordered("end"),
        offsets=ordered("offset"),
        counts=ordered("count"),
        members=joined(sprints["members"]),
        fallback=fallback,
    )


ISSUE_SCHEMA = dict.fromkeys(ISSUE_COLUMNS, pl.String)


def _issue_frame(backlog: Backlog, names: list[str]) -> pl.DataFrame:
    code, n = backlog.project.code, len(backlog.kind)
    keys = [f"{code}-{k}" for k in backlog.key_number]
    epic = backlog.arrays()["epic"].tolist()
    return pl.DataFrame(
        {
            "issue_key": keys,
            "issue_summary": backlog.summary,
            "issue_type": backlog.kind,
            "epic_key": [keys[e] if e >= 0 else None for e in epic],
            "epic_summary": [backlog.summary[e] if e >= 0 else None for e in epic],
            "project_key": [code] * n,
            "project_name": [backlog.project.name] * n,
            "reporter": [names[r] for r in backlog.reporter],
        },
        schema=ISSUE_SCHEMA,
    )


def _index_sprints(
    backlog: Backlog, arrays: dict[str, np.ndarray], base: int, sprints: dict[str, list]
) -> None:
    """Append each sprint's key, end and issues (CSR: offset, count, members from ``base``)."""
    first, last = arrays["first_sprint"], arrays["last_sprint"]
    member_total = sum(sprints["count"])
    for k, sprint in enumerate(backlog.sprints):
        inside = np.flatnonzero((first <= k) & (last >= k) & (first >= 0))
        sprints["key"].append(backlog.project.idx * 10**6 + to_day(sprint.start))
        sprints["end"].append(to_day(sprint.end))
        sprints["offset"].append(member_total)
        sprints["count"].append(inside.size)
        sprints["members"].append(inside + base)
        member_total += inside.size


@dataclass
class Leave:
    """Per person, the first day of each leave block and its length in calendar days."""

    first: np.ndarray
    length: np.ndarray


def build_leave(world: World) -> Leave:
    rng = rng_for(world.seed, "leave")
    n = len(world.people)
    years = range(world.window.start.year, world.window.as_of.year + 1)
    firsts, lengths = [], []
    for year in years:
        summer = to_day(date(year, 7, 1)) + rng.integers(0, 50, size=n)
        other = to_day(date(year, 1, 8)) + rng.integers(0, 330, size=n)
        firsts += [summer, other]
        lengths += [rng.choice([7, 14, 14, 21], size=n), rng.choice([3, 7, 7], size=n)]
    return Leave(np.stack(firsts, axis=1), np.stack(lengths, axis=1))


@dataclass
class MonthEntries:
    """Time entries of one month as arrays (one element per entry)."""

    person: np.ndarray
    day: np.ndarray
    project: np.ndarray
    hours: np.ndarray
    start_minute: np.ndarray
    issue: np.ndarray
    """Issue row (IssueIndex) for Tempo entries, -1 otherwise."""
    activity: np.ndarray
    note: np.ndarray
    tool: np.ndarray
    """Index into TOOLS."""
    overrides: dict[str, dict[int, str]] = field(default_factory=dict)
    """Deliberately bad values: column -> {entry index: raw text}."""
    bad: dict[int, str] = field(default_factory=dict)
    """Entry index -> reason keyword, for the entries that must end in quarantine."""

    def __len__(self) -> int:
        return int(self.person.size)

    def select(self, keep: np.ndarray) -> MonthEntries:
        index = np.flatnonzero(keep)
        remap = {int(old): new for new, old in enumerate(index)}
        return MonthEntries(
            person=self.person[index],
            day=self.day[index],
            project=self.project[index],
            hours=self.hours[index],
            start_minute=self.start_minute[index],
            issue=self.issue[index],
            activity=self.activity[index],
            note=self.note[index],
            tool=self.tool[index],
            overrides={
                c: {remap[i]: v for i, v in m.items() if i in remap}
                for c, m in self.overrides.items()
            },
            bad={remap[i]: v for i, v in self.bad.items() if i in remap},
        )

    def append(self, added: MonthEntries) -> MonthEntries:
        """These entries followed by ``added`` (whose overrides and bad marks are not kept)."""
        arrays = ("person", "day", "project", "hours", "start_minute", "issue", "activity")
        merged = {
            name: np.concatenate([getattr(self, name), getattr(added, name)])
            for name in (*arrays, "note", "tool")
        }
        return MonthEntries(**merged, overrides=self.overrides, bad=dict(self.bad))


NOTES = [note for activity in ACTIVITIES for note in cat.ACTIVITY_NOTES[activity]]
NOTE_OFFSETS = np.cumsum([0] + [len(cat.ACTIVITY_NOTES[a]) for a in ACTIVITIES])[:-1]
NOTE_COUNTS = np.array([len(cat.ACTIVITY_NOTES[a]) for a in ACTIVITIES])


def generate_month(world: World, month: int, leave: Leave, issues: IssueIndex) -> MonthEntries:
    """All entries of window month ``month`` (0-based), vectorised over people x days."""
    rng = rng_for(world.seed, "timesheets", month)
    people = world.people
    first = world.window.month_starts[month]
    person, day = _days_worked(world, rng, first, leave)
    person, day, slots, include, hours = _split_days(world, rng, first, person, day)
    before = np.cumsum(hours, axis=1) - hours
    day_start = 8 * 60 + rng.integers(0, 19, size=person.size) * 5
    start_minute = day_start[:, None] + np.round(before * 60).astype(np.int64)
    start_minute = start_minute + np.where(before >= 4, 30, 0)  # half an hour for lunch

    flat = include.ravel()
    e_person = np.repeat(person, 3)[flat]
    e_day = np.repeat(day, 3)[flat]
    e_project = slots.ravel()[flat]
    count = e_person.size
    agile = np.array([p.export in ("jira", "jira_es") for p in world.projects])
    tool_of_person = np.array([TOOLS.index(t) for t in people.tool])
    e_tool = np.where(agile[e_project], 0, tool_of_person[e_person])
    activity_of_role = np.array([ACTIVITIES.index(cat.ROLE_ACTIVITY[r]) for r in ROLE_NAMES])
    e_activity = activity_of_role[people.role[e_person]]
    e_note = NOTE_OFFSETS[e_activity] + (rng.random(count) * NOTE_COUNTS[e_activity]).astype(
        np.int64
    )
    return MonthEntries(
        person=e_person,
        day=e_day,
        project=e_project,
        hours=hours.ravel()[flat],
        start_minute=start_minute.ravel()[flat],
        issue=_issues_worked_on(rng, issues, e_project, e_day, e_tool),
        activity=e_activity,
        note=e_note,
        tool=e_tool,
    )


def _days_worked(
    world: World, rng: np.random.Generator, first: date, leave: Leave
) -> tuple[np.ndarray, np.ndarray]:
    """(person, day) of every working day someone books in the month: employed, not on leave,
    not sick, and in December mostly not in the festive fortnight."""
    people = world.people
    last = min(month_end(first), world.window.as_of)
    days = world.window.workdays(first, last)
    n_people, n_days = len(people), days.size
    person = np.repeat(np.arange(n_people, dtype=np.int64), n_days)
    day = np.tile(days, n_people)
    working = (people.start_day[person] <= day) & (people.end_day[person] >= day)
    on_leave = (
        (day[:, None] >= leave.first[person])
        & (day[:, None] < leave.first[person] + leave.length[person])
    ).any(axis=1)
    working &= ~on_leave
    working &= rng.random(person.size) >= 0.025  # sick days and days nobody logged
    dates = days.astype("datetime64[D]")
    month_day = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    if first.month == 12:
        festive = np.isin(month_day, np.arange(22, 32))
        working &= ~(np.tile(festive, n_people) & (rng.random(person.size) < 0.75))
    return person[working], day[working]


def _split_days(
    world: World, rng: np.random.Generator, first: date, person: np.ndarray, day: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Each day's hours over the person's staffed projects (up to three slots) that run that
    day, the first slot always, the others most days; days with no project are dropped.

    Returns person, day, slots (k, 3), which slots are booked and their hours (k, 3).
    """
    people = world.people
    ext = world.month_of(first)
    slots = world.slot_project[ext, person]  # (k, 3)
    weights = world.slot_weight[ext, person].copy()
    starts = np.array([to_day(p.start) for p in world.projects])
    finishes = np.array([to_day(p.finish) for p in world.projects])
    valid = slots >= 0
    safe = np.where(valid, slots, 0)
    valid &= (starts[safe] <= day[:, None]) & (finishes[safe] >= day[:, None])
    draws = rng.random((person.size, 3))
    include = valid & (draws < np.array([1.0, 0.8, 0.55]))
    none = ~include.any(axis=1) & valid.any(axis=1)
    best = np.argmax(np.where(valid, weights, -1), axis=1)
    include[none, best[none]] = True
    weights = np.where(include, weights, 0.0)
    total = weights.sum(axis=1, keepdims=True)
    keep = total[:, 0] > 0
    person, day, slots, weights, total = (
        person[keep],
        day[keep],
        slots[keep],
        weights[keep],
        total[keep],
    )
    include = weights > 0
    fill = np.clip(rng.normal(0.95, 0.07, size=person.size), 0.7, 1.15)
    day_hours = np.round(people.capacity[person] / 5 * fill * 4) / 4
    hours = np.where(
        include, np.maximum(0.25, np.round(day_hours[:, None] * weights / total * 4) / 4), 0
    )
    return person, day, slots, include, hours


def _issues_worked_on(
    rng: np.random.Generator,
    issues: IssueIndex,
    e_project: np.ndarray,
    e_day: np.ndarray,
    e_tool: np.ndarray,
) -> np.ndarray:
    """For Tempo entries, an issue of the sprint running that day (else the project's epic);
    -1 for the other tools."""
    e_issue = np.full(e_project.size, -1, dtype=np.int64)
    tempo = np.flatnonzero(e_tool == 0)
    if tempo.size and issues.members.size:
        query = e_project[tempo] * 10**6 + e_day[tempo]
        position = np.searchsorted(issues.sprint_key, query, side="right") - 1
        found = position >= 0
        position = np.maximum(position, 0)
        same_project = issues.sprint_key[position] // 10**6 == e_project[tempo]
        running = found & same_project & (issues.sprint_end[position] >= e_day[tempo])
        running &= issues.counts[position] > 0
        pick = issues.offsets[position] + (
            rng.random(tempo.size) * np.maximum(issues.counts[position], 1)
        ).astype(np.int64)
        chosen = np.where(running, issues.members[np.minimum(pick, issues.members.size - 1)], -1)
        e_issue[tempo] = chosen
    # No sprint running that day (before the first or after the last): book on an epic.
    e_issue[tempo] = np.where(
        e_issue[tempo] >= 0, e_issue[tempo], issues.fallback[e_project[tempo]]
    )
    return e_issue


# --- writers --------------------------------------------------------------------------------

TEMPO_HEADER = (
    "Issue Key",
    "Issue summary",
    "Hours",
    "Work date",
    "Username",
    "Full name",
    "Period",
    "Account Key",
    "Account Name",
    "Account Lead",
    "Account Category",
    "Account Customer",
    "Activity Name",
    "Component",
    "All Components",
    "Version Name",
    "Issue Type",
    "Issue Status",
    "Project Key",
    "Project Name",
    "Epic",
    "Epic Link",
    "Work Description",
    "Parent Key",
    "Reporter",
    "External Hours",
    "Billed Hours",
    "Issue Original Estimate",
    "Issue Remaining Estimate",
    "Country",
    "Epic Link",
    "Epic Name",
    "Business area/s",
    "IT Team",
    "Product line",
    "Product",
    "Platform",
    "Phase",
    "Initiative Code",
)
HARVEST_HEADER = (
    "Date",
    "Client",
    "Project",
    "Project Code",
    "Task",
    "Notes",
    "Hours",
    "Billable?",
    "Invoiced?",
    "Approved?",
    "First Name",
    "Last Name",
    "Employee Id",
    "Roles",
    "Employee?",
    "Billable Rate",
    "Billable Amount",
    "Cost Rate",
    "Cost Amount",
    "Currency",
    "External Reference URL",
)
TOGGL_HEADER = (
    "User",
    "Email",
    "Client",
    "Project",
    "Task",
    "Description",
    "Billable",
    "Start date",
    "Start time",
    "End date",
    "End time",
    "Duration",
    "Tags",
    "Amount (EUR)",
)
CLOCKIFY_HEADER = (
    "Project",
    "Client",
    "Description",
    "Task",
    "User",
    "Group",
    "Email",
    "Tags",
    "Billable",
    "Start Date",
    "Start Time",
    "End Date",
    "End Time",
    "Duration (h)",
    "Duration (decimal)",
    "Billable Rate (EUR)",
    "Billable Amount (EUR)",
)
HEADERS = {
    "tempo": TEMPO_HEADER,
    "harvest": HARVEST_HEADER,
    "toggl": TOGGL_HEADER,
    "clockify": CLOCKIFY_HEADER,
}
COUNTRY = {"EUR": "Netherlands", "USD": "United States", "GBP": "United Kingdom"}


def _lookup(values: list[str] | tuple[str, ...], index: pl.Expr) -> pl.Expr:
    return pl.lit(pl.Series(list(values), dtype=pl.String)).gather(index)


def _hms(seconds: pl.Expr) -> pl.Expr:
    hours = seconds // 3600
    minutes = (seconds % 3600) // 60
    secs = seconds % 60
    return pl.format(
        "{}:{}:{}",
        hours.cast(pl.String).str.zfill(2),
        minutes.cast(pl.String).str.zfill(2),
        secs.cast(pl.String).str.zfill(2),
    )


def _decimal(expr: pl.Expr, digits: int = 2) -> pl.Expr:
    """Dot-decimal text without float noise (7.5 -> '7.5', 7.25 -> '7.25')."""
    return expr.round(digits).cast(pl.String)


def _fixed2(expr: pl.Expr) -> pl.Expr:
    """Non-negative amount with exactly two decimals, as Clockify shows them (7.50)."""
    cents = (expr * 100).round(0).cast(pl.Int64)
    return pl.format("{}.{}", cents // 100, (cents % 100).cast(pl.String).str.zfill(2))


def entries_frame(
    world: World, entries: MonthEntries, issues: IssueIndex, month: int
) -> pl.DataFrame:
    """The month's entries with everything the tool formats need, as one polars frame."""
    snapshot = world.window.snapshot_dates[month]
    cutoff = to_day(snapshot) * 1440 + 1439
    frame = pl.DataFrame(
        {
            "entry": np.arange(len(entries), dtype=np.int64),
            "person": entries.person,
            "day": entries.day.astype(np.int32),
            "project": entries.project,
            "hours": entries.hours,
            "start_minute": entries.start_minute,
            "issue": entries.issue,
            "activity": entries.activity,
            "note": entries.note,
            "tool": entries.tool,
        }
    )
    status = np.where(
        (issues.resolved >= 0) & (issues.resolved <= cutoff),
        "Done",
        np.where((issues.started >= 0) & (issues.started <= cutoff), "In Progress", "To Do"),
    )
    issue_frame = issues.frame.with_columns(
        pl.Series("issue_status", status, dtype=pl.String),
        pl.col("issue_row").cast(pl.Int64),
    )
    frame = frame.join(issue_frame, left_on="issue", right_on="issue_row", how="left")
    frame = frame.with_columns(
        pl.from_epoch(pl.col("day").cast(pl.Int64) * 86400, time_unit="s").dt.date().alias("date"),
        *_person_columns(world, month),
        *_project_columns(world),
    )
    for column, values in entries.overrides.items():
        override = pl.DataFrame(
            {"entry": list(values), f"{column}__override": list(values.values())},
            schema={"entry": pl.Int64, f"{column}__override": pl.String},
        )
        frame = frame.join(override, on="entry", how="left")
    bad = pl.DataFrame(
        {"entry": list(entries.bad), "bad_reason": list(entries.bad.values())},
        schema={"entry": pl.Int64, "bad_reason": pl.String},
    )
    return frame.join(bad, on="entry", how="left").sort("entry")


def _person_columns(world: World, month: int) -> list[pl.Expr]:
    """Who booked the entry: names, team, role, contractor or not, cost rate and currency."""
    people = world.people
    person = pl.col("person")
    currency_rate = np.array([FX_AVERAGE[c] for c in people.currency])
    rates = world.rate_local(
        np.arange(len(people)), world.month_of(world.window.month_starts[month])
    )

    def per_person(values: object) -> pl.Expr:
        return pl.lit(pl.Series(values)).gather(person)

    return [
        _lookup(people.employee_id, person).alias("employee_id"),
        _lookup(people.first_name, person).alias("first_name"),
        _lookup(people.last_name, person).alias("last_name"),
        _lookup(people.full_name, person).alias("full_name"),
        _lookup(people.email, person).alias("email"),
        _lookup(people.currency, person).alias("currency"),
        _lookup(world.team_names, per_person(people.team)).alias("team"),
        _lookup(ROLE_NAMES, per_person(people.role)).alias("role"),
        per_person(people.contractor).alias("contractor"),
        per_person(rates).alias("cost_rate"),
        per_person(currency_rate).alias("fx"),
    ]


def _project_columns(world: World) -> list[pl.Expr]:
    """What the entry was booked on: project, client, activity and comment, billable or not."""
    projects = world.projects
    project = pl.col("project")
    return [
        _lookup([p.code for p in projects], project).alias("project_code"),
        _lookup([p.name for p in projects], project).alias("project_name"),
        _lookup([p.business_unit for p in projects], project).alias("client"),
        _lookup([p.portfolio for p in projects], project).alias("portfolio"),
        _lookup(ACTIVITIES, pl.col("activity")).alias("activity_name"),
        _lookup(NOTES, pl.col("note")).alias("comment"),
        pl.col("activity")
        .is_in([ACTIVITIES.index(a) for a in BILLABLE_ACTIVITIES])
        .alias("billable"),
    ]


def _override(frame: pl.DataFrame, column: str, expr: pl.Expr) -> pl.Expr:
    name = f"{column}__override"
    if name in frame.columns:
        return pl.coalesce(pl.col(name), expr)
    return expr


def format_tool(frame: pl.DataFrame, tool: str, is_approved: bool) -> pl.DataFrame:
    """Rows of one tool, in that tool's export columns (positional names c0..cN) + bad_reason."""
    rows = frame.filter(pl.col("tool") == TOOLS.index(tool)).sort(
        "day", "employee_id", "start_minute", "entry"
    )
    if tool == "tempo":
        columns = _tempo_columns()
    elif tool == "harvest":
        columns = _harvest_columns(rows, is_approved)
    elif tool == "toggl":
        columns = _toggl_columns(rows)
    else:
        columns = _clockify_columns(rows)
    header = HEADERS[tool]
    assert len(columns) == len(header), (tool, len(columns), len(header))
    return rows.select(
        *[expr.cast(pl.String).alias(f"c{i}") for i, expr in enumerate(columns)],
        pl.col("bad_reason"),
    )


HOURS = pl.col("hours")
BILLABLE = pl.col("billable")
NULL = pl.lit(None, pl.String)
BILLABLE_RATE = (pl.col("cost_rate") * 1.35).round(2)
"""What the hour is billed at: cost plus 35 %."""
START = pl.col("date").cast(pl.Datetime("us")) + pl.duration(minutes=pl.col("start_minute"))
SECONDS = (HOURS * 3600).round(0).cast(pl.Int64)
END = START + pl.duration(seconds=SECONDS)


def _if_billable(then: pl.Expr | str, otherwise: pl.Expr | str | None) -> pl.Expr:
    def lit(value: pl.Expr | str | None) -> pl.Expr:
        return value if isinstance(value, pl.Expr) else pl.lit(value, pl.String)

    return pl.when(BILLABLE).then(lit(then)).otherwise(lit(otherwise))


def _tempo_columns() -> list[pl.Expr]:
    return [
        pl.col("issue_key"),
        pl.col("issue_summary"),
        _decimal(HOURS),
        START.dt.strftime("%Y-%-m-%-d %-H:%M"),
        pl.col("employee_id"),
        pl.col("full_name"),
        NULL,
        _if_billable("CAPEX", "OPEX"),
        _if_billable("Capitalisable project work", "Operating expense"),
        NULL,
        NULL,
        pl.col("client"),
        pl.col("activity_name"),
        *[NULL] * 3,
        pl.col("issue_type"),
        pl.col("issue_status"),
        pl.col("project_key"),
        pl.col("project_name"),
        pl.col("epic_summary"),
        pl.col("epic_key"),
        pl.col("comment"),
        pl.col("epic_key"),
        pl.col("reporter"),
        *[NULL] * 4,
        pl.col("currency").replace_strict(COUNTRY, return_dtype=pl.String),
        pl.col("epic_key"),
        pl.col("epic_summary"),
        pl.col("portfolio"),
        pl.col("team"),
        *[NULL] * 5,
    ]


def _harvest_columns(rows: pl.DataFrame, is_approved: bool) -> list[pl.Expr]:
    return [
        _override(rows, "date", pl.col("date").dt.strftime("%Y-%m-%d")),
        pl.col("client"),
        _override(rows, "project_name", pl.col("project_name")),
        _override(rows, "project_code", pl.col("project_code")),
        pl.col("activity_name"),
        pl.col("comment"),
        _decimal(HOURS),
        _if_billable("Yes", "No"),
        pl.lit("No"),
        pl.lit("Yes" if is_approved else "No"),
        pl.col("first_name"),
        pl.col("last_name"),
        pl.col("employee_id"),
        pl.col("role"),
        pl.when(pl.col("contractor")).then(pl.lit("No")).otherwise(pl.lit("Yes")),
        _if_billable(_decimal(BILLABLE_RATE), "0.0"),
        _if_billable(_decimal(HOURS * BILLABLE_RATE), "0.0"),
        _decimal(pl.col("cost_rate")),
        _decimal((HOURS * pl.col("cost_rate")).round(2)),
        pl.col("currency"),
        NULL,
    ]


def _toggl_columns(rows: pl.DataFrame) -> list[pl.Expr]:
    return [
        pl.col("full_name"),
        pl.col("email"),
        pl.col("client"),
        pl.col("project_name"),
        pl.col("activity_name"),
        pl.col("comment"),
        _if_billable("Yes", "No"),
        _override(rows, "date", START.dt.strftime("%Y-%m-%d")),
        START.dt.strftime("%H:%M:%S"),
        END.dt.strftime("%Y-%m-%d"),
        END.dt.strftime("%H:%M:%S"),
        _hms(SECONDS),
        _if_billable("capex,project", "opex"),
        _if_billable(_decimal(HOURS * BILLABLE_RATE * pl.col("fx")), None),
    ]


def _clockify_columns(rows: pl.DataFrame) -> list[pl.Expr]:
    return [
        pl.col("project_name"),
        pl.col("client"),
        pl.col("comment"),
        pl.col("activity_name"),
        pl.col("full_name"),
        pl.col("team"),
        pl.col("email"),
        _if_billable("capex", "opex"),
        _if_billable("Yes", "No"),
        _override(rows, "date", START.dt.strftime("%m/%d/%Y")),
        START.dt.strftime("%I:%M:%S %p"),
        END.dt.strftime("%m/%d/%Y"),
        END.dt.strftime("%I:%M:%S %p"),
        _hms(SECONDS),
        _fixed2(HOURS),
        _if_billable(_fixed2(BILLABLE_RATE * pl.col("fx")), "0.00"),
        _if_billable(_fixed2(HOURS * BILLABLE_RATE * pl.col("fx")), "0.00"),
    ]


def approved(world: World, month: int) -> bool:
    """Timesheets of closed months are approved; the running month is still open."""
    return add_months(world.window.month_starts[month], 1) <= world.window.as_of
