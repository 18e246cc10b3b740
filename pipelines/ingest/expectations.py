"""Great Expectations suites derived from the canonical contracts, run against the raw tables.

The loader's contract check decides row by row what enters ``raw.<entity>``; these suites are the
second line of defence on what actually sits in the warehouse (a later load, a manual fix, a bug in
the loader). They are built FROM ``contracts.ENTITIES`` so a contract change changes the suite:
nothing here repeats a column list or a value set by hand, except the few sanity rules a contract
cannot express (``EXTRA_CHECKS``); an entity whose contract ``allows_repeated_keys`` is not
checked for a unique natural key.

Great Expectations is imported lazily (it costs seconds); only its pandas datasource is used:
its SQL datasource over duckdb_engine fails every expectation.
"""

from __future__ import annotations

import datetime as dt
import math
import queue
import re
import sys
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pipelines.ingest.contracts import Entity, get_entity

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    import polars as pl
    from great_expectations import ExpectationSuite

LINEAGE_NOT_NULL: tuple[str, ...] = ("source_file", "source_sha256", "source_line")
"""Lineage every raw row must carry: without them a number cannot be traced back to a file."""

SAMPLE_SIZE = 5
"""How many unexpected values a failure shows: enough to recognise the problem, not a dump."""

DETAIL_FORMAT: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": 20}
"""SUMMARY gives counts, samples and row indexes (for source lines); 20 samples so that after
de-duplicating (a duplicated key repeats its value) SAMPLE_SIZE distinct ones usually remain."""

CheckKind = Literal["columns_present", "not_null", "in_set", "between", "unique", "a_ge_b"]


@dataclass(frozen=True)
class Check:
    """One expectation described without Great Expectations, so suites can be compared and
    de-duplicated cheaply (and inspected in tests without paying for the GE import)."""

    kind: CheckKind
    columns: tuple[str, ...]
    value_set: tuple[str, ...] | None = None
    min_value: float | None = None
    max_value: float | None = None


EXTRA_CHECKS: dict[str, tuple[Check, ...]] = {
    # Sanity rules that hold whatever the contract says about ranges today; when the contract
    # already has the same range the duplicate is dropped (see ``suite_checks``).
    "timesheets": (Check("between", ("hours",), min_value=0, max_value=24),),
    "projects": (Check("a_ge_b", ("planned_finish_date", "start_date")),),
    "risks": (Check("between", ("probability",), min_value=0, max_value=1),),
}


@dataclass
class SuiteResult:
    """The outcome of one entity's suite, in plain Python (safe to put in Dagster metadata).

    Each ``failed`` item is a dict with ``expectation_type`` (GE's snake_case name), ``column``
    (the column, or the columns joined with ", " for keys and pairs), ``unexpected_count`` (rows
    involved; for a duplicated key every row of the group counts; None when GE raised),
    ``unexpected_values`` (up to SAMPLE_SIZE distinct values as text), ``source_lines`` (file
    lines of those rows, when known) and ``error`` (GE's exception message, when it raised).
    """

    entity: str
    success: bool
    evaluated: int
    failed: list[dict[str, Any]] = field(default_factory=list)
    row_count: int = 0


def natural_key(entity: Entity) -> tuple[str, ...]:
    """The key rows must be unique on; snapshot entities keep history, so snapshot_date is in it."""
    key = tuple(entity.natural_key)
    if entity.snapshot and "snapshot_date" not in key:
        key += ("snapshot_date",)
    return key


