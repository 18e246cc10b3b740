"""Chart builders: published rows in, ``go.Figure`` out. Pure: no Streamlit, no storage.

Figures plot the rows they are given; where a total across rows is visible (stacked bars and
areas) Plotly stacks the published segments — nothing is summed or derived here. Labels and
number formats come from the catalog meta the caller passes in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboards.components.formatting import (
    RAG_COLOURS,
    RAG_LABELS,
    format_value,
    percent_scale,
)
from pipelines.publish import theme
from pipelines.publish.formatting import NO_VALUE

SERIES = theme.SERIES
PALETTE = list(theme.PALETTE)
AXIS_RANGE = (0.5, 1.5)  # CPI / SPI shown on the bubble chart; beyond it, on the edge
SEVERITY_COLOURS = theme.SEVERITY
DAY_MS = 86_400_000  # a day on a date axis, in milliseconds (the unit of a bar's length there)


def _layout(
    fig: go.Figure, *, height: int = 380, title: str | None = None, **kwargs: Any
) -> go.Figure:
    settings: dict[str, Any] = {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 40 if title else 20, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "hovermode": "closest",
    }
    if title:
        settings["title"] = {"text": title}
    fig.update_layout(**{**settings, **kwargs})
    return fig


def _hover_format(meta: dict[str, Any] | None) -> str:
    """A d3 format for hover text that matches the catalog format."""
    kind = (meta or {}).get("format")
    if kind == "currency":
        return ",.0f"
    if kind in ("ratio", "index"):
        return ".2f"
    if kind == "integer":
        return ",d"
    return ",.1f"


def _axis_title(meta: dict[str, Any] | None, fallback: str) -> str:
    meta = meta or {}
    title = meta.get("label") or fallback
    unit = meta.get("unit")
    if meta.get("format") == "percent":
        return f"{title} (%)"
    return f"{title} ({unit})" if unit and unit not in ("ratio",) else title


def _hover(x: str | None, meta: dict[str, Any] | None, name: str) -> str:
    """A hover line 'x: value' in the metric's own number format, named after the series."""
    value = f"%{{y:{_hover_format(meta)}}}"
    return f"{x + ': ' if x else ''}{value}<extra>{name}</extra>"


def empty_figure(message: str, height: int = 240) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, height=height)


# --------------------------------------------------------------------------- portfolio


def rag_matrix(
    frame: pl.DataFrame, dimensions: Sequence[tuple[str, str]], *, row_label: str = "project_code"
) -> go.Figure:
    """Projects × health dimensions as coloured squares; each square can be clicked.

    ``frame``: one row per project with ``project_code``, ``row_label``, ``health_reason`` and one
    status column per dimension (green/amber/red/grey), already in display order.
    """
    if frame.is_empty():
        return empty_figure("No project reports health for this month.")
    dimensions = [(column, title.replace(" ", "<br>")) for column, title in dimensions]
    labels = frame[row_label].to_list()
    fig = go.Figure()
    for status in ("red", "amber", "green", "grey"):
        xs, ys, codes, hover = [], [], [], []
        for row in frame.iter_rows(named=True):
            for column, title in dimensions:
                if (row.get(column) or "grey") == status:
                    xs.append(title)
                    ys.append(row[row_label])
                    codes.append(row["project_code"])
                    hover.append(
                        f"{row.get('label') or row[row_label]}<br>"
                        f"{title.replace('<br>', ' ')}: {RAG_LABELS[status]}"
                        f"<br>{row.get('health_reason') or ''}"
                    )
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers",
                name=RAG_LABELS[status],
                marker={"symbol": "square", "size": 22, "color": RAG_COLOURS[status]},
                customdata=codes,
                hovertext=hover,
                hoverinfo="text",
            )
        )
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(labels)), title=None)
    fig.update_xaxes(
        categoryorder="array",
        categoryarray=[title for _, title in dimensions],
        side="top",
        tickangle=0,
        title=None,
        showgrid=False,
    )
    fig.update_yaxes(showgrid=False)
    return _layout(
        fig,
        height=max(260, 26 * len(labels) + 100),
        showlegend=True,
        legend={"orientation": "h", "yanchor": "top", "y": -0.01, "x": 0},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )


def _bubble_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """The indices clipped to ``AXIS_RANGE`` (``_x``, ``_y``) and whether either was (``_off``):
    an index beyond the range is drawn on its edge as a triangle, to keep the chart readable."""
    low, high = AXIS_RANGE
    return rows.with_columns(
        pl.col("cost_performance_index").clip(low, high).alias("_x"),
        pl.col("schedule_performance_index").clip(low, high).alias("_y"),
        (
            (pl.col("cost_performance_index") < low)
            | (pl.col("cost_performance_index") > high)
            | (pl.col("schedule_performance_index") < low)
            | (pl.col("schedule_performance_index") > high)
        ).alias("_off"),
    )


def _bubble_hover(
    row: dict[str, Any],
    cpi_meta: dict[str, Any],
    spi_meta: dict[str, Any],
    bac_meta: dict[str, Any],
) -> str:
    return (
        f"{row['project_code']} · {row.get('project_name') or ''}<br>"
        f"{cpi_meta.get('label', 'CPI')} "
        f"{format_value(row['cost_performance_index'], cpi_meta)} · "
        f"{spi_meta.get('label', 'SPI')} "
        f"{format_value(row['schedule_performance_index'], spi_meta)}<br>"
        f"{bac_meta.get('label', 'BAC')} "
        f"{format_value(row['budget_at_completion'], bac_meta)}"
        + ("<br>(off the scale: drawn on the edge)" if row["_off"] else "")
    )


