"""Report packs: build, check, and only then put a new version in place.

``generate_report`` (a month's MSR/FSR, and the closure report of each project that closed in
the month), ``generate_closure_report`` (one closed project's closure report, filed under the
month it closed from) and ``generate_weekly_report`` (an ISO week's weekly status report) read
one published snapshot (the current one, or the one named), check that
every model each requested report needs is there, build it as HTML, PDF and XLSX in a hidden
staging folder, verify the PDF, write ``manifest.json`` last, and rename the folder to
``reports/YYYY-MM/v<N>/`` or ``reports/YYYY-Www/v<N>/`` in one step. Any failure removes the
staging folder: nothing that looks like a report is ever left behind. Regenerating a period adds
``v<N+1>`` beside the earlier versions — nothing is overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pipelines.config import DataPaths
from pipelines.publish.catalog import code_version
from pipelines.publish.formatting import cell_text
from pipelines.publish.snapshot import Snapshot

from . import closure, fsr, html, msr, pdf, weekly, xlsx
from .document import Column
from .errors import ReportError
from .source import (
    ReportSource,
    Requirement,
    parse_month,
    parse_week,
    resolve_snapshot,
    week_label,
)

KINDS = ("msr", "fsr")
"""The month-end packs built by default; the weekly pack is its own kind, built per ISO week."""
CLOSURE = closure.KIND
"""A closed project's closure report: one per project that closed in the month."""
MONTH_KINDS = (*KINDS, CLOSURE)
WEEKLY = "weekly"
FORMATS = ("html", "pdf", "xlsx")
MANIFEST = "manifest.json"
VERSION = re.compile(r"^v(\d+)$")
MONTH_DIR = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
WEEK_DIR = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")
REPO = Path(__file__).resolve().parents[3]
ORIENTATION = {"msr": "portrait", "fsr": "landscape", WEEKLY: "portrait", CLOSURE: "portrait"}
REQUIREMENTS: dict[str, tuple[Requirement, ...]] = {
    "msr": msr.REQUIREMENTS,
    "fsr": fsr.REQUIREMENTS,
    WEEKLY: weekly.REQUIREMENTS,
    CLOSURE: closure.REQUIREMENTS,
}


@dataclass(frozen=True)
class Period:
    """What a pack covers — a month or an ISO week — as its folder, pages and manifest name it."""

    name: str
    """Folder and file-name part: 2026-10, or 2026-W44."""
    label: str
    """In titles and footers: 'October 2026', or '2026-W44 · 26 Oct – 1 Nov 2026'."""
    unit: str
    """'Month' or 'Week': the About sheet's row."""
    pack: str
    """The manifest's "report" line."""
    facts: dict[str, str]
    """What the manifest records about the period (its month, or its week and days)."""


def period_start(name: str) -> date:
    """The first day of a pack folder's period (a month's 1st, a week's Monday): the order in
    which packs of both kinds are listed."""
    return parse_week(name) if WEEK_DIR.match(name) else parse_month(name)


@dataclass(frozen=True)
class ReportResult:
    """What one ``generate_report`` or ``generate_weekly_report`` call wrote."""

    period: str
    """The month (YYYY-MM) or ISO week (YYYY-Www) of the pack: its folder's name."""
    version: int
    folder: Path
    snapshot_id: str
    generated_at: str
    files: tuple[Path, ...]
    manifest_path: Path
    timings: dict[str, float] = field(default_factory=dict)
    caveats: tuple[str, ...] = ()
    closures: tuple[str, ...] = ()
    """The projects whose closure reports the pack holds."""

    @property
    def month(self) -> str:
        """The period's name (kept for the month-end callers)."""
        return self.period


@dataclass(frozen=True)
class ReportInfo:
    """One generated report version, as its manifest describes it."""

    period: str
    """The month (YYYY-MM) or ISO week (YYYY-Www) of the pack: its folder's name."""
    version: int
    folder: Path
    snapshot_id: str
    generated_at: str
    code_version: str
    kinds: tuple[str, ...]
    formats: tuple[str, ...]
    files: tuple[Path, ...]
    manifest_path: Path

    @property
    def month(self) -> str:
        """The period's name (kept for the month-end callers)."""
        return self.period

    @property
    def starts(self) -> date:
        """The period's first day: packs of months and weeks in one time order."""
        return period_start(self.period)


