"""Shared reading rules for the time-tracking exports (Tempo, Harvest, Toggl Track, Clockify).

The four tools export one row per time entry but each follows the exporting user's or account's
locale: the separator (``,`` or ``;``), decimal commas (``"7,5"``), and dates that are ISO,
``26.01.2015``, ``01/26/2015`` or ``26/01/2015``. A single value such as ``03/04/2026`` cannot say
which of the last two it is, so the choice is made once per file from all of its values (any first
part over 12 means day-first). The helpers here take the whole positional frame for that reason;
they only compute column-wide aggregates and vectorised expressions, never loop over rows.

Nothing here judges a value: what cannot be normalised is passed on as found so the loader's
contract check quarantines that row with the original text (a negative duration stays negative,
a 25-hour Toggl entry stays 25 hours).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from pipelines.ingest.adapters.base import (
    Probe,
    blank_to_null,
    distinct_inputs,
    inputs_of,
    normalise_header,
    parse_bool,
    parse_number,
    per_distinct,
    read_csv_positional,
    read_xlsx_positional,
)
from pipelines.ingest.contracts import ENTITIES

ENTITY = "timesheets"
TIMESHEET_COLUMNS: tuple[str, ...] = tuple(ENTITIES[ENTITY].column_names)
BY_VALUE = ("work_date", "hours", "is_billable")
"""Columns whose normalisers (regular expressions, locale rules) run once per distinct value
of the cells they read: a month's export repeats a few hundred dates and durations."""

# Date shapes, each rewritten to "@YYYY-M-D" (the "@" marks a rewritten value, so text that
# merely looks like "15-1-2" is never read as the year 15). A trailing time part is ignored.
_ISO_DATE = (r"^([0-9]{4})[-./]([0-9]{1,2})[-./]([0-9]{1,2})(?:[ T,].*)?$", "@${1}-${2}-${3}")
"""``2016-8-1 14:33``, ``2015-01-26``, ``2015.01.26``, ``2026-09-23T09:00:00``."""
_DOTTED_DATES = (
    (r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})(?:[ ,].*)?$", "@${3}-${2}-${1}"),
    (r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{2})(?:[ ,].*)?$", "@20${3}-${2}-${1}"),
)
"""``26.01.2015`` and ``26.01.15``: always day-first."""
_SLASHED_4 = r"^([0-9]{1,2})[/-]([0-9]{1,2})[/-]([0-9]{4})(?:[ T,].*)?$"
_SLASHED_2 = r"^([0-9]{1,2})[/-]([0-9]{1,2})[/-]([0-9]{2})(?:[ T,].*)?$"
"""``01/26/2015`` or ``26/01/2015`` (also with ``-``): the order is decided per file."""
_SLASHED_ANY = r"^([0-9]{1,2})[/-]([0-9]{1,2})[/-][0-9]{2,4}(?:[ T,]|$)"
_DURATION = r"^-?[ ]*([0-9]+):([0-9]{1,2})(?::([0-9]{1,2}))?$"
"""``HH:MM[:SS]``; hours may exceed 24 and a leading minus applies to the whole duration."""


# --- reading -------------------------------------------------------------------------------


def table_kind(probe: Probe) -> bool:
    """Only delimited text and workbooks carry these exports (never XML)."""
    return probe.kind in ("csv", "xlsx")


def read_rows(probe: Probe, used: Sequence[pl.Expr | None]) -> pl.DataFrame:
    """The data rows as text columns ``c0..cN`` plus ``source_line``, from CSV or XLSX; of a CSV
    only the columns the expressions ``used`` read (see :func:`read_csv_positional`)."""
    if probe.kind == "xlsx":
        return read_xlsx_positional(probe)
    keep = inputs_of([expr for expr in used if expr is not None])
    return read_csv_positional(probe, keep or None)


def column(probe: Probe, *names: str) -> pl.Expr | None:
    """The first present header among ``names`` (first occurrence), stripped, or None.

    Tempo repeats headers such as ``Epic Link``; taking the first occurrence keeps the vendor's
    own column rather than an instance custom field appended later with the same name.
    """
    index = probe.header_index()
    for name in names:
        positions = index.get(normalise_header(name))
        if positions:
            return blank_to_null(pl.col(f"c{positions[0]}"))
    return None


