"""One setting decides where everything lives: the data directory.

``--data-dir`` on every CLI command, else ``PMO_DATA_DIR`` (read by ``pipelines.environment``),
else ``./data``. Everything the
product writes stays under it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.environment import read_environment

if TYPE_CHECKING:
    import dagster as dg

REFRESH_TAG = "pmo/refresh"
INSTANCE_CONFIG = f"""\
telemetry:
  enabled: false
# One refresh at a time: runs the schedule, the sensor or the UI start wait in the run queue
# while one runs (a refresh started on the command line waits on the data directory's lock).
concurrency:
  runs:
    tag_concurrency_limits:
      - key: "{REFRESH_TAG}"
        limit: 1
"""
EARLIER_INSTANCE_CONFIGS = ("telemetry:\n  enabled: false\n",)


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse_dir(self) -> Path:
        return self.root / "warehouse"

    @property
    def warehouse(self) -> Path:
        return self.warehouse_dir / "pmo.duckdb"

    @property
    def published(self) -> Path:
        return self.root / "published"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster"

    @property
    def dbt_runs(self) -> Path:
        """One folder per refresh's dbt build: artefacts and log (the last few are kept)."""
        return self.root / "dbt" / "runs"

    @property
    def raw_parquet(self) -> Path:
        """The raw layer as Parquet, one folder per raw table, in the default lake (the settings'
        ``engine.lake_dir`` moves it: ``Settings.lake``)."""
        return self.root / "lake" / "raw"

    @property
    def spark(self) -> Path:
        """The Spark driver's own state: its metastore, scratch and tmp folders (its warehouse of
        built models is in the lake: ``Settings.lake``)."""
        return self.root / "spark"

    def ensure(self) -> DataPaths:
        for folder in (
            self.landing,
            self.warehouse_dir,
            self.published,
            self.reports,
            self.dagster_home,
        ):
            folder.mkdir(parents=True, exist_ok=True)
        instance_config = self.dagster_home / "dagster.yaml"
        if (
            not instance_config.exists()
            or instance_config.read_text(encoding="utf-8") in EARLIER_INSTANCE_CONFIGS
        ):
            instance_config.write_text(INSTANCE_CONFIG, encoding="utf-8")
        return self


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> DataPaths:
    value = cli_value or read_environment().data_dir
    return DataPaths(Path(value).expanduser().resolve())


def dagster_home(paths: DataPaths) -> Path:
    """Where Dagster records the runs: ``$DAGSTER_HOME`` when set, else ``<data-dir>/dagster``."""
    return Path(read_environment().dagster_home or paths.dagster_home).expanduser()


def open_instance(paths: DataPaths) -> dg.DagsterInstance:
    """The Dagster instance a command records its runs in (and reads them from)."""
    import dagster as dg

    return dg.DagsterInstance.from_config(str(dagster_home(paths)))