def _choices(values: Sequence[str] | str, allowed: tuple[str, ...], what: str) -> list[str]:
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    chosen = [str(v).strip().lower() for v in values]
    unknown = [v for v in chosen if v not in allowed]
    if unknown or not chosen:
        raise ReportError(
            f"unknown {what} {', '.join(unknown) or '(none given)'}: expected one or more of "
            f"{', '.join(allowed)}."
        )
    return [v for v in allowed if v in chosen]


def _month_period(month_date: date, kinds: Sequence[str]) -> Period:
    pack = "closure pack" if list(kinds) == [CLOSURE] else "month-end pack"
    return Period(
        f"{month_date:%Y-%m}",
        f"{month_date:%B %Y}",
        "Month",
        f"pmo-pulse {pack}",
        {"month": f"{month_date:%Y-%m}"},
    )


def generate_report(
    paths: DataPaths,
    month: str,
    *,
    snapshot_id: str | None = None,
    formats: Sequence[str] = FORMATS,
    kinds: Sequence[str] = KINDS,
    progress: Callable[[str], None] | None = None,
) -> ReportResult:
    """Build the month's reports from one snapshot into a new ``reports/YYYY-MM/v<N>/``: the
    MSR and FSR, and with ``closure`` among ``kinds`` the closure report of each project that
    closed in the month (none is an error only when closure reports are all that was asked).

    ``progress`` is told each step as it starts ("Printing the MSR PDF"), for a progress display.
    """
    step = progress or (lambda _text: None)
    wanted_formats = _choices(formats, FORMATS, "format")
    wanted_kinds = _choices(kinds, MONTH_KINDS, "report kind")
    month_date = parse_month(month)
    period = _month_period(month_date, wanted_kinds)
    snapshot = resolve_snapshot(paths, snapshot_id)
    with ReportSource(snapshot) as source:
        _check_models(source, wanted_kinds, period.name, step)
        first, last, as_of = source.month_range()
        if not first <= month_date <= last:
            raise ReportError(
                f"{period.name} is outside the data of snapshot {snapshot.snapshot_id}: it "
                f"holds {first:%Y-%m} to {last:%Y-%m}. No report was written."
            )
        started = time.perf_counter()
        documents: dict[str, Any] = {}
        if "msr" in wanted_kinds:
            step(f"Reading the MSR's figures for {period.name}")
            documents["msr"] = msr.build(source, month_date, as_of, first)
        if "fsr" in wanted_kinds:
            step(f"Reading the FSR's figures for {period.name}")
            documents["fsr"] = fsr.build(source, month_date, as_of)
        if CLOSURE in wanted_kinds:
            codes = closure.closed_in(source, month_date)
            if not codes and wanted_kinds == [CLOSURE]:
                raise ReportError(
                    f"no project closed in {period.name} in snapshot {snapshot.snapshot_id}: "
                    "closure reports are built for the projects that closed in the month. "
                    f"Closed projects: {', '.join(closure.closed_months(source)) or 'none'}. "
                    "No report was written."
                )
            for code in codes:
                step(f"Reading the closure figures of {code}")
                report = closure.build(source, code, as_of)
                documents[report.name] = report
        timings = {"query": time.perf_counter() - started}
        caveats = _caveats(documents)
        return _publish(
            paths, source, period, documents, wanted_formats, caveats, as_of, timings, step
        )


