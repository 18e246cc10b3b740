"""Report packs from a pinned published snapshot (HTML, PDF, XLSX): the month-end MSR and FSR,
closed projects' closure reports, and the weekly status report.

Public API (used by the CLI and the Dagster report assets):

- ``generate_report(paths, month, *, snapshot_id=None, formats=..., kinds=...)`` builds the
  month's reports into a new ``<data-dir>/reports/YYYY-MM/v<N>/`` with a ``manifest.json``
  (``kinds`` may add ``closure``: a closure report per project that closed in the month);
- ``generate_closure_report(paths, project, *, month=None, snapshot_id=None, formats=...)``
  builds one closed project's closure report into its closing month's next version;
- ``generate_weekly_report(paths, week, *, snapshot_id=None, formats=...)`` builds an ISO
  week's weekly status report into ``<data-dir>/reports/YYYY-Www/v<N>/`` the same way;
- ``list_reports(paths)`` lists the versions that exist, of months and weeks;
- ``ReportError`` is raised, naming what is missing or wrong, when a report cannot be built
  as a complete, good report (nothing is written then).
"""

from __future__ import annotations

from .errors import ReportError
from .generate import (
    CLOSURE,
    FORMATS,
    KINDS,
    MONTH_KINDS,
    WEEKLY,
    ReportInfo,
    ReportResult,
    generate_closure_report,
    generate_report,
    generate_weekly_report,
    list_reports,
    verify_report,
)

__all__ = [
    "CLOSURE",
    "FORMATS",
    "KINDS",
    "MONTH_KINDS",
    "WEEKLY",
    "ReportError",
    "ReportInfo",
    "ReportResult",
    "generate_closure_report",
    "generate_report",
    "generate_weekly_report",
    "list_reports",
    "verify_report",
]
