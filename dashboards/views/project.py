"""Project detail: who runs it, how it performs, when it will finish, what could go wrong.

Reads rpt_project_kpis_monthly, fct_earned_value_monthly (S-curve, indices, earned schedule),
rpt_project_health_metrics_monthly (threshold bands, reasons), fct_milestone_slippage,
rpt_risk_register_monthly (top risks), fct_project_financials_monthly (by category),
raw.status_notes (the PM's note), rpt_data_quality_by_project (caveats), rpt_raid_summary_monthly
and fct_raid_items_monthly (issues, decisions and actions).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboards import data, state
from dashboards.components import charts, ui
from dashboards.components.formatting import (
    RAG_COLOURS,
    RAG_LABELS,
    RAG_ORDER,
    format_value,
    month_label,
)

PROJECT_MODEL = "rpt_project_kpis_monthly"
EV_MODEL = "fct_earned_value_monthly"
REBASELINE_MODEL = "fct_project_rebaselines"
CURVE_EV, CURVE_AC = 1, 2  # trace order of charts.s_curve: PV, EV, AC, BAC, EAC projection
TILES = [
    "budget_at_completion",
    "estimate_at_completion",
    "variance_at_completion",
    "cost_performance_index",
    "schedule_performance_index",
    "schedule_performance_index_time",
    "percent_complete",
    "forecast_finish_date",
]


def _pick_project(ctx: state.Context) -> str | None:
    if ctx.project:
        return ctx.project
    rows = data.read(
        ctx.snap,
        PROJECT_MODEL,
        select=["project_code", "project_name", "overall_status"],
        where={"project_code": ctx.scope, "reporting_month": ctx.month},
    )
    if rows.is_empty():
        return None
    rows = rows.with_columns(
        pl.col("overall_status")
        .fill_null("grey")
        .replace_strict(RAG_ORDER, default=0)
        .alias("_rank")
    ).sort(["_rank", "project_code"], descending=[True, False])
    names = dict(rows.select("project_code", "project_name").iter_rows())

    def choose() -> None:
        state.open_project(st.session_state["project_pick"])

    st.info(
        "Pick a project (or choose one in the sidebar, which keeps it in the link).",
        icon=":material/touch_app:",
    )
    return st.selectbox(
        "Project",
        rows["project_code"].to_list(),
        format_func=lambda code: f"{code} · {names.get(code)}",
        key="project_pick",
        on_change=choose,
    )


def header(ctx: state.Context, row: dict) -> None:
    status = row.get("overall_status") or "grey"
    st.title(f"{row['project_code']} · {row.get('project_name') or ''}")
    st.markdown(
        f"<span style='background:{RAG_COLOURS[status]};color:white;padding:2px 10px;"
        f"border-radius:10px;font-weight:600'>{RAG_LABELS[status]}</span> &nbsp; "
        f"{row.get('health_reason') or ''}",
        unsafe_allow_html=True,
    )
    facts = [
        ("Portfolio", row.get("portfolio")),
        ("Programme", row.get("program")),
        ("Sponsor", row.get("sponsor")),
        ("Project manager", row.get("project_manager") or "— (none named)"),
        ("Methodology", row.get("methodology")),
        ("Status", row.get("project_status")),
    ]
    st.markdown(" · ".join(f"**{k}:** {v or '—'}" for k, v in facts))
    master = ctx.projects.filter(pl.col("project_code") == row["project_code"])
    start = master["start_date"][0] if master.height and "start_date" in master.columns else None
    date_meta = {"format": "date"}
    # a closed project has finished: its figures are those it closed with
    finish = (
        f"**Closed from:** {format_value(row.get('closed_from_month'), {'format': 'month'})}"
        if row.get("is_closed")
        else "**Forecast finish (earned schedule):** "
        f"{format_value(row.get('forecast_finish_date'), date_meta)}"
    )
    st.markdown(
        f"**Start:** {format_value(start, date_meta)} · "
        f"**Planned finish:** {format_value(row.get('planned_finish_date'), date_meta)} · " + finish
    )
    st.caption(
        f"As of {month_label(ctx.month)} · "
        f"status date {format_value(row.get('status_date'), date_meta)}"
    )


def tiles(ctx: state.Context, code: str, row: dict) -> None:
    previous = None
    if ctx.previous_month:
        before = data.read(
            ctx.snap,
            PROJECT_MODEL,
            where={"project_code": code, "reporting_month": ctx.previous_month},
        )
        previous = before.row(0, named=True) if before.height else None
    label = month_label(ctx.previous_month) if ctx.previous_month else None
    if label:
        st.caption(f"Arrows: change since {label}. Hover a tile for its definition and source.")
    for start in range(0, len(TILES), 4):
        columns = TILES[start : start + 4]
        for column, container in zip(columns, st.columns(4), strict=False):
            ui.kpi(container, ctx.snap, PROJECT_MODEL, column, row, previous, previous_label=label)


def _drill_from_curve() -> None:
    """A click on the S-curve opens the drill-down: AC → that month's timesheet lines,
    EV → the task snapshot. Runs as a callback, before the drill-down widgets are drawn."""
    try:
        points = st.session_state["s_curve"]["selection"]["points"]
    except (KeyError, TypeError):
        return
    for point in points:
        curve, when = point.get("curve_number"), str(point.get("x") or "")[:7]
        if curve == CURVE_AC and when:
            st.session_state["project_drill"] = ui.DRILL_AC_LINES
            st.session_state["project_drill_month"] = date.fromisoformat(when + "-01")
        elif curve == CURVE_EV:
            st.session_state["project_drill"] = ui.DRILL_EV_TASKS


def _rebaselines(ctx: state.Context, code: str) -> pl.DataFrame:
    """The project's re-baselines up to the as-of month (none where the model is not published)."""
    if not data.has_model(ctx.snap, REBASELINE_MODEL):
        return pl.DataFrame()
    return data.read(
        ctx.snap,
        REBASELINE_MODEL,
        where={"project_code": code, "effective_month": data.Between(None, ctx.month)},
        order_by=["effective_month"],
    )


