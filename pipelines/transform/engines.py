"""The engines the dbt models build on: DuckDB (the default, the warehouse file) or Apache Spark.

Both build the same dbt project (``profiles.yml`` has a target for each; engine differences are
dispatched macros). On Spark the loader still writes the DuckDB raw tables (its guarantees live
there) and each raw table is also written as Parquet into the lake (``pipelines/ingest/lake.py``);
dbt-spark's ``session`` method starts Spark in the build's process (``local[*]``, or a cluster's
master), which reads the raw Parquet and writes its warehouse of models in the lake too; after
the build the models Spark wrote are copied into the warehouse file, so the snapshot, the
dashboards and the packs read them as they read DuckDB's.

The lake is one directory seen two ways (``Lake``): ``dir``, a path this machine reads and
writes (DuckDB writes the raw Parquet there and reads the models back), and ``uri``, how Spark's
executors address the same directory (``s3a://...`` for a mounted bucket, ``file:///...`` for a
shared filesystem). Spark's driver-side state (its Derby metastore, scratch, tmp and Ivy
folders) stays on this machine under the data directory's ``spark/``.

Only the standard library here: the command line checks the engine before anything starts.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipelines.errors import PmoError

ENGINES = ("duckdb", "spark")
DEFAULT_ENGINE = "duckdb"
SPARK = "spark"
SPARK_MASTER_ENV = "PMO_SPARK_MASTER"
"""Not set by users: Spark's master, from the settings (``profiles.yml`` reads it)."""
SPARK_DIR_ENV = "PMO_SPARK_DIR"
"""Not set by users: where Spark keeps its metastore, scratch and tmp (``<data>/spark``)."""
RAW_PARQUET_DIR_ENV = "PMO_RAW_PARQUET_DIR"
"""Not set by users: the raw layer as Parquet, as Spark addresses it (``<lake_uri>/raw``)."""
SPARK_WAREHOUSE_ENV = "PMO_SPARK_WAREHOUSE"
"""Not set by users: Spark's warehouse of built models (``<lake_uri>/spark/warehouse``)."""
RAW_SCHEMAS_ENV = "PMO_RAW_SCHEMAS"
"""Not set by users: a mark of each raw table's columns (``lake.raw_schema_marks``), as JSON."""
SPARK_SCHEMA = "pmo"
"""The Spark database the models are built in (``profiles.yml``)."""
METASTORE = "metastore_db"
METASTORE_LAKE = "metastore_warehouse.txt"
"""Beside the metastore: the warehouse location it was made for."""


@dataclass(frozen=True)
class Lake:
    """The directory the raw Parquet and Spark's warehouse live in, as this machine sees it
    (``dir``) and as Spark addresses it (``uri``)."""

    dir: Path
    uri: str

    @classmethod
    def at(cls, folder: Path, uri: str | None = None) -> Lake:
        """The lake in ``folder``; Spark addresses it by ``uri``, else by its ``file://`` URI."""
        return cls(folder, (uri or file_uri(folder)).rstrip("/"))

    @property
    def raw_dir(self) -> Path:
        """The raw layer as Parquet, one folder per raw table (DuckDB writes it)."""
        return self.dir / "raw"

    @property
    def raw_uri(self) -> str:
        return f"{self.uri}/raw"

    @property
    def spark_dir(self) -> Path:
        """The folder holding Spark's ``warehouse/`` (DuckDB reads the models from it)."""
        return self.dir / "spark"

    @property
    def warehouse_uri(self) -> str:
        """``spark.sql.warehouse.dir``: where Spark writes the models it builds."""
        return f"{self.uri}/spark/warehouse"


def file_uri(folder: Path) -> str:
    """``file://`` and the absolute path as it is (Hadoop's paths take it unescaped)."""
    return "file://" + folder.absolute().as_posix()


def check_engine_installed(engine: str) -> None:
    """A clear error before a refresh starts when the engine's parts are missing."""
    if engine != SPARK:
        return
    missing = [
        name for name in ("pyspark", "dbt.adapters.spark") if importlib.util.find_spec(name) is None
    ]
    if missing:
        raise PmoError(
            f"the Spark engine needs {' and '.join(missing)}, which this environment lacks; "
            "install the spark extra: `make env-spark` (uv sync --extra spark)."
        )
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and Path(java_home, "bin", "java").exists()):
        raise PmoError(
            "the Spark engine needs Java 17 (a `java` on the PATH, or JAVA_HOME); none was found."
        )


def spark_variables(
    spark_dir: Path,
    raw_parquet: Path | str,
    master: str,
    warehouse: str | None = None,
    raw_schemas: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment a dbt build on Spark is started with (``profiles.yml`` reads it):
    ``raw_parquet`` and ``warehouse`` as Spark addresses them (``Lake.raw_uri`` and
    ``Lake.warehouse_uri``); without ``warehouse``, ``spark_dir``'s ``warehouse/``. Without
    ``raw_schemas`` the build declares every raw table again."""
    return {
        SPARK_MASTER_ENV: master,
        SPARK_DIR_ENV: str(spark_dir),
        RAW_PARQUET_DIR_ENV: str(raw_parquet),
        SPARK_WAREHOUSE_ENV: warehouse or str(spark_dir / "warehouse"),
        RAW_SCHEMAS_ENV: json.dumps(raw_schemas or {}, sort_keys=True),
    }


def spark_model_folder(spark_dir: Path, name: str) -> Path:
    """Where Spark keeps the Parquet files of a model it built as a table, ``spark_dir`` being
    the folder holding its ``warehouse/`` (``Lake.spark_dir``)."""
    return spark_dir / "warehouse" / f"{SPARK_SCHEMA}.db" / name


def metastore_for(spark_dir: Path, lake: Lake) -> bool:
    """Make the metastore under ``spark_dir`` one whose tables live in ``lake``'s warehouse;
    return True when it holds no model built there (a new one, or one made for another
    warehouse and set aside), so every model must be built.

    The metastore records where each database's tables go when the database is made, and Spark
    cannot move it (its built-in Hive client refuses ``alter database ... set location``): with
    the lake moved (the settings, or a data directory from before the lake held the warehouse)
    Spark would go on writing the models where the copy back no longer looks. It holds metadata
    only (the raw tables are declared again every build), so it is started afresh, and the
    models a new one does not know are removed from the lake's warehouse (Spark refuses to make
    a table where files are)."""
    marker = spark_dir / METASTORE_LAKE
    try:
        recorded = marker.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        recorded = None
    metastore = spark_dir / METASTORE
    if recorded == lake.warehouse_uri and metastore.is_dir():
        return False
    shutil.rmtree(metastore, ignore_errors=True)
    # the models of a data directory from before the lake held Spark's warehouse, and those
    # the lake's warehouse holds from a metastore gone
    shutil.rmtree(spark_dir / "warehouse", ignore_errors=True)
    shutil.rmtree(lake.spark_dir / "warehouse", ignore_errors=True)
    spark_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(lake.warehouse_uri + "\n", encoding="utf-8")
    return True