def _bubble_trace(
    part: pl.DataFrame, status: str, largest: float, metas: tuple[dict[str, Any], ...]
) -> go.Scatter:
    """One health colour's projects; ``metas`` are the CPI, SPI and BAC metas."""
    # area ∝ BAC, but no bubble so large that it hides its neighbours around CPI = SPI = 1
    sizes = [10 + 30 * math.sqrt(max(v or 0, 0) / largest) for v in part["budget_at_completion"]]
    return go.Scatter(
        x=part["_x"].to_list(),
        y=part["_y"].to_list(),
        mode="markers+text",
        cliponaxis=False,  # a marker drawn on the edge shows whole, never cut
        name=RAG_LABELS[status],
        text=part["project_code"].to_list(),
        textposition="middle center",
        textfont={"size": 10, "color": theme.PAPER},
        marker={
            "size": sizes,
            "color": RAG_COLOURS[status],
            "opacity": 0.85,
            "symbol": ["triangle-up" if off else "circle" for off in part["_off"]],
            "line": {"width": 1, "color": theme.PAPER},
        },
        customdata=part["project_code"].to_list(),
        hovertext=[_bubble_hover(row, *metas) for row in part.iter_rows(named=True)],
        hoverinfo="text",
    )


def _threshold_lines(fig: go.Figure, thresholds: dict[str, float | None]) -> None:
    """CPI = SPI = 1 dotted, and the amber and red thresholds dashed in their colours."""
    fig.add_hline(y=1.0, line_dash="dot", line_color=theme.REFERENCE_LINE)
    fig.add_vline(x=1.0, line_dash="dot", line_color=theme.REFERENCE_LINE)
    for key, status in (("amber_below", "amber"), ("red_below", "red")):
        if thresholds.get(key) is None:
            continue
        line = {"line_dash": "dash", "line_color": RAG_COLOURS[status], "opacity": 0.6}
        fig.add_hline(y=thresholds[key], **line)
        fig.add_vline(x=thresholds[key], **line)


def cpi_spi_bubbles(
    frame: pl.DataFrame,
    *,
    cpi_meta: dict[str, Any],
    spi_meta: dict[str, Any],
    bac_meta: dict[str, Any],
    thresholds: dict[str, float | None] | None = None,
) -> go.Figure:
    """CPI × SPI per project, bubble area ∝ BAC, colour = overall health; a click opens it."""
    rows = frame.filter(
        pl.col("cost_performance_index").is_not_null()
        & pl.col("schedule_performance_index").is_not_null()
    )
    if rows.is_empty():
        return empty_figure("No project has both CPI and SPI for this month.")
    largest = max((v or 0) for v in rows["budget_at_completion"].to_list()) or 1
    low, high = AXIS_RANGE
    rows = _bubble_rows(rows)
    fig = go.Figure()
    for status in ("red", "amber", "green", "grey"):
        part = rows.filter(pl.col("overall_status").fill_null("grey") == status)
        if not part.is_empty():
            fig.add_trace(_bubble_trace(part, status, largest, (cpi_meta, spi_meta, bac_meta)))
    _threshold_lines(fig, thresholds or {})
    fig.update_xaxes(title=_axis_title(cpi_meta, "CPI"), range=[low - 0.08, high + 0.08])
    fig.update_yaxes(title=_axis_title(spi_meta, "SPI"), range=[low - 0.08, high + 0.08])
    return _layout(fig, height=460)


# --------------------------------------------------------------------------- project


def s_curve(
    frame: pl.DataFrame,
    *,
    metas: dict[str, dict[str, Any]],
    projection: dict[str, Any] | None = None,
    planned_finish: date | None = None,
    rebaselines: Sequence[tuple[date, str]] = (),
) -> go.Figure:
    """PV, EV, AC by status date; BAC; the EAC projection from today's AC to the forecast finish;
    a marked line at each re-baseline (its effective month and a short label)."""
    if frame.is_empty():
        return empty_figure("No earned-value figures yet for this project.")
    x = frame["status_date"].to_list()
    fig = go.Figure()
    for column, colour in (
        ("planned_value", SERIES["pv"]),
        ("earned_value", SERIES["ev"]),
        ("actual_cost", SERIES["ac"]),
    ):
        meta = metas.get(column, {})
        fig.add_trace(
            go.Scatter(
                x=x,
                y=frame[column].to_list(),
                name=meta.get("label", column),
                mode="lines+markers",
                line={"color": colour, "width": 2.5},
                marker={"size": 5},
                hovertemplate=_hover("%{x|%b %Y}", meta, meta.get("label", column)),
            )
        )
    bac = frame["budget_at_completion"].to_list()
    bac_meta = metas.get("budget_at_completion", {})
    end = planned_finish or x[-1]
    if bac and bac[-1] is not None:
        fig.add_trace(
            go.Scatter(
                x=[x[0], max(end, x[-1])],
                y=[bac[-1], bac[-1]],
                name=bac_meta.get("label", "BAC"),
                mode="lines",
                line={"color": SERIES["bac"], "dash": "dot"},
                hovertemplate=_hover(None, bac_meta, bac_meta.get("label", "BAC")),
            )
        )
    if (
        projection
        and projection.get("estimate_at_completion") is not None
        and projection.get("forecast_finish_date")
    ):
        eac_meta = metas.get("estimate_at_completion", {})
        fig.add_trace(
            go.Scatter(
                x=[projection["status_date"], projection["forecast_finish_date"]],
                y=[projection["actual_cost"], projection["estimate_at_completion"]],
                name=f"{eac_meta.get('label', 'EAC')} projection",
                mode="lines+markers",
                line={"color": SERIES["eac"], "dash": "dash"},
                hovertemplate=_hover("%{x|%d %b %Y}", eac_meta, eac_meta.get("label", "EAC")),
            )
        )
    if planned_finish:
        fig.add_vline(x=planned_finish, line_dash="dot", line_color=theme.REFERENCE_LINE)
        fig.add_annotation(
            x=planned_finish,
            y=1,
            yref="paper",
            text="planned finish",
            showarrow=False,
            yanchor="bottom",
        )
    for effective, text in rebaselines:
        fig.add_vline(x=effective, line_dash="dash", line_color=SERIES["bac"])
        fig.add_annotation(
            x=effective, y=0.92, yref="paper", text=text, showarrow=False, xanchor="left"
        )
    unit = (metas.get("actual_cost") or {}).get("unit")
    fig.update_yaxes(title=f"Amount ({unit})" if unit else "Amount")
    return _layout(fig, height=400, hovermode="x unified")


