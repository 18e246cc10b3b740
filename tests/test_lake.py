"""The lake a Spark build reads and writes: where it is (the settings), the raw layer written
there in several files, and Spark's metastore kept to the lake it was made for (Spark itself:
tests/spark/test_lake_read.py)."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import textwrap
from pathlib import Path

import duckdb
import pytest

from pipelines.config import DataPaths
from pipelines.defs.resources import WarehouseResource
from pipelines.defs.transform.assets import BuildEngine
from pipelines.errors import PmoError
from pipelines.ingest.lake import raw_schema_marks, write_raw_parquet
from pipelines.settings import load_settings
from pipelines.transform.engines import Lake, metastore_for, spark_model_folder
from pipelines.transform.spark_models import copy_spark_models

TIMESHEETS = """
    select 'PRJ-' || (range % 40) as project_code,
           'person-' || (range % 900) as person_id,
           date '2024-01-01' + cast(range % 730 as integer) as work_date,
           round(1 + (range * 7919 % 80) / 10.0, 1)::decimal(6, 2) as hours,
           timestamp '2026-10-31 08:00:00' + to_microseconds(range) as loaded_at,
           'timesheets/harvest/' || (range % 24) || '.csv' as source_file,
           range as source_line
    from range(200000)
"""


def _settings(tmp_path: Path, text: str) -> DataPaths:
    (tmp_path / "settings.toml").write_text(text, encoding="utf-8")
    return DataPaths(tmp_path)


def test_the_lake_is_the_data_directory_s_lake_unless_the_settings_say_where(
    tmp_path: Path,
) -> None:
    lake = load_settings(DataPaths(tmp_path)).lake
    assert lake == Lake(tmp_path / "lake", f"file://{tmp_path}/lake")
    assert (lake.raw_dir, lake.raw_uri) == (
        tmp_path / "lake" / "raw",
        f"file://{tmp_path}/lake/raw",
    )
    assert lake.warehouse_uri == f"file://{tmp_path}/lake/spark/warehouse"

    shared = tmp_path / "mnt" / "pmo-lake"
    paths = _settings(
        tmp_path,
        f'[engine]\nname = "spark"\nspark_master = "spark://pmo-cluster:7077"\n'
        f'lake_dir = "{shared}"\nlake_uri = "s3a://pmo-lake/prod/"\n',
    )
    lake = load_settings(paths).lake
    assert (lake.dir, lake.uri) == (shared, "s3a://pmo-lake/prod")
    assert lake.raw_uri == "s3a://pmo-lake/prod/raw"
    assert lake.warehouse_uri == "s3a://pmo-lake/prod/spark/warehouse"
    assert lake.spark_dir == shared / "spark"  # where the copy back reads the models

    # a relative directory is the data directory's; without a URI Spark reads its file:// URI
    paths = _settings(tmp_path, '[engine]\nlake_dir = "shared/lake"\n')
    assert load_settings(paths).lake == Lake(
        tmp_path / "shared" / "lake", f"file://{tmp_path}/shared/lake"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('lake_dir = ""', "engine.lake_dir is ''; expected a directory of this machine"),
        ("lake_dir = 7", "engine.lake_dir is 7; expected a directory of this machine"),
        (
            'lake_dir = "s3a://pmo-lake/prod"',
            "(a URI such as s3a://... goes in engine.lake_uri)",
        ),
        (
            'lake_uri = "/mnt/pmo-lake"',
            "engine.lake_uri is '/mnt/pmo-lake'; expected the URI Spark reads engine.lake_dir by",
        ),
        ('lake_uri = "s3a://"', "engine.lake_uri is 's3a://'; expected the URI"),
        ('lake_url = "s3a://pmo-lake"', "unknown setting engine.lake_url; expected"),
    ],
)
def test_a_lake_setting_spark_cannot_use_is_refused_with_what_is_expected(
    tmp_path: Path, line: str, message: str
) -> None:
    paths = _settings(tmp_path, f"[engine]\n{line}\n")
    with pytest.raises(PmoError) as error:
        load_settings(paths)
    assert message in str(error.value)
    assert str(tmp_path / "settings.toml") in str(error.value)


def test_a_large_raw_table_is_written_to_the_lake_as_several_files_equal_to_it(
    tmp_path: Path,
) -> None:
    con = duckdb.connect(str(tmp_path / "pmo.duckdb"))
    con.execute("create schema raw")
    con.execute(f"create table raw.timesheets as {TIMESHEETS}")  # noqa: S608
    con.execute("create table raw.risks (project_code varchar, source_line bigint)")  # empty
    lake = Lake.at(tmp_path / "shared" / "lake")
    assert write_raw_parquet(con, lake.raw_dir, file_size="256KB") == ["risks", "timesheets"]

    files = sorted((lake.raw_dir / "timesheets").iterdir())
    assert len(files) > 1, files  # a file ends at a row group (122,880 rows)
    assert all(path.name.startswith("part-") and path.suffix == ".parquet" for path in files)
    read = f"read_parquet('{lake.raw_dir / 'timesheets' / '*.parquet'}')"
    for left, right in (("raw.timesheets", read), (read, "raw.timesheets")):
        missing = f"select count(*) from (from {left} except all from {right})"  # noqa: S608
        assert con.execute(missing).fetchone() == (0,)
    assert con.execute(f"select count(*) from {read}").fetchone() == (200_000,)  # noqa: S608
    # an empty table is still a file: Spark takes a table's columns from it
    risks = con.execute(
        f"describe select * from read_parquet('{lake.raw_dir / 'risks' / '*.parquet'}')"
    ).fetchall()
    assert [row[0] for row in risks] == ["project_code", "source_line"]

    # rewritten in place: the new rows, in as many files as they take, nothing left beside
    con.execute("delete from raw.timesheets where source_line >= 1000")
    assert write_raw_parquet(con, lake.raw_dir, ["timesheets"], file_size="256KB") == ["timesheets"]
    assert [p.name for p in (lake.raw_dir / "timesheets").iterdir()] == ["part-0.parquet"]
    assert con.execute(f"select count(*) from {read}").fetchone() == (1000,)  # noqa: S608
    assert sorted(p.name for p in lake.raw_dir.iterdir()) == ["risks", "timesheets"]


@pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
    reason="the Spark engine needs the spark extra (make env-spark) and Java 17",
)
def test_a_spark_build_writes_the_lake_in_the_settings_and_tells_spark_its_uri(
    tmp_path: Path,
) -> None:
    shared = tmp_path / "shared"
    paths = _settings(
        tmp_path,
        f'[engine]\nname = "spark"\nlake_dir = "{shared}"\nlake_uri = "s3a://pmo-lake/prod"\n',
    )
    with duckdb.connect(str(paths.ensure().warehouse)) as con:
        con.execute("create schema raw")
        con.execute(f"create table raw.timesheets as {TIMESHEETS}")  # noqa: S608
    warehouse = WarehouseResource(data_dir=str(tmp_path))
    engine = BuildEngine.of(warehouse, None)
    marks = json.loads(engine.variables.pop("PMO_RAW_SCHEMAS"))
    assert engine.variables == {
        "PMO_SPARK_MASTER": "local[*]",
        "PMO_SPARK_DIR": str(tmp_path / "spark"),
        "PMO_RAW_PARQUET_DIR": "s3a://pmo-lake/prod/raw",
        "PMO_SPARK_WAREHOUSE": "s3a://pmo-lake/prod/spark/warehouse",
    }
    # a mark for every raw table written, so the build declares again only a changed one
    assert "timesheets" in marks and set(marks) == {p.name for p in (shared / "raw").iterdir()}
    assert any((shared / "raw" / "timesheets").glob("part-*.parquet"))
    assert not (tmp_path / "lake").exists()  # nothing under the data directory's own lake

    # the models Spark writes at <lake_uri>/spark/warehouse are read at <lake_dir>/spark/...
    folder = spark_model_folder(shared / "spark", "fct_hours")
    folder.mkdir(parents=True)
    duckdb.connect().execute(f"copy (select 'PRJ-1' as project_code) to '{folder}/part-0.parquet'")
    with duckdb.connect(str(paths.warehouse)) as con:
        assert copy_spark_models(con, engine.lake.spark_dir, ["fct_hours"]) == 1


def test_spark_s_metastore_starts_afresh_when_the_lake_moves(tmp_path: Path) -> None:
    spark_dir = tmp_path / "spark"
    here, there = Lake.at(tmp_path / "lake"), Lake.at(tmp_path / "shared", "s3a://pmo-lake/prod")
    # a data directory from before the lake held Spark's warehouse: its models and metastore
    (spark_dir / "metastore_db").mkdir(parents=True)
    (spark_dir / "warehouse" / "pmo.db" / "fct_hours").mkdir(parents=True)
    assert metastore_for(spark_dir, here)  # every model is built
    assert not (spark_dir / "metastore_db").exists()
    assert not (spark_dir / "warehouse").exists()

    (spark_dir / "metastore_db").mkdir()  # the build makes it
    (here.spark_dir / "warehouse" / "pmo.db" / "fct_hours").mkdir(parents=True)
    assert not metastore_for(spark_dir, here)  # the same lake: models left out stay readable
    assert (here.spark_dir / "warehouse" / "pmo.db" / "fct_hours").is_dir()

    (there.spark_dir / "warehouse" / "pmo.db" / "fct_hours").mkdir(parents=True)
    assert metastore_for(spark_dir, there)
    assert not (spark_dir / "metastore_db").exists()
    # a model folder the new metastore does not know would stop Spark making the table
    assert not (there.spark_dir / "warehouse").exists()
    assert (spark_dir / "metastore_warehouse.txt").read_text().strip() == there.warehouse_uri


def test_the_readme_s_production_lake_is_a_valid_setting(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    tail = readme[readme.index("**In production**") :]
    block = textwrap.dedent(re.search(r"```toml\n(.*?)```", tail, re.DOTALL).group(1))
    settings = load_settings(_settings(tmp_path, block))
    assert (settings.engine, settings.spark_master) == (
        "spark",
        "spark://spark-master.internal:7077",
    )
    assert settings.lake == Lake(Path("/mnt/pmo-lake"), "s3a://pmo-lake/prod")


def test_a_raw_table_s_mark_changes_with_its_columns_or_its_folder_only(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "pmo.duckdb"))
    con.execute("create schema raw")
    con.execute(f"create table raw.timesheets as {TIMESHEETS}")  # noqa: S608
    con.execute("create table raw.projects (project_code varchar, source_line bigint)")
    here = raw_schema_marks(con, "file:///data/lake/raw")
    assert sorted(here) == ["projects", "timesheets"]
    con.execute("insert into raw.projects values ('PRJ-1', 1)")  # new rows: the same mark
    assert raw_schema_marks(con, "file:///data/lake/raw/") == here
    con.execute("alter table raw.projects add column sponsor varchar")  # Spark must see it
    gained = raw_schema_marks(con, "file:///data/lake/raw")
    assert gained["projects"] != here["projects"]
    assert gained["timesheets"] == here["timesheets"]
    moved = raw_schema_marks(con, "s3a://pmo-lake/prod/raw")
    assert all(moved[name] != gained[name] for name in gained)
