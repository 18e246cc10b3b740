"""A pack asked for on the command line, built by the job its schedule runs.

``pmo report --month`` and ``--week`` run the month-end or weekly report job in this process for
the period's partition, with what was asked (snapshot, formats, kinds) as the run's config: the
same asset, the same checks and the same record in the data directory's Dagster instance as a
scheduled pack. A period that is no partition of its job (a month before the partitions start
in January 2024, a month or week not over yet) has no run to go in: the same report builder
then builds it directly, as it would inside the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.config import DataPaths
from pipelines.defs import reports
from pipelines.defs.reports.assets import month_end_pack, monthly, weekly, weekly_pack
from pipelines.defs.reports.jobs import REPORT_JOB_NAME, WEEKLY_REPORT_JOB_NAME
from pipelines.defs.resources import WarehouseResource
from pipelines.publish.reports import (
    ReportError,
    ReportResult,
    generate_report,
    generate_weekly_report,
)
from pipelines.publish.reports.generate import MANIFEST
from pipelines.publish.reports.source import parse_month, parse_week

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
"""The run's own log stays in its event log: the command prints the pack it built."""


def build_month_pack(
    paths: DataPaths,
    instance: dg.DagsterInstance,
    month: str,
    *,
    snapshot_id: str | None,
    formats: str,
    kinds: str,
) -> ReportResult:
    """The month's pack (``kinds`` of msr, fsr, closure) through the month-end report job."""
    config = {"snapshot_id": snapshot_id or "", "formats": formats, "kinds": kinds}
    key = _partition_key(lambda: f"{parse_month(month):%Y-%m-%d}", monthly)
    if key is None:
        return generate_report(paths, month, snapshot_id=snapshot_id, formats=formats, kinds=kinds)
    return _run(paths, instance, REPORT_JOB_NAME, month_end_pack, key, config)


def build_week_pack(
    paths: DataPaths,
    instance: dg.DagsterInstance,
    week: str,
    *,
    snapshot_id: str | None,
    formats: str,
) -> ReportResult:
    """An ISO week's weekly status report through the weekly report job."""
    config = {"snapshot_id": snapshot_id or "", "formats": formats}
    key = _partition_key(lambda: parse_week(week).isoformat(), weekly)
    if key is None:
        return generate_weekly_report(paths, week, snapshot_id=snapshot_id, formats=formats)
    return _run(paths, instance, WEEKLY_REPORT_JOB_NAME, weekly_pack, key, config)


def _partition_key(key: Callable[[], str], partitions: dg.PartitionsDefinition) -> str | None:
    """The period's partition key, or None when the period is malformed (the builder names
    what it found) or no partition of the job."""
    try:
        candidate = key()
    except (ReportError, ValueError):
        return None
    return candidate if partitions.has_partition_key(candidate) else None


def _run(
    paths: DataPaths,
    instance: dg.DagsterInstance,
    job_name: str,
    asset: dg.AssetsDefinition,
    partition_key: str,
    config: dict[str, Any],
) -> ReportResult:
    """Run the job for one partition; an error of the pack's own (a ReportError naming what is
    missing) is raised as it was raised in the asset."""
    warehouse = WarehouseResource(data_dir=str(paths.root))
    defs = dg.Definitions.merge(reports.defs(), dg.Definitions(resources={"warehouse": warehouse}))
    result = defs.resolve_job_def(job_name).execute_in_process(
        instance=instance,
        partition_key=partition_key,
        run_config={**QUIET, "ops": {asset.op.name: {"config": config}}},
    )
    (materialization,) = result.asset_materializations_for_node(asset.op.name)
    return pack_result(Path(str(materialization.metadata["folder"].value)))


def pack_result(folder: Path) -> ReportResult:
    """What a pack folder holds, as its manifest tells it."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return ReportResult(
        period=folder.parent.name,
        version=int(folder.name.removeprefix("v")),
        folder=folder,
        snapshot_id=str(manifest["snapshot_id"]),
        generated_at=str(manifest["generated_at"]),
        files=tuple(folder / entry["name"] for entry in manifest["files"]),
        manifest_path=folder / MANIFEST,
        timings=dict(manifest.get("timings_seconds", {})),
        caveats=tuple(manifest.get("caveats", ())),
        closures=tuple(manifest.get("closures", ())),
    )
