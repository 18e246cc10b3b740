"""Risk registers: one canonical snapshot per month end, with risks that live a life.

Each risk is raised, mitigated (its probability falls) and then closed, or it materialises
(status ``occurred``). The storyline projects carry the risks that explain their story: the
late ERP's migration defects occur, the stalled team loses a key developer, the data-warehouse
vendor bills ahead of delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pipelines.demo import catalogue as cat
from pipelines.demo.calendar import add_months, next_weekday
from pipelines.demo.landing import Landing
from pipelines.demo.world import Project, World, rng_for


@dataclass
class Risk:
    project: Project
    risk_id: str
    title: str
    category: str
    probability: float
    impact_cost: float
    impact_days: float
    owner: str
    raised: date
    mitigating_from: date | None
    ends: date | None
    ending: str
    """'closed', 'occurred' or '' (still open at as_of)."""
    trend: float = -0.5
    """How the probability moves while mitigated: negative falls, positive rises."""

    def at(self, day: date) -> dict[str, str] | None:
        if day < self.raised:
            return None
        status, probability, closed = "open", self.probability, ""
        if self.mitigating_from is not None and day >= self.mitigating_from:
            status = "mitigating"
            span = max(1, ((self.ends or day) - self.mitigating_from).days)
            progress = min(1.0, (day - self.mitigating_from).days / span)
            probability = float(np.clip(self.probability * (1 + self.trend * progress), 0.05, 0.95))
        if self.ends is not None and day >= self.ends:
            status = self.ending
            if self.ending == "closed":
                closed = self.ends.isoformat()
                probability = 0.0 if self.trend < 0 else probability
            else:
                probability = 1.0
        return {
            "risk_id": self.risk_id,
            "project_code": self.project.code,
            "title": self.title,
            "category": self.category,
            "probability": f"{probability:.2f}",
            "impact_cost": f"{self.impact_cost:.0f}",
            "impact_days": f"{self.impact_days:.0f}",
            "status": status,
            "owner": self.owner,
            "raised_date": self.raised.isoformat(),
            "closed_date": closed,
        }


STORY_RISKS = {
    "over_budget_late": (
        (
            "Data migration defects exceed tolerance in trial loads",
            "technical",
            0.55,
            0.08,
            45,
            "occurred",
            0.35,
        ),
        (
            "Integration with core ledger more complex than estimated",
            "technical",
            0.5,
            0.07,
            35,
            "",
            0.6,
        ),
        (
            "Finance SMEs unavailable during UAT because of year-end close",
            "resource",
            0.45,
            0.03,
            20,
            "",
            0.8,
        ),
    ),
    "recovering_rebaseline": (
        (
            "Automation vendor interface not ready for SIT",
            "vendor",
            0.6,
            0.05,
            40,
            "occurred",
            0.25,
        ),
        ("Returns scope increases test effort", "scope", 0.5, 0.03, 15, "closed", 0.55),
    ),
    "healthy": (
        (
            "Cloud landing zone approvals take longer than planned",
            "schedule",
            0.3,
            0.02,
            10,
            "closed",
            0.3,
        ),
    ),
    "stalled_agile": (
        ("Loss of key iOS developer", "resource", 0.35, 0.03, 30, "occurred", 0.82),
        ("App store review rejects biometric login", "technical", 0.4, 0.02, 20, "", 0.7),
    ),
    "vendor_ahead": (
        ("Vendor invoicing ahead of delivered scope", "vendor", 0.55, 0.12, 0, "", 0.78),
    ),
}


def build_risks(world: World, bac: dict[str, float]) -> list[Risk]:
    """Every project's risks: a few from the catalogue raised over its life, most closing or
    occurring within months, plus the storyline's own risks on their set dates."""
    as_of = world.window.as_of
    names = world.people.full_name
    risks: list[Risk] = []
    for project in world.projects:
        rng = rng_for(world.seed, "risks", project.code)
        span = max(30, (min(project.finish, as_of) - project.start).days)
        entries = _catalogue_entries(rng, project, span) + list(
            STORY_RISKS.get(project.storyline or "", ())
        )
        team = [project.manager_idx] + [
            int(p) for p in np.flatnonzero(world.people.team == project.lead_team)[:3]
        ]
        for n, entry in enumerate(entries, start=1):
            title, category, probability, share, days, ending, position = entry
            raised = next_weekday(project.start + timedelta(days=int(position * span)))
            if raised > as_of:
                continue
            mitigating, ends, ending = _risk_dates(
                rng, project, title, category, raised, ending, as_of
            )
            trend = 0.6 if title.startswith(("Vendor invoicing", "Integration with core")) else -0.5
            risks.append(
                Risk(
                    project=project,
                    risk_id=f"R-{n:03d}",
                    title=title,
                    category=category,
                    probability=round(probability, 2),
                    impact_cost=round(
                        bac.get(project.code, 1e6) * share * float(rng.uniform(0.7, 1.3)), -3
                    ),
                    impact_days=float(days),
                    owner=names[team[n % len(team)]],
                    raised=raised,
                    mitigating_from=mitigating,
                    ends=ends,
                    ending=ending,
                    trend=trend,
                )
            )
    return risks


