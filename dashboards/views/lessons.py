"""Lessons learned: what the portfolio's projects learned, searchable by category and words,
the themes that recur across projects, and the closure report of every closed project.

Reads rpt_lessons_learned (the lessons), rpt_lesson_themes (one row per category) and
rpt_project_closure (one row per closed project).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import data, state
from dashboards.components import charts, ui

LESSONS = "rpt_lessons_learned"
THEMES = "rpt_lesson_themes"
CLOSURE = "rpt_project_closure"
LESSON_COLUMNS = [
    "project_code",
    "category",
    "phase",
    "impact",
    "what_happened",
    "recommendation",
    "recorded_date",
    "owner",
]
CLOSURE_COLUMNS = [
    "project_code",
    "project_name",
    "closed_from_month",
    "finish_variance_days",
    "original_budget_at_completion",
    "actual_cost",
    "cost_to_original_budget_ratio",
    "cost_performance_index",
    "milestone_on_time_ratio",
    "rebaseline_count",
    "approved_change_count",
    "materialised_risk_count",
    "materialised_risk_impact",
    "lesson_count",
]


def themes(ctx: state.Context) -> None:
    st.subheader("Recurring themes")
    rows = data.read(ctx.snap, THEMES, order_by=["project_count", "lesson_count"], descending=True)
    if rows.is_empty():
        ui.empty("No lessons learned are loaded yet: drop a lessons_learned file in landing.")
        return
    measures = ["project_count", "negative_lesson_count", "positive_lesson_count"]
    metas = {name: ui.meta_for(ctx.snap, name, THEMES) for name in measures}
    left, right = st.columns([1.3, 1])
    with left:
        st.plotly_chart(
            charts.grouped_bars(rows, x="category", measures=measures, metas=metas, height=320),
            key="lesson_themes",
        )
    with right:
        ui.table(
            ctx,
            rows.select(
                "category", "project_count", "lesson_count", "negative_lesson_count", "phases"
            ),
            key="themes",
            model=THEMES,
            name="lesson_themes",
        )
    recurring = rows.filter(pl.col("is_recurring_theme"))["category"].to_list()
    if recurring:
        st.caption(
            f"Recurring across projects: {', '.join(recurring)}. A theme two projects hit is "
            "a candidate for a standard the next project starts with."
        )


def search(ctx: state.Context) -> None:
    st.subheader("Search the lessons")
    rows = data.read(ctx.snap, LESSONS, order_by=["recorded_date"], descending=True)
    if rows.is_empty():
        return
    left, middle, right = st.columns([2, 1, 1])
    words = left.text_input("Words", key="lesson_words", placeholder="e.g. migration, vendor")
    categories = middle.multiselect(
        "Category", sorted(rows["category"].unique().to_list()), key="lesson_category"
    )
    impacts = right.multiselect(
        "Impact", sorted(rows["impact"].unique().to_list()), key="lesson_impact"
    )
    shown = rows
    if words.strip():
        needle = words.strip().lower()
        shown = shown.filter(
            pl.concat_str(
                ["what_happened", "recommendation", "category", "project_name"],
                separator=" ",
                ignore_nulls=True,
            )
            .str.to_lowercase()
            .str.contains(needle, literal=True)
        )
    if categories:
        shown = shown.filter(pl.col("category").is_in(categories))
    if impacts:
        shown = shown.filter(pl.col("impact").is_in(impacts))
    if ctx.is_narrowed:
        st.caption("Lessons from every project are searched, whatever the sidebar selects.")
    ui.table(
        ctx,
        shown.select(LESSON_COLUMNS),
        key="lessons",
        model=LESSONS,
        name="lessons_learned",
        empty_message="No lesson matches.",
    )


def closures(ctx: state.Context) -> None:
    st.subheader("Closure reports")
    rows = data.read(
        ctx.snap,
        CLOSURE,
        where={"project_code": ctx.scope},
        order_by=["closed_from_month"],
        descending=True,
    )
    ui.table(
        ctx,
        rows.select(CLOSURE_COLUMNS),
        key="closures",
        model=CLOSURE,
        name="project_closure",
        empty_message="No project in this selection has closed.",
    )
    st.caption(
        "Final figures of each closed project against its first baseline: cost over the "
        "original budget, CPI in its last month, milestones reached on time, re-baselines, "
        "approved changes, risks that materialised and the lessons it recorded."
    )


ctx = state.context()
ui.page_header(ctx, "Lessons learned")
with ui.needs():
    themes(ctx)
    search(ctx)
    closures(ctx)
