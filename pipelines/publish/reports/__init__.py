"""Report packs from a pinned published snapshot (HTML, PDF, XLSX): the month-end MSR and FSR,
and the weekly status report.

Public API (used by the CLI and the Dagster report assets):

- ``generate_report(paths, month, *, snapshot_id=None, formats=..., kinds=...)`` builds the
  month's reports into a new ``<data-dir>/reports/YYYY-MM/v<N>/`` with a ``manifest.json``;
- ``generate_weekly_report(paths, week, *, snapshot_id=None, formats=...)`` builds an ISO
  week's weekly status report into ``<data-dir>/reports/YYYY-Www/v<N>/`` the same way;
- ``list_reports(paths)`` lists the versions that exist, of months and weeks;
- ``ReportError`` is raised, naming what is missing or wrong, when a report cannot be built
  as a complete, good report (nothing is written then).
"""

from __future__ import annotations

from .errors import ReportError
from .generate import (
    FORMATS,
    KINDS,
    WEEKLY,
    ReportInfo,
    ReportResult,
    generate_report,
    generate_weekly_report,
    list_reports,
    verify_report,
)

__all__ = [
    "FORMATS",
    "KINDS",
    "WEEKLY",
    "ReportError",
    "ReportInfo",
    "ReportResult",
    "generate_report",
    "generate_weekly_report",
    "list_reports",
    "verify_report",
]
