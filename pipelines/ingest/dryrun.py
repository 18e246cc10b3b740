"""`pmo validate`: the real load path run against a scratch, in-memory copy of the reference data.

Files are taken in dependency order (projects and people first) and loaded into the scratch
database, so a projects file validated together with a timesheets file counts as known projects.
Nothing touches the warehouse or the landing folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ingest.contracts import ENTITIES, LOAD_ORDER
from pipelines.ingest.detect import detect, probe_file
from pipelines.ingest.errors import FileRejected
from pipelines.ingest.load import prepare, sha256_of, special_file_reason, write
from pipelines.ingest.warehouse import ensure_schema
from pipelines.settings import DEFAULT_DATE_WINDOW_YEARS
from pipelines.text import rows_text

REFERENCE_TABLES = tuple(
    name
    for name, entity in ENTITIES.items()
    if entity.checks_daily_hours
    or any(name in other.references.values() for other in ENTITIES.values())
)
"""The warehouse tables the checks read: the registers other entities refer to, and the entities
whose rows already loaded count towards a day's hours."""


@dataclass
class EntityCheck:
    entity: str
    rows_read: int
    rows_accepted: int
    rejected: list[tuple[int | None, str]] = field(default_factory=list)
    """(line, reason) for every rejected row."""


@dataclass
class FileCheck:
    path: Path
    format_label: str | None = None
    error: str | None = None
    unreadable: bool = False
    entities: list[EntityCheck] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.unreadable:
            return 2
        if self.error or any(check.rejected for check in self.entities):
            return 1
        return 0

    def headline(self) -> str:
        if self.error:
            return f"✗ {self.error}"
        parts = [
            f"{check.entity}: {rows_text(check.rows_accepted)} accepted, "
            f"{rows_text(len(check.rejected))} rejected"
            for check in self.entities
        ]
        mark = "✓" if self.exit_code == 0 else "✗"
        return f"{mark} {self.path} — {self.format_label} → " + "; ".join(parts)

    def detail_lines(self, show: int) -> list[str]:
        """Rejected rows grouped by reason, most frequent first, with the lines they are on."""
        lines = []
        for check in self.entities:
            groups: dict[str, list[int | None]] = {}
            for line, reason in check.rejected:
                groups.setdefault(reason, []).append(line)
            ranked = sorted(groups.items(), key=lambda item: -len(item[1]))
            for reason, where in ranked[:show]:
                numbers = [str(n) for n in where if n is not None]
                shown = ", ".join(numbers[:8]) + (", …" if len(numbers) > 8 else "")
                place = f"line {shown}" if len(numbers) == 1 else f"lines {shown}"
                lines.append(f"{check.entity}: {rows_text(len(where))} — {reason} ({place})")
            if len(ranked) > show:
                lines.append(
                    f"… and {len(ranked) - show:,} more kinds of rejected {check.entity} rows"
                )
        return lines


def _scratch(warehouse_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    if warehouse_path.exists():
        try:
            con.execute(
                f"attach '{str(warehouse_path).replace(chr(39), chr(39) * 2)}' as wh (read_only)"
            )
        except duckdb.IOException:
            return con  # a refresh holds the lock: validate against the file's own content only
        for table in REFERENCE_TABLES:
            con.execute(f"insert into raw.{table} select * from wh.raw.{table}")  # noqa: S608
        con.execute("detach wh")
    return con


def dry_run(
    paths: list[Path], warehouse_path: Path, window_years: int = DEFAULT_DATE_WINDOW_YEARS
) -> list[FileCheck]:
    con = _scratch(warehouse_path)
    checks: dict[Path, FileCheck] = {}
    plans = []
    for path in paths:
        check = FileCheck(path)
        checks[path] = check
        special = special_file_reason(path)
        if special:
            check.error, check.unreadable = f"{path}: {special}.", True
            continue
        if not path.is_file():
            check.error, check.unreadable = f"{path}: no such file.", True
            continue
        try:
            probe = probe_file(path, str(path))
            adapter = detect(probe)
        except FileRejected as error:
            check.error, check.unreadable = str(error), True
            continue
        check.format_label = adapter.label
        for entity_name in adapter.entities:
            plans.append((LOAD_ORDER.index(entity_name), path, probe, adapter, entity_name))
    for _, path, probe, adapter, entity_name in sorted(plans, key=lambda plan: plan[:2]):
        check = checks[path]
        if check.error:
            continue
        try:
            prepared = prepare(
                con, probe, adapter, ENTITIES[entity_name], window_years=window_years
            )
        except FileRejected as error:
            check.error, check.unreadable = str(error), True
            continue
        grouped = prepared.quarantine.group_by("source_line", maintain_order=True).agg(
            pl.col("reason").unique(maintain_order=True).str.join("; ")
        )
        check.entities.append(
            EntityCheck(
                entity_name,
                prepared.rows_read,
                prepared.good.height,
                [(line, reason) for line, reason in grouped.iter_rows()],
            )
        )
        write(
            con,
            prepared,
            source_file=str(path),
            sha256=sha256_of(path),
            file_modified_at=datetime.now(UTC).replace(tzinfo=None),
        )
    con.close()
    return [checks[path] for path in paths]
