"""Labels and Streamlit column formats from the catalog's ``meta.metric`` (pure, no Streamlit).

The text of a value comes from the one formatter the reports and `pmo sql` use too
(:mod:`pipelines.publish.formatting`); what is here is the dashboards' own: a change with its
sign, st.metric's delta colour, and the printf formats of st.column_config, which render the same
cells in the browser.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pipelines.publish import theme
from pipelines.publish.formatting import (
    CURRENCY_SYMBOLS,
    NO_VALUE,
    NUMERIC_FORMATS,
    TIME_UNITS,
    currency_affixes,
    format_value,
    is_missing,
    is_share_of_one,
    percent_scale,
)

__all__ = [
    "CURRENCY_SYMBOLS",
    "NUMERIC_FORMATS",
    "RAG_COLOURS",
    "RAG_LABELS",
    "RAG_ORDER",
    "TIME_UNITS",
    "column_format",
    "column_title",
    "delta_colour",
    "format_delta",
    "format_value",
    "is_missing",
    "label",
    "month_label",
    "percent_scale",
]

# One set of RAG colours everywhere: the theme's.
RAG_COLOURS = theme.RAG
RAG_ORDER = {"red": 3, "amber": 2, "green": 1, "grey": 0}
RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green", "grey": "Not measured"}


def label(meta: dict[str, Any], fallback: str) -> str:
    return (meta or {}).get("label") or fallback.replace("_", " ").capitalize()


def format_delta(value: Any, meta: dict[str, Any] | None) -> str | None:
    """A change between two published values, in the metric's own format, with a sign."""
    if is_missing(value):
        return None
    text = format_value(abs(value), meta, compact=True)
    if not any(digit in "123456789" for digit in text):
        return None  # a change too small to show ("-0.00") reads as no change
    if (meta or {}).get("format") == "percent":
        text = text.replace("%", " pts")
    return ("+" if value >= 0 else "-") + text


def delta_colour(meta: dict[str, Any] | None) -> str:
    """st.metric delta_color from good_when: higher is good -> normal, lower -> inverse."""
    good_when = (meta or {}).get("good_when")
    return {"higher": "normal", "lower": "inverse"}.get(good_when, "off")


def column_format(meta: dict[str, Any] | None) -> str | None:
    """A printf-style format for st.column_config.NumberColumn (None: leave it to Streamlit)."""
    meta = meta or {}
    kind, unit = meta.get("format"), meta.get("unit")
    if kind == "currency":
        # the currency goes in the column title (column_title): a printf prefix would put the
        # sign after the symbol ("€-113,793")
        return "%,.0f"
    if kind in ("ratio", "index"):
        return "%.2f"
    if kind == "percent":
        # Streamlit's "percent" preset multiplies by 100: right for 0-1 ratios only.
        return "percent" if is_share_of_one(meta) else "%.1f%%"
    if kind == "integer":
        # counts of time carry their unit in the cell ("12 days"), so a column is never read
        # as hours or weeks
        return f"%,d {unit}" if unit in TIME_UNITS else "%,d"
    if kind == "months":
        return "%.1f"
    if kind == "number":
        return "%,.1f"
    return None


def column_title(title: str, meta: dict[str, Any] | None) -> str:
    """A table column's title: a money column names its currency ("VAC (€)"), so its cells can
    show the sign before the digits ("-113,793")."""
    meta = meta or {}
    if meta.get("format") != "currency" or not meta.get("unit"):
        return title
    prefix, suffix = currency_affixes(meta["unit"])
    return f"{title} ({(prefix or suffix).strip()})"


def month_label(value: date | datetime | str | None) -> str:
    if value is None:
        return NO_VALUE
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%b %Y")
