"""Lessons learned: what each project wrote down at its phase ends and at closure.

A finished project records four to six lessons, a running one one or two so far. The themes
repeat across projects the way they do in real portfolios (data migration, vendors, testing
environments), so the recurring themes stand out; each lesson is dated within its project's
life and the demo window.
"""

from __future__ import annotations

from datetime import timedelta

from pipelines.demo.calendar import previous_weekday
from pipelines.demo.world import Project, World, rng_for

LESSONS: tuple[tuple[str, str, str, str, str], ...] = (
    # (category, phase, impact, what happened, recommendation)
    (
        "data_migration",
        "testing",
        "negative",
        "Trial loads started after the build: migration defects surfaced in acceptance testing.",
        "Run the first trial load during design, on a copy of production data.",
    ),
    (
        "data_migration",
        "build",
        "negative",
        "Source data owners were named late, so cleansing rules waited for weeks.",
        "Name a data owner per source system in the charter.",
    ),
    (
        "vendors",
        "build",
        "negative",
        "The integrator's interface delivery slipped twice without early warning.",
        "Put interim deliverables with acceptance dates into the statement of work.",
    ),
    (
        "vendors",
        "closure",
        "positive",
        "Milestone-based payments kept the vendor's invoices in step with delivery.",
        "Tie every vendor payment to an accepted deliverable.",
    ),
    (
        "technical",
        "testing",
        "negative",
        "The shared test environment was unavailable for days at a time during SIT.",
        "Budget a dedicated test environment from the start of the build.",
    ),
    (
        "resources",
        "design",
        "negative",
        "Business experts were not released from their day jobs for the workshops.",
        "Agree named experts and their days with line managers before design starts.",
    ),
    (
        "stakeholders",
        "deployment",
        "positive",
        "Early demos to the end users made acceptance quick and adoption high.",
        "Demo working software to end users every month from the first build.",
    ),
    (
        "schedule",
        "planning",
        "negative",
        "The plan assumed no contingency between test cycles; one failed cycle moved go-live.",
        "Keep a buffer before go-live sized on the number of test cycles.",
    ),
    (
        "scope",
        "design",
        "negative",
        "Reporting requirements kept growing after design sign-off.",
        "Freeze the report list at design sign-off and route the rest through change control.",
    ),
    (
        "governance",
        "closure",
        "positive",
        "A monthly steering meeting with decisions logged kept escalations short.",
        "Keep a decision log with needed-by dates and review it at every steering meeting.",
    ),
    (
        "cost",
        "closure",
        "negative",
        "Licence costs rose at renewal and were not in the business case.",
        "Price licence renewals over the full benefit period in the business case.",
    ),
    (
        "communication",
        "deployment",
        "neutral",
        "Cut-over communications went out by e-mail only; some sites missed them.",
        "Use a cut-over checklist per site with a named local contact.",
    ),
)


def project_lessons(world: World, project: Project, owner: str) -> list[dict[str, str]]:
    """The lessons the project recorded by the as-of date."""
    rng = rng_for(world.seed, "lessons", project.code)
    as_of = world.window.as_of
    begin = max(project.start, world.window.start)
    end = min(as_of, project.finish)
    if end <= begin:
        return []
    finished = project.finish <= as_of
    count = int(rng.integers(4, 7)) if finished else int(rng.integers(0, 3))
    picks = rng.choice(len(LESSONS), size=min(count, len(LESSONS)), replace=False)
    rows = []
    for number, pick in enumerate(sorted(picks.tolist()), start=1):
        category, phase, impact, happened, recommendation = LESSONS[pick]
        if phase == "closure" and not finished:
            phase = "build"
        span = max(1, (end - begin).days)
        day = begin + timedelta(days=int(rng.integers(span // 3, span + 1)))
        recorded = end if phase == "closure" else min(day, end)
        rows.append(
            {
                "lesson_id": f"LL-{project.code}-{number:02d}",
                "project_code": project.code,
                "recorded_date": previous_weekday(recorded).isoformat(),
                "phase": phase,
                "category": category,
                "what_happened": happened,
                "impact": impact,
                "recommendation": recommendation,
                "owner": owner,
            }
        )
    return rows
