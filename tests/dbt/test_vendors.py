"""Vendors, contracts and SLAs (issue 14 §2) through the real dbt build, on figures worked out
by hand.

Project P runs Jan-Jun 2026, as of 31 Mar 2026 (its last timesheet). USD is 0.9 in January
(carried into February) and 0.8 from March; GBP 1.10 in January and 1.20 from March.

Contracts: CT-1 Northwind Consulting for P (10 000 EUR, PO-1); CT-2 contoso hosting, a
vendor-level agreement (1 000 USD from 15 Jan: 900 EUR); CT-3 Northwind starts in June (after
the as-of date: left out).

SLA results (met / measured):
- CT-1 availability_pct >= 99.5: Jan 99.7 met, Feb 99.2 missed, Mar 99.5 met (equal); April's
  99.9 is after the as-of month; a measurement of a metric without a term is ignored.
- CT-1 defect_fix_days <= 5, quarterly from 1 Jan: 6 -> missed, counted in March.
- CT-2 uptime_pct >= 99.9: Feb 99.95 met, Mar 99.8 missed.
- CT-2 P1 tickets (vendor written ' CONTOSO HOSTING', no contract: matched by vendor and date):
  response within 1 h for 100 %, resolution within 4 h for 90 %.
  T6 (27 Feb 09:00, responded 09:15, resolved 10:00): Feb response 1/1, resolution 1/1 -> met.
  March: T1 (0.5 h / 3 h), T2 (1.5 h / 10 h), T4 (no response, resolved after 3 h: response
  3 h / resolution 3 h), T3 (opened 31 Mar 22:00, nothing yet: 2 h waiting at the cut-off ->
  response breached, resolution pending, not counted), T5 is P3 (no term).
  Response: 1 of 4 within = 25 % < 100 -> missed. Resolution: 2 of 3 = 66.67 % < 90 -> missed.

Northwind: Jan 1/1 = 100 %, Feb 0/1 = 0 %, Mar 1/2 = 50 % (three months 2/4 = 50 %, +50 pts).
Contoso: Feb 3/3 = 100 %, Mar 0/3 = 0 % (-100 pts).

Deliverables of CT-1: D1 due 20 Jan accepted 18 Jan (on time), D2 due 10 Feb accepted 14 Feb
(late, 4 days), D3 due 15 Mar open (overdue, 16 days), D4 due 31 Mar open (due), D6 due 20 Mar
accepted 2 Apr, after the as-of date (overdue, 11 days), D5 due in May (left out).

Purchase orders and invoices: PO-1 Northwind 5 000 (Jan), PO-2 Contoso 1 000 (Feb).
I1 Northwind PO-1 25 Jan 3 000 matches; I2 PO-1 20 Feb 2 500 exceeds the 2 000 left; I3 no PO
(400, Mar); I4 PO-9 unknown (100, Mar); I5 Contoso quoting PO-1 (another vendor's, 50, Mar);
I6 Contoso PO-2 1 000 USD in March = 800 matches.
Northwind spend to date: Jan 3 000, Feb 5 500, Mar 6 000 (60 % of 10 000, 120 % of 5 000);
invoice accuracy Jan 100 %, Feb 0 %, Mar 0 of 2. Contoso: Mar 850 EUR invoiced against a 900 EUR
contract, 1 of 2 invoices matching; compared in the contract's dollars it is over: the whole
1 000 USD is invoiced (I6) plus 50 EUR (I5, 55.56 USD at the contract's 0.9), 105.56 % and
-50 EUR remaining (-55.56 USD at 0.9), flagged over contract. In euros the dollar's fall from
0.9 to 0.8 hid it (850 of 900, 94.44 %).

Wingtip Devices is in the register with orders and invoices but no contract:
- PO-3 GBP 1 000 (5 Jan: 1 100 EUR); I7 GBP 600 (20 Jan: 660), I8 GBP 400 (10 Mar: 480). In
  euros I8 is 40 over the 440 left, but the order is invoiced exactly in its own currency:
  matches.
- PO-4 EUR 1 000 (1 Feb); I9 700 (Feb), I10 300.40 (Mar): 0.40 over, less than half a unit:
  rounding, matches.
- PO-5 EUR 100 (1 Mar); I11 100.60 (Mar): 0.60 over: exceeds, by 0.60.
Spend to date Jan 660, Feb 1 360, Mar 2 241 (all uncontracted: no contract value, remaining or
spend / contract); invoice accuracy Mar 2 of 3.

The vendor base in March (rpt_vendor_portfolio_monthly): 3 vendors, all active; 2 contracts in
force; SLAs 1 met of 5 (20 %), 4 breaches by 2 vendors; contract value 10 900, spend 9 091 of
which 6 850 contracted (62.84 %) and 2 241 uncontracted (1 vendor); 1 vendor over contract
(Contoso); 7 invoices, 4 not matching.

Rows counting nowhere (fct_vendor_rows_left_out): CT-1's first_time_fix_pct measurement (no such
term), a CT-9 measurement, ticket T7 (CT-7), deliverable D9 (CT-8) and a CT-9 term (contracts
nobody loaded), CT-2's response_hours term without a priority. The April measurement is after
the as-of date.

P's health: Feb and Mar one SLA missed each by CT-1 (amber: above 0); January none (green);
CT-2's breaches serve no project.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from tests.dbt.conftest import (
    BuiltWarehouse,
    DbtBuild,
    built_portfolio,
    dbt_build,
    insert_raw_rows,
    load_portfolio,
)

pytestmark = pytest.mark.xdist_group(__name__)  # its tests share one built warehouse

D = date.fromisoformat
T = datetime.fromisoformat
JAN, FEB, MAR = D("2026-01-01"), D("2026-02-01"), D("2026-03-01")
NORTHWIND, CONTOSO, WINGTIP = "northwind consulting", "contoso hosting", "wingtip devices"


def load(con: duckdb.DuckDBPyConnection) -> None:
    load_portfolio(
        con,
        {
            "projects": [
                {
                    "project_code": "P",
                    "project_name": "Project P",
                    "portfolio": "Ops",
                    "methodology": "waterfall",
                    "start_date": D("2026-01-05"),
                    "planned_finish_date": D("2026-06-30"),
                    "status": "active",
                    "currency": "EUR",
                }
            ],
            "people": [{"employee_id": "E1", "full_name": "Ann Lee"}],
            "timesheets": [
                {"employee_id": "E1", "project_code": "P", "work_date": D(day), "hours": 8.0}
                for day in ("2026-01-15", "2026-02-16", "2026-03-31")
            ],
            "fx_rates": [
                {"currency": "USD", "rate_month": JAN, "rate_to_reporting_currency": 0.9},
                {"currency": "USD", "rate_month": MAR, "rate_to_reporting_currency": 0.8},
                {"currency": "GBP", "rate_month": JAN, "rate_to_reporting_currency": 1.1},
                {"currency": "GBP", "rate_month": MAR, "rate_to_reporting_currency": 1.2},
            ],
            "purchase_orders": [
                {
                    "po_number": "PO-1",
                    "vendor": "Northwind Consulting",
                    "project_code": "P",
                    "po_date": D("2026-01-05"),
                    "po_amount": 5000.0,
                    "currency": "EUR",
                },
                {
                    "po_number": "PO-2",
                    "vendor": "Contoso Hosting",
                    "project_code": "P",
                    "po_date": D("2026-02-01"),
                    "po_amount": 1000.0,
                    "currency": "EUR",
                },
                *(
                    {
                        "po_number": number,
                        "vendor": "Wingtip Devices",
                        "project_code": "P",
                        "po_date": D(day),
                        "po_amount": amount,
                        "currency": currency,
                    }
                    for number, day, amount, currency in [
                        ("PO-3", "2026-01-05", 1000.0, "GBP"),
                        ("PO-4", "2026-02-01", 1000.0, "EUR"),
                        ("PO-5", "2026-03-01", 100.0, "EUR"),
                    ]
                ),
            ],
            "invoices": [
                {
                    "invoice_number": number,
                    "po_number": po,
                    "vendor": vendor,
                    "project_code": "P",
                    "invoice_date": D(day),
                    "amount": amount,
                    "currency": currency,
                }
                for number, po, vendor, day, amount, currency in [
                    ("I1", "PO-1", "Northwind Consulting", "2026-01-25", 3000.0, "EUR"),
                    ("I2", "PO-1", "Northwind Consulting", "2026-02-20", 2500.0, "EUR"),
                    ("I3", None, "Northwind Consulting", "2026-03-05", 400.0, "EUR"),
                    ("I4", "PO-9", "Northwind Consulting", "2026-03-06", 100.0, "EUR"),
                    ("I5", "PO-1", "Contoso Hosting", "2026-03-07", 50.0, "EUR"),
                    ("I6", "PO-2", "Contoso Hosting", "2026-03-08", 1000.0, "USD"),
                    ("I7", "PO-3", "Wingtip Devices", "2026-01-20", 600.0, "GBP"),
                    ("I8", "PO-3", "Wingtip Devices", "2026-03-10", 400.0, "GBP"),
                    ("I9", "PO-4", "Wingtip Devices", "2026-02-10", 700.0, "EUR"),
                    ("I10", "PO-4", "Wingtip Devices", "2026-03-12", 300.4, "EUR"),
                    ("I11", "PO-5", "Wingtip Devices", "2026-03-13", 100.6, "EUR"),
                ]
            ],
        },
    )
    insert_raw_rows(
        con,
        "vendors",
        "landing/vendors.csv",
        [
            {"vendor": "Northwind Consulting", "vendor_category": "integrator", "status": "active"},
            {"vendor": "Contoso Hosting", "vendor_category": "managed service"},
            {"vendor": "Wingtip Devices", "vendor_category": "hardware"},
        ],
    )
    insert_raw_rows(
        con,
        "contracts",
        "landing/contracts.csv",
        [
            {
                "contract_id": "CT-1",
                "vendor": "Northwind Consulting",
                "project_code": "P",
                "contract_type": "sow",
                "po_number": "PO-1",
                "contract_value": 10000.0,
                "currency": "EUR",
                "start_date": D("2026-01-01"),
                "end_date": D("2026-12-31"),
            },
            {
                "contract_id": "CT-2",
                "vendor": "contoso hosting",
                "contract_type": "managed_service",
                "contract_value": 1000.0,
                "currency": "USD",
                "start_date": D("2026-01-15"),
                "end_date": D("2026-12-31"),
            },
            {
                "contract_id": "CT-3",
                "vendor": "Northwind Consulting",
                "project_code": "P",
                "contract_value": 99999.0,
                "start_date": D("2026-06-01"),
                "end_date": D("2026-12-31"),
            },
        ],
    )
    insert_raw_rows(
        con,
        "sla_terms",
        "landing/sla_terms.csv",
        [
            {
                "contract_id": contract,
                "metric": metric,
                "priority": priority,
                "target": target,
                "direction": direction,
                "period": period,
                "compliance_target_pct": compliance,
            }
            for contract, metric, priority, target, direction, period, compliance in [
                ("CT-1", "availability_pct", None, 99.5, "higher_is_better", None, None),
                ("CT-1", "Defect fix days", None, 5.0, "lower_is_better", "quarterly", None),
                ("CT-2", "uptime_pct", None, 99.9, "higher_is_better", "monthly", None),
                ("CT-2", "response_hours", "p1", 1.0, "lower_is_better", None, None),
                ("CT-2", "resolution_hours", "p1", 4.0, "lower_is_better", None, 90.0),
                ("CT-2", "response_hours", None, 2.0, "lower_is_better", None, None),
                ("CT-9", "availability_pct", None, 99.0, "higher_is_better", None, None),
            ]
        ],
    )
    insert_raw_rows(
        con,
        "sla_measurements",
        "landing/sla_measurements.csv",
        [
            {"contract_id": contract, "metric": metric, "period_start": D(start), "actual": actual}
            for contract, metric, start, actual in [
                ("CT-1", "availability_pct", "2026-01-01", 99.7),
                ("CT-1", "availability_pct", "2026-02-01", 99.2),
                ("CT-1", "availability_pct", "2026-03-01", 99.5),
                ("CT-1", "availability_pct", "2026-04-01", 99.9),
                ("CT-1", "defect_fix_days", "2026-01-01", 6.0),
                ("CT-1", "first_time_fix_pct", "2026-01-01", 10.0),
                ("CT-2", "uptime_pct", "2026-02-01", 99.95),
                ("CT-2", "uptime_pct", "2026-03-01", 99.8),
                ("CT-9", "uptime_pct", "2026-02-01", 99.0),
            ]
        ],
    )
    insert_raw_rows(
        con,
        "vendor_deliverables",
        "landing/deliverables.csv",
        [
            {
                "contract_id": contract,
                "deliverable_id": deliverable,
                "deliverable_name": f"Deliverable {deliverable}",
                "due_date": D(due),
                "accepted_date": D(accepted) if accepted else None,
            }
            for contract, deliverable, due, accepted in [
                ("CT-1", "D1", "2026-01-20", "2026-01-18"),
                ("CT-1", "D2", "2026-02-10", "2026-02-14"),
                ("CT-1", "D3", "2026-03-15", None),
                ("CT-1", "D4", "2026-03-31", None),
                ("CT-1", "D5", "2026-05-01", None),
                ("CT-1", "D6", "2026-03-20", "2026-04-02"),
                ("CT-8", "D9", "2026-02-01", None),
            ]
        ],
    )
    insert_raw_rows(
        con,
        "service_tickets",
        "landing/tickets.csv",
        [
            {
                "ticket_id": ticket,
                "vendor": " CONTOSO HOSTING",
                "contract_id": contract,
                "priority": priority,
                "created_at": T(created),
                "responded_at": T(responded) if responded else None,
                "resolved_at": T(resolved) if resolved else None,
            }
            for ticket, contract, priority, created, responded, resolved in [
                ("T1", None, "p1", "2026-03-02 08:00", "2026-03-02 08:30", "2026-03-02 11:00"),
                ("T2", None, "p1", "2026-03-05 10:00", "2026-03-05 11:30", "2026-03-05 20:00"),
                ("T3", None, "p1", "2026-03-31 22:00", None, None),
                ("T4", None, "p1", "2026-03-10 09:00", None, "2026-03-10 12:00"),
                ("T5", None, "p3", "2026-03-11 09:00", None, "2026-03-20 09:00"),
                ("T6", None, "p1", "2026-02-27 09:00", "2026-02-27 09:15", "2026-02-27 10:00"),
                ("T7", "CT-7", "p1", "2026-03-03 09:00", "2026-03-03 09:10", "2026-03-03 10:00"),
            ]
        ],
    )


def build(work_dir: Path, warehouse: Path) -> DbtBuild:
    return dbt_build(
        work_dir,
        warehouse,
        "build",
        "--select",
        "+rpt_vendor_portfolio_monthly +rpt_project_health_monthly +fct_vendor_rows_left_out",
        "--indirect-selection",
        "cautious",
        "--exclude",
        "test_type:unit",
        "--threads",
        "2",
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    path, result = built_portfolio(tmp_path_factory, "dbt_vendors", load, build)
    return BuiltWarehouse(path, result)


def test_sla_results_are_direction_aware_and_list_the_breaches(warehouse) -> None:
    rows = warehouse.rows(
        "select contract_id, metric, priority, reporting_month, actual, is_met,"
        " ticket_count, breach_description, project_code"
        " from rpt_vendor_sla_results_monthly order by all"
    )
    got = {
        (row["contract_id"], row["metric"], row["priority"], row["reporting_month"]): row
        for row in rows
    }
    assert {key: row["is_met"] for key, row in got.items()} == {
        ("CT-1", "availability_pct", None, JAN): True,
        ("CT-1", "availability_pct", None, FEB): False,
        ("CT-1", "availability_pct", None, MAR): True,  # 99.5 equals the target: met
        ("CT-1", "defect_fix_days", None, MAR): False,  # quarterly: in the quarter's last month
        ("CT-2", "uptime_pct", None, FEB): True,
        ("CT-2", "uptime_pct", None, MAR): False,
        ("CT-2", "response_hours", "p1", FEB): True,
        ("CT-2", "resolution_hours", "p1", FEB): True,
        ("CT-2", "response_hours", "p1", MAR): False,
        ("CT-2", "resolution_hours", "p1", MAR): False,
    }
    response = got[("CT-2", "response_hours", "p1", MAR)]
    resolution = got[("CT-2", "resolution_hours", "p1", MAR)]
    assert (response["ticket_count"], response["actual"]) == (4, pytest.approx(25.0))
    assert (resolution["ticket_count"], resolution["actual"]) == (3, pytest.approx(200 / 3))
    assert resolution["breach_description"] == (
        "P1 resolution within 4.0 h: 66.7% of 3 tickets within target, against at least 90.0%"
    )
    assert got[("CT-1", "availability_pct", None, FEB)]["breach_description"] == (
        "availability pct 99.20 against at least 99.50"
    )
    assert got[("CT-1", "defect_fix_days", None, MAR)]["breach_description"] == (
        "defect fix days 6.00 against at most 5.00"
    )
    assert {row["project_code"] for row in rows if row["contract_id"] == "CT-2"} == {None}


def test_scorecard_attainment_and_its_trend(warehouse) -> None:
    rows = {
        (row["vendor_key"], row["reporting_month"]): row
        for row in warehouse.rows("select * from rpt_vendor_scorecard_monthly")
    }
    months = (JAN, FEB, MAR)
    vendors = (NORTHWIND, CONTOSO, WINGTIP)
    assert set(rows) == {(vendor, month) for vendor in vendors for month in months}
    assert rows[(NORTHWIND, MAR)]["vendor"] == "Northwind Consulting"
    assert rows[(CONTOSO, MAR)]["vendor"] == "Contoso Hosting"  # the master's spelling
    attainment = {key: row["sla_attainment_pct"] for key, row in rows.items()}
    assert attainment == {
        (NORTHWIND, JAN): pytest.approx(100.0),
        (NORTHWIND, FEB): pytest.approx(0.0),
        (NORTHWIND, MAR): pytest.approx(50.0),
        (CONTOSO, JAN): None,
        (CONTOSO, FEB): pytest.approx(100.0),
        (CONTOSO, MAR): pytest.approx(0.0),
        **{(WINGTIP, month): None for month in months},
    }
    north = rows[(NORTHWIND, MAR)]
    counts = (north["sla_result_count"], north["sla_met_count"], north["sla_breach_count"])
    assert counts == (2, 1, 1)
    assert north["sla_attainment_3m_pct"] == pytest.approx(50.0)
    assert north["sla_attainment_change_pts"] == pytest.approx(50.0)
    assert rows[(CONTOSO, MAR)]["sla_attainment_change_pts"] == pytest.approx(-100.0)
    assert [rows[(NORTHWIND, month)]["has_sla_breach"] for month in (JAN, FEB, MAR)] == [
        False,
        True,
        True,
    ]


def test_deliverables_on_time_late_and_overdue(warehouse) -> None:
    states = {
        row["deliverable_id"]: (row["delivery_status"], row["days_late"])
        for row in warehouse.rows("select * from rpt_vendor_deliverables")
    }
    assert states == {
        "D1": ("accepted on time", 0),
        "D2": ("accepted late", 4),
        "D3": ("overdue", 16),
        "D4": ("due", 0),
        "D6": ("overdue", 11),  # accepted after the as-of date
    }
    months = {
        row["reporting_month"]: row
        for row in warehouse.rows(
            "select * from rpt_vendor_scorecard_monthly where vendor_key = ?", [NORTHWIND]
        )
    }
    counts = {
        month: (
            row["deliverable_due_count"],
            row["deliverable_on_time_count"],
            row["deliverable_late_count"],
            row["deliverable_overdue_count"],
            row["deliverable_on_time_pct"],
        )
        for month, row in months.items()
    }
    assert counts == {
        JAN: (1, 1, 0, 0, pytest.approx(100.0)),
        FEB: (1, 0, 1, 0, pytest.approx(0.0)),
        MAR: (3, 0, 0, 2, pytest.approx(0.0)),
    }


def test_invoices_checked_against_their_purchase_orders(warehouse) -> None:
    checks = {
        row["invoice_number"]: (row["po_check"], row["invoice_amount"])
        for row in warehouse.rows("select * from rpt_vendor_invoice_checks")
    }
    assert checks == {
        "I1": ("matches PO", pytest.approx(3000.0)),
        "I2": ("exceeds PO remaining", pytest.approx(2500.0)),
        "I3": ("no PO", pytest.approx(400.0)),
        "I4": ("unknown PO", pytest.approx(100.0)),
        "I5": ("PO of another vendor", pytest.approx(50.0)),
        "I6": ("matches PO", pytest.approx(800.0)),
        "I7": ("matches PO", pytest.approx(660.0)),
        "I8": ("matches PO", pytest.approx(480.0)),  # in GBP, the order's currency: exact
        "I9": ("matches PO", pytest.approx(700.0)),
        "I10": ("matches PO", pytest.approx(300.4)),  # 0.40 over: rounding
        "I11": ("exceeds PO remaining", pytest.approx(100.6)),
    }
    i2 = warehouse.one("select * from rpt_vendor_invoice_checks where invoice_number = 'I2'")
    assert i2["po_remaining_before_amount"] == pytest.approx(2000.0)
    excess = {
        row["invoice_number"]: row["po_excess_amount"]
        for row in warehouse.rows("select * from rpt_vendor_invoice_checks")
    }
    assert excess == {
        "I1": None,
        "I2": pytest.approx(500.0),
        "I3": None,
        "I4": None,
        "I5": None,
        "I6": None,
        "I7": None,
        "I8": None,
        "I9": None,
        "I10": None,
        "I11": pytest.approx(0.6),
    }
    # in euros the GBP invoice reads 40 over what is left; the page shows both amounts
    i8 = warehouse.one("select * from rpt_vendor_invoice_checks where invoice_number = 'I8'")
    assert i8["po_remaining_before_amount"] == pytest.approx(440.0)


def test_spend_against_contract_value_and_purchase_orders(warehouse) -> None:
    rows = {
        (row["vendor_key"], row["reporting_month"]): row
        for row in warehouse.rows("select * from rpt_vendor_scorecard_monthly")
    }
    spend = {
        month: (
            rows[(NORTHWIND, month)]["invoiced_to_date_amount"],
            rows[(NORTHWIND, month)]["invoice_accuracy_pct"],
        )
        for month in (JAN, FEB, MAR)
    }
    assert spend == {
        JAN: (pytest.approx(3000.0), pytest.approx(100.0)),
        FEB: (pytest.approx(5500.0), pytest.approx(0.0)),
        MAR: (pytest.approx(6000.0), pytest.approx(0.0)),
    }
    north = rows[(NORTHWIND, MAR)]
    assert north["contract_value"] == pytest.approx(10000.0)  # CT-3 starts after the as-of date
    assert north["po_committed_amount"] == pytest.approx(5000.0)
    assert north["spend_to_contract_pct"] == pytest.approx(60.0)
    assert north["spend_to_po_pct"] == pytest.approx(120.0)
    assert (north["invoice_count"], north["inaccurate_invoice_count"]) == (2, 2)
    contoso = rows[(CONTOSO, MAR)]
    assert contoso["contract_value"] == pytest.approx(900.0)  # 1 000 USD at January's 0.9
    assert contoso["invoiced_to_date_amount"] == pytest.approx(850.0)
    # compared in the contract's dollars: 1 000 USD + 50 EUR at the contract's 0.9
    assert contoso["spend_to_contract_pct"] == pytest.approx(100 * (1000 + 50 / 0.9) / 1000)
    assert contoso["contract_remaining_amount"] == pytest.approx(-50.0)
    assert contoso["is_over_contract_value"] is True
    february = rows[(CONTOSO, FEB)]
    assert (february["contract_remaining_amount"], february["spend_to_contract_pct"]) == (
        pytest.approx(900.0),
        pytest.approx(0.0),
    )
    assert february["is_over_contract_value"] is False
    assert contoso["invoice_accuracy_pct"] == pytest.approx(50.0)
    assert contoso["active_contract_count"] == 1


def test_a_vendor_without_a_contract_has_uncontracted_spend_not_a_negative_remainder(
    warehouse,
) -> None:
    rows = {
        row["reporting_month"]: row
        for row in warehouse.rows(
            "select * from rpt_vendor_scorecard_monthly where vendor_key = ?", [WINGTIP]
        )
    }
    shown = {
        month: (
            row["has_contract"],
            row["contract_value"],
            row["contract_remaining_amount"],
            row["spend_to_contract_pct"],
            row["invoiced_to_date_amount"],
            row["uncontracted_spend_amount"],
            row["has_uncontracted_spend"],
            row["is_over_contract_value"],
        )
        for month, row in rows.items()
    }
    assert shown == {
        JAN: (False, None, None, None, pytest.approx(660.0), pytest.approx(660.0), True, False),
        FEB: (False, None, None, None, pytest.approx(1360.0), pytest.approx(1360.0), True, False),
        MAR: (False, None, None, None, pytest.approx(2241.0), pytest.approx(2241.0), True, False),
    }
    march = rows[MAR]
    assert march["po_committed_amount"] == pytest.approx(2200.0)
    assert march["spend_to_po_pct"] == pytest.approx(2241.0 / 22)
    assert (march["invoice_count"], march["inaccurate_invoice_count"]) == (3, 1)
    # a vendor under contract: remaining as before, nothing uncontracted
    north = warehouse.one(
        "select * from rpt_vendor_scorecard_monthly where vendor_key = ? and reporting_month = ?",
        [NORTHWIND, MAR],
    )
    assert north["has_contract"] and not north["has_uncontracted_spend"]
    assert north["contract_remaining_amount"] == pytest.approx(4000.0)
    assert north["uncontracted_spend_amount"] == 0


def test_the_vendor_base_rolls_up_per_month(warehouse) -> None:
    rows = {
        row["reporting_month"]: row
        for row in warehouse.rows("select * from rpt_vendor_portfolio_monthly")
    }
    assert set(rows) == {JAN, FEB, MAR}
    march = rows[MAR]
    assert {
        column: march[column]
        for column in (
            "vendor_count",
            "active_vendor_count",
            "active_contract_count",
            "sla_result_count",
            "sla_met_count",
            "sla_breach_count",
            "vendors_with_sla_breach_count",
            "uncontracted_vendor_count",
            "over_contract_vendor_count",
            "invoice_count",
            "inaccurate_invoice_count",
        )
    } == {
        "vendor_count": 3,
        "active_vendor_count": 3,
        "active_contract_count": 2,
        "sla_result_count": 5,
        "sla_met_count": 1,
        "sla_breach_count": 4,
        "vendors_with_sla_breach_count": 2,
        "uncontracted_vendor_count": 1,
        "over_contract_vendor_count": 1,
        "invoice_count": 7,
        "inaccurate_invoice_count": 4,
    }
    assert march["sla_attainment_pct"] == pytest.approx(20.0)  # 1 of 5, not a mean of vendors
    assert march["contract_value"] == pytest.approx(10900.0)
    assert march["invoiced_to_date_amount"] == pytest.approx(9091.0)
    assert march["contracted_spend_amount"] == pytest.approx(6850.0)
    assert march["spend_to_contract_pct"] == pytest.approx(685000 / 10900)
    assert march["uncontracted_spend_amount"] == pytest.approx(2241.0)
    assert march["invoice_accuracy_pct"] == pytest.approx(300 / 7)
    january = rows[JAN]
    assert (january["sla_result_count"], january["sla_attainment_pct"]) == (
        1,
        pytest.approx(100.0),
    )
    assert january["invoiced_to_date_amount"] == pytest.approx(3660.0)


def test_vendor_rows_that_count_nowhere_are_listed_with_file_line_and_reason(warehouse) -> None:
    rows = warehouse.rows(
        "select entity, record_key, column_name, found_value, reason, source_file, source_line,"
        " project_code from fct_vendor_rows_left_out order by entity, record_key"
    )
    found = {(row["entity"], row["source_file"], row["source_line"]): row for row in rows}
    assert {key: row["reason"] for key, row in found.items()} == {
        ("service_tickets", "landing/tickets.csv", 8): (
            "contract_id: unknown contract 'CT-7', expected a contract listed in contracts; the"
            " ticket counts in no SLA result"
        ),
        ("sla_measurements", "landing/sla_measurements.csv", 7): (
            "metric: contract CT-1 has no SLA term for 'first_time_fix_pct' (its terms:"
            " availability_pct, defect_fix_days), expected a metric named in sla_terms; the"
            " measurement counts in no SLA result"
        ),
        ("sla_measurements", "landing/sla_measurements.csv", 10): (
            "contract_id: unknown contract 'CT-9', expected a contract listed in contracts; the"
            " measurement counts in no SLA result"
        ),
        ("vendor_deliverables", "landing/deliverables.csv", 8): (
            "contract_id: unknown contract 'CT-8', expected a contract listed in contracts; the"
            " deliverable is on no scorecard"
        ),
        ("sla_terms", "landing/sla_terms.csv", 7): (
            "priority: a response_hours term is measured from tickets of one priority, expected"
            " p1-p5; the term is never measured"
        ),
        ("sla_terms", "landing/sla_terms.csv", 8): (
            "contract_id: unknown contract 'CT-9', expected a contract listed in contracts; the"
            " term is never measured"
        ),
    }
    no_term = found[("sla_measurements", "landing/sla_measurements.csv", 7)]
    assert (no_term["record_key"], no_term["column_name"], no_term["found_value"]) == (
        "CT-1 / first_time_fix_pct / 2026-01-01",
        "metric",
        "first_time_fix_pct",
    )
    assert no_term["project_code"] == "P"


def test_a_breach_is_a_reason_in_the_health_of_the_project_the_contract_serves(
    warehouse,
) -> None:
    metrics = {
        row["reporting_month"]: row
        for row in warehouse.rows(
            "select * from rpt_project_health_metrics_monthly"
            " where project_code = 'P' and metric = 'sla_breach_count'"
        )
    }
    statuses = {
        month: (row["metric_value"], row["metric_status"]) for month, row in metrics.items()
    }
    assert statuses == {
        JAN: (0.0, "green"),
        FEB: (1.0, "amber"),
        MAR: (1.0, "amber"),
    }
    assert metrics[MAR]["health_reason"] == (
        "vendor SLAs missed: 1 (Northwind Consulting CT-1: defect fix days 6.00 against at most"
        " 5.00)"
    )
    health = warehouse.one(
        "select * from rpt_project_health_monthly where project_code = 'P' and reporting_month = ?",
        [FEB],
    )
    assert health["sla_breach_count"] == 1
    assert health["resources_status"] in ("amber", "red")
    assert (
        "vendor SLAs missed: 1 (Northwind Consulting CT-1: availability pct 99.20"
        in (health["health_reason"])
    )


def test_every_test_of_the_selection_passed(warehouse) -> None:
    failed = [
        result["unique_id"]
        for result in warehouse.build.run_results.get("results", [])
        if result["status"] not in ("success", "pass")
    ]
    assert failed == []