def generate_closure_report(
    paths: DataPaths,
    project: str,
    *,
    month: str | None = None,
    snapshot_id: str | None = None,
    formats: Sequence[str] = FORMATS,
    progress: Callable[[str], None] | None = None,
) -> ReportResult:
    """Build one closed project's closure report from one snapshot into a new
    ``reports/YYYY-MM/v<N>/`` of the month it closed from, with the same checks, manifest and
    versioning as a month's pack. A project that is not closed, or a ``month`` other than the
    one it closed from, is a ReportError naming it."""
    step = progress or (lambda _text: None)
    wanted_formats = _choices(formats, FORMATS, "format")
    snapshot = resolve_snapshot(paths, snapshot_id)
    with ReportSource(snapshot) as source:
        _check_models(source, [CLOSURE], project, step)
        state = closure.closed_project(source, project)
        closed_from = state["closed_from_month"]
        if month is not None and parse_month(month) != closed_from:
            raise ReportError(
                f"{state['project_code']} closed from {closed_from:%B %Y}, not {month}: its "
                f"closure report is filed under {closed_from:%Y-%m} (leave out the month, or "
                f"give {closed_from:%Y-%m}). No report was written."
            )
        _, _, as_of = source.month_range()
        started = time.perf_counter()
        step(f"Reading the closure figures of {state['project_code']}")
        report = closure.build(source, state["project_code"], as_of)
        timings = {"query": time.perf_counter() - started}
        return _publish(
            paths,
            source,
            _month_period(closed_from, [CLOSURE]),
            {report.name: report},
            wanted_formats,
            _caveats({report.name: report}),
            as_of,
            timings,
            step,
        )


def generate_weekly_report(
    paths: DataPaths,
    week: str,
    *,
    snapshot_id: str | None = None,
    formats: Sequence[str] = FORMATS,
    progress: Callable[[str], None] | None = None,
) -> ReportResult:
    """Build an ISO week's weekly status report (YYYY-Www) from one snapshot into a new
    ``reports/YYYY-Www/v<N>/``, with the same checks, manifest and versioning as a month's."""
    step = progress or (lambda _text: None)
    wanted_formats = _choices(formats, FORMATS, "format")
    week_start = parse_week(week)
    name = week_label(week_start)
    snapshot = resolve_snapshot(paths, snapshot_id)
    with ReportSource(snapshot) as source:
        _check_models(source, [WEEKLY], name, step)
        _, _, as_of = source.month_range()
        _check_week(week_start, source.week_range(), as_of, snapshot)
        started = time.perf_counter()
        step(f"Reading the events of {name}")
        report = weekly.build(source, week_start, as_of)
        timings = {"query": time.perf_counter() - started}
        period = Period(
            name,
            report.period_label,
            "Week",
            "pmo-pulse weekly pack",
            {
                "week": name,
                "week_start": week_start.isoformat(),
                "week_end": report.week_end.isoformat(),
            },
        )
        caveats = (
            [
                f"WEEKLY: the snapshot's data ends on {as_of.isoformat()}, before the week's "
                f"end ({report.week_end.isoformat()}): the week is reported to that date."
            ]
            if report.is_partial
            else []
        )
        return _publish(
            paths, source, period, {WEEKLY: report}, wanted_formats, caveats, as_of, timings, step
        )


def _check_models(
    source: ReportSource, kinds: Sequence[str], period: str, step: Callable[[str], None]
) -> None:
    """Fail before anything is written when a model or column a requested pack reads is
    missing, naming each and the section that needs it."""
    step(f"Checking snapshot {source.snapshot_id} has every model the pack reads")
    problems = source.missing(r for kind in kinds for r in REQUIREMENTS[kind])
    if problems:
        raise ReportError(
            f"cannot build the {'/'.join(k.upper() for k in kinds)} for {period} from snapshot "
            f"{source.snapshot_id}: " + "; ".join(problems) + ". No report was written."
        )


def _check_week(
    week_start: date, weeks: tuple[date, date], as_of: date, snapshot: Snapshot
) -> None:
    """A week the snapshot can report on: it starts on or before the as-of date and within the
    weeks of its data; the error names the week asked for and the weeks there are."""
    first, last = weeks
    name, span = week_label(week_start), f"{week_label(first)} to {week_label(last)}"
    if week_start > as_of:
        raise ReportError(
            f"{name} starts on {week_start:%-d %b %Y}, after the as-of date "
            f"{as_of:%-d %b %Y} of snapshot {snapshot.snapshot_id}: expected a week from "
            f"{span} (the last one is measured to the as-of date). No report was written."
        )
    if not first <= week_start <= last:
        raise ReportError(
            f"{name} is outside the data of snapshot {snapshot.snapshot_id}: expected a week "
            f"from {span}. No report was written."
        )


