"""Choosing the engine the models build on: the setting, its checks, and what a refresh on
Spark copies back into the warehouse file (the Spark build itself: tests/spark)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.config import DataPaths
from pipelines.errors import PmoError
from pipelines.settings import load_settings
from pipelines.transform.engines import spark_model_folder
from pipelines.transform.spark_models import built_relations, copy_spark_models


def test_the_engine_is_a_checked_setting(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    assert (load_settings(paths).engine, load_settings(paths).spark_master) == (
        "duckdb",
        "local[*]",
    )
    (tmp_path / "settings.toml").write_text(
        '[engine]\nname = "spark"\nspark_master = "spark://pmo-cluster:7077"\n'
    )
    settings = load_settings(paths)
    assert (settings.engine, settings.spark_master) == ("spark", "spark://pmo-cluster:7077")
    (tmp_path / "settings.toml").write_text('[engine]\nname = "postgres"\n')
    with pytest.raises(PmoError) as error:
        load_settings(paths)
    assert 'engine.name is \'postgres\'; expected one of "duckdb", "spark"' in str(error.value)
    (tmp_path / "settings.toml").write_text('[engine]\nname = "spark"\nspark_master = ""\n')
    with pytest.raises(PmoError) as error:
        load_settings(paths)
    assert "engine.spark_master is ''; expected Spark's master URL" in str(error.value)


@pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is not None, reason="the spark extra is installed here"
)
def test_a_spark_refresh_without_the_spark_extra_says_how_to_install_it(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "refresh", "--data-dir", str(tmp_path)]
        + ["--engine", "spark"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "the Spark engine needs pyspark" in result.stderr
    assert "make env-spark" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "warehouse").exists()  # nothing started


def test_models_spark_built_replace_the_warehouse_relations_in_one_transaction(
    tmp_path: Path,
) -> None:
    spark_dir = tmp_path / "spark"
    source = duckdb.connect()
    for name, sql in {
        "fct_costs": "select 'ERP' as project_code, 1250.5::double as actual_cost",
        "rpt_lines": "select 'ERP' as project_code, 3 as line_count",
    }.items():
        folder = spark_model_folder(spark_dir, name)
        folder.mkdir(parents=True)
        source.execute(f"copy ({sql}) to '{folder / 'part-00000.parquet'}'")
    (spark_model_folder(spark_dir, "fct_costs") / "_SUCCESS").write_text("")
    con = duckdb.connect(str(tmp_path / "pmo.duckdb"))
    con.execute("create view main.rpt_lines as select 'old' as project_code, 0 as line_count")
    con.execute("create table main.fct_costs as select 'old' as project_code, 0.0 as actual_cost")
    results = {
        "results": [
            {"unique_id": "model.pmo_pulse.fct_costs", "status": "success"},
            {"unique_id": "model.pmo_pulse.rpt_lines", "status": "success"},
            {"unique_id": "test.pmo_pulse.not_null_fct_costs_project_code", "status": "pass"},
            {"unique_id": "model.pmo_pulse.rpt_skipped", "status": "skipped"},
        ]
    }
    assert built_relations(results) == ["fct_costs", "rpt_lines"]
    # rpt_lines is a view on DuckDB (a drill-down's rows): it stays one, over the copied rows
    assert copy_spark_models(con, spark_dir, built_relations(results), frozenset({"rpt_lines"}))
    assert con.execute("from main.fct_costs").fetchall() == [("ERP", 1250.5)]
    assert con.execute("from main.rpt_lines").fetchall() == [("ERP", 3)]
    kinds = con.execute(
        "select table_schema, table_name, table_type from information_schema.tables order by 1, 2"
    ).fetchall()
    assert kinds == [
        ("main", "fct_costs", "BASE TABLE"),
        ("main", "rpt_lines", "VIEW"),
        ("spark_built", "rpt_lines", "BASE TABLE"),
    ]
    # a view on DuckDB that Spark built as a table, and back: the kind follows DuckDB's
    assert copy_spark_models(con, spark_dir, ["rpt_lines"]) == 1
    assert con.execute(
        "select table_type from information_schema.tables "
        "where table_schema = 'main' and table_name = 'rpt_lines'"
    ).fetchall() == [("BASE TABLE",)]
    # a model Spark says it built but whose folder holds nothing: nothing is copied at all
    newer = spark_model_folder(spark_dir, "fct_costs") / "part-00000.parquet"
    source.execute(f"copy (select 'ERP' as project_code, 99.0::double as actual_cost) to '{newer}'")
    with pytest.raises(PmoError) as error:
        copy_spark_models(con, spark_dir, ["fct_costs", "rpt_missing"])
    assert "rpt_missing" in str(error.value) and "holds no Parquet file" in str(error.value)
    assert con.execute("from main.fct_costs").fetchall() == [("ERP", 1250.5)]


def test_a_build_starts_from_the_parse_state_of_its_own_engine(tmp_path: Path) -> None:
    """dbt reuses a parse only for the target it was made for: a Spark build starts from the
    last Spark build's state, a DuckDB build never from a Spark one."""
    import time

    from pipelines.defs.transform.assets import dbt_run_dir
    from pipelines.transform.parse_ahead import PARSE_STATE

    paths = DataPaths(tmp_path)
    vars_ = {"reporting_currency": "USD"}  # not the install's parse: the runs' states count
    duck = dbt_run_dir(paths, "duck0001", vars_)
    (duck / PARSE_STATE).write_bytes(b"duckdb state")
    time.sleep(0.01)
    spark = dbt_run_dir(paths, "spark001", vars_, "spark")
    assert spark.name.endswith("-spark")
    assert not (spark / PARSE_STATE).exists()  # DuckDB's would only be parsed again
    (spark / PARSE_STATE).write_bytes(b"spark state")
    time.sleep(0.01)
    assert (dbt_run_dir(paths, "duck0002", vars_) / PARSE_STATE).read_bytes() == b"duckdb state"
    time.sleep(0.01)
    again = dbt_run_dir(paths, "spark002", vars_, "spark")
    assert (again / PARSE_STATE).read_bytes() == b"spark state"


def test_the_raw_layer_written_is_the_tables_named_and_any_not_written_yet(
    tmp_path: Path,
) -> None:
    from pipelines.ingest.lake import write_raw_parquet

    con = duckdb.connect(str(tmp_path / "pmo.duckdb"))
    con.execute("create schema raw")
    con.execute("create table raw.projects as select 'ERP' as project_code, 1 as source_line")
    con.execute("create table raw.timesheets as select 'ERP' as project_code, 7.5 as hours")
    lake = tmp_path / "lake"
    assert write_raw_parquet(con, lake, ["timesheets"]) == ["projects", "timesheets"]
    con.execute("insert into raw.timesheets values ('ERP', 2.0)")
    con.execute("insert into raw.projects values ('CRM', 2)")
    assert write_raw_parquet(con, lake, ["timesheets"]) == ["timesheets"]
    read = duckdb.connect()
    assert read.execute(
        f"select sum(hours) from read_parquet('{lake / 'timesheets' / '*.parquet'}')"
    ).fetchone() == (9.5,)
    assert read.execute(
        f"select count(*) from read_parquet('{lake / 'projects' / '*.parquet'}')"
    ).fetchone() == (1,)  # not named: the Parquet stays the one built from
    assert sorted(p.name for p in lake.iterdir()) == ["projects", "timesheets"]  # no leftovers