def suite_checks(entity: Entity) -> list[Check]:
    """Every check for an entity, derived from its contract plus ``EXTRA_CHECKS``, in a stable
    order and without duplicates."""
    checks = [Check("columns_present", (*entity.column_names, *LINEAGE_NOT_NULL))]
    checks += [Check("not_null", (c.name,)) for c in entity.columns if not c.nullable]
    checks += [Check("not_null", (name,)) for name in LINEAGE_NOT_NULL]
    checks += [
        Check("in_set", (c.name,), value_set=tuple(v.lower() for v in c.allowed))
        for c in entity.columns
        if c.allowed
    ]
    checks += [
        Check("between", (c.name,), min_value=c.min_value, max_value=c.max_value)
        for c in entity.columns
        if c.dtype in ("float", "int") and (c.min_value is not None or c.max_value is not None)
    ]
    if not entity.allows_repeated_keys:  # its key names a replace scope, not a row
        checks.append(Check("unique", natural_key(entity)))
    checks += EXTRA_CHECKS.get(entity.name, ())
    return list(dict.fromkeys(checks))


def great_expectations() -> Any:
    """Great Expectations, imported as if pyspark were not installed.

    GE imports pyspark (its ML and Connect modules too) whenever it is installed, as it is with
    the Spark engine's extra: seconds more per import, and in a process whose main module has
    no file (``python -c``, a pytest-xdist worker) pyspark's Connect module ends the process
    (exit code 0, nothing said) when its own optional packages are missing. The suites here
    validate pandas frames only, so GE is shown no pyspark while it imports; nothing else in
    the process is affected. When something imported pyspark already (the Spark engine), its
    Connect module alone is hidden, for the same reason."""
    if "great_expectations" in sys.modules:
        return sys.modules["great_expectations"]
    module = "pyspark" if "pyspark" not in sys.modules else "pyspark.sql.connect"
    hidden = module not in sys.modules
    if hidden:
        sys.modules[module] = None  # type: ignore[assignment]  # importing it fails
    try:
        import great_expectations as gx
    finally:
        if hidden and sys.modules.get(module, 0) is None:
            del sys.modules[module]
    return gx


def build_suite(entity: Entity) -> ExpectationSuite:
    """The Great Expectations suite for one entity (imports GE: call it inside a run)."""
    gx = great_expectations()

    expectations = [_to_expectation(gx.expectations, check) for check in suite_checks(entity)]
    return gx.ExpectationSuite(name=f"raw_{entity.name}", expectations=expectations)


def _to_expectation(gxe: Any, check: Check) -> Any:
    columns = check.columns
    if check.kind == "columns_present":
        # exact_match=False: extra columns (the rest of the lineage) are fine, missing ones are not.
        return gxe.ExpectTableColumnsToMatchSet(column_set=list(columns), exact_match=False)
    if check.kind == "not_null":
        return gxe.ExpectColumnValuesToNotBeNull(column=columns[0])
    if check.kind == "in_set":
        return gxe.ExpectColumnValuesToBeInSet(column=columns[0], value_set=list(check.value_set))
    if check.kind == "between":
        return gxe.ExpectColumnValuesToBeBetween(
            column=columns[0], min_value=check.min_value, max_value=check.max_value
        )
    if check.kind == "unique":
        # GE refuses a one-column compound key ("must contain at least two columns").
        if len(columns) == 1:
            return gxe.ExpectColumnValuesToBeUnique(column=columns[0])
        # Default ignore_row_if ("all_values_are_missing") treats a null key part as a value,
        # like the loader's `is not distinct from` replace rule.
        return gxe.ExpectCompoundColumnsToBeUnique(column_list=list(columns))
    if check.kind == "a_ge_b":
        return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=columns[0],
            column_B=columns[1],
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        )
    raise ValueError(f"unknown check kind {check.kind!r}")


