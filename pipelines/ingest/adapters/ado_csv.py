"""Azure DevOps work-item CSV (Boards → Queries → Export to CSV), flat and tree queries.

What formats.md §1.4 says matters here:

* The header is unquoted and every value double-quoted; a plain CSV reader handles both.
* A flat query has ``Title``; a tree (hierarchy) query has ``Title 1, Title 2, ...`` with only the
  column of the row's depth filled. The parent is the nearest preceding row at a shallower depth,
  found with one forward-fill per level (no loop over rows). A ``Parent`` column, when the query
  has one, wins over the indentation.
* Identities are ``Display Name <email>``; the display name is kept as the assignee.
* Area and Iteration paths use backslashes. The sprint is the last segment of the Iteration Path
  (a bare root path means "no sprint"); iteration dates are not in the CSV, so sprints carry names
  only.
* Dates follow the user's locale (``12/12/2025 3:30:19 PM``); the day/month order is decided once
  per file from the values.
* Some setups add ``Predecessor`` and ``Successor`` link columns: work item IDs (``123``,
  ``#123`` or a URL ending in the ID), several to a cell separated by ``;`` or ``,``. They become
  the ``dependencies`` frame; IDs are unique in an organisation, so both ends of a link are in
  the row's project.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import polars as pl

from pipelines.ingest.adapters.base import (
    Adapter,
    Probe,
    blank_to_null,
    by_value,
    normalise_header,
    one_of_many,
    parse_number,
    pick,
    read_by_layout,
)
from pipelines.ingest.adapters.links import dependency_rows, named_links, no_dependencies
from pipelines.ingest.adapters.locale_dates import numeric_month_first_by_file, with_locale_dates
from pipelines.ingest.contracts import ENTITIES
from pipelines.ingest.errors import FileRejected

TASK_COLUMNS = ENTITIES["tasks"].column_names
SPRINT_COLUMNS = ENTITIES["sprints"].column_names

_TREE_TITLE = re.compile(r"^title (\d+)$")

STATE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "todo": ("new", "to do", "proposed", "approved", "design", "ready", "open"),
    "in_progress": (
        "active",
        "committed",
        "in progress",
        "doing",
        "resolved",
        "in review",
        "testing",
        "in test",
        "blocked",
    ),
    "done": ("closed", "done", "removed", "completed", "cut"),
}
"""Process-template states (Basic, Agile, Scrum, CMMI) by category. Resolved counts as in
progress: in the Agile and CMMI templates a resolved item still awaits verification."""


def _title_columns(probe: Probe) -> list[tuple[int, int]]:
    """(level, position) of ``Title 1..N`` in a tree query, ordered by level."""
    found = []
    for position, name in enumerate(probe.header):
        match = _TREE_TITLE.match(normalise_header(name))
        if match:
            found.append((int(match.group(1)), position))
    return sorted(found)


def sniff(probe: Probe) -> bool:
    """``ID`` + ``Work Item Type`` + a ``Title`` (flat) or ``Title N`` (tree) column."""
    try:
        if probe.kind not in ("csv", "xlsx"):
            return False
        index = probe.header_index()
        has_title = "title" in index or bool(_title_columns(probe))
        return "id" in index and "work item type" in index and has_title
    except Exception:
        return False


def _category(state: pl.Expr) -> pl.Expr:
    """State -> todo/in_progress/done; a custom state the table does not know stays null
    (the category is derived, not exported, so there is no original text to show)."""
    lowered = state.str.to_lowercase()
    out = pl.lit(None, pl.String)
    for category, names in reversed(STATE_CATEGORIES.items()):
        out = pl.when(lowered.is_in(list(names))).then(pl.lit(category)).otherwise(out)
    return out


def display_name(identity: pl.Expr) -> pl.Expr:
    """``Ana Souza <ana@example.com>`` -> ``Ana Souza``; a bare ``<email>`` keeps the email."""
    text = blank_to_null(identity)
    name = text.str.extract(r"^(.*?)\s*<[^<>]*>$", 1).str.strip_chars()
    email = text.str.extract(r"<([^<>]*)>$", 1).str.strip_chars()
    return (
        pl.when(name.is_not_null() & (name != ""))
        .then(name)
        .when(email.is_not_null() & (email != ""))
        .then(email)
        .otherwise(text)
    )


def _path_segments(path: pl.Expr) -> pl.Expr:
    return path.str.split("\\").list.eval(pl.element().str.strip_chars())


def _project_code(team_project: pl.Expr, area_path: pl.Expr, iteration_path: pl.Expr) -> pl.Expr:
    """The Team Project, else the root of the Area Path, else of the Iteration Path."""
    return pl.coalesce(
        team_project,
        _path_segments(area_path).list.first(),
        _path_segments(iteration_path).list.first(),
    )


def _sprint(iteration_path: pl.Expr) -> pl.Expr:
    """The last segment of the Iteration Path; a bare root path means "no sprint"."""
    iteration = _path_segments(iteration_path)
    return pl.when(iteration.list.len() > 1).then(iteration.list.last())


def _with_tree_parent(frame: pl.DataFrame, levels: list[tuple[int, int]]) -> pl.DataFrame:
    """Add ``_title`` and ``_tree_parent`` (the ID of the nearest preceding shallower row)."""
    cells = [(level, blank_to_null(pl.col(f"c{position}"))) for level, position in levels]
    level = pl.coalesce([pl.when(cell.is_not_null()).then(pl.lit(lvl)) for lvl, cell in cells])
    frame = frame.with_row_index("_row").with_columns(
        _title=pl.coalesce([cell for _, cell in cells]),
        _level=level,
    )
    # The last row seen at each level, carried down within the file; a row's parent is the most
    # recent row at any shallower level.
    frame = frame.with_columns(
        pl.when(pl.col("_level") == lvl)
        .then(pl.col("_row"))
        .forward_fill()
        .over("_file")
        .alias(f"_last{lvl}")
        for lvl, _ in cells
    )
    parent_row = pl.max_horizontal(
        [pl.when(pl.col("_level") > lvl).then(pl.col(f"_last{lvl}")) for lvl, _ in cells]
    )
    frame = frame.with_columns(_parent_row=parent_row)
    ids = frame.select(pl.col("_row").alias("_parent_row"), pl.col("_id").alias("_tree_parent"))
    return frame.join(ids, on="_parent_row", how="left", maintain_order="left")


def read(probe: Probe) -> dict[str, pl.DataFrame]:
    """The whole export -> tasks (one row per work item), sprints (names only) and
    dependencies (one row per predecessor/successor link)."""
    return one_of_many(read_many, probe)


def read_many(probes: Sequence[Probe]) -> list[dict[str, pl.DataFrame] | FileRejected]:
    """Each export's :func:`read` (or why it is refused), exports of one layout in one pass."""
    return read_by_layout(probes, _check, _month_first, _normalise)


