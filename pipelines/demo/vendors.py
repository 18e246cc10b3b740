"""Vendors, contracts and service levels: the PMO's vendor register, a statement of work per
integrator purchase order, the monthly SLA reports the vendors send, the deliverables the
statements of work name, and the managed-service desk's ticket export (ServiceNow).

Most months meet their service levels. The vendor-ahead storyline's integrator (invoicing ahead
of delivery) also misses its defect-leakage target in the last months and accepts a deliverable
late while the next one is overdue, so its project carries an SLA breach in its health. The
managed-service desk is a vendor-level contract: its misses show on the Vendors page and in the
packs but change no project's health. A few odd rows are planted in the ticket export: a
priority the contract does not know, an unreadable opened date and a company the vendor register
does not list (all three quarantined), and tickets still open at the month end. Two rows of the
SLA report count in no SLA result (the data-quality page lists them): the managed-service
provider also reports a metric its contract has no term for, and an integrator quotes its
statement of work under last year's number.

The hardware and software suppliers are in the register with orders and invoices but no
contract: their spend shows as uncontracted.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import numpy as np

from pipelines.demo import catalogue as cat
from pipelines.demo.calendar import months_between, next_weekday
from pipelines.demo.landing import Landing
from pipelines.demo.world import STORYLINE_CODES, World, rng_for

MANAGED_SERVICE = "Tailwind Managed Services"
MANAGED_CONTRACT = "MSA-2024-001"
SERVICENOW_HEADER = (
    "number",
    "short_description",
    "priority",
    "state",
    "assignment_group",
    "company",
    "opened_at",
    "u_first_response",
    "resolved_at",
    "closed_at",
)
PRIORITY_TEXT = {"p1": "1 - Critical", "p2": "2 - High", "p3": "3 - Moderate", "p4": "4 - Low"}
TICKET_TERMS = (
    # metric, priority, target hours, compliance %
    ("response_hours", "p1", 0.5, 95),
    ("response_hours", "p2", 2.0, 90),
    ("resolution_hours", "p1", 4.0, 95),
    ("resolution_hours", "p2", 8.0, 90),
    ("resolution_hours", "p3", 24.0, 90),
)
TICKET_SUBJECTS = (
    "Payment batch job failed",
    "VPN access request",
    "Report export times out",
    "Password reset for service account",
    "Disk space alert on app server",
    "Interface queue backlog",
    "Login page slow",
    "Certificate renewal",
)
BAD_TICKET_PRIORITY = "TBD"
BAD_TICKET_DATE = "31/02/2026 25:00"
UNLISTED_VENDOR = "Tailwind Managed Svcs"
"""How the service desk's company field names the managed-service provider on one ticket."""
UNTERMED_METRIC = "first_time_fix_pct"
"""A metric the managed-service provider reports that its contract has no SLA term for."""
BAD_TICKETS = (  # (quarantine keyword, what is wrong), in file order
    ("priority", "a ticket priority the service levels do not know (TBD)"),
    ("timestamp", "an opened time that does not exist (31 February, 25:00)"),
    ("vendor", "a company the vendor register does not list (Tailwind Managed Svcs)"),
)


Rows = list[dict[str, str]]
SOW_DELIVERABLES = ("Solution design", "Build increment 1", "Build increment 2", "Test report")
QUARTER_STARTS = (1, 4, 7, 10)


def build_vendor_files(
    world: World, orders: list[dict[str, object]]
) -> tuple[dict[str, Rows], bytes, list[int]]:
    """Canonical rows per entity (vendors, contracts, sla_terms, sla_measurements,
    vendor_deliverables), the ServiceNow export's bytes and the file lines of its bad rows."""
    owners = [
        f"{first} {last}"
        for first, last in zip(
            world.people.first_name[:12], world.people.last_name[:12], strict=True
        )
    ]
    rows: dict[str, Rows] = {
        "vendors": _vendor_register(orders, owners),
        "contracts": [],
        "sla_terms": [],
        "sla_measurements": [],
        "vendor_deliverables": [],
    }
    sows = [order for order in orders if order["vendor"] in cat.VENDORS_SERVICES]
    for number, order in enumerate(sorted(sows, key=lambda o: str(o["po_number"])), start=1):
        _statement_of_work(world, order, number, rows)
    ticket_months = _managed_service(world, owners[0], rows)
    rows["sla_measurements"] += _unscored_measurements(world, rows["contracts"], ticket_months)
    export, bad_lines = _servicenow_export(world, ticket_months[-6:])
    return rows, export, bad_lines


