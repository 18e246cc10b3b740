"""Monthly status notes, written the way a project manager writes them.

Every sentence is filled from the project's own numbers that month (the phase it is in, the
milestone it is chasing and how far that has slipped, the sprint it just closed, the vendor's
billing), and the RAG status follows the same numbers, with the storyline projects steered so a
viewer sees their story unfold: green, then amber, then red for the late ERP; red before and
green after the re-baseline for WMS; a stalled team turning red as its velocity collapses.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from pipelines.demo.agile import Backlog, Sprint, day_minutes
from pipelines.demo.calendar import month_end, to_day
from pipelines.demo.export_mspdi import milestone_rows
from pipelines.demo.finance import Rows, month_closes
from pipelines.demo.landing import Landing
from pipelines.demo.schedule import GRID, Plan
from pipelines.demo.world import Project, World, rng_for

SYMBOL = {"EUR": "€", "USD": "$", "GBP": "£"}


def money(amount: float, currency: str) -> str:
    symbol = SYMBOL.get(currency, "")
    if abs(amount) >= 1e6:
        return f"{symbol}{amount / 1e6:.1f}m"
    return f"{symbol}{amount / 1e3:.0f}k"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def _day(value: str) -> str:
    return date.fromisoformat(value).strftime("%-d %b %Y")


def _pick(rng: np.random.Generator, options: tuple[str, ...], **values: object) -> str:
    return options[int(rng.integers(0, len(options)))].format(**values)


def storyline_status(
    project: Project, close: date, index: int, total: int, as_of: date
) -> str | None:
    story = project.storyline
    share = (index + 1) / max(total, 1)
    months_left = (as_of.year - close.year) * 12 + as_of.month - close.month
    if story == "over_budget_late":
        return "green" if share <= 0.25 else ("amber" if share <= 0.5 else "red")
    if story == "recovering_rebaseline" and project.rebaseline_date:
        decision = project.rebaseline_date
        months_to = (decision.year - close.year) * 12 + decision.month - close.month
        if months_to > 3:
            return "green" if share <= 0.2 else "amber"
        if months_to >= 1:
            return "red"
        return "amber" if months_to >= -2 else "green"
    if story == "healthy":
        return "green"
    if story == "stalled_agile":
        return "red" if months_left == 0 else ("amber" if months_left == 1 else "green")
    if story == "vendor_ahead":
        return "amber" if months_left <= 3 else "green"
    return None


def _rag(ratio: float, cost: float) -> str:
    if ratio >= 0.92 and cost <= 1.06:
        return "green"
    if ratio >= 0.8 and cost <= 1.15:
        return "amber"
    return "red"


WATERFALL_CLOSED = (
    "All milestones are complete; the project is in closure and handing over to service owners.",
    "Project delivered: {last} achieved and the plan is closed.",
)
WATERFALL_SUMMARIES = {
    "green": (
        "{phase} is on track and the project is {pct}% complete; {next_ms} is forecast "
        "for {fc}, in line with the baseline.",
        "Steady month in {phase}: the project moved to {pct}% complete and the plan still "
        "holds {next_ms} on {fc}.",
        "No change to the critical path this month; {next_ms} remains forecast for {fc}.",
    ),
    "amber_slipping": (
        "{phase} is running {slip} days behind baseline; {next_ms} is now forecast for "
        "{fc} (baseline {bl}).",
        "Progress slowed in {phase} (project {pct}% done against {plan_pct}% planned); "
        "recovery actions are in place to protect {next_ms}.",
        "Amber: {next_ms} has moved {slip} days to {fc} and the team is re-sequencing "
        "{phase} work to recover.",
    ),
    "amber": (
        "{phase} continues with the project {pct}% complete; {next_ms} still holds for "
        "{fc}, but the float is gone and any further slip moves the date.",
        "Amber while the team beds in the new plan: {next_ms} forecast for {fc}, "
        "project {pct}% complete.",
    ),
    "red": (
        "{next_ms} has slipped to {fc}, {slip} days after the baseline of {bl}; the cost "
        "forecast is {over}% over budget.",
        "Red: the project is {slip} days late and forecasting a {over}% overrun; it is "
        "{pct}% complete against {plan_pct}% planned.",
        "We will not hold {bl} for {next_ms}: current forecast is {fc} and spend is "
        "tracking {over}% above plan.",
    ),
}


def waterfall_note(
    world: World, plan: Plan, close: date, index: int, total: int, extra: dict[str, str]
) -> dict[str, str]:
    """A waterfall project's status note: RAG from progress and cost against the baseline
    (or the storyline's), milestones reached and next, and what the board must decide."""
    project = plan.project
    rng = rng_for(world.seed, "note", project.code, index)
    day = float(to_day(close))
    x_now = plan.x_actual(day)
    x_plan = float(np.interp(day, plan.baseline_at(day), GRID))
    ratio = x_now / x_plan if x_plan > 0.01 else 1.0
    cost = plan.cost_factor(day)
    status = storyline_status(project, close, index, total, world.window.as_of) or _rag(ratio, cost)
    milestones = milestone_rows(plan, close)
    month_start = close.replace(day=1).isoformat()
    achieved = [m for m in milestones if m["actual_date"] and m["actual_date"] >= month_start]
    upcoming = [m for m in milestones if not m["actual_date"]]
    finished, starting = _tasks_this_month(plan, close)
    if not upcoming:
        last = milestones[-1]["milestone_name"] if milestones else "closure"
        summary = _pick(rng, WATERFALL_CLOSED, last=last)
        accomplished = "; ".join(finished) or "Closure report issued"
        return _note(
            project, close, "green", summary, accomplished, "Archive project artefacts", ""
        )
    nxt = upcoming[0]
    slip = (
        date.fromisoformat(nxt["forecast_date"]) - date.fromisoformat(nxt["baseline_date"])
    ).days
    phase = _phase(plan, upcoming)
    pct, plan_pct = round(x_now * 100), round(x_plan * 100)
    values = {
        "phase": phase,
        "pct": pct,
        "plan_pct": plan_pct,
        "next_ms": nxt["milestone_name"],
        "fc": _day(nxt["forecast_date"]),
        "bl": _day(nxt["baseline_date"]),
        "slip": slip,
        "over": round((cost - 1) * 100),
    }
    tone = "amber_slipping" if status == "amber" and slip > 3 else status
    summary = _pick(rng, WATERFALL_SUMMARIES.get(tone, WATERFALL_SUMMARIES["red"]), **values)
    summary = _rebaseline_summary(project, close, status, summary, extra, values)
    accomplished = [
        f"Milestone reached: {m['milestone_name']} ({_day(m['actual_date'])})" for m in achieved
    ]
    accomplished += [f"Completed {name.lower()}" for name in finished[:3]]
    if not accomplished:
        accomplished = [f"{phase} work continued (project {pct}% complete)"]
    next_steps = [f"Start {name.lower()}" for name in starting] + [
        f"Prepare for {nxt['milestone_name']} ({values['fc']})"
    ]
    decisions = _waterfall_decisions(rng, project, close, status, extra)
    return _note(
        project, close, status, summary, "; ".join(accomplished), "; ".join(next_steps), decisions
    )


def _phase(plan: Plan, upcoming: list[dict[str, str]]) -> str:
    """The phase whose closing milestone is the first not yet reached (else the last one)."""
    phases = [t for t in plan.tasks if t.kind == "summary"]
    milestones = [m for m in plan.tasks if m.kind == "milestone"]
    for summary, milestone in zip(phases, milestones, strict=False):
        if any(m["milestone_name"] == milestone.name for m in upcoming):
            return summary.name
    return phases[-1].name


def _tasks_this_month(plan: Plan, close: date) -> tuple[list[str], list[str]]:
    """Tasks finished in the note's month, and the next two not started."""
    states = plan.state(close)
    tasks = [t for t in plan.leaves if t.kind == "task" and t.uid in states]
    finished = [
        t.name
        for t in tasks
        if states[t.uid].actual_finish is not None
        and states[t.uid].actual_finish >= to_day(close.replace(day=1))
    ]
    starting = [t.name for t in tasks if states[t.uid].actual_start is None][:2]
    return finished, starting


def _rebaseline_summary(
    project: Project,
    close: date,
    status: str,
    summary: str,
    extra: dict[str, str],
    values: dict[str, object],
) -> str:
    """The re-baselined project's summary: the approval told in the month after it, then the
    B2 baseline named while green."""
    if not (project.rebaseline_date and close >= project.rebaseline_date):
        return summary
    months_after = (close.year - project.rebaseline_date.year) * 12 + (
        close.month - project.rebaseline_date.month
    )
    if months_after <= 1:
        return (
            f"{extra.get('cr', 'The change request')} was approved on "
            f"{project.rebaseline_date.strftime('%-d %b')}; the plan is re-baselined "
            f"(B2) with {values['next_ms']} on {values['fc']}. " + summary
        )
    if status == "green":
        return summary + " Tracking to the B2 baseline since the re-plan."
    return summary


def _waterfall_decisions(
    rng: np.random.Generator, project: Project, close: date, status: str, extra: dict[str, str]
) -> str:
    raised = extra.get("raised", "9999-12-31")
    if project.storyline == "over_budget_late" and status == "red":
        return (
            extra["decision"]
            if "decision" in extra and close.isoformat() >= raised
            else "Steering committee to choose between more migration staff and a later go-live."
        )
    if project.storyline == "recovering_rebaseline" and status == "red":
        return (
            f"Approve {extra.get('cr', 'the change request')} to add returns processing "
            f"and re-plan go-live (cost impact {extra.get('impact', 'tbc')})."
            if close.isoformat() >= raised
            else "Sponsor to decide whether returns processing is in scope before the plan "
            "is re-baselined."
        )
    if status == "amber" and rng.random() < 0.4:
        return "Confirm business SMEs for testing in the coming month."
    return ""


AGILE_MOBILISATION = (
    "Mobilisation month: backlog refined and the first sprint is planned around {focus}.",
    "Team onboarding and backlog refinement; first sprint starts with {focus}.",
)
AGILE_SUMMARIES = {
    "green": (
        "{sprint} closed with {completed} of {committed} points{release}; average velocity "
        "is {avg} over the last three sprints and {done}% of the backlog is done.",
        "Good month: {sprint} delivered {completed} points (committed {committed}) and the "
        "team is now on {focus}.",
        "On track{release}: velocity holding at about {avg} points per sprint, {done}% of "
        "backlog points complete.",
    ),
    "amber_short": (
        "Velocity dipped to {completed} points in {sprint} (committed {committed}); "
        "{carried} carried over and the team is reviewing scope.",
        "Amber: only {done}% of the backlog is done at this point; {sprint} finished "
        "{completed}/{committed} points.",
    ),
    "amber": (
        "Amber: sprints are delivering ({sprint}: {completed}/{committed} points) but only "
        "{done}% of the backlog is done, behind where the plan needs it.",
        "The team is hitting its commitments, yet at about {avg} points per sprint the "
        "remaining {remaining}% of backlog points will not fit before the planned finish.",
    ),
    "red": (
        "Velocity has collapsed to {completed} points in {sprint} against {committed} "
        "committed, down from an average of {prev_avg}; {carried} are being carried "
        "over sprint after sprint.",
        "Red: the last sprints delivered {completed} points against {committed} committed "
        "(earlier average {prev_avg}); the release date is at risk.",
    ),
}


def agile_note(
    world: World, backlog: Backlog, close: date, index: int, total: int, extra: dict[str, str]
) -> dict[str, str]:
    """An agile or hybrid project's status note: RAG from backlog points done against time
    elapsed (or the storyline's), the last sprint's velocity, what closed this month."""
    project = backlog.project
    rng = rng_for(world.seed, "note", project.code, index)
    month_first = close.replace(day=1)
    ended = [s for s in backlog.sprints if month_first <= s.end <= close]
    done_ratio = backlog.done_ratio(close)
    span = max(1, (project.planned_finish - project.start).days)
    elapsed = min(1.0, max(0.01, (close - project.start).days / span))
    ratio = done_ratio / elapsed if index >= 2 and elapsed > 0.05 else 1.0
    status = storyline_status(project, close, index, total, world.window.as_of) or _rag(ratio, 1.0)
    month = _month_in_backlog(backlog, month_first, close)
    focus = month["focus"]
    if not ended:
        summary = _pick(rng, AGILE_MOBILISATION, focus=focus.lower())
        next_steps = f"Start sprint 1 on {focus.lower()}"
        return _note(project, close, status or "green", summary, "Backlog refined", next_steps, "")
    values = _sprint_values(backlog, close, ended[-1], done_ratio, focus)
    summary = _agile_summary(rng, project, status, ended[-1], values, extra)
    accomplished = [f"Completed epic: {name}" for name in month["epics_done"]]
    closed = f"{plural(month['stories'], 'story', 'stories')} and {plural(month['bugs'], 'bug')}"
    accomplished.append(f"Closed {closed}")
    next_steps = [f"Plan the next sprint around {focus.lower()}"]
    if status != "green":
        next_steps.append("Run a retrospective on carry-over and unplanned work")
    decisions = ""
    if project.storyline == "stalled_agile" and status == "red":
        decisions = (
            "Approve a backfill for the iOS developer role and agree to move offline "
            "mode out of the next release."
        )
    elif project.storyline == "vendor_ahead" and status == "amber":
        decisions = (
            f"Finance to hold further {project.vendor} invoices until the "
            f"{focus.lower()} milestone is accepted."
        )
    return _note(
        project, close, status, summary, "; ".join(accomplished), "; ".join(next_steps), decisions
    )


def _month_in_backlog(backlog: Backlog, month_first: date, close: date) -> dict:
    """Stories and bugs closed in the month, epics completed, and the first open epic (the
    team's focus)."""
    arrays = backlog.arrays()
    lo, hi = day_minutes(month_first, 0), day_minutes(close, 23.99)
    resolved = arrays["resolved"]
    kinds = np.array(backlog.kind)
    in_month = (resolved >= lo) & (resolved <= hi)
    open_epics = [
        backlog.summary[i]
        for i in np.flatnonzero(
            (kinds == "Epic") & ((resolved < 0) | (resolved > hi)) & (arrays["created"] <= hi)
        )
    ]
    return {
        "stories": int((in_month & (kinds == "Story")).sum()),
        "bugs": int((in_month & (kinds == "Bug")).sum()),
        "epics_done": [backlog.summary[i] for i in np.flatnonzero(in_month & (kinds == "Epic"))],
        "focus": open_epics[0] if open_epics else "hardening",
    }


def _sprint_values(
    backlog: Backlog, close: date, last: Sprint, done_ratio: float, focus: str
) -> dict[str, object]:
    """What the summaries quote: the last sprint, velocities, backlog done and carried over."""
    project = backlog.project
    history = [s for s in backlog.sprints if s.end <= close]
    release = ""
    if project.methodology == "hybrid" and history:
        release = f" in release {(history[-1].number - 1) // 6 + 1}"
    recent = history[-3:]
    average = sum(s.completed for s in recent) / len(recent)
    earlier = history[-7:-3] or recent
    prev_average = sum(s.completed for s in earlier) / len(earlier)
    arrays = backlog.arrays()
    carried = int(
        (
            (arrays["first_sprint"] >= 0)
            & (arrays["first_sprint"] < last.number - 1)
            & (arrays["last_sprint"] >= last.number - 1)
        ).sum()
    )
    return {
        "sprint": last.name.split()[-2] + " " + last.name.split()[-1]
        if project.methodology == "hybrid"
        else last.name,
        "completed": f"{last.completed:.0f}",
        "committed": f"{last.committed:.0f}",
        "avg": f"{average:.0f}",
        "prev_avg": f"{prev_average:.0f}",
        "done": round(done_ratio * 100),
        "focus": focus.lower(),
        "release": release,
        "carried": plural(carried, "item"),
        "remaining": 100 - round(done_ratio * 100),
    }


def _agile_summary(
    rng: np.random.Generator,
    project: Project,
    status: str,
    last: Sprint,
    values: dict[str, object],
    extra: dict[str, str],
) -> str:
    if project.storyline == "vendor_ahead" and status == "amber":
        return (
            f"Delivery{values['release']} is steady but behind plan, with {values['done']}% of "
            f"backlog points done; {project.vendor} has invoiced {extra.get('billed', '?')} of "
            f"the {extra.get('po', '?')} purchase order, well ahead of progress."
        )
    tone = status
    if status == "amber" and last.completed < 0.85 * last.committed:
        tone = "amber_short"
    return _pick(rng, AGILE_SUMMARIES.get(tone, AGILE_SUMMARIES["red"]), **values)


def _note(
    project: Project,
    close: date,
    status: str,
    summary: str,
    accomplishments: str,
    next_steps: str,
    decisions: str,
) -> dict[str, str]:
    return {
        "project_code": project.code,
        "report_month": close.replace(day=1).isoformat(),
        "author": project.manager,
        "overall_status": status,
        "summary": summary,
        "accomplishments": accomplishments,
        "next_steps": next_steps,
        "decisions_needed": decisions,
        # who decides and by when: the sponsor, by mid next month (the next steering meeting);
        # a routine ask from an amber project names nobody (the reports then say so)
        "decision_owner": project.sponsor if decisions and status == "red" else "",
        "decision_due_date": _next_steering(close).isoformat() if decisions else "",
    }


def _next_steering(close: date) -> date:
    """The 15th of the month after the note's month."""
    return (close.replace(day=1) + timedelta(days=32)).replace(day=15)


def write_status_notes(
    out: Landing,
    world: World,
    plans: dict[str, Plan],
    backlogs: dict[str, Backlog],
    purchasing: tuple[Rows, Rows, Rows],
) -> dict[date, list[dict[str, str]]]:
    """Every project's status note per month end, one file per month; returns the notes by
    month (the decision log repeats the decisions they announce).

    ``purchasing`` is the change requests, purchase orders and invoices: the notes quote the
    change requests of the storylines and what the vendor ahead has billed.
    """
    changes, orders, invoices = purchasing
    extras = _note_extras(world, changes)
    notes_by_month: dict[date, list[dict[str, str]]] = {}
    for project in world.projects:
        closes = month_closes(world, project)
        for index, close in enumerate(closes):
            extra = extras.get(project.code, {}).copy()
            if project.storyline == "vendor_ahead":
                extra.update(_vendor_billing(project, close, orders, invoices))
            if project.code in plans:
                note = waterfall_note(world, plans[project.code], close, index, len(closes), extra)
            else:
                note = agile_note(world, backlogs[project.code], close, index, len(closes), extra)
            notes_by_month.setdefault(close.replace(day=1), []).append(note)
    for month_first, notes in sorted(notes_by_month.items()):
        notes.sort(key=lambda n: n["project_code"])
        dated = min(month_end(month_first), world.window.as_of)
        out.canonical(
            f"status/status_notes_{month_first.strftime('%Y-%m')}.csv",
            "status_notes",
            notes,
            dated,
        )
    return notes_by_month


def _note_extras(world: World, changes: Rows) -> dict[str, dict[str, str]]:
    """What the storylines' notes say about their change requests."""
    extras: dict[str, dict[str, str]] = {}
    for change in changes:
        project = world.by_code[change["project_code"]]
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


def _vendor_billing(project: Project, close: date, orders: Rows, invoices: Rows) -> dict[str, str]:
    """The vendor's first order on the project and what it has billed against it by ``close``."""
    mine = [
        o for o in orders if o["project_code"] == project.code and o["vendor"] == project.vendor
    ]
    if not mine:
        return {}
    po = float(mine[0]["po_amount"])
    billed = sum(
        float(i["amount"])
        for i in invoices
        if i["po_number"] == mine[0]["po_number"] and i["invoice_date"] <= close.isoformat()
    )
    return {"billed": money(billed, project.currency), "po": money(po, project.currency)}
