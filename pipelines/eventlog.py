"""Dagster's run history, written in fewer transactions.

When a run starts, Dagster records one "planned" event per asset and per asset check it will
run: about 540 for a refresh (dbt's tests are asset checks). The SQLite event log writes each
in its own transactions (the run's database and the index), which costs ~4 s of every refresh
on a laptop disk. Dagster hands these events over as one batch when ``DAGSTER_EVENT_BATCH_SIZE``
is set; this storage then writes the batch in one transaction per database. The rows written
are the same; only the number of commits changes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from dagster._core.storage.event_log.sqlite import sqlite_event_log as dagster_sqlite
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

BATCH_SIZE_ENV = "DAGSTER_EVENT_BATCH_SIZE"
BATCH_SIZE = "10000"


class BatchingSqliteEventLogStorage(SqliteEventLogStorage):
    """The SQLite event log, with a batch of events stored in one transaction per database."""

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Any]:
        shared: dict[str, Any] | None = getattr(self, "_batch_connections", None)
        if shared is None:
            with super()._connect(shard) as connection:
                yield connection
            return
        if shard not in shared:
            # opened as Dagster opens its own (no pool, its lock timeout), once for the batch
            engine = dagster_sqlite.create_engine(
                self.conn_string_for_shard(shard),
                poolclass=dagster_sqlite.NullPool,
                connect_args={"timeout": dagster_sqlite.SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            connection = self._batch_stack.enter_context(engine.connect())
            self._batch_stack.enter_context(connection.begin())
            shared[shard] = connection
        yield shared[shard]

    def store_event_batch(self, events: Sequence[Any]) -> None:
        # All or nothing: on an error every transaction rolls back, and Dagster stores the
        # events one by one instead.
        with self._db_lock, ExitStack() as stack:
            self._batch_stack, self._batch_connections = stack, {}
            try:
                for event in events:
                    self.store_event(event)
            finally:
                self._batch_connections = None


def batch_event_writes(instance: Any) -> None:
    """Make ``instance`` (this process's) store event batches in one transaction per database:
    only the plain SQLite event log is changed, any other storage is left as configured."""
    storage = instance.event_log_storage
    if type(storage) is SqliteEventLogStorage:
        storage.__class__ = BatchingSqliteEventLogStorage
        os.environ.setdefault(BATCH_SIZE_ENV, BATCH_SIZE)