def run_suites(con: duckdb.DuckDBPyConnection, entities: Sequence[str]) -> dict[str, SuiteResult]:
    """Validate ``raw.<entity>`` for each entity with its contract-derived suite.

    An empty table passes: nothing loaded is not a quality failure. A missing table fails with a
    ``table_exists`` item. Tables are read one at a time and validated in the suite worker when
    one was started for this process (``suite_worker``), else here, with one GE context per call.
    """
    names = list(dict.fromkeys(entities))
    if not names:
        return {}
    contracts = {name: get_entity(name) for name in names}  # unknown names fail before GE loads
    here: _Validator | None = None
    results: dict[str, SuiteResult] = {}
    for name, entity in contracts.items():
        table = _read_table(con, entity)
        if _worker is not None and (table is None or table.height <= WORKER_MAX_ROWS):
            results[name] = _worker.validate(name, table)
        else:
            here = here or _Validator()
            results[name] = here.validate(name, table)
    return results


class _Validator:
    """Great Expectations' side: one ephemeral context, its suites built on first use."""

    def __init__(self) -> None:
        gx = great_expectations()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
        # One asset and batch definition for every table: each asset added re-serialises the
        # whole (growing) context config, which cost ~0.5 s over 15 entities.
        self._batches = (
            context.data_sources.add_pandas("raw")
            .add_dataframe_asset("raw_table")
            .add_batch_definition_whole_dataframe("whole_table")
        )
        self._suites: dict[str, ExpectationSuite] = {}

    def validate(self, name: str, table: pl.DataFrame | None) -> SuiteResult:
        suite = self._suites.get(name)
        if suite is None:
            suite = self._suites[name] = build_suite(get_entity(name))
        if table is None:
            return SuiteResult(
                entity=name,
                success=False,
                evaluated=len(suite.expectations),
                failed=[
                    _failure("table_exists", f"raw.{name}", None, error="the table does not exist")
                ],
            )
        frame = table.to_pandas()
        batch = self._batches.get_batch(batch_parameters={"dataframe": frame})
        # GE's cost is per expectation and grows with the result format (SUMMARY computes
        # samples and row indexes for every expectation, ~2x BOOLEAN_ONLY). Clean data is the
        # common case, so decide pass/fail cheaply and ask for details only where it failed.
        verdict = batch.validate(suite, result_format="BOOLEAN_ONLY")
        failing = [r.expectation_config for r in verdict.results if not r.success]
        failed: list[dict[str, Any]] = []
        if failing:
            detail_suite = self._gx.ExpectationSuite(
                name=f"{suite.name}_failures",
                expectations=[config.to_domain_obj() for config in failing],
            )
            detail = batch.validate(detail_suite, result_format=DETAIL_FORMAT)
            failed = [_describe_failure(r, frame) for r in detail.results if not r.success]
            failed.sort(key=lambda item: (item["expectation_type"], item["column"] or ""))
        return SuiteResult(
            entity=name,
            success=bool(verdict.success),
            evaluated=len(verdict.results),
            failed=failed,
            row_count=len(frame),
        )


# --- the suite worker ----------------------------------------------------------------------
# Importing Great Expectations costs ~3 s of one core, paid by every refresh that loads a file.
# A refresh started from the command line knows it will validate before it imports Dagster and
# loads anything, so it starts a child process that imports GE meanwhile, on the other core; the
# suites then run there on the tables the refresh reads and sends, one at a time.


WORKER_MAX_ROWS = 1_000_000
"""Larger tables are validated in the refresh's own process: sent to the worker, a table would
be held once more in each process (about 1 GB more at the 10 M-row scale), and beside such a
table the 3 s of the GE import no longer matter."""


class SuiteWorkerError(RuntimeError):
    """A suite raised in the worker: the message carries the worker's traceback."""


