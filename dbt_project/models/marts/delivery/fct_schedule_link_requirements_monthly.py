"""The start each schedule link asks of its successor, in working days of the successor's calendar.

One row per link of each month's network with both its tasks scheduled
(int_schedule_links_monthly joined to fct_schedule_network_monthly). The predecessor's date
(the day after its finish for FS and FF, and for a milestone; its start for SS and SF) is counted
in the successor's calendar, the lag added in it and, for FF and SF, the successor's duration
taken off: the same arithmetic as the forward pass, so fct_schedule_links_monthly can tell each
link's slack when the two projects keep different calendars. Counting a date in a calendar needs
numpy's business-day calendars, hence Python; the calendars are built as the pass builds them,
catch-up days (worked days the week does not work) counted in beside them (its own module cannot
be imported by a dbt model, so the few lines are repeated).
"""

from __future__ import annotations

import numpy as np
import polars as pl

EPOCH = np.datetime64("2000-01-03", "D")  # position 0, as in fct_schedule_network_monthly
WEEKDAY_COLUMNS = tuple(
    f"is_{day}_working"
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)
KEY = ["network_month", "project_code", "task_key", "predecessor_project_code", "predecessor_key"]
OUTPUT_SCHEMA = {
    **dict.fromkeys(KEY, pl.String),
    "network_month": pl.Date,
    "required_start_workday": pl.Int64,
}


def _calendar_ids(
    projects: pl.Series, weeks: pl.DataFrame, exceptions: pl.DataFrame
) -> tuple[list[np.busdaycalendar], list[np.ndarray], np.ndarray]:
    """fct_schedule_network_monthly's ``_calendars``: each row's project calendar (weekdays,
    and the days its non-working exceptions cover and no working one does) and its catch-up
    days (worked days its week does not work), sorted."""
    week = (
        projects.unique()
        .to_frame("project_code")
        .join(weeks, on="project_code", how="left")
        .with_columns(
            pl.concat_str(
                [
                    pl.col(name).fill_null(default).cast(pl.Int8).cast(pl.String)
                    for name, default in zip(WEEKDAY_COLUMNS, [True] * 5 + [False] * 2, strict=True)
                ]
            ).alias("_weekmask")
        )
    )
    days = (
        exceptions.filter(pl.col("end_date") >= pl.col("start_date"))
        .select(
            "project_code",
            "is_working",
            pl.date_ranges("start_date", "end_date", interval="1d").alias("_day"),
        )
        .explode("_day")
    )
    worked = days.filter(pl.col("is_working")).select("project_code", "_day").unique()
    off = (
        days.filter(~pl.col("is_working"))
        .select("project_code", "_day")
        .unique()
        .join(worked, on=["project_code", "_day"], how="anti")
        .group_by("project_code")
        .agg(pl.col("_day").sort())
    )
    extra = (
        worked.join(week.select("project_code", "_weekmask"), on="project_code", how="inner")
        .filter(pl.col("_weekmask").str.slice(pl.col("_day").dt.weekday() - 1, 1) == "0")
        .group_by("project_code")
        .agg(pl.col("_day").sort().alias("_extra"))
    )
    week = (
        week.join(off, on="project_code", how="left")
        .join(extra, on="project_code", how="left")
        .with_columns(pl.col("_day").fill_null([]), pl.col("_extra").fill_null([]))
    )
    signatures: dict[tuple, int] = {}
    calendars: list[np.busdaycalendar] = []
    extra_days: list[np.ndarray] = []
    ids: dict[str, int] = {}
    for code, mask, holidays, catch_up in week.select(
        "project_code", "_weekmask", "_day", "_extra"
    ).iter_rows():
        key = (mask, tuple(holidays), tuple(catch_up))
        if key not in signatures:
            signatures[key] = len(calendars)
            calendars.append(
                np.busdaycalendar(weekmask=mask, holidays=np.array(holidays, dtype="datetime64[D]"))
            )
            catch_up_days = np.array(catch_up, dtype="datetime64[D]")
            extra_days.append(np.sort(catch_up_days[catch_up_days >= EPOCH]))
        ids[code] = signatures[key]
    return calendars, extra_days, projects.replace_strict(ids, return_dtype=pl.Int64).to_numpy()


def requirements(
    links: pl.DataFrame, network: pl.DataFrame, weeks: pl.DataFrame, exceptions: pl.DataFrame
) -> pl.DataFrame:
    """The rows of one month."""
    tasks = network.select(
        "project_code",
        "task_key",
        "early_start",
        "early_finish",
        "early_start_workday",
        "early_finish_workday",
        "duration_days",
    )
    joined = links.join(
        tasks.select("project_code", "task_key", "duration_days"),
        on=["project_code", "task_key"],
        how="inner",
    ).join(
        tasks.drop("duration_days").rename(
            {"project_code": "predecessor_project_code", "task_key": "predecessor_key"}
        ),
        on=["predecessor_project_code", "predecessor_key"],
        how="inner",
    )
    if joined.is_empty():
        return pl.DataFrame(schema=OUTPUT_SCHEMA)
    kind = joined.get_column("link_type").to_numpy()
    after_finish = ((kind == "FS") | (kind == "FF")) | (
        joined.get_column("early_start_workday").to_numpy()
        == joined.get_column("early_finish_workday").to_numpy()
    )
    finish = joined.get_column("early_finish").to_numpy().astype("datetime64[D]")
    start = joined.get_column("early_start").to_numpy().astype("datetime64[D]")
    anchor = np.where(after_finish, finish + np.timedelta64(1, "D"), start)
    calendars, extra_days, ids = _calendar_ids(joined.get_column("project_code"), weeks, exceptions)
    counted = np.zeros(joined.height, dtype=np.int64)
    for number in np.unique(ids):
        chosen = ids == number
        # the business days before the date, and the catch-up days before it
        counted[chosen] = np.busday_count(
            EPOCH, anchor[chosen], busdaycal=calendars[number]
        ) + np.searchsorted(extra_days[number], anchor[chosen], side="left")
    lag = joined.get_column("lag_days").cast(pl.Float64).fill_null(0).round(0).cast(pl.Int64)
    duration = joined.get_column("duration_days").to_numpy()
    required = counted + lag.to_numpy() - np.where((kind == "FF") | (kind == "SF"), duration, 0)
    return joined.select(KEY).with_columns(
        pl.Series("required_start_workday", required, dtype=pl.Int64)
    )


def model(dbt, session):
    dbt.config(materialized="table")
    links = dbt.ref("int_schedule_links_monthly").pl()
    network = dbt.ref("fct_schedule_network_monthly").pl()
    weeks = dbt.ref("int_schedule_calendars_monthly").pl()
    exceptions = dbt.ref("int_schedule_calendar_exceptions_monthly").pl()
    parts = [
        requirements(
            links.filter(pl.col("network_month") == month),
            network.filter(pl.col("network_month") == month),
            weeks.filter(pl.col("network_month") == month),
            exceptions.filter(pl.col("network_month") == month),
        )
        for month in sorted(network.get_column("network_month").unique().to_list())
    ]
    parts = [part for part in parts if not part.is_empty()]
    return pl.concat(parts) if parts else pl.DataFrame(schema=OUTPUT_SCHEMA)