def _s_curve(
    history: pl.DataFrame,
    metas: dict[str, dict],
    *,
    latest: dict | None,
    row: dict,
    rebaselines: pl.DataFrame,
) -> None:
    """PV, EV and AC over time with the EAC projection; a click on AC or EV drills down."""
    st.subheader("Earned value S-curve")
    st.plotly_chart(
        charts.s_curve(
            history,
            metas=metas,
            projection=latest,
            planned_finish=row.get("planned_finish_date"),
            rebaselines=[
                (r["effective_month"], f"re-baselined to {r['baseline_version']}")
                for r in rebaselines.iter_rows(named=True)
            ],
        ),
        key="s_curve",
        on_select=_drill_from_curve,
        selection_mode="points",
    )
    st.caption("Click an AC or EV point for the rows behind it.")
    for r in rebaselines.iter_rows(named=True):
        before = format_value(r["previous_budget_at_completion"], metas["budget_at_completion"])
        after = format_value(r["budget_at_completion"], metas["budget_at_completion"])
        st.caption(
            f":material/edit_calendar: Re-baselined {r['previous_baseline_version']} → "
            f"{r['baseline_version']} from {month_label(r['effective_month'])} "
            f"(approved {r['approved_on']:%d %b %Y}): {r['rebaseline_reason']}. "
            f"BAC {before} → {after}; PV before it is kept."
        )
    if latest and latest.get("is_earned_schedule_lower_bound"):
        st.caption(
            ":material/info: The planned-value curve ends before the work earned: earned "
            "schedule and SPI(t) are lower bounds, the forecast finish a latest date."
        )


def _indices(ctx: state.Context, code: str, history: pl.DataFrame, metas: dict[str, dict]) -> None:
    """CPI, SPI and SPI(t) over time against the health thresholds' amber and red bands."""
    st.subheader("CPI, SPI and SPI(t)")
    bands = {}
    if data.has_model(ctx.snap, "rpt_project_health_metrics_monthly"):
        found = data.read(
            ctx.snap,
            "rpt_project_health_metrics_monthly",
            select=["amber_below", "red_below"],
            where={
                "project_code": code,
                "metric": "cost_performance_index",
                "reporting_month": ctx.month,
            },
        )
        bands = found.row(0, named=True) if found.height else {}
    st.plotly_chart(charts.index_trend(history, metas=metas, bands=bands), key="indices")
    st.caption("Shaded: the amber and red bands of the health thresholds (the PMO's settings).")


