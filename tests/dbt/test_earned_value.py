"""The real dbt project over the hand-built portfolio of conftest.py: KPIs to the cent.

Every expected figure below was worked out by hand from the raw rows in conftest.PORTFOLIO; the
expressions keep the arithmetic visible (Python only evaluates them). Amounts are compared to the
cent, indices and months to 1e-6. As-of date: 2026-04-30 (latest: the 2026-04-30 WF-1 snapshot and
IM-1 import row).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from tests.dbt.conftest import DbtPortfolio

# one worker builds the portfolio once for every test here (pytest -n 2 --dist loadgroup)
pytestmark = pytest.mark.xdist_group(__name__)  # its tests share one built warehouse

CONTRACT_COLUMNS = [
    "project_code",
    "reporting_month",
    "status_date",
    "planned_value",
    "earned_value",
    "actual_cost",
    "budget_at_completion",
    "schedule_variance",
    "cost_variance",
    "schedule_performance_index",
    "cost_performance_index",
    "estimate_at_completion",
    "estimate_at_completion_method",
    "estimate_at_completion_typical",
    "estimate_at_completion_atypical",
    "estimate_at_completion_cpi_spi",
    "estimate_to_complete",
    "variance_at_completion",
    "to_complete_performance_index",
    "to_complete_performance_index_eac",
    "planned_duration_months",
    "actual_time_months",
    "earned_schedule_months",
    "schedule_variance_time_months",
    "schedule_performance_index_time",
    "independent_eac_time_months",
    "forecast_finish_date",
    "percent_complete",
    "percent_spent",
    "earned_value_source",
]
AMOUNTS = {
    "planned_value",
    "earned_value",
    "actual_cost",
    "budget_at_completion",
    "schedule_variance",
    "cost_variance",
    "estimate_at_completion",
    "estimate_at_completion_typical",
    "estimate_at_completion_atypical",
    "estimate_at_completion_cpi_spi",
    "estimate_to_complete",
    "variance_at_completion",
}

# ---------------------------------------------------------------------------------------- WF-1
# Waterfall, start 2026-01-05 -> period 1 = Jan 2026, planned finish June -> PD = 6.
# B1 (approved 2025-12-15): 1000 1000 2000 2000 2000 2000 -> cumulative 1000 2000 4000 6000 8000
#   10000 (BAC 10000). B2 (approved 2026-03-10, in force from March): 1000 1000 2000 3000 3000 2000
#   -> cumulative 1000 2000 4000 7000 10000 12000 (BAC 12000).
# EV: Jan snapshot 4000 x 20 % + 6000 x 0 % = 800 (SUM is a summary task: not counted);
#   Feb: the 28th beats the 15th: 4000 x 50 % + 6000 x 10 % = 2600; Mar: no snapshot -> 2600;
#   Apr: T1 done without % = 4000, T2 6000 x 50 % = 3000, T3 0 -> 7000.
# AC (monthly): Jan E1 8 h x 50 + E1 2 h x 50 + E2 5 h x 40 (role) = 700
#   Feb E1 10 h x 50 + E3 4 h x 100 USD x 0.9 (January's rate carried) + invoice 3000 = 3860
#   Mar E1 8 h x 60 (new rate) + E3 4 h x 100 x 0.8 = 800
#   Apr E2 10 h x 42 (own rate now) + invoice 1000 USD x 0.8 = 1220
#   -> cumulative 700, 4560, 5360, 6580.
# ES: Jan EV 800 < PV_1 1000 -> C = 0: 0 + 800/1000 = 0.8
#     Feb (B1) 2000 <= 2600 < 4000 -> 2 + 600/2000 = 2.3; Mar (B2) same bracket -> 2.3
#     Apr (B2) PV_4 = 7000 <= 7000 < 10000 -> 4 + 0 = 4
# Forecast finish = Jan 2026 + IEAC(t) months:
#   Jan 6/0.8 = 7.5 -> 1 Aug + 0.5 x 31 = 15.5 -> day 16; Feb 6/1.15 = 5.217 -> 1 Jun + 6.5 -> 7
#   Mar 6/(2.3/3) = 7.826 -> 1 Aug + 25.6 -> 26; Apr 6/1 = 6 -> last day of June
WF1 = {
    date(2026, 1, 1): {
        "status_date": date(2026, 1, 31),
        "planned_value": 1000,
        "earned_value": 800,
        "actual_cost": 700,
        "budget_at_completion": 10000,
        "schedule_variance": 800 - 1000,
        "cost_variance": 800 - 700,
        "schedule_performance_index": 800 / 1000,
        "cost_performance_index": 800 / 700,
        "estimate_at_completion": 10000 * 700 / 800,
        "estimate_at_completion_atypical": 700 + (10000 - 800),
        "estimate_at_completion_cpi_spi": 700 + 9200 / ((800 / 700) * (800 / 1000)),
        "estimate_to_complete": 8750 - 700,
        "variance_at_completion": 10000 - 8750,
        "to_complete_performance_index": 9200 / (10000 - 700),
        "to_complete_performance_index_eac": 9200 / (8750 - 700),
        "planned_duration_months": 6,
        "actual_time_months": 1,
        "earned_schedule_months": 0.8,
        "schedule_variance_time_months": 0.8 - 1,
        "schedule_performance_index_time": 0.8,
        "independent_eac_time_months": 6 / 0.8,
        "forecast_finish_date": date(2026, 8, 16),
        "percent_complete": 8,
        "percent_spent": 7,
        "earned_value_source": "task_baseline_cost",
    },
    date(2026, 2, 1): {
        "status_date": date(2026, 2, 28),
        "planned_value": 2000,
        "earned_value": 2600,
        "actual_cost": 4560,
        "budget_at_completion": 10000,
        "schedule_variance": 600,
        "cost_variance": 2600 - 4560,
        "schedule_performance_index": 1.3,
        "cost_performance_index": 2600 / 4560,
        "estimate_at_completion": 10000 * 4560 / 2600,  # 17 538.46
        "estimate_at_completion_atypical": 4560 + 7400,
        "estimate_at_completion_cpi_spi": 4560 + 7400 / ((2600 / 4560) * 1.3),  # 14 543.43
        "estimate_to_complete": 10000 * 4560 / 2600 - 4560,
        "variance_at_completion": 10000 - 10000 * 4560 / 2600,
        "to_complete_performance_index": 7400 / 5440,
        "to_complete_performance_index_eac": 7400 / (10000 * 4560 / 2600 - 4560),
        "planned_duration_months": 6,
        "actual_time_months": 2,
        "earned_schedule_months": 2.3,
        "schedule_variance_time_months": 0.3,
        "schedule_performance_index_time": 2.3 / 2,
        "independent_eac_time_months": 6 / 1.15,
        "forecast_finish_date": date(2026, 6, 7),
        "percent_complete": 26,
        "percent_spent": 45.6,
        "earned_value_source": "task_baseline_cost",
    },
    date(2026, 3, 1): {  # re-baselined: B2's curve and BAC from March
        "status_date": date(2026, 3, 31),
        "planned_value": 4000,
        "earned_value": 2600,
        "actual_cost": 5360,
        "budget_at_completion": 12000,
        "schedule_variance": -1400,
        "cost_variance": -2760,
        "schedule_performance_index": 0.65,
        "cost_performance_index": 2600 / 5360,
        "estimate_at_completion": 12000 * 5360 / 2600,  # 24 738.46
        "estimate_at_completion_atypical": 5360 + 9400,
        "estimate_at_completion_cpi_spi": 5360 + 9400 / ((2600 / 5360) * 0.65),  # 35 173.02
        "estimate_to_complete": 12000 * 5360 / 2600 - 5360,
        "variance_at_completion": 12000 - 12000 * 5360 / 2600,
        "to_complete_performance_index": 9400 / 6640,
        "to_complete_performance_index_eac": 9400 / (12000 * 5360 / 2600 - 5360),
        "planned_duration_months": 6,
        "actual_time_months": 3,
        "earned_schedule_months": 2.3,
        "schedule_variance_time_months": -0.7,
        "schedule_performance_index_time": 2.3 / 3,
        "independent_eac_time_months": 6 * 3 / 2.3,
        "forecast_finish_date": date(2026, 8, 26),
        "percent_complete": 100 * 2600 / 12000,
        "percent_spent": 100 * 5360 / 12000,
        "earned_value_source": "task_baseline_cost",
    },
    date(2026, 4, 1): {
        "status_date": date(2026, 4, 30),
        "planned_value": 7000,
        "earned_value": 7000,
        "actual_cost": 6580,
        "budget_at_completion": 12000,
        "schedule_variance": 0,
        "cost_variance": 420,
        "schedule_performance_index": 1,
        "cost_performance_index": 7000 / 6580,
        "estimate_at_completion": 12000 * 6580 / 7000,  # 11 280
        "estimate_at_completion_atypical": 6580 + 5000,
        "estimate_at_completion_cpi_spi": 6580 + 5000 / (7000 / 6580),  # SPI = 1 -> 11 280
        "estimate_to_complete": 11280 - 6580,
        "variance_at_completion": 12000 - 11280,
        "to_complete_performance_index": 5000 / 5420,
        "to_complete_performance_index_eac": 5000 / 4700,
        "planned_duration_months": 6,
        "actual_time_months": 4,
        "earned_schedule_months": 4,
        "schedule_variance_time_months": 0,
        "schedule_performance_index_time": 1,
        "independent_eac_time_months": 6,
        "forecast_finish_date": date(2026, 6, 30),
        "percent_complete": 100 * 7000 / 12000,
        "percent_spent": 100 * 6580 / 12000,
        "earned_value_source": "task_baseline_cost",
    },
}

# ---------------------------------------------------------------------------------------- AG-1
# Agile, Feb-May 2026 -> PD 4. Undated B1 (the original baseline): 0 3000 3000 2000 -> cumulative
# 0 3000 6000 8000 (BAC 8000): nothing is planned in February (leading zero PV).
# EV = BAC x done / planned points (EPIC is a summary: its points are not counted again):
#   Feb 5 of 16 -> 8000 x 5/16 = 2500; Mar 8 of 20 (S4 added) -> 3200; Apr: no snapshot -> 3200.
# AC: Feb E1 8 h x 50 = 400; Mar + E4 10 h x 45 (role "Developer" = "developer") = 850.
# ES: Feb C = 1 (PV_1 = 0 <= 2500 < 3000): 1 + 2500/3000 = 1.8333; Mar/Apr C = 2: 2 + 200/3000.
# Forecast: Feb 4/1.8333 = 2.1818 -> 1 Apr + 0.18 x 30 = 5.5 -> 6 Apr
#   Mar 4/(2.0667/2) = 3.871 -> 1 May + 27 -> 27 May
#   Apr 4/(2.0667/3) = 5.806 -> 1 Jul + 25 -> 25 Jul
ES_AG = 2 + 200 / 3000
AG1 = {
    date(2026, 2, 1): {
        "status_date": date(2026, 2, 28),
        "planned_value": 0,
        "earned_value": 2500,
        "actual_cost": 400,
        "budget_at_completion": 8000,
        "schedule_variance": 2500,
        "cost_variance": 2100,
        "schedule_performance_index": None,  # 2500 / 0: no PV yet
        "cost_performance_index": 6.25,
        "estimate_at_completion": 8000 / 6.25,
        "estimate_at_completion_atypical": 400 + 5500,
        "estimate_at_completion_cpi_spi": None,  # SPI unknown
        "estimate_to_complete": 1280 - 400,
        "variance_at_completion": 8000 - 1280,
        "to_complete_performance_index": 5500 / 7600,
        "to_complete_performance_index_eac": 5500 / 880,
        "planned_duration_months": 4,
        "actual_time_months": 1,
        "earned_schedule_months": 1 + 2500 / 3000,
        "schedule_variance_time_months": 2500 / 3000,
        "schedule_performance_index_time": 1 + 2500 / 3000,
        "independent_eac_time_months": 4 / (1 + 2500 / 3000),
        "forecast_finish_date": date(2026, 4, 6),
        "percent_complete": 31.25,
        "percent_spent": 5,
        "earned_value_source": "story_points",
    },
    date(2026, 3, 1): {
        "status_date": date(2026, 3, 31),
        "planned_value": 3000,
        "earned_value": 3200,
        "actual_cost": 850,
        "budget_at_completion": 8000,
        "schedule_variance": 200,
        "cost_variance": 2350,
        "schedule_performance_index": 3200 / 3000,
        "cost_performance_index": 3200 / 850,
        "estimate_at_completion": 8000 * 850 / 3200,  # 2125
        "estimate_at_completion_atypical": 850 + 4800,
        "estimate_at_completion_cpi_spi": 850 + 4800 / ((3200 / 850) * (3200 / 3000)),
        "estimate_to_complete": 2125 - 850,
        "variance_at_completion": 8000 - 2125,
        "to_complete_performance_index": 4800 / 7150,
        "to_complete_performance_index_eac": 4800 / 1275,
        "planned_duration_months": 4,
        "actual_time_months": 2,
        "earned_schedule_months": ES_AG,
        "schedule_variance_time_months": ES_AG - 2,
        "schedule_performance_index_time": ES_AG / 2,
        "independent_eac_time_months": 4 * 2 / ES_AG,
        "forecast_finish_date": date(2026, 5, 27),
        "percent_complete": 40,
        "percent_spent": 100 * 850 / 8000,
        "earned_value_source": "story_points",
    },
    date(2026, 4, 1): {
        "status_date": date(2026, 4, 30),
        "planned_value": 6000,
        "earned_value": 3200,
        "actual_cost": 850,
        "budget_at_completion": 8000,
        "schedule_variance": -2800,
        "cost_variance": 2350,
        "schedule_performance_index": 3200 / 6000,
        "cost_performance_index": 3200 / 850,
        "estimate_at_completion": 2125,
        "estimate_at_completion_atypical": 5650,
        "estimate_at_completion_cpi_spi": 850 + 4800 / ((3200 / 850) * (3200 / 6000)),
        "estimate_to_complete": 1275,
        "variance_at_completion": 5875,
        "to_complete_performance_index": 4800 / 7150,
        "to_complete_performance_index_eac": 4800 / 1275,
        "planned_duration_months": 4,
        "actual_time_months": 3,
        "earned_schedule_months": ES_AG,
        "schedule_variance_time_months": ES_AG - 3,
        "schedule_performance_index_time": ES_AG / 3,
        "independent_eac_time_months": 4 * 3 / ES_AG,
        "forecast_finish_date": date(2026, 7, 25),
        "percent_complete": 40,
        "percent_spent": 100 * 850 / 8000,
        "earned_value_source": "story_points",
    },
}

# ---------------------------------------------------------------------------------------- IM-1
# Import (PV, EV, AC, BAC), Jan-Aug 2026 -> PD 8; rows after April carry PV only (the curve:
# 1000 per month to 8000). The project's own budget (9999) and timesheet (2 h) are overridden.
# ES: Jan 0 + 900/1000 = 0.9; Feb 1 + 800/1000 = 1.8; Mar 3 + 0 = 3; Apr 3 + 500/1000 = 3.5.
# April's row has no BAC: January-March's 8000 is carried.
# Forecast: Jan/Feb 8/0.9 = 8.889 -> 1 Sep + 26.7 -> 27 Sep; Mar 8 -> 31 Aug;
#   Apr 8/0.875 = 9.143 -> 1 Oct + 4.4 -> 5 Oct.
IM1_MEASURES = {  # month: (PV, EV, AC, ES)
    date(2026, 1, 1): (1000, 900, 1000, 0.9),
    date(2026, 2, 1): (2000, 1800, 2100, 1.8),
    date(2026, 3, 1): (3000, 3000, 3300, 3.0),
    date(2026, 4, 1): (4000, 3500, 4200, 3.5),
}
IM1_FINISH = {
    date(2026, 1, 1): date(2026, 9, 27),
    date(2026, 2, 1): date(2026, 9, 27),
    date(2026, 3, 1): date(2026, 8, 31),
    date(2026, 4, 1): date(2026, 10, 5),
}


def im1_row(month: date, status_date: date) -> dict[str, Any]:
    """IM-1's figures for a month, each formula applied by hand to the imported PV/EV/AC."""
    pv, ev, ac, es = IM1_MEASURES[month]
    at, bac = month.month, 8000
    cpi, spi = ev / ac, ev / pv
    eac = bac / cpi
    return {
        "status_date": status_date,
        "planned_value": pv,
        "earned_value": ev,
        "actual_cost": ac,
        "budget_at_completion": bac,
        "schedule_variance": ev - pv,
        "cost_variance": ev - ac,
        "schedule_performance_index": spi,
        "cost_performance_index": cpi,
        "estimate_at_completion": eac,
        "estimate_at_completion_atypical": ac + bac - ev,
        "estimate_at_completion_cpi_spi": ac + (bac - ev) / (cpi * spi),
        "estimate_to_complete": eac - ac,
        "variance_at_completion": bac - eac,
        "to_complete_performance_index": (bac - ev) / (bac - ac),
        "to_complete_performance_index_eac": (bac - ev) / (eac - ac),
        "planned_duration_months": 8,
        "actual_time_months": at,
        "earned_schedule_months": es,
        "schedule_variance_time_months": es - at,
        "schedule_performance_index_time": es / at,
        "independent_eac_time_months": 8 * at / es,
        "forecast_finish_date": IM1_FINISH[month],
        "percent_complete": 100 * ev / bac,
        "percent_spent": 100 * ac / bac,
        "earned_value_source": "earned_value_import",
    }


