"""Dates as the exporting user's locale writes them, shared by the Jira and Azure DevOps readers.

Both tools write dates in the user's profile format: named months in the UI language
(``25/Feb/26 2:54 PM``, ``10/nov/25 4:51 PM``), dotted day-first dates (``10.11.2025``) and
numeric dates whose day/month order the value alone cannot tell (``6/7/2025``). The order is
decided once per file from every value (:func:`numeric_month_first_by_file`), then
:func:`with_locale_dates` turns each column into canonical text, reading each distinct text once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

from pipelines.ingest.adapters.base import MONTH_NAMES, blank_to_null

_TIMES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
_ISO_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)
_NUMERIC_DATE = r"^(\d{1,2})[/\-](\d{1,2})[/\-]\d{2,4}\b"
_NAMED_DATE = r"^(\d{1,2})[/.\-\s](\p{L}+)\.?[/.\-\s](\d{2,4})(.*)$"
_MONTHS: dict[str, str] = {
    **{alias: f"{number:02d}" for alias, number in MONTH_NAMES.items()},
    "mär": "03",  # German short March, not among the shared aliases
}


def _prepare_date_text(text: pl.Expr) -> pl.Expr:
    """Bring locale spellings to one shape: ``/`` separators, ``AM``/``PM``, numeric months.

    The month name is looked up in one dictionary rather than one regex pass per alias, so the
    cost stays flat however many languages are known.
    """
    text = text.str.replace(r"(?i)\s*a\.?\s?m\.?$", " AM").str.replace(
        r"(?i)\s*p\.?\s?m\.?$", " PM"
    )
    parts = text.str.extract_groups(_NAMED_DATE)
    month = (
        parts.struct.field("2")
        .str.to_lowercase()
        .replace_strict(_MONTHS, default=None, return_dtype=pl.String)
    )
    named = pl.concat_str(
        parts.struct.field("1"), month, parts.struct.field("3"), separator="/"
    ) + parts.struct.field("4")
    # Dotted or dashed numeric dates (``10.11.2025``) -> ``/``; ISO (year first) is untouched.
    numeric = text.str.replace(r"^(\d{1,2})[.\-](\d{1,2})[.\-](\d{2,4})\b", "${1}/${2}/${3}")
    return pl.coalesce(named, numeric)


def numeric_month_first_by_file(
    frame: pl.DataFrame, exprs: Iterable[pl.Expr], files: Sequence[int], default: bool = True
) -> dict[int, bool]:
    """Whether numeric dates in these columns are month-first (``6/21/2025``), for each of
    ``files`` whose rows are stacked in ``frame`` (``_file``), in one pass.

    A user profile gives one format for the whole export, so one value with a day over 12 settles
    the order for every value of the file; when nothing tells (or the file has no rows),
    ``default`` (US order) is assumed. The two leading numbers are read once per distinct text
    (exports repeat the same dates across snapshots and columns), then looked up per row.
    """
    exprs = list(exprs)
    decided = dict.fromkeys(files, default)
    if not exprs or frame.height == 0:
        return decided
    texts = pl.concat(
        [frame.select(pl.col("_file"), blank_to_null(expr).alias("text")) for expr in exprs]
    ).drop_nulls("text")
    distinct = texts.get_column("text").unique()
    numbers = distinct.to_frame("text").select(
        pl.col("text")
        .str.extract_groups(_NUMERIC_DATE)
        .struct.field(part)
        .cast(pl.Int32, strict=False)
        .alias(part)
        for part in ("1", "2")
    )

    def number(part: str) -> pl.Expr:
        return pl.col("text").replace_strict(
            distinct, numbers.get_column(part), default=None, return_dtype=pl.Int32
        )

    checks = texts.group_by("_file").agg(
        number("2").max().alias("second"), number("1").max().alias("first")
    )
    for index, second, first in checks.iter_rows():
        if (second or 0) > 12:
            decided[index] = True
        elif (first or 0) > 12:
            decided[index] = False
    return decided


def _day_month_formats(month_first: bool) -> list[str]:
    day_month = "%m/%d" if month_first else "%d/%m"
    return [f"{day_month}/{year}{time}" for year in ("%y", "%Y") for time in _TIMES]


def _attempts(text: pl.Expr, formats: Sequence[str]) -> pl.Expr:
    return pl.coalesce(
        [text.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True) for fmt in formats]
    )


SAMPLES = 8
"""Values of a date column looked at to find the formats worth trying on the whole column."""


def _formats_needed(samples: pl.Series, formats: Sequence[str]) -> list[str]:
    """The formats up to the last one any sample needs (its first fitting format): tried in
    order on the whole column they give each value what trying every format would, for every
    value the samples stand for. An export writes one format a column, so that is mostly one
    or two formats out of thirty."""
    samples = samples.drop_nulls()
    if samples.is_empty():
        return []
    fits = samples.to_frame("v").select(
        pl.col("v")
        .str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True)
        .is_not_null()
        .alias(str(index))
        for index, fmt in enumerate(formats)
    )
    first_fits = [next((i for i, ok in enumerate(row) if ok), None) for row in fits.iter_rows()]
    if any(index is None for index in first_fits):
        return list(formats)
    return list(formats[: max(first_fits) + 1])


def with_locale_dates(
    frame: pl.DataFrame, targets: dict[str, tuple[pl.Expr, str]], *, month_first: bool
) -> pl.DataFrame:
    """Add one canonical text column per target: ``name -> (locale text, "timestamp"|"date")``.

    Timestamps become ``YYYY-MM-DD HH:MM:SS`` and dates ``YYYY-MM-DD``; a value no format fits is
    kept as found. Named-month (``25/Feb/26``) and dotted (``10.11.2025``) values are day-first in
    every locale; other numeric ones follow ``month_first``. Two-digit-year formats are tried
    first so ``26`` is never read as year 26. A value's reading depends on nothing but its text,
    so each distinct text of all the columns is read once (exports repeat the same dates across
    snapshots, and an empty column costs nothing) and the rows look their value up.
    """
    if not targets:
        return frame
    raw = {name: f"__{name}_raw" for name in targets}
    frame = frame.with_columns(
        blank_to_null(expr).alias(raw[name]) for name, (expr, _) in targets.items()
    )
    distinct = pl.concat([frame.get_column(column) for column in raw.values()]).drop_nulls()
    distinct = distinct.unique()
    canonical = _read_dates(distinct, month_first)
    return frame.with_columns(
        pl.coalesce(
            pl.col(raw[name]).replace_strict(
                distinct, canonical.get_column(kind), default=None, return_dtype=pl.String
            ),
            pl.col(raw[name]),
        ).alias(name)
        for name, (_, kind) in targets.items()
    ).drop(*raw.values())


def _read_dates(texts: pl.Series, month_first: bool) -> pl.DataFrame:
    """Each of ``texts`` (distinct, not blank) as canonical ``timestamp`` and ``date`` text, or
    null in both where no format fits. The work is staged so each regex and each format runs
    once over the values."""
    frame = texts.to_frame("raw").with_columns(_prepare_date_text(pl.col("raw")).alias("prep"))
    day_first_shape = r"^\d{1,2}[/.\-\s]\p{L}|^\d{1,2}\.\d{1,2}\.\d{2,4}\b"
    frame = frame.with_columns(pl.col("raw").str.contains(day_first_shape).alias("day_first"))
    branches = {
        "day": _day_month_formats(False),
        "numeric": [*_day_month_formats(month_first), *_ISO_FORMATS],
    }
    # a few values of each shape tell which formats are worth trying on all of them
    samples = frame.select(
        pl.col("prep").filter(shape).head(SAMPLES).implode().alias(kind)
        for kind, shape in (("day", pl.col("day_first")), ("numeric", ~pl.col("day_first")))
    ).row(0, named=True)

    def parse(every: bool) -> pl.Expr:
        chosen = {
            kind: formats
            if every
            else _formats_needed(pl.Series(samples[kind], dtype=pl.String), formats)
            for kind, formats in branches.items()
        }
        nothing = pl.lit(None, pl.Datetime("us"))
        text = pl.col("prep")
        return (
            pl.when(pl.col("day_first"))
            .then(_attempts(text, chosen["day"]) if chosen["day"] else nothing)
            .otherwise(_attempts(text, chosen["numeric"]) if chosen["numeric"] else nothing)
            .alias("parsed")
        )

    frame = frame.with_columns(parse(every=False))
    # a value the samples did not stand for (another format further down the list) gets
    # every format, as it would have without the samples
    if frame.select((pl.col("prep").is_not_null() & pl.col("parsed").is_null()).any()).item():
        frame = frame.with_columns(parse(every=True))
    return frame.select(
        pl.col("parsed").dt.strftime("%Y-%m-%d %H:%M:%S").alias("timestamp"),
        pl.col("parsed").dt.strftime("%Y-%m-%d").alias("date"),
    )