def _date_columns(probe: Probe) -> dict[str, pl.Expr]:
    return {
        "created": pick(probe, ["Created Date"]),
        "closed": pick(probe, ["Closed Date"]),
        "activated": pick(probe, ["Activated Date"]),
        "start": pick(probe, ["Start Date"]),
        "finish": pick(probe, ["Target Date", "Finish Date", "Due Date"]),
    }


def _check(probe: Probe) -> None:
    levels = _title_columns(probe)
    if not has_any(probe, "ID") or not (has_any(probe, "Title") or levels):
        raise probe.reject(
            f"the ID or Title column is missing (header found: {', '.join(probe.header[:8])}).",
            "an Azure DevOps query export with ID, Work Item Type and Title (or Title 1, 2, ...).",
        )
    if not has_any(probe, "Team Project", "Area Path", "Iteration Path"):
        raise probe.reject(
            "the export has no Team Project, Area Path or Iteration Path column, so its work "
            "items cannot be assigned to a project.",
            "add 'Area Path' (or 'Team Project') to the query's columns and export again.",
        )


def _month_first(probe: Probe, frame: pl.DataFrame, files: list[int]) -> dict[int, bool]:
    """Whether each stacked export's numeric dates are month-first."""
    return numeric_month_first_by_file(frame, _date_columns(probe).values(), files)


def _normalise(probe: Probe, frame: pl.DataFrame, month_first: bool) -> dict[str, pl.DataFrame]:
    """Tasks, sprints and dependencies of the exports stacked in ``frame`` (one layout, see
    read_by_layout)."""
    frame = _with_work_item_fields(probe, frame, month_first)
    state = pick(probe, ["State"])
    # each normaliser below runs once per distinct value (see by_value)
    frame = frame.with_columns(
        by_value(frame, [state], _category).alias("_status_category"),
        by_value(frame, [pick(probe, ["Story Points", "Effort", "Size"])], parse_number).alias(
            "_story_points"
        ),
        by_value(frame, [pick(probe, ["Original Estimate"])], parse_number).alias(
            "_estimate_hours"
        ),
        by_value(frame, [pick(probe, ["Assigned To"])], display_name).alias("_assignee"),
    )
    columns: dict[str, pl.Expr] = {
        "project_code": pl.col("_project"),
        "task_key": pl.col("_id"),
        "task_name": pl.col("_title"),
        "task_type": pick(probe, ["Work Item Type"]),
        "parent_key": pl.coalesce(pick(probe, ["Parent"]), pl.col("_tree_parent")),
        "status": state,
        "status_category": pl.col("_status_category"),
        "story_points": pl.col("_story_points"),
        "estimate_hours": pl.col("_estimate_hours"),
        "planned_start": pl.col("_planned_start"),
        "planned_finish": pl.col("_planned_finish"),
        "actual_start": pl.col("_actual_start"),
        "actual_finish": pl.col("_actual_finish"),
        "created_at": pl.col("_created_at"),
        "resolved_at": pl.col("_resolved_at"),
        "sprint": pl.col("_sprint"),
        "assignee": pl.col("_assignee"),
    }
    tasks = frame.select(
        *[
            columns.get(name, pl.lit(None, pl.String)).cast(pl.String).alias(name)
            for name in TASK_COLUMNS
        ],
        pl.col("source_line"),
        pl.col("_file"),
    )
    return {"tasks": tasks, "sprints": _sprints(frame), "dependencies": _dependencies(probe, frame)}


