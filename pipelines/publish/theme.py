"""The one place colours and fonts are defined, for the dashboards and the report packs alike.

A colour means one thing wherever it appears: red, amber and green are the RAG status only;
planned value, earned value, actual cost, the estimate and the budget at completion each have
their series colour on a dashboard chart, a report chart and a workbook chart. The report
stylesheet takes its CSS variables from :func:`css_variables`, so the printed pack and the
pages cannot drift apart.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- status

RAG = {"red": "#c0392b", "amber": "#e69f00", "green": "#2e8b57", "grey": "#9aa0a6"}
"""Red / amber / green, and grey for 'not measured'."""

RAG_TEXT = {"red": "#ffffff", "amber": "#1d1d1d", "green": "#ffffff", "grey": "#1d1d1d"}
"""Text on a RAG fill: white, but dark on amber and grey where white would not read."""

SEVERITY = {"low": RAG["green"], "medium": RAG["amber"], "high": RAG["red"]}
"""Risk severity, in the RAG colours."""

SEVERITY_TINT = {"low": "#dff0e4", "medium": "#fde9c2", "high": "#f6c9c4"}
"""Light fills of the severities, behind text (the report's risk heat map)."""

# --------------------------------------------------------------------------- series

SERIES = {
    # earned value: the plan in navy, what was earned in green, what was spent in orange, the
    # forecast in purple, the budget in slate
    "pv": "#1f4e79",
    "ev": "#2e8b57",
    "ac": "#e67e22",
    "eac": "#8e44ad",
    "bac": "#5d6d7e",
    # the EAC variants beside the estimate in use
    "eac_atypical": "#0ea5e9",
    "eac_cpi_spi": "#a16207",
    # delivery forecasts (Monte Carlo percentiles)
    "p50": "#3b82f6",
    "p85": "#8b5cf6",
    "p95": "#ec4899",
    # money by kind: the budget to date is the plan (as PV), booked cost the actual (as AC),
    # the forecast the estimate (as EAC)
    "budget": "#1f4e79",
    "actual": "#e67e22",
    "forecast": "#8e44ad",
    "commitments": "#14b8a6",
    "unpaid": "#b45309",
    "capex": "#1f4e79",
    "opex": "#14b8a6",
    # work: committed and open beside done
    "committed": "#94a3b8",
    "open": "#3b82f6",
    "done": "#c7ccd1",
    "baseline": "#d5dbe1",
}

AMOUNT_SERIES = {
    "cumulative_budget_amount": "budget",
    "budget_at_completion": "bac",
    "cumulative_actual_cost": "actual",
    "cumulative_actual_labour_cost": "actual",
    "forecast_at_completion": "forecast",
    "estimate_at_completion": "eac",
    "estimate_at_completion_atypical": "eac_atypical",
    "estimate_at_completion_cpi_spi": "eac_cpi_spi",
    "unpaid_amount": "unpaid",
}
"""The series a published amount column is drawn as, wherever it is charted."""

PALETTE = (
    "#3b82f6",
    "#e67e22",
    "#0f766e",
    "#8b5cf6",
    "#be185d",
    "#14b8a6",
    "#a16207",
    "#ec4899",
    "#64748b",
    "#84cc16",
    "#0ea5e9",
    "#f59e0b",
)
"""Categories with no meaning of their own (portfolios, vendors, projects), in this order;
none of the RAG colours, so no category reads as a status."""

AGEING = ("#2e8b57", "#e69f00", "#e67e22", "#c0392b")
"""Age buckets from current to the oldest: green to red."""

UTILISATION_SCALE = (
    (0.0, "#3b82f6"),
    (0.45, "#e5e7eb"),
    (0.6, RAG["green"]),
    (0.8, RAG["amber"]),
    (1.0, RAG["red"]),
)
"""Utilisation heat map: under-used in blue, the target band in green, overload in red."""

# --------------------------------------------------------------------------- ink and paper

INK = "#1d2430"
MUTED = "#5d6673"
RULE = "#d5d9de"
BAND = "#f4f6f8"
STRIPE = "#fafbfc"
ACCENT = "#1f4e79"
PAPER = "#ffffff"
GRID = "#e5e5e5"
GRID_LIGHT = "#f0f0f0"
AXIS = "#999999"
CHART_TEXT = "#222222"
REFERENCE_LINE = "#888888"
"""Dotted lines a chart is read against: CPI = 1, the planned finish, the data date."""
MARKER_DARK = "#1f2937"
OUTLINE = "#333333"
CONNECTOR = "#555555"
NOTICE = "#fff8e6"
NOTICE_MISSING = "#fdeeee"

FONT_FAMILY = "Helvetica, Arial, sans-serif"
REPORT_FONT_FAMILY = '"Helvetica Neue", Helvetica, Arial, "Liberation Sans", sans-serif'


def rgba(colour: str, alpha: float) -> str:
    """A theme colour with transparency, for fills drawn over a chart."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha:g})"


def css_variables() -> str:
    """The report stylesheet's ``:root`` block: every colour the CSS uses, from this module."""
    values = {
        "ink": INK,
        "muted": MUTED,
        "rule": RULE,
        "band": BAND,
        "stripe": STRIPE,
        "accent": ACCENT,
        "paper": PAPER,
        "outline": OUTLINE,
        **RAG,
        **{f"on-{name}": colour for name, colour in RAG_TEXT.items()},
        **{f"sev-{name}": colour for name, colour in SEVERITY_TINT.items()},
        "notice": NOTICE,
        "notice-missing": NOTICE_MISSING,
        "font": REPORT_FONT_FAMILY,
    }
    body = "\n".join(f"  --{name}: {value};" for name, value in values.items())
    return f":root {{\n{body}\n}}\n"
