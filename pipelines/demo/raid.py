"""Issue, decision and action logs: what a PMO keeps beside the risk register.

Each running project logs a few issues a quarter (most resolved within weeks, some escalated to
the programme or the steering committee), decisions for its board or the steering committee
(most taken in time, one or two late) and actions that serve them (a few overdue at the as-of
date). Everything is dated within the project's life and the demo window; the logs are written
once, as of the last month end, as a PMO exports them.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from pipelines.demo.calendar import previous_weekday
from pipelines.demo.landing import Landing
from pipelines.demo.lessons import project_lessons
from pipelines.demo.world import Project, World, rng_for

ISSUES = (
    "Test environment unavailable for two days",
    "Key supplier missed the interface delivery date",
    "Data migration defects above tolerance",
    "Business SMEs not released for workshops",
    "Licence keys for the new platform not issued",
    "Performance test shows slow month-end batch",
    "Security review found open findings",
    "Scope disagreement on reporting requirements",
)
DECISIONS = (
    ("Approve the weekend cut-over window", "steering committee"),
    ("Accept the revised go-live date", "steering committee"),
    ("Fund an extra test cycle", "steering committee"),
    ("Choose the archiving approach for legacy data", "design authority"),
    ("Approve the interface design", "design authority"),
    ("Agree the training approach", "project board"),
    ("Release the contingency for the data migration", "project board"),
)
ACTIONS = (
    "Book the test slot with the supplier",
    "Send the revised plan to the sponsor",
    "Chase the licence order",
    "Run the defect triage with the vendor",
    "Prepare the options paper for the board",
    "Confirm SME availability with line managers",
    "Update the risk register after the review",
)
ESCALATIONS = ("project", "project", "project", "programme", "portfolio", "steering committee")
PRIORITIES = ("low", "medium", "medium", "high", "high", "critical")


def _day(rng: np.random.Generator, start: date, end: date) -> date:
    """A weekday between start and end (end if the span is empty)."""
    span = max(0, (end - start).days)
    day = previous_weekday(start + timedelta(days=int(rng.integers(0, span + 1))))
    return max(day, start) if day >= start else start


def project_logs(
    world: World, project: Project, owners: list[str], notes: list[dict[str, str]]
) -> tuple[list[dict], list[dict], list[dict]]:
    """The project's issues, decisions and actions up to the as-of date. ``notes``: the
    project's monthly status notes, oldest first: each decision a note asks for is on the
    decision log from its first month, and decided once the notes stop asking."""
    rng = rng_for(world.seed, "raid", project.code)
    as_of = world.window.as_of
    span = (max(project.start, world.window.start), min(as_of, project.finish))
    if span[1] <= span[0]:
        return [], [], []
    months = max(1, (span[1] - span[0]).days // 30)
    issues, actions = [], []
    for number in range(1, max(2, months // 3 + 1) + 1):
        issue, action = _issue_and_action(rng, project, number, span, as_of, owners)
        issues.append(issue)
        actions.append(action)
    decisions = _noted_decisions(project, notes, as_of)
    for number in range(len(decisions) + 1, len(decisions) + max(1, months // 4) + 2):
        decisions.append(_logged_decision(rng, project, number, span, as_of))
    return issues, decisions, actions


def _issue_and_action(
    rng: np.random.Generator,
    project: Project,
    number: int,
    span: tuple[date, date],
    as_of: date,
    owners: list[str],
) -> tuple[dict, dict]:
    """An issue raised within ``span`` (most resolved within weeks) and the action serving it."""
    raised = _day(rng, *span)
    late = rng.random() < 0.25
    resolved = raised + timedelta(days=int(rng.integers(5, 60)))
    # a few recent issues stay open past their resolution estimate (a stuck one)
    open_now = resolved > as_of or ((as_of - raised).days < 90 and rng.random() < 0.3)
    escalation = ESCALATIONS[int(rng.integers(0, len(ESCALATIONS)))]
    issue_id = f"ISS-{project.code}-{number:02d}"
    issue = {
        "issue_id": issue_id,
        "project_code": project.code,
        "title": ISSUES[int(rng.integers(0, len(ISSUES)))],
        "raised_date": raised.isoformat(),
        "owner": owners[int(rng.integers(0, len(owners)))],
        "priority": PRIORITIES[int(rng.integers(0, len(PRIORITIES)))],
        "escalation_level": escalation,
        "due_date": (raised + timedelta(days=14 if not late else 7)).isoformat(),
        "resolved_date": "" if open_now else resolved.isoformat(),
        "status": "open" if open_now else "resolved",
    }
    action_due = raised + timedelta(days=int(rng.integers(5, 25)))
    done = action_due + timedelta(days=int(rng.integers(-4, 10)))
    action_open = done > as_of or (open_now and rng.random() < 0.5)
    action = {
        "action_id": f"ACT-{project.code}-{number:02d}",
        "project_code": project.code,
        "title": ACTIONS[int(rng.integers(0, len(ACTIONS)))],
        "raised_date": raised.isoformat(),
        "owner": owners[int(rng.integers(0, len(owners)))],
        "due_date": action_due.isoformat(),
        "completed_date": "" if action_open else max(done, raised).isoformat(),
        "status": "open" if action_open else "done",
        "related_id": issue_id,
    }
    return issue, action


def _logged_decision(
    rng: np.random.Generator, project: Project, number: int, span: tuple[date, date], as_of: date
) -> dict:
    """A decision for the project board or the steering committee, most taken in time."""
    title, forum = DECISIONS[int(rng.integers(0, len(DECISIONS)))]
    raised = _day(rng, *span)
    needed = raised + timedelta(days=int(rng.integers(10, 35)))
    decided = needed + timedelta(days=int(rng.integers(-8, 12)))
    pending = decided > as_of and project.finish > as_of
    return {
        "decision_id": f"DEC-{project.code}-{number:02d}",
        "project_code": project.code,
        "title": title,
        "raised_date": raised.isoformat(),
        "needed_by_date": needed.isoformat(),
        "owner": project.sponsor if forum == "steering committee" else project.manager,
        "forum": forum,
        "status": "open" if pending else "decided",
        "decided_date": "" if pending else max(decided, raised).isoformat(),
        "outcome": "" if pending else "Approved",
    }


def _noted_decisions(project: Project, notes: list[dict[str, str]], as_of: date) -> list[dict]:
    """One decision per distinct request in the notes: raised the first month a note asks for
    it, decided at the start of the month its notes stop asking (open when they still do)."""
    asked: dict[str, list[dict[str, str]]] = {}
    for note in notes:
        text = (note.get("decisions_needed") or "").strip()
        if text:
            asked.setdefault(text, []).append(note)
    rows = []
    for number, (text, seen) in enumerate(asked.items(), start=1):
        first, last = seen[0], seen[-1]
        raised = date.fromisoformat(first["report_month"])
        last_month = date.fromisoformat(last["report_month"])
        after = date(last_month.year + (last_month.month == 12), last_month.month % 12 + 1, 1)
        pending = after > as_of
        needed = last.get("decision_due_date") or (raised + timedelta(days=21)).isoformat()
        rows.append(
            {
                "decision_id": f"DEC-{project.code}-{number:02d}",
                "project_code": project.code,
                "title": text,
                "raised_date": raised.isoformat(),
                "needed_by_date": needed,
                "owner": last.get("decision_owner") or project.sponsor,
                "forum": "steering committee" if "steering" in text.lower() else "project board",
                "status": "open" if pending else "decided",
                "decided_date": "" if pending else after.isoformat(),
                "outcome": "" if pending else "Approved",
            }
        )
    return rows


def write_governance(out: Landing, world: World, notes: dict[date, list[dict[str, str]]]) -> None:
    """The PMO's issue, decision and action logs and the lessons learned as of the last
    month end: one file each for the portfolio (the decision log as a workbook, as PMOs
    often keep it)."""
    people = world.people
    owners = [
        f"{first} {last}"
        for first, last in zip(people.first_name[:40], people.last_name[:40], strict=True)
    ]
    issues: list[dict] = []
    decisions: list[dict] = []
    actions: list[dict] = []
    by_project: dict[str, list[dict[str, str]]] = {}
    for _, month_notes in sorted(notes.items()):
        for note in month_notes:
            by_project.setdefault(note["project_code"], []).append(note)
    for project in world.projects:
        logged = project_logs(world, project, owners, by_project.get(project.code, []))
        issues += logged[0]
        decisions += logged[1]
        actions += logged[2]
    as_of = world.window.as_of
    out.canonical("governance/issues_log.csv", "issues_log", issues, as_of)
    out.canonical_xlsx(
        "governance/decisions.xlsx", "decisions", decisions, as_of, "Decision log", ()
    )
    out.canonical("governance/actions.csv", "actions", actions, as_of)
    lessons = [
        row
        for project in world.projects
        for row in project_lessons(world, project, project.manager or owners[0])
    ]
    out.canonical("governance/lessons_learned.csv", "lessons_learned", lessons, as_of)