def _with_work_item_fields(probe: Probe, frame: pl.DataFrame, month_first: bool) -> pl.DataFrame:
    """``frame`` with each work item's ID, title and tree parent (``_id``, ``_title``,
    ``_tree_parent``), project and sprint (``_project``, ``_sprint``) and its dates read in the
    exports' day/month order (``_planned_start`` ... ``_resolved_at``)."""
    levels = _title_columns(probe)
    frame = frame.with_columns(_id=pick(probe, ["ID"]))
    if levels:
        frame = _with_tree_parent(frame, levels)
    else:
        frame = frame.with_columns(
            _title=pick(probe, ["Title"]), _tree_parent=pl.lit(None, pl.String)
        )

    paths = [
        pick(probe, ["Team Project"]),
        pick(probe, ["Area Path"]),
        pick(probe, ["Iteration Path"]),
    ]
    frame = frame.with_columns(
        by_value(frame, paths, _project_code).alias("_project"),
        by_value(frame, paths[2:], _sprint).alias("_sprint"),
    )

    dates = _date_columns(probe)
    created, closed, activated = dates["created"], dates["closed"], dates["activated"]
    start, finish = dates["start"], dates["finish"]
    return with_locale_dates(
        frame,
        {
            "_planned_start": (start, "date"),
            "_planned_finish": (finish, "date"),
            "_actual_start": (activated, "date"),
            "_actual_finish": (closed, "date"),
            "_created_at": (created, "timestamp"),
            "_resolved_at": (closed, "timestamp"),
        },
        month_first=month_first,
    )


def _sprints(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per sprint an export's work items name (names only: the CSV has no dates)."""
    return (
        frame.filter(pl.col("_sprint").is_not_null() & pl.col("_project").is_not_null())
        .group_by("_file", "_project", "_sprint", maintain_order=True)
        .agg(pl.col("source_line").min())
        .select(
            *[
                {
                    "sprint_name": pl.col("_sprint"),
                    "project_code": pl.col("_project"),
                }.get(name, pl.lit(None, pl.String))
                .cast(pl.String)
                .alias(name)
                for name in SPRINT_COLUMNS
            ],
            pl.col("source_line"),
            pl.col("_file"),
        )
    )


def _work_item_id(reference: pl.Expr) -> pl.Expr:
    """``123``, ``#123`` or ``https://dev.azure.com/org/proj/_workitems/edit/123`` -> ``123``;
    a reference without an ID at its end is kept as found."""
    return pl.coalesce(reference.str.extract(r"(\d+)\s*/?$", 1), reference)


def _dependencies(probe: Probe, frame: pl.DataFrame) -> pl.DataFrame:
    """One row per link: a ``Predecessor`` cell on X naming Y says Y comes before X, a
    ``Successor`` cell on X naming Y says X comes before Y."""
    index = probe.header_index()
    cells = sorted(
        [(position, False) for position in index.get(normalise_header("Predecessor"), [])]
        + [(position, True) for position in index.get(normalise_header("Successor"), [])]
    )
    if not cells or frame.height == 0:
        return no_dependencies()
    links = named_links(frame.with_columns(_key=pl.col("_id")), cells, _work_item_id)
    return dependency_rows(links, pl.col("_project"))


def has_any(probe: Probe, *names: str) -> bool:
    index = probe.header_index()
    return any(normalise_header(name) in index for name in names)


ADAPTERS: tuple[Adapter, ...] = (
    Adapter(
        name="ado_csv",
        label="Azure DevOps work-item export (CSV)",
        entities=("tasks", "sprints", "dependencies"),
        sniff=sniff,
        read=read,
        read_many=read_many,
    ),
)
