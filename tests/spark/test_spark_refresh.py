"""`pmo refresh --engine spark`: the same Dagster job, the models built on Apache Spark (local
mode), copied into the snapshot; the month-end packs agree with a DuckDB refresh of the same
landing in every number, and a Spark refresh writes nothing outside its data directory."""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from tests.spark.compare import ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
        reason="the Spark engine needs the spark extra (make env-spark) and Java 17",
    ),
]

MONTH = "2026-10"

PORTFOLIO = {
    # CI's: six projects, twenty people, six months (the Spark refresh ~6 min on 2 cores)
    "small": ("--projects", "6", "--people", "20", "--months", "6"),
    # `pmo demo`'s own portfolio (24 projects, 18 months), for a run by hand:
    # PMO_SPARK_REFRESH_PORTFOLIO=demo make test-spark
    "demo": (),
}[os.environ.get("PMO_SPARK_REFRESH_PORTFOLIO", "small")]


def _pmo(
    *args: str, env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=cwd,
        timeout=1800,
    )


@pytest.fixture(scope="module")
def two_refreshes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One portfolio's landing (``PORTFOLIO``), refreshed on DuckDB in one data directory and on
    Spark in another (with HOME and the working folder empty, to see what Spark writes where)."""
    root = tmp_path_factory.mktemp("engines")
    home, cwd = root / "home", root / "cwd"
    home.mkdir()
    cwd.mkdir()
    env = {**os.environ, "HOME": str(home)}
    duck, spark = root / "duckdb", root / "spark"
    written = _pmo(
        "demo",
        "--data-dir",
        str(duck),
        "--no-refresh",
        *PORTFOLIO,
        env=env,
    )
    assert written.returncode == 0, written.stderr[-3000:]
    shutil.copytree(duck, spark)
    for folder, engine in ((duck, "duckdb"), (spark, "spark")):
        result = _pmo("refresh", "--data-dir", str(folder), "--engine", engine, env=env, cwd=cwd)
        log = folder / "dagster" / "last_refresh.log"
        assert result.returncode == 0, result.stderr[-4000:] + (
            log.read_text()[-4000:] if log.exists() else ""
        )
        (folder / "refresh.txt").write_text(result.stderr)
        packed = _pmo(
            "report", "--data-dir", str(folder), "--month", MONTH, "--format", "xlsx", env=env
        )
        assert packed.returncode == 0, packed.stderr[-3000:]
    assert list(home.iterdir()) == [] and list(cwd.iterdir()) == []
    return {"duckdb": duck, "spark": spark, "root": root}


def _cells(workbook: Path) -> dict[str, list[list[object]]]:
    book = load_workbook(workbook, data_only=True, read_only=True)
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def _same(a: object, b: object) -> bool:
    """Equal, doubles as the cross-engine comparison takes them (``tests/spark/compare.py``):
    to a relative 1e-9, or within its absolute tolerance near zero (a difference of two sums,
    such as the MSR–FSR reconciliation's, is exact only to the order they were added in)."""
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, int | float) or not isinstance(b, int | float):
            return False
        return math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)
    return a == b


def test_the_spark_refresh_says_its_engine_and_copies_its_models(
    two_refreshes: dict[str, Path],
) -> None:
    said = (two_refreshes["spark"] / "refresh.txt").read_text()
    assert "engine: Spark (local[*])" in said
    assert "models Spark built copied into the warehouse file" in said
    assert "engine: Spark" not in (two_refreshes["duckdb"] / "refresh.txt").read_text()
    # the models in the lake's warehouse, the driver's metastore in the data directory
    lake = two_refreshes["spark"] / "lake"
    assert (lake / "spark" / "warehouse" / "pmo.db").is_dir() and (lake / "raw").is_dir()
    assert (two_refreshes["spark"] / "spark" / "metastore_db").is_dir()


def test_the_packs_agree_in_every_number(two_refreshes: dict[str, Path]) -> None:
    packs = {
        engine: sorted((two_refreshes[engine] / "reports" / MONTH).glob("v1/*.xlsx"))
        for engine in ("duckdb", "spark")
    }
    assert [p.name for p in packs["duckdb"]] == [p.name for p in packs["spark"]]
    assert {p.name for p in packs["duckdb"]} >= {f"msr-{MONTH}.xlsx", f"fsr-{MONTH}.xlsx"}
    numbers = 0
    for duck_file, spark_file in zip(packs["duckdb"], packs["spark"], strict=True):
        duck, spark = _cells(duck_file), _cells(spark_file)
        assert list(duck) == list(spark), duck_file.name
        for sheet, rows in duck.items():
            assert len(rows) == len(spark[sheet]), (duck_file.name, sheet)
            for line, (left, right) in enumerate(zip(rows, spark[sheet], strict=True), start=1):
                assert len(left) == len(right), (duck_file.name, sheet, line)
                if sheet == "About" and left[0] == "Snapshot":
                    continue  # each pack names the snapshot it was built from
                differing = [
                    (column, a, b)
                    for column, (a, b) in enumerate(zip(left, right, strict=True), start=1)
                    if not _same(a, b)
                ]
                assert not differing, f"{duck_file.name} {sheet}!row {line}: {differing[:3]}"
                numbers += sum(isinstance(value, int | float) for value in left)
    assert numbers > 100  # the packs hold real figures, not only headings


def test_every_published_table_agrees(two_refreshes: dict[str, Path]) -> None:
    """What the dashboards read: every fct_/rpt_/dim_ table of the two snapshots, row by row."""
    snapshots = {
        engine: two_refreshes[engine]
        / "published"
        / (two_refreshes[engine] / "published" / "CURRENT").read_text().strip()
        / "warehouse.duckdb"
        for engine in ("duckdb", "spark")
    }
    con = duckdb.connect()
    for engine, path in snapshots.items():
        con.execute(f"attach '{path}' as {engine} (read_only)")
    names = [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'duckdb' "
            "and table_schema = 'main' and regexp_matches(table_name, '^(fct|rpt|dim)_') "
            "order by 1"
        ).fetchall()
    ]
    assert len(names) > 60
    for name in names:
        columns = [
            (column, kind)
            for column, kind in con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_catalog = 'duckdb' and table_schema = 'main' and table_name = ? "
                "order by ordinal_position",
                [name],
            ).fetchall()
        ]
        spark_columns = [
            column
            for (column,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_catalog = 'spark' and table_schema = 'main' and table_name = ? "
                "order by ordinal_position",
                [name],
            ).fetchall()
        ]
        assert [c for c, _ in columns] == spark_columns, name
        rows = {
            engine: con.execute(f"select * from {engine}.main.{name} order by all").fetchall()
            for engine in ("duckdb", "spark")
        }
        assert len(rows["duckdb"]) == len(rows["spark"]), name
        for left, right in zip(rows["duckdb"], rows["spark"], strict=True):
            differing = [
                (column, a, b)
                for (column, _), a, b in zip(columns, left, right, strict=True)
                if not _same(a, b)
            ]
            assert not differing, f"{name}: {differing[:3]} in {left}"
