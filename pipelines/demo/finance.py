"""Money: time-phased budgets (B1, and B2 after the approved change request), purchase orders,
invoices, change requests, exchange rates and the one earned-value import.

Budgets are sized from the staffing the timesheets are generated from, so actual cost lands near
budget unless a storyline says otherwise (the late project is budgeted short and keeps burning
after its planned finish; the vendor on the data-warehouse project bills ahead of delivery).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from pipelines.demo import catalogue as cat
from pipelines.demo.calendar import add_months, month_start, months_between, next_weekday
from pipelines.demo.landing import Landing
from pipelines.demo.schedule import Plan
from pipelines.demo.world import EARNED_VALUE_PROJECT, Project, World, rng_for

Rows = list[dict[str, object]]


@dataclass
class Budget:
    rows: list[dict[str, object]] = field(default_factory=list)
    bac: dict[str, float] = field(default_factory=dict)
    """B1 budget at completion per project (all categories), project currency."""
    new_bac: dict[str, float] = field(default_factory=dict)
    """Budget at completion after the re-baseline (B1 before the decision month + B2)."""
    b1_before: dict[str, float] = field(default_factory=dict)
    vendor_total: dict[str, float] = field(default_factory=dict)
    hardware: dict[str, tuple[date, float]] = field(default_factory=dict)
    software_total: dict[str, float] = field(default_factory=dict)


def _capex_share(position: float, methodology: str) -> float:
    """Labour is capitalised while the asset is built; early analysis and hypercare are opex."""
    if methodology == "agile":
        return 0.65
    return 0.75 if 0.2 <= position <= 0.85 else 0.15


def build_budgets(world: World, labour: np.ndarray) -> Budget:
    budget = Budget()
    for project in world.projects:
        months = months_between(project.start, project.planned_finish)
        approved = project.start - timedelta(days=21)
        lines = _lines(world, project, labour, months, project.budget_factor)
        total = sum(amount for *_, amount in lines)
        budget.bac[project.code] = total
        budget.vendor_total[project.code] = sum(a for _, c, _, a in lines if c == "vendor")
        budget.software_total[project.code] = sum(a for _, c, _, a in lines if c == "software")
        hardware = [(m, a) for m, c, _, a in lines if c == "hardware"]
        if hardware:
            budget.hardware[project.code] = (hardware[0][0], sum(a for _, a in hardware))
        for month, category, expense, amount in lines:
            budget.rows.append(_row(project, month, category, expense, amount, "B1", approved))
        if project.rebaseline_date is not None:
            assert project.rebaseline_finish is not None
            decision = month_start(project.rebaseline_date)
            before = sum(a for m, *_, a in lines if m < decision)
            budget.b1_before[project.code] = before
            later = months_between(decision, project.rebaseline_finish)
            b2 = _lines(world, project, labour, later, 1.03, rebaseline=True)
            for month, category, expense, amount in b2:
                budget.rows.append(
                    _row(project, month, category, expense, amount, "B2", project.rebaseline_date)
                )
            budget.new_bac[project.code] = before + sum(a for *_, a in b2)
    budget.rows.sort(
        key=lambda r: (
            r["project_code"],
            r["budget_month"],
            r["baseline_version"],
            r["cost_category"],
            r["expense_type"],
        )
    )
    return budget


def _lines(
    world: World,
    project: Project,
    labour: np.ndarray,
    months: list[date],
    factor: float,
    *,
    rebaseline: bool = False,
) -> list[tuple[date, str, str, float]]:
    lines: list[tuple[date, str, str, float]] = []
    n = len(months)
    labour_amounts = []
    for i, month in enumerate(months):
        index = world.month_of(month)
        amount = float(labour[index, project.idx]) * factor if 0 <= index < labour.shape[0] else 0
        labour_amounts.append(amount)
        position = (i + 0.5) / n
        capex = _capex_share(position, project.methodology)
        if amount > 0:
            lines.append((month, "labour", "capex", round(amount * capex)))
            lines.append((month, "labour", "opex", round(amount * (1 - capex))))
    total_labour = sum(labour_amounts)
    if project.vendor and project.vendor_share:
        vendor_total = total_labour * project.vendor_share / (1 - project.vendor_share)
        if rebaseline:
            vendor_total *= 0.4
        active = [m for i, m in enumerate(months) if 0.1 <= (i + 0.5) / n <= 0.85] or months
        for month in active:
            lines.append((month, "vendor", "capex", round(vendor_total / len(active))))
    if project.hardware_share and not rebaseline:
        hardware_total = total_labour * project.hardware_share
        first = months[min(n - 1, max(0, round(n * 0.25)))]
        second = months[min(n - 1, max(0, round(n * 0.5)))]
        lines.append((first, "hardware", "capex", round(hardware_total * 0.7)))
        lines.append((second, "hardware", "capex", round(hardware_total * 0.3)))
    software_monthly = total_labour * project.software_share / max(n, 1)
    for month in months:
        lines.append((month, "software", "opex", round(software_monthly)))
    merged: dict[tuple[date, str, str], float] = {}
    for month, category, expense, amount in lines:
        merged[(month, category, expense)] = merged.get((month, category, expense), 0) + amount
    return [(m, c, e, a) for (m, c, e), a in merged.items() if a > 0]


def _row(
    project: Project,
    month: date,
    category: str,
    expense: str,
    amount: float,
    version: str,
    approved: date,
) -> dict[str, object]:
    return {
        "project_code": project.code,
        "budget_month": month.isoformat(),
        "cost_category": category,
        "expense_type": expense,
        "amount": f"{amount:.0f}",
        "currency": project.currency,
        "baseline_version": version,
        "approved_on": approved.isoformat(),
    }


# --- change requests -----------------------------------------------------------------------

OTHER_CHANGES = (
    ("Add Spanish and Portuguese localisation", "rejected", 0.06, 25),
    ("Defer archive reporting to phase 2", "withdrawn", -0.03, 0),
    ("Additional penetration test cycle", "submitted", 0.015, 10),
    ("Swap bespoke dashboard for standard report pack", "approved", 0.0, 0),
    ("Integrate with new HR system", "draft", 0.04, 20),
    ("Extend hypercare by four weeks", "submitted", 0.02, 20),
)


def build_change_requests(world: World, budget: Budget) -> list[dict[str, object]]:
    """The change register, numbered CR-001… in the order the requests were raised: the
    storylines' requests and a few routine ones on the other projects."""
    rows = []
    for project in world.projects:
        rows += _storyline_changes(project, budget, world.window.as_of)
        rng = rng_for(world.seed, "changes", project.code)
        rows += _routine_changes(rng, project, budget.bac[project.code], world.window.as_of)
    rows.sort(key=lambda r: (r["raised_date"], r["project_code"]))
    return [
        {
            "change_id": f"CR-{n:03d}",
            "project_code": row["project_code"],
            "title": row["title"],
            "raised_date": row["raised_date"].isoformat(),
            "status": row["status"],
            "decision_date": row["decision_date"].isoformat() if row["decision_date"] else "",
            "cost_impact": str(row["cost_impact"]),
            "schedule_impact_days": str(row["schedule_impact_days"]),
        }
        for n, row in enumerate(rows, start=1)
    ]


