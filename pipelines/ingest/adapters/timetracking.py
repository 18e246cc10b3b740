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
    MONTH_NAMES,
    Probe,
    blank_to_null,
    normalise_header,
    parse_bool,
    parse_number,
    read_csv_positional,
)
from pipelines.ingest.contracts import ENTITIES

ENTITY = "timesheets"
TIMESHEET_COLUMNS: tuple[str, ...] = tuple(ENTITIES[ENTITY].column_names)

_ISO_DATE = r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:$|[\sT,])"
"""``2016-8-1 14:33``, ``2015-01-26``, ``2015.01.26``, ``2026-09-23T09:00:00``."""
_NUMERIC_DATE = r"^(\d{1,2})([-./])(\d{1,2})[-./](\d{4}|\d{2})(?:$|[\s,T])"
"""``26.01.2015``, ``01/26/2015``, ``26/01/15``, optionally followed by a time."""
_NAMED_MONTH_DATE = r"^(\d{1,2})[-./ ]([^\W\d_]+)\.?[-./ ](\d{4}|\d{2})(?:$|[\s,])"
"""``1/Aug/16 2:33 PM`` as Jira and Tempo Server render dates in some profiles."""
_DURATION = r"^([-\u2212]?)\s*(\d+):(\d{1,2})(?::(\d{1,2}))?$"
"""``HH:MM[:SS]``; hours may exceed 24 and a leading minus applies to the whole duration."""


# --- reading -------------------------------------------------------------------------------


def table_kind(probe: Probe) -> bool:
    """Only delimited text and workbooks carry these exports (never XML)."""
    return probe.kind in ("csv", "xlsx")


def read_rows(probe: Probe) -> pl.DataFrame:
    """The data rows as text columns ``c0..cN`` plus ``source_line``, from CSV or XLSX."""
    if probe.kind == "xlsx":
        from pipelines.ingest.detect import read_xlsx_positional

        return read_xlsx_positional(probe)
    return read_csv_positional(probe)


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
    stats = frame.select(
        pl.any_horizontal([expr.str.contains(",").any() for expr in present]).alias("comma"),
        pl.any_horizontal([expr.str.contains(".", literal=True).any() for expr in present]).alias(
            "dot"
        ),
    ).row(0)
    comma, dot = bool(stats[0]), bool(stats[1])
    if comma and not dot:
        return True
    if dot and not comma:
        return False
    return None


def decimal_hours(expr: pl.Expr | None, decimal_comma: bool | None) -> pl.Expr | None:
    """Decimal hours text in the file's locale -> dot-decimal text; a minus sign is kept."""
    if expr is None:
        return None
    return parse_number(expr, decimal_comma=decimal_comma)


def duration_hours(expr: pl.Expr | None, decimal_comma: bool | None) -> pl.Expr | None:
    """``HH:MM:SS`` (or decimal hours, per the profile's duration format) -> decimal hours text.

    Unlike a plain split, the sign of ``-00:30:00`` applies to the whole duration (-0.5 h, not
    +0.5 h), so a negative entry reaches the loader as negative and is quarantined.
    """
    if expr is None:
        return None
    text = blank_to_null(expr)
    parts = text.str.extract_groups(_DURATION)
    seconds = (
        parts.struct.field("2").cast(pl.Int64, strict=False) * 3600
        + parts.struct.field("3").cast(pl.Int64, strict=False) * 60
        + parts.struct.field("4").cast(pl.Int64, strict=False).fill_null(0)
    )
    sign = pl.when(parts.struct.field("1") == "").then(1.0).otherwise(-1.0)
    hours = (seconds.cast(pl.Float64) / 3600 * sign).cast(pl.String)
    return (
        pl.when(seconds.is_not_null())
        .then(hours)
        .otherwise(parse_number(text, decimal_comma=decimal_comma))
    )


def positive_flag(expr: pl.Expr | None, decimal_comma: bool | None) -> pl.Expr | None:
    """``true`` when a number is above zero (Tempo ``Billed Hours``); unparsed text as found."""
    if expr is None:
        return None
    number_text = parse_number(expr, decimal_comma=decimal_comma)
    value = number_text.cast(pl.Float64, strict=False)
    return (
        pl.when(value > 0)
        .then(pl.lit("true"))
        .when(value.is_not_null())
        .then(pl.lit("false"))
        .otherwise(number_text)
    )


