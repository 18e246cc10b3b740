"""Month-end MSR and FSR packs from a pinned published snapshot (HTML, PDF, XLSX).

Public API (used by the CLI and the Dagster report assets):

- ``generate_report(paths, month, *, snapshot_id=None, formats=..., kinds=...)`` builds the
  month's reports into a new ``<data-dir>/reports/YYYY-MM/v<N>/`` with a ``manifest.json``;
- ``list_reports(paths)`` lists the versions that exist;
- ``ReportError`` is raised, naming what is missing or wrong, when a report cannot be built
  as a complete, good report (nothing is written then).
"""

from __future__ import annotations

from .errors import ReportError
from .generate import (
    FORMATS,
    KINDS,
    ReportInfo,
    ReportResult,
    generate_report,
    list_reports,
    verify_report,
)

__all__ = [
    "FORMATS",
    "KINDS",
    "ReportError",
    "ReportInfo",
    "ReportResult",
    "generate_report",
    "list_reports",
    "verify_report",
]
