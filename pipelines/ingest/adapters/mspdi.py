"""MS Project XML (MSPDI) adapter: a schedule's tasks and milestones, one snapshot per file.

Facts this reader relies on (formats.md §1.3):

- the root is ``<Project>`` in namespace ``http://schemas.microsoft.com/project``;
- baselines are nested ``<Baseline><Number>0</Number><Start/><Finish/><Work/><Cost/>``
  blocks (there are no flat ``BaselineStart``/``BaselineCost`` elements); Number 0 is "the"
  baseline, 1..10 are Baseline1..10 and are ignored here;
- currency values are stored x100 (``<Cost>417125</Cost>`` is 4,171.25);
- durations and work are xsd durations (``PT8H0M0S``), always in hours;
- dates are local times without a zone (``2018-10-18T08:00:00``);
- task UID 0 is the project summary task (the whole project), so it is not a task row;
- ``Summary=1`` tasks roll their children up: they are kept but flagged so sums skip them;
- the project's working calendar is the ``<Calendar>`` named by the top-level ``<CalendarUID>``,
  resolved through its ``BaseCalendarUID`` chain (a derived calendar overrides its base's
  weekdays and exceptions); ``<WeekDay>`` ``DayType`` 1..7 is Sunday..Saturday, ``DayType`` 0
  with a ``<TimePeriod>`` is an exception (the pre-2007 form), and Project 2007+ also writes
  ``<Exceptions><Exception>`` blocks (daily ranges, or recurring: yearly on a date is read,
  other recurrences are refused by name).

The file is hostile until proven otherwise: entity declarations (billion laughs, XXE) are
rejected before anything is parsed, and the parser never resolves entities, loads a DTD or
touches the network.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl
from lxml import etree

from pipelines.ingest.adapters.base import (
    Adapter,
    Probe,
    blank_to_null,
    by_shared_value,
    by_value,
    one_of_many,
    parse_bool,
    parse_date,
    split_by_file,
)
from pipelines.ingest.contracts import ENTITIES, WEEKDAY_COLUMNS
from pipelines.ingest.errors import FileRejected

NAMESPACE = "http://schemas.microsoft.com/project"
_NS = f"{{{NAMESPACE}}}"
EXPECTED = (
    "an MS Project XML (MSPDI) file saved from MS Project (File > Save As > XML), whose root is "
    f"<Project> in namespace {NAMESPACE}."
)
DATE_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")

_TASK_FIELDS = (
    "UID",
    "Name",
    "OutlineNumber",
    "OutlineLevel",
    "Summary",
    "Milestone",
    "IsNull",
    "ExternalTask",
    "Start",
    "Finish",
    "ActualStart",
    "ActualFinish",
    "PercentComplete",
    "Work",
)
_BASELINE_FIELDS = ("Start", "Finish", "Work", "Cost")
_TASK_TAGS = {f"{_NS}{name}": name for name in _TASK_FIELDS}
"""A task's children read, by full tag: one dictionary look-up a child."""
_BASELINE_TAG = f"{_NS}Baseline"
_LINK_TAG = f"{_NS}PredecessorLink"
_LINK_TAGS = {f"{_NS}{name}": name for name in ("PredecessorUID", "Type", "LinkLag", "LagFormat")}
LINK_TYPES = {"0": "FF", "1": "FS", "2": "SF", "3": "SS"}
"""MSPDI ``<Type>`` -> link type; an absent type is MS Project's default, finish-to-start."""
ELAPSED_LAG_FORMATS = frozenset({"4", "6", "8", "10", "12", "36", "38", "40", "42", "44"})
"""``<LagFormat>`` values of elapsed units (emin, ehr, eday, ewk, emo and their estimated
forms): their ``LinkLag`` counts 24-hour days, not the project's working day."""
_BASELINE_TAGS = {f"{_NS}{name}": name for name in ("Number", *_BASELINE_FIELDS)}

_DURATION = re.compile(
    r"^(-)?P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?"
    r"(?:(\d+(?:\.\d+)?)S)?)?$"
)


# --- security: refuse entity tricks before the parser sees them ------------------------------


def _contains(data: bytes, marker: str) -> bool:
    """Whether the ASCII ``marker`` occurs in the raw bytes as UTF-8/ASCII or UTF-16 text.

    Checking the bytes (rather than decoding a possibly huge file) keeps this cheap; the
    post-parse check in ``_parse`` covers any other encoding.
    """
    return any(marker.encode(encoding) in data for encoding in ("ascii", "utf-16-le", "utf-16-be"))


