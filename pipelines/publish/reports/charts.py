"""Plotly figures as plain JSON: no random ids, no template blobs, the same bytes every build.

The figures are drawn in the page by the plotly.js bundled with plotly (embedded in the HTML,
so the report works offline) and printed as vectors by Chromium.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from pipelines.publish import theme

from .document import Chart

COLOURS = {**theme.RAG, **theme.SERIES}
"""A chart's colours by meaning: the RAG status and the series (pv, ev, ac, eac, bac …)."""
FONT = {"family": theme.FONT_FAMILY, "size": 11, "color": theme.CHART_TEXT}


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    layout = {
        "title": {"text": title, "font": {"size": 13}, "x": 0, "xanchor": "left"},
        "font": FONT,
        "margin": {"l": 70, "r": 20, "t": 40, "b": 45},
        "paper_bgcolor": theme.PAPER,
        "plot_bgcolor": theme.PAPER,
        "legend": {"orientation": "h", "y": -0.18, "x": 0},
        "xaxis": {"gridcolor": theme.GRID, "linecolor": theme.AXIS},
        "yaxis": {"gridcolor": theme.GRID, "linecolor": theme.AXIS, "separatethousands": True},
        "showlegend": True,
    }
    layout.update(extra)
    return layout


def _values(frame: pl.DataFrame, column: str) -> list[Any]:
    return [v.isoformat() if isinstance(v, date) else v for v in frame[column].to_list()]


def s_curve(key: str, title: str, history: pl.DataFrame, currency: str) -> Chart:
    """Cumulative PV, EV and AC by month, with BAC and EAC as the lines they head for."""
    months = _values(history, "reporting_month")
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": months,
            "y": _values(history, column),
            "line": {"color": COLOURS[colour], "width": 2},
            "marker": {"size": 4},
        }
        for name, column, colour in (
            ("PV", "planned_value", "pv"),
            ("EV", "earned_value", "ev"),
            ("AC", "actual_cost", "ac"),
        )
    ]
    data += [
        {
            "type": "scatter",
            "mode": "lines",
            "name": name,
            "x": months,
            "y": _values(history, column),
            "line": {"color": COLOURS[colour], "width": 1, "dash": dash},
        }
        for name, column, colour, dash in (
            ("BAC", "budget_at_completion", "bac", "dot"),
            ("EAC", "estimate_at_completion", "eac", "dash"),
        )
    ]
    layout = _layout(
        title,
        yaxis={
            "title": {"text": currency},
            "gridcolor": theme.GRID,
            "separatethousands": True,
            "rangemode": "tozero",
        },
    )
    return Chart(key, title, {"data": data, "layout": layout}, height=300)


def rag_by_portfolio(portfolios: pl.DataFrame) -> Chart:
    """Projects per overall RAG status and portfolio (rpt_portfolio_kpis_monthly counts)."""
    names = portfolios["portfolio"].to_list()
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": label,
            "y": names,
            "x": portfolios[column].to_list(),
            "marker": {"color": COLOURS[colour]},
        }
        for label, column, colour in (
            ("Red", "red_project_count", "red"),
            ("Amber", "amber_project_count", "amber"),
            ("Green", "green_project_count", "green"),
            ("Not measured", "grey_project_count", "grey"),
        )
    ]
    layout = _layout(
        "Projects by overall health",
        barmode="stack",
        margin={"l": 170, "r": 20, "t": 40, "b": 30},
        yaxis={"autorange": "reversed"},
        xaxis={"dtick": 1, "gridcolor": theme.GRID},
        legend={"orientation": "h", "y": -0.12, "x": 0, "traceorder": "normal"},
    )
    return Chart(
        "rag-by-portfolio",
        "Projects by overall health",
        {"data": data, "layout": layout},
        height=60 + 45 * max(len(names), 2),
    )


def grouped_bars(
    key: str,
    title: str,
    frame: pl.DataFrame,
    category: str,
    series: list[tuple[str, str, str]],
    currency: str,
    *,
    stacked: bool = False,
    horizontal: bool = False,
) -> Chart:
    """Bars per category for several amount columns (budget / actual / forecast ...)."""
    names = [str(v) for v in frame[category].to_list()]
    data = []
    for label, column, colour in series:
        values = frame[column].to_list()
        bar: dict[str, Any] = {
            "type": "bar",
            "name": label,
            "marker": {"color": COLOURS.get(colour, colour)},
        }
        if horizontal:
            bar.update(orientation="h", y=names, x=values)
        else:
            bar.update(x=names, y=values)
        data.append(bar)
    value_axis = {"title": {"text": currency}, "gridcolor": theme.GRID, "separatethousands": True}
    layout = _layout(
        title,
        barmode="stack" if stacked else "group",
        legend={"orientation": "h", "y": -0.18, "x": 0, "traceorder": "normal"},
    )
    if horizontal:
        layout.update(
            xaxis=value_axis,
            yaxis={"autorange": "reversed"},
            margin={"l": 170, "r": 20, "t": 40, "b": 45},
        )
        height = 80 + 22 * max(len(names), 3) * (1 if stacked else max(len(series) / 2, 1))
    else:
        layout.update(yaxis=value_axis)
        height = 340
    return Chart(key, title, {"data": data, "layout": layout}, height=int(height))


def eac_range(frame: pl.DataFrame, currency: str) -> Chart:
    """The EAC variants of each project side by side, against its BAC."""
    names = frame["project_code"].to_list()
    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": label,
            "y": names,
            "x": frame[column].to_list(),
            "marker": {"color": COLOURS[colour], "symbol": symbol, "size": 9},
        }
        for label, column, colour, symbol in (
            ("BAC", "budget_at_completion", "bac", "line-ns-open"),
            ("EAC = BAC / CPI", "estimate_at_completion", "eac", "circle"),
            ("EAC = AC + (BAC − EV)", "estimate_at_completion_atypical", "eac_atypical", "diamond"),
            (
                "EAC = AC + (BAC − EV) / (CPI × SPI)",
                "estimate_at_completion_cpi_spi",
                "eac_cpi_spi",
                "x",
            ),
        )
    ]
    layout = _layout(
        "EAC range by project",
        margin={"l": 60, "r": 20, "t": 40, "b": 60},
        xaxis={"title": {"text": currency}, "gridcolor": theme.GRID, "separatethousands": True},
        yaxis={"autorange": "reversed", "gridcolor": theme.GRID_LIGHT},
    )
    return Chart(
        "eac-range",
        "EAC range by project",
        {"data": data, "layout": layout},
        height=100 + 20 * max(len(names), 3),
    )
