r"""Azure DevOps work-item CSV exports (Boards > Queries > Export to CSV) for hybrid projects.

Hybrid projects plan releases like a waterfall but deliver in sprints, so their backlog comes
from the same sprint simulation as the Jira teams, mapped onto the Agile process template:
Epic > Feature > User Story / Bug. As the real export does, the header is unquoted and every
value is double-quoted (empty values are left bare), identities are ``Name <email>``, paths use
backslashes (``DWH\Release 2\Sprint 9``) and dates follow a US locale
(``12/12/2025 3:30:19 PM``). One project is exported from a tree query, which gives
``Title 1/2/3`` indentation instead of a Parent column.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import polars as pl

from pipelines.demo.agile import Backlog, status_dates
from pipelines.demo.world import World

SPRINTS_PER_RELEASE = 6


class AdoProject:
    """Per-project work items built once as a polars frame, then filtered per month end."""

    def __init__(self, world: World, backlog: Backlog, epic_ids: tuple[int, int]) -> None:
        self.world = world
        self.backlog = backlog
        project = backlog.project
        self.code = project.code
        self.tree = project.export == "ado_tree"
        arrays = backlog.arrays()
        people = world.people
        names, emails = people.full_name, people.email
        ids = np.array(backlog.issue_id, dtype=np.int64)
        kinds = np.array(backlog.kind, dtype=object)
        kind = np.select([kinds == "Epic", kinds == "Bug"], ["Feature", "Bug"], "User Story")
        spike = kinds == "Task"
        features = np.flatnonzero(kinds == "Epic")
        half = max(1, (features.size + 1) // 2)
        group_of_feature = np.zeros(len(kinds), dtype=np.int64)
        group_of_feature[features] = (np.arange(features.size) >= half).astype(np.int64)
        sim_epic = arrays["epic"]
        is_feature = sim_epic < 0
        owner = np.where(is_feature, np.arange(len(kinds)), np.maximum(sim_epic, 0))
        group = group_of_feature[owner]
        points = arrays["points"]
        self.epic_ids = epic_ids
        self.epic_titles = (f"{project.name}: release 1 scope", f"{project.name}: release 2 scope")
        priority = {"Highest": "1", "High": "2", "Medium": "3", "Low": "4"}
        self.static = pl.DataFrame(
            {
                "id": ids,
                "kind": kind.tolist(),
                "title": backlog.summary,
                "identity": [f"{names[p]} <{emails[p]}>" for p in backlog.assignee],
                "tags": [
                    "spike" if sp else ("regression" if k == "Bug" else None)
                    for sp, k in zip(spike.tolist(), kind.tolist(), strict=True)
                ],
                "points": [
                    None if np.isnan(v) or k == "Feature" else f"{v:g}"
                    for v, k in zip(points.tolist(), kind.tolist(), strict=True)
                ],
                "priority": [priority[p] for p in backlog.priority],
                "value_area": ["Architectural" if sp else "Business" for sp in spike.tolist()],
                "group": group,
                "feature_id": ids[owner],
                "level": np.where(is_feature, 0, 1),
                "parent_id": np.where(is_feature, np.array(epic_ids)[group], ids[owner]),
                "created_min": arrays["created"],
                "started_min": arrays["started"],
                "resolved_min": arrays["resolved"],
                "first": arrays["first_sprint"],
                "last": arrays["last_sprint"],
            },
            schema_overrides={"tags": pl.String, "points": pl.String},
        ).sort("id")
        self.sprint_starts = backlog.sprint_starts()
        paths = [
            f"{self.code}\\Release {(s.number - 1) // SPRINTS_PER_RELEASE + 1}\\Sprint {s.number}"
            for s in backlog.sprints
        ]
        self.sprint_paths = pl.Series(paths or [self.code], dtype=pl.String)
        self.area = f"{self.code}\\{backlog.team}"

    def snapshot(self, status_date: date) -> tuple[list[str], pl.DataFrame]:
        """The export as it would have been downloaded on ``status_date``."""
        return next(self.snapshots([status_date]))[1:]

    def snapshots(self, dates: list[date]) -> Iterator[tuple[date, list[str], pl.DataFrame]]:
        """Every month-end export of the project, computed in one query (items x dates)."""
        if not dates:
            return
        items = self._items(status_dates(dates, self.sprint_starts))
        epics = self._portfolio_epics(items)
        rows = pl.concat([items, epics.cast(items.select(epics.columns).schema)], how="diagonal")
        # A flat query lists by ID (the epics were numbered after the backlog); a tree query
        # lists each epic, then its features, each followed by its children.
        order = ["snap", "group", "feature_id", "level", "id"] if self.tree else ["snap", "id"]
        rows = rows.sort(order)
        parts = rows.partition_by("snap", as_dict=True, maintain_order=True)
        for index, status_date in enumerate(dates):
            header, frame = self._frame(parts.get((index,), rows.clear()))
            yield status_date, header, frame

    def _items(self, when: pl.DataFrame) -> pl.DataFrame:
        """Every work item as it stood at every date: state, iteration, assignee and times."""
        cutoff, started_sprints = pl.col("cutoff"), pl.col("started")
        resolved, started, created = (
            pl.col("resolved_min"),
            pl.col("started_min"),
            pl.col("created_min"),
        )
        done = (resolved >= 0) & (resolved <= cutoff)
        active = ~done & (started >= 0) & (started <= cutoff)
        recently = done & (resolved > cutoff - 2 * 1440) & (pl.col("kind") != "Feature")
        state = (
            pl.when(recently)
            .then(pl.lit("Resolved"))
            .when(done)
            .then(pl.lit("Closed"))
            .when(active)
            .then(pl.lit("Active"))
            .otherwise(pl.lit("New"))
        )
        first, last = pl.col("first"), pl.col("last")
        in_sprint = (first >= 0) & (first < started_sprints) & (pl.col("kind") != "Feature")
        top = self.sprint_paths.len() - 1
        current = pl.min_horizontal(last, started_sprints - 1).clip(0, top)
        return (
            self.static.lazy()
            .join(when.lazy(), how="cross")
            .filter(created <= cutoff)
            .with_columns(
                state.alias("state"),
                pl.when(in_sprint)
                .then(pl.lit(self.sprint_paths).gather(current))
                .otherwise(pl.lit(self.code))
                .alias("iteration"),
                pl.when(done)
                .then(resolved)
                .when(active)
                .then(started)
                .otherwise(created)
                .alias("changed_min"),
                pl.when(~done & ~active & pl.col("kind").is_in(["User Story", "Bug"]))
                .then(None)
                .otherwise(pl.col("identity"))
                .alias("assigned"),
                pl.when(active | done).then(started).alias("activated_min"),
                pl.when(done).then(resolved).alias("closed_min"),
                (pl.col("level") + 2).alias("depth"),
            )
            .collect()
        )

    def _portfolio_epics(self, items: pl.DataFrame) -> pl.DataFrame:
        """The two portfolio epics roll their features up: closed when all are, active once
        any has started."""
        state_col = pl.col("state")
        return (
            items.filter(pl.col("kind") == "Feature")
            .group_by("snap", "group")
            .agg(
                (pl.col("created_min").min() - 60).alias("created_min"),
                pl.col("changed_min").max(),
                (state_col == "Closed").all().alias("all_closed"),
                state_col.is_in(["Active", "Closed", "Resolved"]).any().alias("any_started"),
            )
            .select(
                "snap",
                "group",
                pl.col("group").replace_strict(dict(enumerate(self.epic_ids))).alias("id"),
                pl.lit("Epic").alias("kind"),
                pl.col("group").replace_strict(dict(enumerate(self.epic_titles))).alias("title"),
                pl.lit("2").alias("priority"),
                pl.lit("Business").alias("value_area"),
                pl.lit(-1, pl.Int64).alias("feature_id"),
                pl.lit(-1, pl.Int64).alias("level"),
                "created_min",
                "changed_min",
                pl.when("all_closed")
                .then(pl.lit("Closed"))
                .when("any_started")
                .then(pl.lit("Active"))
                .otherwise(pl.lit("New"))
                .alias("state"),
                pl.lit(self.code).alias("iteration"),
                pl.lit(1, pl.Int64).alias("depth"),
            )
        )

    def _frame(self, data: pl.DataFrame) -> tuple[list[str], pl.DataFrame]:
        def moment(name: str) -> pl.Expr:
            return pl.from_epoch(pl.col(name) * 60, time_unit="s").dt.strftime(
                "%-m/%-d/%Y %-I:%M:%S %p"
            )

        titles = (
            [
                pl.when(pl.col("depth") == level).then(pl.col("title")).alias(f"Title {level}")
                for level in (1, 2, 3)
            ]
            if self.tree
            else [pl.col("title").alias("Title")]
        )
        data = data.with_columns(
            (pl.max_horizontal("changed_min", "created_min") + 7).alias("changed_min")
        )
        columns = [
            pl.col("id").cast(pl.String).alias("ID"),
            pl.col("kind").alias("Work Item Type"),
            *titles,
            pl.col("assigned").alias("Assigned To"),
            pl.col("state").alias("State"),
            pl.col("tags").alias("Tags"),
            pl.lit(self.area).alias("Area Path"),
            pl.col("iteration").alias("Iteration Path"),
            pl.col("points").alias("Story Points"),
            moment("created_min").alias("Created Date"),
            moment("activated_min").alias("Activated Date"),
            moment("closed_min").alias("Closed Date"),
            moment("changed_min").alias("Changed Date"),
            pl.col("priority").alias("Priority"),
        ]
        if not self.tree:
            columns.append(pl.col("parent_id").cast(pl.String).alias("Parent"))
        columns.append(pl.col("value_area").alias("Value Area"))
        frame = data.select(columns)
        return frame.columns, frame


def ado_csv_bytes(frame: pl.DataFrame) -> bytes:
    """Unquoted header, every non-empty value double-quoted, empty values bare (as ADO writes)."""
    body = frame.write_csv(
        include_header=False, quote_style="always", null_value="\x00", line_terminator="\n"
    )
    body = body.replace('"\x00"', "")
    return (",".join(frame.columns) + "\n" + body).encode("utf-8")
