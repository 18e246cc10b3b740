"""``pmo-dbt`` drops the events no logger would write, and only those, writes a build's
manifest once, and runs a refresh's build in the dbt process started ahead of it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from dbt_common.events.base_types import EventLevel
from dbt_common.events.event_manager import EventManager
from dbt_common.events.logger import LineFormat, LoggerConfig
from dbt_common.events.types import Note

from pipelines.environment import child_environment
from pipelines.ingest.warehouse import ensure_schema
from pipelines.transform.dbt_cli import _messages_built_when_read, _unlogged_events_skipped
from pipelines.transform.dbt_warm import warm_dbt
from tests.conftest import wait_for
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


def test_a_parse_state_decoded_ahead_is_taken_once_for_the_same_bytes_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder

    from pipelines.transform.dbt_cli import _decoded_ahead
    from pipelines.transform.project import ensure_manifest

    monkeypatch.setattr(Manifest, "from_msgpack", Manifest.__dict__["from_msgpack"])
    state = ensure_manifest().parent / "partial_parse.msgpack"
    data = state.read_bytes()

    def decoded(payload: bytes) -> Manifest:
        return Manifest.from_msgpack(payload, decoder=extended_mashumuro_decoder)

    plain = decoded(data)
    _decoded_ahead(tmp_path / "missing.msgpack")  # nothing to decode: dbt reads it itself
    _decoded_ahead(state)
    ahead = decoded(data)  # what the build's read gets: the manifest decoded ahead
    assert ahead is not plain and ahead.to_msgpack() == plain.to_msgpack()
    again = decoded(data)  # once only: a later read decodes (dbt changes what it is handed)
    assert again is not ahead and again.to_msgpack() == plain.to_msgpack()
    copy = tmp_path / "partial_parse.msgpack"
    copy.write_bytes(data)
    _decoded_ahead(copy)
    plain.nodes.pop(next(iter(plain.nodes)))
    other = plain.to_msgpack()  # other bytes (one node fewer) are decoded as always
    assert len(decoded(other).nodes) == len(again.nodes) - 1
    assert decoded(data).to_msgpack() == again.to_msgpack()  # and the same bytes take the copy


def _pids(log: Path) -> set[int]:
    return {
        json.loads(line)["info"]["pid"] for line in log.read_text(encoding="utf-8").splitlines()
    }


def test_a_build_started_during_a_refresh_runs_in_the_dbt_process_started_ahead(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "pmo.duckdb"
    con = duckdb.connect(str(warehouse))
    ensure_schema(con)
    con.close()
    logs = tmp_path / "logs"
    args = ("--select", "stg_raw__projects", "--log-format-file", "json")
    with warm_dbt(child_environment(), tmp_path / "dbt") as warm_pid:
        assert warm_pid is not None
        socket_folder = Path(os.environ["PMO_DBT_WARM_SOCKET"]).parent
        assert socket_folder.parent == tmp_path / "dbt"  # under the data directory
        # a refresh's build starts seconds after the process (the load runs between); here it
        # starts once the process listens (before dbt is imported there)
        listening = Path(os.environ["PMO_DBT_WARM_SOCKET"]).exists
        wait_for(listening, "the dbt process started ahead to listen", timeout=30, every=0.02)
        build = dbt_build(tmp_path, warehouse, "run", *args)
        assert build.returncode == 0, build.output[-3000:]
        assert "OK created sql view model main.stg_raw__projects" in build.output
        assert build.run_results["results"][0]["status"] == "success"
        assert _pids(logs / "dbt.log") == {warm_pid}  # dbt ran in the process started ahead
        # there the run's manifest is written after its results, once the exit code is back
        results, manifest = (
            tmp_path / "target" / "run_results.json",
            tmp_path / "target" / "manifest.json",
        )
        wait_for(manifest.exists, "the run's manifest.json", timeout=30, every=0.02)
        assert manifest.stat().st_mtime_ns >= results.stat().st_mtime_ns
        # it serves one command: the next runs in its own process, as without one
        (logs / "dbt.log").unlink()
        again = dbt_build(tmp_path, warehouse, "run", *args)
        assert again.returncode == 0, again.output[-3000:]
        assert warm_pid not in _pids(logs / "dbt.log")
    assert not socket_folder.exists()  # nothing is left behind
    assert "PMO_DBT_WARM_SOCKET" not in os.environ


def test_a_failing_build_in_the_dbt_process_started_ahead_fails_with_dbt_s_exit_code(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "pmo.duckdb"
    duckdb.connect(str(warehouse)).close()  # no raw layer: the staging view cannot be made
    with warm_dbt(child_environment(), tmp_path / "dbt"):
        build = dbt_build(tmp_path, warehouse, "run", "--select", "stg_raw__projects")
    assert build.returncode == 1
    assert "Catalog Error" in build.output and "raw" in build.output


def test_the_dbt_process_started_ahead_ends_when_its_refresh_is_killed(tmp_path: Path) -> None:
    refresh = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\n"
            "from pathlib import Path\n"
            "from pipelines.environment import child_environment\n"
            "from pipelines.transform.dbt_warm import warm_dbt\n"
            "with warm_dbt(child_environment(), Path('dbt')) as pid:\n"
            "    print(pid, flush=True)\n"
            "    time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    warm_pid = int(refresh.stdout.readline())
    refresh.kill()  # no chance to end what it started
    refresh.wait()
    deadline = time.monotonic() + 60
    while _running(warm_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _running(warm_pid)
    assert list((tmp_path / "dbt").iterdir()) == []  # its socket and folder went with it


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"
