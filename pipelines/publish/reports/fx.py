"""Amounts without an exchange rate: the same section in the MSR and the FSR."""

from __future__ import annotations

from .sections import Section

FX_GAPS = Section(
    "fx_gaps",
    "Amounts without an exchange rate (left out of every total)",
    "fct_fx_rate_gaps",
    ("project_code", "currency", "amount_month", "entity", "row_count", "original_amount"),
    "Data caveats",
    order="currency, amount_month, entity, project_code",
    sheet="Missing FX rates",
)
"""Every currency, month and source whose amounts could not be converted (left out)."""
