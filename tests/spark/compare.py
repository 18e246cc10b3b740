"""Two builds of the same models compared row by row, in DuckDB.

Each side of a model is a relation DuckDB reads (a warehouse table, or a Spark table's Parquet
folder through ``read_parquet``). Both sides must have the same column names in the same order
and the same row count; rows are paired after sorting both by every column (exact columns
first), then compared column by column: floating and decimal values to a relative 1e-9, every
other value exactly. A double near zero is compared to ABSOLUTE_TOLERANCE instead: a difference
of two sums of money (a reconciliation's residue) is exact only to the order the engine added
them in, 1e-10 of a currency unit either side of zero.
``python -m tests.spark.compare A.duckdb B.duckdb`` compares the fct_/rpt_/dim_ tables of two
DuckDB warehouses.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import duckdb

RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-6
MART_PREFIXES = ("fct_", "rpt_", "dim_")
APPROXIMATE = ("DOUBLE", "FLOAT", "REAL", "DECIMAL")
SHOWN_ROWS = 5


@dataclass(frozen=True)
class Difference:
    model: str
    message: str

    def __str__(self) -> str:
        return f"{self.model}: {self.message}"


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return [
        (row[0], row[1]) for row in con.execute(f"describe select * from {relation}").fetchall()
    ]


def _approximate(type_name: str) -> bool:
    return type_name.upper().startswith(APPROXIMATE)


def _paired(relation: str, names: list[str], order: str, side: str) -> str:
    selected = ", ".join(f'"{name}" as "{side}{index}"' for index, name in enumerate(names))
    return f"select row_number() over (order by {order}) as pair, {selected} from {relation}"


def compare_model(
    con: duckdb.DuckDBPyConnection, model: str, left: str, right: str
) -> list[Difference]:
    """The differences between two relations holding the same model (empty when equal)."""
    left_columns, right_columns = _columns(con, left), _columns(con, right)
    names = [name for name, _ in left_columns]
    if names != [name for name, _ in right_columns]:
        return [Difference(model, f"columns differ:\n  {names}\n  {[n for n, _ in right_columns]}")]
    counts = [con.execute(f"select count(*) from {rel}").fetchone()[0] for rel in (left, right)]
    if counts[0] != counts[1]:
        return [Difference(model, f"row counts differ: {counts[0]} vs {counts[1]}")]
    approximate = [
        _approximate(a) or _approximate(b)
        for (_, a), (_, b) in zip(left_columns, right_columns, strict=True)
    ]
    by_exact = [f'"{n}"' for n, approx in zip(names, approximate, strict=True) if not approx]
    by_value = [f'"{n}"' for n, approx in zip(names, approximate, strict=True) if approx]
    order = ", ".join([*by_exact, *by_value]) or "1"
    pairs = (
        f"(select * from ({_paired(left, names, order, 'l')}) as l "
        f"inner join ({_paired(right, names, order, 'r')}) as r using (pair))"
    )
    differences = []
    for index, (name, approx) in enumerate(zip(names, approximate, strict=True)):
        a, b = f"l{index}", f"r{index}"
        if approx:
            differs = (
                f"({a} is null) <> ({b} is null) or abs(cast({a} as double) - cast({b} as double))"
                f" > {RELATIVE_TOLERANCE} * greatest(abs(cast({a} as double)),"
                f" abs(cast({b} as double))) and abs(cast({a} as double) - cast({b} as double))"
                f" > {ABSOLUTE_TOLERANCE}"
            )
        else:
            differs = f"{a} is distinct from {b}"
        shown = con.execute(
            f"select pair, {a}, {b} from {pairs} where {differs} order by pair limit {SHOWN_ROWS}"
        ).fetchall()
        if shown:
            rows = "\n".join(f"    row {pair}: {x!r} vs {y!r}" for pair, x, y in shown)
            differences.append(Difference(model, f"column {name} differs, first rows:\n{rows}"))
    return differences


def type_differences(
    con: duckdb.DuckDBPyConnection, left: str, right: str
) -> list[tuple[str, str, str]]:
    """(column, left type, right type) for each column typed differently on the two sides."""
    return [
        (name, a, b)
        for (name, a), (_, b) in zip(_columns(con, left), _columns(con, right), strict=False)
        if a != b
    ]


def _marts(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = 'main' order by table_name",
        [catalog],
    ).fetchall()
    return [name for (name,) in rows if name.startswith(MART_PREFIXES)]


def main(left_path: str, right_path: str) -> int:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"attach '{left_path}' as l (read_only)")
    con.execute(f"attach '{right_path}' as r (read_only)")
    models = _marts(con, "l")
    missing = sorted(set(models) ^ set(_marts(con, "r")))
    differences = [
        difference
        for model in models
        if model not in missing
        for difference in compare_model(con, model, f"l.main.{model}", f"r.main.{model}")
    ]
    for line in [*(f"only on one side: {name}" for name in missing), *map(str, differences)]:
        print(line)
    print(f"{len(models)} models compared, {len(differences) + len(missing)} differences")
    return 1 if differences or missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
