"""The product's base error, raised for a problem the person running the product can act on.

``pmo`` prints its message as one paragraph (the file, line and column, what was found and what
was expected) and the traceback only with ``--debug``. Each area subclasses it for its own
problems: ``FileRejected`` (ingest), ``ReportError`` (reports), ``RefreshRunning`` (the lock).
"""

from __future__ import annotations


class PmoError(Exception):
    """An error whose message is written for the person running the product."""
