"""The demo company: projects, people, teams, who works on what, and what they cost.

Everything downstream (exports, budgets, notes) is derived from this one model, which is what
keeps the files consistent with each other: the budget of a project is sized from the people
staffed on it, its timesheets come from the same staffing, and its schedule slip drives both the
MS Project files and the status notes.
"""

from __future__ import annotations

import math
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import numpy as np

from pipelines.demo import catalogue as cat
from pipelines.demo.calendar import (
    Window,
    add_months,
    from_day,
    month_end,
    next_weekday,
    previous_weekday,
    to_day,
)

STORYLINES = (
    "over_budget_late",
    "recovering_rebaseline",
    "healthy",
    "stalled_agile",
    "vendor_ahead",
)
STORYLINE_CODES = {
    "over_budget_late": "ERP",
    "recovering_rebaseline": "WMS",
    "healthy": "DCM",
    "stalled_agile": "MOB",
    "vendor_ahead": "DWH",
}
SPANISH_PROJECT = "LOY"
"""The agile project whose Jira user has a Spanish UI (localised headers and month names)."""
TREE_QUERY_PROJECT = "PAY"
"""The hybrid project exported from an Azure DevOps tree query (Title 1/2/3, no Parent)."""
BOTH_POINT_FIELDS = ("CRM", "KYC")
"""Agile projects whose exports carry both story-point custom fields (migrated boards)."""
EARNED_VALUE_PROJECT = STORYLINE_CODES["healthy"]
"""The one project that also has an earned-value import from its scheduling tool."""

FX_AVERAGE = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17}
AVAILABILITY = 0.87
"""Share of working days a person actually books (leave, sickness, training)."""
DAILY_FILL = 0.95
"""Booked hours per booked day as a share of contracted daily hours."""
SLOTS = 3
PREFERENCES = 5


def rng_for(seed: int, *keys: str | int) -> np.random.Generator:
    """An independent random stream per purpose, so adding one draw never shifts another."""
    parts = [int(seed)]
    for key in keys:
        parts.append(zlib.crc32(key.encode("utf-8")) if isinstance(key, str) else int(key))
    return np.random.default_rng(parts)


def ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in folded.lower() if ch.isalnum())


@dataclass
class Project:
    """A project and the knobs its storyline turns (slip, cost drift, velocity, vendor)."""

    idx: int
    code: str
    name: str
    portfolio: str
    program: str
    business_unit: str
    sponsor: str
    methodology: str
    currency: str
    start: date
    planned_finish: date
    finish: date
    """When the work really ends (in the past for closed projects, a forecast otherwise)."""
    storyline: str | None = None
    export: str = ""
    """'mspdi', 'jira', 'jira_es', 'ado' or 'ado_tree'."""
    manager: str = ""
    manager_idx: int = -1
    lead_team: int = -1
    budget_factor: float = 1.0
    slip: float = 0.0
    cost_factor: float = 1.0
    velocity_factor: float = 1.0
    vendor: str | None = None
    vendor_share: float = 0.0
    hardware_share: float = 0.0
    software_share: float = 0.0
    points_both: bool = False
    rebaseline_date: date | None = None
    rebaseline_finish: date | None = None
    status: str = "active"
    """'closed' once the work finished before as_of."""


@dataclass
class People:
    """Column arrays, one entry per person (index = position)."""

    employee_id: list[str]
    first_name: list[str]
    last_name: list[str]
    email: list[str]
    team: np.ndarray
    role: np.ndarray
    capacity: np.ndarray
    contractor: np.ndarray
    vendor: list[str]
    start_day: np.ndarray
    end_day: np.ndarray
    """Day numbers; end_day is a large number for people still employed."""
    currency: list[str]
    tool: list[str]
    """Where non-Jira time is booked: 'harvest', 'toggl' or 'clockify'."""
    base_rate: np.ndarray
    personal_rate: np.ndarray
    promotion_day: np.ndarray
    """Day of a mid-year rate rise (large number when none)."""

    @cached_property
    def full_name(self) -> list[str]:
        return [
            f"{first} {last}" for first, last in zip(self.first_name, self.last_name, strict=True)
        ]

    def __len__(self) -> int:
        return len(self.employee_id)


