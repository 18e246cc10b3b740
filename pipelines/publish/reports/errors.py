"""The one error report generation raises: it names what is missing or wrong, never a traceback."""

from __future__ import annotations

from pipelines.errors import PmoError


class ReportError(PmoError):
    """A report could not be produced as a complete, good report; nothing was written."""
