"""Month-end report packs as a monthly-partitioned Dagster asset, and the job the schedule runs.

A pack is built from the current published snapshot, and only when the latest refresh run
succeeded: a report on top of a failed refresh would present stale numbers as this month's.
"""

import dagster as dg

from pipelines.jobs import REFRESH_JOB_NAME
from pipelines.publish.assets import SNAPSHOT_KEY
from pipelines.publish.reports import ReportError, generate_report
from pipelines.resources import WarehouseResource, progress

REPORT_KEY = dg.AssetKey(["reports", "month_end_pack"])
REPORT_JOB_NAME = "month_end_reports"

monthly = dg.MonthlyPartitionsDefinition(start_date="2024-01-01", end_offset=0)


def last_refresh_failure(instance: dg.DagsterInstance) -> str | None:
    """Why the most recent finished refresh failed, or None when it succeeded (or never ran)."""
    records = instance.get_run_records(
        dg.RunsFilter(
            job_name=REFRESH_JOB_NAME,
            statuses=[dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE],
        ),
        limit=1,
    )
    if not records or records[0].dagster_run.status == dg.DagsterRunStatus.SUCCESS:
        return None
    return f"run {records[0].dagster_run.run_id[:8]} failed"


@dg.asset(
    key=REPORT_KEY,
    deps=[SNAPSHOT_KEY],
    partitions_def=monthly,
    group_name="reports",
    description="The MSR and FSR for the month (HTML, PDF, XLSX) in <data-dir>/reports/YYYY-MM/vN/ "
    "with manifest.json, from the current published snapshot.",
    kinds={"html", "pdf", "xlsx"},
)
def month_end_pack(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    month = context.partition_key[:7]
    failure = last_refresh_failure(context.instance)
    if failure:
        raise ReportError(
            f"no {month} pack: the latest refresh ({failure}) did not publish; fix it and refresh "
            "first, or name an earlier snapshot with `pmo report --snapshot`."
        )
    result = generate_report(warehouse.paths, month)
    progress(f"  ✓ {month} pack v{result.version}: {len(result.files)} files in {result.folder}")
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(result.folder)),
            "version": result.version,
            "snapshot_id": result.snapshot_id,
            "files": len(result.files),
            "caveats": "\n".join(result.caveats) or "none",
        }
    )


report_job = dg.define_asset_job(
    REPORT_JOB_NAME,
    selection=[REPORT_KEY],
    executor_def=dg.in_process_executor,
    description="Build one month's MSR/FSR pack from the current snapshot.",
)