def _finish_forecast(
    ctx: state.Context,
    history: pl.DataFrame,
    metas: dict[str, dict],
    *,
    latest: dict | None,
    row: dict,
) -> None:
    """Earned-schedule tiles beside the trend of the forecast finish against the planned one."""
    st.subheader("Earned-schedule forecast finish vs planned finish")
    left, right = st.columns([1, 3])
    with left:
        if latest:
            for column in (
                "earned_schedule_months",
                "actual_time_months",
                "schedule_variance_time_months",
            ):
                ui.kpi(st, ctx.snap, EV_MODEL, column, latest)
    with right:
        st.plotly_chart(
            charts.forecast_finish_trend(
                history,
                planned_finish=row.get("planned_finish_date"),
                meta=metas.get("forecast_finish_date", {}),
            ),
            key="finish_trend",
        )


def _milestones(ctx: state.Context, code: str) -> None:
    st.subheader("Milestones: baseline vs forecast vs actual")
    with ui.needs():
        milestones = data.read(
            ctx.snap,
            "fct_milestone_slippage",
            where={"project_code": code},
            order_by=["baseline_date"],
        ).with_columns(pl.col("milestone_name").alias("label"))
        if milestones.is_empty():
            ui.empty(f"{code} has no milestones on its latest milestone export.")
        else:
            st.plotly_chart(
                charts.milestone_timeline(milestones, as_of=ctx.month_end), key="milestones"
            )
            ui.as_of_note(ctx, "The milestone slippage")


def evm(ctx: state.Context, code: str, row: dict) -> None:
    history = data.read(
        ctx.snap,
        EV_MODEL,
        where={"project_code": code, "reporting_month": data.Between(None, ctx.month)},
        order_by=["reporting_month"],
    )
    metas = {c: ui.meta_for(ctx.snap, c, EV_MODEL) for c in history.columns}
    latest = history.row(-1, named=True) if history.height else None
    rebaselines = _rebaselines(ctx, code)
    left, right = st.columns([1.3, 1])
    with left:
        _s_curve(history, metas, latest=latest, row=row, rebaselines=rebaselines)
    with right:
        _indices(ctx, code, history, metas)
    _finish_forecast(ctx, history, metas, latest=latest, row=row)
    _milestones(ctx, code)


def risks_and_money(ctx: state.Context, code: str) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader("Top risks")
        with ui.needs():
            risks = data.open_risks(ctx.snap, [code], ctx.month).head(8)
            # half the page wide: the exposure comes before the title, so a long title is what
            # the table cuts, not the money
            ui.table(
                ctx,
                risks.select(
                    "risk_id",
                    "exposure_amount",
                    "severity",
                    "title",
                    "age_days",
                    "category",
                    "owner",
                    "source_file",
                    "source_line",
                ),
                key="top_risks",
                name=f"top_risks_{code}",
                empty_message="No open risks in the register in force (or no register).",
            )
    with right:
        st.subheader("Budget vs actual by category")
        with ui.needs():
            money = data.read(
                ctx.snap,
                "fct_project_financials_monthly",
                where={"project_code": code, "reporting_month": ctx.month},
                order_by=["cost_category", "expense_type"],
            ).with_columns(
                (pl.col("cost_category") + " · " + pl.col("expense_type")).alias("category")
            )
            measures = [
                "cumulative_budget_amount",
                "cumulative_actual_cost",
                "forecast_at_completion",
                "budget_at_completion",
            ]
            metas = {
                m: ui.meta_for(ctx.snap, m, "fct_project_financials_monthly") for m in measures
            }
            st.plotly_chart(
                charts.grouped_bars(
                    money, x="category", measures=measures, metas=metas, height=340
                ),
                key="by_category",
            )


RAID_SUMMARY = "rpt_raid_summary_monthly"
RAID_ITEMS = "fct_raid_items_monthly"
RAID_TILES = [
    "open_issue_count",
    "overdue_issue_count",
    "escalated_issue_count",
    "open_decision_count",
    "decisions_awaiting_steering_count",
    "overdue_action_count",
]
RAID_TYPE_ORDER = {"issue": 0, "decision": 1, "action": 2}