def _catalogue_entries(rng: np.random.Generator, project: Project, span: int) -> list[tuple]:
    """Three to nine catalogue risks (one per two months of life): (title, category,
    probability, impact share, impact days, ending, position in the project's life)."""
    count = int(np.clip(span // 60, 3, 9))
    picks = rng.choice(len(cat.RISK_CATALOGUE), size=count, replace=False)
    entries = []
    for pick in picks:
        title, category, share, days = cat.RISK_CATALOGUE[int(pick)]
        position = float(rng.uniform(0.0, 0.75))
        ending = str(rng.choice(["closed", "occurred", ""], p=[0.6, 0.12, 0.28]))
        if project.storyline == "healthy" and ending == "occurred":
            ending = "closed"
        entries.append(
            (title, category, float(rng.uniform(0.15, 0.7)), share, days, ending, position)
        )
    return entries


def _risk_dates(
    rng: np.random.Generator,
    project: Project,
    title: str,
    category: str,
    raised: date,
    ending: str,
    as_of: date,
) -> tuple[date | None, date | None, str]:
    """When mitigation starts and when the risk ends (closed or occurred), None while it has
    not by the as-of date; and how it ended."""
    life = int(rng.integers(45, 200))
    mitigating = next_weekday(raised + timedelta(days=int(rng.integers(14, 45))))
    ends = next_weekday(raised + timedelta(days=life)) if ending else None
    if project.storyline and (title, category) in {
        (t[0], t[1]) for t in STORY_RISKS.get(project.storyline, ())
    }:
        ends, mitigating = _story_dates(project, title, raised, ending, as_of)
    if ends is not None and ends <= raised:
        ends = next_weekday(raised + timedelta(days=30))
    if ends is not None and ends > as_of:
        ends, ending = None, ""
    if mitigating is not None and ends is not None and mitigating >= ends:
        mitigating = None
    return mitigating, ends, ending


def _story_dates(
    project: Project, title: str, raised: date, ending: str, as_of: date
) -> tuple[date | None, date | None]:
    """End and mitigation dates that line up with the storyline's turning points."""
    if project.storyline == "over_budget_late" and ending == "occurred":
        return next_weekday(add_months(as_of, -4)), raised + timedelta(days=21)
    if project.storyline == "recovering_rebaseline" and project.rebaseline_date:
        if ending == "occurred":
            return project.rebaseline_date - timedelta(days=40), raised + timedelta(days=14)
        return next_weekday(add_months(as_of, -1)), project.rebaseline_date + timedelta(days=7)
    if project.storyline == "stalled_agile" and ending == "occurred":
        return next_weekday(as_of - timedelta(days=56)), None
    if ending == "closed":
        return next_weekday(raised + timedelta(days=75)), raised + timedelta(days=14)
    return None, raised + timedelta(days=21)


def register_rows(risks: list[Risk], snapshot: date) -> list[dict[str, str]]:
    rows = [row for risk in risks if (row := risk.at(snapshot)) is not None]
    rows.sort(key=lambda r: (r["project_code"], r["risk_id"]))
    return rows


def write_risk_registers(out: Landing, world: World, bac: dict[str, float]) -> None:
    """The portfolio risk register as the PMO saves it at every month end (a workbook)."""
    risks = build_risks(world, bac)
    for close in world.window.snapshot_dates:
        out.canonical_xlsx(
            f"risks/risk_register_{close.isoformat()}.xlsx",
            "risks",
            register_rows(risks, close),
            close,
            f"Portfolio risk register, status {close.isoformat()}",
            ("probability", "impact_cost", "impact_days"),
        )
