"""Vendors, contracts, SLAs and service-desk ticket exports through the real loader, on small
files written to a temp landing folder and a real DuckDB warehouse."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.detect import detect, probe_file
from pipelines.ingest.dryrun import dry_run
from pipelines.ingest.load import load_landing
from pipelines.ingest.warehouse import connect
from tests.ingest.test_load import PEOPLE, PROJECTS, write

SERVICENOW = (
    "number,short_description,priority,state,assignment_group,company,opened_at,"
    "u_first_response,resolved_at,closed_at\n"
    "INC0010001,Batch failed,1 - Critical,Resolved,NW Support,Northwind Consulting,"
    "2026-10-05 09:12:00,2026-10-05 09:20:00,2026-10-05 11:00:00,\n"
    "INC0010002,VPN request,4 - Low,In Progress,NW Support,Northwind Consulting,"
    "2026-10-06 10:00:00,,,\n"  # odd but legal: still open, no response recorded
    "INC0010003,Disk alert,5 - Planning,Resolved,NW Support,Northwind Consulting,"
    "2026-10-07 08:00:00,,2026-10-09 08:00:00,\n"
    "INC0010004,Printer,TBD,New,NW Support,Northwind Consulting,2026-10-08 09:00:00,,,\n"
    "INC0010005,Login slow,2 - High,New,NW Support,Northwind Consulting,31/02/2026 25:00,,,\n"
)
JSM = (
    "Summary,Issue key,Issue id,Priority,Status,Created,Resolved,Organizations,"
    "Date of First Response\n"
    "Cannot log in,SD-12,10012,Highest,Done,05/Oct/26 9:12 AM,05/Oct/26 1:30 PM,"
    "Contoso Hosting,05/Oct/26 9:40 AM\n"
    "Slow report,SD-13,10013,Medium,Open,06/Oct/26 2:00 PM,,Contoso Hosting,\n"
    "Typo on page,SD-14,10014,Lowest,Done,07/Oct/26 8:05 AM,08/Oct/26 8:05 AM,Contoso Hosting,\n"
)


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    folder = tmp_path / "landing"
    write(folder / "master" / "projects.csv", PROJECTS, mtime=1_700_000_000)
    write(folder / "master" / "people.csv", PEOPLE, mtime=1_700_000_000)
    return folder


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = connect(tmp_path / "warehouse" / "pmo.duckdb")
    yield connection
    connection.close()


def test_a_servicenow_export_is_recognised_and_read_with_priorities_as_p1_to_p5(landing, con):
    path = write(landing / "vendors" / "incidents.csv", SERVICENOW)
    assert detect(probe_file(path)).name == "service_desk_tickets"
    load_landing(con, landing)
    loaded = con.execute(
        "select ticket_id, vendor, priority, created_at, responded_at, resolved_at,"
        " assignment_group from raw.service_tickets order by ticket_id"
    ).fetchall()
    assert loaded == [
        (
            "INC0010001",
            "Northwind Consulting",
            "p1",
            datetime(2026, 10, 5, 9, 12),
            datetime(2026, 10, 5, 9, 20),
            datetime(2026, 10, 5, 11, 0),
            "NW Support",
        ),
        (
            "INC0010002",
            "Northwind Consulting",
            "p4",
            datetime(2026, 10, 6, 10),
            None,
            None,
            "NW Support",
        ),
        (
            "INC0010003",
            "Northwind Consulting",
            "p5",
            datetime(2026, 10, 7, 8),
            None,
            datetime(2026, 10, 9, 8),
            "NW Support",
        ),
    ]
    quarantined = con.execute(
        "select source_line, column_name, found_value, reason from raw.quarantine"
        " order by source_line"
    ).fetchall()
    assert quarantined == [
        (5, "priority", "TBD", "priority: found 'TBD', expected one of: p1, p2, p3, p4, p5"),
        (
            6,
            "created_at",
            "31/02/2026 25:00",
            "created_at: found '31/02/2026 25:00', expected a timestamp (YYYY-MM-DD HH:MM:SS)",
        ),
    ]


def test_a_jira_service_management_export_is_tickets_not_tasks(landing, con):
    path = write(landing / "vendors" / "jsm.csv", JSM)
    assert detect(probe_file(path)).name == "service_desk_tickets"
    load_landing(con, landing)
    assert con.execute("select count(*) from raw.tasks").fetchone() == (0,)
    loaded = con.execute(
        "select ticket_id, vendor, priority, created_at, responded_at, resolved_at"
        " from raw.service_tickets order by ticket_id"
    ).fetchall()
    assert loaded == [
        (
            "SD-12",
            "Contoso Hosting",
            "p1",
            datetime(2026, 10, 5, 9, 12),
            datetime(2026, 10, 5, 9, 40),
            datetime(2026, 10, 5, 13, 30),
        ),
        ("SD-13", "Contoso Hosting", "p3", datetime(2026, 10, 6, 14), None, None),
        (
            "SD-14",
            "Contoso Hosting",
            "p5",
            datetime(2026, 10, 7, 8, 5),
            None,
            datetime(2026, 10, 8, 8, 5),
        ),
    ]


def test_month_names_and_two_digit_years_in_a_24_hour_export_read_as_dates(landing, con):
    # a French / Italian / English mix, a name in only one row of a column, other columns
    # empty, and the year in two digits: the ticket is from 2026, not from the year 26
    export = (
        "Summary,Issue key,Issue id,Priority,Status,Created,Resolved,Organizations,"
        "Date of First Response\n"
        "Cannot log in since May,SD-21,10021,Highest,Done,25/févr./26 14:54,02/MAR/26 08:00,"
        "Contoso Hosting,25/Feb/26 3:10 PM\n"
        "Mayday,SD-22,10022,Medium,Open,1/dic/26 9:00,,Contoso Hosting,\n"
        "Disk,SD-23,10023,Low,Done,01.12.2026 09:00:30,31/12/2026 23:59,Contoso Hosting,\n"
    )
    write(landing / "vendors" / "jsm_fr.csv", export)
    load_landing(con, landing)
    assert con.execute(
        "select ticket_id, created_at, resolved_at, responded_at from raw.service_tickets"
        " order by ticket_id"
    ).fetchall() == [
        (
            "SD-21",
            datetime(2026, 2, 25, 14, 54),
            datetime(2026, 3, 2, 8),
            datetime(2026, 2, 25, 15, 10),
        ),
        ("SD-22", datetime(2026, 12, 1, 9), None, None),
        ("SD-23", datetime(2026, 12, 1, 9, 0, 30), datetime(2026, 12, 31, 23, 59), None),
    ]
    assert con.execute("select count(*) from raw.quarantine").fetchone() == (0,)


def test_canonical_vendor_files_load_and_bad_rows_are_quarantined(landing, con):
    write(
        landing / "vendors" / "vendors.csv",
        "vendor,vendor_category,relationship_owner,status\n"
        "Northwind Consulting,integrator,Ana Souza,Active\n",
    )
    write(
        landing / "vendors" / "contracts.csv",
        "contract_id,vendor,project_code,contract_type,po_number,contract_value,currency,"
        "start_date,end_date\n"
        "CT-1,Northwind Consulting,PAY,SOW,PO-1,120000,EUR,2025-02-01,2026-06-30\n"
        "MSA-1,Northwind Consulting,,Managed service,,50000,EUR,2025-01-01,2027-12-31\n"
        "CT-2,Northwind Consulting,NOPE,sow,,1000,EUR,2025-02-01,2026-06-30\n",
    )
    write(
        landing / "vendors" / "sla_terms.csv",
        "contract_id,metric,priority,target,direction,period,compliance_target_pct\n"
        "CT-1,availability_pct,,99.5,Higher is better,monthly,\n"
        "MSA-1,resolution_hours,P1,4,lower_is_better,Monthly,95\n"
        "MSA-1,response_hours,P1,1,sideways,monthly,\n",
    )
    write(
        landing / "vendors" / "sla_measurements.csv",
        "vendor,contract_id,period_start,metric,actual\n"
        "Northwind Consulting,CT-1,2025-10-01,availability_pct,99.7\n"
        "Northwind Consulting,CT-1,2025-11-01,availability_pct,n/a\n",
    )
    write(
        landing / "vendors" / "deliverables.csv",
        "contract_id,deliverable_id,deliverable_name,due_date,accepted_date\n"
        "CT-1,D1,Design,2025-03-15,2025-03-14\n"
        "CT-1,D2,Build,2025-06-15,\n",
    )
    load_landing(con, landing)
    assert con.execute("select vendor, status from raw.vendors").fetchall() == [
        ("Northwind Consulting", "active")
    ]
    # the vendor-level agreement has no project and keeps its dates
    assert con.execute(
        "select contract_id, project_code, contract_type from raw.contracts order by 1"
    ).fetchall() == [("CT-1", "PAY", "sow"), ("MSA-1", None, "managed_service")]
    assert con.execute(
        "select contract_id, metric, priority, direction from raw.sla_terms order by 1, 2"
    ).fetchall() == [
        ("CT-1", "availability_pct", None, "higher_is_better"),
        ("MSA-1", "resolution_hours", "p1", "lower_is_better"),
    ]
    assert con.execute("select count(*) from raw.sla_measurements").fetchone() == (1,)
    assert con.execute("select count(*) from raw.vendor_deliverables").fetchone() == (2,)
    reasons = {
        (file.rsplit("/", 1)[-1], line): reason
        for file, line, reason in con.execute(
            "select source_file, source_line, reason from raw.quarantine"
        ).fetchall()
    }
    assert reasons == {
        ("contracts.csv", 4): "project_code: unknown project 'NOPE', expected a project listed"
        " in projects",
        ("sla_terms.csv", 4): "direction: found 'sideways', expected one of: higher_is_better,"
        " lower_is_better",
        ("sla_measurements.csv", 3): "actual: found 'n/a', expected a number",
    }


REGISTER = (
    "vendor,vendor_category,status\n"
    "Northwind Consulting,integrator,active\n"
    "Contoso Hosting,managed service,active\n"
)


def test_rows_naming_a_vendor_the_register_does_not_list_are_quarantined(landing, con):
    write(landing / "vendors" / "vendors.csv", REGISTER)
    write(
        landing / "finance" / "purchase_orders.csv",
        "po_number,vendor,project_code,po_date,po_amount,currency\n"
        "PO-1,contoso hosting,PAY,2025-03-01,1000,EUR\n"
        "PO-2,Litware Security,PAY,2025-03-01,500,EUR\n",
    )
    write(
        landing / "finance" / "invoices.csv",
        "invoice_number,po_number,vendor,project_code,invoice_date,amount,currency\n"
        "I-1,PO-1,CONTOSO HOSTING,PAY,2025-03-10,400,EUR\n"
        "I-2,PO-2,Litware Security,PAY,2025-03-11,500,EUR\n",
    )
    write(
        landing / "vendors" / "contracts.csv",
        "contract_id,vendor,project_code,contract_value,start_date,end_date\n"
        "CT-1,northwind consulting,PAY,120000,2025-02-01,2026-06-30\n"
        "CT-2,Northwind Consultancy,PAY,1000,2025-02-01,2026-06-30\n",
    )
    write(
        landing / "vendors" / "sla_measurements.csv",
        "vendor,contract_id,period_start,metric,actual\n"
        "Northwind Consulting,CT-1,2025-10-01,availability_pct,99.7\n"
        "Nortwind,CT-1,2025-11-01,availability_pct,99.1\n"
        ",CT-1,2025-12-01,availability_pct,99.8\n",  # no vendor named: nothing to check
    )
    write(
        landing / "vendors" / "deliverables.csv",
        "contract_id,deliverable_id,deliverable_name,vendor,due_date\n"
        "CT-1,D1,Design,Northwind Consulting,2025-03-15\n"
        "CT-1,D2,Build,Fabrikam,2025-06-15\n",
    )
    write(
        landing / "vendors" / "incidents.csv",
        "number,short_description,priority,state,assignment_group,company,opened_at,"
        "u_first_response,resolved_at,closed_at\n"
        "INC1,Batch failed,1 - Critical,Resolved,NW,NORTHWIND CONSULTING,"
        "2025-10-05 09:12:00,,2025-10-05 11:00:00,\n"
        "INC2,VPN request,4 - Low,New,TW,Tailwind Managed Svcs,2025-10-06 10:00:00,,,\n",
    )
    load_landing(con, landing)
    reasons = {
        (entity, line): (column, found, reason)
        for entity, line, column, found, reason in con.execute(
            "select entity, source_line, column_name, found_value, reason from raw.quarantine"
        ).fetchall()
    }

    def unknown(name: str) -> tuple[str, str, str]:
        reason = f"vendor: unknown vendor '{name}', expected a vendor listed in vendors"
        return ("vendor", name, reason)

    assert reasons == {
        ("purchase_orders", 3): unknown("Litware Security"),
        ("invoices", 3): unknown("Litware Security"),
        ("contracts", 3): unknown("Northwind Consultancy"),
        ("sla_measurements", 3): unknown("Nortwind"),
        ("vendor_deliverables", 3): unknown("Fabrikam"),
        ("service_tickets", 3): unknown("Tailwind Managed Svcs"),
    }
    # the rows that loaded name the vendor as the register writes it
    assert con.execute(
        "select 'po', vendor from raw.purchase_orders union all"
        " select 'invoice', vendor from raw.invoices union all"
        " select 'contract', vendor from raw.contracts union all"
        " select 'ticket', vendor from raw.service_tickets order by 1"
    ).fetchall() == [
        ("contract", "Northwind Consulting"),
        ("invoice", "Contoso Hosting"),
        ("po", "Contoso Hosting"),
        ("ticket", "Northwind Consulting"),
    ]
    assert con.execute("select count(*) from raw.sla_measurements").fetchone() == (2,)
    logged = dict(
        con.execute(
            "select entity, rows_quarantined from raw.load_log where status = 'loaded'"
        ).fetchall()
    )
    assert logged["invoices"] == logged["service_tickets"] == 1


def test_without_a_vendor_register_orders_and_invoices_load_as_before(landing, con):
    write(
        landing / "finance" / "purchase_orders.csv",
        "po_number,vendor,project_code,po_date,po_amount,currency\n"
        "PO-2,Litware Security,PAY,2025-03-01,500,EUR\n",
    )
    write(
        landing / "finance" / "invoices.csv",
        "invoice_number,po_number,vendor,project_code,invoice_date,amount,currency\n"
        "I-2,PO-2,litware security,PAY,2025-03-11,500,EUR\n",
    )
    load_landing(con, landing)
    assert con.execute("select count(*) from raw.quarantine").fetchone() == (0,)
    assert con.execute(
        "select vendor from raw.purchase_orders union all select vendor from raw.invoices"
    ).fetchall() == [("Litware Security",), ("litware security",)]


def test_validate_checks_vendors_against_the_register_validated_alongside(landing, tmp_path):
    register = write(landing / "vendors" / "vendors.csv", REGISTER)
    tickets = write(
        landing / "vendors" / "incidents.csv",
        "number,short_description,priority,state,assignment_group,company,opened_at,"
        "u_first_response,resolved_at,closed_at\n"
        "INC1,Batch failed,1 - Critical,Resolved,NW,Contoso Hosting,2025-10-05 09:12:00,,,\n"
        "INC2,VPN request,4 - Low,New,TW,Tailwind,2025-10-06 10:00:00,,,\n",
    )
    checks = dry_run([tickets, register], tmp_path / "no-warehouse.duckdb")
    ticket_check = checks[0].entities[0]
    assert (ticket_check.rows_accepted, ticket_check.rejected) == (
        1,
        [(3, "vendor: unknown vendor 'Tailwind', expected a vendor listed in vendors")],
    )
    assert checks[0].exit_code == 1 and checks[1].exit_code == 0
