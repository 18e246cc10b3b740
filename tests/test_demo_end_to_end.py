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