def index_trend(
    frame: pl.DataFrame,
    *,
    metas: dict[str, dict[str, Any]],
    bands: dict[str, float | None] | None = None,
) -> go.Figure:
    """CPI, SPI and SPI(t) by month over the red / amber threshold bands of the health seed."""
    if frame.is_empty():
        return empty_figure("No index history yet.")
    x = frame["reporting_month"].to_list()
    fig = go.Figure()
    bands = bands or {}
    red, amber = bands.get("red_below"), bands.get("amber_below")
    if red is not None:
        fig.add_hrect(y0=0, y1=red, fillcolor=RAG_COLOURS["red"], opacity=0.12, line_width=0)
    if red is not None and amber is not None:
        fig.add_hrect(y0=red, y1=amber, fillcolor=RAG_COLOURS["amber"], opacity=0.12, line_width=0)
    fig.add_hline(y=1.0, line_dash="dot", line_color=theme.REFERENCE_LINE)
    colours = {
        "cost_performance_index": SERIES["ac"],
        "schedule_performance_index": SERIES["ev"],
        "schedule_performance_index_time": SERIES["p50"],
    }
    for column, colour in colours.items():
        if column not in frame.columns:
            continue
        meta = metas.get(column, {})
        fig.add_trace(
            go.Scatter(
                x=x,
                y=frame[column].to_list(),
                name=meta.get("label", column),
                mode="lines+markers",
                line={"color": colour},
                hovertemplate=f"%{{x|%b %Y}}: %{{y:.2f}}<extra>{meta.get('label', column)}</extra>",
            )
        )
    values = [v for c in colours if c in frame.columns for v in frame[c].to_list() if v is not None]
    if values:
        fig.update_yaxes(range=[max(0, min(values + [red or 1]) - 0.1), max(values + [1.0]) + 0.1])
    fig.update_yaxes(title="Index")
    return _layout(fig, height=340)


def forecast_finish_trend(
    frame: pl.DataFrame, *, planned_finish: date | None, meta: dict[str, Any]
) -> go.Figure:
    """How the earned-schedule forecast finish moved month by month, against the planned finish."""
    rows = frame.filter(pl.col("forecast_finish_date").is_not_null())
    if rows.is_empty():
        return empty_figure("No earned-schedule forecast yet.")
    fig = go.Figure(
        go.Scatter(
            x=rows["reporting_month"].to_list(),
            y=rows["forecast_finish_date"].to_list(),
            mode="lines+markers",
            name=meta.get("label", "Forecast finish"),
            line={"color": SERIES["eac"]},
            hovertemplate="%{x|%b %Y}: %{y|%d %b %Y}<extra>forecast finish</extra>",
        )
    )
    if planned_finish:
        fig.add_hline(y=planned_finish, line_dash="dot", line_color=theme.REFERENCE_LINE)
        fig.add_annotation(
            x=0,
            xref="paper",
            y=planned_finish,
            text="planned finish",
            showarrow=False,
            yanchor="bottom",
            xanchor="left",
        )
    fig.update_yaxes(title="Finish date")
    return _layout(fig, height=300)


def _milestone_dates(
    frame: pl.DataFrame, label_column: str, date_column: str, name: str, series: str
) -> go.Scatter:
    """Filled diamonds at the milestones' forecast or actual dates, their slippage on hover."""
    verb = "reached" if date_column == "actual_date" else "forecast"
    return go.Scatter(
        x=frame[date_column].to_list(),
        y=frame[label_column].to_list(),
        mode="markers",
        name=name,
        marker={"symbol": "diamond", "size": 11, "color": SERIES[series]},
        customdata=frame["slippage_days"].to_list() if "slippage_days" in frame.columns else None,
        hovertemplate=(
            f"%{{y}}<br>{verb} %{{x|%d %b %Y}}<br>slippage %{{customdata}} days<extra></extra>"
        ),
    )


