"""What a refresh is built from, as a few hashes, and what the last publish was built from.

A refresh turns three inputs into a snapshot: the landing files, the settings and the product's
own code (the loader and the dbt models). When none of them changed since the snapshot in use
was published, and the raw layer is still the one that snapshot was built on, a refresh would
rebuild the same numbers: `pmo refresh` says so and stops in about a second instead of running
the load and the whole dbt build again.

Landing files are compared by name, size and modification time first (nothing is read). When
only modification times differ (a sync tool or a re-export that wrote the same bytes again), the
files so changed are read and their content hashes compared with those the last scan recorded:
the same content is no change.

The inputs are taken when a refresh starts, before the landing scan, so a file that lands while
a refresh runs makes the next refresh differ (it is loaded then) rather than be skipped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipelines.config import DataPaths

PRODUCT_DIR = Path(__file__).resolve().parent
DBT_PROJECT_DIR = PRODUCT_DIR.parent / "dbt_project"
DBT_SOURCES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")
STATE_FILE = "last_publish.json"
REPORTING_PERIOD_MODEL = "int_reporting_period"
"""The model every dated model cuts off at: one row (the as-of date, its month, the reporting
currency) read from the latest timesheet, task and earned-value dates. A new file of those
entities changes that row only when it moves the latest date into another month."""


@dataclass(frozen=True)
class RefreshInputs:
    landing: str
    """sha256 over every landing file's path, size and modification time (nothing is read)."""
    landing_files: int
    settings: str
    """sha256 of settings.toml, or 'none'."""
    code: str
    """sha256 over the product's Python modules and the dbt project's sources."""
    engine: str = "duckdb"
    """The engine the models are built on (a snapshot built on the other one is rebuilt)."""

    def changes_from(self, other: RefreshInputs) -> list[str]:
        """The inputs that differ, in words, for the refresh summary."""
        names = {
            "landing": "landing files",
            "settings": "settings",
            "code": "product code",
            "engine": "engine",
        }
        return [
            words for name, words in names.items() if getattr(self, name) != getattr(other, name)
        ]


def landing_fingerprint(landing: Path) -> tuple[str, int]:
    """One hash over every landing file's path, size and modification time, and their count."""
    from pipelines.ingest.load import display_name, landing_files, special_entries

    digest = hashlib.sha256()
    files = landing_files(landing)
    for path in files:
        stat = path.stat()
        digest.update(
            f"{display_name(path, landing)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode()
        )
    for path, reason in special_entries(landing):  # a link or pipe is listed as rejected
        digest.update(f"{display_name(path, landing)}\0{reason}\n".encode())
    return digest.hexdigest(), len(files)