def issues_decisions_actions(ctx: state.Context, code: str) -> None:
    st.subheader("Issues, decisions and actions")
    with ui.needs():
        found = data.read(
            ctx.snap, RAID_SUMMARY, where={"project_code": code, "reporting_month": ctx.month}
        )
        if found.is_empty():
            ui.empty(
                f"Nothing on this project's issue, decision or action logs in "
                f"{month_label(ctx.month)}: none open, none closed (or it keeps no logs)."
            )
            return
        row = found.row(0, named=True)
        for column, name in zip(st.columns(len(RAID_TILES)), RAID_TILES, strict=True):
            ui.kpi(column, ctx.snap, RAID_SUMMARY, name, row)
        items = (
            data.read(
                ctx.snap,
                RAID_ITEMS,
                where={
                    "project_code": code,
                    "reporting_month": ctx.month,
                    "is_open_at_month_end": True,
                },
            )
            .with_columns(
                pl.col("item_type").replace_strict(RAID_TYPE_ORDER, default=3).alias("_type")
            )
            .sort(["_type", "is_overdue", "due_date"], descending=[False, True, False])
        )
        ui.table(
            ctx,
            items.select(
                "item_type",
                "item_id",
                "title",
                "owner",
                "item_status",
                "escalation_level",
                "forum",
                "due_date",
                "days_overdue",
                "age_days",
                "item_source",
            ),
            key="raid_items",
            model=RAID_ITEMS,
            name=f"open_items_{code}",
            empty_message="Nothing open on the logs at the end of the month.",
        )


def status_note(ctx: state.Context, code: str) -> None:
    st.subheader("Status note from the project manager")
    with ui.needs():
        note = data.status_note(ctx.snap, code, ctx.month)
        if note.is_empty():
            ui.empty(
                f"No status note for {code} up to {month_label(ctx.month)}. "
                "PMs add one per month (status_notes export)."
            )
            return
        row = note.row(0, named=True)
        disputed = data.read(
            ctx.snap,
            "rpt_steering_attention_monthly",
            select=["colour_disagreement"],
            where={"project_code": code, "reporting_month": ctx.month, "is_colour_disputed": True},
        )
        if disputed.height:
            st.warning(
                f"Colours disagree: {disputed.item(0, 0)}. See the steering view.",
                icon=":material/contrast:",
            )
        with st.container(border=True):
            st.markdown(
                f"**{month_label(row.get('reporting_month'))}** · "
                f"{row.get('author') or 'unknown author'} · "
                f"PM's status: {ui.badge(row.get('overall_status'))}"
            )
            for title, column in (
                ("Summary", "summary"),
                ("Accomplishments", "accomplishments"),
                ("Next steps", "next_steps"),
                ("Decisions needed", "decisions_needed"),
            ):
                if row.get(column):
                    st.markdown(f"**{title}.** {row[column]}")
            st.caption(f"{row.get('source_file')}, line {row.get('source_line')}")
        if row.get("reporting_month") != ctx.month:
            st.caption(f"No note for {month_label(ctx.month)}; the latest earlier note is shown.")


def data_caveats(ctx: state.Context, code: str) -> None:
    st.subheader("Data caveats")
    with ui.needs():
        quality = data.read(ctx.snap, "rpt_data_quality_by_project", where={"project_code": code})
        if quality.is_empty():
            ui.empty("No data-quality checks for this project yet.")
            return
        row = quality.row(0, named=True)
        # two by two: four tiles side by side in this half-width column cut their labels
        cols = [*st.columns(2), *st.columns(2)]
        for column, container in zip(
            (
                "data_quality_score",
                "failed_check_count",
                "quarantined_row_count",
                "stale_export_count",
            ),
            cols,
            strict=True,
        ):
            ui.kpi(container, ctx.snap, "rpt_data_quality_by_project", column, row)
        if row.get("data_quality_issues"):
            st.warning(
                f"Figures of this project rest on flagged data: {row['data_quality_issues']}.",
                icon=":material/report:",
            )
        else:
            st.success("Every data-quality check passed.", icon=":material/verified:")
        ui.as_of_note(ctx, "Data quality")


ctx = state.context()
with ui.needs():
    code = _pick_project(ctx)
    if code is None:
        ui.page_header(ctx, "Project detail")
        ui.empty(f"No project reports in {month_label(ctx.month)} for this selection.")
        st.stop()
    found = data.read(
        ctx.snap, PROJECT_MODEL, where={"project_code": code, "reporting_month": ctx.month}
    )
    if found.is_empty():
        ui.page_header(ctx, "Project detail")
        ui.empty(
            f"{code} has no figures for {month_label(ctx.month)}: it starts later. "
            "Pick a later month."
        )
        st.stop()
    row = found.row(0, named=True)
    header(ctx, row)
    ui.caveats(ctx, [code])
    tiles(ctx, code, row)
    ui.drilldown(ctx, [code], key="project")
    evm(ctx, code, row)
    risks_and_money(ctx, code)
    issues_decisions_actions(ctx, code)
    left, right = st.columns([1.4, 1])
    with left:
        status_note(ctx, code)
    with right:
        data_caveats(ctx, code)
