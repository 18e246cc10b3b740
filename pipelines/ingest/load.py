"""Loading landing files into the raw layer, following DESIGN.md §3 to the letter.

- A file is read whole or not at all: a file-level problem loads nothing and is logged.
- Row-level problems send the row to raw.quarantine (file, line, column, reason, original record);
  past QUARANTINE_ROWS_STORED rows of one file, one row per kind of problem stands for the rest
  (with their count and last line), so a wholly broken export cannot flood the warehouse.
- The same file twice changes nothing (sha256 + entity in raw.load_log).
- A newer export replaces older rows by natural key; snapshot entities keep history by
  snapshot_date.
- Every raw row carries its lineage. Landing files are only ever read.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

import duckdb
import polars as pl

from pipelines.ingest.adapters import adapter_by_name
from pipelines.ingest.adapters.base import MAX_FILE_BYTES, Adapter, Probe
from pipelines.ingest.contracts import ENTITIES, LOAD_ORDER, WEEKDAY_COLUMNS, Entity
from pipelines.ingest.detect import detect, probe_file
from pipelines.ingest.errors import FileRejected
from pipelines.ingest.validate import BATCH_FILE, QUARANTINE_SCHEMA, validate
from pipelines.ingest.warehouse import QUARANTINE_ROWS_STORED, REASON_VALUES
from pipelines.settings import DEFAULT_DATE_WINDOW_YEARS

FILE_DATE = re.compile(r"(?<!\d)(20\d{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")
IGNORED_NAMES = re.compile(r"^(\.|~\$|README)", re.IGNORECASE)
# Files of one entity checked in one validation pass and written in one transaction: a
# snapshot export is often a few dozen rows, and a pass costs about the same for 30 rows as for
# 30,000.
BATCH_FILES = 1024
BATCH_BYTES = 128 * 1024 * 1024
"""...and files of at most this many bytes together (one larger file is a batch of its own), so
a batch's frames stay a few hundred MB however many rows the entity has. Each batch matches its
keys against every row loaded before it, reads each export layout in one pass and commits once,
so fewer, larger batches load faster: the large bench's tasks (2,692 files, 389 MB, 665 k rows)
load in ~17 s at 1,024 files and 128 MB a batch against ~26 s at 256 files and 64 MB (a batch
past DuckDB's 122,880-row group is written straight to the file, not through its log), for
~250 MB more peak memory; 2.5 M timesheet rows in 6 MB files: about the same time, ~150 MB
more."""
READERS = max(1, min(4, os.cpu_count() or 1))
"""Files of a batch read at the same time..."""
READ_TOGETHER_BYTES = 32 * 1024 * 1024
"""...when each is at most this large."""
T = TypeVar("T")
R = TypeVar("R")
LOAD_LOG_SCHEMA = {
    "load_id": pl.String,
    "source_file": pl.String,
    "source_sha256": pl.String,
    "source_format": pl.String,
    "entity": pl.String,
    "snapshot_date": pl.Date,
    "rows_read": pl.Int64,
    "rows_loaded": pl.Int64,
    "rows_quarantined": pl.Int64,
    "rows_replaced": pl.Int64,
    "status": pl.String,
    "error": pl.String,
    "file_modified_at": pl.Datetime("us"),
    "loaded_at": pl.Datetime("us"),
}


@dataclass
class FileOutcome:
    """What happened to one file for one entity: the row of raw.load_log, in Python."""

    source_file: str
    entity: str | None
    status: str  # loaded | rejected | unchanged
    source_format: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_replaced: int = 0
    error: str | None = None
    quarantine: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=QUARANTINE_SCHEMA))


@dataclass
class Prepared:
    """A file read, checked and split into good and quarantined rows — not yet written."""

    entity: Entity
    adapter: Adapter
    good: pl.DataFrame
    quarantine: pl.DataFrame
    rows_read: int
    snapshot_date: date | None
    original: pl.DataFrame
    """The adapter's text frame, kept so quarantined records are stored as sent."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def landing_files(landing: Path) -> list[Path]:
    """Every regular file under the landing folder, oldest first so newer exports win.

    Symlinks are not followed: a link could point outside the data directory.
    """
    if not landing.is_dir():
        return []
    files = [
        path
        for path in landing.rglob("*")
        if path.is_file()
        and not path.is_symlink()
        and not IGNORED_NAMES.match(path.name)
        and landing.resolve() in path.resolve().parents
    ]
    return sorted(files, key=lambda path: (path.stat().st_mtime, str(path)))


def special_file_reason(path: Path) -> str | None:
    """Why an entry is not read as an export (a link, a pipe, a device), or None for a file."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        return (
            f"a symbolic link (to {path.readlink()}): links are not followed, so nothing "
            "outside the folder is read; copy the export itself here"
        )
    kinds = {
        stat.S_ISFIFO: "a named pipe (FIFO)",
        stat.S_ISSOCK: "a socket",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
    }
    for test, kind in kinds.items():
        if test(mode):
            return f"{kind}, not a regular file: not read"
    return None


def special_entries(landing: Path) -> list[tuple[Path, str]]:
    """Links, pipes and devices under landing (never followed or opened), with the reason."""
    if not landing.is_dir():
        return []
    found = []
    for path in sorted(landing.rglob("*")):
        reason = special_file_reason(path)
        if reason and not IGNORED_NAMES.match(path.name):
            found.append((path, reason))
    return found


def display_name(path: Path, landing: Path) -> str:
    return path.relative_to(landing).as_posix()


def snapshot_date_for(path: Path) -> date:
    """Snapshot date when the export carries none: a date in the file name, else its mtime."""
    match = FILE_DATE.search(path.name)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()


FrameCache = dict[tuple[str, str], pl.DataFrame]
"""(sha256, entity) -> frame: a file read for one entity keeps its other entities' frames until
their turn comes (a Jira export is read once for tasks and sprints, not twice)."""


def read_entity(
    probe: Probe,
    adapter: Adapter,
    entity: Entity,
    *,
    sha256: str | None = None,
    cache: FrameCache | None = None,
    frames: dict[str, pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """The adapter's frame for one entity, with the snapshot date filled in where missing.
    ``frames``: the adapter's read of the file when it was read with others (else it reads)."""
    frame = cache.pop((sha256, entity.name), None) if cache is not None and sha256 else None
    if frame is None:
        frames = adapter.read(probe) if frames is None else frames
        frame = frames.get(entity.name)
        if cache is not None and sha256:
            for other, other_frame in frames.items():
                if other != entity.name:
                    cache[(sha256, other)] = other_frame
    if frame is None:
        return pl.DataFrame(
            schema={**dict.fromkeys(entity.column_names, pl.String), "source_line": pl.Int64}
        )
    if entity.snapshot:
        frame = _fill_snapshot_date(frame, snapshot_date_for(probe.path).isoformat())
    if entity.defaults:
        frame = frame.with_columns(
            pl.coalesce(
                pl.when(pl.col(name).str.strip_chars() != "").then(pl.col(name)), pl.col(source)
            ).alias(name)
            for name, source in entity.defaults.items()
        )
    return frame


def _fill_snapshot_date(frame: pl.DataFrame, fallback: str) -> pl.DataFrame:
    """``snapshot_date`` with its empty values filled in; a column the export left wholly empty
    (a Jira or Azure DevOps export carries none) is replaced outright, without a polars pass."""
    column = frame.get_column("snapshot_date")
    nulls = column.null_count()
    if nulls == 0:
        return frame
    if nulls == frame.height and column.dtype == pl.String:
        return frame.replace_column(
            frame.get_column_index("snapshot_date"),
            pl.Series("snapshot_date", [fallback] * frame.height, dtype=pl.String),
        )
    return frame.with_columns(pl.col("snapshot_date").fill_null(fallback))


def _reference_lookup(con: duckdb.DuckDBPyConnection, target: str) -> pl.DataFrame:
    """ref (lower-case code, name or email) -> canonical key, for resolving export references."""
    if target == "projects":
        query = """
            select lower(project_code) as ref, project_code as resolved, 1 as rank from raw.projects
            union all
            select lower(project_name), project_code, 2 from raw.projects
        """
    elif target == "vendors":  # a vendor is known by its name, as the register writes it
        query = "select lower(vendor) as ref, vendor as resolved, 1 as rank from raw.vendors"
    else:
        query = """
            select lower(employee_id) as ref, employee_id as resolved, 1 as rank from raw.people
            union all select lower(email), employee_id, 2 from raw.people where email is not null
            union all select lower(full_name), employee_id, 3 from raw.people
        """
    lookup = con.sql(query).pl()
    # A name shared by two records is ambiguous: it resolves to nothing rather than a guess.
    return (
        lookup.sort("rank")
        .group_by("ref", maintain_order=True)
        .agg(
            pl.col("resolved").first(),
            pl.col("rank").first(),
            pl.col("resolved")
            .filter(pl.col("rank") == pl.col("rank").first())
            .n_unique()
            .alias("n"),
        )
        .filter(pl.col("n") == 1)
        .select("ref", "resolved")
    )


def resolve_references(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    good: pl.DataFrame,
    lookups: dict[str, pl.DataFrame] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Map project/person/vendor references to canonical keys; unknown ones go to quarantine.

    ``lookups`` carries the reference tables between files of one entity: projects, people and
    vendors do not change while other entities load. An optional register (vendors) holding no
    row checks nothing: without a vendor register, orders and invoices load as before.
    """
    bad_parts = []
    labels = {"projects": "project", "people": "person", "vendors": "vendor"}
    lookups = {} if lookups is None else lookups
    for column, target in entity.references.items():
        if target not in lookups:
            lookups[target] = _reference_lookup(con, target)
        lookup = lookups[target]
        if ENTITIES[target].optional_register and lookup.is_empty():
            continue
        # each distinct reference looked up once, not every row lower-cased and joined
        found = (
            good.select(pl.col(column).unique())
            .drop_nulls()
            .with_columns(pl.col(column).str.to_lowercase().alias("_ref"))
            .join(lookup, left_on="_ref", right_on="ref", how="left")
        )
        known = found.filter(pl.col("resolved").is_not_null())
        unknown = pl.col(column).is_not_null() & pl.col(column).is_in(
            found.filter(pl.col("resolved").is_null()).get_column(column).implode()
        )
        bad_parts.append(
            good.filter(unknown).select(
                "source_line",
                *_carried(good),
                pl.lit(column).alias("column_name"),
                pl.col(column).alias("found_value"),
                (
                    pl.lit(f"{column}: unknown {labels[target]} '")
                    + pl.col(column)
                    + pl.lit(f"', expected a {labels[target]} listed in {target}")
                ).alias("reason"),
            )
        )
        good = good.filter(~unknown).with_columns(
            pl.col(column).replace_strict(
                known.get_column(column), known.get_column("resolved"), default=pl.col(column)
            )
        )
    quarantine = pl.concat(bad_parts) if bad_parts else _no_problems(good)
    return good, quarantine


def _carried(frame: pl.DataFrame) -> list[str]:
    """The batch column, when rows of several files are checked together."""
    return [BATCH_FILE] if BATCH_FILE in frame.columns else []


def _no_problems(frame: pl.DataFrame) -> pl.DataFrame:
    carry = {BATCH_FILE: frame.schema[BATCH_FILE]} if BATCH_FILE in frame.columns else {}
    return pl.DataFrame(schema={**QUARANTINE_SCHEMA, **carry})


def _project_windows(con: duckdb.DuckDBPyConnection, years: int) -> pl.DataFrame:
    """project_code -> the dates a row of that project may carry: from `years` before its start
    to `years` after its planned finish (or start, when no finish is planned)."""
    return (
        con.sql(
            f"""
        select project_code as _window_project, start_date as _project_start,
               planned_finish_date as _project_finish,
               coalesce(start_date, planned_finish_date) - interval {int(years)} year as _low,
               coalesce(planned_finish_date, start_date) + interval {int(years)} year as _high
        from raw.projects
        where coalesce(start_date, planned_finish_date) is not null
        """  # noqa: S608
        )
        .pl()
        .with_columns(pl.col("_low", "_high").cast(pl.Date))
    )


def outside_project_window(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    good: pl.DataFrame,
    lookups: dict[str, pl.DataFrame] | None,
    years: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A date far from its project's own dates is a typo (2062 for 2026) or a placeholder: one
    such row would stretch the project's calendar, its S-curve and every monthly mart."""
    dates = [column.name for column in entity.columns if column.dtype == "date"]
    if entity.references.get("project_code") != "projects" or not dates or good.is_empty():
        return good, _no_problems(good)
    lookups = {} if lookups is None else lookups
    key = f"_windows_{years}"
    if key not in lookups:
        lookups[key] = _project_windows(con, years)
    flagged = good.join(
        lookups[key], left_on="project_code", right_on="_window_project", how="left"
    )
    bad_parts = []
    outside_any = pl.lit(False)
    for name in dates:
        # a row without a project (a holiday list for every project, a vendor-level contract)
        # has no window: it stays
        outside = (
            pl.col(name).is_not_null()
            & ((pl.col(name) < pl.col("_low")) | (pl.col(name) > pl.col("_high")))
        ).fill_null(False)
        outside_any = outside_any | outside
        bad_parts.append(
            flagged.filter(outside).select(
                "source_line",
                *_carried(good),
                pl.lit(name).alias("column_name"),
                pl.col(name).cast(pl.String).alias("found_value"),
                (
                    pl.lit(f"{name}: found '")
                    + pl.col(name).cast(pl.String)
                    + pl.lit(f"', expected a date within {years} years of project ")
                    + pl.col("project_code")
                    + pl.lit("'s dates (")
                    + pl.coalesce(pl.col("_project_start").cast(pl.String), pl.lit("?"))
                    + pl.lit(" to ")
                    + pl.coalesce(pl.col("_project_finish").cast(pl.String), pl.lit("?"))
                    + pl.lit("): a typo? ([load] date_window_years in settings.toml)")
                ).alias("reason"),
            )
        )
    window_columns = ["_project_start", "_project_finish", "_low", "_high"]
    kept = flagged.filter(~outside_any).drop(window_columns)
    return kept, pl.concat(bad_parts)


def duplicate_keys(entity: Entity, good: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Within one file a natural key appears once; later repeats are quarantined."""
    if entity.allows_repeated_keys:
        return good, _no_problems(good)
    key = list(entity.natural_key)
    first_line = pl.col("source_line").min().over(key + _carried(good))
    repeat = pl.col("source_line") != first_line
    flagged = good.with_columns(first_line.alias("_first"))
    bad = flagged.filter(repeat).select(
        "source_line",
        *_carried(good),
        pl.lit(",".join(key)).alias("column_name"),
        pl.concat_str(
            [pl.col(k).cast(pl.String).fill_null("") for k in key], separator=" / "
        ).alias("found_value"),
        (
            pl.lit(f"duplicate {entity.name} key ({', '.join(key)}), already on line ")
            + pl.col("_first").cast(pl.String)
        ).alias("reason"),
    )
    return flagged.filter(~repeat).drop("_first"), bad


def dates_out_of_order(entity: Entity, good: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A range whose end is before its start (a holiday from 26 to 24 December) is a typo that
    cannot be read either way: the row is quarantined, naming both dates."""
    bad_parts = []
    wrong_any = pl.lit(False)
    for start, end in entity.date_ranges:
        wrong = (pl.col(end) < pl.col(start)).fill_null(False)
        wrong_any = wrong_any | wrong
        bad_parts.append(
            good.filter(wrong).select(
                "source_line",
                *_carried(good),
                pl.lit(end).alias("column_name"),
                pl.col(end).cast(pl.String).alias("found_value"),
                (
                    pl.lit(f"{end}: found '")
                    + pl.col(end).cast(pl.String)
                    + pl.lit(f"', expected a date on or after {start} (")
                    + pl.col(start).cast(pl.String)
                    + pl.lit(")")
                ).alias("reason"),
            )
        )
    return good.filter(~wrong_any), pl.concat(bad_parts)


def week_without_working_day(good: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Working calendars: a week with no working day would never finish a task."""
    idle = ~pl.any_horizontal([pl.col(name) for name in WEEKDAY_COLUMNS]).fill_null(False)
    bad = good.filter(idle).select(
        "source_line",
        *_carried(good),
        pl.lit(", ".join(WEEKDAY_COLUMNS)).alias("column_name"),
        pl.lit("false x 7").alias("found_value"),
        (
            pl.lit("is_monday_working .. is_sunday_working: found no working day in calendar '")
            + pl.col("calendar_name")
            + pl.lit("', expected at least one weekday set to true")
        ).alias("reason"),
    )
    return good.filter(~idle), bad


CYCLE_TASKS_NAMED = 8
"""A cycle's reason names up to this many of its tasks."""


def links_in_cycle(good: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Dependencies: the links of one file that close a loop (A before B before A) cannot be
    scheduled, so they are quarantined, each with the tasks of its loop named. A loop is found
    as a strongly connected component of the file's link graph, in one pass over all files."""
    if good.is_empty():
        return good, _no_problems(good)
    carried = _carried(good)
    file_part = [pl.col(BATCH_FILE).cast(pl.String)] if carried else []

    def node(project: pl.Expr, task: str) -> pl.Expr:
        return pl.concat_str([*file_part, project, pl.col(task)], separator="\x1f")

    edges = good.select(
        node(pl.coalesce("predecessor_project_code", "project_code"), "predecessor_key").alias(
            "_from"
        ),
        node(pl.col("project_code"), "task_key").alias("_to"),
    )
    looped = _loops(edges)
    if not looped:
        return good, _no_problems(good)
    loops = pl.DataFrame(
        {"_to": list(looped), "_loop": list(looped.values())},
        schema={"_to": pl.String, "_loop": pl.String},
    )
    flagged = (
        good.with_columns(edges)
        .join(loops, on="_to", how="left", maintain_order="left")
        .join(
            loops.rename({"_to": "_from", "_loop": "_from_loop"}),
            on="_from",
            how="left",
            maintain_order="left",
        )
    )
    # a link is in a loop when both its ends are in the same strongly connected component
    in_loop = pl.col("_loop").is_not_null() & (pl.col("_loop") == pl.col("_from_loop"))
    bad = flagged.filter(in_loop).select(
        "source_line",
        *carried,
        pl.lit("predecessor_key").alias("column_name"),
        pl.col("predecessor_key").cast(pl.String).alias("found_value"),
        (
            pl.lit("predecessor_key: the link ")
            + pl.when(pl.col("predecessor_project_code") != pl.col("project_code"))
            .then(pl.col("predecessor_project_code") + pl.lit(" "))
            .otherwise(pl.lit(""))
            + pl.col("predecessor_key")
            + pl.lit(" → ")
            + pl.when(pl.col("predecessor_project_code") != pl.col("project_code"))
            .then(pl.col("project_code") + pl.lit(" "))
            .otherwise(pl.lit(""))
            + pl.col("task_key")
            + pl.lit(" closes a loop of links between tasks ")
            + pl.col("_loop")
            + pl.lit(", expected links that never lead back to the same task")
        ).alias("reason"),
    )
    kept = flagged.filter(~in_loop).drop("_from", "_to", "_loop", "_from_loop")
    return kept, bad


def _loops(edges: pl.DataFrame) -> dict[str, str]:
    r"""Node -> the tasks of its loop, as a reason names them, for every node of a loop in the
    link graph (``_from`` → ``_to``; a node is ``[file \x1f] project \x1f task``)."""
    import networkx as nx  # dbt-core's own graph library; imported when links are loaded

    graph = nx.DiGraph()
    graph.add_edges_from(edges.iter_rows())
    looped: dict[str, str] = {}
    for component in nx.strongly_connected_components(graph):
        if len(component) == 1:
            (only,) = component
            if not graph.has_edge(only, only):
                continue
        ends = sorted(tuple(name.split("\x1f")[-2:]) for name in component)
        one_project = len({project for project, _ in ends}) == 1
        tasks = [task if one_project else f"{project} {task}" for project, task in ends]
        named = ", ".join(tasks[:CYCLE_TASKS_NAMED])
        more = (
            f" and {len(tasks) - CYCLE_TASKS_NAMED} more" if len(tasks) > CYCLE_TASKS_NAMED else ""
        )
        where = f" of project {ends[0][0]}" if one_project else ""
        for name in component:
            looped[name] = f"{named}{more}{where}"
    return looped


def _newest_load_of_content(entity: str) -> str:
    """SQL: each content's (sha256) latest file modification time among its loads of an entity:
    rows from a file modified later than an incoming one are newer than it."""
    return (
        "select source_sha256, max(file_modified_at) as modified"  # noqa: S608
        f" from raw.load_log where entity = '{entity}' group by all"
    )


def _key_text(key: list[str]) -> pl.Expr:
    """A natural key as one non-null text value (an empty part is not the text 'null')."""
    return pl.concat_str(
        [pl.col(k).cast(pl.String).fill_null("\x00") for k in key], separator="\x1f"
    )


DAY = ["employee_id", "work_date"]
"""What ``checks_daily_hours`` sums ``hours`` over: one person's day."""


def over_24_hours(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    good: pl.DataFrame,
    modified: list[datetime] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``checks_daily_hours``: a person's hours on one day, across every loaded file, may not
    exceed 24.

    Loaded entries a file replaces (same natural key: a re-export, a fix) are not counted
    twice. Files checked together (``BATCH_FILE``, oldest first, modified at ``modified``) are
    checked as if each were loaded after the ones before it: a file counts the entries the
    earlier files of the batch will have written, and not the ones it refuses. That is computed
    for every file at once, then again from the first file with a day over 24 hours (its
    refused rows change what the later files see), so a batch costs one pass plus one for
    each file with such a day, on the rows of the days whose entries together pass 24 hours
    (a handful: no other day can be refused)."""
    carried = BATCH_FILE in good.columns
    rows = good if carried else good.with_columns(pl.lit(0, pl.Int32).alias(BATCH_FILE))
    if rows.is_empty():
        return good, _no_problems(good)
    days = rows.group_by(DAY).agg(pl.col("hours").sum())
    loaded = _loaded_day_hours(con, entity, days.select(DAY))
    long_days = _days_past_24(days, loaded)
    if long_days.is_empty():  # the usual case: every row passes, and no join over them all
        return good, _no_problems(good)
    long_days = rows.join(long_days, on=DAY, how="semi").with_columns(
        _key_text(list(entity.natural_key)).alias("_key")
    )
    groups = _hours_by_key_and_file(long_days, loaded, modified)
    refused = _days_over_24(long_days, groups, loaded)
    flagged = rows.join(refused, on=[BATCH_FILE, *DAY], how="left")
    if not carried:
        flagged = flagged.drop(BATCH_FILE)
    is_over = pl.col("day_hours").is_not_null()
    bad = flagged.filter(is_over).select(
        "source_line",
        *_carried(good),
        pl.lit("hours").alias("column_name"),
        pl.col("hours").cast(pl.String).alias("found_value"),
        (
            pl.lit("hours: ")
            + pl.col("employee_id")
            + pl.lit(" logged ")
            + pl.col("day_hours").round(2).cast(pl.String)
            + pl.lit(" h on ")
            + pl.col("work_date").cast(pl.String)
            + pl.lit(", expected at most 24 h in a day")
        ).alias("reason"),
    )
    return flagged.filter(~is_over).drop("day_hours"), bad


def _loaded_day_hours(
    con: duckdb.DuckDBPyConnection, entity: Entity, days: pl.DataFrame
) -> pl.DataFrame:
    """The loaded hours of each natural key on the (person, day) ``days``, with the newest
    modification time of the files that loaded them (``_newest``)."""
    key = list(entity.natural_key)
    con.register("_days", days.to_arrow())
    try:
        loaded = con.sql(
            f"""
            select {", ".join(f"t.{k}" for k in key)}, sum(t.hours) as _hours,
                max(l.modified) as _newest
            from raw.{entity.name} as t
            inner join _days as d using (employee_id, work_date)
            left join ({_newest_load_of_content(entity.name)}) as l using (source_sha256)
            group by all
            """  # noqa: S608
        ).pl()
    finally:
        con.unregister("_days")
    return loaded.with_columns(_key_text(key).alias("_key"))


def _days_past_24(days: pl.DataFrame, loaded: pl.DataFrame) -> pl.DataFrame:
    """(person, day) of the ``days`` (person, day, the batch's hours) whose entries, every
    file's and the loaded ones together, sum over 24 hours: no file can see more than that on
    a day (it counts its own entries and some of the others', and no entry is negative), so
    no other day can be refused."""
    loaded_days = loaded.group_by(DAY).agg(pl.col("_hours").sum())
    return (
        days.join(loaded_days, on=DAY, how="left")
        .filter(pl.col("hours") + pl.col("_hours").fill_null(0) > 24)
        .select(DAY)
    )


def _hours_by_key_and_file(
    rows: pl.DataFrame, loaded: pl.DataFrame, modified: list[datetime] | None
) -> pl.DataFrame:
    """What each file writes per key (the hours of its entries of that key), and whether rows
    of that key loaded from a newer file keep them out (``_superseded``)."""
    groups = rows.group_by("_key", BATCH_FILE).agg(
        pl.col(DAY).first(), pl.col("hours").sum().alias("_hours")
    )
    groups = groups.join(loaded.select("_key", "_newest"), on="_key", how="left")
    if modified is None:
        return groups.with_columns(pl.lit(False).alias("_superseded"))
    files = pl.DataFrame(
        {BATCH_FILE: range(len(modified)), "_modified": modified},
        schema={BATCH_FILE: pl.Int32, "_modified": pl.Datetime("us")},
    )
    return groups.join(files, on=BATCH_FILE, how="left").with_columns(
        (pl.col("_newest") > pl.col("_modified")).fill_null(False).alias("_superseded")
    )


def _days_over_24(rows: pl.DataFrame, groups: pl.DataFrame, loaded: pl.DataFrame) -> pl.DataFrame:
    """(file, person, day, day_hours) of every day a file refuses: over 24 hours with what the
    rows already loaded and the earlier files of the batch write, file after file."""
    new_days = rows.group_by(BATCH_FILE, *DAY).agg(pl.col("hours").sum().alias("new_hours"))
    before = loaded.select("_key", *DAY, "_hours", pl.lit(-1, pl.Int32).alias("_writer"))
    refused = pl.DataFrame(
        schema={
            BATCH_FILE: pl.Int32,
            "employee_id": pl.String,
            "work_date": pl.Date,
            "day_hours": pl.Float64,
        }
    )
    decided = -1
    while True:
        writers = pl.concat(
            [
                before,
                groups.filter(~pl.col("_superseded"))
                .join(refused, on=[BATCH_FILE, *DAY], how="anti")
                .select("_key", *DAY, "_hours", pl.col(BATCH_FILE).alias("_writer")),
            ]
        )
        open_days = new_days.filter(pl.col(BATCH_FILE) > decided)
        current = (
            open_days.select(BATCH_FILE, *DAY)
            .join(writers, on=DAY)
            .filter(pl.col("_writer") < pl.col(BATCH_FILE))
            # the entries of its own keys a file replaces
            .join(groups.select("_key", BATCH_FILE), on=["_key", BATCH_FILE], how="anti")
            .group_by(BATCH_FILE, *DAY, "_key")
            .agg(pl.col("_hours").sort_by("_writer").last())
            .group_by(BATCH_FILE, *DAY)
            .agg(pl.col("_hours").sum().alias("existing_hours"))
        )
        over = (
            open_days.join(current, on=[BATCH_FILE, *DAY], how="left")
            .with_columns(
                (pl.col("new_hours") + pl.col("existing_hours").fill_null(0)).alias("day_hours")
            )
            .filter(pl.col("day_hours") > 24)
        )
        if over.is_empty():
            return refused
        decided = over.get_column(BATCH_FILE).min()
        refused = pl.concat(
            [refused, over.filter(pl.col(BATCH_FILE) == decided).select(refused.columns)]
        )


def prepare(
    con: duckdb.DuckDBPyConnection,
    probe: Probe,
    adapter: Adapter,
    entity: Entity,
    *,
    sha256: str | None = None,
    cache: FrameCache | None = None,
    lookups: dict[str, pl.DataFrame] | None = None,
    window_years: int = DEFAULT_DATE_WINDOW_YEARS,
) -> Prepared:
    """Read and check one file for one entity without writing anything."""
    frame = read_entity(probe, adapter, entity, sha256=sha256, cache=cache)
    return prepare_frames(con, entity, [(adapter, frame)], lookups, window_years)[0]


def prepare_frames(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    files: list[tuple[Adapter, pl.DataFrame]],
    lookups: dict[str, pl.DataFrame] | None = None,
    window_years: int = DEFAULT_DATE_WINDOW_YEARS,
    modified: list[datetime] | None = None,
) -> list[Prepared]:
    """Check the adapter frames of several files of one entity in one pass, without writing.

    Every check is per row or per file (a key repeats within a file), so checking files
    together gives each file exactly what checking it alone would. The 24-hour rule looks at
    the rows already loaded: it checks each file as if the files before it (modified at
    ``modified``, oldest first) were loaded already, see :func:`over_24_hours`.
    """
    good, quarantine = validate(_batch_frame(files), entity)
    parts = [quarantine]
    for step in _row_checks(con, entity, lookups, window_years, modified):
        good, bad = step(good)
        parts.append(bad)
    quarantine = pl.concat(parts, how="diagonal_relaxed")
    return _prepared_by_file(entity, files, good, quarantine)


def _batch_frame(files: list[tuple[Adapter, pl.DataFrame]]) -> pl.DataFrame:
    """The files' frames as one, each row carrying its file's index (``BATCH_FILE``) when there
    are several files; one file's frame as it is."""
    if len(files) == 1:
        return files[0][1]
    # a file column made per file, so it is chunked as the files' own columns are: the
    # contract check's pass is many times slower on columns chunked unlike each other, or
    # on one long chunk (82,000 timesheet rows: 2 s instead of 0.1 s)
    return pl.concat(
        [
            part.with_columns(pl.lit(index, pl.Int32).alias(BATCH_FILE))
            for index, (_, part) in enumerate(files)
        ],
        how="diagonal_relaxed",
    )


RowCheck = Callable[[pl.DataFrame], tuple[pl.DataFrame, pl.DataFrame]]
"""Good rows in, (the rows that pass, the quarantine rows of those that do not) out."""


def _row_checks(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    lookups: dict[str, pl.DataFrame] | None,
    window_years: int,
    modified: list[datetime] | None,
) -> list[RowCheck]:
    """The checks after the contract's, in order: every entity's, then those its contract asks
    for."""
    steps: list[RowCheck] = [
        lambda rows: resolve_references(con, entity, rows, lookups),
        lambda rows: outside_project_window(con, entity, rows, lookups, window_years),
        lambda rows: duplicate_keys(entity, rows),
    ]
    if entity.checks_daily_hours:
        steps.append(lambda rows: over_24_hours(con, entity, rows, modified))
    if entity.checks_link_cycles:
        steps.append(links_in_cycle)
    if entity.date_ranges:
        steps.append(lambda rows: dates_out_of_order(entity, rows))
    if entity.checks_working_week:
        steps.append(week_without_working_day)
    return steps


def _prepared_by_file(
    entity: Entity,
    files: list[tuple[Adapter, pl.DataFrame]],
    good: pl.DataFrame,
    quarantine: pl.DataFrame,
) -> list[Prepared]:
    """The checked rows split back into their files, in file order."""
    if len(files) > 1:
        good_by_file = good.partition_by(BATCH_FILE, as_dict=True, include_key=False)
        bad_by_file = quarantine.partition_by(BATCH_FILE, as_dict=True, include_key=False)
    else:
        good_by_file, bad_by_file = {(0,): good}, {(0,): quarantine}
    # a file with no good (or no quarantined) rows gets an empty frame of the same columns
    no_good = good.clear().drop(BATCH_FILE, strict=False)
    no_bad = _no_problems(good).drop(BATCH_FILE, strict=False)
    prepared = []
    for index, (adapter, original) in enumerate(files):
        file_good = good_by_file.get((index,), no_good)
        file_bad = bad_by_file.get((index,))
        file_bad = (
            no_bad
            if file_bad is None
            else file_bad.select(list(QUARANTINE_SCHEMA)).sort("source_line", maintain_order=True)
        )
        snapshot = None
        if entity.snapshot and file_good.height:
            snapshot = file_good.get_column("snapshot_date").max()
        prepared.append(
            Prepared(
                entity,
                adapter,
                file_good,
                file_bad,
                original.height,
                snapshot,
                original,
            )
        )
    return prepared


def _file_column(name: str, heights: list[int]) -> pl.Series:
    """Int32 ``name``: 0 for the first ``heights[0]`` rows, 1 for the next ``heights[1]``, …"""
    return (
        pl.DataFrame(
            {name: range(len(heights)), "rows": heights},
            schema={name: pl.Int32, "rows": pl.Int64},
        )
        .select(pl.col(name).repeat_by("rows").explode().drop_nulls())
        .to_series()
    )


def _record_json(frame: pl.DataFrame, lines: pl.Series) -> pl.DataFrame:
    """The original text of each quarantined record, so nothing a user sent is lost."""
    rows = frame.filter(pl.col("source_line").is_in(lines.implode()))
    value_columns = [name for name in rows.columns if name != "source_line"]
    return rows.select(
        "source_line",
        pl.struct(value_columns).struct.json_encode().alias("record_json"),
    )


def _bounded(by_line: pl.DataFrame, original: pl.DataFrame) -> pl.DataFrame:
    """The quarantined lines of one file as stored: the first QUARANTINE_ROWS_STORED one by one,
    then one row per kind of reason (and project) standing for the rest.

    A standing row is the first line of its kind past the limit, with its own record;
    ``rows_represented`` counts the lines it stands for and ``last_source_line`` is the last."""
    by_line = by_line.with_columns(
        pl.lit(1, pl.Int64).alias("rows_represented"),
        pl.lit(None, pl.Int64).alias("last_source_line"),
    )
    if by_line.height <= QUARANTINE_ROWS_STORED:
        return by_line
    rest = by_line.slice(QUARANTINE_ROWS_STORED).with_columns(
        pl.col("reason").str.replace_all(REASON_VALUES, "…").alias("_kind")
    )
    groups = ["_kind"]
    if "project_code" in original.columns:  # each project is shown its own count
        rest = rest.join(
            original.select("source_line", pl.col("project_code").alias("_project")),
            on="source_line",
            how="left",
        )
        groups.append("_project")
    standing = rest.group_by(groups, maintain_order=True).agg(
        pl.col("source_line").first(),
        pl.col("column_name").first(),
        pl.col("found_value").first(),
        pl.col("reason").first(),
        pl.len().cast(pl.Int64).alias("rows_represented"),
        pl.col("source_line").last().alias("last_source_line"),
    )
    return pl.concat([by_line.head(QUARANTINE_ROWS_STORED), standing.select(by_line.columns)])


@dataclass
class ToWrite:
    """A prepared file and where it came from: what :func:`write_files` needs of it."""

    prepared: Prepared
    source_file: str
    sha256: str
    file_modified_at: datetime
    load_number: int = 1
    """Counts the loads of this content for the entity: past the first (an edit taken back, see
    :func:`load_entity`) it makes the load id its own."""

    @property
    def load_id(self) -> str:
        suffix = f":{self.load_number}" if self.load_number > 1 else ""
        return f"{self.sha256[:16]}:{self.prepared.entity.name}{suffix}"


def write(
    con: duckdb.DuckDBPyConnection,
    prepared: Prepared,
    *,
    source_file: str,
    sha256: str,
    file_modified_at: datetime,
    load_number: int = 1,
) -> FileOutcome:
    """Write one prepared file in a single transaction (see :func:`write_files`)."""
    item = ToWrite(prepared, source_file, sha256, file_modified_at, load_number)
    return write_files(con, [item])[0]


def _key_match(left: str, right: str, key: list[str]) -> str:
    return " and ".join(f"{left}.{k} is not distinct from {right}.{k}" for k in key)


def _stored_quarantine(files: list[ToWrite], now: datetime) -> tuple[pl.DataFrame, list[int]]:
    """The raw.quarantine rows of every file (one per line, bounded) and each file's count of
    quarantined lines. Only files with quarantined rows are looked at one by one."""
    parts, counts = [], []
    for item in files:
        prepared = item.prepared
        if prepared.quarantine.is_empty():
            counts.append(0)
            continue
        by_line = prepared.quarantine.group_by("source_line", maintain_order=True).agg(
            pl.col("column_name").first(),
            pl.col("found_value").first(),
            pl.col("reason").unique(maintain_order=True).str.join("; "),
        )
        counts.append(by_line.height)
        by_line = _bounded(by_line, prepared.original)
        by_line = by_line.join(
            _record_json(prepared.original, by_line.get_column("source_line")),
            on="source_line",
            how="left",
        )
        parts.append(
            by_line.with_columns(
                pl.lit(item.load_id).alias("load_id"),
                pl.lit(prepared.entity.name).alias("entity"),
                pl.lit(item.source_file).alias("source_file"),
                pl.lit(item.sha256).alias("source_sha256"),
                pl.lit(now).alias("quarantined_at"),
            )
        )
    return (pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()), counts


def write_files(con: duckdb.DuckDBPyConnection, files: list[ToWrite]) -> list[FileOutcome]:
    """Write prepared files of one entity, oldest first, in a single transaction.

    The result is row for row what writing them one by one would give, file after file:
    - a file's rows replace the rows of the same natural key already loaded (by an older file,
      or by an earlier file of this batch), and the replaced rows are counted for that file;
    - rows of a key already loaded from a file modified later than this one are newer: they
      stay, and this file's rows for that key are superseded (not loaded);
    - ``keep_known`` columns a file leaves empty keep the value the row it replaces had (or
      fill the newer row's empty values).
    A failure leaves every file of the batch unloaded, so each file is still all or nothing.
    """
    entity = files[0].prepared.entity
    now = datetime.now(UTC).replace(tzinfo=None)
    incoming = _incoming(files, now)
    quarantine, quarantined = _stored_quarantine(files, now)
    con.register("_incoming", incoming.to_arrow())  # read where it is, not copied
    if quarantine.height:
        con.register("_quarantine", quarantine.to_arrow())
    con.execute("begin transaction")
    try:
        if _keys_are_new(con, entity):
            # nothing to replace or supersede: each file's rows go in as they are
            columns = ", ".join(_raw_columns(entity))
            con.execute(
                f"insert into raw.{entity.name} ({columns}) select {columns} from _incoming"  # noqa: S608
            )
            counts = [(item.prepared.good.height, 0) for item in files]
        else:
            counts = _write_by_key(con, entity, len(files))
        if quarantine.height:
            _insert_quarantine(con)
        _insert_load_log(con, files, counts, quarantined, now)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_incoming")
        for view in ("_quarantine", "_log"):
            with contextlib.suppress(duckdb.Error):
                con.unregister(view)
        for table in ("_groups", "_chain", "_written"):
            con.execute(f"drop table if exists {table}")
    return [
        FileOutcome(
            source_file=item.source_file,
            entity=entity.name,
            status="loaded",
            source_format=item.prepared.adapter.name,
            rows_read=item.prepared.rows_read,
            rows_loaded=counts[index][0],
            rows_quarantined=quarantined[index],
            rows_replaced=counts[index][1],
            quarantine=item.prepared.quarantine,
        )
        for index, item in enumerate(files)
    ]


def _raw_columns(entity: Entity) -> list[str]:
    """The columns a file's rows fill in raw.<entity>: the contract's and the lineage."""
    lineage = ["source_line", "source_file", "source_sha256", "source_format", "load_id"]
    return [*entity.column_names, *lineage, "loaded_at"]


def _keys_are_new(con: duckdb.DuckDBPyConnection, entity: Entity) -> bool:
    """Whether no key of the incoming rows is loaded already and none comes in more than one
    file of the batch (a first load, the files of new weeks): then no row replaces another."""
    key = list(entity.natural_key)
    keys = ", ".join(key)
    (new,) = con.execute(
        f"""
        select not exists (
            select 1 from _incoming as n semi join raw.{entity.name} as t
                on {_key_match("n", "t", key)}
        ) and not exists (
            select 1 from _incoming group by {keys} having min(_file) <> max(_file)
        )
        """  # noqa: S608
    ).fetchone()
    return bool(new)


def _write_by_key(
    con: duckdb.DuckDBPyConnection, entity: Entity, file_count: int
) -> list[tuple[int, int]]:
    """Write the incoming rows key by key, the rules of ``write_files`` applied; each file's
    (rows loaded, rows replaced)."""
    _group_keys(con, entity)
    _chain_writers(con, entity)
    if entity.keep_known:
        _fill_from_superseded(con, entity)
    _replace_rows(con, entity)
    by_file = {
        index: (int(loaded), int(replaced))
        for index, loaded, replaced in con.execute(
            "select _file, sum(_n), sum(_replaced) from _chain group by all"
        ).fetchall()
    }
    return [by_file.get(index, (0, 0)) for index in range(file_count)]


def _incoming(files: list[ToWrite], now: datetime) -> pl.DataFrame:
    """Every file's good rows, then each file's lineage joined on in one pass (``_file`` is the
    file's index, ``_modified`` its modification time)."""
    lineage = pl.DataFrame(
        {
            "_file": range(len(files)),
            "source_file": [item.source_file for item in files],
            "source_sha256": [item.sha256 for item in files],
            "source_format": [item.prepared.adapter.name for item in files],
            "load_id": [item.load_id for item in files],
            "_modified": [item.file_modified_at for item in files],
        },
        schema={
            "_file": pl.Int32,
            "source_file": pl.String,
            "source_sha256": pl.String,
            "source_format": pl.String,
            "load_id": pl.String,
            "_modified": pl.Datetime("us"),
        },
    )
    return (
        pl.concat([item.prepared.good for item in files], how="diagonal_relaxed")
        .hstack([_file_column("_file", [item.prepared.good.height for item in files])])
        .join(lineage, on="_file", how="left", maintain_order="left")
        .with_columns(pl.lit(now).alias("loaded_at"))
    )


def _group_keys(con: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    """Temp table ``_groups``, per key and file: its rows, the rows of that key already loaded,
    and whether one of those comes from a file modified later (then this file's rows of the key
    are superseded)."""
    key = list(entity.natural_key)
    keys = ", ".join(key)
    con.execute(
        f"""
        create or replace temp table _groups as
        with existing as (
            select {", ".join(f"t.{k}" for k in key)}, count(*) as _rows,
                max(l.modified) as _newest
            from raw.{entity.name} as t
            inner join (select distinct {keys} from _incoming) as k
                on {_key_match("t", "k", key)}
            left join ({_newest_load_of_content(entity.name)}) as l using (source_sha256)
            group by all
        ), per_file as (
            select {keys}, _file, any_value(_modified) as _modified, count(*) as _n
            from _incoming group by all
        )
        select g.*, coalesce(e._newest > g._modified, false) as _superseded,
            coalesce(e._rows, 0) as _existing
        from per_file as g left join existing as e on {_key_match("g", "e", key)}
        """  # noqa: S608
    )


def _chain_writers(con: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    """Temp table ``_chain``: the files that write each key, in order; each replaces what the
    one before it wrote (``_replaced``), the last one's rows stay (``_last``)."""
    keys = ", ".join(entity.natural_key)
    con.execute(
        f"""
        create or replace temp table _chain as
        select {keys}, _file, _n,
            coalesce(lag(_n) over w, _existing) as _replaced,
            lead(_file) over w is null as _last
        from _groups where not _superseded
        window w as (partition by {keys} order by _file)
        """  # noqa: S608
    )


def _fill_from_superseded(con: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    """A superseded file fills the newer row's empty ``keep_known`` values, the first such file
    first."""
    key = list(entity.natural_key)
    firsts = ", ".join(
        f"first(n.{c} order by n._file) filter (where n.{c} is not null) as {c}"
        for c in entity.keep_known
    )
    fill = ", ".join(f"{c} = coalesce(t.{c}, b.{c})" for c in entity.keep_known)
    con.execute(
        f"""
        update raw.{entity.name} as t set {fill}
        from (
            select {", ".join(f"n.{k}" for k in key)}, {firsts}
            from _incoming as n
            inner join _groups as g on {_key_match("n", "g", key)} and n._file = g._file
            where g._superseded group by all
        ) as b
        where {_key_match("t", "b", key)}
        """  # noqa: S608
    )


def _replace_rows(con: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    """Delete the loaded rows of every key written and insert each key's last writer's rows
    (``keep_known`` values filled along the chain first, from the rows about to be replaced)."""
    name = entity.name
    key = list(entity.natural_key)
    columns = _raw_columns(entity)
    filled = {
        c: f"coalesce(n.{c}, last_value(n.{c} ignore nulls) over chain, t.{c})"
        for c in entity.keep_known
    }
    select_written = ", ".join(f"{filled.get(c, f'n.{c}')} as {c}" for c in columns)
    # keep_known values come from the row replaced: the chain's earlier files, then the loaded row
    known_join = (
        f"left join raw.{name} as t on {_key_match('n', 't', key)}"
        f" window chain as (partition by {', '.join(f'n.{k}' for k in key)} order by n._file"
        " rows between unbounded preceding and 1 preceding)"
        if filled
        else ""
    )
    chain_rows = f"""
        from _incoming as n
        inner join _chain as c on {_key_match("n", "c", key)} and n._file = c._file
        {known_join}
        """
    if filled:
        con.execute(
            "create or replace temp table _written as"
            f" select {select_written}, c._last {chain_rows}"
        )
        written = f"select {', '.join(columns)} from _written where _last"  # noqa: S608
    else:
        written = f"select {select_written} {chain_rows} where c._last"
    con.execute(
        f"""
        delete from raw.{name} as t
        using (select distinct {", ".join(key)} from _chain) as k
        where {_key_match("t", "k", key)}
        """  # noqa: S608
    )
    con.execute(f"insert into raw.{name} ({', '.join(columns)}) {written}")


def _insert_quarantine(con: duckdb.DuckDBPyConnection) -> None:
    """The registered ``_quarantine`` rows into raw.quarantine."""
    con.execute(
        """
        insert into raw.quarantine (load_id, entity, source_file, source_sha256,
            source_line, column_name, found_value, reason, record_json, quarantined_at,
            rows_represented, last_source_line)
        select load_id, entity, source_file, source_sha256, source_line,
            column_name, found_value, reason, record_json, quarantined_at,
            rows_represented, last_source_line
        from _quarantine
        """
    )


def _insert_load_log(
    con: duckdb.DuckDBPyConnection,
    files: list[ToWrite],
    counts: list[tuple[int, int]],
    quarantined: list[int],
    now: datetime,
) -> None:
    """One raw.load_log row per file written: (rows loaded, rows replaced) are ``counts``."""
    log = pl.DataFrame(
        [
            {
                "load_id": item.load_id,
                "source_file": item.source_file,
                "source_sha256": item.sha256,
                "source_format": item.prepared.adapter.name,
                "entity": item.prepared.entity.name,
                "snapshot_date": item.prepared.snapshot_date,
                "rows_read": item.prepared.rows_read,
                "rows_loaded": counts[index][0],
                "rows_quarantined": quarantined[index],
                "rows_replaced": counts[index][1],
                "status": "loaded",
                "error": None,
                "file_modified_at": item.file_modified_at,
                "loaded_at": now,
            }
            for index, item in enumerate(files)
        ],
        schema=LOAD_LOG_SCHEMA,
    )
    con.register("_log", log.to_arrow())
    con.execute("insert into raw.load_log select * from _log")


def log_rejection(
    con: duckdb.DuckDBPyConnection,
    *,
    source_file: str,
    sha256: str,
    entity: str | None,
    source_format: str | None,
    error: str,
    file_modified_at: datetime,
) -> FileOutcome:
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute(
        "insert into raw.load_log values (?, ?, ?, ?, ?, null, 0, 0, 0, 0, 'rejected', ?, ?, ?)",
        [
            f"{sha256[:16]}:{entity or 'unknown'}",
            source_file,
            sha256,
            source_format,
            entity,
            error,
            file_modified_at,
            now,
        ],
    )
    return FileOutcome(source_file, entity, "rejected", source_format, error=error)


def already_seen(con: duckdb.DuckDBPyConnection, sha256: str, entity: str | None) -> bool:
    return (
        con.execute(
            "select count(*) from raw.load_log"
            " where source_sha256 = ? and entity is not distinct from ?",
            [sha256, entity],
        ).fetchall()[0][0]
        > 0
    )


def modified_at(path: Path) -> datetime:
    """When the entry itself was last modified (a link's own time: it is never followed)."""
    return datetime.fromtimestamp(path.lstat().st_mtime, tz=UTC).replace(tzinfo=None)


@dataclass
class LandingFile:
    path: Path
    source_file: str
    sha256: str
    adapter: Adapter | None
    error: str | None
    size_bytes: int = 0
    """As scanned: what batching and side-by-side reading go by, without a second stat."""


def scan_landing(con: duckdb.DuckDBPyConnection, landing: Path) -> list[LandingFile]:
    """Hash and recognise every landing file (by content, never by name).

    Results are kept in raw.landing_files keyed by path, size and mtime, so an unchanged file is
    neither re-hashed nor re-read on the next refresh.
    """
    known = {
        row[0]: row[1:]
        for row in con.execute(
            "select source_file, size_bytes, modified_ns, source_sha256, source_format, error"
            " from raw.landing_files"
        ).fetchall()
    }
    now = datetime.now(UTC).replace(tzinfo=None)
    entries = [(path, display_name(path, landing), path.stat()) for path in landing_files(landing)]
    present = [name for _, name, _ in entries]

    def unchanged(name: str, status: os.stat_result) -> tuple | None:
        cached = known.get(name)
        if cached and cached[0] == status.st_size and cached[1] == status.st_mtime_ns:
            return cached
        return None

    def recognise(entry: tuple[Path, str, os.stat_result]) -> LandingFile:
        path, name, status = entry
        cached = unchanged(name, status)
        if cached:
            sha, format_name, error = cached[2], cached[3], cached[4]
            adapter = adapter_by_name(format_name) if format_name else None
            return LandingFile(path, name, sha, adapter, error, status.st_size)
        # read once for the hash and the probe (a file over the probe's limit is only hashed)
        raw = path.read_bytes() if status.st_size <= MAX_FILE_BYTES else None
        sha = sha256_of(path) if raw is None else hashlib.sha256(raw).hexdigest()
        try:
            adapter, error = detect(probe_file(path, name, raw)), None
        except FileRejected as rejection:
            adapter, error = None, str(rejection)
        return LandingFile(path, name, sha, adapter, error, status.st_size)

    # hashing and probing run mostly outside the interpreter lock
    found = _each_file(recognise, entries, [status.st_size for _, _, status in entries])
    scanned = [
        (item, status)
        for item, (_, name, status) in zip(found, entries, strict=True)
        if not unchanged(name, status)
    ]
    _record_scans(con, scanned, now)
    found += _special_landing_files(landing)
    if present:
        con.execute(
            "delete from raw.landing_files where source_file not in (select unnest(?))", [present]
        )
    else:
        con.execute("delete from raw.landing_files")
    return found


def _record_scans(
    con: duckdb.DuckDBPyConnection,
    scanned: list[tuple[LandingFile, os.stat_result]],
    now: datetime,
) -> None:
    """Keep in raw.landing_files what the files hashed and recognised this time are, in one
    statement for them all."""
    if not scanned:
        return
    rows = [
        {
            "source_file": item.source_file,
            "size_bytes": status.st_size,
            "modified_ns": status.st_mtime_ns,
            "source_sha256": item.sha256,
            "source_format": item.adapter.name if item.adapter else None,
            "entities": list(item.adapter.entities) if item.adapter else None,
            "error": item.error,
            "scanned_at": now,
        }
        for item, status in scanned
    ]
    schema = {
        "source_file": pl.String,
        "size_bytes": pl.Int64,
        "modified_ns": pl.Int64,
        "source_sha256": pl.String,
        "source_format": pl.String,
        "entities": pl.List(pl.String),
        "error": pl.String,
        "scanned_at": pl.Datetime("us"),
    }
    con.register("_scanned", pl.DataFrame(rows, schema=schema).to_arrow())
    try:
        con.execute("insert or replace into raw.landing_files select * from _scanned")
    finally:
        con.unregister("_scanned")


def _special_landing_files(landing: Path) -> list[LandingFile]:
    """Links, pipes and devices under landing as files that no adapter reads, with the reason
    as their error."""
    found = []
    for path, reason in special_entries(landing):
        # no content is read: the entry is known by its name and what it is
        name = display_name(path, landing)
        marker = hashlib.sha256(f"{name}\0{reason}".encode()).hexdigest()
        found.append(LandingFile(path, name, marker, None, f"{name}: {reason}."))
    return found


def record_unrecognised(
    con: duckdb.DuckDBPyConnection, files: Iterable[LandingFile]
) -> list[FileOutcome]:
    """Files no adapter recognises are logged once (per content) as rejected."""
    outcomes = []
    for item in files:
        if item.adapter is None and not already_seen(con, item.sha256, None):
            outcomes.append(
                log_rejection(
                    con,
                    source_file=item.source_file,
                    sha256=item.sha256,
                    entity=None,
                    source_format=None,
                    error=item.error or "unrecognised",
                    file_modified_at=modified_at(item.path),
                )
            )
    return outcomes


def load_entity(
    con: duckdb.DuckDBPyConnection,
    files: Iterable[LandingFile],
    entity_name: str,
    progress: Callable[[FileOutcome], None] | None = None,
    cache: FrameCache | None = None,
    window_years: int = DEFAULT_DATE_WINDOW_YEARS,
    started: Callable[[int], None] | None = None,
) -> list[FileOutcome]:
    """Load every new landing file that carries this entity, oldest first.

    Files are checked and written in batches (up to ``BATCH_FILES`` files and ``BATCH_BYTES``
    bytes), each batch in one transaction (see :func:`write_files`). Pass the same ``cache``
    to the calls for every entity of one refresh so that a file carrying several entities is
    read once.
    """
    entity = ENTITIES[entity_name]
    pending = _new_loads(con, files, entity)
    if started and pending:
        started(len(pending))  # how many files this entity will load, for a progress bar
    outcomes = []
    lookups: dict[str, pl.DataFrame] = {}
    for batch in _batches(pending):
        for outcome in _load_batch(con, batch, entity, cache, lookups, window_years):
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    return outcomes


def _batches(pending: list[tuple[LandingFile, int]]) -> Iterator[list[tuple[LandingFile, int]]]:
    """Consecutive runs of files, in order, within BATCH_FILES files and BATCH_BYTES bytes."""
    batch: list[tuple[LandingFile, int]] = []
    size = 0
    for item in pending:
        item_size = item[0].size_bytes
        if batch and (len(batch) >= BATCH_FILES or size + item_size > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += item_size
    if batch:
        yield batch


def _new_loads(
    con: duckdb.DuckDBPyConnection, files: Iterable[LandingFile], entity: Entity
) -> list[tuple[LandingFile, int]]:
    """The landing files to load for one entity, oldest first, each with its load number.

    Content loaded (or rejected) before is not loaded again: the same content under two names,
    or a file touched, loads once. Except when the content's rows were since replaced by a
    newer file's and this copy is newer still: an edit taken back (or an old export dropped
    again) wins, as the newest file always does. One query each for the load log and the rows
    still present, not one a file."""
    loads = {
        sha: (was_loaded, count, modified, rows_loaded)
        for sha, was_loaded, count, modified, rows_loaded in con.execute(
            """
            select source_sha256, bool_or(status = 'loaded'), count(*), max(file_modified_at),
                arg_max(rows_loaded, file_modified_at)
            from raw.load_log where entity = ? group by source_sha256
            """,
            [entity.name],
        ).fetchall()
    }
    present: dict[str, int] | None = None  # rows still in the table per content, when needed
    pending: list[tuple[LandingFile, int]] = []
    queued: dict[str, int] = {}  # sha -> position in ``pending`` of its latest copy
    for item in files:
        if item.adapter is None or entity.name not in item.adapter.entities:
            continue
        sha = item.sha256
        if sha in queued:  # a second copy in this pass: newer only if other content came between
            if queued[sha] < len(pending) - 1:
                pending.append((item, pending[queued[sha]][1] + 1))
                queued[sha] = len(pending) - 1
            continue
        if sha not in loads:
            pending.append((item, 1))
            queued[sha] = len(pending) - 1
            continue
        was_loaded, count, modified, rows_loaded = loads[sha]
        if not was_loaded or modified_at(item.path) <= modified:
            continue
        if present is None:
            present = dict(
                con.execute(
                    f"select source_sha256, count(*) from raw.{entity.name} group by all"  # noqa: S608
                ).fetchall()
            )
        if present.get(sha, 0) < (rows_loaded or 0):  # some of its rows were replaced since
            pending.append((item, count + 1))
            queued[sha] = len(pending) - 1
    return pending


def _load_batch(
    con: duckdb.DuckDBPyConnection,
    batch: list[tuple[LandingFile, int]],
    entity: Entity,
    cache: FrameCache | None,
    lookups: dict[str, pl.DataFrame],
    window_years: int,
) -> list[FileOutcome]:
    """Read the files, check them in one pass, log the rejected ones and write the others in
    one transaction; the outcomes come in file order."""
    items = [item for item, _ in batch]
    read: dict[int, pl.DataFrame] = {}
    rejected: dict[int, FileRejected] = {}

    def one(index: int) -> None:
        try:
            read[index] = read_landing_entity(items[index], entity, cache)
        except FileRejected as error:
            rejected[index] = error

    together = _read_together(items, entity, cache, read, rejected)
    # polars parses outside the interpreter lock
    alone = [index for index in range(len(items)) if index not in together]
    _each_file(one, alone, [items[index].size_bytes for index in alone])
    order = sorted(read)
    mtimes = {index: modified_at(item.path) for index, item in enumerate(items)}
    outcomes: dict[int, FileOutcome] = {}
    for index, error in rejected.items():
        item = items[index]
        outcomes[index] = log_rejection(
            con,
            source_file=item.source_file,
            sha256=item.sha256,
            entity=entity.name,
            source_format=item.adapter.name if item.adapter else None,
            error=str(error),
            file_modified_at=mtimes[index],
        )
    if order:
        checked = prepare_frames(
            con,
            entity,
            [(items[i].adapter, read[i]) for i in order],
            lookups,
            window_years,
            [mtimes[i] for i in order],
        )
        written = write_files(
            con,
            [
                ToWrite(prepared, items[i].source_file, items[i].sha256, mtimes[i], batch[i][1])
                for i, prepared in zip(order, checked, strict=True)
            ],
        )
        outcomes.update(zip(order, written, strict=True))
    return [outcomes[index] for index in range(len(items))]


def _read_together(
    items: list[LandingFile],
    entity: Entity,
    cache: FrameCache | None,
    read: dict[int, pl.DataFrame],
    rejected: dict[int, FileRejected],
) -> set[int]:
    """Read the batch's files whose format reads many at once (``Adapter.read_many``) with one
    call per format, filling ``read`` and ``rejected``; the indexes it took. A file an earlier
    entity's turn read already (its frame is in ``cache``) or over READ_TOGETHER_BYTES is left
    to the one-by-one path."""
    groups: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        adapter = item.adapter
        if (
            adapter is not None
            and adapter.read_many is not None
            and item.size_bytes <= READ_TOGETHER_BYTES
            and (cache is None or (item.sha256, entity.name) not in cache)
        ):
            groups.setdefault(adapter.name, []).append(index)
    for indexes in groups.values():
        adapter = items[indexes[0]].adapter
        assert adapter is not None and adapter.read_many is not None
        probes: dict[int, Probe] = {}
        members = [items[index] for index in indexes]
        found = _each_file(_probe_or_rejection, members, [item.size_bytes for item in members])
        for index, probe in zip(indexes, found, strict=True):
            if isinstance(probe, FileRejected):
                rejected[index] = probe
            else:
                probes[index] = probe
        results = adapter.read_many(list(probes.values()))
        for (index, probe), result in zip(probes.items(), results, strict=True):
            if isinstance(result, FileRejected):
                rejected[index] = result
                continue
            read[index] = read_entity(
                probe, adapter, entity, sha256=items[index].sha256, cache=cache, frames=result
            )
    return {index for indexes in groups.values() for index in indexes}


def _probe_or_rejection(item: LandingFile) -> Probe | FileRejected:
    try:
        return probe_file(item.path, item.source_file)
    except FileRejected as error:
        return error


def _each_file(work: Callable[[T], R], files: list[T], sizes: list[int]) -> list[R]:
    """``work`` on every file, results in file order: files up to READ_TOGETHER_BYTES side by
    side, larger ones one at a time, so memory stays that of one large file."""
    results: dict[int, R] = {}
    small = [index for index, size in enumerate(sizes) if size <= READ_TOGETHER_BYTES]
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        results.update(zip(small, pool.map(work, [files[i] for i in small]), strict=True))
    for index in range(len(files)):
        if index not in results:
            results[index] = work(files[index])
    return [results[index] for index in range(len(files))]


def read_landing_entity(
    item: LandingFile, entity: Entity, cache: FrameCache | None
) -> pl.DataFrame:
    """One landing file's frame for one entity: from the cache when another entity's turn read
    the file already, else probed and read."""
    assert item.adapter is not None
    if cache is not None and (item.sha256, entity.name) in cache:
        probe = Probe(path=item.path, display_name=item.source_file, kind="cached")
        return read_entity(probe, item.adapter, entity, sha256=item.sha256, cache=cache)
    probe = probe_file(item.path, item.source_file)
    return read_entity(probe, item.adapter, entity, sha256=item.sha256, cache=cache)


def load_landing(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    progress: Callable[[FileOutcome], None] | None = None,
    window_years: int = DEFAULT_DATE_WINDOW_YEARS,
) -> list[FileOutcome]:
    """Everything in the landing folder, entity by entity in dependency order (no Dagster)."""
    files = scan_landing(con, landing)
    outcomes = record_unrecognised(con, files)
    cache: FrameCache = {}
    for entity_name in LOAD_ORDER:
        outcomes += load_entity(con, files, entity_name, progress, cache, window_years)
    return outcomes
