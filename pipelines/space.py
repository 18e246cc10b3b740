"""Free disk space for a refresh, checked before anything is changed.

A refresh rebuilds the warehouse in place, writes dbt's artefacts for the run and then copies the
warehouse into a new snapshot, so it needs room for about two warehouses plus the run's files.
Running out half-way through fails deep inside DuckDB, dbt or Dagster's run storage with words
like "disk I/O error"; checking first names the disk, the figures and what to do.
"""

from __future__ import annotations

import errno
import shutil

from pipelines.config import DataPaths
from pipelines.errors import PmoError

MIB = 1024**2
RUN_FILES = 100 * MIB
"""dbt's artefacts and log of one build, Dagster's run records and DuckDB's working space."""
DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}
DISK_WORDS = ("no space left", "disk i/o error", "database or disk is full", "read-only file")


def space_needed(paths: DataPaths) -> int:
    size = paths.warehouse.stat().st_size if paths.warehouse.exists() else 0
    return 2 * size + RUN_FILES


def free_space(paths: DataPaths) -> int:
    folder = paths.root if paths.root.exists() else paths.root.parent
    return shutil.disk_usage(folder).free


def _figures(paths: DataPaths) -> str:
    return (
        f"{free_space(paths) / MIB:,.0f} MB are free on the disk holding {paths.root}, and a "
        f"refresh needs about {space_needed(paths) / MIB:,.0f} MB (the warehouse is rebuilt and "
        "then copied into a snapshot)"
    )


def check_free_space(paths: DataPaths) -> None:
    """Refuse a refresh up front when the disk cannot hold it."""
    if free_space(paths) < space_needed(paths):
        raise PmoError(
            f"{_figures(paths)}. Free space there (older snapshots in published/ and packs in "
            "reports/ can be archived) or move the data directory; nothing was changed and the "
            "snapshot in use stays."
        )


def disk_trouble(error: BaseException | str) -> bool:
    """Whether a failure reads like a full, read-only or forbidden disk."""
    if isinstance(error, OSError) and error.errno in DISK_ERRNOS:
        return True
    text = str(error).lower()
    return any(words in text for words in DISK_WORDS)


def disk_hint(paths: DataPaths) -> str:
    """What to tell a user whose refresh failed on the disk."""
    return (
        f"{_figures(paths)}; free space there or check that the data directory is writable, "
        "then refresh again (the snapshot in use stays)."
    )