def _vendor_register(orders: list[dict[str, object]], owners: list[str]) -> Rows:
    categories = {
        **dict.fromkeys(cat.VENDORS_SERVICES, "systems integrator"),
        **dict.fromkeys(cat.VENDORS_HARDWARE, "hardware"),
        **dict.fromkeys(cat.VENDORS_SOFTWARE, "software licences"),
        MANAGED_SERVICE: "managed service",
    }
    named = sorted({str(order["vendor"]) for order in orders} | {MANAGED_SERVICE})
    return [
        {
            "vendor": name,
            "vendor_category": categories.get(name, "services"),
            "relationship_owner": owners[i % len(owners)],
            "status": "active",
            "country": ("DE", "NL", "GB", "US", "FR")[i % 5],
        }
        for i, name in enumerate(named)
    ]


def _statement_of_work(
    world: World, order: dict[str, object], number: int, rows: dict[str, Rows]
) -> None:
    """An integrator order's statement of work: the contract, its two service levels, the
    monthly SLA reports and the four deliverables (the vendor-ahead storyline's late)."""
    as_of = world.window.as_of
    project = world.by_code[str(order["project_code"])]
    rng = rng_for(world.seed, "vendors", project.code)
    start = date.fromisoformat(str(order["po_date"]))
    end = max(project.planned_finish, project.finish)
    contract_id = f"SOW-{start.year}-{number:03d}"
    vendor = str(order["vendor"])
    rows["contracts"].append(
        {
            "contract_id": contract_id,
            "vendor": vendor,
            "project_code": project.code,
            "contract_type": "sow",
            "sow_reference": f"SOW {project.code}-{number:02d}",
            "po_number": str(order["po_number"]),
            "contract_value": f"{float(order['po_amount']) * 1.05:.2f}",
            "currency": str(order["currency"]),
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "owner": project.manager,
        }
    )
    rows["sla_terms"] += [
        _term(contract_id, "defect_leakage_pct", "5", "lower_is_better", "monthly"),
        _term(contract_id, "key_staff_retention_pct", "90", "higher_is_better", "quarterly"),
    ]
    storyline = project.code == STORYLINE_CODES["vendor_ahead"]
    # each month's report arrives at its month end: the as-of month's too
    months = [m for m in months_between(start, min(as_of, end)) if m <= as_of.replace(day=1)]
    for index, month in enumerate(months):
        leakage = float(rng.uniform(1.0, 4.2))
        if storyline and index >= len(months) - 2:
            leakage = float(rng.uniform(6.5, 9.0))  # the last two months miss the target
        rows["sla_measurements"].append(
            _measurement(vendor, contract_id, month, "defect_leakage_pct", f"{leakage:.2f}")
        )
        if month.month in QUARTER_STARTS and month + timedelta(days=92) <= as_of:
            retention = f"{float(rng.uniform(91, 100)):.1f}"
            rows["sla_measurements"].append(
                _measurement(vendor, contract_id, month, "key_staff_retention_pct", retention)
            )
    rows["vendor_deliverables"] += _deliverables(
        rng, vendor, contract_id, (start, end), storyline, as_of
    )