def _publish(
    paths: DataPaths,
    source: ReportSource,
    period: Period,
    documents: dict[str, Any],
    formats: list[str],
    caveats: list[str],
    as_of: date,
    timings: dict[str, float],
    step: Callable[[str], None],
) -> ReportResult:
    """Write the documents into a staging folder, the manifest last, and file the folder
    under the period's next free version; nothing is left behind when any step fails."""
    catalog = source.catalog
    snapshot_id = source.snapshot_id
    generated_at = datetime.now(UTC).isoformat(timespec="seconds")
    context = {
        "period": period.name,
        "period_label": period.label,
        "period_unit": period.unit,
        "snapshot_id": snapshot_id,
        "code_version": source.code_version,
        "generated_at": generated_at,
    }
    paths.reports.mkdir(parents=True, exist_ok=True)
    staging = paths.reports / f".incoming-{period.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    kinds = list(dict.fromkeys(report.kind for report in documents.values()))
    closures = [r.project_code for r in documents.values() if r.kind == CLOSURE]
    try:
        files = _write_documents(staging, documents, formats, context, timings, step)
        manifest = {
            "report": period.pack,
            **period.facts,
            "snapshot_id": snapshot_id,
            "snapshot_created_at": catalog.get("created_at"),
            "code_version": source.code_version,
            "generator_code_version": code_version(REPO),
            "dbt_version": catalog.get("dbt_version"),
            "generated_at": generated_at,
            "data_as_of": as_of.isoformat(),
            "kinds": kinds,
            **({"closures": closures} if closures else {}),
            "formats": formats,
            "files": files,
            "sections": {kind: _sections(REQUIREMENTS[kind]) for kind in kinds},
            "caveats": caveats,
            "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        }
        (staging / MANIFEST).write_text(
            json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8"
        )
        _fsync_tree(staging)
        step("Filing the pack under the next free version")
        version, folder = _place(staging, paths.reports / period.name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ReportResult(
        period=period.name,
        version=version,
        folder=folder,
        snapshot_id=snapshot_id,
        generated_at=generated_at,
        files=tuple(folder / entry["name"] for entry in files),
        manifest_path=folder / MANIFEST,
        timings=timings,
        caveats=tuple(caveats),
        closures=tuple(closures),
    )


def _write_documents(
    staging: Path,
    documents: dict[str, Any],
    formats: list[str],
    context: dict[str, Any],
    timings: dict[str, float],
    step: Callable[[str], None],
) -> list[dict[str, Any]]:
    """Each document's HTML, PDF and workbook (as ``formats`` ask), named by the document
    (msr, fsr, weekly, closure-NET) and the period; the manifest's entries of the files."""
    files: list[dict[str, Any]] = []
    for name, report in documents.items():
        kind, label = report.kind, _label(report)
        stem = f"{name}-{context['period']}"
        facts = {"project": report.project_code} if kind == CLOSURE else {}
        step(f"Writing the {label} page")
        started = time.perf_counter()
        text = html.render(
            f"{kind}.html.j2",
            report,
            charts=report.all_charts(),
            context={**context, "orientation": ORIENTATION[kind], "scope": _scope(kind, report)},
        )
        html_path = staging / f"{stem}.html"
        html_path.write_text(text, encoding="utf-8")
        timings[f"{name}_html"] = time.perf_counter() - started
        if "html" in formats:
            content = html.without_generated_at(text).encode("utf-8")
            files.append(_entry(html_path, kind, "html", content=content, **facts))
        if "pdf" in formats:
            step(f"Printing the {label} PDF")
            started = time.perf_counter()
            pdf_path = staging / f"{stem}.pdf"
            check = pdf.print_pdf(
                html_path,
                pdf_path,
                footer_label=f"{_title(report)} · {context['period_label']} · snapshot "
                f"{context['snapshot_id']}",
                orientation=ORIENTATION[kind],
                must_contain=_pdf_markers(kind, report, context),
            )
            timings[f"{name}_pdf"] = time.perf_counter() - started
            files.append(
                _entry(
                    pdf_path,
                    kind,
                    "pdf",
                    pages=check.pages,
                    text_checked=check.text_checked,
                    **facts,
                )
            )
        if "html" not in formats:
            html_path.unlink()
        if "xlsx" in formats:
            step(f"Writing the {label} workbook")
            started = time.perf_counter()
            xlsx_path = staging / f"{stem}.xlsx"
            xlsx.write_workbook(
                xlsx_path,
                title=f"{_title(report)} — {context['period_label']}",
                about=_about(kind, report, context),
                tables=report.xlsx_tables,
                charts=xlsx.FSR_CHARTS if kind == "fsr" else (),
                snapshot_id=context["snapshot_id"],
            )
            timings[f"{name}_xlsx"] = time.perf_counter() - started
            files.append(_entry(xlsx_path, kind, "xlsx", **facts))
    return files


def _label(report: Any) -> str:
    """How steps and caveats name a document: 'MSR', or 'CLOSURE NET'."""
    return report.label if report.kind == CLOSURE else report.kind.upper()


def _title(report: Any) -> str:
    """The title a footer and a workbook give: a closure report's names its project."""
    if report.kind == CLOSURE:
        return f"{report.title} {report.heading}"
    return report.title


def _about(kind: str, report: Any, context: dict[str, Any]) -> list[tuple[str, str]]:
    """The workbook's About sheet: what the pack is, its period and the snapshot it reads."""
    return [
        ("Report", report.title),
        *([("Project", report.heading)] if kind == CLOSURE else []),
        (context["period_unit"], context["period"]),
        *(
            [("Days", f"{report.week_start:%-d %b %Y} to {report.week_end:%-d %b %Y}")]
            if kind == WEEKLY
            else []
        ),
        *([("Closed from", f"{report.month:%B %Y}")] if kind == CLOSURE else []),
        ("Snapshot", context["snapshot_id"]),
        ("Data as of", report.as_of.isoformat()),
        ("Amounts in", report.currency),
        ("Code version", context["code_version"]),
        *([("Labour variance", report.labour_variance_note)] if kind == "fsr" else []),
    ]


def _scope(kind: str, report: Any) -> str:
    if kind == "msr":
        closed = len(report.closed) if report.closed is not None else 0
        return f"All portfolios · {len(report.projects)} open projects" + (
            f" · {closed} closed" if closed else ""
        )
    if kind == WEEKLY:
        summary = report.summary
        return (
            f"All portfolios · {summary['project_count']} projects reporting · "
            f"{summary['projects_with_events_count']} with events"
        )
    if kind == CLOSURE:
        return (
            f"{report.heading} · {report.facts['portfolio'] or 'no portfolio'} · closed from "
            f"{report.month:%B %Y}"
        )
    return f"All portfolios · {report.totals.get('project_count', 0)} projects"


def _pdf_markers(kind: str, report: Any, context: dict[str, Any]) -> list[str]:
    """Text the printed PDF must contain: title, key figures, every project, the last line."""
    markers = [report.title, f"End of report · {_label(report)} {context['period']}"]
    if kind == WEEKLY:
        return [*markers, report.week, *(f"{p.code} — " for p in report.projects)]
    money = Column("v", "v", "currency", report.currency)
    if kind == CLOSURE:
        return [
            *markers,
            report.heading,
            cell_text(report.facts["actual_cost"], money),
            "Budget outcome",
            "Milestone history",
            "Risks that materialised",
            "Lessons learned",
        ]
    if kind == "msr":
        markers.append(cell_text(report.all_portfolios["estimate_at_completion"], money))
        markers += [f"{p.code} — " for p in report.projects]
    else:
        markers.append(cell_text(report.totals["forecast_at_completion"], money))
        markers.append(cell_text(report.totals["cumulative_actual_cost"], money))
    return markers


def _entry(
    path: Path, kind: str, fmt: str, *, content: bytes | None = None, **extra: Any
) -> dict[str, Any]:
    data = path.read_bytes()
    if not data:
        raise ReportError(f"{path.name} came out empty.")
    entry: dict[str, Any] = {
        "name": path.name,
        "kind": kind,
        "format": fmt,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    if content is not None:
        entry["content_sha256"] = hashlib.sha256(content).hexdigest()
    entry.update(extra)
    return entry


def _sections(requirements: tuple[Requirement, ...]) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    for req in requirements:
        models = sections.setdefault(req.section, [])
        if req.model not in models:
            models.append(req.model)
    return sections


def _caveats(documents: dict[str, Any]) -> list[str]:
    caveats = []
    report = documents.get("fsr")
    if report is not None and report.labour_variance_model is None:
        caveats.append("FSR labour cost variance: " + report.labour_variance_note)
    # Both packs print the same reconciliation (one set of dbt rows): listed once.
    monthly = next((documents[kind] for kind in KINDS if kind in documents), None)
    if monthly is not None:
        caveats += [f"MSR vs FSR: {line}" for line in monthly.reconciliation.lines]
    for report in documents.values():
        if report.is_as_of_month:
            continue
        if report.kind == CLOSURE:
            caveats.append(
                f"{_label(report)}: milestones, issues, decisions and lessons are as they stand "
                f"at the snapshot's as-of date {report.as_of.isoformat()}, after "
                f"{report.month:%B %Y}, the month it closed from."
            )
        else:
            caveats.append(
                f"{_label(report)}: some sections are measured at the snapshot's as-of date "
                f"{report.as_of.isoformat()}, after the report month."
            )
    return caveats


def _fsync_tree(folder: Path) -> None:
    for child in folder.iterdir():
        fd = os.open(child, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _place(staging: Path, period_dir: Path) -> tuple[int, Path]:
    """Rename the staging folder to the next free ``v<N>``; never replaces an existing one."""
    created = not period_dir.exists()
    period_dir.mkdir(parents=True, exist_ok=True)
    try:
        for _ in range(1000):
            version = 1 + max(
                (int(m.group(1)) for p in period_dir.iterdir() if (m := VERSION.match(p.name))),
                default=0,
            )
            final = period_dir / f"v{version}"
            try:
                final.mkdir()  # claims the name atomically against a concurrent build
            except FileExistsError:
                continue
            try:
                staging.replace(final)  # replaces only the empty folder just claimed
            except BaseException:
                final.rmdir()
                raise
            return version, final
        raise ReportError(f"could not find a free version folder in {period_dir}.")
    except BaseException:
        if created and period_dir.exists() and not any(period_dir.iterdir()):
            period_dir.rmdir()
        raise


def list_reports(paths: DataPaths) -> list[ReportInfo]:
    """Every complete report version (one with a readable manifest) of every month and ISO
    week, oldest period first."""
    found: list[ReportInfo] = []
    if not paths.reports.is_dir():
        return found
    for period_dir in sorted(paths.reports.iterdir()):
        name = period_dir.name
        if not (period_dir.is_dir() and (MONTH_DIR.match(name) or WEEK_DIR.match(name))):
            continue
        for folder in period_dir.iterdir():
            match = VERSION.match(folder.name)
            manifest_path = folder / MANIFEST
            if not match or not manifest_path.is_file():
                continue
            try:
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            found.append(
                ReportInfo(
                    period=name,
                    version=int(match.group(1)),
                    folder=folder,
                    snapshot_id=str(manifest.get("snapshot_id", "")),
                    generated_at=str(manifest.get("generated_at", "")),
                    code_version=str(manifest.get("code_version", "")),
                    kinds=tuple(manifest.get("kinds", ())),
                    formats=tuple(manifest.get("formats", ())),
                    files=tuple(folder / f["name"] for f in manifest.get("files", ())),
                    manifest_path=manifest_path,
                )
            )
    return sorted(found, key=lambda info: (info.starts, info.period, info.version))


def verify_report(info: ReportInfo) -> list[str]:
    """Problems with a report version on disk: missing or altered files (empty when intact)."""
    manifest = json.loads(info.manifest_path.read_text(encoding="utf-8"))
    problems = []
    for entry in manifest.get("files", ()):
        path = info.folder / entry["name"]
        if not path.is_file():
            problems.append(f"{entry['name']} is missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry.get("sha256"):
            problems.append(f"{entry['name']} does not match its checksum")
    return problems
