"""Master data no tool exports: the projects, the people and their cost rates over time."""

from __future__ import annotations

from datetime import date

import numpy as np

from pipelines.demo import catalogue as cat
from pipelines.demo.calendar import from_day, to_day
from pipelines.demo.landing import Landing
from pipelines.demo.world import World

NEVER = 10**6
"""A day number past any window: no end date, no promotion."""
PROMOTION_RAISE = 1.08


def write_master(out: Landing, world: World) -> None:
    as_of = world.window.as_of
    out.canonical("master/projects.csv", "projects", _project_rows(world), as_of)
    out.canonical("master/people.csv", "people", _people_rows(world), as_of)
    rates = _role_rates(world) + _personal_rates(world)
    rates.sort(key=lambda r: (r["employee_id"], r["role"], r["effective_from"]))
    out.canonical("master/cost_rates.csv", "cost_rates", rates, as_of)


def _project_rows(world: World) -> list[dict[str, str]]:
    return [
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
    ]


def _people_rows(world: World) -> list[dict[str, str]]:
    people = world.people
    names = people.full_name
    role_names = [name for name, _, _ in cat.ROLES]
    return [
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
            if people.end_day[i] < NEVER
            else "",
        }
        for i in range(len(people))
    ]


def _role_rates(world: World) -> list[dict[str, str]]:
    """Each role's standard rate (EUR), raised every January."""
    first_year = world.window.start.year
    growth = 1 + world.rate_growth
    return [
        {
            "employee_id": "",
            "role": role,
            "effective_from": f"{year}-01-01",
            "hourly_cost_rate": f"{base * growth ** (year - first_year):.2f}",
            "currency": "EUR",
        }
        for year in range(first_year, world.window.as_of.year + 1)
        for role, base, _ in cat.ROLES
    ]


def _personal_rates(world: World) -> list[dict[str, str]]:
    """The people paid their own rate: raised every January, and on a promotion day."""
    people = world.people
    first_year, last_year = world.window.start.year, world.window.as_of.year
    growth = 1 + world.rate_growth
    rates = []

    def rate_row(i: int, effective_from: str, rate: float) -> dict[str, str]:
        return {
            "employee_id": people.employee_id[i],
            "role": "",
            "effective_from": effective_from,
            "hourly_cost_rate": f"{rate:.2f}",
            "currency": people.currency[i],
        }

    for i in np.flatnonzero(people.personal_rate):
        promoted = int(people.promotion_day[i])
        for year in range(first_year, last_year + 1):
            rate = people.base_rate[i] * growth ** (year - first_year)
            if promoted <= to_day(date(year, 1, 1)):
                rate *= PROMOTION_RAISE
            rates.append(rate_row(i, f"{year}-01-01", rate))
        if promoted < NEVER and from_day(promoted).timetuple().tm_yday != 1:
            day = from_day(promoted)
            rate = people.base_rate[i] * growth ** (day.year - first_year) * PROMOTION_RAISE
            rates.append(rate_row(i, day.isoformat(), rate))
    return rates
