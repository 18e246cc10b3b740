"""``pmo-dbt`` drops the events no logger would write, and only those, and writes a build's
manifest once."""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pytest
from dbt_common.events.base_types import EventLevel
from dbt_common.events.event_manager import EventManager
from dbt_common.events.logger import LineFormat, LoggerConfig
from dbt_common.events.types import Note

from pipelines.ingest.warehouse import ensure_schema
from pipelines.transform.dbt_cli import _messages_built_when_read, _unlogged_events_skipped
from tests.dbt.conftest import dbt_build

QUIET = frozenset({EventLevel.DEBUG, EventLevel.TEST})


def _manager(level: EventLevel, stream: io.StringIO) -> EventManager:
    manager = EventManager()
    manager.add_logger(
        LoggerConfig(name="console", level=level, line_format=LineFormat.Json, output_stream=stream)
    )
    return manager


def _fire(manager: EventManager, text: str, level: EventLevel) -> None:
    _unlogged_events_skipped(EventManager.fire_event, QUIET)(manager, Note(msg=text), level)


def test_a_debug_event_is_not_built_when_every_logger_is_at_info() -> None:
    built: list[str] = []

    def build_and_log(manager: EventManager, event: Note, level: EventLevel) -> None:
        built.append(event.msg)
        EventManager.fire_event(manager, event, level)

    stream = io.StringIO()
    fire = _unlogged_events_skipped(build_and_log, QUIET)
    manager = _manager(EventLevel.INFO, stream)
    fire(manager, Note(msg="SQL status: OK in 0.002 seconds"), EventLevel.DEBUG)
    fire(manager, Note(msg="1 of 523 OK created sql view model"), EventLevel.INFO)
    fire(manager, Note(msg="check warned on 3 rows"), EventLevel.WARN)
    assert built == ["1 of 523 OK created sql view model", "check warned on 3 rows"]
    assert "1 of 523 OK created sql view model" in stream.getvalue()
    assert "check warned on 3 rows" in stream.getvalue()


def test_a_debug_logger_or_a_listener_gets_every_event() -> None:
    stream = io.StringIO()
    _fire(_manager(EventLevel.DEBUG, stream), "SQL status: OK", EventLevel.DEBUG)
    assert "SQL status: OK" in stream.getvalue()

    heard: list[str] = []
    manager = _manager(EventLevel.INFO, io.StringIO())
    manager.add_callback(lambda message: heard.append(message.info.msg))
    _fire(manager, "SQL status: OK", EventLevel.DEBUG)
    assert heard == ["SQL status: OK"]


def test_an_event_is_built_when_first_read_with_the_fields_it_was_made_with() -> None:
    note = type("Note", (Note,), {})  # a Note of its own: the patch stays in this test
    _messages_built_when_read(note)

    # a field dbt's message type does not have: the real Note fails when made (under pytest),
    # this one only when read, so a dropped event is never built
    unread = note(msg="dropped", not_a_field=1)
    with pytest.raises(Exception, match="Unable to parse logging event"):
        _ = unread.msg

    kept = note(msg="1 of 523 OK created sql view model")
    assert kept.msg == "1 of 523 OK created sql view model"
    changed = note(msg="before")
    changed.msg = "after"
    assert json.loads(changed.to_json()) == {"msg": "after"}
    stream = io.StringIO()
    EventManager.fire_event(_manager(EventLevel.INFO, stream), note(msg="logged"), EventLevel.INFO)
    assert json.loads(stream.getvalue())["info"]["msg"] == "logged"


def test_a_build_writes_its_manifest_once_when_it_ends(tmp_path: Path) -> None:
    warehouse = tmp_path / "pmo.duckdb"
    con = duckdb.connect(str(warehouse))
    ensure_schema(con)
    con.close()
    build = dbt_build(
        tmp_path,
        warehouse,
        "run",
        "--select",
        "stg_raw__projects",
        "--log-level-file",
        "debug",
    )
    assert build.returncode == 0, build.output[-3000:]
    log = (tmp_path / "logs" / "dbt.log").read_text(encoding="utf-8")
    written = [line for line in log.splitlines() if "Wrote artifact WritableManifest" in line]
    assert len(written) == 1  # dbt itself writes it after parsing too
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text(encoding="utf-8"))
    node = manifest["nodes"]["model.pmo_pulse.stg_raw__projects"]
    assert "select" in node["compiled_code"]  # the manifest of the run, compiled SQL included
