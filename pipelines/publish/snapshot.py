"""Published snapshots: immutable copies of a complete, tested warehouse, switched atomically.

DuckDB allows one writer or many readers, never both. The refresh owns the warehouse file; when a
refresh has built and tested everything, it copies the file into ``published/<snapshot_id>/``
with a ``catalog.json`` and then replaces the ``published/CURRENT`` pointer in one ``os.replace``.
Readers (dashboards, reports, ``pmo sql``) only ever open published copies, so they never block a
refresh and never see a half-built state. A failed refresh publishes nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipelines.config import DataPaths

POINTER = "CURRENT"
DATABASE = "warehouse.duckdb"
CATALOG = "catalog.json"
SNAPSHOT_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")
DEFAULT_KEEP = 10


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: str
    folder: Path

    @property
    def database(self) -> Path:
        return self.folder / DATABASE

    @property
    def catalog_path(self) -> Path:
        return self.folder / CATALOG

    def catalog(self) -> dict[str, Any]:
        return json.loads(self.catalog_path.read_text(encoding="utf-8"))


def new_snapshot_id(run_id: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    suffix = re.sub(r"[^0-9a-f]", "", run_id.lower())[:8].ljust(8, "0")
    return f"{stamp}-{suffix}"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(
    paths: DataPaths,
    catalog: dict[str, Any],
    *,
    snapshot_id: str,
    keep: int = DEFAULT_KEEP,
) -> Snapshot:
    """Copy the (closed, checkpointed) warehouse into a new snapshot and make it current."""
    if not SNAPSHOT_ID.match(snapshot_id):
        raise ValueError(
            f"snapshot id '{snapshot_id}' does not look like YYYYMMDDTHHMMSSZ-xxxxxxxx"
        )
    con = duckdb.connect(str(paths.warehouse))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    paths.published.mkdir(parents=True, exist_ok=True)
    staging = paths.published / f".incoming-{snapshot_id}"
    final = paths.published / snapshot_id
    if final.exists():
        raise FileExistsError(f"snapshot {snapshot_id} already exists; snapshots are immutable")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    shutil.copyfile(paths.warehouse, staging / DATABASE)
    body = {"snapshot_id": snapshot_id, **catalog}
    (staging / CATALOG).write_text(json.dumps(body, indent=1, default=str), encoding="utf-8")
    for name in (DATABASE, CATALOG):
        _fsync(staging / name)
    (staging / DATABASE).chmod(0o444)
    staging.replace(final)
    _fsync(paths.published)
    pointer_tmp = paths.published / f".{POINTER}.{snapshot_id}"
    pointer_tmp.write_text(snapshot_id + "\n", encoding="utf-8")
    _fsync(pointer_tmp)
    pointer_tmp.replace(paths.published / POINTER)
    _fsync(paths.published)
    prune(paths, keep=keep)
    return Snapshot(snapshot_id, final)


def list_snapshots(paths: DataPaths) -> list[Snapshot]:
    """Complete snapshots, oldest first (ids sort by time)."""
    if not paths.published.is_dir():
        return []
    return [
        Snapshot(folder.name, folder)
        for folder in sorted(paths.published.iterdir())
        if folder.is_dir() and SNAPSHOT_ID.match(folder.name) and (folder / CATALOG).exists()
    ]


def current_snapshot(paths: DataPaths) -> Snapshot | None:
    pointer = paths.published / POINTER
    try:
        snapshot_id = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    folder = paths.published / snapshot_id
    if not SNAPSHOT_ID.match(snapshot_id) or not (folder / DATABASE).exists():
        return None
    return Snapshot(snapshot_id, folder)


def get_snapshot(paths: DataPaths, snapshot_id: str) -> Snapshot | None:
    if not SNAPSHOT_ID.match(snapshot_id):
        return None
    folder = paths.published / snapshot_id
    return Snapshot(snapshot_id, folder) if (folder / DATABASE).exists() else None


def pinned_snapshot_ids(paths: DataPaths) -> set[str]:
    """Snapshots that a generated report names in its manifest are kept whatever their age."""
    pinned = set()
    for manifest in paths.reports.glob("*/**/manifest.json"):
        try:
            pinned.add(json.loads(manifest.read_text(encoding="utf-8")).get("snapshot_id", ""))
        except (OSError, ValueError):
            continue
    return pinned


def prune(paths: DataPaths, *, keep: int) -> list[str]:
    """Remove the oldest snapshots beyond ``keep``, never the current or a pinned one."""
    current = current_snapshot(paths)
    protected = pinned_snapshot_ids(paths) | ({current.snapshot_id} if current else set())
    removable = [s for s in list_snapshots(paths) if s.snapshot_id not in protected]
    excess = len(removable) - max(keep - (1 if current else 0), 0)
    removed = []
    for snapshot in removable[: max(excess, 0)]:
        for child in snapshot.folder.iterdir():
            child.chmod(0o644)
        shutil.rmtree(snapshot.folder)
        removed.append(snapshot.snapshot_id)
    for leftover in paths.published.glob(".incoming-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    return removed
