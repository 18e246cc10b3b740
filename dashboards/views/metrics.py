"""Metric explorer: every metric of the published catalog, charted by grouping and period.

Driven by catalog.json alone: a PMO analyst who adds a model under marts/ or reporting/ with
``meta.metric`` on its columns sees it here after the next refresh, with no Python change.
Values are charted as published, one line per row of the model's grain: nothing is summed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import polars as pl
import streamlit as st

from dashboards import data, state
from dashboards.components import charts, ui
from dashboards.components.formatting import NUMERIC_FORMATS

NONE = "(none)"
PROJECT_ATTRIBUTES = ("portfolio", "program", "methodology", "project_status", "business_unit")
MAX_SERIES = 30


def catalog_frame(snap: data.Snapshot) -> pl.DataFrame:
    rows = []
    for model in snap.models.values():
        for column in model.get("columns", []):
            metric = column.get("metric") or {}
            if not metric:
                continue
            rows.append(
                {
                    "label": metric.get("label"),
                    "model": model["name"],
                    "column": column["name"],
                    "format": metric.get("format"),
                    "unit": metric.get("unit"),
                    "good_when": metric.get("good_when"),
                    "description": metric.get("description") or column.get("description"),
                    "layer": model.get("layer"),
                }
            )
    return pl.DataFrame(
        rows,
        schema=dict.fromkeys(
            ("label", "model", "column", "format", "unit", "good_when", "description", "layer"),
            pl.String,
        ),
    )


def time_column(snap: data.Snapshot, model: dict[str, Any], types: dict[str, str]) -> str | None:
    grain = model.get("grain") or []
    for column in grain:
        if types.get(column, "").upper().startswith(("DATE", "TIMESTAMP")):
            return column
    for column in (
        "reporting_month",
        "week_start_date",
        "flow_month",
        "snapshot_date",
        "snapshot_month",
    ):
        if column in types:
            return column
    return None


def _pick_metric(numeric: pl.DataFrame, models: list[str]) -> tuple[str, str]:
    """The model and the metric column to explore, by default the project KPIs' CPI."""
    left, right = st.columns(2)
    default_model = (
        "rpt_project_kpis_monthly" if "rpt_project_kpis_monthly" in models else models[0]
    )
    model_name = left.selectbox("Model", models, index=models.index(default_model), key="mx_model")
    options = numeric.filter(pl.col("model") == model_name)
    labels = dict(zip(options["column"], options["label"], strict=True))
    columns = options["column"].to_list()
    preferred = next(
        (c for c in ("cost_performance_index", "estimate_at_completion") if c in columns),
        columns[0],
    )
    column = right.selectbox(
        "Metric",
        columns,
        index=columns.index(preferred),
        format_func=lambda c: f"{labels[c]} ({c})",
        key="mx_metric",
    )
    return model_name, column


def _metric_card(model_name: str, column: str, model: dict[str, Any], meta: dict[str, Any]) -> None:
    """What the metric means: label, description, unit, format, source and grain."""
    with st.container(border=True):
        st.markdown(f"### {meta.get('label', column)}")
        st.markdown(meta.get("description") or "")
        facts = [
            f"**Unit:** {meta.get('unit') or '—'}",
            f"**Format:** {meta.get('format')}",
            f"**Good when:** {meta.get('good_when') or '—'}",
            f"**Source:** `{model_name}.{column}`",
            f"**Grain:** {', '.join(model.get('grain') or []) or '—'}",
        ]
        st.markdown(" · ".join(facts))
        st.caption((model.get("description") or "").strip()[:600])


def _pick_grouping(
    ctx: state.Context, model_name: str, model: dict[str, Any], types: dict[str, str]
) -> tuple[str | None, list[str], str, Any]:
    """The model's time column, its grain without it, the chosen colour grouping and the
    column container left for the period slider."""
    when = time_column(ctx.snap, model, types)
    grain = [c for c in (model.get("grain") or []) if c != when and c in types]
    if not grain and "project_code" in types:
        grain = ["project_code"]
    texts = [
        c["name"]
        for c in model.get("columns", [])
        if (c.get("metric") or {}).get("format") == "text" and c["name"] in types
    ]
    groupings = [NONE, *dict.fromkeys(grain + texts)]
    if "project_code" in types:
        groupings += [a for a in PROJECT_ATTRIBUTES if a not in groupings]
    left, right = st.columns(2)
    group = left.selectbox(
        "Colour by",
        groupings,
        format_func=lambda c: (
            c if c == NONE else ui.meta_for(ctx.snap, c, model_name).get("label", c)
        ),
        key="mx_group",
    )
    return when, grain, group, right


