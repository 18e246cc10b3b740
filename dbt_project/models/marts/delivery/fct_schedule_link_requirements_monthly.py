"""The start each schedule link asks of its successor, in working days of the successor's calendar.

One row per link of each month's network with both its tasks scheduled
(int_schedule_links_monthly joined to fct_schedule_network_monthly). The predecessor's date
(the day after its finish for FS and FF, and for a milestone; its start for SS and SF) is counted
in the successor's calendar, the lag added in it and, for FF and SF, the successor's duration
taken off: the same arithmetic as the forward pass, so fct_schedule_links_monthly can tell each
link's slack when the two projects keep different calendars. Counting a date in a calendar needs
numpy's business-day calendars, hence Python; the calendars come from
int_schedule_workday_calendars_monthly, as the pass's do, catch-up days (worked days the week does
not work) counted in beside them.
"""

from __future__ import annotations

import numpy as np
import polars as pl

EPOCH = np.datetime64("2000-01-03", "D")  # position 0, as in fct_schedule_network_monthly
KEY = ["network_month", "project_code", "task_key", "predecessor_project_code", "predecessor_key"]
OUTPUT_SCHEMA = {
    **dict.fromkeys(KEY, pl.String),
    "network_month": pl.Date,
    "required_start_workday": pl.Int64,
}


def _calendar_ids(
    projects: pl.Series, calendars: pl.DataFrame
) -> tuple[list[np.busdaycalendar], list[np.ndarray], np.ndarray]:
    """Each row's project calendar as fct_schedule_network_monthly builds it from the month's
    int_schedule_workday_calendars_monthly rows, and its catch-up days from position 0 on."""
    distinct = calendars.unique("calendar_number").sort("calendar_number")
    built = [
        np.busdaycalendar(weekmask=mask, holidays=np.array(days, dtype="datetime64[D]"))
        for mask, days in distinct.select("weekmask", "holiday_dates").iter_rows()
    ]
    catch_up = [
        np.array(days, dtype="datetime64[D]")
        for days in distinct.get_column("catch_up_dates").to_list()
    ]
    ids = dict(calendars.select("project_code", "calendar_number").iter_rows())
    return (
        built,
        [np.sort(days[days >= EPOCH]) for days in catch_up],
        projects.replace_strict(ids, return_dtype=pl.Int64).to_numpy(),
    )


def requirements(
    links: pl.DataFrame, network: pl.DataFrame, calendars: pl.DataFrame
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
    calendars, extra_days, ids = _calendar_ids(joined.get_column("project_code"), calendars)
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
    calendars = dbt.ref("int_schedule_workday_calendars_monthly").pl()
    parts = [
        requirements(
            links.filter(pl.col("network_month") == month),
            network.filter(pl.col("network_month") == month),
            calendars.filter(pl.col("network_month") == month),
        )
        for month in sorted(network.get_column("network_month").unique().to_list())
    ]
    parts = [part for part in parts if not part.is_empty()]
    return pl.concat(parts) if parts else pl.DataFrame(schema=OUTPUT_SCHEMA)
