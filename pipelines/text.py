"""Small wording helpers shared by the CLI, the asset logs and the dry run."""

from __future__ import annotations


def rows_text(count: int, noun: str = "row") -> str:
    """'1 row', '2,048 rows'."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")