def milestone_timeline(
    frame: pl.DataFrame, *, as_of: date | None = None, label_column: str = "label"
) -> go.Figure:
    """Baseline (hollow) vs forecast or actual (filled) per milestone, joined by a line."""
    if frame.is_empty():
        return empty_figure("No milestones on the latest milestone export.")
    labels = frame[label_column].to_list()
    fig = go.Figure()
    for row in frame.iter_rows(named=True):
        target = row.get("actual_date") or row.get("forecast_date")
        if row.get("baseline_date") and target:
            slip = row.get("slippage_days") or 0
            colour = RAG_COLOURS["red"] if slip > 0 else RAG_COLOURS["green"]
            fig.add_trace(
                go.Scatter(
                    x=[row["baseline_date"], target],
                    y=[row[label_column]] * 2,
                    mode="lines",
                    line={"color": colour, "width": 3},
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
    fig.add_trace(
        go.Scatter(
            x=frame["baseline_date"].to_list(),
            y=labels,
            mode="markers",
            name="Baseline",
            marker={
                "symbol": "diamond-open",
                "size": 11,
                "color": SERIES["bac"],
                "line": {"width": 2},
            },
            hovertemplate="%{y}<br>baseline %{x|%d %b %Y}<extra></extra>",
        )
    )
    reached = pl.col("actual_date").is_not_null()
    fig.add_trace(
        _milestone_dates(frame.filter(~reached), label_column, "forecast_date", "Forecast", "p50")
    )
    fig.add_trace(
        _milestone_dates(frame.filter(reached), label_column, "actual_date", "Actual", "ev")
    )
    if as_of:
        fig.add_vline(x=as_of, line_dash="dot", line_color=theme.REFERENCE_LINE)
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(labels)), title=None)
    return _layout(fig, height=max(260, 24 * len(labels) + 90))


def _roadmap_bars(fig: go.Figure, projects: pl.DataFrame) -> None:
    """One bar per project from start to planned finish, one trace per health colour."""
    for status in ("red", "amber", "green", "grey"):
        part = projects.filter(pl.col("overall_status").fill_null("grey") == status)
        if part.is_empty():
            continue
        starts = part["start_date"].to_list()
        finishes = part["planned_finish_date"].to_list()
        fig.add_trace(
            go.Bar(
                y=part["label"].to_list(),
                x=[
                    (f - s).days * DAY_MS if s and f else None
                    for s, f in zip(starts, finishes, strict=True)
                ],
                base=starts,
                orientation="h",
                name=RAG_LABELS[status],
                marker={"color": RAG_COLOURS[status], "opacity": 0.45},
                customdata=part["project_code"].to_list(),
                hovertemplate="%{y}<br>%{base|%d %b %Y} → planned finish<extra></extra>",
            )
        )


def _forecast_finish_marks(forecast: pl.DataFrame) -> go.Scatter:
    return go.Scatter(
        x=forecast["forecast_finish_date"].to_list(),
        y=forecast["label"].to_list(),
        mode="markers",
        name="Forecast finish (ES)",
        marker={
            "symbol": "line-ns",
            "size": 18,
            "line": {"width": 3, "color": SERIES["eac"]},
        },
        hovertemplate="%{y}<br>forecast finish %{x|%d %b %Y}<extra></extra>",
    )


def _milestone_marks(milestones: pl.DataFrame) -> list[go.Scatter]:
    """Each milestone's baseline (hollow) and its forecast or actual date (filled; red if late)."""
    target = milestones.with_columns(
        pl.coalesce("actual_date", "forecast_date").alias("target_date")
    )
    baseline = go.Scatter(
        x=milestones["baseline_date"].to_list(),
        y=milestones["label"].to_list(),
        mode="markers",
        name="Milestone baseline",
        marker={
            "symbol": "diamond-open",
            "size": 10,
            "color": SERIES["bac"],
            "line": {"width": 2},
        },
        text=milestones["milestone_name"].to_list(),
        hovertemplate="%{y}: %{text}<br>baseline %{x|%d %b %Y}<extra></extra>",
    )
    forecast = go.Scatter(
        x=target["target_date"].to_list(),
        y=target["label"].to_list(),
        mode="markers",
        name="Milestone forecast / actual",
        marker={
            "symbol": "diamond",
            "size": 10,
            "color": [
                RAG_COLOURS["red"] if (s or 0) > 0 else RAG_COLOURS["green"]
                for s in target["slippage_days"].to_list()
            ],
        },
        text=target["milestone_name"].to_list(),
        customdata=target["slippage_days"].to_list(),
        hovertemplate=(
            "%{y}: %{text}<br>forecast/actual %{x|%d %b %Y}"
            "<br>slippage %{customdata} days<extra></extra>"
        ),
    )
    return [baseline, forecast]


def roadmap(projects: pl.DataFrame, milestones: pl.DataFrame, *, as_of: date | None) -> go.Figure:
    """Every project as a bar from start to planned finish (colour = health), its forecast finish,
    and its milestones: baseline (hollow) and forecast or actual (filled)."""
    if projects.is_empty():
        return empty_figure("No projects in this selection.")
    labels = projects["label"].to_list()
    fig = go.Figure()
    _roadmap_bars(fig, projects)
    forecast = projects.filter(pl.col("forecast_finish_date").is_not_null())
    if not forecast.is_empty():
        fig.add_trace(_forecast_finish_marks(forecast))
    if not milestones.is_empty():
        fig.add_traces(_milestone_marks(milestones))
    if as_of:
        fig.add_vline(x=as_of, line_dash="dot", line_color=theme.REFERENCE_LINE)
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(labels)), title=None)
    fig.update_xaxes(type="date")
    return _layout(fig, height=max(320, 28 * len(labels) + 100), barmode="overlay")


# --------------------------------------------------------------------------- generic bars and lines