def _change(
    project: Project,
    title: str,
    raised: date,
    status: str,
    decided: date | None,
    cost_impact: int,
    schedule_impact_days: int,
) -> dict[str, object]:
    return {
        "project_code": project.code,
        "title": title,
        "raised_date": raised,
        "status": status,
        "decision_date": decided,
        "cost_impact": cost_impact,
        "schedule_impact_days": schedule_impact_days,
    }


def _storyline_changes(project: Project, budget: Budget, as_of: date) -> list[dict[str, object]]:
    """The re-baselined project's approved request (the B2 budget's difference), and the late
    project's request still waiting for the steering committee."""
    rows = []
    if project.rebaseline_date is not None:
        assert project.rebaseline_finish is not None
        impact = budget.new_bac[project.code] - budget.bac[project.code]
        title = "Add returns processing and re-plan go-live"
        raised = project.rebaseline_date - timedelta(days=24)
        days = (project.rebaseline_finish - project.planned_finish).days
        rows.append(
            _change(
                project, title, raised, "approved", project.rebaseline_date, round(impact), days
            )
        )
    if project.storyline == "over_budget_late":
        title = "Extend data migration scope and move go-live"
        raised = next_weekday(add_months(as_of, -1) + timedelta(days=3))
        cost = round(budget.bac[project.code] * 0.18)
        days = (project.finish - project.planned_finish).days
        rows.append(_change(project, title, raised, "submitted", None, cost, days))
    return rows


def _routine_changes(
    rng: np.random.Generator, project: Project, bac: float, as_of: date
) -> list[dict[str, object]]:
    """Up to two of the usual requests on a project without a storyline; one decided after
    the as-of date is still submitted."""
    count = int(rng.binomial(2, 0.4)) if project.storyline is None else 0
    picks = rng.choice(len(OTHER_CHANGES), size=count, replace=False)
    rows = []
    for pick in picks:
        title, status, share, days = OTHER_CHANGES[int(pick)]
        span = max(1, (min(as_of, project.finish) - project.start).days)
        raised = next_weekday(project.start + timedelta(days=int(rng.uniform(0.2, 0.8) * span)))
        decided = status in ("approved", "rejected", "withdrawn")
        decision = next_weekday(raised + timedelta(days=int(rng.integers(7, 30))))
        if decided and decision > as_of:
            status, decided = "submitted", False
        decision_date = decision if decided else None
        rows.append(
            _change(project, title, raised, status, decision_date, round(bac * share), days)
        )
    return rows


