"""dbt's command line (``pmo-dbt``), with one parse state for every warehouse file.

dbt saves its parse of the project (``partial_parse.msgpack``) and reuses it only when the
connection settings are those it was made with. The warehouse file's path is one of them, so the
first build of every data directory (``pmo demo``, a new portfolio, each test's warehouse)
re-parsed the whole project: ~8 s of one core, for a manifest that does not depend on where the
file lies. What the manifest does depend on stays in the check: the database name every
relation is qualified with (the file's name without ``.duckdb``: always ``pmo`` in a data
directory), the other connection settings, the vars, the dbt version and the project's files.

dbt also builds every debug event it fires (a protobuf message, then a JSON line for the
console and a text line for the log file) and only then lets Python's logging drop it when no
logger is at debug level: ~11,000 such events in a demo build, about 2 s of the build's one busy
core. Here an event below info level returns at once when neither the console nor the log file
is at debug level and no callback but dbt's own warning tracker listens (``--log-level debug`` or
``--log-level-file debug`` log every event as before). An event's message is built from its
fields when first read (to log it, or a field of it), not when the event is made, so the events
dropped this way cost nothing more (they were another ~1.6 s of a demo build).

A command that runs nodes (``build``, ``run``, ``test``, ``seed``, ``snapshot``) writes
``manifest.json`` once, when it ends (with what the run compiled), not also right after parsing:
the same 5 MB file written twice (~0.45 s of the busy core in a demo build, py-spy).

On the Spark target (dbt-spark's ``session`` method) a Python model runs in this process's
SparkSession: dbt-spark itself submits Python to Databricks only, so ``session`` is registered
as a submission method, the default one when the connection is a session
(``macros/python_models.sql`` writes the code it runs). Nothing changes on DuckDB.

A node command started while a refresh's dbt process waits (``dbt_warm.py``) is handed to that
process, which imported dbt ahead and runs it with the same changes; there the run's
``manifest.json`` (~1 s of the busy core at the demo's size) is written once the command's
exit code is handed back, while the refresh goes on to publish. While it waits for the command,
that process also decodes the parse state the build is expected to start from
(``partial_parse.msgpack``, ~0.3 s at the demo's size): dbt takes the decoded manifest when it
then reads those same bytes, and decodes anything else itself.

Everything else is dbt's own command line, unchanged. Should dbt's parser or event manager stop
looking as expected, dbt runs as it is (a full parse where it would have made one anyway, every
event built).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

WAREHOUSE_PATH_STAND_IN = "<warehouse>"
NODE_COMMANDS = frozenset({"build", "run", "test", "seed", "snapshot"})
"""dbt's commands that write the manifest again when they end."""
WARNING_TRACKERS = frozenset({"track_behavior_change_warn"})
"""Callbacks dbt itself registers, which look at warnings only."""