def grouped_bars(
    frame: pl.DataFrame,
    *,
    x: str,
    measures: Sequence[str],
    metas: dict[str, dict[str, Any]],
    colours: Sequence[str] | None = None,
    height: int = 380,
    horizontal: bool = False,
) -> go.Figure:
    """One bar per row and measure, side by side (budget vs actual vs forecast)."""
    if frame.is_empty():
        return empty_figure("No rows for this selection.")
    fig = go.Figure()
    for index, column in enumerate(measures):
        meta = metas.get(column, {})
        values = frame[column].to_list()
        categories = frame[x].to_list()
        fig.add_trace(
            go.Bar(
                x=values if horizontal else categories,
                y=categories if horizontal else values,
                orientation="h" if horizontal else "v",
                name=meta.get("label", column),
                marker={"color": (colours or PALETTE)[index % len(colours or PALETTE)]},
                hovertemplate=(
                    f"%{{{'y' if horizontal else 'x'}}}: "
                    f"%{{{'x' if horizontal else 'y'}:{_hover_format(meta)}}}"
                    f"<extra>{meta.get('label', column)}</extra>"
                ),
            )
        )
    unit = (metas.get(measures[0]) or {}).get("unit")
    axis = f"Amount ({unit})" if unit else "Amount"
    if horizontal:
        fig.update_xaxes(title=axis)
        fig.update_yaxes(autorange="reversed", title=None)
    else:
        fig.update_yaxes(title=axis)
    return _layout(fig, height=height, barmode="group")


def _array(values: pl.Series) -> Any:
    """A column as the numpy array Plotly validates in one step (a Python list is checked item
    by item: ten times slower on a large portfolio). Nulls become NaN / NaT / None."""
    return values.to_numpy()


def _custom(group: str, detail: pl.Series | None, height: int) -> Any:
    """customdata rows [group] or [group, detail] for each bar of a segment, as one array."""
    columns = {"group": pl.repeat(group, height, eager=True, dtype=pl.String)}
    if detail is not None:
        columns["detail"] = detail.cast(pl.String)
    return pl.DataFrame(columns).to_numpy()


def stacked_bars(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    colour: str,
    meta: dict[str, Any],
    height: int = 380,
    colour_order: Sequence[str] | None = None,
    colour_map: dict[str, str] | None = None,
    x_is_date: bool = False,
    detail: str | None = None,
) -> go.Figure:
    """Published rows as stacked segments: the bar's height is Plotly stacking those rows.
    ``detail`` names the column that tells a segment's rows apart in the hover (e.g. the
    project, when each project's row of a category is a segment). A row without a value is no
    segment: Plotly restarts a stack at zero after a null bar, so the bar would show only part."""
    frame = frame.filter(pl.col(y).is_not_null())
    if frame.is_empty():
        return empty_figure("No rows for this selection.")
    parts = {
        key[0]: part
        for key, part in frame.with_columns(_group=pl.col(colour).cast(pl.String))
        .partition_by("_group", as_dict=True)
        .items()
    }
    groups = colour_order or sorted(parts, key=str)
    fig = go.Figure()
    for index, group in enumerate(groups):
        part = parts.get(group)
        if part is None:
            continue
        fig.add_trace(
            go.Bar(
                x=_array(part[x]),
                y=_array(part[y]),
                name=group,
                marker={
                    "color": (colour_map or {}).get(group, PALETTE[index % len(PALETTE)]),
                    "line": {"width": 0},
                },
                # [segment group, detail]: a click on a segment says which rows it stands for
                customdata=_custom(group, part[detail] if detail else None, part.height),
                hovertemplate=(
                    f"%{{x{'|%b %Y' if x_is_date else ''}}} · {group}"
                    f"{' · %{customdata[1]}' if detail else ''}: "
                    f"%{{y:{_hover_format(meta)}}}<extra></extra>"
                ),
            )
        )
    fig.update_yaxes(title=_axis_title(meta, y))
    if not x_is_date:
        fig.update_xaxes(categoryorder="category ascending", type="category")
    return _layout(fig, height=height, barmode="relative")


def lines(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    series: str | None,
    meta: dict[str, Any],
    colour_by: str | None = None,
    stacked: bool = False,
    height: int = 380,
    markers: bool = True,
) -> go.Figure:
    """One line per series value (optionally stacked areas, or coloured by a grouping column)."""
    if frame.is_empty():
        return empty_figure("No rows for this selection.")
    scale = percent_scale(meta) if meta.get("format") == "percent" else 1.0
    fig = go.Figure()
    parts = (
        {key[0]: part for key, part in frame.partition_by(series, as_dict=True).items()}
        if series
        else {None: frame}
    )
    keys = sorted(parts, key=str)
    groups = sorted({str(v) for v in frame[colour_by].to_list()}) if colour_by else []
    shown_groups: set[str] = set()
    for index, key in enumerate(keys):
        part = parts[key].sort(x)
        group = str(part[colour_by][0]) if colour_by else None
        colour = PALETTE[(groups.index(group) if group is not None else index) % len(PALETTE)]
        name = str(key) if key is not None else (meta.get("label") or y)
        fig.add_trace(
            go.Scatter(
                x=_array(part[x]),
                y=_array(part[y] * scale),
                name=name,
                mode="lines+markers" if markers else "lines",
                stackgroup="one" if stacked else None,
                line={"color": colour},
                legendgroup=group,
                legendgrouptitle={"text": group}
                if group is not None and group not in shown_groups
                else None,
                hovertemplate=f"%{{x}}: %{{y:{_hover_format(meta)}}}<extra>{name}</extra>",
            )
        )
        if group is not None:
            shown_groups.add(group)
    fig.update_yaxes(title=_axis_title(meta, y))
    return _layout(fig, height=height)