def _reject_entities(probe: Probe) -> None:
    if _contains(probe.data, "<!DOCTYPE") and _contains(probe.data, "<!ENTITY"):
        raise probe.reject(
            "the file declares XML entities in a DOCTYPE (<!ENTITY ...>), which MS Project never "
            "writes and which is how entity-expansion and external-file (XXE) attacks work; "
            "nothing was read from it.",
            EXPECTED + " Save the plan again from MS Project rather than editing the XML.",
        )


def _parse(probe: Probe) -> etree._Element:
    """Parse with every dangerous feature off; reject entity declarations and malformed XML."""
    _reject_entities(probe)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(probe.data, parser)
    except etree.XMLSyntaxError as error:
        message = str(error.msg or error).split(", line")[0].strip()
        if "amplification" in message or "entity reference loop" in message.lower():
            raise probe.reject(
                f"the XML uses entities the reader refuses to expand ({message}); nothing was "
                "read from it.",
                EXPECTED,
            ) from None
        raise probe.reject(
            f"the XML is malformed at line {error.lineno} ({message}); it may be truncated or "
            "edited by hand.",
            EXPECTED,
        ) from None
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    if (dtd is not None and any(True for _ in dtd.iterentities())) or (
        docinfo.system_url or docinfo.public_id
    ):
        raise probe.reject(
            "the file's DOCTYPE declares entities or an external DTD, which MS Project never "
            "writes and which is how entity-expansion and external-file (XXE) attacks work; "
            "nothing was read from it.",
            EXPECTED,
        )
    if root.tag != f"{_NS}Project":
        found = etree.QName(root)
        raise probe.reject(
            f"the root element is <{found.localname}> in namespace "
            f"'{found.namespace or '(none)'}', not MS Project's <Project>.",
            EXPECTED,
        )
    return root


# --- collecting values from the tree ----------------------------------------------------------


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag[len(_NS) :] if isinstance(tag, str) and tag.startswith(_NS) else ""


def _child(parent: etree._Element, name: str) -> etree._Element | None:
    """The first child element ``<name>`` in the MSPDI namespace (what ``find`` gives, with the
    tag matched in lxml rather than through an ElementPath query)."""
    return next(parent.iterchildren(f"{_NS}{name}"), None)


def _child_text(parent: etree._Element, name: str) -> str | None:
    """The stripped text of the first child ``<name>``; None when absent or blank."""
    child = _child(parent, name)
    text = None if child is None else child.text
    return (text.strip() or None) if text is not None else None


def _first_texts(parent: etree._Element, tags: dict[str, str]) -> dict[str, str | None]:
    """Name -> :func:`_child_text` of the first child of each wanted tag, in one look at each
    child (a child named twice: the first one counts, as ``findtext`` reads it)."""
    found: dict[str, str | None] = {}
    for child in parent:
        name = tags.get(child.tag)
        if name is not None and name not in found:
            text = child.text
            found[name] = (text.strip() or None) if text is not None else None
    return found


def _project_code(probe: Probe, root: etree._Element) -> str:
    """``<Title>`` when set (what users name the plan), else ``<Name>`` minus its file extension."""
    title = _child_text(root, "Title")
    if title:
        return title
    name = re.sub(r"(?i)\.(xml|mpp)$", "", _child_text(root, "Name") or "").strip()
    if name:
        return name
    raise probe.reject(
        "the project has neither a <Title> nor a <Name>, so its tasks cannot be tied to a project.",
        "set the project title (File > Info > Project Information > Advanced Properties > Title) "
        "to the project code or name used in the projects master, then save as XML again.",
    )


def _assignees(root: etree._Element) -> dict[str, str]:
    """Task UID -> the first assigned work resource (its email when it has one, else its name)."""
    people: dict[str, str] = {}
    resources = _child(root, "Resources")
    if resources is not None:
        for resource in resources.iterchildren(f"{_NS}Resource"):
            uid = _child_text(resource, "UID")
            kind = _child_text(resource, "Type")
            who = _child_text(resource, "EmailAddress") or _child_text(resource, "Name")
            # Type 1 = work resource (a person); 0 = material, 2 = cost: not assignees.
            if uid is not None and who and kind in (None, "1"):
                people[uid] = who
    first: dict[str, str] = {}
    assignments = _child(root, "Assignments")
    if assignments is not None:
        for assignment in assignments.iterchildren(f"{_NS}Assignment"):
            task_uid = _child_text(assignment, "TaskUID")
            who = people.get(_child_text(assignment, "ResourceUID") or "")
            if task_uid is not None and who and task_uid not in first:
                first[task_uid] = who
    return first


