"""`pmo refresh --watch`: refresh whenever a landing export (or the settings) changes.

A refresh started from the command line spends most of its seconds before and around the work:
importing Dagster and dbt, starting Great Expectations' worker, opening the run history, dbt
getting ready. A watching refresh pays that once. It keeps the suite worker, the run history and
Dagster's definitions, and keeps a dbt process ready (imported, waiting for the next build) while
nothing changes; when a file changes it loads it and builds only what depends on it, as any
refresh does, then waits again.

What it watches costs nothing to look at: every entry's name, size and modification time under
the landing folder, and those of ``settings.toml``, read with ``os.scandir`` (no file is opened)
every ``POLL_SECONDS``. A change is acted on once the folder has looked the same for
``SETTLE_SECONDS``: a file still being copied or written keeps changing its size or time, and is
loaded when it is whole. Whether the change is one (a file touched with the same content is
not) is then decided as ``pmo refresh`` decides it.

Only the standard library here: the command line imports this before Dagster.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

POLL_SECONDS = 0.5
SETTLE_SECONDS = 1.0

Signature = tuple[tuple[str, int, int, int], ...]
"""(path, type bits, size, modification time in ns) of every entry, sorted by path."""


def folder_signature(*roots: Path) -> Signature:
    """Every entry under ``roots`` (a root may be a folder or one file, missing or not): its path,
    its kind, size and modification time. Links are listed, never followed."""
    found: list[tuple[str, int, int, int]] = []
    pending = [str(root) for root in roots]
    while pending:
        path = pending.pop()
        try:
            status = os.lstat(path)
        except OSError:
            continue  # gone (or not there yet): its absence is what the signature records
        found.append((path, status.st_mode, status.st_size, status.st_mtime_ns))
        if not stat.S_ISDIR(status.st_mode):  # a link to a folder is not followed (lstat)
            continue
        try:
            with os.scandir(path) as entries:
                pending.extend(entry.path for entry in entries)
        except OSError:
            continue
    return tuple(sorted(found))


def wait_for_change(
    look: Callable[[], Signature],
    seen: Signature,
    *,
    poll: float = POLL_SECONDS,
    settle: float = SETTLE_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Signature:
    """Block until ``look()`` differs from ``seen`` and has then stayed the same for ``settle``
    seconds; the signature it settled on."""
    now = look()
    while now == seen:
        sleep(poll)
        now = look()
    steady_since = clock()
    while clock() - steady_since < settle:
        sleep(poll)
        later = look()
        if later != now:
            now, steady_since = later, clock()
    return now


@contextlib.contextmanager
def interrupts_seen() -> Iterator[Callable[[], bool]]:
    """While open: whether a Ctrl-C (SIGINT) arrived since the last time it was asked, also one
    that a Dagster run took for itself (a run handles SIGINT while it runs, and drops one that
    came between its steps). Python writes every signal it handles to a wake-up socket, whatever
    the handler; the one this process had before is put back at the end."""
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)

    def seen() -> bool:
        received = b""
        with contextlib.suppress(BlockingIOError):
            while chunk := reader.recv(4096):
                received += chunk
        return signal.SIGINT in received

    try:
        yield seen
    finally:
        signal.set_wakeup_fd(previous)
        reader.close()
        writer.close()
