"""Spark reads the raw layer where the lake's URI says: a bare SparkSession over the Parquet the
refresh writes, declared as the build's hook declares it (the build itself: the other tests)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.lake import write_raw_parquet
from pipelines.transform.engines import Lake

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
        reason="the Spark engine needs the spark extra (make env-spark) and Java 17",
    ),
]

TIMESHEETS = """
    select 'PRJ-' || (range % 40) as project_code,
           date '2024-01-01' + cast(range % 730 as integer) as work_date,
           round(1 + (range * 7919 % 80) / 10.0, 1)::decimal(6, 2) as hours,
           timestamp '2026-10-31 08:00:00' + to_microseconds(range) as loaded_at,
           'timesheets/harvest/' || (range % 24) || '.csv' as source_file,
           range as source_line
    from range(300000)
"""


def test_spark_reads_each_raw_table_at_the_lake_uri_as_duckdb_holds_it(tmp_path: Path) -> None:
    from pyspark.sql import SparkSession

    con = duckdb.connect(str(tmp_path / "pmo.duckdb"))
    con.execute("create schema raw")
    con.execute(f"create table raw.timesheets as {TIMESHEETS}")  # noqa: S608
    lake = Lake.at(tmp_path / "shared lake")  # file:///…/shared lake, as a mount would be
    write_raw_parquet(con, lake.raw_dir, file_size="512KB")
    assert len(list((lake.raw_dir / "timesheets").glob("*.parquet"))) > 1

    spark = (
        SparkSession.builder.master("local[1]")
        .appName("pmo-lake-read")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(tmp_path / "spark" / "warehouse"))
        .config("spark.local.dir", str(tmp_path / "spark" / "tmp"))
        .getOrCreate()
    )
    try:
        uri = f"{lake.raw_uri}/timesheets"
        spark.sql(f"create table timesheets using parquet location '{uri}'")
        table = spark.table("timesheets")
        assert table.inputFiles() and all(f.startswith("file:") for f in table.inputFiles())
        assert len(table.inputFiles()) > 1
        read = table.toArrow()  # noqa: F841 - read by DuckDB below
    finally:
        spark.stop()
    assert read.num_rows == 300_000
    assert read.schema.names == [
        row[0] for row in con.execute("describe raw.timesheets").fetchall()
    ]
    for left, right in (("raw.timesheets", "read"), ("read", "raw.timesheets")):
        missing = f"select count(*) from (from {left} except all from {right})"  # noqa: S608
        assert con.execute(missing).fetchone() == (0,)
