"""Month-end report packs: build, check, and only then put a new version in place.

``generate_report`` reads one published snapshot (the current one, or the one named), checks
that every model each requested report needs is there, builds the MSR/FSR as HTML, PDF and XLSX
in a hidden staging folder, verifies the PDF, writes ``manifest.json`` last, and renames the
folder to ``reports/YYYY-MM/v<N>/`` in one step. Any failure removes the staging folder: nothing
that looks like a report is ever left behind. Regenerating a month adds ``v<N+1>`` beside the
earlier versions — nothing is overwritten.
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipelines.config import DataPaths
from pipelines.publish.catalog import code_version

from . import fsr, html, msr, pdf, xlsx
from .document import Column, format_value
from .errors import ReportError
from .source import ReportSource, Requirement, parse_month, resolve_snapshot

KINDS = ("msr", "fsr")
FORMATS = ("html", "pdf", "xlsx")
MANIFEST = "manifest.json"
VERSION = re.compile(r"^v(\d+)$")
MONTH_DIR = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
REPO = Path(__file__).resolve().parents[3]
ORIENTATION = {"msr": "portrait", "fsr": "landscape"}
REQUIREMENTS: dict[str, tuple[Requirement, ...]] = {
    "msr": msr.REQUIREMENTS,
    "fsr": fsr.REQUIREMENTS,
}


@dataclass(frozen=True)
class ReportResult:
    """What one ``generate_report`` call wrote."""

    month: str
    version: int
    folder: Path
    snapshot_id: str
    generated_at: str
    files: tuple[Path, ...]
    manifest_path: Path
    timings: dict[str, float] = field(default_factory=dict)
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportInfo:
    """One generated report version, as its manifest describes it."""

    month: str
    version: int
    folder: Path
    snapshot_id: str
    generated_at: str
    code_version: str
    kinds: tuple[str, ...]
    formats: tuple[str, ...]
    files: tuple[Path, ...]
    manifest_path: Path


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


def generate_report(
    paths: DataPaths,
    month: str,
    *,
    snapshot_id: str | None = None,
    formats: Sequence[str] = FORMATS,
    kinds: Sequence[str] = KINDS,
    progress: Callable[[str], None] | None = None,
) -> ReportResult:
    """Build the month's reports from one snapshot into a new ``reports/YYYY-MM/v<N>/``.

    ``progress`` is told each step as it starts ("Printing the MSR PDF"), for a progress display.
    """
    step = progress or (lambda _text: None)
    wanted_formats = _choices(formats, FORMATS, "format")
    wanted_kinds = _choices(kinds, KINDS, "report kind")
    month_date = parse_month(month)
    month_text = f"{month_date:%Y-%m}"
    snapshot = resolve_snapshot(paths, snapshot_id)
    timings: dict[str, float] = {}
    step(f"Checking snapshot {snapshot.snapshot_id} has every model the pack reads")
    with ReportSource(snapshot) as source:
        problems = source.missing(r for kind in wanted_kinds for r in REQUIREMENTS[kind])
        if problems:
            raise ReportError(
                f"cannot build the {'/'.join(k.upper() for k in wanted_kinds)} for {month_text} "
                f"from snapshot {snapshot.snapshot_id}: "
                + "; ".join(problems)
                + ". No report was written."
            )
        first, last, as_of = source.month_range()
        if not first <= month_date <= last:
            raise ReportError(
                f"{month_text} is outside the data of snapshot {snapshot.snapshot_id}: it holds "
                f"{first:%Y-%m} to {last:%Y-%m}. No report was written."
            )
        started = time.perf_counter()
        documents: dict[str, Any] = {}
        if "msr" in wanted_kinds:
            step(f"Reading the MSR's figures for {month_text}")
            documents["msr"] = msr.build(source, month_date, as_of, first)
        if "fsr" in wanted_kinds:
            step(f"Reading the FSR's figures for {month_text}")
            documents["fsr"] = fsr.build(source, month_date, as_of)
        timings["query"] = time.perf_counter() - started
        catalog = source.catalog
        generated_at = datetime.now(UTC).isoformat(timespec="seconds")
        context = {
            "month": month_text,
            "snapshot_id": snapshot.snapshot_id,
            "code_version": source.code_version,
            "generated_at": generated_at,
        }
        paths.reports.mkdir(parents=True, exist_ok=True)
        staging = paths.reports / f".incoming-{month_text}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        staging.mkdir()
        try:
            files = _write_documents(staging, documents, wanted_formats, context, timings, step)
            caveats = _caveats(documents)
            manifest = {
                "report": "pmo-pulse month-end pack",
                "month": month_text,
                "snapshot_id": snapshot.snapshot_id,
                "snapshot_created_at": catalog.get("created_at"),
                "code_version": source.code_version,
                "generator_code_version": code_version(REPO),
                "dbt_version": catalog.get("dbt_version"),
                "generated_at": generated_at,
                "data_as_of": as_of.isoformat(),
                "kinds": wanted_kinds,
                "formats": wanted_formats,
                "files": files,
                "sections": {kind: _sections(REQUIREMENTS[kind]) for kind in wanted_kinds},
                "caveats": caveats,
                "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
            }
            (staging / MANIFEST).write_text(
                json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8"
            )
            _fsync_tree(staging)
            step("Filing the pack under the next free version")
            version, folder = _place(staging, paths.reports / month_text)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return ReportResult(
        month=month_text,
        version=version,
        folder=folder,
        snapshot_id=snapshot.snapshot_id,
        generated_at=generated_at,
        files=tuple(folder / entry["name"] for entry in files),
        manifest_path=folder / MANIFEST,
        timings=timings,
        caveats=tuple(caveats),
    )


def _write_documents(
    staging: Path,
    documents: dict[str, Any],
    formats: list[str],
    context: dict[str, Any],
    timings: dict[str, float],
    step: Callable[[str], None],
) -> list[dict[str, Any]]:
    files: list[dict[str, Any]] = []
    for kind, report in documents.items():
        stem = f"{kind}-{context['month']}"
        step(f"Writing the {kind.upper()} page")
        started = time.perf_counter()
        text = html.render(
            f"{kind}.html.j2",
            report,
            charts=report.all_charts(),
            context={
                **context,
                "orientation": ORIENTATION[kind],
                "scope": _scope(kind, report),
            },
        )
        html_path = staging / f"{stem}.html"
        html_path.write_text(text, encoding="utf-8")
        timings[f"{kind}_html"] = time.perf_counter() - started
        if "html" in formats:
            files.append(
                _entry(
                    html_path, kind, "html", content=html.without_generated_at(text).encode("utf-8")
                )
            )
        if "pdf" in formats:
            step(f"Printing the {kind.upper()} PDF")
            started = time.perf_counter()
            pdf_path = staging / f"{stem}.pdf"
            check = pdf.print_pdf(
                html_path,
                pdf_path,
                footer_label=f"{report.title} · {report.month:%B %Y} · snapshot "
                f"{context['snapshot_id']}",
                orientation=ORIENTATION[kind],
                must_contain=_pdf_markers(kind, report, context),
            )
            timings[f"{kind}_pdf"] = time.perf_counter() - started
            files.append(
                _entry(pdf_path, kind, "pdf", pages=check.pages, text_checked=check.text_checked)
            )
        if "html" not in formats:
            html_path.unlink()
        if "xlsx" in formats:
            step(f"Writing the {kind.upper()} workbook")
            started = time.perf_counter()
            xlsx_path = staging / f"{stem}.xlsx"
            xlsx.write_workbook(
                xlsx_path,
                title=f"{report.title} — {report.month:%B %Y}",
                about=[
                    ("Report", report.title),
                    ("Month", context["month"]),
                    ("Snapshot", context["snapshot_id"]),
                    ("Data as of", report.as_of.isoformat()),
                    ("Amounts in", report.currency),
                    ("Code version", context["code_version"]),
                    *([("Labour variance", report.labour_variance_note)] if kind == "fsr" else []),
                ],
                tables=report.xlsx_tables,
                charts=xlsx.FSR_CHARTS if kind == "fsr" else (),
                snapshot_id=context["snapshot_id"],
            )
            timings[f"{kind}_xlsx"] = time.perf_counter() - started
            files.append(_entry(xlsx_path, kind, "xlsx"))
    return files


def _scope(kind: str, report: Any) -> str:
    if kind == "msr":
        closed = len(report.closed) if report.closed is not None else 0
        return f"All portfolios · {len(report.projects)} open projects" + (
            f" · {closed} closed" if closed else ""
        )
    return f"All portfolios · {report.totals.get('project_count', 0)} projects"


def _pdf_markers(kind: str, report: Any, context: dict[str, Any]) -> list[str]:
    """Text the printed PDF must contain: title, key figures, every project, the last line."""
    money = Column("v", "v", "currency", report.currency)
    markers = [report.title, f"End of report · {kind.upper()} {context['month']}"]
    if kind == "msr":
        markers.append(format_value(report.all_portfolios["estimate_at_completion"], money))
        markers += [f"{p.code} — " for p in report.projects]
    else:
        markers.append(format_value(report.totals["forecast_at_completion"], money))
        markers.append(format_value(report.totals["cumulative_actual_cost"], money))
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
    first = next(iter(documents.values()), None)
    if first is not None:
        caveats += [f"MSR vs FSR: {line}" for line in first.reconciliation.lines]
    for kind, report in documents.items():
        if not report.is_as_of_month:
            caveats.append(
                f"{kind.upper()}: some sections are measured at the snapshot's as-of date "
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


def _place(staging: Path, month_dir: Path) -> tuple[int, Path]:
    """Rename the staging folder to the next free ``v<N>``; never replaces an existing one."""
    created = not month_dir.exists()
    month_dir.mkdir(parents=True, exist_ok=True)
    try:
        for _ in range(1000):
            version = 1 + max(
                (int(m.group(1)) for p in month_dir.iterdir() if (m := VERSION.match(p.name))),
                default=0,
            )
            final = month_dir / f"v{version}"
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
        raise ReportError(f"could not find a free version folder in {month_dir}.")
    except BaseException:
        if created and month_dir.exists() and not any(month_dir.iterdir()):
            month_dir.rmdir()
        raise


def list_reports(paths: DataPaths) -> list[ReportInfo]:
    """Every complete report version (one with a readable manifest), oldest month first."""
    found: list[ReportInfo] = []
    if not paths.reports.is_dir():
        return found
    for month_dir in sorted(paths.reports.iterdir()):
        if not (month_dir.is_dir() and MONTH_DIR.match(month_dir.name)):
            continue
        for folder in month_dir.iterdir():
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
                    month=month_dir.name,
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
    return sorted(found, key=lambda info: (info.month, info.version))


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
