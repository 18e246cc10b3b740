"""Resources: utilisation by team, role or person and week; over-allocation; timesheet
compliance (expected working days with no time logged).

Reads fct_resource_utilization_group_weekly (the team and role roll-ups, told apart by
grouped_by), fct_resource_utilization_weekly and, for drill-down, raw.timesheets (with file and
line).
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import streamlit as st

from dashboards import data, state
from dashboards.components import charts, ui
from pipelines.publish import theme

PERSON = "fct_resource_utilization_weekly"
GROUPS = "fct_resource_utilization_group_weekly"
# a view: the model, the column naming a heatmap row, and the roll-up it reads (None: people)
VIEWS = {
    "Team": (GROUPS, "group_name", "team"),
    "Role": (GROUPS, "group_name", "role"),
    "Person": (PERSON, "full_name", None),
}
TEAMS = {"grouped_by": "team"}
UTILISATION_SCALE = [list(stop) for stop in theme.UTILISATION_SCALE]


def window(ctx: state.Context) -> tuple:
    weeks = st.slider("Weeks shown", 4, 52, 16, step=4, key="res_weeks")
    end = ctx.month_end
    return end - timedelta(weeks=weeks), end


def utilisation(ctx: state.Context, start, end) -> None:
    st.subheader("Utilisation by week")
    left, right = st.columns([1, 2])
    view = (
        left.segmented_control("By", list(VIEWS), default="Team", key="res_view", required=True)
        or "Team"
    )
    model, axis, grouped_by = VIEWS[view]
    where = {"week_start_date": data.Between(start, end)}
    if grouped_by:
        where["grouped_by"] = grouped_by
    else:
        teams = data.distinct(ctx.snap, PERSON, "team")
        team = right.selectbox("Team", teams, key="res_team")
        where["team"] = team
    rows = data.read(ctx.snap, model, where=where, order_by=[axis, "week_start_date"])
    meta = ui.meta_for(ctx.snap, "utilization_ratio", model)
    st.plotly_chart(
        charts.heatmap(
            rows,
            x="week_start_date",
            y=axis,
            z="utilization_ratio",
            meta=meta,
            colourscale=UTILISATION_SCALE,
            zmin=0,
            zmax=150,
        ),
        key="utilisation",
    )
    st.caption(
        "Logged hours ÷ capacity per week: blue under-used, green on plan, red over-allocated."
    )


def over_allocation(ctx: state.Context, start, end) -> None:
    st.subheader("Over- and under-allocation")
    kind = (
        st.segmented_control(
            "Show",
            ["Over-allocated", "Under-allocated"],
            default="Over-allocated",
            key="res_alloc",
            required=True,
        )
        or "Over-allocated"
    )
    over = kind == "Over-allocated"
    count, flag = (
        ("over_allocated_person_count", "is_over_allocated")
        if over
        else ("under_allocated_person_count", "is_under_allocated")
    )
    left, right = st.columns(2)
    with left:
        model = GROUPS
        rows = data.read(
            ctx.snap,
            model,
            select=["group_name", "week_start_date", count],
            where={**TEAMS, "week_start_date": data.Between(start, end)},
            order_by=["week_start_date"],
        ).filter(pl.col(count) > 0)
        if rows.is_empty():
            ui.empty(f"Nobody was {kind.lower()} in the window.")
            return
        st.plotly_chart(
            charts.stacked_bars(
                rows,
                x="week_start_date",
                y=count,
                colour="group_name",
                meta=ui.meta_for(ctx.snap, count, model),
                x_is_date=True,
                height=320,
            ),
            key="allocation",
        )
    with right:
        people = data.read(
            ctx.snap,
            PERSON,
            select=[
                "full_name",
                "team",
                "role",
                "week_start_date",
                "capacity_hours",
                "logged_hours",
                "utilization_ratio",
                "employee_id",
            ],
            where={"week_start_date": data.Between(start, end), flag: True},
            order_by=["utilization_ratio"],
            descending=over,
        )
        st.caption(f"People {kind.lower()} in the window. Select a row for their time that week.")
        event = ui.table(
            ctx,
            people,
            key="allocation_people",
            model=PERSON,
            name=kind.lower(),
            selectable=True,
            height=300,
            empty_message=f"Nobody was {kind.lower()} in the window.",
        )
        _person_week(ctx, ui.selected_row(event, people))


def compliance(ctx: state.Context, start, end) -> None:
    st.subheader("Timesheet compliance")
    model = GROUPS
    rows = data.read(
        ctx.snap,
        model,
        select=["group_name", "week_start_date", "timesheet_compliance_ratio"],
        where={**TEAMS, "week_start_date": data.Between(start, end)},
    )
    st.plotly_chart(
        charts.heatmap(
            rows,
            x="week_start_date",
            y="group_name",
            z="timesheet_compliance_ratio",
            meta=ui.meta_for(ctx.snap, "timesheet_compliance_ratio", model),
            colourscale="RdYlGn",
            zmin=50,
            zmax=100,
        ),
        key="compliance",
    )
    recent = end - timedelta(weeks=4)
    missing = data.read(
        ctx.snap,
        PERSON,
        select=[
            "full_name",
            "team",
            "week_start_date",
            "expected_working_days",
            "missing_timesheet_days",
            "timesheet_compliance_ratio",
            "employee_id",
        ],
        where={"week_start_date": data.Between(recent, end)},
        order_by=["missing_timesheet_days", "full_name"],
        descending=True,
    ).filter(pl.col("missing_timesheet_days") > 0)
    st.caption(
        "Working days without time logged in the last 4 weeks of the window. "
        "Select a row for the week's lines."
    )
    event = ui.table(
        ctx,
        missing,
        key="missing_days",
        model=PERSON,
        name="missing_timesheets",
        selectable=True,
        height=300,
        empty_message="Everyone logged time on every expected working day.",
    )
    _person_week(ctx, ui.selected_row(event, missing))


def _person_week(ctx: state.Context, row: dict | None) -> None:
    if not row:
        return
    lines = data.person_week_lines(ctx.snap, row["employee_id"], row["week_start_date"])
    st.markdown(f"**{row['full_name']} — week of {row['week_start_date']:%d %b %Y}**")
    ui.table(
        ctx,
        lines,
        key=f"week_lines_{row['employee_id']}",
        name="timesheet_lines",
        empty_message="No time logged that week.",
    )


def timesheet_caveat(ctx: state.Context) -> None:
    """Utilisation is only as complete as the timesheets: say what is missing from it."""
    refused = data.read(
        ctx.snap,
        "rpt_quarantined_rows",
        select=["rows_represented"],
        where={"entity": "timesheets"},
    )["rows_represented"].sum()
    stale = pl.DataFrame()
    if data.has_model(ctx.snap, "fct_export_freshness"):
        stale = data.read(
            ctx.snap,
            "fct_export_freshness",
            select=["project_code", "days_since_latest_export"],
            where={"entity": "timesheets", "is_stale": True},
            order_by=["project_code"],
        )
    parts = []
    if refused:
        parts.append(
            f"{refused:,} timesheet row(s) were refused by the loader: their hours are not in "
            "these figures"
        )
    if not stale.is_empty():
        codes = stale["project_code"].to_list()
        shown = ", ".join(codes[:8]) + (f" and {len(codes) - 8} more" if len(codes) > 8 else "")
        parts.append(f"timesheets are out of date for {len(codes)} project(s) ({shown})")
    if not parts:
        return
    st.warning(
        "Timesheet caveat: " + "; ".join(parts) + ". Utilisation and compliance may read low.",
        icon=":material/report:",
    )
    st.page_link(
        "views/data_quality.py", label="See the data-quality page", icon=":material/fact_check:"
    )


ctx = state.context()
ui.page_header(ctx, "Resources")
st.caption(
    ":material/info: People work across projects, so utilisation is organisation-wide: the "
    "portfolio and project filters do not apply here; the as-of month ends the window."
)
start, end = window(ctx)
with ui.needs():
    timesheet_caveat(ctx)
with ui.needs():
    utilisation(ctx, start, end)
with ui.needs():
    over_allocation(ctx, start, end)
with ui.needs():
    compliance(ctx, start, end)
