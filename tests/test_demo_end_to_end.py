"""`pmo demo` end to end, as `make demo` runs it: real files in the real formats, the real Dagster
refresh (ingest, Great Expectations checks, dbt build, publish), read back from the snapshot."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.config import resolve_data_dir
from pipelines.demo.generator import generate_demo
from pipelines.publish.snapshot import current_snapshot
from pipelines.query import run_query


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory):
    """What the demo should load: the generator's own account of what it wrote."""
    return generate_demo(
        tmp_path_factory.mktemp("expected") / "landing", seed=7, as_of=date(2026, 10, 31)
    )


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_demo_loads_every_entity_and_quarantines_exactly_the_bad_rows(demo_run, expected):
    assert demo_run.returncode == 0, demo_run.stderr[-3000:]
    assert "Traceback" not in demo_run.stderr
    paths = resolve_data_dir(demo_run.data_dir)
    snapshot = current_snapshot(paths)
    assert snapshot is not None, "the demo refresh published no snapshot"

    counts = run_query(
        paths,
        " union all ".join(
            f"select '{entity}' as entity, count(*) as n from raw.{entity}"
            for entity in expected.expected_rows
        ),
    )
    loaded = dict(counts.iter_rows())
    assert loaded == expected.expected_rows

    quarantine = run_query(
        paths, "select source_file, source_line, reason from raw.quarantine order by 1, 2"
    )
    found = {(row[0].removeprefix("demo/"), row[1]): row[2] for row in quarantine.iter_rows()}
    assert len(found) == len(expected.bad_rows)
    for bad in expected.bad_rows:
        assert (bad.file, bad.line) in found, f"{bad} was not quarantined"
    reasons = " | ".join(found.values())
    assert "unknown project 'INTRA'" in reasons
    assert "expected a value ≥ 0" in reasons
    assert "26.0 h on" in reasons and "expected at most 24 h in a day" in reasons
    assert "expected a date (YYYY-MM-DD)" in reasons
    assert (
        "vendor: unknown vendor 'Tailwind Managed Svcs', expected a vendor listed in vendors"
        in reasons
    )
    # loaded, but counting in no SLA result: listed with their file and line
    left_out = run_query(
        paths,
        "select source_file, column_name, found_value from fct_vendor_rows_left_out order by 2",
    )
    assert left_out.rows() == [
        ("demo/vendors/sla_report.xlsx", "contract_id", left_out["found_value"][0]),
        ("demo/vendors/sla_report.xlsx", "metric", "first_time_fix_pct"),
    ]
    assert left_out["found_value"][0].startswith("SOW-")
    # Nothing else was refused: every demo file is recognised.
    rejected = run_query(paths, "select count(*) as n from raw.load_log where status='rejected'")
    assert rejected.item() == 0


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_demo_snapshot_answers_the_contract_questions(demo_run, expected):
    assert demo_run.returncode == 0
    paths = resolve_data_dir(demo_run.data_dir)
    ev = run_query(paths, "select * from fct_earned_value_monthly")
    for column in (
        "project_code",
        "reporting_month",
        "planned_value",
        "earned_value",
        "actual_cost",
        "cost_performance_index",
        "schedule_performance_index_time",
        "forecast_finish_date",
        "earned_value_source",
    ):
        assert column in ev.columns
    assert ev.get_column("project_code").n_unique() == 24
    # The storyline "over budget and late" reads as such at the as-of month.
    late = run_query(
        paths,
        "select cost_performance_index, schedule_performance_index from fct_earned_value_monthly"
        " where project_code = ? and reporting_month = date '2026-10-01'".replace(
            "?", f"'{expected.storylines['over_budget_late']}'"
        ),
    )
    cpi, spi = late.row(0)
    assert cpi < 0.95 and spi < 0.95


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_demo_numbers_hold_together(demo_run):
    """The trust invariants over every project-month of the demo; and its shape: a realistic
    portfolio is mostly green and amber, red for the few that need a decision, each red with a
    reason in money or months, closed projects outside the counts."""
    from pipelines.publish.invariants import snapshot_violations

    assert demo_run.returncode == 0, demo_run.stderr[-3000:]
    paths = resolve_data_dir(demo_run.data_dir)
    snapshot = current_snapshot(paths)
    assert snapshot is not None
    assert snapshot_violations(snapshot.database) == {}
    october = run_query(
        paths,
        "select red_project_count, amber_project_count, green_project_count, grey_project_count,"
        " closed_project_count, low_confidence_project_count, cost_performance_index,"
        " cost_performance_index_with_low_confidence, overrun_at_completion,"
        " overrun_project_count from rpt_portfolio_kpis_monthly"
        " where is_all_portfolios and reporting_month = date '2026-10-01'",
    ).row(0, named=True)
    open_projects = sum(
        october[f"{colour}_project_count"] for colour in ("red", "amber", "green", "grey")
    )
    assert october["closed_project_count"] == 8 and open_projects == 16
    assert october["red_project_count"] <= open_projects // 3
    assert october["green_project_count"] + october["amber_project_count"] > open_projects // 2
    # the headline CPI leaves out the projects with CPI 6 at 5 % spent: it is below the CPI
    # with them in, and the overruns are shown, not netted away
    assert october["low_confidence_project_count"] >= 1
    assert october["cost_performance_index"] < october["cost_performance_index_with_low_confidence"]
    assert october["overrun_at_completion"] > 0 and october["overrun_project_count"] > 0
    wms = run_query(
        paths,
        "select planned_value, earned_value, budget_at_completion, percent_complete"
        " from fct_earned_value_monthly where project_code = 'WMS'"
        " and reporting_month in (date '2025-12-01', date '2026-01-01') order by reporting_month",
    ).rows()
    # re-baselined in January 2026 to a plan of the remaining work: PV keeps its history
    (dec_pv, _, _, _), (jan_pv, jan_ev, jan_bac, jan_pct) = wms
    assert jan_pv >= dec_pv and jan_ev <= jan_bac and jan_pct <= 100
