"""Schedule links named in the cells of a task export (Jira's ``Outward issue link (Blocks)``,
Azure DevOps' ``Predecessor``), as the canonical ``dependencies`` frame.

A task tracker records a "blocks" relation on the issue itself: a cell names the other end of
the link, and which end the row is depends on the column. Both ends may be in one export, so the
same link is often written twice (an outward link on A naming B and an inward one on B naming A);
it is kept once. Trackers have no link type or lag: every link is finish-to-start with no lag.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from pipelines.ingest.adapters.base import blank_to_null
from pipelines.ingest.contracts import ENTITIES

DEPENDENCY_COLUMNS = ENTITIES["dependencies"].column_names
LINK_KEY = ("project_code", "task_key", "predecessor_project_code", "predecessor_key")
"""One link: its two ends. A link written on both of them is the same link."""


def no_dependencies() -> pl.DataFrame:
    """The frame of an export without link columns: canonical text columns, ``source_line``
    and ``_file`` (split off by the batch reader), no rows."""
    return pl.DataFrame(
        schema={
            **dict.fromkeys(DEPENDENCY_COLUMNS, pl.String),
            "source_line": pl.Int64,
            "_file": pl.Int64,
        }
    )


def split_references(cell: pl.Expr) -> pl.Expr:
    """A link cell -> the list of what it names: some exports put several in one cell,
    separated by ``;`` or ``,``; blanks around and between them are dropped."""
    return (
        cell.str.replace_all(",", ";", literal=True)
        .str.split(";")
        .list.eval(pl.element().str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != ""))
    )


def named_links(
    frame: pl.DataFrame,
    cells: Sequence[tuple[int, bool]],
    reference: Callable[[pl.Expr], pl.Expr] = lambda text: text,
) -> pl.DataFrame:
    """One row per reference in the link cells of ``frame``: ``_other`` (what the cell names,
    through ``reference``) and ``_row_first`` (the row's own task is the predecessor), with the
    row's ``_file``, ``_key``, ``_project`` and ``source_line``.

    ``cells``: (column position, whether the row's task comes first) for every link column,
    in file order, so a row's references keep the order they are written in."""
    own = ("_file", "_key", "_project", "source_line")
    parts = [
        frame.select(
            *own,
            blank_to_null(pl.col(f"c{position}")).alias("_cell"),
            pl.lit(row_first).alias("_row_first"),
            pl.lit(order, pl.Int64).alias("_column"),
        )
        for order, (position, row_first) in enumerate(cells)
    ]
    long = pl.concat(parts).filter(pl.col("_cell").is_not_null())
    return (
        long.with_columns(split_references(pl.col("_cell")).alias("_other"))
        .explode("_other")
        .filter(pl.col("_other").is_not_null())
        .with_columns(reference(pl.col("_other")).alias("_other"))
        .sort("_file", "source_line", "_column", maintain_order=True)
        .drop("_cell", "_column")
    )


def dependency_rows(links: pl.DataFrame, other_project: pl.Expr) -> pl.DataFrame:
    """The canonical frame of :func:`named_links` rows: the row's task and the one its cell
    names put in successor/predecessor order, ``other_project`` the project of the named one;
    each link once per file (its first row kept, so its ``source_line`` is the first seen)."""
    row_first = pl.col("_row_first")
    ends = {
        "project_code": pl.when(row_first).then(other_project).otherwise(pl.col("_project")),
        "task_key": pl.when(row_first).then(pl.col("_other")).otherwise(pl.col("_key")),
        "predecessor_project_code": pl.when(row_first)
        .then(pl.col("_project"))
        .otherwise(other_project),
        "predecessor_key": pl.when(row_first).then(pl.col("_key")).otherwise(pl.col("_other")),
        "link_type": pl.lit("FS"),
        "lag_days": pl.lit("0"),
    }
    return links.select(
        *[
            ends.get(name, pl.lit(None, pl.String)).cast(pl.String).alias(name)
            for name in DEPENDENCY_COLUMNS
        ],
        pl.col("source_line").cast(pl.Int64),
        pl.col("_file").cast(pl.Int64),
    ).unique(["_file", *LINK_KEY], keep="first", maintain_order=True)
