"""Numbers an executive can trust, on a portfolio in the shapes real PMOs have.

One real `dbt build` of a hand-built portfolio that is all in US dollars with no fx_rates file
(the reporting currency comes from the settings resolution the refresh uses), as of 2026-05-31:

- RB-1  re-baselined in March by an approved change request to a plan of the *remaining* work
        only (B2 has no line before March), as finance tools export it.
- EV-1  an earned-value import that starts mid-project (first status 15 March), has two status
        dates in March (the later wins), a gap in April, future rows with planned value only.
- AH-1  an import ahead of plan whose PV stops at its last status date (no future rows) and
        carries no actual cost (AC from timesheets).
- LO-1  two months in: 4 % of BAC spent against 25 % earned - CPI 6, a figure not to act on.
- CL-1  closed in February.
- OV-1  an ordinary overrun: CPI 0.67, forecast €5k over budget.

Every expected figure is worked out by hand in the comments next to the rows.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.config import DataPaths
from pipelines.publish.invariants import snapshot_violations
from pipelines.settings import dbt_vars, load_settings, resolve_reporting_currency
from tests.dbt.conftest import BuiltWarehouse, DbtBuild, built_portfolio, dbt_build, load_portfolio

pytestmark = pytest.mark.xdist_group(__name__)  # its tests share one built warehouse

D = date.fromisoformat
AS_OF = D("2026-05-31")


def _project(code: str, start: str, finish: str, status: str = "active") -> dict[str, Any]:
    return {
        "project_code": code,
        "project_name": f"Project {code}",
        "portfolio": "Americas",
        "methodology": "waterfall",
        "start_date": D(start),
        "planned_finish_date": D(finish),
        "status": status,
        "currency": "USD",
        "project_manager": "Pat Doe",
    }


def _hours(employee: str, project: str, *days: tuple[str, float]) -> list[dict[str, Any]]:
    return [
        {"employee_id": employee, "project_code": project, "work_date": D(day), "hours": hours}
        for day, hours in days
    ]


def _budget(project: str, version: str, approved: str, months: dict[str, float]):
    return [
        {
            "project_code": project,
            "budget_month": D(month),
            "cost_category": "labour",
            "expense_type": "capex",
            "amount": amount,
            "currency": "USD",
            "baseline_version": version,
            "approved_on": D(approved),
        }
        for month, amount in months.items()
    ]


def _task(project: str, key: str, snapshot: str, baseline_cost: float, percent: float):
    return {
        "project_code": project,
        "task_key": key,
        "task_name": key,
        "status_category": "done" if percent >= 100 else "in_progress",
        "baseline_cost": baseline_cost,
        "percent_complete": percent,
        "is_summary": False,
        "snapshot_date": D(snapshot),
    }


def _status(project: str, day: str, pv: float, ev=None, ac=None, bac=None) -> dict[str, Any]:
    return {
        "project_code": project,
        "status_date": D(day),
        "planned_value": pv,
        "earned_value": ev,
        "actual_cost": ac,
        "budget_at_completion": bac,
    }


MONTH_ENDS = ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]

PORTFOLIO: dict[str, list[dict[str, Any]]] = {
    "projects": [
        _project("RB-1", "2026-01-01", "2026-06-30"),
        _project("EV-1", "2026-01-01", "2026-12-31"),
        _project("AH-1", "2026-01-01", "2026-12-31"),
        _project("LO-1", "2026-04-01", "2027-03-31"),
        _project("CL-1", "2025-10-01", "2026-02-28", status="closed"),
        _project("OV-1", "2026-01-01", "2026-10-31"),
    ],
    "people": [
        {"employee_id": "E1", "full_name": "Ana Souza", "role": "developer"},
        {"employee_id": "E2", "full_name": "Bo Lind", "role": "analyst"},
        {"employee_id": "E3", "full_name": "Cy Park", "role": "developer"},
        {"employee_id": "E4", "full_name": "Di Roy", "role": "developer"},
    ],
    "cost_rates": [
        {"employee_id": e, "effective_from": D("2025-01-01"), "hourly_cost_rate": r, "currency": c}
        for e, r, c in [("E1", 50.0, "USD"), ("E2", 40.0, "usd"), ("E3", 40.0, None)]
    ]
    + [{"role": "developer", "effective_from": D("2025-01-01"), "hourly_cost_rate": 50.0}],
    "timesheets": [
        # RB-1, E1 at 50: Jan 1000, Feb 1000, Mar 2000, Apr 2000, May 2000 -> AC 8000 by May
        *_hours(
            "E1",
            "RB-1",
            ("2026-01-15", 20),
            ("2026-02-16", 20),
            ("2026-03-16", 20),
            ("2026-03-17", 20),
            ("2026-04-15", 20),
            ("2026-04-16", 20),
            ("2026-05-14", 20),
            ("2026-05-15", 20),
        ),
        # EV-1, E2 at 40: Jan 400, Mar 2000, May 2000 (costed AC 400 / 400 / 2400 / 2400 / 4400)
        *_hours(
            "E2",
            "EV-1",
            ("2026-01-15", 10),
            ("2026-03-16", 20),
            ("2026-03-17", 20),
            ("2026-03-18", 10),
            ("2026-05-14", 20),
            ("2026-05-15", 20),
            ("2026-05-18", 10),
        ),
        # AH-1, E3 at 40: 25 h = 1000 a month -> AC 5000 by May (the import has no AC)
        *[
            row
            for month in range(1, 6)
            for row in _hours(
                "E3", "AH-1", (f"2026-{month:02d}-15", 15), (f"2026-{month:02d}-16", 10)
            )
        ],
        # LO-1, E4 (role developer, 50): 100 h in May = 5000
        *_hours(
            "E4",
            "LO-1",
            ("2026-05-14", 20),
            ("2026-05-15", 20),
            ("2026-05-18", 20),
            ("2026-05-19", 20),
            ("2026-05-20", 20),
        ),
        # CL-1, E1: 22 h = 1100 a month, Oct-Feb -> AC 5500
        *_hours(
            "E1",
            "CL-1",
            ("2025-10-10", 22),
            ("2025-11-10", 22),
            ("2025-12-10", 22),
            ("2026-01-09", 22),
            ("2026-02-10", 22),
        ),
        # OV-1, E2: 30 h = 1200 a month, Jan-May -> AC 6000
        *[
            row
            for month in range(1, 6)
            for row in _hours(
                "E2", "OV-1", (f"2026-{month:02d}-20", 20), (f"2026-{month:02d}-21", 10)
            )
        ],
    ],
    "budgets": [
        # RB-1 B1: 1000 a month Jan-Jun (BAC 6000)
        *_budget("RB-1", "B1", "2025-12-15", {f"2026-{m:02d}-01": 1000.0 for m in range(1, 7)}),
        # RB-1 B2, approved 10 March: the remaining work only, 2000 a month Mar-Jul. The whole
        # project under B2 = Jan + Feb of B1 (2000) + 10 000 = 12 000; PV curve 1000 / 2000 /
        # 4000 / 6000 / 8000 / 10 000 / 12 000 (finishes in period 7, July).
        *_budget("RB-1", "B2", "2026-03-10", {f"2026-{m:02d}-01": 2000.0 for m in range(3, 8)}),
        # LO-1: 10 000 a month Apr 2026 - Mar 2027 (BAC 120 000)
        *_budget(
            "LO-1",
            "B1",
            "2026-03-01",
            {f"{2026 + (m > 12)}-{(m - 1) % 12 + 1:02d}-01": 10000.0 for m in range(4, 16)},
        ),
        # CL-1: 1000 a month Oct-Feb (BAC 5000)
        *_budget(
            "CL-1",
            "B1",
            "2025-09-15",
            dict.fromkeys(
                ["2025-10-01", "2025-11-01", "2025-12-01", "2026-01-01", "2026-02-01"], 1000.0
            ),
        ),
        # OV-1: 1000 a month Jan-Oct (BAC 10 000)
        *_budget("OV-1", "B1", "2025-12-01", {f"2026-{m:02d}-01": 1000.0 for m in range(1, 11)}),
    ],
    "change_requests": [
        {
            "change_id": "CR-RB-7",
            "project_code": "RB-1",
            "title": "Second warehouse site",
            "raised_date": D("2026-02-20"),
            "status": "approved",
            "decision_date": D("2026-03-10"),
            "cost_impact": 6000.0,
            "schedule_impact_days": 31,
        }
    ],
    "tasks": [
        # RB-1 Feb: 3000 x 50 % -> EV 1500 (B1); May: 6000 x 100 % + 6000 x 50 % -> EV 9000
        _task("RB-1", "T1", "2026-02-28", 3000.0, 50.0),
        _task("RB-1", "T2", "2026-02-28", 3000.0, 0.0),
        _task("RB-1", "T1", "2026-05-31", 6000.0, 100.0),
        _task("RB-1", "T2", "2026-05-31", 6000.0, 50.0),
        # LO-1: 120 000 x 25 % -> EV 30 000
        _task("LO-1", "T1", "2026-05-31", 120000.0, 25.0),
        # CL-1: done -> EV 5000 = BAC
        _task("CL-1", "T1", "2026-02-27", 5000.0, 100.0),
        # OV-1: 10 000 x 40 % -> EV 4000
        _task("OV-1", "T1", "2026-05-31", 10000.0, 40.0),
    ],
    "earned_value": [
        # EV-1: nothing before 15 March; two March rows (31 March wins); no April row
        _status("EV-1", "2026-03-15", 3000.0, 2500.0, 2600.0, 12000.0),
        _status("EV-1", "2026-03-31", 3500.0, 3000.0, 3100.0),
        _status("EV-1", "2026-05-31", 5000.0, 4500.0, 4600.0),
        # the rest of the baseline curve, PV only: 6000 in June ... 12 000 in December
        *[
            _status("EV-1", end, 6000.0 + 1000.0 * i)
            for i, end in enumerate(
                [
                    "2026-06-30",
                    "2026-07-31",
                    "2026-08-31",
                    "2026-09-30",
                    "2026-10-31",
                    "2026-11-30",
                    "2026-12-31",
                ]
            )
        ],
        # AH-1: PV 1000 a month, EV 1200 a month, BAC 12 000, no AC, nothing after May
        *[
            _status("AH-1", end, 1000.0 * k, 1200.0 * k, None, 12000.0)
            for k, end in enumerate(MONTH_ENDS, start=1)
        ],
    ],
}


class Warehouse(BuiltWarehouse):
    def month(self, project: str, month: str) -> dict[str, Any]:
        return self.one(
            "select * from fct_earned_value_monthly where project_code = ? and reporting_month = ?",
            [project, D(month)],
        )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    resolved = {}
    no_settings = DataPaths(tmp_path_factory.mktemp("dbt_trust_settings"))

    def load(con: duckdb.DuckDBPyConnection) -> None:
        load_portfolio(con, PORTFOLIO)
        # the refresh's own resolution: no settings file, every project in USD
        resolved["currency"] = resolve_reporting_currency(load_settings(no_settings), con)

    def build(work_dir: Path, path: Path) -> DbtBuild:
        currency = resolved["currency"]
        assert (currency.code, currency.source, currency.warning) == ("USD", "projects", None)
        return dbt_build(
            work_dir,
            path,
            "build",
            "--vars",
            json.dumps(dbt_vars(currency)),
            "--exclude",
            "test_type:unit",
            "--threads",
            "2",
        )

    path, result = built_portfolio(tmp_path_factory, "dbt_trust", load, build)
    return Warehouse(path, result)


def cents(value: float) -> Any:
    return pytest.approx(value, abs=0.005)


def ratio(value: float) -> Any:
    return pytest.approx(value, rel=1e-9)


# --------------------------------------------------------------------------- one currency


def test_a_dollar_portfolio_without_fx_rates_keeps_all_its_money(warehouse: Warehouse) -> None:
    period = warehouse.one("select as_of_date, reporting_currency from int_reporting_period")
    assert period == {"as_of_date": AS_OF, "reporting_currency": "USD"}
    assert warehouse.rows("select * from fct_fx_rate_gaps") == []
    may = warehouse.rows(
        "select project_code, planned_value, earned_value, actual_cost, is_fx_rate_missing"
        " from fct_earned_value_monthly where reporting_month = date '2026-05-01'"
        " order by project_code"
    )
    assert [row["project_code"] for row in may] == ["AH-1", "CL-1", "EV-1", "LO-1", "OV-1", "RB-1"]
    for row in may:
        assert row["planned_value"] is not None and row["earned_value"] is not None, row
        assert row["actual_cost"] > 0 and row["is_fx_rate_missing"] is False, row
    assert warehouse.one(
        "select sum(planned_value) as pv, sum(actual_cost) as ac from fct_earned_value_monthly"
        " where reporting_month = date '2026-05-01'"
    ) == {
        # PV: AH 5000 + CL 5000 + EV 5000 + LO 20 000 + OV 5000 + RB 8000
        "pv": cents(48000),
        # AC: AH 5000 + CL 5500 + EV 4600 (import) + LO 5000 + OV 6000 + RB 8000
        "ac": cents(34100),
    }
    quality = warehouse.rows(
        "select project_code, fx_rate_gap_row_count from rpt_data_quality_by_project"
    )
    assert {row["fx_rate_gap_row_count"] for row in quality} == {0}


# --------------------------------------------------------------------------- re-baseline


def test_a_remaining_work_rebaseline_keeps_pv_history_and_a_whole_project_bac(
    warehouse: Warehouse,
) -> None:
    feb, mar, may = (warehouse.month("RB-1", m) for m in ("2026-02-01", "2026-03-01", "2026-05-01"))
    assert (feb["baseline_version"], feb["planned_value"], feb["budget_at_completion"]) == (
        "B1",
        cents(2000),
        cents(6000),
    )
    # March: Jan + Feb of B1 (2000) + March of B2 (2000); BAC the whole project, not B2's 10 000
    assert (mar["baseline_version"], mar["planned_value"], mar["budget_at_completion"]) == (
        "B2",
        cents(4000),
        cents(12000),
    )
    assert may["planned_value"] == cents(8000)
    assert may["earned_value"] == cents(9000)
    assert may["percent_complete"] == ratio(75.0)
    assert may["schedule_performance_index"] == ratio(9000 / 8000)
    assert may["cost_performance_index"] == ratio(9000 / 8000)
    # planned duration: B2's curve reaches 12 000 in July (period 7); ES 5 + 1000/2000 = 5.5
    assert may["planned_duration_months"] == 7
    assert may["earned_schedule_months"] == ratio(5.5)
    assert may["evm_confidence"] == "high"
    dim = warehouse.one(
        "select current_baseline_version, current_budget_at_completion from dim_projects"
        " where project_code = 'RB-1'"
    )
    assert dim == {"current_baseline_version": "B2", "current_budget_at_completion": cents(12000)}
    carried = warehouse.rows(
        "select budget_month, planned_in_version, budget_amount from int_budgets_current_baseline"
        " where project_code = 'RB-1' and baseline_version = 'B2'"
        " and is_carried_from_earlier_baseline order by budget_month"
    )
    assert carried == [
        {"budget_month": D("2026-01-01"), "planned_in_version": "B1", "budget_amount": cents(1000)},
        {"budget_month": D("2026-02-01"), "planned_in_version": "B1", "budget_amount": cents(1000)},
    ]


# --------------------------------------------------------------------------- imports


def test_an_import_starting_mid_project_with_gaps_and_future_pv(warehouse: Warehouse) -> None:
    jan, mar, apr, may = (
        warehouse.month("EV-1", m) for m in ("2026-01-01", "2026-03-01", "2026-04-01", "2026-05-01")
    )
    # before the first status date: nothing earned or planned is known; AC from timesheets
    assert (jan["planned_value"], jan["earned_value"]) == (None, None)
    assert (jan["actual_cost"], jan["actual_cost_source"]) == (
        cents(400),
        "timesheets_and_invoices",
    )
    assert jan["evm_confidence"] == "not_measured"
    # March: the 31st wins over the 15th; BAC from the 15th carries
    assert (mar["planned_value"], mar["earned_value"], mar["actual_cost"]) == (
        cents(3500),
        cents(3000),
        cents(3100),
    )
    assert (mar["actual_cost_source"], mar["budget_at_completion"]) == (
        "earned_value_import",
        cents(12000),
    )
    # April has no status: March's carries, PV with it (PV and EV of the same status date)
    assert (apr["planned_value"], apr["earned_value"], apr["status_date"]) == (
        cents(3500),
        cents(3000),
        D("2026-04-30"),
    )
    # May: ES between the March point (period 3, 3500) and the May point (period 5, 5000):
    # 3 + (4500 - 3500) / (5000 - 3500) x 2 = 4.333; PD = 12 (the curve reaches BAC in December)
    assert may["earned_schedule_months"] == ratio(3 + 2 * 1000 / 1500)
    assert may["planned_duration_months"] == 12
    assert may["is_earned_schedule_lower_bound"] is False
    assert may["schedule_performance_index_time"] == ratio((3 + 2 * 1000 / 1500) / 5)


def test_earned_schedule_ahead_of_a_curve_that_ends_early_is_a_lower_bound(
    warehouse: Warehouse,
) -> None:
    may = warehouse.month("AH-1", "2026-05-01")
    assert (may["planned_value"], may["earned_value"]) == (cents(5000), cents(6000))
    # the curve stops at May (period 5) short of BAC 12 000: ES is at least 5, never the
    # planned duration or beyond (before, the flat carry to December gave ES 12, SPI(t) 2.4)
    assert may["earned_schedule_months"] == ratio(5.0)
    assert may["is_earned_schedule_lower_bound"] is True
    assert may["schedule_performance_index_time"] == ratio(1.0)
    assert may["planned_duration_months"] == 12
    assert may["forecast_finish_date"] == D("2026-12-31")
    # no AC in the import: costed timesheets, and said so
    assert (may["actual_cost"], may["actual_cost_source"]) == (
        cents(5000),
        "timesheets_and_invoices",
    )
    jan = warehouse.month("AH-1", "2026-01-01")
    assert jan["earned_schedule_months"] == ratio(1.2)
    assert jan["is_earned_schedule_lower_bound"] is False


# --------------------------------------------------------------------------- credibility


def test_early_spend_and_an_implausible_cpi_are_low_confidence_with_reasons(
    warehouse: Warehouse,
) -> None:
    may = warehouse.month("LO-1", "2026-05-01")
    assert may["cost_performance_index"] == ratio(6.0)
    assert may["evm_confidence"] == "low"
    assert "early: 4% of BAC spent, 25% earned" in may["evm_confidence_reason"]
    assert "CPI 6.0 outside 0.3-3.0" in may["evm_confidence_reason"]
    assert may["forecast_confidence"] == "low"
    health = warehouse.one(
        "select overall_status, cost_status, schedule_status, health_reason"
        " from rpt_project_health_monthly where project_code = 'LO-1'"
        " and reporting_month = date '2026-05-01'"
    )
    # not rated on figures nobody should act on, and it says so
    assert (health["cost_status"], health["schedule_status"]) == ("grey", "grey")
    assert "earned-value figures of low confidence" in health["health_reason"]
    for project in ("RB-1", "EV-1", "AH-1", "OV-1", "CL-1"):
        assert warehouse.month(project, "2026-05-01")["evm_confidence"] == "high", project


def test_the_overrun_is_named_in_money_and_months(warehouse: Warehouse) -> None:
    may = warehouse.month("OV-1", "2026-05-01")
    # CPI 4000/6000, EAC 10 000 / (2/3) = 15 000, VAC -5000 (-50 % of BAC)
    assert may["estimate_at_completion"] == cents(15000)
    health = warehouse.one(
        "select overall_status, health_reason from rpt_project_health_monthly"
        " where project_code = 'OV-1' and reporting_month = date '2026-05-01'"
    )
    assert health["overall_status"] == "red"
    assert "forecast $5.0k over budget (VAC -50.0% of BAC)" in health["health_reason"]
    assert "CPI 0.67 below 0.85" in health["health_reason"]


def test_the_overrun_is_explained_in_dollars_and_marked_unfavourable(warehouse: Warehouse) -> None:
    may = warehouse.one(
        "select * from rpt_financial_variance_monthly"
        " where project_code = 'OV-1' and reporting_month = date '2026-05-01'"
    )
    assert may["forecast_at_completion"] == cents(15000)
    assert may["variance_at_completion"] == cents(-5000)
    assert may["variance_direction"] == "unfavourable" and may["is_over_variance_threshold"]
    assert may["forecast_method"] == "BAC / CPI"
    assert may["variance_commentary"].startswith(
        "Forecast at completion $15k against a budget of $10k: $5.0k over budget (50.0%),"
        " unfavourable."
    )
    # one currency on every line of the commentary: the portfolio's own
    euros = warehouse.rows(
        "select project_code from rpt_financial_variance_monthly"
        " where variance_commentary like '%€%'"
    )
    assert euros == []


# --------------------------------------------------------------------------- roll-ups


def test_portfolio_headlines_leave_out_low_confidence_and_show_both_sides(
    warehouse: Warehouse,
) -> None:
    row = warehouse.one(
        "select * from rpt_portfolio_kpis_monthly"
        " where portfolio = 'Americas' and reporting_month = date '2026-05-01'"
    )
    # CPI over the credible: EV RB 9000 + EV 4500 + AH 6000 + CL 5000 + OV 4000 = 28 500
    # over AC 8000 + 4600 + 5000 + 5500 + 6000 = 29 100; with LO-1 (30 000 / 5000) beside
    assert row["cost_performance_index"] == ratio(28500 / 29100)
    assert row["cost_performance_index_with_low_confidence"] == ratio(58500 / 34100)
    assert row["low_confidence_project_count"] == 1
    # VAC per project: RB +1333.33 (EAC 12 000/1.125), EV -266.67 (12 000 x 4600/4500),
    # AH +2000 (EAC 10 000), LO +100 000 (EAC 20 000, low confidence), CL -500 (closed at AC
    # 5500), OV -5000
    assert row["overrun_at_completion"] == cents(12000 * 4600 / 4500 - 12000 + 500 + 5000)
    assert row["underrun_at_completion"] == cents(12000 - 12000 / 1.125 + 2000 + 100000)
    assert row["overrun_project_count"] == 3
    assert row["underrun_project_count"] == 3
    assert row["low_confidence_variance_at_completion"] == cents(100000)
    assert row["variance_at_completion"] == cents(
        row["underrun_at_completion"] - row["overrun_at_completion"]
    )
    # CL-1 is closed: out of the health counts
    assert row["closed_project_count"] == 1
    assert (
        row["red_project_count"]
        + row["amber_project_count"]
        + row["green_project_count"]
        + row["grey_project_count"]
    ) == 5


def test_portfolio_totals_are_the_sums_of_their_projects(warehouse: Warehouse) -> None:
    mismatches = warehouse.rows(
        """
        with projects as (
            select reporting_month, sum(planned_value) as pv, sum(earned_value) as ev,
                   sum(actual_cost) as ac, sum(budget_at_completion) as bac,
                   sum(coalesce(estimate_at_completion, budget_at_completion)) as eac
            from fct_earned_value_monthly group by reporting_month
        )
        select projects.reporting_month from projects
        join rpt_portfolio_kpis_monthly as portfolio
          on portfolio.reporting_month = projects.reporting_month and portfolio.is_all_portfolios
        where abs(coalesce(portfolio.planned_value, 0) - coalesce(projects.pv, 0)) > 0.005
           or abs(coalesce(portfolio.earned_value, 0) - coalesce(projects.ev, 0)) > 0.005
           or abs(portfolio.actual_cost - projects.ac) > 0.005
           or abs(portfolio.budget_at_completion - projects.bac) > 0.005
           or abs(portfolio.estimate_at_completion - projects.eac) > 0.005
        """
    )
    assert mismatches == []


def test_invariants_every_month_of_every_project(warehouse: Warehouse) -> None:
    assert snapshot_violations(warehouse.path) == {}