def bars(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    meta: dict[str, Any],
    colour_by: str | None = None,
    height: int = 380,
    colour_map: dict[str, str] | None = None,
) -> go.Figure:
    """One bar per row (a metric without a time axis)."""
    if frame.is_empty():
        return empty_figure("No rows for this selection.")
    scale = percent_scale(meta) if meta.get("format") == "percent" else 1.0
    fig = go.Figure()
    if colour_by:
        for index, group in enumerate(sorted({str(v) for v in frame[colour_by].to_list()})):
            part = frame.filter(pl.col(colour_by).cast(pl.String) == group)
            fig.add_trace(
                go.Bar(
                    x=part[x].cast(pl.String).to_list(),
                    y=[None if v is None else v * scale for v in part[y].to_list()],
                    name=group,
                    marker={"color": (colour_map or {}).get(group, PALETTE[index % len(PALETTE)])},
                )
            )
    else:
        fig.add_trace(
            go.Bar(
                x=frame[x].cast(pl.String).to_list(),
                y=[None if v is None else v * scale for v in frame[y].to_list()],
                marker={"color": PALETTE[0]},
                name=meta.get("label") or y,
            )
        )
    fig.update_yaxes(title=_axis_title(meta, y))
    fig.update_xaxes(
        type="category", categoryorder="array", categoryarray=frame[x].cast(pl.String).to_list()
    )
    return _layout(fig, height=height, barmode="relative")


# --------------------------------------------------------------------------- delivery


def velocity(frame: pl.DataFrame, *, metas: dict[str, dict[str, Any]]) -> go.Figure:
    """Committed vs completed points per sprint, with say/do and the rolling velocity."""
    if frame.is_empty():
        return empty_figure("No sprints for this team yet.")
    x = frame["sprint_name"].to_list()
    fig = go.Figure()
    for column, colour in (
        ("committed_story_points", SERIES["committed"]),
        ("completed_story_points", SERIES["ev"]),
    ):
        meta = metas.get(column, {})
        fig.add_trace(
            go.Bar(
                x=x,
                y=frame[column].to_list(),
                name=meta.get("label", column),
                marker={"color": colour},
            )
        )
    if "rolling_3_sprint_velocity_story_points" in frame.columns:
        meta = metas.get("rolling_3_sprint_velocity_story_points", {})
        fig.add_trace(
            go.Scatter(
                x=x,
                y=frame["rolling_3_sprint_velocity_story_points"].to_list(),
                name=meta.get("label", "Rolling velocity"),
                mode="lines",
                line={"color": SERIES["p85"], "width": 2},
            )
        )
    if "say_do_ratio" in frame.columns:
        meta = metas.get("say_do_ratio", {})
        fig.add_trace(
            go.Scatter(
                x=x,
                y=frame["say_do_ratio"].to_list(),
                name=meta.get("label", "Say/do"),
                mode="lines+markers",
                yaxis="y2",
                line={"color": SERIES["ac"], "dash": "dot"},
                hovertemplate="%{x}: %{y:.2f}<extra>say/do</extra>",
            )
        )
    fig.update_layout(
        yaxis={"title": "Story points"},
        yaxis2={
            "title": "Say/do",
            "overlaying": "y",
            "side": "right",
            "range": [0, 1.25],
            "dtick": 0.25,
            "tickformat": ".2f",
            "showgrid": False,
        },
    )
    return _layout(fig, height=380, barmode="group")


def burnup_fan(
    burnup: pl.DataFrame, forecast: dict[str, Any] | None, *, planned_finish: date | None
) -> go.Figure:
    """Scope and done points over the task snapshots, and the Monte Carlo fan to P50/P85/P95."""
    if burnup.is_empty():
        return empty_figure("No story-point history for this project.")
    x = burnup["snapshot_date"].to_list()
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=burnup["scope_story_points"].to_list(),
            name="Scope",
            mode="lines",
            line={"color": SERIES["bac"], "shape": "hv"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=burnup["done_story_points"].to_list(),
            name="Done",
            mode="lines+markers",
            line={"color": SERIES["ev"], "width": 3},
        )
    )
    if forecast and forecast.get("forecast_status") == "forecast":
        start_x = forecast.get("forecast_start_date") or x[-1]
        start_y = forecast.get("done_story_points")
        scope = forecast.get("scope_story_points")
        p95, p85, p50 = (forecast.get(f"p{p}_finish_date") for p in (95, 85, 50))
        if p95 and p50 and start_y is not None and scope is not None:
            # the fan: from today's done points to the full scope at P50 (fast edge) and P95
            fig.add_trace(
                go.Scatter(
                    x=[start_x, p95],
                    y=[start_y, scope],
                    mode="lines",
                    line={"width": 0},
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
            fig.add_trace(
                go.Scatter(
                    x=[start_x, p50],
                    y=[start_y, scope],
                    mode="lines",
                    line={"width": 0},
                    fill="tonextx",
                    fillcolor=theme.rgba(SERIES["p85"], 0.18),
                    name="P50–P95 range",
                    hoverinfo="skip",
                )
            )
        for key, when in (("p50", p50), ("p85", p85), ("p95", p95)):
            if when and start_y is not None and scope is not None:
                fig.add_trace(
                    go.Scatter(
                        x=[start_x, when],
                        y=[start_y, scope],
                        name=f"{key.upper()} finish",
                        mode="lines+markers",
                        line={"color": SERIES[key], "dash": "dash"},
                        hovertemplate=f"{key.upper()}: %{{x|%d %b %Y}}<extra></extra>",
                    )
                )
    if planned_finish:
        fig.add_vline(x=planned_finish, line_dash="dot", line_color=theme.REFERENCE_LINE)
        fig.add_annotation(
            x=planned_finish,
            y=1,
            yref="paper",
            text="planned finish",
            showarrow=False,
            yanchor="bottom",
        )
    fig.update_yaxes(title="Story points")
    fig.update_xaxes(type="date")
    return _layout(fig, height=400)


# --------------------------------------------------------------------------- risk


def risk_heatmap(cells: pl.DataFrame) -> go.Figure:
    """5 × 5: impact across, probability up; cell colour = severity, text = open risks."""
    if cells.is_empty():
        return empty_figure("No risk register in force for this project and month.")
    z = [[None] * 5 for _ in range(5)]
    text = [[""] * 5 for _ in range(5)]
    hover = [[""] * 5 for _ in range(5)]
    severity_rank = {"low": 0, "medium": 1, "high": 2}
    for row in cells.iter_rows(named=True):
        p, i = int(row["probability_band"]) - 1, int(row["impact_band"]) - 1
        z[p][i] = severity_rank.get(row.get("severity"), 0)
        count = row.get("open_risk_count") or 0
        text[p][i] = str(count) if count else ""
        hover[p][i] = (
            f"probability {row.get('probability_band_label') or p + 1} × "
            f"impact {row.get('impact_band_label') or i + 1}"
            f"<br>{count} open risk(s)<br>exposure {row.get('open_risk_exposure_amount') or 0:,.0f}"
        )
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[1, 2, 3, 4, 5],
            y=[1, 2, 3, 4, 5],
            text=text,
            texttemplate="%{text}",
            textfont={"size": 18, "color": theme.PAPER},
            hovertext=hover,
            hoverinfo="text",
            colorscale=[
                [0.0, SEVERITY_COLOURS["low"]],
                [0.33, SEVERITY_COLOURS["low"]],
                [0.34, SEVERITY_COLOURS["medium"]],
                [0.66, SEVERITY_COLOURS["medium"]],
                [0.67, SEVERITY_COLOURS["high"]],
                [1.0, SEVERITY_COLOURS["high"]],
            ],
            zmin=0,
            zmax=2,
            showscale=False,
            xgap=3,
            ygap=3,
        )
    )
    fig.update_xaxes(title="Impact band", dtick=1)
    fig.update_yaxes(title="Probability band", dtick=1)
    return _layout(fig, height=420)


