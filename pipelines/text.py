"""Small wording helpers shared by the CLI, the asset logs and the dry run."""

from __future__ import annotations

import re


def rows_text(count: int, noun: str = "row") -> str:
    """'1 row', '2,048 rows'."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def failure_summary(message: str, limit: int = 4) -> str:
    """The lines of an error worth showing a user: the error lines, not carets, banners or
    headings (``Errors parsed from dbt logs:`` with nothing under it says nothing)."""
    lines = [
        re.sub(r"^(\w+\.)*\w+(Error|Exception): ", "", line.strip())
        for line in message.strip().splitlines()
    ]
    lines = [line for line in lines if line and set(line) - set("^~ -=") and not line.endswith(":")]
    if not lines:
        return "no details in the error (the run's log in the data directory has them)"
    errors = [line for line in lines if "error" in line.lower() and "dbt.log" not in line]
    chosen = errors or lines[-1:]
    unique = list(dict.fromkeys(chosen))
    return "; ".join(unique[:limit]) + (
        f" (+{len(unique) - limit} more)" if len(unique) > limit else ""
    )
