"""Number formats and labels taken from the catalog's ``meta.metric`` (pure, no Streamlit).

The dbt YAML decides how a column reads (label, format, unit); this module only renders that
decision, so a metric a PMO analyst adds in SQL shows correctly with no Python change.
Formats in use: currency, ratio, index, percent (unit "%" means 0-100, unit "ratio" means 0-1),
integer, number, months, date, month, boolean, text.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from pipelines.publish import theme

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF "}

# One set of RAG colours everywhere: the theme's.
RAG_COLOURS = theme.RAG
RAG_ORDER = {"red": 3, "amber": 2, "green": 1, "grey": 0}
RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green", "grey": "Not measured"}

NUMERIC_FORMATS = {"currency", "ratio", "index", "percent", "integer", "number", "months"}


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


TIME_UNITS = ("days", "hours", "weeks")


def label(meta: dict[str, Any], fallback: str) -> str:
    return (meta or {}).get("label") or fallback.replace("_", " ").capitalize()


def _currency_prefix(unit: str | None) -> tuple[str, str]:
    if not unit:
        return "", ""
    symbol = CURRENCY_SYMBOLS.get(unit.upper())
    return (symbol, "") if symbol else ("", f" {unit}")


def _compact(value: float) -> str:
    magnitude = abs(value)
    for threshold, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if magnitude >= threshold:
            return f"{value / threshold:,.{2 if magnitude < threshold * 10 else 1}f}{suffix}"
    return f"{value:,.0f}"


def percent_scale(meta: dict[str, Any]) -> float:
    """Percent columns with unit 'ratio' hold 0-1, others 0-100."""
    return 100.0 if (meta or {}).get("unit") == "ratio" else 1.0


def format_value(value: Any, meta: dict[str, Any] | None, *, compact: bool = False) -> str:
    """A value as the catalog says it should read ('—' when unknown)."""
    meta = meta or {}
    if is_missing(value):
        return "—"
    kind = meta.get("format", "number")
    unit = meta.get("unit")
    if kind == "currency":
        prefix, suffix = _currency_prefix(unit)
        sign = "-" if value < 0 else ""
        body = _compact(abs(value)) if compact else f"{abs(value):,.0f}"
        return f"{sign}{prefix}{body}{suffix}"
    if kind in ("ratio", "index"):
        return f"{value:,.2f}"
    if kind == "percent":
        return f"{value * percent_scale(meta):,.1f}%"
    if kind == "integer":
        return f"{int(round(value)):,}"
    if kind == "months":
        return f"{value:,.1f} mo" if compact else f"{value:,.1f} months"
    if kind == "boolean":
        return "Yes" if value else "No"
    if kind == "date":
        return value.strftime("%-d %b %Y") if isinstance(value, date | datetime) else str(value)
    if kind == "month":
        return value.strftime("%b %Y") if isinstance(value, date | datetime) else str(value)
    if kind == "number" and unit == "score":
        return f"{value:,.0f}"
    if kind == "number":
        text = f"{value:,.0f}" if compact and abs(value) >= 1000 else f"{value:,.1f}"
        if unit and unit not in ("ratio",):
            return f"{text} {unit}"
        return text
    return str(value)


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
        return "percent" if unit == "ratio" else "%.1f%%"
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
    prefix, suffix = _currency_prefix(meta["unit"])
    return f"{title} ({(prefix or suffix).strip()})"


def month_label(value: date | datetime | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%b %Y")
