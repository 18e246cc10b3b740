"""Critical path of each month's schedule network: a forward and a backward pass (CPM).

One row per task of every scheduled project in each month's network (``is_snapshot_month``:
the project's own snapshot is of that month; otherwise its latest earlier one stands in), with
its early and late dates, total and free float in working days, and whether it is critical
(total float <= 0) or near-critical (total float <= the ``near_critical_float_days`` setting).
The network is the whole portfolio's (int_schedule_tasks_monthly, int_schedule_links_monthly): a
link from another project's task constrains a task as a link inside its project does, so one
project's slip moves the critical path of the projects that wait on it.

Scheduling rules (Primavera P6 and MS Project agree on them):
- Time is counted in working days of the task's project calendar
  (int_schedule_workday_calendars_monthly: its weekdays, and its days off as numpy holidays;
  Monday to Friday without one). Position ``k`` is the start of the k-th working day since
  2000-01-03 in that calendar; a task of ``d`` days starting at ``s`` finishes at ``s + d`` (the
  start of the next working day). Its finish date is the working day before that. A milestone
  lasts 0 days; its date is the working day before its position, so a milestone right after a
  task falls on the task's last day. A worked day the week would not work (a working exception on
  a Saturday: a catch-up day) counts as a working day too. numpy's business-day calendars know
  days off only, so such days are kept beside the calendar, sorted, and counted in by a binary
  search (``Calendars``): a date's position adds the catch-up days before it, and a position
  falls on a catch-up day or on the business day of the position less the catch-up days before.
- Links: FS successor start >= predecessor finish + lag; SS start >= start + lag; FF finish >=
  finish + lag; SF finish >= start + lag. Lags are in working days of the successor's calendar,
  rounded to whole days; a negative lag is a lead. A link between two calendars waits for the
  predecessor's date, then counts in the successor's calendar: after a finish, the successor's
  first working day after the predecessor's last day; after a start, its first working day on or
  after it. Backwards, a successor's late date becomes the predecessor's latest position whose
  date meets it.
- The data date is the day after the snapshot: unfinished work is scheduled from it. A finished
  task keeps its actual dates. A started task keeps its actual start and finishes its remaining
  work (the duration times the share not complete, or its forecast finish) from the data date;
  its predecessors no longer move it (progress override). A task not started starts when its
  predecessors allow, not before the data date; one without predecessors starts at its own
  forecast start (the date the plan gives it).
- Late dates: each project's tasks without successors must finish by the project's early finish
  (its last task); links run backwards from there, across projects too. Total float = late
  finish - early finish. Free float = how far a task can slip before it delays any successor
  (or its project's finish, when it has none), between 0 and the total float (0 when that is
  negative), as MS Project's free slack. Total float goes below 0 where progress overrides
  the logic: a successor started before its predecessor finished asks the predecessor to have
  finished before that start, a date already past.
- Links that close a loop across files (a loop inside one file is quarantined by the loader) are
  left out of the pass; the tasks of such a loop are named in ``loop_tasks``. Links that name a
  task missing from the network are left out too, as are tasks without dates (a tracker's
  backlog items): fct_schedule_links_monthly lists those links.

The passes run over the graph's topological generations, each one vectorised (numpy), so the
cost grows with the network's depth rather than its task count; a 5,000-task schedule takes
milliseconds (``make bench`` prints it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

EPOCH = np.datetime64("2000-01-03", "D")  # a Monday: position 0
WEEKMASK = "1111100"
ONE_DAY = np.timedelta64(1, "D")
CALENDAR_SCHEMA = {
    "project_code": pl.String,
    "calendar_name": pl.String,
    "weekmask": pl.String,
    "holiday_dates": pl.List(pl.Date),
    "catch_up_dates": pl.List(pl.Date),
    "calendar_number": pl.Int64,
}
LINK_TYPES = ("FS", "SS", "FF", "SF")
LINK_ORDER = [
    "network_month",
    "project_code",
    "task_key",
    "predecessor_project_code",
    "predecessor_key",
    "link_type",
]
NO_BOUND = np.iinfo(np.int64).max // 4
NO_DAYS = np.array([], dtype="datetime64[D]")

OUTPUT_SCHEMA = {
    "network_month": pl.Date,
    "is_snapshot_month": pl.Boolean,
    "project_code": pl.String,
    "task_key": pl.String,
    "task_name": pl.String,
    "snapshot_date": pl.Date,
    "data_date": pl.Date,
    "is_milestone": pl.Boolean,
    "task_state": pl.String,
    "duration_days": pl.Int64,
    "early_start": pl.Date,
    "early_finish": pl.Date,
    "late_start": pl.Date,
    "late_finish": pl.Date,
    "total_float_days": pl.Int64,
    "free_float_days": pl.Int64,
    "is_critical": pl.Boolean,
    "is_near_critical": pl.Boolean,
    "predecessor_count": pl.Int64,
    "successor_count": pl.Int64,
    "driving_predecessor_project_code": pl.String,
    "driving_predecessor_key": pl.String,
    "driving_predecessor_name": pl.String,
    "calendar_name": pl.String,
    "project_early_finish": pl.Date,
    "project_finish_drift_days": pl.Int64,
    "loop_tasks": pl.String,
    "early_start_workday": pl.Int64,
    "early_finish_workday": pl.Int64,
    "data_date_workday": pl.Int64,
    "project_finish_workday": pl.Int64,
}


class Calendars:
    """The network's distinct working calendars (numpy business-day calendars, each with its
    catch-up days: worked days its week does not work) and, for each task, the index of its own.
    Conversions loop over the calendars, never over tasks."""

    def __init__(
        self, calendars: list[np.busdaycalendar], extra_days: list[np.ndarray] | None = None
    ) -> None:
        self.calendars = calendars or [np.busdaycalendar(weekmask=WEEKMASK)]
        extras = extra_days or [NO_DAYS] * len(self.calendars)
        # catch-up days before position 0 never matter: positions count from EPOCH
        self.extra_days = [np.sort(days[days >= EPOCH]) for days in extras]
        # the position of each catch-up day: the business days before it and the catch-up
        # days before it (strictly increasing)
        self.extra_positions = [
            np.busday_count(EPOCH, days, busdaycal=calendar) + np.arange(days.size)
            for calendar, days in zip(self.calendars, self.extra_days, strict=True)
        ]

    def positions(self, dates: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Working-day position of each date in calendar ``ids`` (a day off counts as the next
        working day); NaT -> -1."""
        missing = np.isnat(dates)
        counted = np.full(dates.shape, -1, dtype=np.int64)
        for number in np.unique(ids[~missing]):
            chosen = ~missing & (ids == number)
            counted[chosen] = np.busday_count(
                EPOCH, dates[chosen], busdaycal=self.calendars[number]
            ) + np.searchsorted(self.extra_days[number], dates[chosen], side="left")
        return counted

    def dates(self, positions: np.ndarray, valid: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """The working day at each position of calendar ``ids`` (NaT where not valid)."""
        days = np.full(positions.shape, np.datetime64("NaT", "D"), dtype="datetime64[D]")
        for number in np.unique(ids[valid]):
            chosen = valid & (ids == number)
            wanted = positions[chosen]
            extra_positions = self.extra_positions[number]
            # catch-up days before each position; a position may be one of them
            before = np.searchsorted(extra_positions, wanted, side="left")
            found = np.busday_offset(
                EPOCH, wanted - before, roll="forward", busdaycal=self.calendars[number]
            )
            if extra_positions.size:
                at = np.minimum(before, extra_positions.size - 1)
                on_extra = extra_positions[at] == wanted
                found = np.where(on_extra, self.extra_days[number][at], found)
            days[chosen] = found
        return days

    def forward(
        self,
        positions: np.ndarray,
        after_finish: np.ndarray,
        source: np.ndarray,
        target: np.ndarray,
    ) -> np.ndarray:
        """Positions of calendar ``source`` as the successor's calendar ``target`` counts them: a
        finish (``after_finish``) at the successor's first working day after the predecessor's
        last day, a start at its first working day on or after the predecessor's start."""
        moved = positions.copy()
        cross = source != target
        if cross.any():
            days = self.dates(np.where(after_finish, positions - 1, positions), cross, source)
            days = np.where(after_finish, days + ONE_DAY, days)
            moved[cross] = self.positions(days[cross], target[cross])
        return moved

    def backward(
        self, limits: np.ndarray, after_finish: np.ndarray, source: np.ndarray, target: np.ndarray
    ) -> np.ndarray:
        """The latest predecessor position (calendar ``source``) whose :meth:`forward` is at or
        before each successor limit (calendar ``target``)."""
        moved = limits.copy()
        cross = source != target
        if cross.any():
            days = self.dates(limits, cross, target)
            days = np.where(after_finish, days, days + ONE_DAY)
            counted = self.positions(days[cross], source[cross])
            moved[cross] = np.where(after_finish[cross], counted, counted - 1)
        return moved


def _calendars(
    tasks: pl.DataFrame, calendars: pl.DataFrame
) -> tuple[Calendars, np.ndarray, np.ndarray]:
    """Each task's calendar (index into the network's distinct calendars) and name, from the
    month's int_schedule_workday_calendars_monthly rows. A project without a row works Monday to
    Friday."""
    distinct = calendars.unique("calendar_number").sort("calendar_number")
    built = [
        np.busdaycalendar(weekmask=mask, holidays=np.array(days, dtype="datetime64[D]"))
        for mask, days in distinct.select("weekmask", "holiday_dates").iter_rows()
    ] + [np.busdaycalendar(weekmask=WEEKMASK)]
    extra_days = [
        np.array(days, dtype="datetime64[D]")
        for days in distinct.get_column("catch_up_dates").to_list()
    ] + [NO_DAYS]
    ids = dict(calendars.select("project_code", "calendar_number").iter_rows())
    names = dict(calendars.select("project_code", "calendar_name").iter_rows())
    project = tasks.get_column("project_code")
    task_ids = project.replace_strict(ids, default=len(built) - 1, return_dtype=pl.Int64).to_numpy()
    task_names = project.replace_strict(
        names, default="Monday to Friday", return_dtype=pl.String
    ).to_numpy()
    return Calendars(built, extra_days), task_ids, task_names


def _day(frame: pl.DataFrame, name: str) -> np.ndarray:
    return frame.get_column(name).cast(pl.Date).to_numpy().astype("datetime64[D]")


def _graph(count: int, sources: np.ndarray, targets: np.ndarray):
    import networkx as nx  # dbt-core's own graph library

    graph = nx.DiGraph()
    graph.add_nodes_from(range(count))
    graph.add_edges_from(zip(sources.tolist(), targets.tolist(), strict=True))
    return graph


def _loops(graph) -> list[set[int]]:
    """The node sets of the graph's loops (strongly connected components that are not a lone
    node without a link to itself)."""
    import networkx as nx

    return [
        component
        for component in nx.strongly_connected_components(graph)
        if len(component) > 1 or graph.has_edge(next(iter(component)), next(iter(component)))
    ]


def _generations(graph) -> list[np.ndarray]:
    """Nodes grouped by topological generation (every predecessor of a node is in an earlier
    generation); the graph is acyclic here."""
    import networkx as nx

    return [np.fromiter(group, dtype=np.int64) for group in nx.topological_generations(graph)]


@dataclass
class _Links:
    """The network's links, one entry a link: predecessor and successor node, type, lag in whole
    working days of the successor's calendar, and the two calendars."""

    source: np.ndarray
    target: np.ndarray
    kind: np.ndarray
    lag: np.ndarray
    from_calendar: np.ndarray = field(init=False)
    to_calendar: np.ndarray = field(init=False)
    is_ss_or_sf: np.ndarray = field(init=False)
    is_ff_or_sf: np.ndarray = field(init=False)

    def between(self, calendar_of: np.ndarray) -> None:
        """Each link's two calendars: a link between two counts its lag in the successor's."""
        self.is_ss_or_sf = (self.kind == "SS") | (self.kind == "SF")
        self.is_ff_or_sf = (self.kind == "FF") | (self.kind == "SF")
        self.from_calendar = calendar_of[self.source]
        self.to_calendar = calendar_of[self.target]

    def kept(self, keep: np.ndarray) -> _Links:
        return _Links(self.source[keep], self.target[keep], self.kind[keep], self.lag[keep])


@dataclass
class _Work:
    """Each task's duration, state and the dates fixed before the passes, in working-day
    positions of its own calendar."""

    milestone: np.ndarray
    duration: np.ndarray
    done: np.ndarray
    started: np.ndarray
    waiting: np.ndarray
    data_position: np.ndarray
    floor: np.ndarray
    early_start: np.ndarray
    early_finish: np.ndarray


def _links(tasks: pl.DataFrame, links: pl.DataFrame) -> _Links:
    """The links between two tasks of the network (a repeated link counted once)."""
    node_keys = tasks.select(
        pl.col("project_code"), pl.col("task_key"), pl.col("_node").cast(pl.Int64)
    )
    edges = (
        links.join(node_keys, on=["project_code", "task_key"], how="inner")
        .rename({"_node": "_to"})
        .join(
            node_keys.rename(
                {"project_code": "predecessor_project_code", "task_key": "predecessor_key"}
            ),
            on=["predecessor_project_code", "predecessor_key"],
            how="inner",
        )
        .rename({"_node": "_from"})
        .select(
            "_from",
            "_to",
            pl.col("link_type").cast(pl.String),
            pl.col("lag_days").cast(pl.Float64).fill_null(0).round(0).cast(pl.Int64).alias("_lag"),
        )
        .unique(["_from", "_to", "link_type"], keep="first", maintain_order=True)
    )
    return _Links(
        edges.get_column("_from").to_numpy().astype(np.int64),
        edges.get_column("_to").to_numpy().astype(np.int64),
        edges.get_column("link_type").to_numpy(),
        edges.get_column("_lag").to_numpy().astype(np.int64),
    )


def _without_loops(tasks: pl.DataFrame, graph, links: _Links) -> tuple[_Links, np.ndarray]:
    """Links that close a loop cannot be scheduled: they are left out (of ``graph`` too) and
    their tasks named (the loop's text of each task, None outside loops)."""
    count = tasks.height
    loop_text = np.full(count, None, dtype=object)
    loops = _loops(graph)
    if not loops:
        return links, loop_text
    source, target = links.source, links.target
    component = np.full(count, -1, dtype=np.int64)
    keys = tasks.select(pl.concat_str("project_code", "task_key", separator=" ")).to_series()
    for number, members in enumerate(loops):
        listed = np.fromiter(members, dtype=np.int64)
        component[listed] = number
        names = ", ".join(sorted(keys.gather(listed).to_list())[:8])
        loop_text[listed] = names + (f" and {len(members) - 8} more" if len(members) > 8 else "")
    inside = (component[source] >= 0) & (component[source] == component[target])
    graph.remove_edges_from(zip(source[inside].tolist(), target[inside].tolist(), strict=True))
    return links.kept(~inside), loop_text


def _work(tasks: pl.DataFrame, positions, target: np.ndarray) -> _Work:
    """Durations and the fixed dates of work done or started; the floor of work not started."""
    count = tasks.height
    start = _day(tasks, "forecast_start")
    finish = _day(tasks, "forecast_finish")
    actual_start = _day(tasks, "actual_start")
    actual_finish = _day(tasks, "actual_finish")
    snapshot = _day(tasks, "snapshot_date")
    milestone = tasks.get_column("is_milestone").fill_null(False).to_numpy()
    percent = tasks.get_column("percent_complete").cast(pl.Float64).to_numpy()
    category = tasks.get_column("status_category").fill_null("").to_numpy()

    one_day = ONE_DAY
    start_position = positions(start)
    after_finish = positions(finish + one_day)
    data_position = positions(snapshot + one_day)  # the data date: the day after the snapshot
    has_dates = (start_position >= 0) & (after_finish >= 0)
    duration = np.where(
        milestone,
        0,
        np.where(has_dates, np.maximum(after_finish - start_position, 1), 1),
    ).astype(np.int64)

    done = ~np.isnat(actual_finish) | (category == "done") | (np.nan_to_num(percent) >= 100)
    started = ~done & (~np.isnat(actual_start) | (np.nan_to_num(percent) > 0))
    known_start = np.where(~np.isnat(actual_start), positions(actual_start), start_position)
    known_after_finish = np.where(
        ~np.isnat(actual_finish), positions(actual_finish + one_day), after_finish
    )
    remaining = np.where(
        np.isnan(percent),
        np.maximum(after_finish - data_position, 1),
        np.ceil(duration * (1 - np.nan_to_num(percent) / 100)),
    ).astype(np.int64)
    remaining = np.where(milestone, 0, remaining)

    early_start = np.zeros(count, dtype=np.int64)
    early_finish = np.zeros(count, dtype=np.int64)
    # finished: as it happened (a milestone sits at the end of its day)
    done_start = np.where(milestone, known_after_finish, known_start)
    early_start[done] = np.where(done_start[done] >= 0, done_start[done], data_position[done])
    early_finish[done] = np.maximum(
        np.where(known_after_finish[done] >= 0, known_after_finish[done], early_start[done]),
        early_start[done],
    )
    # started: its start as it happened, its remaining work from the data date
    started_start = np.where(known_start >= 0, known_start, data_position)
    early_start[started] = started_start[started]
    early_finish[started] = np.maximum(
        data_position[started] + remaining[started], early_start[started]
    )
    # not started: not before the data date; at its own date when no link drives it
    has_predecessor = np.zeros(count, dtype=bool)
    has_predecessor[target] = True
    own_start = np.where(milestone, after_finish, start_position)
    floor = np.where(has_predecessor, data_position, np.maximum(data_position, own_start))
    waiting = ~done & ~started
    return _Work(
        milestone, duration, done, started, waiting, data_position, floor, early_start, early_finish
    )


def _generation_slices(
    generations: list[np.ndarray], nodes: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """The links ordered by the generation of ``nodes`` (one end of each link), and where each
    generation's links begin in that order."""
    generation_of = np.zeros(count, dtype=np.int64)
    for number, members in enumerate(generations):
        generation_of[members] = number
    link_generation = generation_of[nodes] if nodes.size else np.zeros(0, dtype=np.int64)
    order = np.argsort(link_generation, kind="stable")
    return order, np.searchsorted(link_generation[order], np.arange(len(generations) + 1))


def _forward(
    work: _Work, links: _Links, calendars: Calendars, generations: list[np.ndarray]
) -> np.ndarray:
    """The forward pass, generation by generation: the early dates of work not started (in
    ``work``), and the start each link asks of its successor."""
    count = work.floor.size
    source, target = links.source, links.target
    early_start, early_finish = work.early_start, work.early_finish
    order, bounds = _generation_slices(generations, target, count)

    required = np.zeros(target.size, dtype=np.int64)
    for number, members in enumerate(generations):
        chosen = order[bounds[number] : bounds[number + 1]]
        candidate = work.floor[members].copy()
        if chosen.size:
            before = source[chosen]
            anchor = calendars.forward(
                np.where(links.is_ss_or_sf[chosen], early_start[before], early_finish[before]),
                # a milestone's start is its finish: the end of the day it falls on
                ~links.is_ss_or_sf[chosen] | (early_start[before] == early_finish[before]),
                links.from_calendar[chosen],
                links.to_calendar[chosen],
            )
            need = (
                anchor
                + links.lag[chosen]
                - np.where(links.is_ff_or_sf[chosen], work.duration[target[chosen]], 0)
            )
            required[chosen] = need
            bound = np.full(count, -NO_BOUND, dtype=np.int64)
            np.maximum.at(bound, target[chosen], need)
            candidate = np.maximum(candidate, bound[members])
        moving = members[work.waiting[members]]
        early_start[moving] = candidate[work.waiting[members]]
        early_finish[moving] = early_start[moving] + work.duration[moving]
    return required


def _backward(
    work: _Work,
    links: _Links,
    calendars: Calendars,
    generations: list[np.ndarray],
    own_finish: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The backward pass: generations in reverse, each node bounded by its successors' late
    dates; the late start and late finish of every task."""
    count = own_finish.size
    source, target = links.source, links.target
    span = work.early_finish - work.early_start
    late_finish = own_finish.copy()
    late_start = late_finish - span
    order, bounds = _generation_slices(generations, source, count)
    for number in range(len(generations) - 1, -1, -1):
        members = generations[number]
        chosen = order[bounds[number] : bounds[number + 1]]
        if chosen.size:
            successor = target[chosen]
            anchor = np.where(
                links.is_ff_or_sf[chosen], late_finish[successor], late_start[successor]
            )
            allowed = calendars.backward(
                anchor - links.lag[chosen],
                ~links.is_ss_or_sf[chosen] | (span[source[chosen]] == 0),
                links.from_calendar[chosen],
                links.to_calendar[chosen],
            )
            limit = allowed + np.where(links.is_ss_or_sf[chosen], span[source[chosen]], 0)
            bound = np.full(count, NO_BOUND, dtype=np.int64)
            np.minimum.at(bound, source[chosen], limit)
            late_finish[members] = np.minimum(own_finish[members], bound[members])
        late_start[members] = late_finish[members] - span[members]
    return late_start, late_finish


def _free_float(
    work: _Work,
    links: _Links,
    calendars: Calendars,
    own_finish: np.ndarray,
    total_float: np.ndarray,
    required: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each task's free float and each link's slack (in the successor's working days)."""
    source, target = links.source, links.target
    early_start, early_finish = work.early_start, work.early_finish
    span = early_finish - early_start
    slack = np.zeros(0, dtype=np.int64)
    free_float = own_finish - early_finish
    if target.size:
        slack = early_start[target] - required  # in the successor's working days
        # the predecessor's own slack on the link, in its working days
        own_anchor = np.where(links.is_ss_or_sf, early_start[source], early_finish[source])
        latest = calendars.backward(
            early_start[target] + np.where(links.is_ff_or_sf, work.duration[target], 0) - links.lag,
            ~links.is_ss_or_sf | (span[source] == 0),
            links.from_calendar,
            links.to_calendar,
        )
        bound = np.full(own_finish.size, NO_BOUND, dtype=np.int64)
        np.minimum.at(bound, source, latest - own_anchor)
        free_float = np.minimum(free_float, bound)
    # A task cannot slip further without delaying a successor than it can without delaying the
    # finish: free float is at most the total float, and 0 when the finish is already late
    # (negative total float; as MS Project shows free slack). Without the cap a task feeding a
    # successor with negative float could show more free float than total float. Nor is it ever
    # below 0: a successor started before this task finished (progress overriding the link)
    # leaves the link a negative slack, which is the total float's to tell, not the free float's.
    return np.clip(free_float, 0, np.maximum(total_float, 0)), slack


def _driving(
    tasks: pl.DataFrame, work: _Work, links: _Links, slack: np.ndarray
) -> tuple[pl.Series, pl.Series, pl.Series]:
    """The link that sets each waiting task's start (no slack; the first such link listed):
    its predecessor's project, key and name (with the project when it is another's)."""
    count = tasks.height
    source, target = links.source, links.target
    driving = np.full(count, -1, dtype=np.int64)
    if target.size:
        tight = np.flatnonzero(
            (slack <= 0) & work.waiting[target] & (work.early_start[target] > work.floor[target])
        )
        successors, first = np.unique(target[tight], return_index=True)
        driving[successors] = source[tight[first]]
    has_driver = driving >= 0
    keys_project = tasks.get_column("project_code").to_numpy()
    keys_task = tasks.get_column("task_key").to_numpy()
    driving_project = np.where(has_driver, keys_project[np.maximum(driving, 0)], None)
    driving_key = np.where(has_driver, keys_task[np.maximum(driving, 0)], None)
    names = tasks.select(pl.col("task_name").fill_null(pl.col("task_key"))).to_series().to_numpy()
    driver = np.maximum(driving, 0)
    named = names[driver].astype(object) + " (" + keys_task[driver].astype(object) + ")"
    elsewhere = keys_project[driver] != keys_project
    driving_name = np.where(
        has_driver,
        np.where(elsewhere, keys_project[driver].astype(object) + " · " + named, named),
        None,
    )
    return (
        pl.Series(driving_project.tolist(), dtype=pl.String),
        pl.Series(driving_key.tolist(), dtype=pl.String),
        pl.Series(driving_name.tolist(), dtype=pl.String),
    )


def _drift(
    tasks: pl.DataFrame, positions, own_finish: np.ndarray, previous_finish: dict | None
) -> pl.Series:
    """How many working days each project's finish moved since its previous snapshot month
    (null in a month without a snapshot of its own, or without an earlier one)."""
    earlier = (
        tasks.get_column("project_code")
        .replace_strict(previous_finish or {}, default=None, return_dtype=pl.Date)
        .to_numpy()
        .astype("datetime64[D]")
    )
    has_earlier = ~np.isnat(earlier) & tasks.get_column("is_snapshot_month").to_numpy()
    return pl.select(
        pl.when(pl.Series(has_earlier)).then(
            pl.Series(np.where(has_earlier, own_finish - positions(earlier + ONE_DAY), 0))
        )
    ).to_series()


def schedule(
    tasks: pl.DataFrame,
    links: pl.DataFrame,
    near_critical_days: float,
    calendars: pl.DataFrame | None = None,
    previous_finish: dict[str, object] | None = None,
) -> pl.DataFrame:
    """The CPM rows of one network (one month): ``tasks`` as int_schedule_tasks_monthly gives
    them, ``links`` as int_schedule_links_monthly does, the projects' calendars as
    int_schedule_workday_calendars_monthly does (none: Monday to Friday). ``previous_finish``:
    each project's critical-path finish date in its previous snapshot month, whose distance to
    this month's is counted in this month's calendar (a calendar changed since does not shift
    it)."""
    if tasks.is_empty():
        return pl.DataFrame(schema=OUTPUT_SCHEMA)
    tasks = tasks.with_row_index("_node")
    working, calendar_of, calendar_name = _calendars(
        tasks, calendars if calendars is not None else pl.DataFrame(schema=CALENDAR_SCHEMA)
    )

    def positions(dates: np.ndarray) -> np.ndarray:
        return working.positions(dates, calendar_of)

    network = _links(tasks, links)
    graph = _graph(tasks.height, network.source, network.target)
    network, loop_text = _without_loops(tasks, graph, network)
    network.between(calendar_of)
    work = _work(tasks, positions, network.target)
    generations = _generations(graph)
    required = _forward(work, network, working, generations)

    project = tasks.get_column("project_code").to_numpy()
    project_ids, project_index = np.unique(project, return_inverse=True)
    project_finish = np.full(project_ids.size, -NO_BOUND, dtype=np.int64)
    np.maximum.at(project_finish, project_index, work.early_finish)
    own_finish = project_finish[project_index]
    late_start, late_finish = _backward(work, network, working, generations, own_finish)
    total_float = late_finish - work.early_finish
    free_float, slack = _free_float(work, network, working, own_finish, total_float, required)
    driving_project, driving_key, driving_name = _driving(tasks, work, network, slack)
    found = {
        "late_start": late_start,
        "late_finish": late_finish,
        "own_finish": own_finish,
        "total_float": total_float,
        "free_float": free_float,
        "predecessor_count": np.bincount(network.target, minlength=tasks.height),
        "successor_count": np.bincount(network.source, minlength=tasks.height),
        "driving_predecessor_project_code": driving_project,
        "driving_predecessor_key": driving_key,
        "driving_predecessor_name": driving_name,
        "calendar_name": calendar_name,
        "project_finish_drift_days": _drift(tasks, positions, own_finish, previous_finish),
        "loop_tasks": pl.Series(loop_text.tolist(), dtype=pl.String),
    }
    return _rows(
        tasks,
        work,
        found,
        near_critical_days,
        lambda positions, valid: working.dates(positions, valid, calendar_of),
    )


def _rows(
    tasks: pl.DataFrame,
    work: _Work,
    found: dict[str, object],
    near_critical_days: float,
    dates,
) -> pl.DataFrame:
    """The output rows: positions as dates (``dates``: positions and where they are valid, to
    each task's calendar's working days), float only for open work."""
    early_start, early_finish = work.early_start, work.early_finish
    late_start, late_finish = found["late_start"], found["late_finish"]
    total_float, own_finish = found["total_float"], found["own_finish"]
    span = early_finish - early_start
    open_work = ~work.done
    valid = np.ones(tasks.height, dtype=bool)
    # a milestone (no length) sits at the end of the working day before its position
    shown_start = np.where(span > 0, early_start, early_start - 1)
    shown_late_start = np.where(span > 0, late_start, late_start - 1)
    finish_position = np.where(span > 0, early_finish - 1, early_start - 1)
    late_finish_position = np.where(span > 0, late_finish - 1, late_start - 1)
    state = np.where(work.done, "Done", np.where(work.started, "In progress", "Not started"))
    return pl.DataFrame(
        {
            "network_month": tasks.get_column("network_month"),
            "is_snapshot_month": tasks.get_column("is_snapshot_month"),
            "project_code": tasks.get_column("project_code"),
            "task_key": tasks.get_column("task_key"),
            "task_name": tasks.get_column("task_name"),
            "snapshot_date": tasks.get_column("snapshot_date"),
            "data_date": dates(work.data_position, valid),
            "is_milestone": work.milestone.astype(bool),
            "task_state": state,
            "duration_days": work.duration,
            "early_start": dates(shown_start, valid),
            "early_finish": dates(finish_position, valid),
            "late_start": dates(shown_late_start, open_work),
            "late_finish": dates(late_finish_position, open_work),
            "total_float_days": np.where(open_work, total_float, 0),
            "free_float_days": np.where(open_work, found["free_float"], 0),
            "is_critical": open_work & (total_float <= 0),
            "is_near_critical": open_work & (total_float > 0) & (total_float <= near_critical_days),
            "predecessor_count": found["predecessor_count"].astype(np.int64),
            "successor_count": found["successor_count"].astype(np.int64),
            "driving_predecessor_project_code": found["driving_predecessor_project_code"],
            "driving_predecessor_key": found["driving_predecessor_key"],
            "driving_predecessor_name": found["driving_predecessor_name"],
            "calendar_name": found["calendar_name"],
            "project_early_finish": dates(own_finish - 1, valid),
            "project_finish_drift_days": found["project_finish_drift_days"],
            "loop_tasks": found["loop_tasks"],
            "early_start_workday": early_start,
            "early_finish_workday": early_finish,
            "data_date_workday": work.data_position,
            "project_finish_workday": own_finish,
        },
        schema=OUTPUT_SCHEMA,
    ).with_columns(
        # work done has no float left to report
        pl.when(pl.col("task_state") != "Done").then(pl.col(name)).alias(name)
        for name in ("total_float_days", "free_float_days")
    )


def model(dbt, session):
    dbt.config(materialized="table")
    near_critical_days = float(dbt.config.get("near_critical_float_days") or 10)
    tasks = dbt.ref("int_schedule_tasks_monthly").pl().filter(pl.col("has_dates"))
    # tasks and links in one order whatever order the engine reads the rows in: of two links
    # that both drive a task, the one named is the first in it
    tasks = tasks.sort("network_month", "project_code", "task_key")
    links = dbt.ref("int_schedule_links_monthly").pl().sort(LINK_ORDER)
    calendars = dbt.ref("int_schedule_workday_calendars_monthly").pl()
    months = sorted(tasks.get_column("network_month").unique().to_list())
    parts = []
    previous_finish: dict[str, object] = {}
    for month in months:  # one network a month, in order: each month's drift needs the last
        part = schedule(
            tasks.filter(pl.col("network_month") == month),
            links.filter(pl.col("network_month") == month),
            near_critical_days,
            calendars.filter(pl.col("network_month") == month),
            previous_finish,
        )
        previous_finish.update(
            part.filter(pl.col("is_snapshot_month"))
            .select("project_code", "project_early_finish")
            .unique()
            .iter_rows()
        )
        parts.append(part)
    return pl.concat(parts) if parts else pl.DataFrame(schema=OUTPUT_SCHEMA)