@dataclass
class World:
    seed: int
    window: Window
    projects: list[Project]
    people: People
    team_names: list[str]
    team_portfolio: list[int]
    month_starts: list[date]
    """Extended month axis: from the window start to the last month any project runs."""
    slot_project: np.ndarray
    """(months, people, SLOTS) project index or -1."""
    slot_weight: np.ndarray
    """(months, people, SLOTS) share of the person's booked time."""
    rate_growth: float = 0.035
    fx: dict[str, list[float]] = field(default_factory=dict)
    """Monthly rate to EUR for each currency over the window months."""

    @property
    def by_code(self) -> dict[str, Project]:
        return {project.code: project for project in self.projects}

    def month_of(self, day: date) -> int:
        start = self.month_starts[0]
        return (day.year - start.year) * 12 + day.month - start.month

    def rate_eur(self, person: np.ndarray, month: int) -> np.ndarray:
        """Hourly cost in EUR of each person in an extended month (matches cost_rates.csv)."""
        return self.rate_local(person, month) * np.array(
            [FX_AVERAGE[self.people.currency[i]] for i in person]
        )

    def rate_local(self, person: np.ndarray, month: int) -> np.ndarray:
        start = self.month_starts[month]
        years = start.year - self.window.start.year
        rate = self.people.base_rate[person] * (1 + self.rate_growth) ** years
        promoted = self.people.promotion_day[person] <= to_day(start)
        return np.where(promoted, rate * 1.08, rate)


# --- projects -----------------------------------------------------------------------------


def _generated_projects(count: int, seed: int) -> list[tuple[str, str, int, str, str, str]]:
    """Beyond the curated list (benchmarks): more projects with plausible codes and names."""
    rng = rng_for(seed, "generated-projects")
    used = {row[0] for row in cat.CURATED_PROJECTS}
    names: set[str] = set()
    programs = sorted({row[3] for row in cat.CURATED_PROJECTS})
    rows = []
    letters = np.array(list("ABCDEFGHIJKLMNOPRSTUVWXYZ"))
    while len(rows) < count:
        code = "".join(rng.choice(letters, size=3))
        if code in used:
            continue
        used.add(code)
        name = (
            f"{rng.choice(cat.NAME_ADJECTIVES)} {rng.choice(cat.NAME_SUBJECTS)} "
            f"{rng.choice(cat.NAME_NOUNS)}"
        )
        while name in names:
            name = f"{name} II" if not name.endswith("I") else f"{name}I"
        names.add(name)
        methodology = str(rng.choice(["waterfall", "agile", "hybrid"], p=[0.35, 0.4, 0.25]))
        currency = str(rng.choice(["EUR", "USD", "GBP"], p=[0.85, 0.1, 0.05]))
        rows.append(
            (
                code,
                name,
                int(rng.integers(0, len(cat.PORTFOLIOS))),
                str(rng.choice(programs)),
                methodology,
                currency,
            )
        )
    return rows


def _timeline(
    rng: np.random.Generator, window: Window, methodology: str
) -> tuple[date, date, float]:
    months = window.months
    if rng.random() < 0.3:
        offset = int(rng.integers(0, 2))
    else:
        offset = int(rng.integers(0, max(2, months - 2)))
    start = next_weekday(
        add_months(window.start, offset) + timedelta(days=int(rng.integers(0, 10)))
    )
    low, high = (8, 18) if methodology == "agile" else (9, 22)
    duration = int(rng.integers(low, high + 1))
    planned = previous_weekday(
        month_end(add_months(start, duration)) - timedelta(days=int(rng.integers(0, 10)))
    )
    slip = float(rng.uniform(-0.02, 0.12)) if methodology != "agile" else 0.0
    return start, planned, slip


