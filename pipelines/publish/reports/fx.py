"""Amounts without an exchange rate: the same table in the MSR and the FSR."""

from __future__ import annotations

from .document import Table, columns_for
from .source import ReportSource

MODEL = "fct_fx_rate_gaps"


def fx_gap_table(source: ReportSource, section: str) -> Table:
    """Every currency, month and source whose amounts could not be converted (left out)."""
    gaps = source.frame(
        f"select project_code, currency, amount_month, entity, row_count, original_amount "
        f"from {MODEL} order by currency, amount_month, entity, project_code",
        section=section,
    )
    return Table(
        "fx_gaps",
        "Amounts without an exchange rate (left out of every total)",
        gaps,
        columns_for(
            source,
            MODEL,
            ("project_code", "currency", "amount_month", "entity", "row_count", "original_amount"),
        ),
        MODEL,
        sheet="Missing FX rates",
    )