def _path_left_out(build_state_check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    @wraps(build_state_check)
    def state_check(loader: Any) -> Any:
        credentials = getattr(getattr(loader, "root_project", None), "credentials", None)
        path = getattr(credentials, "path", None)
        if not isinstance(path, str):
            return build_state_check(loader)
        credentials.path = WAREHOUSE_PATH_STAND_IN
        try:
            return build_state_check(loader)
        finally:
            credentials.path = path

    return state_check


def _manifest_not_written_on_parse(parse_manifest: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(parse_manifest)
    def parse(runtime_config: Any, write_perf_info: Any, write: Any, *args: Any) -> Any:
        return parse_manifest(runtime_config, write_perf_info, False, *args)

    return parse


def _written_later(
    write_manifest: Callable[..., None], later: list[Callable[[], None]]
) -> Callable[..., None]:
    @wraps(write_manifest)
    def write(*args: Any, **kwargs: Any) -> None:
        later.append(lambda: write_manifest(*args, **kwargs))

    return write


def _unlogged_events_skipped(
    fire_event: Callable[..., None], quiet_levels: frozenset[Any]
) -> Callable[..., None]:
    @wraps(fire_event)
    def fire(manager: Any, event: Any, level: Any = None, *args: Any, **kwargs: Any) -> None:
        unlogged = (level or event.level_tag()) in quiet_levels and not any(
            getattr(logger, "level", None) in quiet_levels for logger in manager.loggers
        )
        listeners = {getattr(callback, "__name__", None) for callback in manager.callbacks}
        if unlogged and listeners <= WARNING_TRACKERS:
            return
        fire_event(manager, event, level, *args, **kwargs)

    return fire


PENDING = "_pmo_pending_fields"


def _messages_built_when_read(event_class: Any) -> None:
    """``event_class`` keeps the fields it is made with and builds its message from them when
    anything of it is first read or set (the message, or a field through it), not before."""
    build = event_class.__init__
    read = event_class.__getattr__
    write = event_class.__setattr__

    def built(event: Any) -> None:
        pending = event.__dict__.pop(PENDING, None)
        if pending is not None:
            build(event, *pending[0], **pending[1])

    def __init__(event: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807
        event.__dict__[PENDING] = (args, kwargs)

    def __getattr__(event: Any, key: str) -> Any:  # noqa: N807
        built(event)
        return read(event, key)

    def __setattr__(event: Any, key: str, value: Any) -> None:  # noqa: N807
        built(event)
        write(event, key, value)

    event_class.__init__ = wraps(build)(__init__)
    event_class.__getattr__ = wraps(read)(__getattr__)
    event_class.__setattr__ = wraps(write)(__setattr__)


def _skip_unlogged_events() -> None:
    try:
        from dbt_common.events.base_types import BaseEvent, EventLevel
        from dbt_common.events.event_manager import EventManager
    except ImportError:
        return
    quiet = frozenset({EventLevel.DEBUG, EventLevel.TEST})
    EventManager.fire_event = _unlogged_events_skipped(EventManager.fire_event, quiet)  # type: ignore[method-assign]
    if all(hasattr(BaseEvent, name) for name in ("__init__", "__getattr__", "__setattr__")):
        _messages_built_when_read(BaseEvent)


SESSION = "session"


class SparkSessionPythonJob:
    """Runs a Python model's compiled code in the process's SparkSession (the one dbt-spark's
    ``session`` connection opened): the code reads its refs and writes its table there."""

    def __init__(self, parsed_model: dict[str, Any], credentials: Any) -> None:
        self.name = f"<python model {parsed_model.get('alias', '?')}>"

    def submit(self, compiled_code: str) -> None:
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.getOrCreate()
        namespace = {"__name__": "__pmo_python_model__", "spark": spark}
        # the materialisation indents the code's first line where it calls the macro
        exec(compile(compiled_code.lstrip(), self.name, "exec"), namespace)  # noqa: S102


def _register_spark_session_jobs() -> None:
    try:
        from dbt.adapters.spark.impl import SparkAdapter
    except ImportError:  # the Spark extra is not installed
        return
    helpers = SparkAdapter.python_submission_helpers
    default = SparkAdapter.default_python_submission_method

    def python_submission_helpers(adapter: Any) -> dict[str, Any]:
        return {**helpers.fget(adapter), SESSION: SparkSessionPythonJob}

    def default_python_submission_method(adapter: Any) -> str:
        method = getattr(adapter.config.credentials, "method", None)
        return SESSION if method == SESSION else default.fget(adapter)

    SparkAdapter.python_submission_helpers = property(python_submission_helpers)  # type: ignore[method-assign,assignment]
    SparkAdapter.default_python_submission_method = property(default_python_submission_method)  # type: ignore[method-assign,assignment]


def _decoded_ahead(state: Path) -> None:
    """Decode the parse state in ``state`` now: when dbt in this process then reads the same
    bytes (the copy a build's folder starts with), it takes that manifest instead of decoding
    them again, once. Any other bytes, or a second read, are decoded as always."""
    try:
        from dbt.contracts.graph.manifest import Manifest
        from dbt.parser.manifest import extended_mashumuro_decoder

        data = state.read_bytes()
        ahead = [(data, Manifest.from_msgpack(data, decoder=extended_mashumuro_decoder))]
    except Exception:  # noqa: BLE001 - unreadable here: dbt reads it itself, and says why
        return
    decode = Manifest.from_msgpack

    def from_msgpack(cls: Any, payload: Any, *args: Any, **kwargs: Any) -> Any:
        if cls is Manifest and ahead and payload == ahead[0][0]:
            return ahead.pop()[1]
        return decode.__func__(cls, payload, *args, **kwargs)  # type: ignore[attr-defined]

    Manifest.from_msgpack = classmethod(from_msgpack)  # type: ignore[method-assign,assignment]


def prepared_dbt(
    later: list[Callable[[], None]] | None = None, parse_state: Path | None = None
) -> Callable[[], int]:
    """dbt imported and changed as above: what runs its command line on ``sys.argv`` and
    returns the exit code. ``later``: a node command's ``manifest.json`` is not written when
    the command ends but added there, to be written once its caller has the exit code.
    ``parse_state``: the parse state the command is expected to start from, decoded now."""
    from dbt.cli.main import cli
    from dbt.parser.manifest import ManifestLoader

    _skip_unlogged_events()
    _register_spark_session_jobs()
    check = getattr(ManifestLoader, "build_manifest_state_check", None)
    if callable(check):
        ManifestLoader.build_manifest_state_check = _path_left_out(check)  # type: ignore[method-assign]
    if parse_state is not None:
        _decoded_ahead(parse_state)

    def run() -> int:
        if len(sys.argv) > 1 and sys.argv[1] in NODE_COMMANDS:
            from dbt.cli import requires

            requires.parse_manifest = _manifest_not_written_on_parse(requires.parse_manifest)
            if later is not None:
                from dbt.task import runnable

                runnable.write_manifest = _written_later(runnable.write_manifest, later)
        try:
            cli()
        except SystemExit as done:
            return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        return 0

    return run


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in NODE_COMMANDS:
        from pipelines.transform.dbt_warm import run_in_warm_process

        code = run_in_warm_process()
        if code is not None:
            sys.exit(code)
    sys.exit(prepared_dbt()())


if __name__ == "__main__":
    main()
