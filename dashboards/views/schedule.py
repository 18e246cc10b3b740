"""Schedule: each project's critical path, its float, and the links between projects.

Reads rpt_schedule_critical_path_monthly (one row per project per snapshot month),
fct_schedule_network_monthly (the tasks of the critical path pass) and fct_schedule_links_monthly
(the links that drive a start, the links between projects, the links left out).
"""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from dashboards import data, state
from dashboards.components import charts, ui

PATH = "rpt_schedule_critical_path_monthly"
NETWORK = "fct_schedule_network_monthly"
LINKS = "fct_schedule_links_monthly"
TILES = [
    "critical_path_finish_date",
    "finish_drift_days",
    "critical_task_count",
    "near_critical_task_count",
    "lowest_total_float_days",
    "driving_cross_project_link_count",
]
OVERVIEW = [
    "project_code",
    "reporting_month",
    "critical_path_finish_date",
    "finish_drift_days",
    "planned_finish_date",
    "finish_vs_plan_calendar_days",
    "critical_path_remaining_days",
    "calendar_name",
    "critical_task_count",
    "near_critical_task_count",
    "tasks_became_critical_count",
    "max_float_consumed_days",
    "driving_cross_project_link_count",
    "loop_link_count",
    "missing_link_count",
]
TASKS = [
    "task_key",
    "task_name",
    "task_state",
    "early_start",
    "early_finish",
    "late_finish",
    "total_float_days",
    "free_float_days",
    "driving_predecessor_name",
]
CROSS = [
    "predecessor_project_code",
    "predecessor_key",
    "predecessor_task_name",
    "predecessor_early_finish",
    "link_type",
    "lag_days",
    "project_code",
    "task_key",
    "task_name",
    "early_start",
    "link_slack_days",
    "is_driving",
]
LEFT_OUT = [
    "project_code",
    "task_key",
    "predecessor_project_code",
    "predecessor_key",
    "link_type",
    "link_issue",
    "source_file",
    "source_line",
]
GANTT_TASKS = 150
"""Beyond this many tasks the chart shows the critical and near-critical work (a toggle shows
every task)."""


def latest_paths(ctx: state.Context) -> pl.DataFrame:
    """Each scheduled project's row of its latest snapshot month up to the chosen month (a plan
    exported every other month still shows)."""
    rows = data.read(
        ctx.snap,
        PATH,
        where={"project_code": ctx.scope, "reporting_month": data.Between(None, ctx.month)},
        order_by=["project_code", "reporting_month"],
    )
    return rows.group_by("project_code", maintain_order=True).last()


def overview(ctx: state.Context, paths: pl.DataFrame) -> None:
    st.subheader("Critical path by project")
    ui.table(
        ctx,
        paths.sort(
            ["finish_drift_days", "project_code"], descending=[True, False], nulls_last=True
        ).select([c for c in OVERVIEW if c in paths.columns]),
        key="schedule_paths",
        model=PATH,
        name="critical_path_by_project",
    )


def pick(ctx: state.Context, paths: pl.DataFrame) -> dict[str, Any]:
    codes = paths["project_code"].to_list()
    # the project chosen in the sidebar, else the one whose finish moved most
    ranked = paths.sort(
        ["finish_drift_days", "project_code"], descending=[True, False], nulls_last=True
    )["project_code"].to_list()
    default = ctx.project if ctx.project in codes else ranked[0]
    code = st.selectbox(
        "Project",
        codes,
        index=codes.index(default),
        format_func=ctx.project_name,
        key="schedule_project",
    )
    return paths.filter(pl.col("project_code") == code).row(0, named=True)


def tiles(ctx: state.Context, row: dict[str, Any]) -> None:
    # two rows of three: when the finish is, then how much of the plan drives it (six in a row
    # cut a date such as "13 Apr 2027" at 1280 px)
    columns = [*st.columns(3), *st.columns(3)]
    for column, name in zip(columns, TILES, strict=True):
        ui.kpi(column, ctx.snap, PATH, name, row)
    st.caption(
        f"Critical path of the {row['snapshot_date']:%d %b %Y} plan, scheduled from the data date "
        f"{row['data_date']:%d %b %Y}."
    )


def _labelled(frame: pl.DataFrame, own: str) -> pl.DataFrame:
    """A row label per task: its name and key, prefixed with its project when not ``own``."""
    name = pl.col("task_name").fill_null(pl.col("task_key"))
    label = name + pl.lit(" (") + pl.col("task_key") + pl.lit(")")
    return frame.with_columns(
        pl.when(pl.col("project_code") == own)
        .then(label)
        .otherwise(pl.col("project_code") + pl.lit(" · ") + label)
        .alias("label")
    )