IM1 = {
    date(2026, 1, 1): im1_row(date(2026, 1, 1), date(2026, 1, 31)),
    date(2026, 2, 1): im1_row(date(2026, 2, 1), date(2026, 2, 28)),
    date(2026, 3, 1): im1_row(date(2026, 3, 1), date(2026, 3, 31)),
    date(2026, 4, 1): im1_row(date(2026, 4, 1), date(2026, 4, 30)),
}

EXPECTED = {"WF-1": WF1, "AG-1": AG1, "IM-1": IM1}


def fact_rows(portfolio: DbtPortfolio) -> dict[tuple[str, date], dict[str, Any]]:
    con_rows = portfolio.query("select * from main.fct_earned_value_monthly order by all")
    columns = [
        row[0]
        for row in portfolio.query(
            "select column_name from information_schema.columns"
            " where table_name = 'fct_earned_value_monthly' order by ordinal_position"
        )
    ]
    rows = [dict(zip(columns, values, strict=True)) for values in con_rows]
    return {(row["project_code"], row["reporting_month"]): row for row in rows}


def assert_kpi(project: str, month: date, column: str, actual: Any, expected: Any) -> None:
    where = f"{project} {month:%Y-%m} {column}"
    if expected is None or actual is None:
        assert actual == expected, f"{where}: got {actual!r}, expected {expected!r}"
    elif column in AMOUNTS:
        assert actual == pytest.approx(expected, abs=0.005), f"{where}: {actual} != {expected}"
    elif isinstance(expected, (int, float)) and not isinstance(expected, bool):
        assert actual == pytest.approx(expected, abs=1e-6), f"{where}: {actual} != {expected}"
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def test_dbt_build_passes_every_model_test_and_unit_test(dbt_portfolio: DbtPortfolio) -> None:
    results = dbt_portfolio.first.run_results["results"]
    failed = [r["unique_id"] for r in results if r["status"] not in ("success", "pass")]
    assert failed == [], dbt_portfolio.first.output[-4000:]
    # every unit test of the project ran here (the other modules' builds leave them out)
    manifest = dbt_portfolio.warehouse.parent / "target" / "manifest.json"
    every = set(json.loads(manifest.read_text())["unit_tests"])
    assert len(every) >= 60 and dbt_portfolio.unit_tests_passed() == every
    unit_tests = {
        r["unique_id"].rsplit(".", 1)[-1]
        for r in results
        if r["unique_id"].startswith("unit_test.")
    }
    # the edge cases issue 3 names, each a hand-computed dbt unit test
    assert {
        "earned_value_formulas_on_an_ordinary_month",
        "earned_value_before_any_planned_value",
        "earned_value_with_no_actual_cost",
        "earned_value_of_zero",
        "earned_value_above_budget_at_completion",
        "earned_schedule_across_a_flat_planned_value_plateau",
        "earned_schedule_with_leading_months_of_zero_planned_value",
        "earned_value_of_a_project_completed_late",
        "earned_schedule_after_a_mid_project_re_baseline",
        "baseline_history_after_re_baselines",
        "timesheet_hours_are_costed_at_the_rate_in_force",
        "earned_value_import_takes_precedence",
    } <= unit_tests
    reconciliations = {
        r["unique_id"].split(".")[2]
        for r in results
        if r["unique_id"].startswith("test.pmo_pulse.assert_")
    }
    assert reconciliations == {
        "assert_actual_cost_reconciles",
        "assert_budget_at_completion_reconciles",
        "assert_financials_rollup_levels_add_up",
        "assert_invoice_ageing_total_adds_up",
    }