def build_projects(seed: int, window: Window, count: int) -> list[Project]:
    """The portfolio: the storyline projects first, then the curated ones, then generated ones
    to reach ``count``; each with its dates, cost and pace factors, export tool and spend mix."""
    curated = list(cat.CURATED_PROJECTS)
    storyline_rows = [row for row in curated if row[0] in STORYLINE_CODES.values()]
    others = [row for row in curated if row[0] not in STORYLINE_CODES.values()]
    rows = storyline_rows + others
    if count > len(rows):
        rows += _generated_projects(count - len(rows), seed)
    rows = rows[:count]
    by_story = {code: story for story, code in STORYLINE_CODES.items()}
    projects = []
    for idx, (code, name, portfolio_idx, program, methodology, currency) in enumerate(rows):
        rng = rng_for(seed, "project", code)
        portfolio, unit, sponsor = cat.PORTFOLIOS[portfolio_idx]
        start, planned, slip = _timeline(rng, window, methodology)
        project = Project(
            idx=idx,
            code=code,
            name=name,
            portfolio=portfolio,
            program=program,
            business_unit=unit,
            sponsor=sponsor,
            methodology=methodology,
            currency=currency,
            start=start,
            planned_finish=planned,
            finish=planned,
            storyline=by_story.get(code),
        )
        project.budget_factor = float(rng.uniform(1.0, 1.08))
        project.cost_factor = float(rng.uniform(0.97, 1.06))
        project.velocity_factor = float(rng.uniform(0.93, 1.05))
        if not _plant_storyline(project, window):
            project.slip = slip
        _set_finish(project)
        project.export = {
            "waterfall": "mspdi",
            "agile": "jira_es" if code == SPANISH_PROJECT else "jira",
            "hybrid": "ado_tree" if code == TREE_QUERY_PROJECT else "ado",
        }[methodology]
        project.points_both = code in BOTH_POINT_FIELDS
        _spend_mix(project, rng)
        project.status = "active" if project.finish > window.as_of else "closed"
        projects.append(project)
    return projects


def _plant_storyline(project: Project, window: Window) -> bool:
    """Set a storyline project's (or the Spanish Jira project's) dates and factors; False for
    the projects that keep their drawn timeline."""
    as_of, w0, months = window.as_of, window.start, window.months
    story = project.storyline
    if story == "over_budget_late":
        project.start = next_weekday(w0 + timedelta(days=2))
        project.planned_finish = previous_weekday(
            month_end(add_months(as_of, -max(1, round(months * 0.12))))
        )
        project.finish = previous_weekday(month_end(add_months(as_of, 4)))
        project.budget_factor, project.cost_factor = 0.9, 1.28
    elif story == "recovering_rebaseline":
        project.start = next_weekday(w0 + timedelta(days=5))
        project.planned_finish = previous_weekday(
            month_end(add_months(w0, max(4, round(months * 0.75))))
        )
        decision = add_months(w0, max(2, round(months * 0.45)))
        project.rebaseline_date = next_weekday(
            decision.replace(day=min(decision.day, 1)) + timedelta(days=19)
        )
        project.rebaseline_finish = previous_weekday(month_end(add_months(as_of, 3)))
        project.finish = project.rebaseline_finish
        project.budget_factor, project.cost_factor = 0.97, 1.12
    elif story == "healthy":
        project.start = next_weekday(
            add_months(w0, max(1, round(months * 0.1))) + timedelta(days=6)
        )
        project.planned_finish = previous_weekday(month_end(add_months(as_of, 5)))
        project.budget_factor, project.cost_factor, project.slip = 1.04, 0.99, 0.0
    elif story == "stalled_agile":
        project.start = next_weekday(w0 + timedelta(days=7))
        project.planned_finish = previous_weekday(month_end(add_months(as_of, 3)))
        project.finish = previous_weekday(month_end(add_months(as_of, 9)))
        project.velocity_factor = 1.0
    elif story == "vendor_ahead":
        project.start = next_weekday(
            add_months(w0, max(1, round(months * 0.15))) + timedelta(days=3)
        )
        project.planned_finish = previous_weekday(month_end(add_months(as_of, 7)))
        project.velocity_factor = 0.62
    elif project.code == SPANISH_PROJECT:
        project.start = next_weekday(add_months(w0, 1) + timedelta(days=1))
        project.planned_finish = previous_weekday(month_end(add_months(as_of, 2)))
    else:
        return False
    return True