class _SuiteWorker:
    """The child process, and a thread here that owns the pipe to it: tables are queued and
    sent one at a time, so queueing one never waits for the suites of the one before."""

    def __init__(self) -> None:
        import multiprocessing

        # spawn, not fork: the parent may already run threads (Dagster's, DuckDB's).
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child,), name="pmo-suite-worker", daemon=True
        )
        self._process.start()
        child.close()
        self._fallback: _Validator | None = None
        self._jobs: queue.SimpleQueue[tuple[str, pl.DataFrame | None, Future] | None] = (
            queue.SimpleQueue()
        )
        self._sender = threading.Thread(target=self._send, name="pmo-suite-sender", daemon=True)
        self._sender.start()
        self.ahead: dict[str, tuple[object, Future]] = {}
        """entity -> (the state of the table sent, its result to come): see validate_ahead."""
        self._closing = False

    def submit(self, name: str, table: pl.DataFrame | None) -> Future:
        future: Future = Future()
        self._jobs.put((name, table, future))
        return future

    def validate(self, name: str, table: pl.DataFrame | None) -> SuiteResult:
        return self.submit(name, table).result()

    def _send(self) -> None:
        while (job := self._jobs.get()) is not None:
            name, table, future = job
            try:
                future.set_result(self._validated(name, table))
            except BaseException as error:  # noqa: BLE001 - raised where the result is read
                future.set_exception(error)
        with suppress(OSError):
            self._conn.send(None)

    def _validated(self, name: str, table: pl.DataFrame | None) -> SuiteResult:
        if self._fallback is None:
            try:
                self._conn.send((name, table))
                outcome, value = self._conn.recv()
            except (EOFError, OSError):
                if self._closing:  # the run is over: nobody waits for this result
                    raise
                # The worker died (killed, out of memory): validate here rather than fail.
                self._fallback = _Validator()
            else:
                if outcome == "error":
                    raise SuiteWorkerError(value)
                return value
        return self._fallback.validate(name, table)

    def close(self) -> None:
        self._closing = True
        self.ahead.clear()
        self._jobs.put(None)
        # Suites still queued (the run stopped early) are not waited for.
        self._sender.join(timeout=0.2)
        self._conn.close()
        # A worker still importing GE (nothing was loaded after all) is not waited for.
        self._process.join(timeout=0.2)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=2)


def _serve(conn: Any) -> None:
    """The worker's loop: import GE at once, then validate each (name, table) received."""
    import traceback

    try:
        validator = _Validator()
        while (job := conn.recv()) is not None:
            try:
                conn.send(("ok", validator.validate(*job)))
            except Exception:  # noqa: BLE001 - handed to the parent, which raises it
                conn.send(("error", traceback.format_exc()))
    except (EOFError, OSError, KeyboardInterrupt):
        return  # the parent went away or was interrupted: nothing to hand back


_worker: _SuiteWorker | None = None


@contextmanager
def suite_worker() -> Iterator[None]:
    """While open, ``run_suites`` in this process validates in a child process that starts
    importing Great Expectations now. Nested use keeps the outer worker."""
    global _worker
    if _worker is not None:
        yield
        return
    _worker = _SuiteWorker()
    try:
        yield
    finally:
        worker, _worker = _worker, None
        worker.close()