# --- purchase orders and invoices ----------------------------------------------------------


def _vendor_prefix(vendor: str) -> str:
    return "".join(word[0] for word in vendor.split()[:3]).upper()


def build_purchasing(
    world: World, budget: Budget, progress: dict[str, list[tuple[date, float]]]
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """POs per vendor line, and invoices that follow delivery (or run ahead of it).

    ``progress`` gives each project's percent complete (0-1) at each month end.
    """
    as_of = world.window.as_of
    orders: list[dict[str, object]] = []
    invoices: list[dict[str, object]] = []
    for project in world.projects:
        rng = rng_for(world.seed, "purchasing", project.code)
        vendor_total = budget.vendor_total.get(project.code, 0.0)
        if project.vendor and vendor_total > 0:
            curve = progress.get(project.code, [])
            _integrator_order(project, rng, vendor_total, curve, as_of, (orders, invoices))
        if project.code in budget.hardware:
            _hardware_order(project, rng, budget.hardware[project.code], as_of, (orders, invoices))
        software = budget.software_total.get(project.code, 0.0)
        if software > 0:
            _software_order(project, rng, software, as_of, (orders, invoices))
    _number_documents(orders, invoices)
    return orders, invoices


Documents = tuple[list[dict[str, object]], list[dict[str, object]]]
"""Purchase orders and invoices, appended to as they are raised."""


def _integrator_order(
    project: Project,
    rng: np.random.Generator,
    vendor_total: float,
    curve: list[tuple[date, float]],
    as_of: date,
    documents: Documents,
) -> None:
    """One order for the integrator; an invoice a few days after each month end for the work
    done since the last (the vendor-ahead storyline bills by time elapsed instead)."""
    orders, invoices = documents
    po_date = next_weekday(project.start + timedelta(days=int(rng.integers(10, 30))))
    if po_date > as_of:
        return
    orders.append(_po(project, project.vendor, po_date, vendor_total, "capex"))
    previous = 0.0
    for month_close, complete in curve:
        if month_close < po_date:
            continue
        if project.storyline == "vendor_ahead":
            elapsed = (month_close - project.start).days / max(
                1, (project.planned_finish - project.start).days
            )
            billed_share = min(0.92, elapsed * 1.45)
        else:
            billed_share = min(1.0, complete * float(rng.uniform(0.95, 1.03)))
        amount = vendor_total * (billed_share - previous)
        if amount < vendor_total * 0.01:
            continue
        previous = billed_share
        invoice_date = next_weekday(month_close + timedelta(days=int(rng.integers(3, 9))))
        if invoice_date > as_of:
            continue
        po_number = orders[-1]["po_number"]
        invoices.append(
            _invoice(project, project.vendor, po_number, invoice_date, amount, rng, as_of)
        )


def _hardware_order(
    project: Project,
    rng: np.random.Generator,
    purchase: tuple[date, float],
    as_of: date,
    documents: Documents,
) -> None:
    """The hardware bought in its budget month, invoiced on delivery."""
    orders, invoices = documents
    month, amount = purchase
    vendor = cat.VENDORS_HARDWARE[project.idx % len(cat.VENDORS_HARDWARE)]
    po_date = next_weekday(month + timedelta(days=int(rng.integers(2, 12))))
    if po_date > as_of:
        return
    orders.append(_po(project, vendor, po_date, amount, "capex"))
    delivered = next_weekday(po_date + timedelta(days=int(rng.integers(20, 45))))
    if delivered <= as_of:
        po_number = orders[-1]["po_number"]
        invoices.append(_invoice(project, vendor, po_number, delivered, amount, rng, as_of))


def _software_order(
    project: Project, rng: np.random.Generator, total: float, as_of: date, documents: Documents
) -> None:
    """Software licences ordered at the start and invoiced quarterly over the planned life."""
    orders, invoices = documents
    vendor = cat.VENDORS_SOFTWARE[project.idx % len(cat.VENDORS_SOFTWARE)]
    po_date = next_weekday(project.start + timedelta(days=5))
    if po_date > as_of:
        return
    orders.append(_po(project, vendor, po_date, total, "opex"))
    months = max(1, round((project.planned_finish - project.start).days / 30.4))
    quarters = math.ceil(months / 3)
    for q in range(quarters):
        invoice_date = next_weekday(add_months(po_date, 3 * q))
        if invoice_date > min(as_of, project.finish):
            break
        po_number = orders[-1]["po_number"]
        invoices.append(
            _invoice(project, vendor, po_number, invoice_date, total / quarters, rng, as_of)
        )


def _number_documents(orders: list[dict[str, object]], invoices: list[dict[str, object]]) -> None:
    """Number the orders by date (PO-<year>-<n>) and the invoices per vendor, in date order."""
    orders.sort(key=lambda r: (r["po_date"], r["project_code"], r["vendor"]))
    numbers = {}
    for n, order in enumerate(orders, start=1):
        year = order["po_date"][:4]
        numbers[order["po_number"]] = f"PO-{year}-{n:04d}"
        order["po_number"] = numbers[order["po_number"]]
    sequence: dict[str, int] = {}
    invoices.sort(key=lambda r: (r["invoice_date"], r["vendor"], r["project_code"]))
    for invoice in invoices:
        invoice["po_number"] = numbers[invoice["po_number"]]
        prefix = _vendor_prefix(str(invoice["vendor"]))
        sequence[prefix] = sequence.get(prefix, 0) + 1
        invoice["invoice_number"] = f"INV-{prefix}-{10400 + sequence[prefix] * 7}"


def _po(project: Project, vendor: str, po_date: date, amount: float, expense: str) -> dict:
    return {
        "po_number": f"{project.code}|{vendor}|{po_date}",
        "vendor": vendor,
        "project_code": project.code,
        "po_date": po_date.isoformat(),
        "po_amount": round(amount, 2),
        "expense_type": expense,
        "currency": project.currency,
    }


def _invoice(
    project: Project,
    vendor: str,
    po_number: object,
    invoice_date: date,
    amount: float,
    rng: np.random.Generator,
    as_of: date,
) -> dict:
    paid = invoice_date + timedelta(days=int(rng.integers(24, 46)))
    late_payer = rng.random() < 0.06
    return {
        "invoice_number": "",
        "po_number": po_number,
        "vendor": vendor,
        "project_code": project.code,
        "invoice_date": invoice_date.isoformat(),
        "amount": round(amount, 2),
        "currency": project.currency,
        "paid_date": paid.isoformat() if paid <= as_of and not late_payer else "",
    }


def build_fx_rows(world: World) -> list[dict[str, str]]:
    rows = []
    for currency, series in sorted(world.fx.items()):
        for month, rate in zip(world.window.month_starts, series, strict=True):
            rows.append(
                {
                    "currency": currency,
                    "rate_month": month.isoformat(),
                    "rate_to_reporting_currency": f"{rate:.4f}",
                }
            )
    return rows


def month_closes(world: World, project: Project) -> list[date]:
    """Status dates at which a project reports: month ends from its start until it finished."""
    closes = []
    previous = None
    for close in world.window.snapshot_dates:
        if close < project.start:
            previous = close
            continue
        if previous is not None and previous >= project.finish:
            break
        closes.append(close)
        previous = close
    return closes


def write_finance(
    out: Landing,
    world: World,
    budget: Budget,
    plans: dict[str, Plan],
    progress: dict[str, list[tuple[date, float]]],
) -> tuple[Rows, Rows, Rows]:
    """Write the finance files; returns the change requests, purchase orders and invoices."""
    as_of = world.window.as_of
    out.canonical("finance/budgets.csv", "budgets", budget.rows, as_of)
    changes = build_change_requests(world, budget)
    out.canonical("finance/change_requests.csv", "change_requests", changes, as_of)
    orders, invoices = build_purchasing(world, budget, progress)
    out.canonical("finance/purchase_orders.csv", "purchase_orders", orders, as_of)
    out.canonical("finance/invoices.csv", "invoices", invoices, as_of)
    out.canonical("finance/fx_rates.csv", "fx_rates", build_fx_rows(world), as_of)
    project = world.by_code.get(EARNED_VALUE_PROJECT)
    if project is not None and project.code in plans:
        rows = _earned_value_rows(world, project, plans[project.code], budget.bac[project.code])
        out.canonical(f"finance/earned_value_{project.code}.csv", "earned_value", rows, as_of)
    return changes, orders, invoices


def _earned_value_rows(
    world: World, project: Project, plan: Plan, bac: float
) -> list[dict[str, str]]:
    """The earned-value import one project keeps outside the plan, per month end."""
    rows = []
    for close in month_closes(world, project):
        states = plan.state(close)
        actual = sum(s.cost * s.percent / 100 for s in states.values())
        rows.append(
            {
                "project_code": project.code,
                "status_date": close.isoformat(),
                "planned_value": f"{bac * plan.planned_percent(close):.2f}",
                "earned_value": f"{bac * plan.earned_percent(close):.2f}",
                "actual_cost": f"{actual:.2f}",
                "budget_at_completion": f"{bac:.2f}",
            }
        )
    return rows
