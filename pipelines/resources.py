"""Dagster resources: the warehouse, reached through the one data-directory setting."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from pipelines.config import DataPaths, resolve_data_dir
from pipelines.ingest import warehouse

PROGRESS_ENV = "PMO_PROGRESS"


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse under the data directory; the refresh is its only writer."""

    data_dir: str = ""
    """Empty means: PMO_DATA_DIR, else ./data (read when the run starts, not at import)."""

    @property
    def paths(self) -> DataPaths:
        return resolve_data_dir(self.data_dir or None).ensure()

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = warehouse.connect(self.paths.warehouse)
        try:
            yield con
        finally:
            con.close()


def progress(message: str) -> None:
    """One line per finished step on stderr when the CLI asked for it (Dagster logs have it too)."""
    if os.environ.get(PROGRESS_ENV) == "1":
        print(message, file=sys.stderr, flush=True)