def schedule_chart(ctx: state.Context, row: dict[str, Any]) -> pl.DataFrame:
    month, code = row["reporting_month"], row["project_code"]
    tasks = data.read(
        ctx.snap,
        NETWORK,
        where={"network_month": month, "project_code": code},
        order_by=["early_start", "early_finish", "task_key"],
    )
    driving = data.read(
        ctx.snap, LINKS, where={"network_month": month, "project_code": code, "is_driving": True}
    )
    outside = driving.filter(pl.col("is_cross_project"))
    shown = tasks
    if not outside.is_empty():
        # the other projects' tasks that set this project's dates are drawn above it
        others = data.read(
            ctx.snap,
            NETWORK,
            where={
                "network_month": month,
                "project_code": outside["predecessor_project_code"].unique().to_list(),
            },
        ).join(
            outside.select(
                pl.col("predecessor_project_code").alias("project_code"),
                pl.col("predecessor_key").alias("task_key"),
            ).unique(),
            on=["project_code", "task_key"],
        )
        shown = pl.concat([others.select(tasks.columns), tasks])
    shown = _labelled(shown, code)
    if shown.height > GANTT_TASKS and not st.toggle(
        f"Show all {shown.height} tasks", key="schedule_all_tasks"
    ):
        shown = shown.filter(
            pl.col("is_critical") | pl.col("is_near_critical") | pl.col("is_milestone")
        )
        st.caption(
            f"Showing the {shown.height} critical, near-critical and milestone rows of "
            f"{tasks.height} tasks."
        )
    labels = shown.select("project_code", "task_key", "label")
    ends = (
        driving.join(
            labels.rename(
                {
                    "project_code": "predecessor_project_code",
                    "task_key": "predecessor_key",
                    "label": "from_label",
                }
            ),
            on=["predecessor_project_code", "predecessor_key"],
        )
        .join(labels.rename({"label": "to_label"}), on=["project_code", "task_key"])
        .select(
            "from_label",
            pl.when(pl.col("link_type").is_in(["SS", "SF"]))
            .then(pl.col("predecessor_early_start"))
            .otherwise(pl.col("predecessor_early_finish"))
            .alias("from_date"),
            "to_label",
            pl.when(pl.col("link_type").is_in(["FF", "SF"]))
            .then(pl.col("early_finish"))
            .otherwise(pl.col("early_start"))
            .alias("to_date"),
        )
    )
    st.plotly_chart(charts.gantt(shown, ends, data_date=row["data_date"]), key="schedule_gantt")
    near = ctx.snap.catalog.get("vars", {}).get("near_critical_float_days", 10)
    st.caption(
        "Bars: early start to early finish. Red: critical (no float: a day's slip moves the "
        f"finish); amber: near-critical (float of {near} working days or less); blue: other open "
        "work; grey: done. Pale extension: total float, up to the late finish. Lines: the links "
        "that set a task's start. Dotted line: the data date."
    )
    return tasks


def task_table(ctx: state.Context, tasks: pl.DataFrame) -> None:
    st.subheader("Critical and near-critical tasks")
    rows = tasks.filter(pl.col("is_critical") | pl.col("is_near_critical")).sort(
        ["total_float_days", "early_start"]
    )
    ui.table(
        ctx,
        rows.select([c for c in TASKS if c in rows.columns]),
        key="schedule_tasks",
        model=NETWORK,
        name="critical_tasks",
        empty_message="No open task is critical or near-critical.",
    )


def links_between_projects(ctx: state.Context, month: Any) -> None:
    st.subheader("Links between projects")
    links = data.read(
        ctx.snap,
        LINKS,
        where={"network_month": month, "is_cross_project": True},
        order_by=["is_driving", "link_slack_days"],
    )
    scope = ctx.scope
    links = links.filter(
        pl.col("project_code").is_in(scope) | pl.col("predecessor_project_code").is_in(scope)
    ).sort(["is_driving", "link_slack_days"], descending=[True, False], nulls_last=True)
    ui.table(
        ctx,
        links.filter(pl.col("link_issue").is_null()).select(CROSS),
        key="schedule_cross",
        model=LINKS,
        name="cross_project_links",
        empty_message="No project in this selection waits on another project's task.",
    )
    st.caption(
        "A driving link sets the waiting task's start: a slip of the predecessor moves it day "
        "for day. Link slack: working days the predecessor can slip first."
    )
    left_out = data.read(
        ctx.snap, LINKS, where={"network_month": month, "project_code": scope}
    ).filter(pl.col("link_issue").is_not_null() & (pl.col("link_issue") != "undated"))
    if not left_out.is_empty():
        st.subheader("Links left out of the critical path")
        st.caption(
            "A link that names a task the plan does not have (deleted, renamed or a summary "
            "task) or that closes a loop across files cannot be scheduled. Fix it in the source "
            "file at the line shown."
        )
        ui.table(ctx, left_out.select(LEFT_OUT), key="schedule_left_out", model=LINKS)


ctx = state.context()
ui.page_header(ctx, "Schedule")
ui.caveats(ctx)
with ui.needs():
    paths = latest_paths(ctx)
    if paths.is_empty():
        ui.empty(
            "No project in this selection has a schedule network: load MS Project plans "
            "(their predecessor links) or a dependencies file."
        )
    else:
        row = pick(ctx, paths)
        tiles(ctx, row)
        tasks = schedule_chart(ctx, row)
        task_table(ctx, tasks)
        overview(ctx, paths)
        links_between_projects(ctx, paths["reporting_month"].max())