_LINK_FIELDS = ("PredecessorUID", "Type", "LinkLag", "LagFormat", "source_line")
_XPATH_NAMESPACES = {"p": NAMESPACE}
_FIELD_PATHS = {
    name: etree.XPath(f"p:Task/p:{name}[1]", namespaces=_XPATH_NAMESPACES) for name in _TASK_FIELDS
}
"""Each task field: the first ``<name>`` of every task that has one, in document order."""
_BASELINE_PATH = etree.XPath("p:Task/p:Baseline", namespaces=_XPATH_NAMESPACES)
_LINK_PATH = etree.XPath("p:Task/p:PredecessorLink", namespaces=_XPATH_NAMESPACES)


def _text(element: etree._Element) -> str | None:
    text = element.text
    return (text.strip() or None) if text is not None else None


def _collect_tasks(root: etree._Element) -> tuple[dict[str, list], dict[str, list]]:
    """The ``<Task>`` elements' values, one list per field with one entry per task in document
    order (``task_index``), and their predecessor links, one list per field with one entry per
    ``<PredecessorLink>`` (``link_task_index`` naming its task). Which tasks are kept (not the
    project summary task, not blank rows) and each task's parent by outline level are worked
    out over the frame (see :func:`_kept_tasks`).

    Each field is fetched for every task in one XPath query; only a field some tasks lack is
    placed by its task. The first element of a tag counts, as ``findtext`` reads it."""
    tasks = _child(root, "Tasks")
    elements = [] if tasks is None else list(tasks.iterchildren(f"{_NS}Task"))
    count = len(elements)
    position = {task: index for index, task in enumerate(elements)}
    columns: dict[str, list] = {}
    for name, path in _FIELD_PATHS.items():
        found = path(tasks) if count else []
        if len(found) == count:
            columns[name] = [_text(element) for element in found]
        else:
            column: list[str | None] = [None] * count
            for element in found:
                column[position[element.getparent()]] = _text(element)
            columns[name] = column
    baselines: list[dict[str, str | None]] = [{} for _ in range(count)]
    for baseline in _BASELINE_PATH(tasks) if count else []:
        found = _first_texts(baseline, _BASELINE_TAGS)
        if found.get("Number") == "0":
            baselines[position[baseline.getparent()]] = found
    for name in _BASELINE_FIELDS:
        columns[f"Baseline{name}"] = [values.get(name) for values in baselines]
    columns["task_index"] = list(range(count))
    columns["source_line"] = [task.sourceline for task in elements]
    links: dict[str, list] = {f"link_{name}": [] for name in _LINK_FIELDS}
    links["link_task_index"] = []
    for link in _LINK_PATH(tasks) if count else []:
        found = _first_texts(link, _LINK_TAGS)
        found["source_line"] = link.sourceline
        for name in _LINK_FIELDS:
            links[f"link_{name}"].append(found.get(name))
        links["link_task_index"].append(position[link.getparent()])
    return columns, links