def yes_no(expr: pl.Expr | None) -> pl.Expr | None:
    """``Yes``/``No`` (and the usual translations) -> ``true``/``false``; others as found."""
    return None if expr is None else parse_bool(expr)


def day_first_dates(frame: pl.DataFrame, expr: pl.Expr | None, *, default: bool) -> bool:
    """Decide for the whole file whether ``NN/NN/YYYY`` dates are day-first.

    A first part above 12 proves day-first and a second part above 12 proves month-first. When
    every value is ambiguous (all days <= 12) the ``default`` decides; callers pass the locale
    hint they have (a ``;``-separated export comes from a day-first European locale far more
    often than not). Dotted dates (``26.01.2015``) are always day-first and do not vote.
    """
    if expr is None or frame.height == 0:
        return default
    parts = blank_to_null(expr).str.extract_groups(_NUMERIC_DATE)
    slashed = parts.struct.field("2") != "."
    first = parts.struct.field("1").cast(pl.Int32, strict=False)
    second = parts.struct.field("3").cast(pl.Int32, strict=False)
    votes = frame.select(
        ((first > 12) & slashed).any().alias("day_first"),
        ((second > 12) & slashed).any().alias("month_first"),
    ).row(0)
    day_first, month_first = bool(votes[0]), bool(votes[1])
    if day_first and not month_first:
        return True
    if month_first and not day_first:
        return False
    return default


def work_date(expr: pl.Expr | None, *, day_first: bool) -> pl.Expr | None:
    """Any of the tools' date renderings (a time part is ignored) -> ``YYYY-MM-DD`` text.

    Handles ``2016-8-1 14:33`` (no zero padding), ``26.01.2015``, ``01/26/2015`` or
    ``26/01/2015`` (per ``day_first``), two-digit years and ``1/Aug/16``. An impossible date
    (``31/02/2026``) or any other text is passed on as found.
    """
    if expr is None:
        return None
    text = blank_to_null(expr)
    iso = text.str.extract_groups(_ISO_DATE)
    numeric = text.str.extract_groups(_NUMERIC_DATE)
    named = text.str.extract_groups(_NAMED_MONTH_DATE)

    def number(parts: pl.Expr, field: str) -> pl.Expr:
        return parts.struct.field(field).cast(pl.Int32, strict=False)

    dotted = numeric.struct.field("2") == "."
    first, second = number(numeric, "1"), number(numeric, "3")
    numeric_day = pl.when(dotted | pl.lit(day_first)).then(first).otherwise(second)
    numeric_month = pl.when(dotted | pl.lit(day_first)).then(second).otherwise(first)
    named_month = (
        named.struct.field("2")
        .str.to_lowercase()
        .replace_strict(MONTH_NAMES, default=None, return_dtype=pl.Int32)
    )

    year = pl.coalesce(number(iso, "1"), number(numeric, "4"), number(named, "3"))
    year = pl.when(year < 100).then(year + 2000).otherwise(year)
    month = pl.coalesce(number(iso, "2"), numeric_month, named_month)
    day = pl.coalesce(number(iso, "3"), numeric_day, number(named, "1"))
    candidate = pl.concat_str(
        [
            year.cast(pl.String).str.zfill(4),
            month.cast(pl.String).str.zfill(2),
            day.cast(pl.String).str.zfill(2),
        ],
        separator="-",
    )
    valid = candidate.str.strptime(pl.Date, "%Y-%m-%d", strict=False).is_not_null()
    return pl.when(valid).then(candidate).otherwise(text)


def first_parsed(*exprs: pl.Expr | None) -> pl.Expr | None:
    """Row by row, the first value that is a number; else the first value as found.

    Clockify gives both ``Duration (decimal)`` and ``Duration (h)``: the decimal one is preferred,
    but a cell that does not parse there should not hide a good ``HH:MM:SS`` beside it.
    """
    present = [expr for expr in exprs if expr is not None]
    if not present:
        return None
    chain = None
    for expr in present:
        parsed = expr.cast(pl.Float64, strict=False).is_not_null()
        chain = pl.when(parsed).then(expr) if chain is None else chain.when(parsed).then(expr)
    return chain.otherwise(coalesce(*present))  # type: ignore[union-attr]