def _filters(
    ctx: state.Context, model_name: str, when: str | None, types: dict[str, str], slot: Any
) -> dict[str, Any]:
    """The rows to read: the selection's projects and the period chosen on the slider."""
    where: dict[str, Any] = {}
    if "project_code" in types:
        where["project_code"] = ctx.scope
    if when:
        periods = [p for p in data.distinct(ctx.snap, model_name, when) if _by_as_of(ctx, p)]
        if periods:
            start_default = periods[max(0, len(periods) - 12)]
            start, end = slot.select_slider(
                "Period",
                options=periods,
                value=(start_default, periods[-1]),
                format_func=lambda p: p.strftime("%d %b %Y") if hasattr(p, "strftime") else str(p),
                key="mx_period",
            )
            where[when] = data.Between(start, end)
    return where


def _read_rows(
    ctx: state.Context,
    model_name: str,
    select: list[str],
    *,
    where: dict[str, Any],
    grain: list[str],
    group: str,
    types: dict[str, str],
) -> pl.DataFrame:
    """The metric's rows, with the grouping column joined from the model or the projects."""
    frame = data.read(ctx.snap, model_name, select=select, where=where, order_by=select[:1])
    if group == NONE or group in frame.columns:
        return frame
    if group in types:
        return frame.join(
            data.read(ctx.snap, model_name, select=[*grain, group], where=where).unique(grain),
            on=grain,
            how="left",
        )
    return frame.join(ctx.projects.select("project_code", group), on="project_code", how="left")


def _chart(
    frame: pl.DataFrame,
    *,
    series: str,
    when: str | None,
    column: str,
    meta: dict[str, Any],
    group: str,
) -> None:
    """One line per series over time (or one bar per series), at most ``MAX_SERIES`` of them."""
    keys = frame[series].unique(maintain_order=True).to_list()
    if len(keys) > MAX_SERIES:
        st.caption(
            f"{len(keys)} series: the first {MAX_SERIES} are drawn; narrow the filters for the "
            "rest (the table has all)."
        )
        frame_chart = frame.filter(pl.col(series).is_in(keys[:MAX_SERIES]))
    else:
        frame_chart = frame
    colour_by = None if group == NONE else group
    if when:
        figure = charts.lines(
            frame_chart, x=when, y=column, series=series, meta=meta, colour_by=colour_by
        )
    else:
        figure = charts.bars(frame_chart, x=series, y=column, meta=meta, colour_by=colour_by)
    st.plotly_chart(figure, key="mx_chart")


def explorer(ctx: state.Context, metrics: pl.DataFrame) -> None:
    numeric = metrics.filter(pl.col("format").is_in(list(NUMERIC_FORMATS)))
    models = sorted(numeric["model"].unique().to_list())
    if not models:
        ui.empty("The catalog has no numeric metric yet.")
        return
    model_name, column = _pick_metric(numeric, models)
    model = ctx.snap.model_meta(model_name)
    meta = ctx.snap.column_meta(model_name, column)
    _metric_card(model_name, column, model, meta)

    types = data.columns(ctx.snap, model_name)
    when, grain, group, slot = _pick_grouping(ctx, model_name, model, types)
    where = _filters(ctx, model_name, when, types, slot)
    select = list(dict.fromkeys([*([when] if when else []), *grain, column]))
    frame = _read_rows(ctx, model_name, select, where=where, grain=grain, group=group, types=types)
    series = "series"
    frame = frame.with_columns(
        pl.concat_str([pl.col(c).cast(pl.String) for c in grain], separator=" · ").alias(series)
        if grain
        else pl.lit(meta.get("label", column)).alias(series)
    )
    _chart(frame, series=series, when=when, column=column, meta=meta, group=group)
    ui.table(
        ctx,
        frame.drop(series),
        key="mx_rows",
        model=model_name,
        name=f"{model_name}_{column}",
        height=320,
    )


def _by_as_of(ctx: state.Context, value: Any) -> bool:
    """Periods up to the as-of month end (dates and timestamps), or all of them (other types)."""
    if value is None:
        return False
    if isinstance(value, datetime):
        value = value.date()
    return value <= ctx.month_end if isinstance(value, date) else True


ctx = state.context()
ui.page_header(ctx, "Metric explorer")
st.caption(
    "Every metric published in the catalog. Add a model under dbt_project/models/reporting with "
    "`meta.metric` on its columns and it appears here after the next refresh."
)
ui.caveats(ctx)
with ui.needs():
    metrics = catalog_frame(ctx.snap)
    explorer(ctx, metrics)
    st.subheader("The catalog")
    text = st.text_input("Search label, model, column or description", key="mx_search")
    shown = metrics
    if text:
        needle = text.lower()
        shown = metrics.filter(
            pl.any_horizontal(
                pl.col(c).fill_null("").str.to_lowercase().str.contains(needle, literal=True)
                for c in ("label", "model", "column", "description")
            )
        )
    st.caption(f"{shown.height:,} of {metrics.height:,} published columns.")
    st.dataframe(shown, hide_index=True, key="mx_catalog", height=360, placeholder=ui.BLANK)
    ui.downloads(shown, "metric_catalog", "mx_catalog")