def _content_digest(entries: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for name, content in sorted(entries):
        digest.update(f"{name}\0{content}\n".encode())
    return digest.hexdigest()


def _special_entries(landing: Path) -> list[tuple[str, str]]:
    from pipelines.ingest.load import display_name, special_entries

    return [(display_name(path, landing), reason) for path, reason in special_entries(landing)]


def scanned_landing_content(paths: DataPaths, con: Any) -> str:
    """One hash over what the last landing scan found: every file's name and content hash
    (``raw.landing_files``), and the links and pipes by name (they have no content)."""
    rows = con.execute("select source_file, source_sha256 from raw.landing_files").fetchall()
    return _content_digest([*rows, *_special_entries(paths.landing)])


def landing_content_now(paths: DataPaths, con: Any) -> tuple[str, int] | None:
    """The same hash over the landing folder as it is now, and how many of its files were
    read to know it, when every file the last scan saw is still there with its size (only its
    modification time may differ) and no other came; else None: the content changed. A file
    whose modification time is the one the scan saw keeps the content hash the scan recorded,
    the others are read."""
    from pipelines.ingest.load import display_name, landing_files, sha256_of

    scanned = {
        name: (size, modified, sha)
        for name, size, modified, sha in con.execute(
            "select source_file, size_bytes, modified_ns, source_sha256 from raw.landing_files"
        ).fetchall()
    }
    files = landing_files(paths.landing)
    if len(files) != len(scanned):
        return None
    entries, read = [], 0
    for path in files:
        name, status = display_name(path, paths.landing), path.stat()
        known = scanned.get(name)
        if known is None or known[0] != status.st_size:
            return None
        if known[1] == status.st_mtime_ns:
            entries.append((name, known[2]))
        else:
            entries.append((name, sha256_of(path)))
            read += 1
    return _content_digest([*entries, *_special_entries(paths.landing)]), read


def _code_files() -> list[Path]:
    files = list(PRODUCT_DIR.rglob("*.py"))
    for name in DBT_SOURCES:
        source = DBT_PROJECT_DIR / name
        files += [source] if source.is_file() else [p for p in source.rglob("*") if p.is_file()]
    return sorted(files)


def code_fingerprint() -> str:
    """The product's code by content (not by modification time, which a checkout resets)."""
    digest = hashlib.sha256()
    for path in _code_files():
        digest.update(path.relative_to(PRODUCT_DIR.parent).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def refresh_inputs(paths: DataPaths, engine: str | None = None) -> RefreshInputs:
    """The inputs as they are now; ``engine`` None: the one the settings name."""
    from pipelines.settings import load_settings, settings_path

    landing, count = landing_fingerprint(paths.landing)
    settings_file = settings_path(paths)
    try:
        settings = hashlib.sha256(settings_file.read_bytes()).hexdigest()
    except FileNotFoundError:
        settings = "none"
    engine = engine or load_settings(paths).engine
    return RefreshInputs(landing, count, settings, code_fingerprint(), engine)


# --- what the last publish was built from ----------------------------------------------------


def _raw_state(con: Any) -> list[Any]:
    """What the raw layer holds, in a few numbers: a refresh that loaded (and then failed)
    changes them, so a later refresh on the same inputs rebuilds rather than skips."""
    from pipelines.ingest.contracts import ENTITIES
    from pipelines.ingest.warehouse import table_state

    row = con.execute(
        """
        select (select count(*) from raw.load_log),
               (select cast(max(loaded_at) as varchar) from raw.load_log),
               (select count(*) from raw.quarantine)
        """
    ).fetchone()
    # and every raw table's rows (a count and a hash), so a row written outside the loader counts
    return [*row, *(table_state(con, name) for name in ENTITIES)]


def inputs_file(paths: DataPaths, run_id: str) -> Path:
    return paths.warehouse_dir / f".inputs-{run_id}.json"


def note_run_inputs(paths: DataPaths, run_id: str, inputs: RefreshInputs) -> None:
    """Keep the inputs taken at the start of a refresh run for its publish step (the notes of
    earlier runs that never published go: one refresh runs at a time)."""
    for older in paths.warehouse_dir.glob(".inputs-*.json"):
        older.unlink(missing_ok=True)
    inputs_file(paths, run_id).write_text(json.dumps(asdict(inputs)), encoding="utf-8")


def record_publish(paths: DataPaths, run_id: str, snapshot_id: str, con: Any) -> None:
    """After a publish: the snapshot, the inputs its run started from and the raw state."""
    source = inputs_file(paths, run_id)
    state = paths.warehouse_dir / STATE_FILE
    try:
        inputs = json.loads(source.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        state.unlink(missing_ok=True)  # inputs unknown: the next refresh rebuilds
        return
    body = {
        "snapshot_id": snapshot_id,
        "run_id": run_id,
        "inputs": inputs,
        "raw": _raw_state(con),
        "landing_content": scanned_landing_content(paths, con),
        "period": reporting_period(con),
    }
    try:
        building = json.loads(state.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        building = {}
    if building.get("built_since") == run_id:  # the vars this snapshot's models were built with
        body["vars"] = building.get("building_vars")
    staging = state.with_suffix(".tmp")
    staging.write_text(json.dumps(body, indent=1), encoding="utf-8")
    staging.replace(state)
    source.unlink(missing_ok=True)


def _same_build_inputs(
    paths: DataPaths, run_id: str
) -> tuple[dict[str, Any], RefreshInputs] | None:
    """The state recorded by the last publish and this run's inputs, when that publish's
    snapshot is the one in use and this run has its code and settings (landing may differ)."""
    from pipelines.publish.snapshot import current_snapshot

    try:
        state = json.loads((paths.warehouse_dir / STATE_FILE).read_text(encoding="utf-8"))
        recorded = RefreshInputs(**state["inputs"])
        now = RefreshInputs(**json.loads(inputs_file(paths, run_id).read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None
    snapshot = current_snapshot(paths)
    if snapshot is None or snapshot.snapshot_id != state.get("snapshot_id"):
        return None
    if set(now.changes_from(recorded)) - {"landing files"}:
        return None
    return state, now


def nothing_new_loaded(paths: DataPaths, run_id: str, con: Any) -> str | None:
    """After this run's load: the snapshot in use when the run loaded nothing new (files only
    touched, or the same content again) and its settings and code are those the snapshot was
    built with. The build would give the same numbers, so it is skipped; the record then takes
    this run's inputs, and the next refresh stops at once."""
    same = _same_build_inputs(paths, run_id)
    if same is None:
        return None
    state, now = same
    if _raw_state(con) != state.get("raw"):
        return None
    state_file = paths.warehouse_dir / STATE_FILE
    staging = state_file.with_suffix(".tmp")
    # the files this run scanned (copies, touched ones) are those of the snapshot from now on
    body = {**state, "inputs": asdict(now), "landing_content": scanned_landing_content(paths, con)}
    staging.write_text(json.dumps(body, indent=1), encoding="utf-8")
    staging.replace(state_file)
    inputs_file(paths, run_id).unlink(missing_ok=True)
    return state["snapshot_id"]


def raw_tables_changed(
    paths: DataPaths, run_id: str, con: Any, dbt_vars: dict[str, Any]
) -> frozenset[str] | None:
    """After this run's load: the raw tables (dbt sources) that differ from those the snapshot
    in use was built from, when its code, settings and dbt vars are this run's too; else None
    (build everything: no snapshot, other code, settings or vars, or an unknown state).

    Every model that reads none of them gives the numbers it gave then, so the build can take
    only the models downstream of these."""
    from pipelines.ingest.contracts import ENTITIES

    same = _same_build_inputs(paths, run_id)
    if same is None:
        return None
    state = same[0]
    if state.get("built_since"):
        return None  # a build since the snapshot (that did not publish) left other tables
    if state.get("vars") != json.loads(json.dumps(dbt_vars)):
        return None  # e.g. the reporting currency taken from the projects changed
    before, after = state.get("raw") or [], _raw_state(con)
    names = ["load_log", "load_log", "quarantine", *ENTITIES]  # the layout of _raw_state
    if len(before) != len(after):
        return None
    pairs = zip(names, before, after, strict=True)
    return frozenset(name for name, old, new in pairs if old != new)


def reporting_period(con: Any) -> list[str] | None:
    """The row the reporting-period model gives for the raw tables as they are now, as text;
    None when the warehouse holds it as a table (built on Spark: it gives the row of that
    build, not of the raw tables now) or does not hold it (no build yet)."""
    import duckdb

    try:
        (kind,) = con.execute(
            "select table_type from information_schema.tables where table_schema = 'main'"
            " and table_catalog = current_database() and table_name = ?",
            [REPORTING_PERIOD_MODEL],
        ).fetchone() or (None,)
        if kind != "VIEW":
            return None
        rows = con.execute(f"select * from main.{REPORTING_PERIOD_MODEL}").fetchall()  # noqa: S608
    except duckdb.Error:
        return None
    return [str(value) for row in rows for value in row]


def reporting_period_unchanged(paths: DataPaths, con: Any) -> bool:
    """Whether the reporting period is the one the snapshot in use was built for (so a model
    that reads the changed raw tables only through it gives the rows it gave then)."""
    try:
        state = json.loads((paths.warehouse_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return False
    recorded = state.get("period")
    return recorded is not None and recorded == reporting_period(con)


def note_build_started(paths: DataPaths, run_id: str, dbt_vars: dict[str, Any]) -> None:
    """A dbt build is about to change the warehouse's models: until a publish records its state,
    they are no longer those of the snapshot in use, and the next build takes every model. The
    build's dbt vars (the reporting currency...) go with the state its publish records."""
    state_file = paths.warehouse_dir / STATE_FILE
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        state = {}
    body = {**state, "built_since": run_id, "building_vars": dbt_vars}
    staging = state_file.with_suffix(".tmp")
    staging.write_text(json.dumps(body, indent=1), encoding="utf-8")
    staging.replace(state_file)


@dataclass(frozen=True)
class Unchanged:
    snapshot_id: str
    landing_files: int
    touched: int = 0
    """Files whose modification time changed since the last scan, with the same content."""


def unchanged_since_publish(paths: DataPaths, inputs: RefreshInputs) -> Unchanged | str:
    """The snapshot in use when nothing it was built from changed; else why a rebuild is due."""
    from pipelines.publish.snapshot import current_snapshot
    from pipelines.query import open_read_only

    try:
        state = json.loads((paths.warehouse_dir / STATE_FILE).read_text(encoding="utf-8"))
        recorded = RefreshInputs(**state["inputs"])
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return "no snapshot built yet" if not paths.warehouse.exists() else "last build unknown"
    snapshot = current_snapshot(paths)
    if snapshot is None or snapshot.snapshot_id != state.get("snapshot_id"):
        return "the snapshot in use is not the last one built"
    changes = inputs.changes_from(recorded)
    # Files only touched (copied again, synced, re-exported the same) change the landing's
    # fingerprint, not its content: that is compared below, reading only those files.
    if changes and changes != ["landing files"]:
        return " and ".join(changes) + " changed"
    if not paths.warehouse.exists():
        return "no warehouse"
    con = open_read_only(paths)
    try:
        raw = _raw_state(con)
        touched = 0
        if changes:
            now = landing_content_now(paths, con)
            if now is None or now[0] != state.get("landing_content"):
                return "landing files changed"
            touched = now[1]
    finally:
        con.close()
    if raw != state.get("raw"):
        return "the raw layer changed since the last publish"
    return Unchanged(snapshot.snapshot_id, inputs.landing_files, touched)
