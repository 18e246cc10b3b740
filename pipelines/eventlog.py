"""Dagster's run history, written with fewer connections and fewer transactions.

Dagster's SQLite event log opens a new connection for every write and closes it after its commit;
in WAL mode the close of a database's last connection folds the log back into the database file,
so each event costs an open, a commit and that checkpoint. A refresh writes about 1,200 events
(a materialisation per model and a result per dbt test, each mirrored in the index database).

This storage keeps one connection per database for the life of the instance (each write still
commits on its own, and a writer in another process still sees every commit) and closes them
when the instance is disposed. Its commits do not wait for the disk (``synchronous=NORMAL``, safe
in WAL mode against a crash of the process; a power cut may lose the last events of a run's
history, never the warehouse). Whether the index database has a table is asked before every
asset-check result (a new connection each time): a table once found is remembered, since a
running instance never drops one. When a run starts, Dagster records one "planned" event per asset
and per asset check (about 540); it hands them over as one batch when
``DAGSTER_EVENT_BATCH_SIZE`` is set, and this storage writes the batch in one transaction per
database. The rows written are the same; only the number of connections and commits changes.
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
    """The SQLite event log, with its connections held open and a batch of events stored in one
    transaction per database."""

    def _held(self, shard: str) -> Any:
        """The open connection to ``shard``'s database (opened, and the schema checked, once).

        Called with ``_db_lock`` held: one thread at a time uses a connection, so it may be
        used from the thread that did not open it."""
        held: dict[str, tuple[Any, Any]] = self.__dict__.setdefault("_held_connections", {})
        if shard not in held:
            engine = dagster_sqlite.create_engine(
                self.conn_string_for_shard(shard),
                poolclass=dagster_sqlite.NullPool,
                connect_args={
                    "timeout": dagster_sqlite.SQLITE_BUSY_TIMEOUT_SECONDS,
                    "check_same_thread": False,
                },
            )
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            connection = engine.connect()
            connection.exec_driver_sql("pragma synchronous = normal")
            connection.commit()  # the pragma began a transaction; each write begins its own
            held[shard] = (engine, connection)
        return held[shard][1]

    def has_table(self, table_name: str) -> bool:
        found: set[str] = self.__dict__.setdefault("_tables_found", set())
        if table_name not in found and super().has_table(table_name):
            found.add(table_name)
        return table_name in found

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Any]:
        batch: dict[str, Any] | None = getattr(self, "_batch_connections", None)
        if batch is not None:  # inside store_event_batch, which holds _db_lock
            if shard not in batch:
                connection = self._held(shard)
                self._batch_stack.enter_context(connection.begin())
                batch[shard] = connection
            yield batch[shard]
            return
        with self._db_lock:
            connection = self._held(shard)
            with connection.begin():
                yield connection

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

    def close_connections(self) -> None:
        with self._db_lock:
            held = self.__dict__.pop("_held_connections", {})
            for engine, connection in held.values():
                connection.close()
                engine.dispose()

    def dispose(self) -> None:
        self.close_connections()
        super().dispose()


def batch_event_writes(instance: Any) -> None:
    """Make ``instance`` (this process's) hold its event-log connections and store event batches
    in one transaction per database: only the plain SQLite event log is changed, any other
    storage is left as configured. Dispose of the instance to close them."""
    storage = instance.event_log_storage
    if type(storage) is SqliteEventLogStorage:
        storage.__class__ = BatchingSqliteEventLogStorage
        os.environ.setdefault(BATCH_SIZE_ENV, BATCH_SIZE)