def has_any(probe: Probe, *names: str) -> bool:
    index = probe.header_index()
    return any(normalise_header(name) in index for name in names)


def has_all(probe: Probe, *names: str) -> bool:
    index = probe.header_index()
    return all(normalise_header(name) in index for name in names)


def require(probe: Probe, tool: str, *names: str, purpose: str) -> pl.Expr:
    """The first present header among ``names``; a file without any of them is rejected.

    The message names the missing column, what it is needed for and the header that was found,
    so an analyst can re-export with the right columns.
    """
    found = column(probe, *names)
    if found is not None:
        return found
    wanted = " or ".join(f"'{name}'" for name in names)
    shown = ", ".join(probe.header[:12]) + (", …" if len(probe.header) > 12 else "")
    raise probe.reject(
        f"this {tool} export has no {wanted} column, which gives the {purpose} "
        f"(header found: {shown}).",
        f"the unmodified {tool} export, which always includes {wanted}.",
    )


def timesheets(frame: pl.DataFrame, columns: dict[str, pl.Expr | None]) -> dict[str, pl.DataFrame]:
    """Select every canonical timesheets column as text (null where the format has none)."""
    unknown = set(columns) - set(TIMESHEET_COLUMNS)
    if unknown:  # a programming error, not a file problem
        raise KeyError(f"not timesheets columns: {sorted(unknown)}")
    selected = []
    for name in TIMESHEET_COLUMNS:
        expr = columns.get(name)
        if expr is None:
            expr = pl.lit(None, pl.String)
        elif name in BY_VALUE:
            expr = pl.lit(per_distinct(frame, expr.cast(pl.String)))
        selected.append(expr.cast(pl.String).alias(name))
    return {ENTITY: frame.select(*selected, pl.col("source_line").cast(pl.Int64))}


# --- values --------------------------------------------------------------------------------


def coalesce(*exprs: pl.Expr | None) -> pl.Expr | None:
    """First non-null of the present expressions (row by row); None when none is present."""
    present = [expr for expr in exprs if expr is not None]
    if not present:
        return None
    return present[0] if len(present) == 1 else pl.coalesce(present)


def full_name(first: pl.Expr | None, last: pl.Expr | None) -> pl.Expr | None:
    """``First Last`` from two optional cells; null when both are blank."""
    parts = [part for part in (first, last) if part is not None]
    if not parts:
        return None
    return blank_to_null(pl.concat_str(parts, separator=" ", ignore_nulls=True))


def uses_decimal_comma(frame: pl.DataFrame, exprs: Sequence[pl.Expr | None]) -> bool | None:
    """Decide for the whole file whether ``,`` is the decimal mark in these number columns.

    Commas and no dots anywhere: decimal comma (``7,5``). Dots and no commas: decimal dot. Both
    or neither: undecided, and ``parse_number`` judges each value on its own shape.
    """
    present = [expr for expr in exprs if expr is not None]
    if frame.height == 0 or not present:
        return None
    stats = (
        distinct_inputs(frame, present)
        .select(
            pl.any_horizontal([expr.str.contains(",").any() for expr in present]).alias("comma"),
            pl.any_horizontal(
                [expr.str.contains(".", literal=True).any() for expr in present]
            ).alias("dot"),
        )
        .row(0)
    )
    comma, dot = bool(stats[0]), bool(stats[1])
    if comma and not dot:
        return True
    if dot and not comma:
        return False
    return None


def number_value(expr: pl.Expr | None, decimal_comma: bool | None) -> pl.Expr | None:
    """Decimal hours text in the file's locale -> Float64, null where it is not a number.

    The minus sign is kept: a negative entry must reach the loader as negative.
    """
    if expr is None:
        return None
    return parse_number(expr, decimal_comma=decimal_comma).cast(pl.Float64, strict=False)


