"""Steering view: what the steering committee needs to act on this month, most severe first.

Reads rpt_steering_attention_monthly (the projects needing attention, their reasons, trend,
decisions and colour disagreements), rpt_portfolio_kpis_monthly / rpt_program_kpis_monthly
(overruns, underruns and the net), rpt_milestones_due (milestones overdue or due soon) and
fct_raid_items_monthly (decisions awaiting the committee, issues escalated beyond the project).
Nothing is computed here: the list, its order and its words come from the models.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import streamlit as st

from dashboards import data, state
from dashboards.components import ui
from dashboards.components.formatting import format_value, is_missing, month_label

ATTENTION = "rpt_steering_attention_monthly"
MILESTONES = "rpt_milestones_due"
MONEY_TILES = ["overrun_at_completion", "underrun_at_completion", "variance_at_completion"]
badge = ui.badge


def _month_before(month: date, back: int) -> date:
    index = month.year * 12 + month.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def trend(row: dict[str, Any], month: date) -> str:
    steps = [
        (_month_before(month, 2), row["status_2_months_before"]),
        (_month_before(month, 1), row["status_1_month_before"]),
        (month, row["overall_status"]),
    ]
    return " → ".join(f"{when:%b} {badge(status)}" for when, status in steps)


def money(ctx: state.Context, row: dict[str, Any], column: str) -> str:
    """An amount without its sign: the words around it say which way it goes."""
    meta = ui.meta_for(ctx.snap, column, ATTENTION)
    return format_value(abs(row[column]), meta, compact=True)


def forecast_words(ctx: state.Context, row: dict[str, Any]) -> str:
    variance = row["variance_at_completion"]
    if is_missing(variance):
        lines = ["Forecast at completion  \n**not available**"]
    elif variance < 0:
        lines = [f"Forecast overrun  \n:red[**{money(ctx, row, 'variance_at_completion')}**]"]
    else:
        lines = [f"Forecast underrun  \n**{money(ctx, row, 'variance_at_completion')}**"]
    change = row["estimate_at_completion_change_amount"]
    if not is_missing(change) and change:
        way = "up" if change > 0 else "down"
        since = month_label(_month_before(ctx.month, 1))
        lines.append(
            f"forecast cost {way} {money(ctx, row, 'estimate_at_completion_change_amount')} "
            f"since {since}"
        )
    return "  \n".join(lines)


def summary_line(listed: pl.DataFrame, open_count: int) -> str:
    red = listed.filter(pl.col("overall_status") == "red").height
    amber = listed.filter(pl.col("overall_status") == "amber").height
    disputed = listed.filter(pl.col("is_colour_disputed")).height
    decisions = listed.filter(pl.col("decision_needed").is_not_null()).height
    parts = [f"**{listed.height} of {open_count} open projects need attention**"]
    parts.append(f"{red} measured red, {amber} amber")
    if disputed:
        parts.append(f"{disputed} where the project manager's colour differs from the figures")
    if decisions:
        parts.append(f"{decisions} decision(s) asked for")
    return "; ".join(parts) + "."


def headline_money(ctx: state.Context) -> None:
    model, key = ctx.rollup
    months = [m for m in (ctx.month, ctx.previous_month) if m]
    rows = {
        row["reporting_month"]: row
        for row in data.read(ctx.snap, model, where={**key, "reporting_month": months}).iter_rows(
            named=True
        )
    }
    before = month_label(ctx.previous_month) if ctx.previous_month else None
    for column, container in zip(MONEY_TILES, st.columns(len(MONEY_TILES)), strict=True):
        ui.kpi(
            container,
            ctx.snap,
            model,
            column,
            rows.get(ctx.month),
            rows.get(ctx.previous_month),
            previous_label=before,
        )
    st.caption(
        f"Forecast at completion for {ctx.rollup_label}: overruns and underruns are shown apart "
        "so that one project's underrun never hides another's overrun; the net is their sum."
    )


def project_card(ctx: state.Context, row: dict[str, Any]) -> None:
    code = row["project_code"]
    with st.container(border=True, key=f"attention_{code}"):
        text, figures = st.columns([3, 1])
        with text:
            st.markdown(
                f"**{row['attention_rank']}. {row['project_name']}** ({code}) · "
                f"{badge(row['overall_status'])}"
            )
            st.markdown(f"Trend: {trend(row, ctx.month)}")
            st.markdown(f"**Why:** {row['attention_reason']}")
            if row["colour_disagreement"]:
                st.markdown(
                    f":orange[:material/report: {row['colour_disagreement'].capitalize()}.]"
                )
            if row["decision_needed"]:
                owner = row["decision_owner"] or "nobody named"
                if row["decision_owner_source"] == "sponsor (no owner named)":
                    owner += " (the sponsor; the note names no owner)"
                due = (
                    f"due {row['decision_due_date']:%d %b %Y}"
                    if not is_missing(row["decision_due_date"])
                    else "no due date given"
                )
                if row["is_decision_overdue"]:
                    due = f":red[{due}, overdue]"
                st.markdown(
                    f"**Decision needed:** {row['decision_needed']}  \nOwner: {owner} · {due}"
                )
            if row["overdue_milestone_count"]:
                st.markdown(f"Overdue milestones: {row['overdue_milestone_count']}")
        with figures:
            st.markdown(forecast_words(ctx, row))
            st.caption(f"PM: {row['project_manager'] or '—'} · Sponsor: {row['sponsor'] or '—'}")
            st.button(
                "Open project",
                key=f"open_{code}",
                icon=":material/folder_open:",
                on_click=state.open_project,
                args=(code,),
            )


def attention_list(ctx: state.Context) -> None:
    rows = data.read(
        ctx.snap,
        ATTENTION,
        where={"project_code": ctx.scope, "reporting_month": ctx.month},
        order_by=["attention_rank"],
    )
    listed = rows.filter(pl.col("needs_attention"))
    st.markdown(summary_line(listed, rows.height))
    if listed.is_empty():
        ui.empty(
            f"No open project needs attention in {month_label(ctx.month)}: every one is "
            "measured green and no decision is asked for."
        )
        return
    for row in listed.iter_rows(named=True):
        project_card(ctx, row)


def milestones_due(ctx: state.Context) -> None:
    frame = data.read(
        ctx.snap, MILESTONES, where={"project_code": ctx.scope}, order_by=["display_order"]
    )
    if frame.is_empty():
        ui.empty("No milestone of an open project is overdue or due soon.")
        return
    as_of, horizon = frame["as_of_date"][0], frame["horizon_days"][0]
    overdue = frame.filter(pl.col("is_overdue")).height
    st.caption(
        f"As of {as_of:%d %b %Y}: {overdue} overdue, {frame.height - overdue} due within the "
        f"next {horizon} days (due = the forecast date, else the baseline)."
    )
    days = (
        pl.when(pl.col("is_overdue"))
        .then(pl.col("days_overdue"))
        .otherwise(pl.col("days_until_due"))
    )
    shown = frame.select(
        (pl.col("project_name") + " (" + pl.col("project_code") + ")").alias("project_name"),
        "milestone_name",
        pl.col("milestone_status").str.to_titlecase().alias("milestone_status"),
        "due_date",
        pl.when(pl.col("is_overdue"))
        .then(days.cast(pl.String) + " days overdue")
        .otherwise("in " + days.cast(pl.String) + " days")
        .alias("When"),
        "baseline_date",
        "slippage_days",
    )
    ui.table(ctx, shown, key="milestones_due", model=MILESTONES, name="milestones_due")


RAID_ITEMS = "fct_raid_items_monthly"
RAID_COLUMNS = {
    "decisions": [
        "project_code",
        "item_id",
        "title",
        "owner",
        "raised_date",
        "due_date",
        "days_overdue",
        "age_days",
    ],
    "escalations": [
        "project_code",
        "item_id",
        "title",
        "escalation_level",
        "priority",
        "owner",
        "due_date",
        "days_overdue",
        "age_days",
    ],
}


def raid_for_steering(ctx: state.Context) -> None:
    """The decisions the committee owes and the issues raised to it or on the way."""
    items = data.read(
        ctx.snap,
        RAID_ITEMS,
        where={"project_code": ctx.scope, "reporting_month": ctx.month},
    )
    decisions = items.filter(pl.col("is_awaiting_steering")).sort(
        ["days_overdue", "due_date"], descending=[True, False], nulls_last=True
    )
    escalated = items.filter(pl.col("is_escalated")).sort(
        ["escalation_rank", "days_overdue", "age_days"],
        descending=[True, True, True],
        nulls_last=True,
    )
    st.subheader("Decisions awaiting the steering committee")
    ui.table(
        ctx,
        decisions.select(RAID_COLUMNS["decisions"]),
        key="steering_decisions",
        model=RAID_ITEMS,
        name="decisions_awaiting_steering",
        empty_message="No decision on the logs waits for the steering committee.",
    )
    st.subheader("Issues escalated beyond the project")
    ui.table(
        ctx,
        escalated.select(RAID_COLUMNS["escalations"]),
        key="steering_escalations",
        model=RAID_ITEMS,
        name="escalated_issues",
        empty_message="No open issue is escalated beyond its project.",
    )
    st.caption(
        "From the projects' decision and issue logs (and Jira / Azure DevOps issues and "
        "impediments), as open at the end of the month; overdue = past the needed-by or due date."
    )


ctx = state.context()
ui.page_header(ctx, "Steering view")
with ui.needs():
    headline_money(ctx)
    st.subheader("Projects that need attention")
    attention_list(ctx)
    st.subheader("Milestones overdue or due soon")
    ui.as_of_note(ctx, "The milestone list")
    milestones_due(ctx)
    raid_for_steering(ctx)
