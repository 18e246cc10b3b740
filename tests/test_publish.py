"""A refresh publishes an immutable, tested snapshot; a failing dbt test publishes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.config import resolve_data_dir
from pipelines.definitions import build_defs
from pipelines.defs.resources import WarehouseResource
from pipelines.inputs import note_run_inputs, raw_tables_changed, refresh_inputs
from pipelines.publish.snapshot import current_snapshot, list_snapshots
from pipelines.query import run_query

PROJECTS = """project_code,project_name,portfolio,methodology,start_date,planned_finish_date
PAY,Payments renewal,Digital,waterfall,2026-01-01,2026-06-30
"""
PEOPLE = "employee_id,full_name,role\nE1,Ana Souza,Developer\n"
RATES = "employee_id,role,effective_from,hourly_cost_rate\nE1,,2026-01-01,100\n"
BUDGETS = """project_code,budget_month,cost_category,expense_type,amount,baseline_version
PAY,2026-01-01,labour,capex,1000,B1
PAY,2026-02-01,labour,capex,1000,B1
"""
TIMESHEETS = "employee_id,project_code,work_date,hours\nE1,PAY,2026-01-15,8\nE1,PAY,2026-02-16,4\n"


def test_refresh_publishes_and_a_failing_test_keeps_the_previous_snapshot(tmp_path: Path):
    landing = tmp_path / "landing"
    landing.mkdir()
    for name, text in (
        ("projects", PROJECTS),
        ("people", PEOPLE),
        ("cost_rates", RATES),
        ("budgets", BUDGETS),
        ("timesheets", TIMESHEETS),
    ):
        (landing / f"{name}.csv").write_text(text)
    job = build_defs(WarehouseResource(data_dir=str(tmp_path))).resolve_job_def("refresh")
    instance = dg.DagsterInstance.ephemeral()
    first_run = job.execute_in_process(instance=instance)
    assert first_run.success
    first_run_id = first_run.run_id

    paths = resolve_data_dir(tmp_path)
    first = current_snapshot(paths)
    assert first is not None
    catalog = json.loads(first.catalog_path.read_text())
    models = {model["name"]: model for model in catalog["models"]}
    ev = models["fct_earned_value_monthly"]
    columns = {column["name"]: column for column in ev["columns"]}
    assert columns["cost_performance_index"]["metric"]["good_when"] == "higher"
    assert ev["row_count"] == 2  # January and February 2026
    # Readers see the snapshot: AC = 8 h × 100 + 4 h × 100, cumulative.
    frame = run_query(
        paths,
        "select reporting_month, actual_cost, planned_value"
        " from fct_earned_value_monthly order by reporting_month",
    )
    assert frame.get_column("actual_cost").to_list() == [800.0, 1200.0]
    assert frame.get_column("planned_value").to_list() == [1000.0, 2000.0]
    assert not first.database.stat().st_mode & 0o222  # the published copy is read-only

    # A budget line for a project nobody knows reaches the warehouse outside the loader:
    # the dbt relationship test fails, nothing is published, the first snapshot stays current.
    con = duckdb.connect(str(paths.warehouse))
    con.execute(
        "insert into raw.budgets (project_code, budget_month, cost_category, expense_type,"
        " amount, baseline_version, source_file, source_sha256, source_line)"
        " values ('GHOST', '2026-01-01', 'labour', 'opex', 5, 'B1', 'manual', 'x', 1)"
    )
    con.close()
    failed = job.execute_in_process(instance=instance, raise_on_error=False)
    assert not failed.success
    # the second build started from the first one's parse state: dbt did not parse the project
    # again (nothing in it changed)
    builds = list(paths.dbt_runs.iterdir())
    assert len(builds) == 2
    (second_build,) = [b for b in builds if b.name.endswith(failed.run_id[:8])]
    log = (second_build / "dbt.log").read_text() + "".join(
        p.read_text() for p in second_build.glob("dbt.log.*")
    )
    assert '"stat_line": "' in log  # the log holds the parse's outcome
    assert "Unable to do partial parsing" not in log
    assert current_snapshot(paths).snapshot_id == first.snapshot_id
    assert [s.snapshot_id for s in list_snapshots(paths)] == [first.snapshot_id]
    # that build rebuilt only the budgets' dependents, from bad rows: the warehouse's models are
    # not the snapshot's any more, so the next build takes every model, whatever changes
    results = {
        build.name: len(json.loads((build / "run_results.json").read_text())["results"])
        for build in paths.dbt_runs.iterdir()
    }
    first_build = next(name for name in results if name.endswith(first_run_id[:8]))
    assert results[second_build.name] < results[first_build]
    con = duckdb.connect(str(paths.warehouse))
    con.execute("update raw.budgets set project_code = 'PAY' where project_code = 'GHOST'")
    note_run_inputs(paths, "next", refresh_inputs(paths))
    state = json.loads((paths.warehouse_dir / "last_publish.json").read_text())
    assert state["vars"] == {"reporting_currency": "EUR"}  # the same vars: not why
    assert state["built_since"] == failed.run_id
    assert raw_tables_changed(paths, "next", con, {"reporting_currency": "EUR"}) is None
    con.close()