def test_fact_has_the_contract_columns(dbt_portfolio: DbtPortfolio) -> None:
    columns = [
        row[0]
        for row in dbt_portfolio.query(
            "select column_name from information_schema.columns"
            " where table_name = 'fct_earned_value_monthly' order by ordinal_position"
        )
    ]
    assert columns[: len(CONTRACT_COLUMNS)] == CONTRACT_COLUMNS


def test_one_row_per_project_month_from_start_to_as_of(dbt_portfolio: DbtPortfolio) -> None:
    rows = fact_rows(dbt_portfolio)
    months = {project: sorted(m for p, m in rows if p == project) for project, _ in rows}
    assert months == {
        "WF-1": [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)],
        "AG-1": [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)],
        "IM-1": [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)],
    }  # PR-0 starts in September: no rows yet; IM-1's future PV rows are not months reported


@pytest.mark.parametrize("project", sorted(EXPECTED))
def test_earned_value_figures_match_the_hand_computation(
    dbt_portfolio: DbtPortfolio, project: str
) -> None:
    rows = fact_rows(dbt_portfolio)
    for month, expected in EXPECTED[project].items():
        row = rows[(project, month)]
        for column, value in expected.items():
            assert_kpi(project, month, column, row[column], value)


def test_re_baseline_keeps_history(dbt_portfolio: DbtPortfolio) -> None:
    """February stays measured against B1; March onwards against B2, approved 2026-03-10."""
    versions = dbt_portfolio.query(
        "select reporting_month, baseline_version from main.fct_earned_value_monthly"
        " where project_code = 'WF-1' order by reporting_month"
    )
    assert [v for _, v in versions] == ["B1", "B1", "B2", "B2"]
    dim = dbt_portfolio.query(
        "select current_baseline_version, current_budget_at_completion, baseline_version_count"
        " from main.dim_projects where project_code = 'WF-1'"
    )
    assert dim == [("B2", 12000.0, 2)]


