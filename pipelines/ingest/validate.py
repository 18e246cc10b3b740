"""Row-level contract checks, vectorised: text frame in, typed good rows and quarantine out."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from pipelines.ingest.contracts import Column, Entity

POLARS_TYPES: dict[str, pl.DataType] = {
    "str": pl.String(),
    "date": pl.Date(),
    "float": pl.Float64(),
    "int": pl.Int64(),
    "bool": pl.Boolean(),
    "datetime": pl.Datetime("us"),
}

EXPECTED_TEXT = {
    "date": "a date (YYYY-MM-DD)",
    "datetime": "a timestamp (YYYY-MM-DD HH:MM:SS)",
    "float": "a number",
    "int": "a whole number",
    "bool": "true/false (or yes/no)",
}

# A project date outside these years is a typo or a placeholder ('9999-12-31', '0001-01-01'): one
# such row would stretch every monthly mart and the calendar to that year, so it is refused.
DATE_RANGE = (date(1970, 1, 1), date(2099, 12, 31))

BATCH_FILE = "_batch_file"
"""When several files are checked in one pass, the index of the file a row came from; every
check keeps it (a key repeats within a file, not across files)."""

QUARANTINE_SCHEMA = {
    "source_line": pl.Int64,
    "column_name": pl.String,
    "found_value": pl.String,
    "reason": pl.String,
}


def _text(name: str) -> pl.Expr:
    stripped = pl.col(name).cast(pl.String).str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def _typed_name(column: Column) -> str:
    """Where :func:`validate` keeps a column's typed value (its text when it is plain text)."""
    return (
        column.name
        if column.dtype == "str" and column.allowed is None
        else f"__typed_{column.name}"
    )


def typed_expr(column: Column) -> pl.Expr:
    """The canonical text of a column (stripped, blank as null) cast to its contract type
    (null where it does not parse)."""
    text = pl.col(column.name)
    if column.dtype == "date":
        return text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    if column.dtype == "datetime":
        return pl.coalesce(
            text.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False),
            text.str.strptime(pl.Datetime("us"), "%Y-%m-%d", strict=False),
        )
    if column.dtype == "bool":
        lowered = text.str.to_lowercase()
        return pl.when(lowered == "true").then(True).when(lowered == "false").then(False)
    if column.dtype in ("float", "int"):
        value = text.cast(pl.Float64, strict=False)
        value = pl.when(value.is_finite()).then(value)
        return value.round(0).cast(pl.Int64) if column.dtype == "int" else value
    if column.allowed is not None:
        return text.str.to_lowercase().str.replace_all(r"[\s\-]+", "_")
    return text


def _fmt(value: float) -> str:
    return f"{value:g}"


def checks(column: Column) -> list[tuple[pl.Expr, pl.Expr]]:
    """(failing condition, reason) pairs for one column, over the columns :func:`validate`
    prepares: the column's text (stripped, blank as null) and its typed value."""
    text = pl.col(column.name)
    typed = pl.col(_typed_name(column))
    name = column.name
    found = pl.lit(f"{name}: found '") + text.str.slice(0, 80) + pl.lit("', expected ")
    out: list[tuple[pl.Expr, pl.Expr]] = []
    if not column.nullable:
        out.append((text.is_null(), pl.lit(f"{name}: missing value, expected a value (required)")))
    if column.dtype != "str":
        out.append(
            (text.is_not_null() & typed.is_null(), found + pl.lit(EXPECTED_TEXT[column.dtype]))
        )
    if column.dtype in ("date", "datetime"):
        low, high = DATE_RANGE
        if column.dtype == "datetime":
            low, high = (
                datetime.combine(low, datetime.min.time()),
                datetime(high.year, 12, 31, 23, 59, 59),
            )
        out.append(
            (
                (typed < low) | (typed > high),
                found + pl.lit(f"a date between {DATE_RANGE[0]} and {DATE_RANGE[1]}"),
            )
        )
    if column.allowed is not None:
        allowed = ", ".join(column.allowed)
        out.append(
            (
                typed.is_not_null() & ~typed.is_in(list(column.allowed)),
                found + pl.lit(f"one of: {allowed}"),
            )
        )
    if column.min_value is not None:
        out.append(
            (typed < column.min_value, found + pl.lit(f"a value ≥ {_fmt(column.min_value)}"))
        )
    if column.max_value is not None:
        out.append(
            (typed > column.max_value, found + pl.lit(f"a value ≤ {_fmt(column.max_value)}"))
        )
    if column.dtype == "str":
        out.append(
            (
                text.str.len_chars() > 10_000,
                pl.lit(
                    f"{name}: found a value of more than 10,000 characters, expected shorter text"
                ),
            )
        )
    return out


def validate(frame: pl.DataFrame, entity: Entity) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split an adapter frame into typed rows that pass the contract and quarantine rows.

    The quarantine frame has one row per problem (source_line, column_name, found_value, reason);
    a source line with any problem is removed from the good rows. Every check of every column is
    evaluated in one pass of booleans that flags the failing rows; only those rows get the list
    of their problems, unpacked one per row (every column has at least one check: text has a
    length limit).
    """
    carry = [BATCH_FILE] if BATCH_FILE in frame.columns else []
    missing = [name for name in entity.column_names if name not in frame.columns]
    if missing:
        frame = frame.with_columns(pl.lit(None, pl.String).alias(name) for name in missing)
    # each column's text and typed value worked out once, not again in each check that reads it
    frame = frame.with_columns(_text(name).alias(name) for name in entity.column_names)
    frame = frame.with_columns(
        typed_expr(column).alias(_typed_name(column))
        for column in entity.columns
        if _typed_name(column) != column.name
    )
    failing = [
        (column, condition.fill_null(False), reason)
        for column in entity.columns
        for condition, reason in checks(column)
    ]
    # which rows fail any check first (booleans only), then the problems of those rows alone:
    # building every row's problem list cost seconds on a large file read as one chunk
    flagged = frame.with_columns(
        pl.any_horizontal([condition for _, condition, _ in failing]).alias("_flagged")
    )
    problem_exprs = [
        pl.when(condition).then(
            pl.struct(
                pl.lit(column.name).alias("column_name"),
                pl.col(column.name).alias("found_value"),
                reason.alias("reason"),
            )
        )
        for column, condition, reason in failing
    ]
    quarantine = (
        flagged.filter(pl.col("_flagged"))
        .with_columns(pl.concat_list(problem_exprs).list.drop_nulls().alias("_problems"))
        .select(pl.col("source_line").cast(pl.Int64), "_problems", *carry)
        .explode("_problems")
        .unnest("_problems")
        .select(*QUARANTINE_SCHEMA, *carry)
        .cast(QUARANTINE_SCHEMA)
        .sort(*carry, "source_line", maintain_order=True)
    )
    good = flagged.filter(~pl.col("_flagged")).select(
        *[
            pl.col(_typed_name(column)).cast(POLARS_TYPES[column.dtype]).alias(column.name)
            for column in entity.columns
        ],
        pl.col("source_line").cast(pl.Int64),
        *carry,
    )
    return good, quarantine
