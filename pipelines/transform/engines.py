"""The engines the dbt models build on: DuckDB (the default, the warehouse file) or Apache Spark.

Both build the same dbt project (``profiles.yml`` has a target for each; engine differences are
dispatched macros). On Spark the loader still writes the DuckDB raw tables (its guarantees live
there) and each raw table is also written as Parquet (``pipelines/ingest/lake.py``); dbt-spark's
``session`` method starts Spark in the build's process (``local[*]``, or a cluster's master),
with its warehouse and metastore under the data directory's ``spark/``; after the build the
models Spark wrote are copied into the warehouse file, so the snapshot, the dashboards and the
packs read them as they read DuckDB's.

Only the standard library here: the command line checks the engine before anything starts.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

from pipelines.errors import PmoError

ENGINES = ("duckdb", "spark")
DEFAULT_ENGINE = "duckdb"
SPARK = "spark"
SPARK_MASTER_ENV = "PMO_SPARK_MASTER"
"""Not set by users: Spark's master, from the settings (``profiles.yml`` reads it)."""
SPARK_DIR_ENV = "PMO_SPARK_DIR"
"""Not set by users: where Spark keeps its warehouse and metastore (``<data>/spark``)."""
RAW_PARQUET_DIR_ENV = "PMO_RAW_PARQUET_DIR"
"""Not set by users: the raw layer as Parquet that Spark reads (``<data>/lake/raw``)."""
SPARK_SCHEMA = "pmo"
"""The Spark database the models are built in (``profiles.yml``)."""


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


def spark_variables(spark_dir: Path, raw_parquet_dir: Path, master: str) -> dict[str, str]:
    """The environment a dbt build on Spark is started with (``profiles.yml`` reads it)."""
    return {
        SPARK_MASTER_ENV: master,
        SPARK_DIR_ENV: str(spark_dir),
        RAW_PARQUET_DIR_ENV: str(raw_parquet_dir),
    }


def spark_model_folder(spark_dir: Path, name: str) -> Path:
    """Where Spark keeps the Parquet files of a model it built as a table."""
    return spark_dir / "warehouse" / f"{SPARK_SCHEMA}.db" / name
