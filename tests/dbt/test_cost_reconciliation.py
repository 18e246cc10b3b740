"""MSR vs FSR reconciliation (rpt_cost_reconciliation_monthly and its portfolio roll-up) over a
hand-built portfolio.

The real dbt project is built once for this module (``dbt build --select
+rpt_portfolio_cost_reconciliation_monthly``, cautious indirect selection) over conftest's
PORTFOLIO plus one project with a budget and no progress evidence yet. Every expected figure was
worked out by hand from the rows (the arithmetic is in the comments). As of 2026-04-30.

- WF-1 (Ops) re-baselined B1 -> B2 (approved 2026-03-10): earned value measures January and
  February by B1 (BAC 10 000), the FSR every month by B2, the baseline in force at the as-of date
  (BAC 12 000). Cumulative budget is 1 000 / 2 000 in both in January / February, so only BAC
  differs there: -2 000, the baseline in force then.
- IM-1 (Ops) has an earned_value import: PV 1 000 / 2 000 / 3 000 / 4 000, AC 1 000 / 2 100 /
  3 300 / 4 200, BAC 8 000; finance books one timesheet (February, 2 h x 40 = 80) against a
  budget of 9 999 (January): every PV, AC and BAC difference is the earned-value import.
- AG-1 (Digital) agile, no difference: AC and PV from timesheets and its only baseline.
- NE-1 (Digital, new here) budget 500 / 500 / 1 000 (March-May, BAC 2 000), 4 h logged in April
  (Developer role 45/h = 180), no task snapshot: EV and EAC unknown. The MSR headline counts its
  BAC as its EAC, the FSR has no forecast for it: a headline adjustment of 2 000.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.dbt.conftest import (
    PORTFOLIO,
    BuiltWarehouse,
    DbtBuild,
    built_portfolio,
    dbt_build,
    load_portfolio,
)

# one worker builds this module's warehouse (pytest -n 2 --dist loadgroup)
pytestmark = pytest.mark.xdist_group(__name__)  # its tests share one built warehouse

D = date.fromisoformat
PROJECT_MODEL = "rpt_cost_reconciliation_monthly"
PORTFOLIO_MODEL = "rpt_portfolio_cost_reconciliation_monthly"
MEASURES = ("actual_cost", "planned_value", "budget_at_completion", "estimate_at_completion")


def _portfolio() -> dict[str, list[dict[str, Any]]]:
    portfolio = copy.deepcopy(PORTFOLIO)
    portfolio["projects"].append(
        {
            "project_code": "NE-1",
            "project_name": "New intranet",
            "portfolio": "Digital",
            "methodology": "waterfall",
            "start_date": D("2026-03-01"),
            "planned_finish_date": D("2026-05-31"),
            "status": "active",
            "currency": "EUR",
            "project_manager": "Ravi Menon",
        }
    )
    portfolio["budgets"] += [
        {
            "project_code": "NE-1",
            "budget_month": D(month),
            "cost_category": "labour",
            "expense_type": "opex",
            "amount": amount,
            "currency": "EUR",
            "baseline_version": "B1",
            "approved_on": D("2026-02-20"),
        }
        for month, amount in [("2026-03-01", 500.0), ("2026-04-01", 500.0), ("2026-05-01", 1000.0)]
    ]
    portfolio["timesheets"].append(
        {
            "employee_id": "E4",
            "project_code": "NE-1",
            "task_key": None,
            "work_date": D("2026-04-08"),
            "hours": 4.0,
        }  # role Developer 4 x 45 = 180
    )
    return portfolio


class Warehouse(BuiltWarehouse):
    def project(self, code: str, month: str, measure: str) -> dict[str, Any]:
        return self.one(
            f"select * from main.{PROJECT_MODEL} where project_code = ? and reporting_month = ?"
            " and measure = ?",
            [code, D(month), measure],
        )

    def portfolio(self, name: str, month: str, measure: str) -> dict[str, Any]:
        return self.one(
            f"select * from main.{PORTFOLIO_MODEL} where portfolio = ? and reporting_month = ?"
            " and measure = ?",
            [name, D(month), measure],
        )


def dbt_build_selected(work_dir: Path, warehouse: Path) -> DbtBuild:
    return dbt_build(
        work_dir,
        warehouse,
        "build",
        "--select",
        f"+{PORTFOLIO_MODEL}",
        "--indirect-selection",
        "cautious",
        # the upstream families' unit tests run in their own modules
        "--exclude",
        "test_type:unit",
        "--threads",
        "2",
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    path, build = built_portfolio(
        tmp_path_factory,
        "dbt_cost_reconciliation",
        lambda con: load_portfolio(con, _portfolio()),
        dbt_build_selected,
    )
    return Warehouse(path, build)


def cents(value: float) -> Any:
    return pytest.approx(value, abs=0.005)


def test_the_build_and_the_reconciliation_tests_passed(warehouse: Warehouse) -> None:
    results = warehouse.build.run_results["results"]
    failed = [r["unique_id"] for r in results if r["status"] not in ("pass", "success")]
    assert failed == []
    checks = warehouse.build.grain_checks()
    rules = {model: set(checks[model][1]["rules"]) for model in (PROJECT_MODEL, PORTFOLIO_MODEL)}
    assert {
        "difference_is_msr_minus_fsr",
        "items_add_up_to_the_difference",
        "every_difference_is_named",
        "a_difference_has_a_reason",
    } <= rules[PROJECT_MODEL]
    assert {
        "items_add_up_to_the_difference",
        "difference_is_msr_minus_fsr",
        "every_difference_is_named",
        "a_difference_has_a_note",
    } <= rules[PORTFOLIO_MODEL]


def test_one_row_per_project_month_and_measure(warehouse: Warehouse) -> None:
    rows = warehouse.rows(
        f"select project_code, count(distinct reporting_month) as months,"
        f" count(*) as row_count from main.{PROJECT_MODEL} group by all order by project_code"
    )
    # WF-1 and IM-1 Jan-Apr, AG-1 Feb-Apr, NE-1 Mar-Apr; PR-0 has not started
    assert [(r["project_code"], r["months"], r["row_count"]) for r in rows] == [
        ("AG-1", 3, 12),
        ("IM-1", 4, 16),
        ("NE-1", 2, 8),
        ("WF-1", 4, 16),
    ]


def test_earned_value_import_explains_every_difference_of_im1(warehouse: Warehouse) -> None:
    # MSR (import) vs FSR (booked 80 from February; budget 9 999 in January; BAC 9 999)
    expected = {
        ("2026-01-01", "actual_cost"): (1000.0, 0.0),
        ("2026-02-01", "actual_cost"): (2100.0, 80.0),
        ("2026-04-01", "actual_cost"): (4200.0, 80.0),
        ("2026-01-01", "planned_value"): (1000.0, 9999.0),
        ("2026-04-01", "planned_value"): (4000.0, 9999.0),
        ("2026-02-01", "budget_at_completion"): (8000.0, 9999.0),
        ("2026-04-01", "budget_at_completion"): (8000.0, 9999.0),  # BAC carried from March
    }
    for (month, measure), (msr, fsr) in expected.items():
        row = warehouse.project("IM-1", month, measure)
        assert row["msr_amount"] == cents(msr), (month, measure)
        assert row["fsr_amount"] == cents(fsr), (month, measure)
        assert row["difference_amount"] == cents(msr - fsr), (month, measure)
        assert row["earned_value_import_amount"] == cents(msr - fsr), (month, measure)
        assert row["baseline_in_force_amount"] == 0 and row["unexplained_amount"] == cents(0)
        assert "earned-value import" in row["reconciliation_reason"]
        assert row["msr_baseline_version"] == "earned_value_import"
        assert row["fsr_baseline_version"] == "B1"
    ac = warehouse.project("IM-1", "2026-04-01", "actual_cost")
    assert ac["msr_measure_label"] == "Actual cost (AC, earned value)"
    assert ac["fsr_measure_label"] == "Booked cost to date (timesheets + invoices)"
    assert "timesheet hours and invoices" in ac["reconciliation_reason"]
    # April EAC = BAC / CPI = 8 000 / (3 500 / 4 200) = 9 600; the FSR spreads the same 9 600
    eac = warehouse.project("IM-1", "2026-04-01", "estimate_at_completion")
    assert eac["msr_amount"] == cents(9600.0) and eac["fsr_amount"] == cents(9600.0)
    assert eac["difference_amount"] == cents(0) and eac["reconciliation_reason"] is None


def test_a_month_before_the_rebaseline_differs_by_the_baseline_in_force(
    warehouse: Warehouse,
) -> None:
    # January / February: earned value on B1 (BAC 10 000), the FSR on B2 (BAC 12 000)
    for month in ("2026-01-01", "2026-02-01"):
        bac = warehouse.project("WF-1", month, "budget_at_completion")
        assert (bac["msr_amount"], bac["fsr_amount"]) == (cents(10000.0), cents(12000.0))
        assert bac["difference_amount"] == cents(-2000.0)
        assert bac["baseline_in_force_amount"] == cents(-2000.0)
        assert bac["earned_value_import_amount"] == 0
        assert (bac["msr_baseline_version"], bac["fsr_baseline_version"]) == ("B1", "B2")
        assert "baseline B1, in force in the month" in bac["reconciliation_reason"]
        assert "current baseline B2" in bac["reconciliation_reason"]
        # B1 600 + 400 (+ 1 000) and B2 1 000 (+ 1 000) plan the same to date: no difference
        pv = warehouse.project("WF-1", month, "planned_value")
        assert pv["msr_amount"] == cents(pv["fsr_amount"])
        assert pv["difference_amount"] == cents(0) and pv["reconciliation_reason"] is None
    # from March both read B2
    for measure in MEASURES:
        row = warehouse.project("WF-1", "2026-03-01", measure)
        assert row["difference_amount"] == cents(0), measure
        assert row["reconciliation_reason"] is None, measure
    # AC from timesheets and invoices is the booked cost: 700 + 3 860 + 800 + 1 220 = 6 580
    ac = warehouse.project("WF-1", "2026-04-01", "actual_cost")
    assert ac["msr_amount"] == cents(6580.0) and ac["fsr_amount"] == cents(6580.0)


def test_portfolio_difference_is_the_sum_of_its_named_items(warehouse: Warehouse) -> None:
    # April, all portfolios. AC: MSR 6 580 + 4 200 + 850 + 180 = 11 810, FSR 6 580 + 80 + 850
    # + 180 = 7 690. PV: MSR 7 000 + 4 000 + 6 000 + 1 000 = 18 000, FSR 7 000 + 9 999 + 6 000
    # + 1 000 = 23 999. BAC: MSR 12 000 + 8 000 + 8 000 + 2 000 = 30 000, FSR 31 999.
    # EAC: WF-1 12 000 x 6 580 / 7 000 = 11 280, IM-1 9 600, AG-1 8 000 x 850 / 3 200 = 2 125;
    # the MSR headline adds NE-1 at its BAC 2 000 (no EAC yet): 25 005; the FSR 23 005.
    expected = {
        "actual_cost": (11810.0, 7690.0, 4120.0, 0.0, 0.0),
        "planned_value": (18000.0, 23999.0, -5999.0, 0.0, 0.0),
        "budget_at_completion": (30000.0, 31999.0, -1999.0, 0.0, 0.0),
        "estimate_at_completion": (25005.0, 23005.0, 0.0, 0.0, 2000.0),
    }
    for measure, (msr, fsr, imported, baseline, headline) in expected.items():
        row = warehouse.portfolio("All portfolios", "2026-04-01", measure)
        assert row["is_all_portfolios"] and row["project_count"] == 4
        assert row["msr_amount"] == cents(msr), measure
        assert row["fsr_amount"] == cents(fsr), measure
        assert row["difference_amount"] == cents(msr - fsr), measure
        assert row["earned_value_import_amount"] == cents(imported), measure
        assert row["baseline_in_force_amount"] == cents(baseline), measure
        assert row["headline_adjustment_amount"] == cents(headline), measure
        assert row["unexplained_amount"] == cents(0), measure
    notes = {
        r["measure"]: r["reconciliation_note"]
        for r in warehouse.rows(
            f"select measure, reconciliation_note from main.{PORTFOLIO_MODEL}"
            " where is_all_portfolios and reporting_month = ?",
            [D("2026-04-01")],
        )
    }
    assert notes == {
        "actual_cost": "earned-value import: IM-1",
        "planned_value": "earned-value import: IM-1",
        "budget_at_completion": "earned-value import: IM-1",
        "estimate_at_completion": "MSR headline counts projects without an EAC yet at their"
        " BAC: NE-1",
    }
    # February, Ops: BAC 10 000 + 8 000 vs 12 000 + 9 999 = -3 999, both items named
    ops = warehouse.portfolio("Ops", "2026-02-01", "budget_at_completion")
    assert ops["difference_amount"] == cents(-3999.0)
    assert ops["earned_value_import_amount"] == cents(-1999.0)
    assert ops["baseline_in_force_amount"] == cents(-2000.0)
    assert ops["reconciliation_note"] == (
        "earned-value import: IM-1; baseline in force in the month, not the current one: WF-1"
    )
    # Digital has no import and no re-baseline: AC, PV and BAC agree
    for measure in ("actual_cost", "planned_value", "budget_at_completion"):
        digital = warehouse.portfolio("Digital", "2026-04-01", measure)
        assert digital["difference_amount"] == cents(0), measure
        assert digital["reconciliation_note"] is None, measure


def test_the_headline_figures_are_the_portfolio_kpis(warehouse: Warehouse) -> None:
    """The MSR side is rpt_portfolio_kpis_monthly itself, the FSR side the mart's lines."""
    mismatches = warehouse.rows(
        f"""
        select r.portfolio, r.reporting_month, r.measure
        from main.{PORTFOLIO_MODEL} r
        join main.rpt_portfolio_kpis_monthly k
          on k.portfolio = r.portfolio and k.reporting_month = r.reporting_month
        join (
            select reporting_month, sum(cumulative_actual_cost) as actual_cost
            from main.fct_project_financials_monthly group by reporting_month
        ) f on f.reporting_month = r.reporting_month
        where r.is_all_portfolios and (
            (r.measure = 'actual_cost'
             and (abs(r.msr_amount - k.actual_cost) > 1e-6
                  or abs(r.fsr_amount - f.actual_cost) > 1e-6))
            or (r.measure = 'planned_value' and abs(r.msr_amount - k.planned_value) > 1e-6)
            or (r.measure = 'budget_at_completion'
                and abs(r.msr_amount - k.budget_at_completion) > 1e-6)
            or (r.measure = 'estimate_at_completion'
                and abs(r.msr_amount - k.estimate_at_completion) > 1e-6)
        )
        """
    )
    assert mismatches == []