def duration_value(expr: pl.Expr | None, decimal_comma: bool | None) -> pl.Expr | None:
    """``HH:MM:SS`` (or decimal hours, per the profile's duration format) -> Float64 hours.

    Unlike a plain split, the sign of ``-00:30:00`` applies to the whole duration (-0.5 h, not
    +0.5 h). Null where the text is neither shape.
    """
    if expr is None:
        return None
    text = blank_to_null(expr)

    def part(group: int) -> pl.Expr:
        return text.str.extract(_DURATION, group).cast(pl.Int64, strict=False)

    seconds = part(1) * 3600 + part(2) * 60 + part(3).fill_null(0)
    sign = pl.when(text.str.starts_with("-")).then(-1.0).otherwise(1.0)
    clock = seconds.cast(pl.Float64) / 3600 * sign
    return pl.coalesce(clock, number_value(text, decimal_comma))


def hours_text(values: Sequence[pl.Expr | None], found: Sequence[pl.Expr | None]) -> pl.Expr | None:
    """The first parsed value (``values``, Float64) as dot-decimal text, else the text as found.

    Clockify gives both ``Duration (decimal)`` and ``Duration (h)``: the first is preferred, but
    a cell that does not parse there should not hide a good ``HH:MM:SS`` beside it. Each input is
    used once so the whole-column work is not repeated (a sub-expression reused across nested
    ``when``/``then`` branches is evaluated again for each use, several times slower on big files).
    """
    parsed = coalesce(*values)
    as_found = coalesce(*found)
    if parsed is None:
        return as_found
    text = parsed.cast(pl.String)
    return text if as_found is None else pl.coalesce(text, as_found)


def positive_flag(expr: pl.Expr | None, decimal_comma: bool | None) -> pl.Expr | None:
    """``true`` when a number is above zero (Tempo ``Billed Hours``); unparsed text as found."""
    value = number_value(expr, decimal_comma)
    if expr is None or value is None:
        return None
    return pl.coalesce((value > 0).cast(pl.String), expr)


def yes_no(expr: pl.Expr | None) -> pl.Expr | None:
    """``Yes``/``No`` (and the usual translations) -> ``true``/``false``; others as found."""
    return None if expr is None else parse_bool(expr)


def day_first_dates(frame: pl.DataFrame, expr: pl.Expr | None, *, default: bool) -> bool:
    """Decide for the whole file whether ``NN/NN/YYYY`` dates are day-first.

    A first part above 12 proves day-first and a second part above 12 proves month-first. When
    every value is ambiguous (all days <= 12), or the file contradicts itself, ``default``
    decides; callers pass the locale hint they have (a ``;``-separated export comes from a
    day-first European locale far more often than not). Dotted dates (``26.01.2015``) are always
    day-first and do not vote. In a contradictory file the dates that do not fit the chosen
    order are impossible and are passed on as found, so the loader quarantines them.
    """
    if expr is None or frame.height == 0:
        return default
    text = blank_to_null(expr)
    first = text.str.extract(_SLASHED_ANY, 1).cast(pl.Int32, strict=False)
    second = text.str.extract(_SLASHED_ANY, 2).cast(pl.Int32, strict=False)
    votes = (
        distinct_inputs(frame, [expr])
        .select((first > 12).any().alias("day_first"), (second > 12).any().alias("month_first"))
        .row(0)
    )
    day_first, month_first = bool(votes[0]), bool(votes[1])
    if day_first and not month_first:
        return True
    if month_first and not day_first:
        return False
    return default


def work_date(expr: pl.Expr | None, *, day_first: bool) -> pl.Expr | None:
    """Any of the tools' date renderings (a time part is ignored) -> ``YYYY-MM-DD`` text.

    Handles ``2016-8-1 14:33`` (no zero padding), ``26.01.2015``, ``01/26/2015`` or
    ``26/01/2015`` (per ``day_first``) and two-digit years. An impossible date (``31/02/2026``)
    or any other text is passed on as found. The rewrites are chained, not branched, so each
    value goes through each pattern once.
    """
    if expr is None:
        return None
    text = blank_to_null(expr)
    slashed = "@${3}-${2}-${1}" if day_first else "@${3}-${1}-${2}"
    rewrites = (
        _ISO_DATE,
        *_DOTTED_DATES,
        (_SLASHED_4, slashed),
        (_SLASHED_2, slashed.replace("@", "@20")),
    )
    candidate = text
    for pattern, template in rewrites:
        candidate = candidate.str.replace(pattern, template)
    parsed = candidate.str.strptime(pl.Date, "@%Y-%m-%d", strict=False)
    return pl.coalesce(parsed.dt.strftime("%Y-%m-%d"), text)
