"""The landing folder as the generator writes it: each file dated, and a tally of what a load
should find (rows per canonical entity, the rows planted to be quarantined)."""

from __future__ import annotations

import calendar
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import polars as pl
import xlsxwriter

from pipelines.ingest.contracts import ENTITIES

UNKNOWN_PROJECT = ("INTRA", "Intranet refresh 2024")
BAD_DETAIL = {
    "over_24h": "one of two 13 h entries by the same person on the same day (26 h in total)",
    "negative_hours": "negative hours on a worklog",
    "unknown_project": f"project code {UNKNOWN_PROJECT[0]} is not in the projects master",
    "bad_date": "a work date that does not exist (day 32)",
    "loop": "two go-lives linked to each other in the cross-project register (a loop)",
}


@dataclass(frozen=True)
class BadRow:
    """A row planted to fail the contract check; the loader must quarantine it."""

    file: str
    """Path relative to the landing folder (forward slashes)."""
    line: int
    """1-based physical line in the file."""
    entity: str
    reason: str
    """A keyword the quarantine reason should contain: 'project', 'hours', '24', 'date', 'loop',
    'priority', 'timestamp' or 'vendor'."""
    detail: str


@dataclass(frozen=True)
class DemoFile:
    """One file written, the format that should read it and what it holds."""

    path: str
    """Relative to the landing folder (forward slashes)."""
    format: str
    """The adapter expected to read it (``raw.load_log.source_format``)."""
    rows: dict[str, int]
    """Records written per canonical entity, bad rows included."""
    dated: date
    """Snapshot or period-end date, set as the modification time (and in the file name:
    YYYY-MM-DD for snapshots, YYYY-MM for monthly timesheets and status notes)."""


class Landing:
    """Writes files into the landing folder and keeps the tally of files, rows and bad rows."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: list[DemoFile] = []
        self.bad_rows: list[BadRow] = []
        self.counts: dict[str, int] = dict.fromkeys(ENTITIES, 0)

    def write(
        self,
        relative: str,
        data: bytes | Callable[[BinaryIO], None],
        fmt: str,
        rows: dict[str, int],
        dated: date,
        hour: int = 12,
    ) -> None:
        """Write a file (bytes, or a function streaming into the open file) and date it.

        The modification time is ``dated`` at ``hour`` UTC: midday keeps the date the same in
        every time zone a loader might use.
        """
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                data(handle)
        stamp = calendar.timegm(datetime(dated.year, dated.month, dated.day, hour).timetuple())
        os.utime(path, (stamp, stamp))
        self.files.append(DemoFile(relative, fmt, rows, dated))
        for entity, count in rows.items():
            self.counts[entity] += count

    def bad(self, relative: str, line: int, entity: str, reason: str, detail: str) -> None:
        """Record a planted row (``line`` is 1-based, the header being line 1)."""
        self.bad_rows.append(BadRow(relative, line, entity, reason, detail))

    def canonical(
        self,
        relative: str,
        entity: str,
        rows: list[dict[str, object]],
        dated: date,
        hour: int = 12,
    ) -> None:
        """A canonical CSV: the entity's contract columns in order, empty values as nulls."""
        columns = ENTITIES[entity].column_names
        frame = pl.DataFrame(
            {c: [None if r.get(c) in (None, "") else str(r[c]) for r in rows] for c in columns},
            schema=dict.fromkeys(columns, pl.String),
        )
        self.write(
            relative,
            frame.write_csv(line_terminator="\n").encode("utf-8"),
            f"canonical_{entity}",
            {entity: frame.height},
            dated,
            hour,
        )

    def canonical_xlsx(
        self,
        relative: str,
        entity: str,
        rows: list[dict[str, object]],
        dated: date,
        title: str,
        numeric: tuple[str, ...],
    ) -> None:
        """A register workbook as people keep them: a title line above the table."""
        columns = ENTITIES[entity].column_names
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
        workbook.set_properties(
            {
                "created": datetime(dated.year, dated.month, dated.day, 12),
                "author": "PMO",
                "title": title,
            }
        )
        sheet = workbook.add_worksheet("Register")
        bold = workbook.add_format({"bold": True})
        sheet.write(0, 0, title, bold)
        sheet.write_row(2, 0, columns, bold)
        for r, row in enumerate(rows, start=3):
            sheet.write_row(
                r,
                0,
                [
                    None
                    if row.get(name) in (None, "")
                    else (float(row[name]) if name in numeric else str(row[name]))
                    for name in columns
                ],
            )
        workbook.close()
        self.write(relative, buffer.getvalue(), f"canonical_{entity}", {entity: len(rows)}, dated)

    def expected_rows(self) -> dict[str, int]:
        """Rows per entity a load should keep: written minus the planted bad rows."""
        expected = dict(self.counts)
        for bad in self.bad_rows:
            expected[bad.entity] -= 1
        return expected