def _set_finish(project: Project) -> None:
    """The real finish: a waterfall plan slips by its factor, an agile team late by its pace
    (at most four months); the storylines that set their own finish keep it."""
    story = project.storyline
    if story not in ("over_budget_late", "recovering_rebaseline", "stalled_agile"):
        span = (project.planned_finish - project.start).days
        if project.methodology == "waterfall":
            project.finish = project.planned_finish + timedelta(days=round(span * project.slip))
        else:
            late = round(span * max(0.0, 1 / project.velocity_factor - 1))
            project.finish = project.planned_finish + timedelta(days=min(late, 120))
        project.finish = previous_weekday(project.finish)
    if story in ("healthy", "vendor_ahead", "stalled_agile"):
        project.finish = max(project.finish, project.planned_finish)


def _spend_mix(project: Project, rng: np.random.Generator) -> None:
    """Which projects buy from an integrator, hardware and software, and what share."""
    story = project.storyline
    if story == "vendor_ahead" or rng.random() < 0.45:
        services = cat.VENDORS_SERVICES
        project.vendor = (
            "Fabrikam Data Services" if story == "vendor_ahead" else str(rng.choice(services))
        )
        project.vendor_share = 0.35 if story == "vendor_ahead" else float(rng.uniform(0.12, 0.3))
    if project.methodology == "waterfall" or rng.random() < 0.3:
        project.hardware_share = float(rng.uniform(0.03, 0.08))
    project.software_share = float(rng.uniform(0.02, 0.06))


# --- people ---------------------------------------------------------------------------------


def _role_counts(count: int) -> list[int]:
    shares = np.array([share for _, _, share in cat.ROLES])
    raw = shares / shares.sum() * count
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts), kind="stable")[: count - counts.sum()]:
        counts[i] += 1
    return counts.tolist()


def build_people(
    seed: int, window: Window, projects: list[Project], count: int
) -> tuple[People, list[str], list[int]]:
    """The staff: roles (enough project managers), teams, unique names and e-mails,
    contractors, joiners and leavers, currencies, timesheet tools and cost rates; and the team
    names and portfolios. Sets each project's lead team."""
    rng = rng_for(seed, "people")
    roles, pm_role = _roles(rng, count, len(projects))
    teams = max(len(cat.PORTFOLIOS), math.ceil(count / 8))
    team_names = [
        cat.TEAM_NAMES[t % len(cat.TEAM_NAMES)]
        + ("" if t < len(cat.TEAM_NAMES) else f" {t // len(cat.TEAM_NAMES) + 1}")
        for t in range(teams)
    ]
    team_portfolio = [t % len(cat.PORTFOLIOS) for t in range(teams)]
    team = rng.permutation(np.arange(count) % teams)
    first, last = _names(rng, count)
    contractor = rng.random(count) < 0.18
    contractor[roles == pm_role] = False
    vendor = [
        str(cat.STAFFING_AGENCIES[i % len(cat.STAFFING_AGENCIES)]) if contractor[i] else ""
        for i in range(count)
    ]
    capacity = rng.choice([40.0, 37.5, 32.0, 24.0], size=count, p=[0.75, 0.1, 0.1, 0.05])
    capacity[contractor] = 40.0
    start_day, end_day = _employment(rng, window, count)
    # Teams leading USD/GBP projects sit in the Americas/UK and are paid in that currency.
    team_currency = ["EUR"] * teams
    lead = assign_lead_teams(projects, team_portfolio)
    for project in projects:
        if project.currency != "EUR" and team_currency[lead[project.idx]] == "EUR":
            team_currency[lead[project.idx]] = project.currency
    currency = [team_currency[t] for t in team]
    tool = [
        "harvest"
        if contractor[i] or currency[i] != "EUR"
        else ("toggl" if team[i] % 2 == 0 else "clockify")
        for i in range(count)
    ]
    base, personal, promotion = _cost_rates(rng, window, roles, contractor, currency)
    people = People(
        employee_id=[f"E{i + 1:04d}" for i in range(count)],
        first_name=first,
        last_name=last,
        email=_emails(first, last),
        team=team,
        role=roles,
        capacity=capacity,
        contractor=contractor,
        vendor=vendor,
        start_day=start_day,
        end_day=end_day,
        currency=currency,
        tool=tool,
        base_rate=base,
        personal_rate=personal,
        promotion_day=promotion,
    )
    for project in projects:
        project.lead_team = lead[project.idx]
    return people, team_names, team_portfolio