def can_validate_ahead(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether ``raw.<name>`` can be validated ahead: a suite worker runs in this process and the
    table is not over its limit (by DuckDB's row estimate, read before any row is)."""
    if _worker is None:
        return False
    sizes = con.execute(
        "select estimated_size from duckdb_tables() where database_name = current_database()"
        " and schema_name = 'raw' and table_name = ?",
        [name],
    ).fetchall()
    return not sizes or sizes[0][0] <= WORKER_MAX_ROWS


def validate_ahead(con: duckdb.DuckDBPyConnection, name: str, state: object) -> bool:
    """Start validating ``raw.<name>`` now, in the suite worker, while the refresh goes on (the
    next entity's load): ``state`` says which table it is (its rows and suite), and only a
    check that finds the table in that same state takes the result (``validated_ahead``).
    False, and nothing started, without a worker or for a table too large for it (then not
    read: the check validates it in this process)."""
    if _worker is None or not can_validate_ahead(con, name):
        return False
    table = _read_table(con, get_entity(name))
    if table is not None and table.height > WORKER_MAX_ROWS:
        return False
    _worker.ahead[name] = (state, _worker.submit(name, table))
    return True


def validated_ahead(name: str, state: object) -> SuiteResult | None:
    """The result of the suite ``validate_ahead`` started on the table in ``state``; None when
    none was started for that state (the table changed since, or nothing was started)."""
    if _worker is None:
        return None
    started = _worker.ahead.pop(name, None)
    if started is None or started[0] != state:
        return None
    return started[1].result()


def _read_table(con: duckdb.DuckDBPyConnection, entity: Entity) -> pl.DataFrame | None:
    """The table's canonical and required lineage columns, or None if there is no
    table. Only columns that exist are selected, so a missing one shows up as a failed
    ``expect_table_columns_to_match_set`` rather than a binder error."""
    present = {
        row[0]
        for row in con.execute(
            "select column_name from duckdb_columns() "
            "where database_name = current_database() and schema_name = 'raw' "
            "and table_name = ?",
            [entity.name],
        ).fetchall()
    }
    if not present:
        return None
    wanted = [c for c in (*entity.column_names, *LINEAGE_NOT_NULL) if c in present]
    select = ", ".join(f'"{c}"' for c in wanted)
    return con.sql(f'select {select} from raw."{entity.name}"').pl()  # noqa: S608


def _describe_failure(result: Any, frame: pd.DataFrame) -> dict[str, Any]:
    config = result.expectation_config
    kwargs = config.kwargs
    outcome = result.result or {}
    error = _exception_message(result.exception_info)

    if config.type == "expect_table_columns_to_match_set":
        missing = list(outcome.get("details", {}).get("mismatched", {}).get("missing", []))
        return _failure(config.type, None, len(missing) if missing else None, missing, error=error)

    if "column_list" in kwargs:
        column = ", ".join(kwargs["column_list"])
    elif "column_A" in kwargs:
        column = f"{kwargs['column_A']}, {kwargs['column_B']}"
    else:
        column = kwargs.get("column")

    samples = []
    for value in outcome.get("partial_unexpected_list") or []:
        if "column_A" in kwargs and isinstance(value, (list, tuple)) and len(value) == 2:
            text = f"{kwargs['column_A']}={_text(value[0])}, {kwargs['column_B']}={_text(value[1])}"
        else:
            text = _text(value)
        if text not in samples:
            samples.append(text)
        if len(samples) == SAMPLE_SIZE:
            break

    lines: list[int] = []
    if "source_line" in frame.columns:
        for index in (outcome.get("partial_unexpected_index_list") or [])[:SAMPLE_SIZE]:
            try:
                line = frame["source_line"].get(int(index))
            except (TypeError, ValueError):
                continue
            if line is not None and not _is_missing(line):
                lines.append(int(line))

    return _failure(config.type, column, outcome.get("unexpected_count"), samples, lines, error)


def _failure(
    expectation_type: str,
    column: str | None,
    unexpected_count: int | None,
    values: list[str] | None = None,
    lines: list[int] | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    return {
        "expectation_type": expectation_type,
        "column": column,
        "unexpected_count": None if unexpected_count is None else int(unexpected_count),
        "unexpected_values": values or [],
        "source_lines": lines or [],
        "error": error,
    }


def _exception_message(info: Any) -> str | None:
    """GE puts exceptions either flat or nested per metric; return the first message found."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "raised an exception")
    for value in info.values():
        if isinstance(value, dict) and value.get("exception_message"):
            return str(value["exception_message"]).strip().splitlines()[-1]
    return None


_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]00:00:00(\.0+)?$")


def _is_missing(value: Any) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str:
    """A sample value as an analyst would type it: dates without a midnight time, null as null."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"
    if isinstance(value, dict):
        return ", ".join(f"{key}={_text(item)}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dt.datetime):  # pandas Timestamp included
        if _is_missing(value):
            return "null"
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if _is_missing(value):
        return "null"
    text = str(value)
    match = _MIDNIGHT.match(text)
    return match.group(1) if match else text