def test_actual_cost_sources(dbt_portfolio: DbtPortfolio) -> None:
    sources = dict(
        dbt_portfolio.query(
            "select distinct project_code, actual_cost_source from main.fct_earned_value_monthly"
        )
    )
    assert sources == {
        "WF-1": "timesheets_and_invoices",
        "AG-1": "timesheets_and_invoices",
        "IM-1": "earned_value_import",
    }


def test_timesheet_entries_costed_line_by_line(dbt_portfolio: DbtPortfolio) -> None:
    """Lines of landing/timesheets.csv (header on line 1): rate source, rate, fx, cost."""
    rows = dbt_portfolio.query(
        "select source_line, cost_rate_source, hourly_cost_rate, fx_rate_to_reporting_currency,"
        " labour_cost, fx_rate_month from main.int_timesheet_entries_costed order by source_line"
    )
    assert rows == [
        (2, "person", 50.0, 1.0, 400.0, None),
        (3, "person", 50.0, 1.0, 100.0, None),
        (4, "role", 40.0, 1.0, 200.0, None),  # E2 "Analyst" -> role rate "analyst"
        (5, "person", 50.0, 1.0, 500.0, None),
        (6, "person", 100.0, 0.9, pytest.approx(360.0), date(2026, 1, 1)),  # Feb: Jan's rate
        (7, "person", 60.0, 1.0, 480.0, None),  # the 60 rate from 2026-03-01
        (8, "person", 100.0, 0.8, pytest.approx(320.0), date(2026, 3, 1)),
        (9, "person", 42.0, 1.0, 420.0, None),  # E2's own rate from 2026-04-01
        (10, "person", 50.0, 1.0, 400.0, None),
        (11, "role", 45.0, 1.0, 450.0, None),  # E4: role rate "Developer"
        (12, "role", 40.0, 1.0, 80.0, None),
    ]


def test_project_not_started_is_in_the_dimension_only(dbt_portfolio: DbtPortfolio) -> None:
    assert dbt_portfolio.query(
        "select project_code, has_baseline, planned_duration_months from main.dim_projects"
        " where project_code = 'PR-0'"
    ) == [("PR-0", False, 7)]
    assert dbt_portfolio.query(
        "select count(*) from main.fct_earned_value_monthly where project_code = 'PR-0'"
    ) == [(0,)]


def test_a_second_build_on_the_same_inputs_gives_identical_rows(
    dbt_portfolio: DbtPortfolio,
) -> None:
    assert dbt_portfolio.second.returncode == 0, dbt_portfolio.second.output[-4000:]
    for model, rows in dbt_portfolio.first_rows.items():
        assert rows, f"{model} is empty"
        assert dbt_portfolio.second_rows[model] == rows, f"{model} changed between builds"
