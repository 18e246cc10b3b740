"""MSR vs FSR: the same four concepts side by side, and what each difference is made of.

The MSR shows earned value (AC, PV, BAC, EAC from ``fct_earned_value_monthly`` and the portfolio
headline ``rpt_portfolio_kpis_monthly``), the FSR the finance lines (booked cost, budget to date,
budget and forecast at completion from ``fct_project_financials_monthly``). Where the two
definitions differ, dbt names each item and its amount
(``rpt_portfolio_cost_reconciliation_monthly`` for the portfolio,
``rpt_cost_reconciliation_monthly`` per project); both packs print the same rows. This module
only selects and words them - every amount, and which difference is which, comes from those
models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pipelines.publish.formatting import cell_text

from .document import Column, Table, columns_for
from .errors import ReportError
from .source import ReportSource, Requirement

MEASURES = ("actual_cost", "planned_value", "budget_at_completion", "estimate_at_completion")
PORTFOLIO_MODEL = "rpt_portfolio_cost_reconciliation_monthly"
PROJECT_MODEL = "rpt_cost_reconciliation_monthly"
AMOUNT_COLUMNS = (
    "msr_amount",
    "fsr_amount",
    "difference_amount",
    "earned_value_import_amount",
    "baseline_in_force_amount",
)
PORTFOLIO_COLUMNS = (
    "portfolio",
    "reporting_month",
    "is_all_portfolios",
    "measure",
    "measure_order",
    "msr_measure_label",
    "fsr_measure_label",
    "reconciliation_note",
    *AMOUNT_COLUMNS,
    "headline_adjustment_amount",
    "unexplained_amount",
)
PROJECT_COLUMNS = (
    "project_code",
    "reporting_month",
    "measure",
    "measure_order",
    "msr_measure_label",
    "fsr_measure_label",
    "reconciliation_reason",
    *AMOUNT_COLUMNS,
    "unexplained_amount",
)
# The items a difference is made of (they add up to it: tested in dbt).
ITEM_COLUMNS = (
    "earned_value_import_amount",
    "baseline_in_force_amount",
    "headline_adjustment_amount",
    "unexplained_amount",
)
# What each table shows, in order (the workbook sheet carries the same columns).
SUMMARY_SHOWN = (
    "msr_measure_label",
    "msr_amount",
    "fsr_measure_label",
    "fsr_amount",
    "difference_amount",
    "earned_value_import_amount",
    "baseline_in_force_amount",
    "headline_adjustment_amount",
    "unexplained_amount",
    "reconciliation_note",
)
PORTFOLIO_SHOWN = ("portfolio", *SUMMARY_SHOWN)
PROJECT_SHOWN = (
    "project_code",
    "msr_measure_label",
    "msr_amount",
    "fsr_measure_label",
    "fsr_amount",
    "difference_amount",
    "reconciliation_reason",
)


def requirements(section: str) -> tuple[Requirement, ...]:
    return (
        Requirement(section, PORTFOLIO_MODEL, PORTFOLIO_COLUMNS),
        Requirement(section, PROJECT_MODEL, PROJECT_COLUMNS),
    )


@dataclass
class Reconciliation:
    """The month's reconciliation: the all-portfolios rows, per portfolio, and per project."""

    summary: Table
    portfolios: Table
    projects: Table
    msr_labels: dict[str, str]
    fsr_labels: dict[str, str]
    lines: list[str]

    def project_lines(self, code: str, side: str) -> list[str]:
        """One sentence per measure on which the project's MSR and FSR figures differ."""
        money = self.projects.column("msr_amount")
        lines = []
        for row in self.projects.rows():
            if row["project_code"] != code:
                continue
            # this pack's figure first
            mine, theirs = ("msr", "fsr") if side == "msr" else ("fsr", "msr")
            lines.append(
                f"{row[f'{mine}_measure_label']} {cell_text(row[f'{mine}_amount'], money)} "
                f"here, {row[f'{theirs}_measure_label']} "
                f"{cell_text(row[f'{theirs}_amount'], money)} in the {theirs.upper()} "
                f"(difference MSR − FSR {cell_text(row['difference_amount'], money)}): "
                f"{row['reconciliation_reason']}."
            )
        return lines


def build(source: ReportSource, month: date, section: str) -> Reconciliation:
    cols = ", ".join(PORTFOLIO_COLUMNS)
    portfolio_frame = source.frame(
        f"select {cols} from {PORTFOLIO_MODEL} where reporting_month = ? "  # noqa: S608
        "order by is_all_portfolios desc, portfolio, measure_order",
        [month],
        section=section,
    )
    portfolio_columns = columns_for(source, PORTFOLIO_MODEL, PORTFOLIO_SHOWN)
    summary_frame = portfolio_frame.filter(portfolio_frame["is_all_portfolios"])
    summary = Table(
        "reconciliation",
        "MSR and FSR side by side (all portfolios)",
        summary_frame,
        [c for c in portfolio_columns if c.name != "portfolio"],
        f"{PORTFOLIO_MODEL} ('All portfolios' rows)",
    )
    portfolios = Table(
        "reconciliation_portfolios",
        "MSR and FSR side by side, by portfolio",
        portfolio_frame,
        portfolio_columns,
        PORTFOLIO_MODEL,
        sheet="MSR-FSR reconciliation",
    )
    cols = ", ".join(PROJECT_COLUMNS)
    project_frame = source.frame(
        f"select {cols} from {PROJECT_MODEL} "  # noqa: S608
        "where reporting_month = ? and reconciliation_reason is not null "
        "order by project_code, measure_order",
        [month],
        section=section,
    )
    projects = Table(
        "reconciliation_projects",
        "Projects whose MSR and FSR figures differ",
        project_frame,
        columns_for(source, PROJECT_MODEL, PROJECT_SHOWN),
        f"{PROJECT_MODEL} (rows with a difference)",
        sheet="MSR-FSR by project",
    )
    rows = summary.rows()
    if sorted(r["measure"] for r in rows) != sorted(MEASURES):
        raise ReportError(
            f"section '{section}': {PORTFOLIO_MODEL} has no 'All portfolios' rows for every "
            f"measure ({', '.join(MEASURES)}) in {month:%Y-%m} in snapshot {source.snapshot_id}."
        )
    return Reconciliation(
        summary,
        portfolios,
        projects,
        {r["measure"]: r["msr_measure_label"] for r in rows},
        {r["measure"]: r["fsr_measure_label"] for r in rows},
        _lines(rows, summary.columns),
    )


def _lines(rows: list[dict[str, Any]], columns: list[Column]) -> list[str]:
    """The all-portfolios measures that differ, one sentence each: the two figures, the
    difference and each item it is made of (those that show as more than 0), in dbt's words."""
    money = next(c for c in columns if c.name == "msr_amount")
    items = [c for c in columns if c.name in ITEM_COLUMNS]
    lines = []
    for r in rows:
        if not r["reconciliation_note"]:
            continue
        parts = [
            f"{c.label} {cell_text(r[c.name], c)}" for c in items if cell_text(r[c.name], c) != "0"
        ]
        lines.append(
            f"{r['msr_measure_label']} {cell_text(r['msr_amount'], money)} (MSR) vs "
            f"{r['fsr_measure_label']} {cell_text(r['fsr_amount'], money)} (FSR): "
            f"difference {cell_text(r['difference_amount'], money)}"
            + (f" = {' + '.join(parts)}" if parts else "")
            + f" ({r['reconciliation_note']})."
        )
    return lines