def _roles(rng: np.random.Generator, count: int, projects: int) -> tuple[np.ndarray, int]:
    """Roles in the catalogue's shares, with a project manager for every four projects (taken
    from the developers); returns them shuffled, and the project-manager role."""
    roles = np.repeat(np.arange(len(cat.ROLES)), _role_counts(count))
    pm_role = [name for name, _, _ in cat.ROLES].index("Project Manager")
    dev_role = [name for name, _, _ in cat.ROLES].index("Developer")
    needed = max(1, math.ceil(projects / 4)) - int((roles == pm_role).sum())
    if needed > 0:
        roles[np.flatnonzero(roles == dev_role)[:needed]] = pm_role
    return rng.permutation(roles), pm_role


def _names(rng: np.random.Generator, count: int) -> tuple[list[str], list[str]]:
    """First and last names, no pair twice (a middle initial beyond the catalogue's pairs)."""
    pairs = rng.permutation(len(cat.FIRST_NAMES) * len(cat.LAST_NAMES))
    first, last = [], []
    for i in range(count):
        pair = int(pairs[i % len(pairs)])
        first_name = cat.FIRST_NAMES[pair // len(cat.LAST_NAMES)]
        last_name = cat.LAST_NAMES[pair % len(cat.LAST_NAMES)]
        if i >= len(pairs):  # only at very large scales: a middle initial keeps names unique
            first_name = f"{first_name} {chr(65 + (i // len(pairs)) % 26)}."
        first.append(first_name)
        last.append(last_name)
    return first, last


def _emails(first: list[str], last: list[str]) -> list[str]:
    emails, seen = [], set()
    for first_name, last_name in zip(first, last, strict=True):
        local = f"{ascii_slug(first_name)}.{ascii_slug(last_name)}"
        candidate, n = local, 1
        while candidate in seen:
            n += 1
            candidate = f"{local}{n}"
        seen.add(candidate)
        emails.append(f"{candidate}@pulse-demo.com")
    return emails


def _employment(
    rng: np.random.Generator, window: Window, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """Start and end days: most joined years before the window, some join during it, a few
    leave (end day 10**6: still employed)."""
    w0, as_of = to_day(window.start), to_day(window.as_of)
    span = as_of - w0
    start_day = w0 - rng.integers(40, 2500, size=count)
    joiners = rng.random(count) < 0.12
    start_day[joiners] = w0 + rng.integers(0, max(1, int(span * 0.8)), size=int(joiners.sum()))
    start_day = np.array([to_day(next_weekday(from_day(d))) for d in start_day], dtype=np.int64)
    end_day = np.full(count, 10**6, dtype=np.int64)
    leavers = (rng.random(count) < 0.07) & (start_day < as_of - 120)
    end_day[leavers] = np.minimum(
        as_of - 5,
        np.maximum(
            start_day[leavers] + 90, w0 + rng.integers(60, max(61, span), size=int(leavers.sum()))
        ),
    )
    end_day[leavers] = [to_day(previous_weekday(from_day(d))) for d in end_day[leavers]]
    return start_day, end_day


def _cost_rates(
    rng: np.random.Generator,
    window: Window,
    roles: np.ndarray,
    contractor: np.ndarray,
    currency: list[str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Base hourly rate (own currency), whether it is personal rather than the role's, and the
    promotion day (10**6: none)."""
    count = roles.size
    base = np.array([cat.ROLES[r][1] for r in roles]) * rng.lognormal(0.0, 0.08, size=count)
    base[contractor] *= 1.3
    base = base / np.array([FX_AVERAGE[c] for c in currency])
    base = np.round(base, 2)
    personal = (rng.random(count) < 0.75) | contractor | (np.array(currency) != "EUR")
    role_rate = np.array([cat.ROLES[r][1] for r in roles])
    base = np.where(personal, base, role_rate)
    promotion = np.full(count, 10**6, dtype=np.int64)
    promoted = personal & (rng.random(count) < 0.12)
    promotion[promoted] = [
        to_day(add_months(window.start, int(m)).replace(day=1))
        for m in rng.integers(1, max(2, window.months), size=int(promoted.sum()))
    ]
    return base, personal, promotion


def assign_lead_teams(projects: list[Project], team_portfolio: list[int]) -> list[int]:
    """Each project gets a lead team of its portfolio, spreading overlapping projects."""
    portfolio_names = [name for name, _, _ in cat.PORTFOLIOS]
    lead = [0] * len(projects)
    load: dict[int, list[Project]] = {t: [] for t in range(len(team_portfolio))}
    for project in sorted(projects, key=lambda p: (p.start, p.code)):
        portfolio = portfolio_names.index(project.portfolio)
        candidates = [t for t, pf in enumerate(team_portfolio) if pf == portfolio]

        def overlap(team: int, project: Project = project) -> tuple[int, int]:
            busy = sum(
                1
                for other in load[team]
                if other.start <= project.finish and other.finish >= project.start
            )
            return busy, len(load[team])

        best = min(candidates, key=lambda t: (*overlap(t), t))
        load[best].append(project)
        lead[project.idx] = best
    return lead


def assign_managers(projects: list[Project], people: People) -> None:
    pm_role = [name for name, _, _ in cat.ROLES].index("Project Manager")
    managers = np.flatnonzero(people.role == pm_role)
    names = people.full_name
    for i, project in enumerate(sorted(projects, key=lambda p: (p.start, p.code))):
        person = int(managers[i % len(managers)])
        project.manager_idx = person
        project.manager = names[person]


# --- staffing -------------------------------------------------------------------------------


def build_staffing(
    seed: int, window: Window, projects: list[Project], people: People, team_portfolio: list[int]
) -> tuple[list[date], np.ndarray, np.ndarray]:
    """Who works on what each month: the first SLOTS active projects of a person's preferences."""
    rng = rng_for(seed, "staffing")
    last = max(max(p.finish, p.planned_finish, p.rebaseline_finish or p.finish) for p in projects)
    month_starts = []
    current = window.start
    while current <= last:
        month_starts.append(current)
        current = add_months(current, 1)
    n_people, n_projects = len(people), len(projects)
    starts = np.array([to_day(p.start) for p in projects])
    finishes = np.array([to_day(p.finish) for p in projects])
    first_days = np.array([to_day(m) for m in month_starts])
    last_days = np.array([to_day(month_end(m)) for m in month_starts])
    active = (starts[None, :] <= last_days[:, None]) & (finishes[None, :] >= first_days[:, None])

    portfolio_names = [name for name, _, _ in cat.PORTFOLIOS]
    by_portfolio: dict[int, list[int]] = {}
    for project in projects:
        by_portfolio.setdefault(portfolio_names.index(project.portfolio), []).append(project.idx)
    team_leads: dict[int, list[int]] = {}
    for project in sorted(projects, key=lambda p: (p.start, p.code)):
        team_leads.setdefault(project.lead_team, []).append(project.idx)
    managed: dict[int, list[int]] = {}
    for project in sorted(projects, key=lambda p: (p.start, p.code)):
        managed.setdefault(project.manager_idx, []).append(project.idx)

    prefs = np.full((n_people, PREFERENCES), -1, dtype=np.int64)
    for person in range(n_people):
        team = int(people.team[person])
        ordered = list(managed.get(person, [])) + list(team_leads.get(team, []))
        same = [p for p in by_portfolio.get(team_portfolio[team], []) if p not in ordered]
        ordered += [same[i] for i in rng.permutation(len(same))]
        rest = [p for p in range(n_projects) if p not in ordered]
        ordered += [rest[i] for i in rng.permutation(len(rest))[:PREFERENCES]]
        prefs[person, : min(PREFERENCES, len(ordered))] = ordered[:PREFERENCES]

    primary = rng.uniform(0.55, 0.8, size=n_people)
    rank_weight = np.stack([primary, (1 - primary) * 0.7, (1 - primary) * 0.3], axis=1)
    valid = prefs >= 0
    pref_active = active[:, np.where(valid, prefs, 0)] & valid[None, :, :]  # (M, N, J)
    order = np.argsort(~pref_active, axis=2, kind="stable")[:, :, :SLOTS]
    slot_project = np.take_along_axis(np.broadcast_to(prefs, pref_active.shape), order, axis=2)
    slot_active = np.take_along_axis(pref_active, order, axis=2)
    slot_project = np.where(slot_active, slot_project, -1)
    weight = np.where(slot_active, rank_weight[None, :, :], 0.0)
    total = weight.sum(axis=2, keepdims=True)
    weight = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)
    return month_starts, slot_project, weight


def build_fx(seed: int, window: Window) -> dict[str, list[float]]:
    rng = rng_for(seed, "fx")
    rates = {}
    for currency in ("USD", "GBP"):
        level = FX_AVERAGE[currency]
        steps = rng.normal(0.0, 0.012, size=window.months)
        series = level * np.exp(np.cumsum(steps) - np.cumsum(steps).mean())
        rates[currency] = [round(float(v), 4) for v in series]
    return rates


def build_world(seed: int, as_of: date, projects: int, people: int, months: int) -> World:
    window = Window(as_of=as_of, months=months)
    project_list = build_projects(seed, window, projects)
    staff, team_names, team_portfolio = build_people(seed, window, project_list, people)
    assign_managers(project_list, staff)
    month_starts, slot_project, slot_weight = build_staffing(
        seed, window, project_list, staff, team_portfolio
    )
    return World(
        seed=seed,
        window=window,
        projects=project_list,
        people=staff,
        team_names=team_names,
        team_portfolio=team_portfolio,
        month_starts=month_starts,
        slot_project=slot_project,
        slot_weight=slot_weight,
        fx=build_fx(seed, window),
    )


def expected_labour_cost(world: World) -> np.ndarray:
    """(extended months, projects) labour cost in each project's currency, as staffed.

    This is what the budgets are sized from, so a project's actual cost (timesheets x rates)
    lands near its budget unless its storyline says otherwise.
    """
    people = world.people
    n_months, n_projects = len(world.month_starts), len(world.projects)
    project_fx = np.array([FX_AVERAGE[p.currency] for p in world.projects])
    cost = np.zeros((n_months, n_projects))
    everyone = np.arange(len(people))
    for m, start in enumerate(world.month_starts):
        end = month_end(start)
        days = world.window.workdays(start, end)
        employed = (
            (people.start_day[:, None] <= days[None, :])
            & (people.end_day[:, None] >= days[None, :])
        ).sum(axis=1)
        hours = people.capacity / 5 * DAILY_FILL * AVAILABILITY * employed
        person_cost = hours * world.rate_eur(everyone, m)
        slots = world.slot_project[m]
        weights = world.slot_weight[m]
        mask = slots >= 0
        np.add.at(
            cost[m], slots[mask], (weights * person_cost[:, None])[mask] / project_fx[slots[mask]]
        )
    return cost
