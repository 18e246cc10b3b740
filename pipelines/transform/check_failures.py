"""What a failed model check found, in words: the problems a failed grain test reports.

A model's grain test (``tests/generic/grain.sql``) fails with one row per problem: a repeated
key, a column with NULLs, a value not accepted, a reference its parent lacks, a broken rule. dbt
only says how many problems there were; a refresh that stops on one says which, with the value
found and how many rows carry it, by running the test's compiled query again on the warehouse.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import duckdb

SHOWN_A_CHECK = 10
"""Problems listed for one check; a line says when there are more."""


def grain_failures(
    con: duckdb.DuckDBPyConnection,
    run_results: Mapping[str, Any],
    nodes: Mapping[str, Any],
) -> list[str]:
    """One line per problem of each grain test that failed or warned in ``run_results``.

    ``nodes`` are the manifest's nodes (to tell a grain test by its generic test). A query that
    no longer runs (the warehouse changed since) is named instead of its problems."""
    lines: list[str] = []
    for result in run_results.get("results", []):
        node = nodes.get(result.get("unique_id", ""), {})
        test = node.get("test_metadata") or {}
        if test.get("name") != "grain" or result.get("status") not in ("fail", "warn", "error"):
            continue
        model = str(node.get("attached_node", "")).split(".")[-1]
        sql = result.get("compiled_code")
        if not sql:
            continue
        # the project's own compiled test, as dbt ran it
        query = f"select problem, column_name, found, rows from ({sql}) order by all limit ?"  # noqa: S608
        try:
            problems = con.execute(query, [SHOWN_A_CHECK + 1]).fetchall()
        except duckdb.Error as error:
            lines.append(f"{model}: its check could not be run again ({error})")
            continue
        parents = {
            column: re.sub(r"^\s*ref\(\s*'([^']+)'\s*\)\s*$", r"\1", str(parent))
            for column, parent in (test.get("kwargs") or {}).get("references", {}).items()
        }
        lines.extend(
            f"{model}: {_described(*problem, parents)}" for problem in problems[:SHOWN_A_CHECK]
        )
        if len(problems) > SHOWN_A_CHECK:
            lines.append(f"{model}: … and more problems (the check's query is in the run folder)")
    return lines


def _described(
    problem: str, column: str, found: str | None, rows: int, parents: Mapping[str, str]
) -> str:
    count = f"on {rows:,} row(s)"
    if problem == "repeated key":
        return f"repeated key ({column}) = {found} {count}"
    if problem == "nulls":
        return f"{column} is empty {count}"
    if problem == "unexpected value":
        return f"unexpected value '{found}' in {column} {count}"
    if problem == "unknown reference":
        return f"{column} '{found}' is not in {parents.get(column, 'its parent model')} {count}"
    if problem == "broken rule":
        return f"rule {column} broken {count}"
    return f"{problem} {column} {found or ''} {count}".replace("  ", " ")