def risk_dots(risks: pl.DataFrame, severities: pl.DataFrame) -> go.Figure:
    """Every open risk as a dot in its 5 × 5 cell (cell colour = severity); hover names it."""
    fig = go.Figure()
    for row in severities.iter_rows(named=True):
        p, i = int(row["probability_band"]), int(row["impact_band"])
        fig.add_shape(
            type="rect",
            x0=i - 0.48,
            x1=i + 0.48,
            y0=p - 0.48,
            y1=p + 0.48,
            fillcolor=SEVERITY_COLOURS.get(row.get("severity"), theme.RAG["grey"]),
            opacity=0.35,
            line_width=0,
            layer="below",
        )
    placed = risks.filter(
        pl.col("probability_band").is_not_null() & pl.col("impact_band").is_not_null()
    )
    if placed.is_empty():
        fig.add_annotation(
            text="No open risk with a cost impact in this selection.", showarrow=False, x=3, y=3
        )
    else:
        placed = placed.with_columns(
            pl.int_range(pl.len()).over("probability_band", "impact_band").alias("_slot"),
            pl.len().over("probability_band", "impact_band").alias("_slots"),
        )
        xs, ys = [], []
        for row in placed.iter_rows(named=True):
            columns = max(1, math.ceil(math.sqrt(row["_slots"])))
            step = 0.8 / columns
            col, line = row["_slot"] % columns, row["_slot"] // columns
            xs.append(row["impact_band"] - 0.4 + step * (col + 0.5))
            ys.append(row["probability_band"] + 0.4 - step * (line + 0.5))
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers",
                marker={
                    "size": 9,
                    "color": theme.MARKER_DARK,
                    "line": {"width": 1, "color": theme.PAPER},
                },
                customdata=placed["project_code"].to_list(),
                hovertext=[
                    f"{row['project_code']} {row['risk_id']}: {row.get('title') or ''}<br>"
                    f"{row.get('category') or ''} · exposure {row.get('exposure_amount') or 0:,.0f}"
                    for row in placed.iter_rows(named=True)
                ],
                hoverinfo="text",
                showlegend=False,
            )
        )
    fig.update_xaxes(title="Impact band", range=[0.5, 5.5], dtick=1, showgrid=False, zeroline=False)
    fig.update_yaxes(
        title="Probability band", range=[0.5, 5.5], dtick=1, showgrid=False, zeroline=False
    )
    return _layout(fig, height=420)


# --------------------------------------------------------------------------- resources and quality


def heatmap(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    z: str,
    meta: dict[str, Any],
    colourscale: Any = "RdYlGn",
    zmid: float | None = None,
    reverse: bool = False,
    height: int | None = None,
    zmin: float | None = None,
    zmax: float | None = None,
) -> go.Figure:
    """A y × x grid of one published value (utilisation by team and week, freshness …)."""
    if frame.is_empty():
        return empty_figure("No rows for this selection.")
    scale = percent_scale(meta) if meta.get("format") == "percent" else 1.0
    xs = sorted(set(frame[x].to_list()))
    ys = sorted({str(v) for v in frame[y].to_list()})
    grid = {(str(r[y]), r[x]): r[z] for r in frame.select(x, y, z).iter_rows(named=True)}
    values = [
        [None if grid.get((row, col)) is None else grid[(row, col)] * scale for col in xs]
        for row in ys
    ]
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=xs,
            y=ys,
            colorscale=colourscale,
            reversescale=reverse,
            zmid=zmid,
            zmin=zmin,
            zmax=zmax,
            colorbar={"title": {"text": _axis_title(meta, z)}},
            hovertemplate=f"%{{y}} · %{{x}}: %{{z:{_hover_format(meta)}}}<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    fig.update_yaxes(autorange="reversed", title=None, type="category", dtick=1)
    return _layout(fig, height=height or max(280, 22 * len(ys) + 120))


