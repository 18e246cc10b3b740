"""The same dbt models built on DuckDB and on Apache Spark (local mode) give the same marts.

One small demo portfolio is generated and loaded (the loader's DuckDB raw tables), its raw
tables written as Parquet (``pipelines.ingest.lake``), then built once per engine with the
refresh's command (``pmo-dbt build --exclude-resource-type unit_test``). Every fct_/rpt_/dim_
model is compared row by row (``tests.spark.compare``): the Spark tables are read from their
Parquet folders, as the published snapshot will read them. The dbt unit tests then run on the
Spark build (``pmo-dbt test --select test_type:unit``), as they do on DuckDB in ``make test``.
Skipped without pyspark or Java.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.lake import write_raw_parquet
from tests.spark.compare import MART_PREFIXES, compare_model, type_differences

pytest.importorskip("pyspark", reason="the Spark extra is not installed (make env-spark)")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java 17 on the PATH", allow_module_level=True)

pytestmark = [pytest.mark.spark, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = ROOT / "dbt_project"
PMO_DBT = Path(sys.executable).parent / "pmo-dbt"
PORTFOLIO = ["--projects", "6", "--people", "20", "--months", "6"]
OK = {"success", "pass"}


@dataclass(frozen=True)
class Build:
    target: str
    target_dir: Path
    seconds: float
    returncode: int
    output: str

    def results(self) -> list[dict]:
        return json.loads((self.target_dir / "run_results.json").read_text())["results"]

    def manifest(self) -> dict:
        return json.loads((self.target_dir / "manifest.json").read_text())


@dataclass(frozen=True)
class Builds:
    data_dir: Path
    spark_dir: Path
    duckdb: Build
    spark: Build
    workdir: Path
    home: Path
    env: dict[str, str]


def _dbt(
    command: str, target: str, target_dir: Path, env: dict[str, str], cwd: Path, *args: str
) -> Build:
    started = time.monotonic()
    result = subprocess.run(
        [
            str(PMO_DBT),
            command,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target",
            target,
            "--target-path",
            str(target_dir),
            "--threads",
            "2",
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=3600,
        check=False,
    )
    seconds = time.monotonic() - started
    return Build(target, target_dir, seconds, result.returncode, result.stdout + result.stderr)


def _build(target: str, data_dir: Path, env: dict[str, str], cwd: Path) -> Build:
    target_dir = data_dir / f"dbt-{target}"
    return _dbt("build", target, target_dir, env, cwd, "--exclude-resource-type", "unit_test")


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    base = tmp_path_factory.mktemp("engines")
    data_dir, workdir, home = base / "data", base / "workdir", base / "home"
    workdir.mkdir()
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PMO_DATA_DIR", "DAGSTER_HOME")}
    demo = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "demo", "--data-dir", str(data_dir), *PORTFOLIO],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=1500,
        check=False,
    )
    assert demo.returncode == 0, demo.stderr[-3000:]
    warehouse = data_dir / "warehouse" / "pmo.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        write_raw_parquet(con, data_dir / "lake" / "raw")
    spark_dir = data_dir / "spark"
    env = {
        **env,
        "HOME": str(home),
        "PMO_WAREHOUSE_PATH": str(warehouse),
        "PMO_SPARK_DIR": str(spark_dir),
        "PMO_RAW_PARQUET_DIR": str(data_dir / "lake" / "raw"),
        "PMO_SPARK_MASTER": "local[2]",
        "DBT_LOG_PATH": str(data_dir / "dbt-logs"),
    }
    duckdb_build = _build("duckdb", data_dir, env, workdir)
    spark_build = _build("spark", data_dir, env, workdir)
    return Builds(data_dir, spark_dir, duckdb_build, spark_build, workdir, home, env)


def _marts(build: Build) -> list[str]:
    nodes = build.manifest()["nodes"].values()
    return sorted(
        node["name"]
        for node in nodes
        if node["resource_type"] == "model" and node["name"].startswith(MART_PREFIXES)
    )


def test_every_node_builds_and_every_data_test_passes_on_spark(builds):
    for build in (builds.duckdb, builds.spark):
        assert build.returncode == 0, f"{build.target} build failed:\n{build.output[-5000:]}"
    results = builds.spark.results()
    on_duckdb = {r["unique_id"]: r["status"] for r in builds.duckdb.results()}
    # every node built or passed; a warn-severity test warns on Spark where it warns on DuckDB
    failed = [
        (r["unique_id"], r["status"], r.get("message"))
        for r in results
        if r["status"] not in OK and not (r["status"] == "warn" == on_duckdb.get(r["unique_id"]))
    ]
    assert not failed, f"not built or not passed on Spark: {failed}"
    kinds = {r["unique_id"].split(".")[0] for r in results}
    assert {"model", "seed", "test"} <= kinds
    assert {r["unique_id"] for r in results} == set(on_duckdb), "Spark built other nodes"
    print(
        f"\nbuild of {len(results)} nodes: DuckDB {builds.duckdb.seconds:.0f} s, "
        f"Spark {builds.spark.seconds:.0f} s"
    )


def test_every_mart_is_equal_on_both_engines(builds):
    assert builds.spark.returncode == 0, builds.spark.output[-5000:]
    marts = _marts(builds.spark)
    assert len(marts) > 50
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"attach '{builds.data_dir / 'warehouse' / 'pmo.duckdb'}' as built (read_only)")
    tables = builds.spark_dir / "warehouse" / "pmo.db"
    differences, typed = [], []
    for model in marts:
        spark_side = f"read_parquet('{tables / model}/*.parquet')"
        duckdb_side = f"built.main.{model}"
        differences += compare_model(con, model, duckdb_side, spark_side)
        typed += [(model, *t) for t in type_differences(con, duckdb_side, spark_side)]
    print(f"\n{len(marts)} marts compared; column types that differ (DuckDB, Spark):")
    for kind in sorted({(a, b) for _, _, a, b in typed}):
        print(f"  {kind[0]} -> {kind[1]}: {sum(1 for t in typed if (t[2], t[3]) == kind)}")
    assert not differences, "\n".join(map(str, differences[:20]))


def test_every_dbt_unit_test_passes_on_spark(builds):
    """The unit tests (hand-computed inputs and expected rows) on the Spark build's relations:
    the same expectations as on DuckDB, so both engines compute the same numbers."""
    assert builds.spark.returncode == 0, builds.spark.output[-5000:]
    target_dir = builds.data_dir / "dbt-spark-unit"
    target_dir.mkdir()
    # the build's parse state: the unit tests start without parsing the project again
    state = builds.spark.target_dir / "partial_parse.msgpack"
    (target_dir / "partial_parse.msgpack").write_bytes(state.read_bytes())
    run = _dbt(
        "test",
        "spark",
        target_dir,
        builds.env,
        builds.workdir,
        "--select",
        "test_type:unit",
        # a unit test reads the columns of the relations it names, never dbt's relation cache
        "--no-populate-cache",
    )
    results = [r for r in run.results() if r["unique_id"].startswith("unit_test.")]
    expected = [
        node["unique_id"] for node in builds.spark.manifest().get("unit_tests", {}).values()
    ]
    failed = [
        f"{r['unique_id'].split('.', 2)[-1]} ({r['status']}): {r.get('message')}"
        for r in results
        if r["status"] != "pass"
    ]
    assert not failed, "\n\n".join(failed)
    assert run.returncode == 0, run.output[-5000:]
    assert len(expected) > 50
    assert sorted(r["unique_id"] for r in results) == sorted(expected)
    print(f"\n{len(results)} unit tests passed on Spark in {run.seconds:.0f} s")


def test_spark_keeps_its_state_under_its_own_directory(builds):
    assert builds.spark.returncode == 0, builds.spark.output[-5000:]
    assert sorted(p.name for p in builds.workdir.iterdir()) == []
    assert sorted(p.name for p in builds.home.iterdir()) == []
    state = {p.name for p in builds.spark_dir.iterdir()}
    assert {"warehouse", "metastore_db", "derby.log"} <= state
