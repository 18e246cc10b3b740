"""The report jobs the schedules (and `pmo report`) run: one partition of a pack each."""

import dagster as dg

from pipelines.defs.reports.assets import REPORT_KEY, WEEKLY_REPORT_KEY

REPORT_JOB_NAME = "month_end_reports"
WEEKLY_REPORT_JOB_NAME = "weekly_reports"

report_job = dg.define_asset_job(
    REPORT_JOB_NAME,
    selection=[REPORT_KEY],
    executor_def=dg.in_process_executor,
    description="Build one month's MSR/FSR pack, with the closure reports of the projects that "
    "closed in the month, from the current snapshot.",
)

weekly_report_job = dg.define_asset_job(
    WEEKLY_REPORT_JOB_NAME,
    selection=[WEEKLY_REPORT_KEY],
    executor_def=dg.in_process_executor,
    description="Build one ISO week's weekly status report from the current snapshot.",
)