# --------------------------------------------------------------------------- schedule


GANTT_COLOURS = {
    "critical": RAG_COLOURS["red"],
    "near_critical": RAG_COLOURS["amber"],
    "open": SERIES["open"],
    "done": SERIES["done"],
}
GANTT_NAMES = {
    "critical": "Critical (no float)",
    "near_critical": "Near-critical",
    "open": "Other open work",
    "done": "Done",
}


def _task_kinds(tasks: pl.DataFrame) -> pl.DataFrame:
    """Each task's kind (``_kind``): done, critical, near-critical or other open work."""
    kind = (
        pl.when(pl.col("task_state") == "Done")
        .then(pl.lit("done"))
        .when(pl.col("is_critical"))
        .then(pl.lit("critical"))
        .when(pl.col("is_near_critical"))
        .then(pl.lit("near_critical"))
        .otherwise(pl.lit("open"))
    )
    return tasks.with_columns(kind.alias("_kind"))


def _float_bars(floats: pl.DataFrame) -> go.Bar:
    """The total float: a faint bar from the early finish to the late finish."""
    return go.Bar(
        y=floats["label"].to_list(),
        x=[
            ((late - early).days) * DAY_MS
            for early, late in zip(
                floats["early_finish"].to_list(),
                floats["late_finish"].to_list(),
                strict=True,
            )
        ],
        base=floats["early_finish"].to_list(),
        orientation="h",
        name="Total float",
        marker={"color": SERIES["baseline"], "opacity": 0.6},
        customdata=floats["total_float_days"].to_list(),
        hovertemplate="%{y}<br>float %{customdata} working days<extra></extra>",
    )


def _task_bars(part: pl.DataFrame, name: str) -> go.Bar:
    """One kind's tasks from early start to early finish, both days included."""
    return go.Bar(
        y=part["label"].to_list(),
        x=[
            ((finish - start).days + 1) * DAY_MS
            for start, finish in zip(
                part["early_start"].to_list(), part["early_finish"].to_list(), strict=True
            )
        ],
        base=part["early_start"].to_list(),
        orientation="h",
        name=GANTT_NAMES[name],
        marker={"color": GANTT_COLOURS[name]},
        customdata=part.select(
            pl.col("early_finish").dt.strftime("%d %b %Y"),
            pl.col("total_float_days").cast(pl.String).fill_null(NO_VALUE),
        ).rows(),
        hovertemplate=(
            "%{y}<br>%{base|%d %b %Y} → %{customdata[0]}"
            "<br>total float %{customdata[1]} working days<extra></extra>"
        ),
    )


def _gantt_milestones(marks: pl.DataFrame) -> go.Scatter:
    return go.Scatter(
        x=marks["early_finish"].to_list(),
        y=marks["label"].to_list(),
        mode="markers",
        name="Milestone",
        marker={
            "symbol": "diamond",
            "size": 12,
            "color": [GANTT_COLOURS[k] for k in marks["_kind"].to_list()],
            "line": {"width": 1, "color": theme.OUTLINE},
        },
        hovertemplate="%{y}<br>%{x|%d %b %Y}<extra></extra>",
    )


def _driving_links(links: pl.DataFrame) -> go.Scatter:
    """Every driving link as one segment, all in one trace (segments split by ``None``)."""
    xs: list[Any] = []
    ys: list[Any] = []
    for start_label, start, end_label, end in links.select(
        "from_label", "from_date", "to_label", "to_date"
    ).iter_rows():
        xs += [start, end, None]
        ys += [start_label, end_label, None]
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        name="Driving link",
        line={"color": theme.CONNECTOR, "width": 1},
        hoverinfo="skip",
    )


def gantt(tasks: pl.DataFrame, links: pl.DataFrame, *, data_date: date | None) -> go.Figure:
    """A schedule's tasks as bars from early start to early finish, coloured by criticality,
    with their total float as a faint extension to the late finish, milestones as diamonds and
    the driving links drawn from the predecessor's finish to the successor's start.

    ``tasks``: label, early_start, early_finish, late_finish, total_float_days, task_state,
    is_critical, is_near_critical, is_milestone, task_name; ``links``: the labels and dates of
    the driving links' two ends (from_label, from_date, to_label, to_date)."""
    if tasks.is_empty():
        return empty_figure("No schedule network for this project in this month.")
    rows = _task_kinds(tasks)
    labels = rows["label"].to_list()
    fig = go.Figure()
    floats = rows.filter((pl.col("late_finish") > pl.col("early_finish")) & ~pl.col("is_milestone"))
    if not floats.is_empty():
        fig.add_trace(_float_bars(floats))
    for name in ("critical", "near_critical", "open", "done"):
        part = rows.filter((pl.col("_kind") == name) & ~pl.col("is_milestone"))
        if not part.is_empty():
            fig.add_trace(_task_bars(part, name))
    marks = rows.filter(pl.col("is_milestone"))
    if not marks.is_empty():
        fig.add_trace(_gantt_milestones(marks))
    if not links.is_empty():
        fig.add_trace(_driving_links(links))
    if data_date:
        fig.add_vline(x=data_date, line_dash="dot", line_color=theme.REFERENCE_LINE)
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(labels)), title=None)
    fig.update_xaxes(type="date")
    return _layout(fig, height=max(320, 22 * len(labels) + 110), barmode="overlay")
