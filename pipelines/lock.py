"""One refresh at a time per data directory.

The lock is an OS file lock (``flock``) on ``<data-dir>/.refresh.lock``: the operating system
releases it when the process holding it ends, however it ends (SIGKILL included), so a crashed
refresh never leaves the data directory locked. The file says who holds it (pid, command, start
time) so a refused refresh can name the one that is running.

`pmo refresh`, `pmo refresh --full` (before it deletes anything) and `pmo demo` take it, and so
does every refresh run Dagster starts (schedule, sensor, UI), through ``RefreshLockResource``.
Within one process the lock is re-entrant: the run the CLI starts in-process finds it held.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pipelines.config import DataPaths
from pipelines.errors import PmoError

LOCK_NAME = ".refresh.lock"
_held: dict[Path, int] = {}
"""Lock files this process holds, with their descriptors."""


class RefreshRunning(PmoError):
    """Another process is refreshing the same data directory."""


def lock_path(paths: DataPaths) -> Path:
    return paths.root / LOCK_NAME


def holder(paths: DataPaths) -> dict[str, str]:
    """Who holds (or last held) the lock: pid, command and start time; empty when unknown."""
    try:
        return json.loads(lock_path(paths).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


def describe_holder(paths: DataPaths) -> str:
    who = holder(paths)
    if not who:
        return f"a refresh of {paths.root} is running"
    return (
        f"a refresh of {paths.root} started at {who.get('started_at', '?')} by pid "
        f"{who.get('pid', '?')} ({who.get('command', 'refresh')}) is running"
    )


def refresh_running(paths: DataPaths) -> bool:
    """True when another process holds the lock (this process's own lock does not count)."""
    path = lock_path(paths)
    if path in _held or not path.exists():
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _open(paths: DataPaths) -> int:
    paths.root.mkdir(parents=True, exist_ok=True)
    try:
        return os.open(lock_path(paths), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise PmoError(
            f"cannot write to the data directory {paths.root} ({error.strerror}): a refresh "
            "needs to write there; check its permissions and free space, or pass --data-dir."
        ) from None


@contextmanager
def refresh_lock(
    paths: DataPaths,
    *,
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
    command: str = "pmo refresh",
) -> Iterator[None]:
    """Hold the data directory's refresh lock for the block.

    Another holder means: raise ``RefreshRunning`` naming it, or with ``wait`` tell ``on_wait``
    and block until it ends.
    """
    path = lock_path(paths)
    if path in _held:
        yield
        return
    fd = _open(paths)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            message = describe_holder(paths)
            if not wait:
                raise RefreshRunning(
                    f"{message}; this one did not start. Wait for it to end (`pmo status` shows "
                    "the outcome), or pass --wait to start when it does."
                ) from None
            if on_wait:
                on_wait(f"{message}; waiting for it to end")
            fcntl.flock(fd, fcntl.LOCK_EX)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        body = json.dumps({"pid": os.getpid(), "command": command, "started_at": stamp})
        os.ftruncate(fd, 0)
        os.pwrite(fd, body.encode(), 0)
        _held[path] = fd
        try:
            yield
        finally:
            del _held[path]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def command_line() -> str:
    """The command that took the lock, for the message another refresh prints."""
    name = Path(sys.argv[0]).name if sys.argv else "pmo"
    return " ".join([name, *sys.argv[1:3]]) or "pmo refresh"
