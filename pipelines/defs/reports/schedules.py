"""Report schedules: the month-end pack (MSR, FSR and the month's closure reports) on a business
day of the next month, and the weekly status report every Monday for the week before."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import dagster as dg

from pipelines.environment import (
    DEFAULT_REPORT_BUSINESS_DAY,
    REPORT_BUSINESS_DAY_ENV,
    read_environment,
)
from pipelines.publish.reports.source import week_label


def nth_business_day(year: int, month: int, n: int) -> date:
    """The n-th Monday-to-Friday day of a month (public holidays are not modelled)."""
    day = date(year, month, 1)
    seen = 0
    while True:
        if day.weekday() < 5:
            seen += 1
            if seen == n:
                return day
        day += timedelta(days=1)


def report_month_due(today: date, business_day: int) -> str | None:
    """The month (YYYY-MM) whose pack is due today, or None."""
    if today != nth_business_day(today.year, today.month, business_day):
        return None
    previous = today.replace(day=1) - timedelta(days=1)
    return f"{previous:%Y-%m}"


def build_month_end_schedule(report_job: dg.UnresolvedAssetJobDefinition) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="month_end_reports",
        job=report_job,
        cron_schedule="0 7 * * 1-5",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"On business day ${REPORT_BUSINESS_DAY_ENV} (default "
        f"{DEFAULT_REPORT_BUSINESS_DAY}) of each month, build last month's MSR/FSR pack and the "
        "closure report of each project that closed in it.",
    )
    def month_end_reports(context: dg.ScheduleEvaluationContext):
        moment = context.scheduled_execution_time or datetime.now()
        month = report_month_due(moment.date(), read_environment().report_business_day)
        if month is None:
            return dg.SkipReason(f"{moment:%Y-%m-%d} is not the report business day")
        return dg.RunRequest(run_key=f"reports-{month}", partition_key=f"{month}-01")

    return month_end_reports


def report_week_due(today: date) -> date:
    """Monday of the ISO week before the one ``today`` is in: the week a Monday's pack reports
    (the week just ended, refreshed by the morning's daily refresh)."""
    return today - timedelta(days=today.weekday() + 7)


def build_weekly_schedule(weekly_job: dg.UnresolvedAssetJobDefinition) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="weekly_reports",
        job=weekly_job,
        cron_schedule="0 7 * * 1",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Mondays at 07:00 UTC (after the daily refresh), build the weekly status "
        "report of the ISO week that just ended.",
    )
    def weekly_reports(context: dg.ScheduleEvaluationContext):
        moment = context.scheduled_execution_time or datetime.now()
        monday = report_week_due(moment.date())
        return dg.RunRequest(
            run_key=f"weekly-{week_label(monday)}", partition_key=f"{monday:%Y-%m-%d}"
        )

    return weekly_reports
