"""Jira issue CSV exports (English Cloud "all fields", and one Spanish-UI "current fields").

One file per project per month end, holding every issue created by then in its state on that
day. The quirks an adapter must survive are reproduced on purpose: repeated ``Sprint`` columns
for carried-over issues (filled left to right), both story-point custom fields in the exports of
migrated boards, ``25/Feb/26 2:54 PM`` dates, ``Parent`` as a numeric id next to ``Parent key``,
multi-line quoted descriptions and a UTF-8 BOM. The English exports also carry two
``Outward issue link (Blocks)`` columns (the header repeated, filled left to right): in the first
few epics, the epic's first story blocks the next one or two (see :func:`blocking_links`).

The Spanish export uses only the header labels formats.md records from a real Spanish-UI file
(``Resumen, Clave de incidencia, ID de la incidencia, Tipo de Incidencia, Estado, Creada,
Actualizada, Resuelta, Fecha de vencimiento, Etiquetas, Estimación original, ...``, the
``Campo personalizado (`` prefix, ``Sprint`` and ``Parent summary`` left in English) and
localised lower-case month names (``10/nov/25 4:51 PM``). It is a "current fields" export, so
columns whose Spanish label is not on record (project key, assignee, status category) are not in
the user's view and not in the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from datetime import date
from typing import BinaryIO

import numpy as np
import polars as pl

from pipelines.demo.agile import Backlog, status_dates
from pipelines.demo.world import World

BOM = "\ufeff"
SPANISH_MONTHS = {
    "Jan": "ene",
    "Feb": "feb",
    "Mar": "mar",
    "Apr": "abr",
    "May": "may",
    "Jun": "jun",
    "Jul": "jul",
    "Aug": "ago",
    "Sep": "sep",
    "Oct": "oct",
    "Nov": "nov",
    "Dec": "dic",
}
LABELS = ("frontend", "backend", "api", "ux", "tech-debt", "security", "performance")


def _account_id(person: int) -> str:
    """Cloud account ids look like ``712020:ca3d60c1-ec4d-4178-a37e-1f23ef39e46e``."""
    text = hashlib.sha256(f"account-{person}".encode()).hexdigest()[:32]
    return f"712020:{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _rank(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    value, out = number * 37 + 600, ""
    while value:
        value, rest = divmod(value, 36)
        out = digits[rest] + out
    return f"0|i{out.rjust(5, '0')}:"


BLOCKING_EPICS = 4
"""Epics (the oldest first) whose first story blocks later stories: a handful of links a file."""
BLOCKED_STORIES = 2
"""At most this many stories blocked by one story: the ``Outward issue link (Blocks)`` columns."""


def blocking_links(
    kind: list[str], epic: np.ndarray, number: np.ndarray, created: np.ndarray, keys: list[str]
) -> pl.DataFrame:
    """Per issue (``index`` in the backlog) the stories it blocks: ``blocks_<j>`` (a key) and
    ``blocks_<j>_created`` (when that story was created, so a month-end export names it only
    once it exists), for ``j`` below BLOCKED_STORIES.

    In each of the BLOCKING_EPICS oldest epics the first story (by key) blocks the second and,
    in every other of those epics, the third too: the stories are numbered in the order they
    were created, so the blocked ones never exist before the story that blocks them."""
    issues = pl.DataFrame(
        {
            "index": range(len(kind)),
            "kind": kind,
            "epic": epic,
            "number": number,
            "key": keys,
            "created": created,
        },
        schema={
            "index": pl.Int64,
            "kind": pl.String,
            "epic": pl.Int64,
            "number": pl.Int64,
            "key": pl.String,
            "created": pl.Int64,
        },
    )
    epics = (
        issues.filter(pl.col("kind") == "Epic")
        .sort("number")
        .select(pl.col("index").alias("epic"), pl.int_range(pl.len()).alias("epic_rank"))
        .filter(pl.col("epic_rank") < BLOCKING_EPICS)
    )
    stories = (
        issues.filter(pl.col("kind") == "Story")
        .join(epics, on="epic")
        .sort("number")
        .with_columns(pl.int_range(pl.len()).over("epic").alias("rank"))
    )
    blockers = stories.filter(pl.col("rank") == 0).select("epic", pl.col("index").alias("blocker"))
    wanted = (pl.col("rank") == 1) | ((pl.col("rank") == 2) & (pl.col("epic_rank") % 2 == 0))
    blocked = (
        stories.filter(wanted)
        .join(blockers, on="epic")
        .select("blocker", (pl.col("rank") - 1).alias("slot"), "key", "created")
    )
    out = pl.DataFrame({"index": range(len(kind))}, schema={"index": pl.Int64})
    for slot in range(BLOCKED_STORIES):  # one join per column, not per link
        out = out.join(
            blocked.filter(pl.col("slot") == slot).select(
                pl.col("blocker").alias("index"),
                pl.col("key").alias(f"blocks_{slot}"),
                pl.col("created").alias(f"blocks_{slot}_created"),
            ),
            on="index",
            how="left",
            maintain_order="left",
        )
    return out


class JiraProject:
    """Per-project columns built once as a polars frame, then filtered for every month end."""

    def __init__(self, world: World, backlog: Backlog) -> None:
        self.world = world
        self.backlog = backlog
        project = backlog.project
        self.code = project.code
        self.spanish = project.export == "jira_es"
        arrays = backlog.arrays()
        number = np.array(backlog.key_number, dtype=np.int64)
        keys = [f"{self.code}-{n}" for n in backlog.key_number]
        self.static = pl.concat(
            [
                _issue_columns(backlog, world.people.full_name, keys),
                _field_columns(backlog, arrays, keys),
                blocking_links(backlog.kind, arrays["epic"], number, arrays["created"], keys).drop(
                    "index"
                ),
            ],
            how="horizontal",
        )
        # Event times never change between snapshots, so their text is formatted once.
        wiggle = pl.col("id") % 47
        self.static = self.static.with_columns(
            self._moment(pl.col("created_min")).alias("created_text"),
            self._moment(pl.col("started_min")).alias("started_text"),
            self._moment(pl.col("resolved_min")).alias("resolved_text"),
            self._moment(pl.col("created_min") + wiggle).alias("created_touch"),
            self._moment(pl.col("started_min") + wiggle).alias("started_touch"),
            self._moment(pl.col("resolved_min") + wiggle).alias("resolved_touch"),
        ).sort("id", descending=True)  # the export lists the newest issue first
        self.created = arrays["created"]
        self.first = arrays["first_sprint"]
        self.last = arrays["last_sprint"]
        self.sprint_starts = backlog.sprint_starts()
        self.sprint_names = pl.Series([s.name for s in backlog.sprints] or [""], dtype=pl.String)

    def _moment(self, minutes: pl.Expr) -> pl.Expr:
        text = pl.from_epoch(minutes * 60, time_unit="s").dt.strftime("%d/%b/%y %-I:%M %p")
        if self.spanish:
            text = text.str.replace_many(
                [f"/{english}/" for english in SPANISH_MONTHS],
                [f"/{spanish}/" for spanish in SPANISH_MONTHS.values()],
            )
        return text

    def snapshot(self, status_date: date) -> tuple[list[str], pl.DataFrame]:
        """The export as it would have been downloaded on ``status_date``."""
        return next(self.snapshots([status_date]))[1:]

    def snapshots(self, dates: list[date]) -> Iterator[tuple[date, list[str], pl.DataFrame]]:
        """Every month-end export of the project, computed in one query (issues x dates)."""
        if not dates:
            return
        frame = self._snapshot_rows(dates)
        parts = frame.partition_by("snap", as_dict=True, maintain_order=True)
        for index, status_date in enumerate(dates):
            part = parts.get((index,), frame.clear())
            width = max(1, int(part["sprint_count"].max() or 0)) if part.height else 1
            layout = (
                spanish_layout(width)
                if self.spanish
                else english_layout(width, self.backlog.project.points_both)
            )
            columns = []
            for i, (_, source) in enumerate(layout):
                if source is None:
                    expr = pl.lit(None, pl.String)
                elif isinstance(source, int):
                    expr = pl.col(f"sprint_{source}")
                else:
                    expr = pl.col("id_text" if source == "id" else source)
                columns.append(expr.cast(pl.String).alias(f"c{i}"))
            yield status_date, [name for name, _ in layout], part.select(columns)

    def _snapshot_rows(self, dates: list[date]) -> pl.DataFrame:
        """Every issue as it stood at every date (``snap``: the date's position), newest
        first per date, with its sprint cells up to the widest list of any month (each file
        keeps what it needs)."""
        when = status_dates(dates, self.sprint_starts)
        cutoff = pl.col("cutoff")
        frame = (
            self.static.lazy()
            .join(when.lazy(), how="cross")
            .filter(pl.col("created_min") <= cutoff)
            .with_columns(
                *_state_columns(),
                pl.col("reporter").alias("watchers"),
                pl.col("reporter_id").alias("watchers_id"),
                pl.col("id").cast(pl.String).alias("id_text"),
                *[
                    pl.when(pl.col(f"blocks_{j}_created") <= cutoff)
                    .then(pl.col(f"blocks_{j}"))
                    .alias(f"outward_{j}")
                    for j in range(BLOCKED_STORIES)
                ],
            )
            .sort(["snap", "id"], descending=[False, True])  # newest issue first, per file
        )
        widest = max(1, int((self.last - self.first).max()) + 1) if self.first.size else 1
        top = max(0, self.sprint_names.len() - 1)
        names = pl.lit(self.sprint_names)
        return frame.with_columns(
            pl.when(pl.col("sprint_count") > j)
            .then(names.gather((pl.col("first") + j).clip(0, top)))
            .alias(f"sprint_{j}")
            for j in range(widest)
        ).collect()


Layout = list[tuple[str, str | int | None]]
"""Export columns: (header, source): a column name, a sprint cell number, or None (empty)."""


def english_layout(width: int, points_both: bool) -> Layout:
    """Jira Cloud's "all fields" CSV in English, ``width`` sprint cells wide."""
    points = [
        (
            "Custom field (Story point estimate)",
            "points_new" if points_both else "points",
        )
    ]
    if points_both:
        points.append(("Custom field (Story Points)", "points_old"))
    return [
        ("Summary", "summary"),
        ("Issue key", "key"),
        ("Issue id", "id"),
        ("Issue Type", "type"),
        ("Status", "status"),
        ("Project key", "project_key"),
        ("Project name", "project_name"),
        ("Project type", "project_type"),
        ("Project lead", "lead"),
        ("Project lead id", "lead_id"),
        ("Project description", None),
        ("Priority", "priority"),
        ("Resolution", "resolution"),
        ("Assignee", "assignee"),
        ("Assignee Id", "assignee_id"),
        ("Reporter", "reporter"),
        ("Reporter Id", "reporter_id"),
        ("Creator", "reporter"),
        ("Creator Id", "reporter_id"),
        ("Created", "created"),
        ("Updated", "updated"),
        ("Last Viewed", None),
        ("Resolved", "resolved"),
        ("Due date", None),
        ("Votes", "votes"),
        ("Description", "description"),
        ("Environment", None),
        ("Watchers", "watchers"),
        ("Watchers Id", "watchers_id"),
        ("Original estimate", None),
        ("Remaining Estimate", None),
        ("Time Spent", None),
        ("Work Ratio", None),
        ("Σ Original Estimate", None),
        ("Σ Remaining Estimate", None),
        ("Σ Time Spent", None),
        ("Security Level", None),
        *[("Outward issue link (Blocks)", f"outward_{j}") for j in range(BLOCKED_STORIES)],
        ("Custom field (Development)", None),
        ("Custom field (Goals)", None),
        ("Custom field (Issue color)", None),
        ("Custom field (Rank)", "rank"),
        *[("Sprint", j) for j in range(width)],
        ("Custom field (Start date)", None),
        *points,
        ("Custom field (Team)", "team"),
        ("Custom field (Vulnerability)", None),
        ("Parent", "parent"),
        ("Parent key", "parent_key"),
        ("Parent summary", "parent_summary"),
        ("Status Category", "category"),
        ("Status Category Changed", "category_changed"),
    ]


def spanish_layout(width: int) -> Layout:
    """The same export downloaded by a user whose Jira speaks Spanish (fewer columns chosen)."""
    return [
        ("Resumen", "summary"),
        ("Clave de incidencia", "key"),
        ("ID de la incidencia", "id"),
        ("Tipo de Incidencia", "type"),
        ("Estado", "status"),
        ("Creada", "created"),
        ("Actualizada", "updated"),
        ("Resuelta", "resolved"),
        ("Fecha de vencimiento", None),
        ("Etiquetas", "label_a"),
        ("Etiquetas", "label_b"),
        ("Estimación original", None),
        ("Trabajo restante estimado", None),
        ("Tiempo Trabajado", None),
        ("Σ Estimación original", None),
        ("Campo personalizado (Rank)", "rank"),
        *[("Sprint", j) for j in range(width)],
        ("Campo personalizado (Story point estimate)", "points"),
        ("Campo personalizado (Team)", "team"),
        ("Parent summary", "parent_summary"),
    ]


def _state_columns() -> list[pl.Expr]:
    """An issue's state at the snapshot's cutoff: sprints it has been in so far, status and
    its category, resolution, assignee (none while only in the backlog) and the times shown."""
    cutoff, started_sprints = pl.col("cutoff"), pl.col("started")
    first, last = pl.col("first"), pl.col("last")
    in_any = (first >= 0) & (first < started_sprints)
    resolved, started = pl.col("resolved_min"), pl.col("started_min")
    done = (resolved >= 0) & (resolved <= cutoff)
    progress = ~done & (started >= 0) & (started <= cutoff)
    backlog_only = ~done & ~progress & ~in_any & (pl.col("type") != "Epic")

    def by_state(done_value: str, progress_value: str, other: str) -> pl.Expr:
        return (
            pl.when(done)
            .then(pl.col(done_value))
            .when(progress)
            .then(pl.col(progress_value))
            .otherwise(pl.col(other))
        )

    return [
        pl.when(in_any)
        .then(pl.min_horizontal(last, started_sprints - 1) - first + 1)
        .otherwise(0)
        .alias("sprint_count"),
        pl.when(done)
        .then(pl.lit("Done"))
        .when(progress & (pl.col("id") % 4 == 0))
        .then(pl.lit("In Review"))
        .when(progress)
        .then(pl.lit("In Progress"))
        .otherwise(pl.lit("To Do"))
        .alias("status"),
        pl.when(done)
        .then(pl.lit("Done"))
        .when(progress)
        .then(pl.lit("In Progress"))
        .otherwise(pl.lit("To Do"))
        .alias("category"),
        pl.when(done).then(pl.lit("Done")).alias("resolution"),
        pl.when(backlog_only).then(None).otherwise(pl.col("assignee_all")).alias("assignee"),
        pl.when(backlog_only).then(None).otherwise(pl.col("assignee_id_all")).alias("assignee_id"),
        pl.col("created_text").alias("created"),
        by_state("resolved_touch", "started_touch", "created_touch").alias("updated"),
        pl.when(done).then(pl.col("resolved_text")).alias("resolved"),
        by_state("resolved_text", "started_text", "created_text").alias("category_changed"),
    ]


def _issue_columns(backlog: Backlog, names: list[str], keys: list[str]) -> pl.DataFrame:
    """Who and what: the issue, its project and the people on it (account ids as Cloud)."""
    project = backlog.project
    manager = project.manager_idx
    n = len(keys)
    return pl.DataFrame(
        {
            "summary": backlog.summary,
            "key": keys,
            "id": np.array(backlog.issue_id, dtype=np.int64),
            "type": backlog.kind,
            "project_key": [project.code] * n,
            "project_name": [project.name] * n,
            "project_type": ["software"] * n,
            "lead": [names[manager]] * n,
            "lead_id": [_account_id(manager)] * n,
            "priority": backlog.priority,
            "assignee_all": [names[p] for p in backlog.assignee],
            "assignee_id_all": [_account_id(p) for p in backlog.assignee],
            "reporter": [names[p] for p in backlog.reporter],
            "reporter_id": [_account_id(p) for p in backlog.reporter],
            "votes": ["0"] * n,
            "description": backlog.description,
            "rank": [_rank(k) for k in backlog.key_number],
            "team": [backlog.team] * n,
        }
    )


def _field_columns(
    backlog: Backlog, arrays: dict[str, np.ndarray], keys: list[str]
) -> pl.DataFrame:
    """Story points (old and new field on migrated boards), parent epic, labels and the
    simulated times and sprints the snapshots filter on."""
    number = np.array(backlog.key_number, dtype=np.int64)
    ids = np.array(backlog.issue_id, dtype=np.int64)
    epic = arrays["epic"]
    has_parent = (epic >= 0).tolist()
    epic_safe = np.where(epic >= 0, epic, 0).tolist()
    points = [None if np.isnan(v) else f"{v:.1f}" for v in arrays["points"].tolist()]
    # Migrated boards: older issues carry the company-managed field, newer ones the
    # team-managed one, and issues touched around the migration carry both.
    cutover = max(1, int(number.max() * 0.45)) if number.size else 1
    label_a = [LABELS[i] if i < len(LABELS) else None for i in (ids * 7) % (len(LABELS) + 3)]
    label_b = [
        LABELS[i] if i < len(LABELS) and LABELS[i] != a else None
        for i, a in zip((ids * 11) % (len(LABELS) + 5), label_a, strict=True)
    ]
    parents = list(zip(epic_safe, has_parent, strict=True))
    columns = {
        "points": points,
        "points_old": [
            v if k <= cutover + 3 else None for v, k in zip(points, number.tolist(), strict=True)
        ],
        "points_new": [
            v if k > cutover - 3 else None for v, k in zip(points, number.tolist(), strict=True)
        ],
        "parent": [str(ids[e]) if h else None for e, h in parents],
        "parent_key": [keys[e] if h else None for e, h in parents],
        "parent_summary": [backlog.summary[e] if h else None for e, h in parents],
        "label_a": label_a,
        "label_b": label_b,
    }
    return pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String)).with_columns(
        pl.Series("created_min", arrays["created"]),
        pl.Series("started_min", arrays["started"]),
        pl.Series("resolved_min", arrays["resolved"]),
        pl.Series("first", arrays["first_sprint"]),
        pl.Series("last", arrays["last_sprint"]),
    )


def header_line(header: list[str], *, bom: bool = False) -> bytes:
    """A CSV header that may repeat names (polars frames cannot), quoted only where needed."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(header)
    return ((BOM if bom else "") + buffer.getvalue()).encode("utf-8")


def write_csv(
    handle: BinaryIO, header: list[str], frame: pl.DataFrame, *, bom: bool = False
) -> None:
    """Header, then the positional body streamed by polars straight into the file."""
    handle.write(header_line(header, bom=bom))
    frame.write_csv(handle, include_header=False, quote_style="necessary", line_terminator="\n")


def csv_bytes(header: list[str], frame: pl.DataFrame, *, bom: bool = False) -> bytes:
    buffer = io.BytesIO()
    write_csv(buffer, header, frame, bom=bom)
    return buffer.getvalue()
