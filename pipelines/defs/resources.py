"""Dagster resources: the warehouse, reached through the one data-directory setting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg
import duckdb

from pipelines.config import DataPaths, resolve_data_dir
from pipelines.ingest import warehouse
from pipelines.lock import refresh_lock
from pipelines.progress import reporter
from pipelines.space import check_free_space


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse under the data directory; the refresh is its only writer."""

    data_dir: str = ""
    """Empty means: PMO_DATA_DIR, else ./data (read when the run starts, not at import)."""
    engine: str = ""
    """The engine the dbt build runs on; empty means the settings' (``[engine] name``)."""

    @property
    def paths(self) -> DataPaths:
        return resolve_data_dir(self.data_dir or None).ensure()

    @property
    def engine_name(self) -> str:
        from pipelines.settings import load_settings

        return self.engine or load_settings(self.paths).engine

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = warehouse.connect(self.paths.warehouse)
        try:
            yield con
        finally:
            con.close()


class RefreshLockResource(dg.ConfigurableResource):
    """Holds the data directory's refresh lock for the whole run (resources of an in-process run
    live from its first step to its last). A run that finds another refresh going waits for it;
    refresh runs a crash left "started" are marked failed first."""

    warehouse: WarehouseResource

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[Any]:
        from pipelines.defs.publish.jobs import mark_abandoned_runs

        run_id = context.run_id or ""
        with refresh_lock(
            self.warehouse.paths,
            wait=True,
            on_wait=lambda message: (context.log.info(message), progress(f"  … {message}")),
            command=f"Dagster run {run_id[:8]}",
        ):
            check_free_space(self.warehouse.paths)
            if context.instance is not None:
                for line in mark_abandoned_runs(context.instance, run_id):
                    context.log.warning(line)
                    progress(f"  ⚠ {line}")
            yield self


def progress(message: str) -> None:
    """One line for whoever watches the run (the command line's reporter; Dagster logs have it
    too)."""
    reporter().line(message)
