"""Ingest errors: a file that loads nothing, named with what was found and what was expected."""

from __future__ import annotations

from pipelines.errors import PmoError


class FileRejected(PmoError):
    """A file-level problem: the file loads nothing."""

    def __init__(self, file: str, problem: str, expected: str = "") -> None:
        self.file = file
        self.problem = problem
        self.expected = expected
        message = f"{file}: {problem}"
        if expected:
            message += f" Expected: {expected}"
        super().__init__(message)
