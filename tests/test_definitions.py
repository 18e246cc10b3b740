"""The Dagster code location loads and its refresh job materialises the ingest assets for real."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dagster as dg

from pipelines.definitions import build_defs, defs
from pipelines.defs.ingest.assets import ingest_landing
from pipelines.defs.resources import WarehouseResource
from pipelines.ingest.contracts import ENTITIES

INGEST_KEYS = list(ingest_landing.keys)


def test_every_entity_is_an_asset_downstream_of_the_landing_scan():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {f"raw/{name}" for name in ENTITIES} | {"raw/landing_files"} <= keys
    timesheets = graph.get(dg.AssetKey(["raw", "timesheets"]))
    parents = {key.to_user_string() for key in timesheets.parent_keys}
    assert parents == {"raw/landing_files", "raw/projects", "raw/people"}


def test_refresh_job_materialises_ingest_assets(tmp_path: Path):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "projects.csv").write_text(
        "project_code,project_name,portfolio,methodology,start_date,planned_finish_date\n"
        "PAY,Payments,Digital,agile,2025-01-01,2026-01-01\n"
    )
    job = build_defs(WarehouseResource(data_dir=str(tmp_path))).resolve_job_def("refresh")
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), asset_selection=INGEST_KEYS
    )
    assert result.success
    materialised = {
        event.asset_key.to_user_string() for event in result.get_asset_materialization_events()
    }
    assert "raw/projects" in materialised and "raw/timesheets" in materialised
    projects = next(
        event
        for event in result.get_asset_materialization_events()
        if event.asset_key == dg.AssetKey(["raw", "projects"])
    )
    metadata = projects.materialization.metadata
    assert metadata["dagster/row_count"].value == 1
    assert metadata["files_loaded"].value == 1


def test_expectation_suites_run_as_blocking_asset_checks(tmp_path: Path):
    import duckdb

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "projects.csv").write_text(
        "project_code,project_name,portfolio,methodology,start_date,planned_finish_date\n"
        "PAY,Payments,Digital,agile,2025-01-01,2026-01-01\n"
    )
    job = build_defs(WarehouseResource(data_dir=str(tmp_path))).resolve_job_def("refresh")
    instance = dg.DagsterInstance.ephemeral()
    result = job.execute_in_process(instance=instance, asset_selection=INGEST_KEYS)
    checks = {(e.asset_key.path[-1], e.passed) for e in result.get_asset_check_evaluations()}
    assert ("projects", True) in checks and ("timesheets", True) in checks
    # Something wrong reaches the warehouse outside the loader: the suite catches it.
    con = duckdb.connect(str(tmp_path / "warehouse" / "pmo.duckdb"))
    con.execute(
        "insert into raw.projects (project_code, project_name, portfolio, methodology,"
        " start_date, planned_finish_date, source_file, source_sha256, source_line)"
        " values ('PAY', 'Twin', 'Digital', 'scrum', '2025-01-01', '2024-01-01', 'x', 'y', 2)"
    )
    con.close()
    failed = job.execute_in_process(
        instance=instance, raise_on_error=False, asset_selection=INGEST_KEYS
    )
    evaluation = next(
        e for e in failed.get_asset_check_evaluations() if e.asset_key.path[-1] == "projects"
    )
    assert not evaluation.passed
    failures = evaluation.metadata["failures"].value
    kinds = {(f["expectation_type"], f["column"]) for f in failures}
    assert ("expect_column_values_to_be_in_set", "methodology") in kinds
    assert ("expect_column_values_to_be_unique", "project_code") in kinds


def test_the_refresh_jobs_name_is_read_without_loading_dagster_dbt():
    """`pmo status` and a refresh with nothing to do read the refresh job's name: importing it
    must not import every definition (dagster-dbt and dbt alone take seconds to import)."""
    probe = (
        "import sys; from pipelines.defs.publish.jobs import REFRESH_JOB_NAME; "
        "from pipelines import status; "
        "print(sorted(m for m in ('dagster_dbt', 'dbt.adapters', 'pipelines.defs.transform.assets')"
        " if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.stdout.strip() == "[]"
