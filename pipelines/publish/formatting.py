"""How a published value reads as text: one formatter for the dashboards, the report packs
(HTML, PDF and the workbook's display text) and `pmo sql`.

The dbt YAML decides how a column reads (``meta.metric``: label, format, unit); this module only
renders that decision, so a metric added in SQL shows the same way on a page and in a pack with
no Python change. Values are never rounded in the data: the workbook keeps native numbers and
only its display format follows the metric.

One spelling each, everywhere:

- no value: an em dash, ``—`` (a blank cell reads as zero or as a bug; the en dash ``–`` is kept
  for ranges such as "lines 12–40" and "28 Sep – 4 Oct");
- booleans: ``Yes`` / ``No``, capitalised like every other cell;
- a percentage held as a share of one (unit ``ratio``, or a ``*_ratio`` column) is shown ×100;
- no ``-0``: a value that rounds to zero is shown without a sign.

Two places a value is shown, one set of rules:

- :func:`format_value` — text that stands alone (a tile, a sentence, a chart's hover): money
  with its currency symbol ("€1,234"), a count of time with its unit ("3.5 months");
- :func:`cell_text` — a table cell, whose column title carries the unit ("VAC (€)"), so the cell
  shows the number alone ("1,234"), dates in ISO form (sortable, as the workbook shows them).

Formats in use: currency, ratio, index, percent, integer, number, months, date, month, boolean,
rag, text.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

NO_VALUE = "—"
YES, NO = "Yes", "No"

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF "}
MONEY_UNITS = ("EUR", "USD", "GBP")
"""Units that make a plain number an amount of money."""
NUMERIC_FORMATS = {"currency", "ratio", "index", "percent", "integer", "number", "months"}
TIME_UNITS = ("days", "hours", "weeks")


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def meta_dict(meta: Any) -> dict[str, Any]:
    """A column's meta as a dict: the catalog's ``meta.metric`` dict as it is, or the name,
    format and unit of a column description (a report :class:`ColumnMeta`)."""
    if meta is None:
        return {}
    if isinstance(meta, dict):
        return meta
    return {"name": meta.name, "format": meta.format, "unit": meta.unit}


def is_share_of_one(meta: Any) -> bool:
    """A percentage held as 0-1 (unit 'ratio', or a ``*_ratio`` column); others hold 0-100."""
    found = meta_dict(meta)
    if found.get("format") == "percent_of_one":
        return True
    return found.get("unit") == "ratio" or str(found.get("name") or "").endswith("_ratio")


def percent_scale(meta: Any) -> float:
    """What a percent column's value is multiplied by to read as a percentage."""
    return 100.0 if is_share_of_one(meta) else 1.0


def number(value: float, decimals: int) -> str:
    """A number with thousands separators, and no '-0' for a value that rounds to zero."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and set(text[1:]) <= set("0.,"):
        text = text[1:]
    return text


def currency_affixes(unit: str | None) -> tuple[str, str]:
    """(prefix, suffix) of an amount in ``unit``: '€' before, or ' SEK' after."""
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


def _shared(value: Any, kind: str | None, meta: Any) -> str | None:
    """The text every place agrees on (no value, yes/no, indices, percentages, months of the
    year); None when the place decides."""
    if is_missing(value):
        return NO_VALUE
    if isinstance(value, bool) or (kind == "boolean" and isinstance(value, int)):
        return YES if value else NO
    if kind == "month" and isinstance(value, date | datetime):
        return value.strftime("%b %Y")
    if not isinstance(value, int | float):
        return None
    if kind in ("ratio", "index"):
        return number(value, 2)
    if kind in ("percent", "percent_of_one"):
        return number(value * percent_scale(meta), 1) + "%"
    return None


def _read(value: Any, meta: Any, default_kind: str | None) -> tuple[Any, dict[str, Any], Any]:
    """(value, meta, format): a DECIMAL as a float, the meta as a dict."""
    found = meta_dict(meta)
    return (
        float(value) if isinstance(value, Decimal) else value,
        found,
        found.get("format", default_kind),
    )


def format_value(value: Any, meta: Any, *, compact: bool = False) -> str:
    """A value as text that stands alone (tile, sentence, hover), as the catalog says it reads."""
    value, found, kind = _read(value, meta, "number")
    shared = _shared(value, kind, found)
    if shared is not None:
        return shared
    unit = found.get("unit")
    if kind == "currency":
        prefix, suffix = currency_affixes(unit)
        sign = "-" if value < 0 else ""
        body = _compact(abs(value)) if compact else f"{abs(value):,.0f}"
        return f"{sign}{prefix}{body}{suffix}"
    if kind == "integer":
        return f"{int(round(value)):,}"
    if kind == "months":
        return f"{value:,.1f} mo" if compact else f"{value:,.1f} months"
    if kind == "date":
        return value.strftime("%-d %b %Y") if isinstance(value, date | datetime) else str(value)
    if kind == "number" and unit == "score":
        return f"{value:,.0f}"
    if kind == "number":
        text = f"{value:,.0f}" if compact and abs(value) >= 1000 else f"{value:,.1f}"
        if unit and unit not in ("ratio",):
            return f"{text} {unit}"
        return text
    return str(value)


def cell_text(value: Any, meta: Any) -> str:
    """A table cell's text: the number alone (its unit is in the column title)."""
    value, found, kind = _read(value, meta, None)
    shared = _shared(value, kind, found)
    if shared is not None:
        return shared
    unit = found.get("unit")
    if kind == "rag":
        return str(value).capitalize()
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        if kind == "currency" or (kind == "number" and unit in MONEY_UNITS):
            return number(value, 0)
        if kind == "months":
            return number(value, 1)
        if kind == "integer" or isinstance(value, int):
            return number(value, 0)
        return number(value, 1)
    return str(value)


def money_text(value: Any, currency: str) -> str:
    """An amount with its currency, for cards and sentences: '€1,234', '−$56', 'CHF 7,890'
    (whole units, a real minus sign)."""
    if is_missing(value):
        return NO_VALUE
    amount = number(abs(float(value)), 0)
    code = currency.upper()
    symbol = CURRENCY_SYMBOLS.get(code, f"{code} ")
    text = f"{symbol}{amount}"
    return f"−{text}" if float(value) <= -0.5 else text


def plain_text(value: Any) -> str:
    """A value with no metric meta (a `pmo sql` or `pmo status` cell): integers whole, other
    numbers to two decimals, on one line."""
    if isinstance(value, float) and not math.isnan(value):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    shared = _shared(value, None, None)
    return shared if shared is not None else str(value).replace("\n", " ")
