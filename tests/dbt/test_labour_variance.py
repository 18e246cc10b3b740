"""Labour cost variance split into hours (volume) and rate effects, over a hand-built portfolio.

The real dbt project is built once for this module (``dbt build --select
+rpt_labour_cost_variance_monthly``, cautious indirect selection) over a small portfolio inserted
straight into the raw tables. Every expected figure was worked out by hand from the rows below
(the arithmetic is in the comments and the expressions); amounts to the cent, hours and rates to
1e-6. Reporting currency EUR. As of 2026-03-31: the month end of the latest timesheet date.

Variance = planned - actual labour cost (positive: under spend) = hours variance + rate variance,
hours variance = (planned hours - actual hours) x standard rate, rate variance = (standard rate -
actual rate) x actual hours, planned hours = planned cost / standard rate.

- LAB-1 "Labour platform" (Jan-Jun 2026): re-baselined, B2 approved 2026-02-16 (B1 of
  2025-11-15 superseded), labour capex + opex lines and a hardware line; a rate rise after the
  approval date, a USD contractor, and a tester with no cost rate at all.
- LAB-2 "Ledger rollout" (Feb-Apr 2026): an undated baseline (standard rate read at the start
  date), nothing planned or logged in February, the analyst role rate rising in March.
- LAB-3 "Lab kiosk" (Mar-May 2026): a labour budget and nobody logging time: no standard rate.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from pipelines.publish.reports.fsr import RATE, VOLUME
from tests.dbt.conftest import (
    BuiltWarehouse,
    DbtBuild,
    DbtPortfolio,
    built_portfolio,
    dbt_build,
    load_portfolio,
)

# one worker builds this module's warehouse (pytest -n 2 --dist loadgroup)
pytestmark = pytest.mark.xdist_group(__name__)  # its tests share one built warehouse

D = date.fromisoformat
LOADED_AT = datetime(2026, 4, 2, 8, 0, 0)
MODEL = "rpt_labour_cost_variance_monthly"


def _budget_rows(
    project: str, version: str, approved_on: date | None, rows: list[tuple[str, str, str, float]]
) -> list[dict[str, Any]]:
    return [
        {
            "project_code": project,
            "budget_month": D(month),
            "cost_category": category,
            "expense_type": expense,
            "amount": amount,
            "currency": "EUR",
            "baseline_version": version,
            "approved_on": approved_on,
        }
        for month, category, expense, amount in rows
    ]


def _hours(employee: str, project: str, work_date: str, hours: float) -> dict[str, Any]:
    return {
        "employee_id": employee,
        "project_code": project,
        "work_date": D(work_date),
        "hours": hours,
    }


PORTFOLIO: dict[str, list[dict[str, Any]]] = {
    "projects": [
        {
            "project_code": code,
            "project_name": name,
            "portfolio": "Corporate",
            "methodology": "waterfall",
            "start_date": D(start),
            "planned_finish_date": D(finish),
            "status": "active",
            "currency": currency,
            "project_manager": "Ann Lee",
        }
        for code, name, start, finish, currency in [
            ("LAB-1", "Labour platform", "2026-01-01", "2026-06-30", "EUR"),
            ("LAB-2", "Ledger rollout", "2026-02-01", "2026-04-30", None),
            ("LAB-3", "Lab kiosk", "2026-03-01", "2026-05-31", "EUR"),
        ]
    ],
    "people": [
        {"employee_id": "E1", "full_name": "Ana Souza", "role": "developer"},
        {"employee_id": "E2", "full_name": "Bo Berg", "role": "Analyst"},
        {
            "employee_id": "E3",
            "full_name": "Cy Park",
            "role": "developer",
            "employment_type": "contractor",
        },
        {"employee_id": "E4", "full_name": "Di Roy", "role": "tester"},  # no rate anywhere
    ],
    "cost_rates": [
        # E1: 80, then 100 from 1 March (after LAB-1's approval date: a rate effect)
        {"employee_id": "E1", "effective_from": D("2025-01-01"), "hourly_cost_rate": 80.0},
        {"employee_id": "E1", "effective_from": D("2026-03-01"), "hourly_cost_rate": 100.0},
        # E3: 100 USD from 2026 (on B1's date, 2025-11-15, E3 had only the developer role rate)
        {
            "employee_id": "E3",
            "effective_from": D("2026-01-01"),
            "hourly_cost_rate": 100.0,
            "currency": "USD",
        },
        # E2 has no own rate: the analyst role rate, 60 then 66 from 1 March
        {"role": "analyst", "effective_from": D("2025-01-01"), "hourly_cost_rate": 60.0},
        {"role": "Analyst", "effective_from": D("2026-03-01"), "hourly_cost_rate": 66.0},
        {"role": "developer", "effective_from": D("2025-01-01"), "hourly_cost_rate": 70.0},
    ],
    "fx_rates": [
        # no February rate: February uses January's 0.9
        {"currency": "USD", "rate_month": D("2026-01-01"), "rate_to_reporting_currency": 0.9},
        {"currency": "USD", "rate_month": D("2026-03-01"), "rate_to_reporting_currency": 0.8},
    ],
    "budgets": [
        # LAB-1 B1, superseded: 9 000 a month
        *_budget_rows(
            "LAB-1",
            "B1",
            D("2025-11-15"),
            [(f"2026-0{m}-01", "labour", "capex", 9000.0) for m in range(1, 7)],
        ),
        # LAB-1 B2, current (approved 16 Feb): labour Jan 8 000; Feb 6 000 capex + 2 000 opex;
        # Mar 9 600; Apr-Jun 10 000; hardware 5 000 in Feb (not labour)
        *_budget_rows(
            "LAB-1",
            "B2",
            D("2026-02-16"),
            [
                ("2026-01-01", "labour", "capex", 8000.0),
                ("2026-02-01", "labour", "capex", 6000.0),
                ("2026-02-01", "Labour", "opex", 2000.0),
                ("2026-02-01", "hardware", "capex", 5000.0),
                ("2026-03-01", "labour", "capex", 9600.0),
                *[(f"2026-0{m}-01", "labour", "capex", 10000.0) for m in range(4, 7)],
            ],
        ),
        # LAB-2, undated: Feb 0, Mar 1 200, Apr 1 200
        *_budget_rows(
            "LAB-2",
            "B1",
            None,
            [
                ("2026-02-01", "labour", "opex", 0.0),
                ("2026-03-01", "labour", "opex", 1200.0),
                ("2026-04-01", "labour", "opex", 1200.0),
            ],
        ),
        # LAB-3: Mar 500, Apr 500
        *_budget_rows(
            "LAB-3",
            "B1",
            D("2026-02-01"),
            [("2026-03-01", "labour", "opex", 500.0), ("2026-04-01", "labour", "opex", 500.0)],
        ),
    ],
    "timesheets": [
        # LAB-1                                       costed on the work date
        _hours("E1", "LAB-1", "2026-01-14", 80.0),  # 80 x 80 = 6 400
        _hours("E2", "LAB-1", "2026-01-21", 20.0),  # 20 x 60 = 1 200
        _hours("E1", "LAB-1", "2026-02-11", 60.0),  # 60 x 80 = 4 800
        _hours("E3", "LAB-1", "2026-02-18", 20.0),  # 20 x 100 USD x 0.9 = 1 800
        _hours("E1", "LAB-1", "2026-03-09", 60.0),  # 60 x 100 = 6 000
        _hours("E3", "LAB-1", "2026-03-16", 20.0),  # 20 x 100 USD x 0.8 = 1 600
        _hours("E4", "LAB-1", "2026-03-20", 10.0),  # no rate: uncosted
        # LAB-2
        _hours("E2", "LAB-2", "2026-03-12", 10.0),  # 10 x 66 = 660
    ],
}

# LAB-1 standard rate, on 2026-02-16 (B2's approval date), weighted by hours to the as-of date:
#   E1 80 (100 only from March) x (80 + 60 + 60 = 200 h); E2 analyst role 60 x 20 h;
#   E3 100 USD x 0.9 (February carries January's rate) = 90 x (20 + 20 = 40 h);
#   E4 no rate: left out (10 h) -> standard rate incomplete.
#   (200 x 80 + 20 x 60 + 40 x 90) / (200 + 20 + 40) = (16 000 + 1 200 + 3 600) / 260 = 80
LAB1_STANDARD_RATE = (200 * 80 + 20 * 60 + 40 * 90) / (200 + 20 + 40)
# LAB-1 by month (standard rate 80):
#   month  planned         actual                   hours          planned hours
#   Jan    8 000           6 400 + 1 200 = 7 600    80 + 20 = 100  8 000 / 80 = 100
#   Feb    6 000 + 2 000   4 800 + 1 800 = 6 600    60 + 20 = 80   8 000 / 80 = 100
#   Mar    9 600           6 000 + 1 600 = 7 600    60+20+10 = 90  9 600 / 80 = 120
LAB1 = {
    "2026-01-01": {
        "planned_labour_cost": 8000.0,
        "actual_labour_cost": 7600.0,
        "actual_hours": 100.0,
        "planned_hours": 8000 / 80,
        "actual_hourly_rate": 7600 / 100,  # 76
        "labour_cost_variance": 8000 - 7600,  # 400
        "hours_variance": (100 - 100) * 80,  # 0
        "rate_variance": (80 - 76) * 100,  # 400
        "has_uncosted_hours": False,
    },
    "2026-02-01": {
        "planned_labour_cost": 8000.0,
        "actual_labour_cost": 6600.0,
        "actual_hours": 80.0,
        "planned_hours": 8000 / 80,
        "actual_hourly_rate": 6600 / 80,  # 82.5: E3 at 90
        "labour_cost_variance": 8000 - 6600,  # 1 400
        "hours_variance": (100 - 80) * 80,  # 1 600
        "rate_variance": (80 - 82.5) * 80,  # -200
        "has_uncosted_hours": False,
    },
    "2026-03-01": {
        "planned_labour_cost": 9600.0,
        "actual_labour_cost": 7600.0,
        "actual_hours": 90.0,
        "planned_hours": 9600 / 80,
        "actual_hourly_rate": 7600 / 90,  # 84.44: E1 at 100, E3 at 80, E4 uncosted
        "labour_cost_variance": 9600 - 7600,  # 2 000
        "hours_variance": (120 - 90) * 80,  # 2 400
        "rate_variance": 80 * 90 - 7600,  # (80 - 7600 / 90) x 90 = -400
        "has_uncosted_hours": True,
    },
}
# LAB-1 to date: planned 8 000, 16 000, 25 600; actual 7 600, 14 200, 21 800;
# hours 100, 180, 270; planned hours 100, 200, 320; variance 400, 1 800, 3 800;
# hours variance (planned hours - hours) x 80 = 0, 1 600, 4 000;
# rate variance 80 x hours - actual = 400, 200, -200.
LAB1_TO_DATE = {
    "2026-01-01": (8000.0, 7600.0, 100.0, 100.0, 400.0, (100 - 100) * 80, 80 * 100 - 7600),
    "2026-02-01": (16000.0, 14200.0, 180.0, 200.0, 1800.0, (200 - 180) * 80, 80 * 180 - 14200),
    "2026-03-01": (25600.0, 21800.0, 270.0, 320.0, 3800.0, (320 - 270) * 80, 80 * 270 - 21800),
}
TO_DATE_COLUMNS = (
    "cumulative_planned_labour_cost",
    "cumulative_actual_labour_cost",
    "cumulative_actual_hours",
    "cumulative_planned_hours",
    "cumulative_labour_cost_variance",
    "cumulative_hours_variance",
    "cumulative_rate_variance",
)

RECONCILIATIONS = {
    "rpt_labour_cost_variance_monthly_actual_hours_reconcile_to_the_finance_mart",
    "rpt_labour_cost_variance_monthly_actual_hours_reconcile_to_costed_timesheets",
    "rpt_labour_cost_variance_monthly_actual_labour_reconciles_to_the_finance_mart",
    "rpt_labour_cost_variance_monthly_actual_labour_reconciles_to_costed_timesheets",
    "rpt_labour_cost_variance_monthly_planned_labour_reconciles_to_the_finance_mart",
    "rpt_labour_cost_variance_monthly_planned_labour_reconciles_to_the_baseline",
}


class Warehouse(BuiltWarehouse):
    """The built warehouse of this module."""

    def months(self, project: str) -> dict[str, dict[str, Any]]:
        return {
            row["reporting_month"].isoformat(): row
            for row in self.rows(
                f"select * from main.{MODEL} where project_code = ? order by reporting_month",
                [project],
            )
        }


def dbt_build_selected(work_dir: Path, warehouse: Path) -> DbtBuild:
    """`dbt build` of the model and everything upstream (and dim_projects, for its FK test)."""
    return dbt_build(
        work_dir,
        warehouse,
        "build",
        "--select",
        f"+{MODEL}",
        # the FSR's variance commentary, which reads this model's hours and rate effects
        "+rpt_financial_variance_monthly",
        "dim_projects",
        # only tests whose every parent is built here
        "--indirect-selection",
        "cautious",
        "--exclude",
        "test_type:unit",  # they run once, in the whole project's build (conftest.py)
        "--threads",
        "2",
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    path, build = built_portfolio(
        tmp_path_factory,
        "dbt_labour_variance",
        lambda con: load_portfolio(con, PORTFOLIO, log_loads=False, loaded_at=LOADED_AT),
        dbt_build_selected,
    )
    return Warehouse(path, build)


def cents(value: float) -> Any:
    return pytest.approx(value, abs=0.005)


def ratio(value: float) -> Any:
    return pytest.approx(value, abs=1e-6)


# ------------------------------------------------------------------------------------- build


def test_every_test_unit_test_and_reconciliation_passed(
    warehouse: Warehouse, dbt_portfolio: DbtPortfolio
) -> None:
    results = warehouse.build.run_results["results"]
    failed = [r["unique_id"] for r in results if r["status"] not in ("pass", "success")]
    assert failed == []
    ran = {uid.split(".")[-1] for uid in dbt_portfolio.unit_tests_passed()}
    assert {
        "labour_variance_splits_into_hours_and_rate_effects",
        "labour_variance_standard_rate_edge_cases",
        "financial_variance_commentary_names_every_driver",
    } <= ran
    data_tests = {
        r["unique_id"].split(".")[2] for r in results if r["unique_id"].startswith("test.")
    }
    # reconciliations that can fail: with the FSR's finance mart, costed timesheets, baseline
    assert data_tests >= RECONCILIATIONS
    status, checked = warehouse.build.grain_checks()[MODEL]
    assert status == "pass"
    assert "hours_and_rate_effects_add_up" in checked["rules"]
    assert checked["references"] == {"project_code": "ref('dim_projects')"}


METRIC_FORMATS = {"text", "date", "integer", "number", "currency", "percent", "ratio", "boolean"}


def test_every_column_carries_a_metric_and_the_fsr_finds_the_split(warehouse: Warehouse) -> None:
    manifest = json.loads((warehouse.path.parent / "target" / "manifest.json").read_text())
    node = manifest["nodes"][f"model.pmo_pulse.{MODEL}"]
    assert node["description"].startswith("One row per project per reporting month")
    built = [
        row["column_name"]
        for row in warehouse.rows(
            "select column_name from information_schema.columns where table_name = ?"
            " order by ordinal_position",
            [MODEL],
        )
    ]
    assert list(node["columns"]) == built  # the FSR shows them in catalog order
    for name, column in node["columns"].items():
        metric = column["meta"]["metric"]
        assert {"label", "format", "good_when", "description"} <= set(metric), name
        assert metric["format"] in METRIC_FORMATS, name
        if metric["format"] == "currency":
            assert metric["unit"] == "reporting_currency", name  # resolved at publish
        if name.endswith("variance"):  # positive = under spend = favourable
            assert (metric["format"], metric["good_when"]) == ("currency", "higher"), name
    # the FSR picks the model up by these names (pipelines/publish/reports/fsr.py)
    assert [name for name in built if VOLUME.search(name)] == [
        "hours_variance",
        "cumulative_hours_variance",
    ]
    assert [name for name in built if RATE.search(name)] == [
        "rate_variance",
        "cumulative_rate_variance",
    ]


# ---------------------------------------------------------------------------------- LAB-1


def test_one_row_per_project_from_its_start_month_to_the_as_of_month(
    warehouse: Warehouse,
) -> None:
    rows = warehouse.rows(
        f"select project_code, reporting_month, status_date from main.{MODEL} order by all"
    )
    assert [(r["project_code"], r["reporting_month"].isoformat()) for r in rows] == [
        ("LAB-1", "2026-01-01"),
        ("LAB-1", "2026-02-01"),
        ("LAB-1", "2026-03-01"),
        ("LAB-2", "2026-02-01"),
        ("LAB-2", "2026-03-01"),
        ("LAB-3", "2026-03-01"),
    ]
    assert rows[2]["status_date"] == D("2026-03-31")


def test_lab1_standard_rate_is_read_on_the_current_baselines_approval_date(
    warehouse: Warehouse,
) -> None:
    months = warehouse.months("LAB-1")
    assert LAB1_STANDARD_RATE == 80
    for row in months.values():
        assert row["baseline_version"] == "B2"
        assert row["standard_rate_date"] == D("2026-02-16")
        assert row["standard_hourly_rate"] == ratio(80.0)
        # E4 logged 10 h with no rate at all: left out of the average, and flagged
        assert row["is_standard_rate_incomplete"] is True


def test_lab1_variance_splits_into_hours_and_rate_effects_by_month(warehouse: Warehouse) -> None:
    months = warehouse.months("LAB-1")
    for month, expected in LAB1.items():
        row = months[month]
        for column, value in expected.items():
            if isinstance(value, bool):
                assert row[column] is value, (month, column)
            elif column.endswith(("_hours", "_rate")):
                assert row[column] == ratio(value), (month, column)
            else:
                assert row[column] == cents(value), (month, column)
        assert row["hours_variance"] + row["rate_variance"] == cents(row["labour_cost_variance"])


def test_lab1_variance_to_date(warehouse: Warehouse) -> None:
    months = warehouse.months("LAB-1")
    for month, expected in LAB1_TO_DATE.items():
        got = tuple(months[month][column] for column in TO_DATE_COLUMNS)
        assert got == tuple(cents(value) for value in expected), month
    # the effects to date are the sums of the monthly ones (the standard rate does not move)
    assert sum(row["hours_variance"] for row in months.values()) == cents(4000.0)
    assert sum(row["rate_variance"] for row in months.values()) == cents(-200.0)


def test_lab1_the_fsr_commentary_names_the_hours_and_rate_effects(warehouse: Warehouse) -> None:
    row = warehouse.one(
        "select * from rpt_financial_variance_monthly"
        " where project_code = 'LAB-1' and reporting_month = date '2026-03-01'"
    )
    # the effects to date of test_lab1_variance_to_date, in the commentary's words
    assert row["cumulative_labour_hours_effect"] == cents(4000.0)
    assert row["cumulative_labour_rate_effect"] == cents(-200.0)
    assert "Fewer hours than planned saved €4.0k." in row["variance_commentary"]
    assert "Labour rates above standard cost €200." in row["variance_commentary"]


def test_lab1_labour_reconciles_with_the_fsr_finance_mart(warehouse: Warehouse) -> None:
    """The FSR's budget-vs-actual labour lines (capex + opex) are this model's month figures."""
    lines = warehouse.rows(
        "select reporting_month, sum(budget_amount) as budget, sum(actual_labour_cost) as actual,"
        " sum(logged_hours) as hours from main.fct_project_financials_monthly"
        " where project_code = 'LAB-1' and cost_category = 'labour'"
        " group by reporting_month order by reporting_month"
    )
    months = warehouse.months("LAB-1")
    assert [
        (
            line["reporting_month"].isoformat(),
            line["budget"],
            line["actual"],
            line["hours"],
        )
        for line in lines
    ] == [
        (
            month,
            cents(row["planned_labour_cost"]),
            cents(row["actual_labour_cost"]),
            ratio(row["actual_hours"]),
        )
        for month, row in months.items()
    ]
    # February's labour (8 000 budget, 6 600 actual) is two lines: capex 6 000 and opex 2 000
    february = warehouse.rows(
        "select expense_type, budget_amount, actual_labour_cost"
        " from main.fct_project_financials_monthly where project_code = 'LAB-1'"
        " and reporting_month = '2026-02-01' and cost_category = 'labour' order by expense_type"
    )
    assert [(r["expense_type"], r["budget_amount"]) for r in february] == [
        ("capex", cents(6000.0)),
        ("opex", cents(2000.0)),
    ]


# ---------------------------------------------------------------------------- LAB-2, LAB-3


def test_lab2_undated_baseline_reads_the_rate_at_the_start_date(warehouse: Warehouse) -> None:
    # standard rate on 2026-02-01 (no approval date: the start date): E2's analyst role rate 60;
    # March's hours cost the new 66.
    months = warehouse.months("LAB-2")
    february, march = months["2026-02-01"], months["2026-03-01"]
    for row in (february, march):
        assert (row["baseline_version"], row["standard_rate_date"]) == ("B1", D("2026-02-01"))
        assert row["standard_hourly_rate"] == ratio(60.0)
        assert row["is_standard_rate_incomplete"] is False
    # February: nothing planned, nothing logged -> every effect 0, no actual rate
    assert february["planned_hours"] == ratio(0.0)
    assert february["actual_hourly_rate"] is None
    assert (
        february["labour_cost_variance"],
        february["hours_variance"],
        february["rate_variance"],
    ) == (cents(0.0), cents(0.0), cents(0.0))
    # March: planned 1 200 / 60 = 20 h; actual 10 h x 66 = 660
    assert march["planned_hours"] == ratio(1200 / 60)
    assert march["actual_hourly_rate"] == ratio(66.0)
    assert march["labour_cost_variance"] == cents(1200 - 660)  # 540
    assert march["hours_variance"] == cents((20 - 10) * 60)  # 600: half the hours used
    assert march["rate_variance"] == cents((60 - 66) * 10)  # -60: the rate rise
    assert (
        march["cumulative_labour_cost_variance"],
        march["cumulative_hours_variance"],
        march["cumulative_rate_variance"],
    ) == (cents(540.0), cents(600.0), cents(-60.0))


def test_lab3_without_hours_has_a_variance_but_no_split(warehouse: Warehouse) -> None:
    (march,) = warehouse.months("LAB-3").values()
    assert march["standard_rate_date"] == D("2026-02-01")  # the approval date
    assert march["planned_labour_cost"] == cents(500.0)
    assert march["actual_hours"] == ratio(0.0)
    assert march["labour_cost_variance"] == cents(500.0)
    # nobody logged time: no standard rate, so no planned hours and no split (never 0)
    for column in (
        "standard_hourly_rate",
        "planned_hours",
        "actual_hourly_rate",
        "hours_variance",
        "rate_variance",
        "cumulative_planned_hours",
        "cumulative_hours_variance",
        "cumulative_rate_variance",
    ):
        assert march[column] is None, column
    assert march["is_standard_rate_incomplete"] is False
    assert march["has_uncosted_hours"] is False
