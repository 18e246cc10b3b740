"""No function of the product is longer than a screen and a half (80 lines), checked with ``ast``.

A long function is several steps under one name; split it into named steps. Tests are exempt
(a test reads top to bottom as a story). The first test plants a long function and shows the
rule names it; the last one runs the rule over the tree, so a new long function fails with its
place and length.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 80
CHECKED = ("pipelines", "dashboards", "bench", "dbt_project/models")
"""The product's Python: the pipelines, the pages, the bench and dbt's Python models."""
SKIPPED_PARTS = frozenset({"out", "target", "__pycache__"})
"""Folders of generated files (the bench's output, dbt's compiled copies)."""


def long_functions(source: str, limit: int = MAX_LINES) -> list[tuple[int, str, int]]:
    """(line, qualified name, length) of every function or method longer than ``limit`` lines,
    decorators included."""
    found: list[tuple[int, str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                start = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                length = (child.end_lineno or child.lineno) - start + 1
                if length > limit:
                    found.append((start, name, length))
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return found


def product_files() -> list[Path]:
    return sorted(
        path
        for folder in CHECKED
        for path in (ROOT / folder).rglob("*.py")
        if not SKIPPED_PARTS & set(path.relative_to(ROOT).parts)
    )


def test_a_function_over_the_limit_is_named_with_its_length() -> None:
    body = "\n".join(f"        x{i} = {i}" for i in range(79))
    source = f"class Pack:\n    @staticmethod\n    def build():\n{body}\n        return 1\n"
    assert long_functions(source) == [(2, "Pack.build", 82)]
    fits = "def build():\n" + "\n".join(f"    x{i} = {i}" for i in range(79)) + "\n"
    assert long_functions(fits) == []


def test_no_function_of_the_product_is_over_80_lines() -> None:
    found = [
        f"{path.relative_to(ROOT).as_posix()}:{line} {name} is {length} lines "
        f"(at most {MAX_LINES}: split it into named steps)"
        for path in product_files()
        for line, name, length in long_functions(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)
