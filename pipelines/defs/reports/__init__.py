"""Reports: the month-end and weekly packs as partitioned assets, their jobs and schedules
(imported when ``defs()`` is called)."""

import dagster as dg


def defs() -> dg.Definitions:
    from pipelines.defs.reports.assets import month_end_pack, weekly_pack
    from pipelines.defs.reports.jobs import report_job, weekly_report_job
    from pipelines.defs.reports.schedules import build_month_end_schedule, build_weekly_schedule

    return dg.Definitions(
        assets=[month_end_pack, weekly_pack],
        jobs=[report_job, weekly_report_job],
        schedules=[build_month_end_schedule(report_job), build_weekly_schedule(weekly_report_job)],
    )
