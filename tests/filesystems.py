"""A small filesystem of its own for a test (tmpfs), to fill it up or make it read-only.

Mounting needs the privilege to mount; where the machine does not give it, the test skips."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """``folder`` as a tmpfs of ``size`` (e.g. "300m") for the block; unmounted after."""
    folder.mkdir(parents=True, exist_ok=True)
    if not _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)):
        pytest.skip("this machine does not let a test mount a small filesystem")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def make_read_only(folder: Path) -> None:
    """Remount a :func:`tmpfs` read-only: no process may write to it, root included."""
    assert _mount("-o", "remount,ro", str(folder)), f"could not remount {folder} read-only"
