"""Report packs as partitioned Dagster assets (their jobs and schedules are beside this module).

The month-end pack (MSR/FSR, and the closure report of each project that closed in the month)
is partitioned by month; the weekly status report is a second
asset partitioned by ISO week (keys are the weeks' Mondays) with its own job. A Dagster asset has
one partitions definition, and weeks do not nest in months (2026-W44 runs from 26 Oct to 1 Nov),
so the weekly pack cannot be a partition or a config field of the monthly asset without making
its month key meaningless: two assets keep each history in its own calendar, and the monthly
partitioning, job and schedule stay exactly as they were.

A pack is built from the current published snapshot, and only when the latest refresh run
succeeded: a report on top of a failed refresh would present stale numbers as the period's.
"""

from collections.abc import Callable
from datetime import date

import dagster as dg

from pipelines.defs.publish.assets import SNAPSHOT_KEY
from pipelines.defs.publish.jobs import REFRESH_JOB_NAME
from pipelines.defs.resources import WarehouseResource, progress
from pipelines.publish.reports import (
    FORMATS,
    MONTH_KINDS,
    ReportError,
    ReportResult,
    generate_report,
    generate_weekly_report,
)
from pipelines.publish.reports.source import week_label

REPORT_KEY = dg.AssetKey(["reports", "month_end_pack"])
WEEKLY_REPORT_KEY = dg.AssetKey(["reports", "weekly_pack"])

monthly = dg.MonthlyPartitionsDefinition(start_date="2024-01-01", end_offset=0)
# day_offset=1: weeks start on Monday (ISO weeks); a week's partition exists once it has ended
weekly = dg.WeeklyPartitionsDefinition(start_date="2024-01-01", day_offset=1, end_offset=0)


class PackConfig(dg.Config):
    """What a run builds besides its period (the partition): a scheduled run takes the
    defaults, `pmo report` passes what it was asked for."""

    snapshot_id: str = ""
    """A published snapshot's id; empty: the current one, refused after a failed refresh."""
    formats: str = ",".join(FORMATS)
    """Comma-separated: html, pdf, xlsx."""

    @property
    def pinned_snapshot(self) -> str | None:
        return self.snapshot_id or None


class MonthPackConfig(PackConfig):
    kinds: str = ",".join(MONTH_KINDS)
    """Comma-separated: msr, fsr, closure (the closure report of each project that closed in
    the month)."""


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


def _refuse_after_failed_refresh(
    instance: dg.DagsterInstance, period: str, config: PackConfig
) -> None:
    """A pack from the current snapshot after a failed refresh would show stale numbers (one
    from a snapshot named in the config is what was asked for)."""
    failure = None if config.snapshot_id else last_refresh_failure(instance)
    if failure:
        raise ReportError(
            f"no {period} pack: the latest refresh ({failure}) did not publish; fix it and "
            "refresh first, or name an earlier snapshot with `pmo report --snapshot`."
        )


def _materialized(period: str, result: ReportResult) -> dg.MaterializeResult:
    """The run's record of a pack: where it is and what it was built from."""
    progress(f"  ✓ {period} pack v{result.version}: {len(result.files)} files in {result.folder}")
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(result.folder)),
            "version": result.version,
            "snapshot_id": result.snapshot_id,
            "files": len(result.files),
            **({"closure_reports": ", ".join(result.closures)} if result.closures else {}),
            "caveats": "\n".join(result.caveats) or "none",
        }
    )


def _pack_asset(
    key: dg.AssetKey, partitions_def: dg.PartitionsDefinition, description: str
) -> Callable[[Callable[..., dg.MaterializeResult]], dg.AssetsDefinition]:
    """A pack's asset: built after the snapshot is published, in the reports group, as HTML,
    PDF and XLSX, one partition per period."""
    return dg.asset(
        key=key,
        deps=[SNAPSHOT_KEY],
        partitions_def=partitions_def,
        group_name="reports",
        description=description,
        kinds={"html", "pdf", "xlsx"},
    )


@_pack_asset(
    REPORT_KEY,
    monthly,
    "The MSR and FSR for the month, and the closure report of each project that "
    "closed in it (HTML, PDF, XLSX), in <data-dir>/reports/YYYY-MM/vN/ with manifest.json, from "
    "the current published snapshot.",
)
def month_end_pack(
    context: dg.AssetExecutionContext, config: MonthPackConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    month = context.partition_key[:7]
    _refuse_after_failed_refresh(context.instance, month, config)
    pinned, formats = config.pinned_snapshot, config.formats
    return _materialized(
        month,
        generate_report(
            warehouse.paths, month, snapshot_id=pinned, formats=formats, kinds=config.kinds
        ),
    )


@_pack_asset(
    WEEKLY_REPORT_KEY,
    weekly,
    "The weekly status report for an ISO week (HTML, PDF, XLSX) in "
    "<data-dir>/reports/YYYY-Www/vN/ with manifest.json, from the current published snapshot; "
    "the partition key is the week's Monday.",
)
def weekly_pack(
    context: dg.AssetExecutionContext, config: PackConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    week = week_label(date.fromisoformat(context.partition_key))
    _refuse_after_failed_refresh(context.instance, week, config)
    pinned, formats = config.pinned_snapshot, config.formats
    return _materialized(
        week, generate_weekly_report(warehouse.paths, week, snapshot_id=pinned, formats=formats)
    )