def _deliverables(
    rng: np.random.Generator,
    vendor: str,
    contract_id: str,
    term: tuple[date, date],
    storyline: bool,
    as_of: date,
) -> Rows:
    """The deliverables due over the contract's term (up to four months past the as-of date):
    most accepted within a few days of their due date; the storyline's second accepted 12 days
    late and its third overdue."""
    start, end = term
    span = max(30, (end - start).days)
    rows = []
    for step, name in enumerate(SOW_DELIVERABLES, start=1):
        due = next_weekday(start + timedelta(days=span * step // 5))
        if due > as_of + timedelta(days=120):
            continue
        slip = int(rng.integers(-5, 4))
        if storyline and step == 2:
            slip = 12  # accepted late
        accepted: date | None = next_weekday(due + timedelta(days=slip))
        if storyline and step == 3:
            # due three weeks before the as-of date and not accepted: overdue
            due = next_weekday(min(due, as_of - timedelta(days=21)))
            accepted = None
        if accepted is not None and accepted > as_of:
            accepted = None
        rows.append(
            {
                "contract_id": contract_id,
                "deliverable_id": f"D{step:02d}",
                "deliverable_name": name,
                "vendor": vendor,
                "due_date": due.isoformat(),
                "accepted_date": accepted.isoformat() if accepted else "",
            }
        )
    return rows


def _managed_service(world: World, owner: str, rows: dict[str, Rows]) -> list[date]:
    """The managed-service desk's contract (vendor-level, no project), its availability and
    ticket service levels and its monthly availability (one outage month); returns the months
    it reported."""
    as_of = world.window.as_of
    managed_start = world.window.start.replace(day=1)
    rows["contracts"].append(
        {
            "contract_id": MANAGED_CONTRACT,
            "vendor": MANAGED_SERVICE,
            "project_code": "",
            "contract_type": "managed_service",
            "sow_reference": "",
            "po_number": "",
            "contract_value": "360000",
            "currency": "EUR",
            "start_date": managed_start.isoformat(),
            "end_date": date(as_of.year + 2, 12, 31).isoformat(),
            "owner": owner,
        }
    )
    rows["sla_terms"].append(
        _term(MANAGED_CONTRACT, "availability_pct", "99.5", "higher_is_better", "monthly")
    )
    rows["sla_terms"] += [
        {
            **_term(MANAGED_CONTRACT, metric, f"{target:g}", "lower_is_better", "monthly"),
            "priority": priority.upper(),
            "unit": "hours",
            "compliance_target_pct": f"{compliance}",
        }
        for metric, priority, target, compliance in TICKET_TERMS
    ]
    rng = rng_for(world.seed, "vendors", MANAGED_CONTRACT)
    ticket_months = months_between(managed_start, as_of)
    for index, month in enumerate(ticket_months):
        availability = float(rng.uniform(99.55, 99.98))
        if index == len(ticket_months) - 3:
            availability = 99.1  # an outage month
        rows["sla_measurements"].append(
            _measurement(
                MANAGED_SERVICE, MANAGED_CONTRACT, month, "availability_pct", f"{availability:.2f}"
            )
        )
    return ticket_months


def _unscored_measurements(world: World, contracts: Rows, ticket_months: list[date]) -> Rows:
    """Rows of the SLA report that count in no SLA result: a metric with no term, and a
    statement of work quoted under last year's number."""
    rows = [
        _measurement(MANAGED_SERVICE, MANAGED_CONTRACT, ticket_months[-1], UNTERMED_METRIC, "87.5")
    ]
    sow = next((c for c in contracts if c["contract_type"] == "sow"), None)
    if sow is not None:  # SOW numbers are unique across years: last year's never exists
        _, year, number = sow["contract_id"].split("-")
        month = min(world.window.as_of, date.fromisoformat(sow["end_date"])).replace(day=1)
        old_number = f"SOW-{int(year) - 1}-{number}"
        rows.append(_measurement(sow["vendor"], old_number, month, "defect_leakage_pct", "3.10"))
    return rows


def _term(contract_id: str, metric: str, target: str, direction: str, period: str) -> dict:
    return {
        "contract_id": contract_id,
        "metric": metric,
        "target": target,
        "direction": direction,
        "period": period,
        "unit": "%",
    }


def _measurement(
    vendor: str, contract_id: str, month: date, metric: str, actual: str
) -> dict[str, str]:
    return {
        "vendor": vendor,
        "contract_id": contract_id,
        "period_start": month.isoformat(),
        "metric": metric,
        "actual": actual,
    }


TICKET_HOURS = {"p1": (0.3, 3.0), "p2": (1.0, 6.0), "p3": (2.0, 16.0), "p4": (4.0, 40.0)}
"""Median hours to first response and to resolution per priority (before the draws' spread)."""
SERVICE_DESK = "Tailwind Application Support"
STAMP = "%Y-%m-%d %H:%M:%S"


def _servicenow_export(world: World, months: list[date]) -> tuple[bytes, list[int]]:
    """The managed-service desk's incidents of the last six months as ServiceNow exports them
    (priority as '2 - High', the vendor in company, first response in a custom u_ field)."""
    as_of = world.window.as_of
    cut_off = datetime(as_of.year, as_of.month, as_of.day, 23, 59)
    rng = rng_for(world.seed, "vendors", "servicenow")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SERVICENOW_HEADER)
    line, number, bad_lines = 1, 10000, []
    for month_index, month in enumerate(months):
        # the second-to-last month runs slow: P1 and P2 tickets breach their targets
        slow = 2.2 if month_index == len(months) - 2 else 1.0
        for _ in range(int(rng.integers(18, 28))):
            number += 1
            row = _ticket(rng, f"INC00{number}", month, slow, cut_off)
            if row is not None:
                line += 1
                writer.writerow(row)
    # odd rows: a priority the contract does not know, an opened date that cannot be read, the
    # provider named as the register does not name it
    for priority, opened_text, company in (
        (BAD_TICKET_PRIORITY, months[-1].strftime("%Y-%m-%d 09:00:00"), MANAGED_SERVICE),
        ("3 - Moderate", BAD_TICKET_DATE, MANAGED_SERVICE),
        ("2 - High", months[-1].strftime("%Y-%m-%d 14:30:00"), UNLISTED_VENDOR),
    ):
        number += 1
        line += 1
        bad_lines.append(line)
        writer.writerow(
            [f"INC00{number}", "Printer offline", priority, "New", SERVICE_DESK, company]
            + [opened_text, "", "", ""]
        )
    return buffer.getvalue().encode("utf-8"), bad_lines


def _ticket(
    rng: np.random.Generator, number: str, month: date, slow: float, cut_off: datetime
) -> list[str] | None:
    """One incident opened in ``month`` (None when that falls after the cut-off): responded
    to and resolved after times drawn around the priority's medians, times ``slow``."""
    priority = str(rng.choice(["p1", "p2", "p2", "p3", "p3", "p3", "p4"]))
    opened = datetime(month.year, month.month, 1, 8) + timedelta(
        days=int(rng.integers(0, 28)), minutes=int(rng.integers(0, 600))
    )
    if opened > cut_off:
        return None
    response_median, resolve_median = TICKET_HOURS[priority]
    responded = opened + timedelta(
        hours=float(rng.lognormal(0, 0.5)) * response_median * 0.5 * slow
    )
    resolved = opened + timedelta(hours=float(rng.lognormal(0, 0.4)) * resolve_median * 0.8 * slow)
    still_open = resolved > cut_off
    return [
        number,
        str(rng.choice(TICKET_SUBJECTS)),
        PRIORITY_TEXT[priority],
        "In Progress" if still_open else "Resolved",
        SERVICE_DESK,
        MANAGED_SERVICE,
        opened.strftime(STAMP),
        responded.strftime(STAMP) if responded <= cut_off else "",
        "" if still_open else resolved.strftime(STAMP),
        "",
    ]


def write_vendors(out: Landing, world: World, orders: list[dict[str, object]]) -> None:
    """The vendor register, contracts with their service levels, the vendors' monthly SLA
    reports and deliverables (canonical files), and the managed-service desk's ServiceNow
    ticket export with three odd rows to quarantine."""
    as_of = world.window.as_of
    rows, tickets, bad_lines = build_vendor_files(world, orders)
    out.canonical("vendors/vendors.csv", "vendors", rows["vendors"], as_of)
    out.canonical("vendors/contracts.csv", "contracts", rows["contracts"], as_of)
    out.canonical("vendors/sla_terms.csv", "sla_terms", rows["sla_terms"], as_of)
    out.canonical_xlsx(
        "vendors/sla_report.xlsx",
        "sla_measurements",
        rows["sla_measurements"],
        as_of,
        "Vendor SLA report",
        ("actual",),
    )
    out.canonical(
        "vendors/deliverables.csv", "vendor_deliverables", rows["vendor_deliverables"], as_of
    )
    relative = "vendors/servicenow_incidents.csv"
    out.write(
        relative,
        tickets,
        "service_desk_tickets",
        {"service_tickets": tickets.count(b"\n") - 1},
        as_of,
    )
    for line, (reason, detail) in zip(bad_lines, BAD_TICKETS, strict=True):
        out.bad(relative, line, "service_tickets", reason, detail)