def _as_int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _kept_tasks(raw: pl.DataFrame, links: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The task rows (the project summary task, UID 0, is the project itself; ``IsNull`` rows
    are blank and ``ExternalTask`` ones ghosts of tasks in another file) with ``level_parent``,
    and the links of those tasks with ``link_task`` (their task's UID)."""
    left_out = (
        (pl.col("UID") == "0").fill_null(False)
        | (pl.col("IsNull") == "1").fill_null(False)
        | (pl.col("ExternalTask") == "1").fill_null(False)
    )
    kept = _with_level_parent(raw.filter(~left_out))
    links = links.join(
        kept.select(
            "_file", pl.col("task_index").alias("link_task_index"), pl.col("UID").alias("link_task")
        ),
        on=["_file", "link_task_index"],
        how="inner",
        maintain_order="left",
    )
    return kept, links


def _with_level_parent(tasks: pl.DataFrame) -> pl.DataFrame:
    """``level_parent``: the UID of the nearest task above with a lower ``OutlineLevel`` in the
    same file (for files that carry levels but no ``OutlineNumber``); null for a task without
    a level. One pass per distinct level, not per task: the nearest row above at each lower
    level is carried down, and the latest of them is the parent."""
    texts = tasks.get_column("OutlineLevel").drop_nulls().unique().to_list()
    levels = {text: level for text in texts if (level := _as_int(text)) is not None}
    # each level as its rank among the file's levels: the order is all that counts
    ranks = {level: rank for rank, level in enumerate(sorted(set(levels.values())))}
    tasks = tasks.with_row_index("_row").with_columns(
        pl.col("OutlineLevel")
        .replace_strict(
            list(levels),
            [ranks[level] for level in levels.values()],
            default=None,
            return_dtype=pl.Int64,
        )
        .alias("_level"),
        pl.lit(None, pl.UInt32).alias("_parent_row"),
    )
    for rank in ranks.values():
        above = pl.when(pl.col("_level") == rank).then(pl.col("_row")).forward_fill()
        tasks = tasks.with_columns(
            pl.max_horizontal(
                "_parent_row", pl.when(pl.col("_level") > rank).then(above.over("_file"))
            ).alias("_parent_row")
        )
    parents = tasks.select(pl.col("_row").alias("_parent_row"), pl.col("UID").alias("level_parent"))
    return tasks.join(parents, on="_parent_row", how="left", maintain_order="left").drop(
        "_row", "_level", "_parent_row"
    )


# --- the project's working calendar -----------------------------------------------------------

_DAY_TYPES = {"1": 6, "2": 0, "3": 1, "4": 2, "5": 3, "6": 4, "7": 5}
"""MSPDI ``DayType`` (1 = Sunday .. 7 = Saturday) -> the weekday index, Monday = 0."""
DEFAULT_DAY_HOURS = 8.0
"""MS Project's default working day (08:00-12:00, 13:00-17:00): a working day without times."""
RECURRENCES = {
    "3": "every year on a weekday's position",
    "4": "every month on a date",
    "5": "every month on a weekday's position",
    "6": "every week",
    "8": "after a number of weekdays",
}
"""2007+ ``<Exception><Type>`` values not read: 1 and 7 are daily ranges, 2 yearly on a date."""


def _clock_hours(text: str | None) -> float | None:
    parts = (text or "").split(":")
    try:
        return int(parts[0]) + int(parts[1]) / 60 + (int(parts[2]) / 3600 if len(parts) > 2 else 0)
    except (ValueError, IndexError):
        return None


def _day_hours(day: etree._Element) -> float | None:
    """The hours of a ``<WeekDay>``/``<Exception>``'s ``<WorkingTimes>`` (``ToTime`` 00:00 is
    midnight), or None when it lists none."""
    total, found = 0.0, False
    for time in day.iter(f"{_NS}WorkingTime"):
        start = _clock_hours(_child_text(time, "FromTime"))
        end = _clock_hours(_child_text(time, "ToTime"))
        if start is None or end is None:
            continue
        total += (end - start) % 24 or (24.0 if end == start else 0.0)
        found = True
    return total if found else None


def _date_part(text: str | None) -> str | None:
    return text[:10] if text else None


def _calendar_chain(root: etree._Element) -> list[etree._Element]:
    """The project's calendar and its bases, the base first (what derives overrides it)."""
    calendars = _child(root, "Calendars")
    if calendars is None:
        return []
    by_uid = {
        _child_text(calendar, "UID"): calendar
        for calendar in calendars.iterchildren(f"{_NS}Calendar")
    }
    chain: list[etree._Element] = []
    uid = _child_text(root, "CalendarUID")
    while uid in by_uid and by_uid[uid] not in chain:
        calendar = by_uid[uid]
        chain.append(calendar)
        if _child_text(calendar, "IsBaseCalendar") == "1":
            break
        uid = _child_text(calendar, "BaseCalendarUID")
    return chain[::-1]


def _exception_rows(calendar: etree._Element) -> list[dict]:
    """A calendar's exceptions as date ranges: the pre-2007 ``<WeekDay>`` form, then the 2007+
    ``<Exceptions>`` (a file holds both forms of the same exceptions; the later one wins)."""
    rows = []
    name = _child_text(calendar, "Name") or "calendar"
    for day in calendar.iter(f"{_NS}WeekDay"):
        period = _child(day, "TimePeriod")
        if _child_text(day, "DayType") != "0" or period is None:
            continue
        rows.append(
            {
                "exception_name": f"{name} exception",
                "start_date": _date_part(_child_text(period, "FromDate")),
                "end_date": _date_part(_child_text(period, "ToDate")),
                "is_working": _child_text(day, "DayWorking") or "0",
                "source_line": day.sourceline,
            }
        )
    exceptions = _child(calendar, "Exceptions")
    for exception in () if exceptions is None else exceptions.iterchildren(f"{_NS}Exception"):
        period = _child(exception, "TimePeriod")
        start = None if period is None else _date_part(_child_text(period, "FromDate"))
        end = None if period is None else _date_part(_child_text(period, "ToDate"))
        kind = _child_text(exception, "Type") or "1"
        base = {
            "exception_name": _child_text(exception, "Name") or f"{name} exception",
            "is_working": _child_text(exception, "DayWorking") or "0",
            "source_line": exception.sourceline,
        }
        month, month_day = (
            _as_int(_child_text(exception, "Month")),
            _as_int(_child_text(exception, "MonthDay")),
        )
        if kind == "2" and start and end and month is not None and month_day is not None:
            # every year on the same date, from the first year of the range to the last
            for year in range(int(start[:4]), int(end[:4]) + 1):
                day_text = f"{year:04d}-{month + 1:02d}-{month_day:02d}"
                if start <= day_text <= end:
                    rows.append({**base, "start_date": day_text, "end_date": day_text})
        elif kind in ("1", "7") and (_as_int(_child_text(exception, "Period")) or 1) <= 1:
            rows.append({**base, "start_date": start, "end_date": end})
        else:
            what = RECURRENCES.get(kind, f"recurring every {_child_text(exception, 'Period')} days")
            # kept as text: the contract check quarantines the row, naming the recurrence
            rows.append(
                {
                    **base,
                    "start_date": start,
                    "end_date": f"{what} (MS Project recurring exception, type {kind})",
                }
            )
    return rows


def _calendar(root: etree._Element) -> tuple[dict | None, list[dict]]:
    """The project calendar's row (name, weekday flags, hours of a working day) and its
    exceptions, resolved through its base calendars; (None, []) when the plan has none."""
    chain = _calendar_chain(root)
    if not chain:
        return None, []
    working = [True, True, True, True, True, False, False]  # MS Project's default week
    hours: list[float | None] = [None] * 7
    exceptions: dict[str | None, dict] = {}
    for calendar in chain:
        for day in calendar.iter(f"{_NS}WeekDay"):
            index = _DAY_TYPES.get(_child_text(day, "DayType") or "")
            if index is None:
                continue
            working[index] = _child_text(day, "DayWorking") == "1"
            hours[index] = _day_hours(day) if working[index] else None
        for row in _exception_rows(calendar):
            # a derived calendar's exception replaces its base's on the same day
            exceptions[row["start_date"]] = row
    worked = [hours[index] for index in range(7) if working[index]]
    known = [value for value in worked if value is not None]
    per_day = (
        sum(value if value is not None else DEFAULT_DAY_HOURS for value in worked) / len(worked)
        if known
        else None
    )
    own = chain[-1]
    row = {
        "calendar_name": _child_text(own, "Name") or _child_text(own, "UID"),
        **{
            name: "true" if flag else "false"
            for name, flag in zip(WEEKDAY_COLUMNS, working, strict=True)
        },
        "hours_per_day": None if per_day is None else f"{per_day:.4f}".rstrip("0").rstrip("."),
        "source_line": own.sourceline,
    }
    return row, list(exceptions.values())


# --- normalisers (vectorised) -----------------------------------------------------------------


def _date(expr: pl.Expr) -> pl.Expr:
    return parse_date(expr, DATE_FORMATS)


def _currency(expr: pl.Expr) -> pl.Expr:
    """MSPDI stores money x100: ``417125`` -> ``4171.25``; other text kept as found."""
    text = blank_to_null(expr)
    value = text.cast(pl.Float64, strict=False) / 100
    return pl.when(value.is_not_null()).then(value.cast(pl.String)).otherwise(text)


def _duration_hours(expr: pl.Expr) -> pl.Expr:
    """xsd duration (``PT8H30M0S``, ``-PT4H``, ``P1DT2H``) -> decimal hours; other text as found.

    MS Project always writes hours; a day component follows xsd (24 h), not the project calendar.
    """
    text = blank_to_null(expr)
    parts = text.str.extract_groups(_DURATION.pattern)

    def part(index: int) -> pl.Expr:
        return parts.struct.field(str(index)).cast(pl.Float64, strict=False).fill_null(0)

    total = part(2) * 24 + part(3) + part(4) / 60 + part(5) / 3600
    signed = pl.when(parts.struct.field("1") == "-").then(-total).otherwise(total)
    matched = (text.str.contains(_DURATION.pattern) & text.str.contains(r"\d")).fill_null(False)
    return pl.when(matched).then(signed.cast(pl.String)).otherwise(text)


def _flag(expr: pl.Expr) -> pl.Expr:
    """``1``/``0`` -> ``true``/``false``; absent means MS Project's default, false."""
    return parse_bool(expr).fill_null(pl.lit("false"))


_DATE_FIELDS = (
    "BaselineStart",
    "BaselineFinish",
    "Start",
    "Finish",
    "ActualStart",
    "ActualFinish",
    "_status_date",
)


def _normalised_fields(raw: pl.DataFrame) -> pl.DataFrame:
    """``raw`` with its fields normalised as ``_n_<field>`` columns, each normaliser run once per
    distinct value (see by_shared_value): a plan's snapshots repeat the same dates, flags and
    durations month after month, and its start, finish and baseline dates overlap."""
    fields: dict[Callable[[pl.Expr], pl.Expr], tuple[str, ...]] = {
        _date: _DATE_FIELDS,
        _duration_hours: ("BaselineWork", "Work"),
        _currency: ("BaselineCost",),
        _flag: ("Summary", "Milestone"),
    }
    for work, names in fields.items():
        raw = by_shared_value(raw, {f"_n_{name}": pl.col(name) for name in names}, work)
    progress = by_value(
        raw,
        [blank_to_null(pl.col("PercentComplete"))],
        lambda percent: pl.struct(
            **{f"_n_{name}": value for name, value in _progress(percent).items()}
        ),
    )
    return raw.hstack(progress.struct.unnest().get_columns())


def _tasks_frame(raw: pl.DataFrame, assignees: pl.DataFrame) -> pl.DataFrame:
    """The tasks of one or more files, normalised in one pass: ``raw`` holds their collected
    values with ``_file``, ``_project`` and ``_status_date`` per row; ``assignees`` maps
    (``_file``, ``UID``) to the task's assignee."""
    outline = blank_to_null(pl.col("OutlineNumber"))
    raw = _with_parents(_normalised_fields(raw), outline).join(
        assignees, on=["_file", "UID"], how="left", maintain_order="left"
    )

    def normalised(name: str) -> pl.Expr:
        return pl.col(f"_n_{name}")

    is_summary = normalised("Summary")
    is_milestone = normalised("Milestone")
    values = {
        "project_code": pl.col("_project"),
        "task_key": blank_to_null(pl.col("UID")),
        "task_name": blank_to_null(pl.col("Name")),
        "task_type": pl.when(is_summary == "true")
        .then(pl.lit("summary"))
        .when(is_milestone == "true")
        .then(pl.lit("milestone"))
        .otherwise(pl.lit("task")),
        "parent_key": pl.when(outline.is_not_null() & pl.col("outline_parent").is_not_null())
        .then(pl.col("outline_parent"))
        .otherwise(pl.col("level_parent")),
        "status": normalised("status"),
        "status_category": normalised("status_category"),
        "percent_complete": normalised("percent_complete"),
        "estimate_hours": pl.coalesce(normalised("BaselineWork"), normalised("Work")),
        "planned_start": pl.coalesce(normalised("BaselineStart"), normalised("Start")),
        "planned_finish": pl.coalesce(normalised("BaselineFinish"), normalised("Finish")),
        "forecast_start": normalised("Start"),
        "forecast_finish": normalised("Finish"),
        "baseline_cost": normalised("BaselineCost"),
        "actual_start": normalised("ActualStart"),
        "actual_finish": normalised("ActualFinish"),
        "assignee": pl.col("assignee"),
        "is_summary": is_summary,
        "is_milestone": is_milestone,
        "snapshot_date": normalised("_status_date"),
    }
    return raw.select(
        *[
            values.get(name, pl.lit(None, pl.String)).cast(pl.String).alias(name)
            for name in ENTITIES["tasks"].column_names
        ],
        pl.col("source_line"),
        # Carried for the milestone rows; dropped from the tasks frame by the caller.
        normalised("BaselineFinish").alias("_baseline_finish"),
        normalised("Finish").alias("_finish"),
        pl.col("_file"),
    )


def _with_parents(raw: pl.DataFrame, outline: pl.Expr) -> pl.DataFrame:
    """``outline_parent``: the UID of the task numbered as the parent of the row's outline number
    (1.2.3 -> the task numbered 1.2); rows without one keep their parent by outline level."""
    lookup = (
        raw.select(
            pl.col("_file"), outline.alias("parent_outline"), pl.col("UID").alias("outline_parent")
        )
        .filter(pl.col("parent_outline").is_not_null())
        .unique(["_file", "parent_outline"], keep="first", maintain_order=True)
    )
    return raw.with_columns(
        pl.when(outline.str.contains(r"\."))
        .then(outline.str.replace(r"\.[^.]*$", ""))
        .otherwise(None)
        .alias("parent_outline"),
    ).join(lookup, on=["_file", "parent_outline"], how="left", maintain_order="left")


def _progress(percent: pl.Expr) -> dict[str, pl.Expr]:
    """``status``, ``status_category`` and ``percent_complete`` from MS Project's % complete
    (0: not started, 100 or more: complete; text that is not a number kept as found)."""
    value = percent.cast(pl.Float64, strict=False)
    return {
        "status": pl.when(value == 0)
        .then(pl.lit("Not Started"))
        .when(value >= 100)
        .then(pl.lit("Complete"))
        .when(value > 0)
        .then(pl.lit("In Progress"))
        .otherwise(None),
        "status_category": pl.when(value == 0)
        .then(pl.lit("todo"))
        .when(value >= 100)
        .then(pl.lit("done"))
        .when(value > 0)
        .then(pl.lit("in_progress"))
        .otherwise(None),
        "percent_complete": pl.when(value.is_not_null())
        .then(value.cast(pl.String).str.replace(r"\.0$", ""))
        .otherwise(percent),
    }


def _milestones_frame(tasks: pl.DataFrame) -> pl.DataFrame:
    values = {
        "project_code": pl.col("project_code"),
        "milestone_name": pl.col("task_name"),
        "baseline_date": pl.col("_baseline_finish"),
        "forecast_date": pl.col("_finish"),
        "actual_date": pl.col("actual_finish"),
        "snapshot_date": pl.col("snapshot_date"),
    }
    return tasks.filter(pl.col("is_milestone") == "true").select(
        *[
            values.get(name, pl.lit(None, pl.String)).cast(pl.String).alias(name)
            for name in ENTITIES["milestones"].column_names
        ],
        pl.col("source_line"),
        pl.col("_file"),
    )


def _dependencies_frame(links: pl.DataFrame) -> pl.DataFrame:
    """One row per ``<PredecessorLink>``: the task it sits in is the successor. ``LinkLag`` is
    in tenths of a minute of the project's working day (``MinutesPerDay``, 480 by default), or
    of a 24-hour day for an elapsed lag format."""
    lag = blank_to_null(pl.col("link_LinkLag")).cast(pl.Float64, strict=False)
    minutes_per_day = (
        blank_to_null(pl.col("_minutes_per_day")).cast(pl.Float64, strict=False).fill_null(480)
    )
    per_day = (
        pl.when(pl.col("link_LagFormat").is_in(list(ELAPSED_LAG_FORMATS)))
        .then(pl.lit(14400.0))
        .otherwise(minutes_per_day * 10)
    )
    link_type = blank_to_null(pl.col("link_Type"))
    values = {
        "project_code": pl.col("_project"),
        "task_key": blank_to_null(pl.col("link_task")),
        "predecessor_project_code": pl.col("_project"),
        "predecessor_key": blank_to_null(pl.col("link_PredecessorUID")),
        # an unknown type is kept as found, for the contract check to name it
        "link_type": link_type.replace(LINK_TYPES).fill_null(pl.lit("FS")),
        "lag_days": pl.when(lag.is_not_null())
        .then((lag / per_day).round(4).cast(pl.String))
        .otherwise(blank_to_null(pl.col("link_LinkLag"))),
        "snapshot_date": _date(pl.col("_status_date")),
    }
    return links.select(
        *[
            values.get(name, pl.lit(None, pl.String)).cast(pl.String).alias(name)
            for name in ENTITIES["dependencies"].column_names
        ],
        pl.col("link_source_line").alias("source_line"),
        pl.col("_file"),
    )


def _calendar_frame(entity: str, rows: list[dict]) -> pl.DataFrame:
    """Calendar rows as the canonical text frame (dates as the contract reads them)."""
    columns = ENTITIES[entity].column_names
    schema = {
        **dict.fromkeys(columns, pl.String),
        "source_line": pl.Int64,
        "_file": pl.Int64,
    }
    frame = pl.DataFrame(
        [{name: row.get(name) for name in schema} for row in rows], schema=schema, orient="row"
    )
    dates = [name for name in ("start_date", "end_date", "snapshot_date") if name in columns]
    frame = frame.with_columns(_date(pl.col(name)).alias(name) for name in dates)
    if "is_working" in columns:
        frame = frame.with_columns(pl.col("is_working").replace({"1": "true", "0": "false"}))
    return frame


# --- the adapter ------------------------------------------------------------------------------


def sniff(probe: Probe) -> bool:
    """An XML file whose root is ``<Project>`` in the MSPDI namespace (nothing else is MSPDI)."""
    return probe.kind == "xml" and probe.xml_root == "Project" and probe.xml_namespace == NAMESPACE


def read(probe: Probe) -> dict[str, pl.DataFrame]:
    """Tasks (UID 0 left out, summaries flagged), milestones, the predecessor links and the
    project's working calendar with its exceptions, as of the project status date."""
    return one_of_many(read_many, probe)


def read_many(probes: Sequence[Probe]) -> list[dict[str, pl.DataFrame] | FileRejected]:
    """Each file's :func:`read` (or why it is refused), in order. The trees are walked one by
    one; their values are then normalised in one pass over all the files and split back, since
    a pass costs about the same for ten rows as for ten thousand."""
    results: list[dict[str, pl.DataFrame] | FileRejected | None] = [None] * len(probes)
    collected = _Collected()
    for index, probe in enumerate(probes):
        try:
            root = _parse(probe)
            project_code = _project_code(probe, root)
        except FileRejected as error:
            results[index] = error
            continue
        collected.add(index, root, project_code)
    if collected.values:
        read = [index for index, result in enumerate(results) if result is None]
        for index, split in split_by_file(collected.frames(), read).items():
            results[index] = split
    return results  # type: ignore[return-value]  # every slot is filled above


@dataclass
class _Collected:
    """The values of every file walked, each tagged with its file's index (``_file``), for
    one normalising pass."""

    values: dict[str, list] = field(default_factory=dict)
    links: dict[str, list] = field(default_factory=dict)
    people: dict[str, list] = field(
        default_factory=lambda: {"_file": [], "UID": [], "assignee": []}
    )
    calendar_rows: list[dict] = field(default_factory=list)
    exception_rows: list[dict] = field(default_factory=list)

    def add(self, index: int, root: etree._Element, project_code: str) -> None:
        """One file's tasks, links, assignees and calendar."""
        columns, link_columns = _collect_tasks(root)
        status_date = _child_text(root, "StatusDate")
        count = len(link_columns["link_task_index"])
        link_columns["_file"] = [index] * count
        link_columns["_project"] = [project_code] * count
        link_columns["_status_date"] = [status_date] * count
        calendar, exceptions = _calendar(root)
        # a lag counts the calendar's working day when it has working times, else the
        # project's MinutesPerDay (MS Project's "hours per day" option)
        minutes_per_day = _child_text(root, "MinutesPerDay")
        if calendar is not None and calendar["hours_per_day"] is not None:
            minutes_per_day = str(float(calendar["hours_per_day"]) * 60)
        link_columns["_minutes_per_day"] = [minutes_per_day] * count
        for row in [calendar] if calendar is not None else []:
            self.calendar_rows.append(
                {**row, "project_code": project_code, "snapshot_date": status_date, "_file": index}
            )
        for row in exceptions:
            self.exception_rows.append(
                {**row, "project_code": project_code, "snapshot_date": status_date, "_file": index}
            )
        for name, column in link_columns.items():
            self.links.setdefault(name, []).extend(column)
        rows = len(columns["source_line"])
        columns["_file"] = [index] * rows
        columns["_project"] = [project_code] * rows
        columns["_status_date"] = [status_date] * rows
        for name, column in columns.items():
            self.values.setdefault(name, []).extend(column)
        for uid, who in _assignees(root).items():
            self.people["_file"].append(index)
            self.people["UID"].append(uid)
            self.people["assignee"].append(who)

    def frames(self) -> dict[str, pl.DataFrame]:
        """Every entity's frame over all the files, ``_file`` still on each row."""
        whole = ("source_line", "_file", "task_index", "link_source_line", "link_task_index")
        raw = pl.DataFrame(
            self.values,
            schema={name: pl.Int64 if name in whole else pl.String for name in self.values},
        )
        assignees = pl.DataFrame(
            self.people, schema={"_file": pl.Int64, "UID": pl.String, "assignee": pl.String}
        )
        links = pl.DataFrame(
            self.links,
            schema={name: pl.Int64 if name in whole else pl.String for name in self.links},
        )
        raw, links = _kept_tasks(raw, links)
        tasks = _tasks_frame(raw, assignees)
        return {
            "tasks": tasks.drop("_baseline_finish", "_finish"),
            "milestones": _milestones_frame(tasks),
            "dependencies": _dependencies_frame(links),
            "working_calendars": _calendar_frame("working_calendars", self.calendar_rows),
            "calendar_exceptions": _calendar_frame("calendar_exceptions", self.exception_rows),
        }


ADAPTERS: tuple[Adapter, ...] = (
    Adapter(
        name="mspdi",
        label="MS Project XML (MSPDI)",
        entities=(
            "tasks",
            "milestones",
            "dependencies",
            "working_calendars",
            "calendar_exceptions",
        ),
        sniff=sniff,
        read=read,
        read_many=read_many,
        priority=10,
    ),
)
