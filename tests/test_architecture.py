"""The import directions and read paths the layout promises, checked on the source with ``ast``.

Each rule is a function from one module's source to the violations it finds (file, line and what
to do instead). The first tests plant a violation in a few lines of source and show the rule
names it; the last ones run every rule over the tree, so breaking a promise fails with the place.

- Adapters (``pipelines/ingest/adapters``) import neither detection (``pipelines.ingest.detect``,
  which imports the adapter registry) nor another adapter: what they share lives in ``base.py``
  or a helper module (a module that registers no ``ADAPTERS``), imported at the top of the module.
- ``pipelines.errors`` holds the product's base error; only ingest imports
  ``pipelines.ingest.errors``.
- Dashboards and reports read published ``dim_``, ``fct_`` and ``rpt_`` models; a ``raw.`` table
  only where rows are shown with the file and line they came from (:data:`RAW_READS`).
- Only ``pipelines/publish/reader.py`` opens a DuckDB file (``duckdb.connect``, an ``ATTACH``) in
  the dashboards, in publishing and in ``pipelines/query.py``: the one hardened snapshot opener.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ADAPTERS_PACKAGE = "pipelines.ingest.adapters"
DETECT = "pipelines.ingest.detect"
INGEST_ERRORS = "pipelines.ingest.errors"
PRODUCT_PACKAGES = ("pipelines", "dashboards")
READERS = ("dashboards", "pipelines/publish/reports")
"""Where published data is shown: the dashboards and the report packs."""
PUBLISHED_PREFIXES = ("dim_", "fct_", "rpt_")

RAW_READS: dict[tuple[str, str], str] = {
    ("dashboards/data.py", "raw.timesheets"): "timesheet lines with file and line (drill-downs)",
    ("dashboards/data.py", "raw.people"): "the name of the person on those timesheet lines",
    ("dashboards/data.py", "raw.invoices"): "invoices with file and line (drill-down)",
    ("dashboards/data.py", "raw.tasks"): "the task export EV was measured from, file and line",
    ("dashboards/data.py", "raw.risks"): "the file and line of each open risk (drill-down)",
    ("dashboards/components/ui.py", "raw.earned_value"): "imported EV rows with file and line",
    ("dashboards/views/data_quality.py", "raw.load_log"): "the load log: one row a file loaded",
    ("dashboards/views/data_quality.py", "raw.quarantine"): "refused rows with file and line",
}
"""Raw tables the pages may read, each where it shows loaded rows with their file and line."""

NOT_YET_PUBLISHED: dict[tuple[str, str], str] = {}
"""Reads that bypass the published layer today, each waiting for a ``fct_``/``rpt_`` model that
carries it. An entry goes when its read does (the last test fails on an entry no longer used)."""

SNAPSHOT_OPENER = "pipelines/publish/reader.py"
OPENER_SCOPE = ("dashboards", "pipelines/publish", "pipelines/query.py")
"""Where the published snapshot is read, and so may be opened only through the reader."""
OTHER_CONNECTIONS: dict[str, str] = {
    "pipelines/publish/snapshot.py": "checkpoints the live warehouse before copying it (a writer)",
}
"""Modules in that scope that connect to DuckDB for another reason than reading the snapshot."""

NOT_READS = frozenset({"note"})
"""Keyword arguments whose text names a relation without reading it (a section's provenance)."""


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# --- the tree ---------------------------------------------------------------------------------


def module_name(path: str) -> str:
    """``pipelines/ingest/detect.py`` -> ``pipelines.ingest.detect`` (a package's ``__init__`` is
    the package)."""
    parts = list(Path(path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_files(*folders: str) -> list[str]:
    return sorted(
        path.relative_to(ROOT).as_posix()
        for folder in folders
        for path in (ROOT / folder).rglob("*.py")
    )


def known_modules() -> set[str]:
    return {module_name(path) for path in python_files(*PRODUCT_PACKAGES)}


def dbt_relations() -> set[str]:
    """Every model and seed the dbt project builds, by name."""
    project = ROOT / "dbt_project"
    return {path.stem for path in (project / "models").rglob("*.sql")} | {
        path.stem for path in (project / "seeds").glob("*.csv")
    }


# --- imports ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    line: int
    target: str
    """The module imported, or the module names are taken from (``from m import x``: ``m.x``
    when that is a module, else ``m``)."""
    in_function: bool


def imports(tree: ast.Module, module: str, is_package: bool, modules: set[str]) -> list[Import]:
    """Every import in a module, wherever it stands, with relative imports resolved."""
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            if isinstance(child, ast.Import):
                found.extend(Import(child.lineno, alias.name, nested) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = _resolve(child, module, is_package)
                for alias in child.names:
                    candidate = f"{base}.{alias.name}" if base else alias.name
                    target = candidate if candidate in modules else base
                    found.append(Import(child.lineno, target, nested))
            visit(child, nested)

    visit(tree, False)
    return list(dict.fromkeys(found))  # ``from m import a, b``: one import of m


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, *([node.module] if node.module else [])])


def registers_adapters(source: str) -> bool:
    """Whether a module under adapters/ is an adapter: it defines ``ADAPTERS`` at top level."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if any(isinstance(target, ast.Name) and target.id == "ADAPTERS" for target in targets):
            return True
    return False


def adapter_violations(
    path: str, source: str, adapters: set[str], modules: set[str]
) -> list[Violation]:
    """An adapter or helper module importing detection, the registry or another adapter, or
    importing product code inside a function (the way an import circle is dodged)."""
    module = module_name(path)
    tree = ast.parse(source)
    found = []
    for item in imports(tree, module, path.endswith("__init__.py"), modules):
        if item.target == DETECT or item.target.startswith(DETECT + "."):
            found.append(
                Violation(
                    path,
                    item.line,
                    f"imports {DETECT}, which imports the adapter registry: move what the "
                    "adapter needs into adapters/base.py",
                )
            )
        elif item.target == ADAPTERS_PACKAGE:
            found.append(Violation(path, item.line, "imports the adapter registry from an adapter"))
        elif item.target in adapters and item.target != module:
            found.append(
                Violation(
                    path,
                    item.line,
                    f"imports the adapter {item.target}: share helpers through "
                    "adapters/base.py or a helper module that registers no ADAPTERS",
                )
            )
        elif item.in_function and item.target.split(".")[0] in PRODUCT_PACKAGES:
            found.append(
                Violation(
                    path,
                    item.line,
                    f"imports {item.target} inside a function: import it at the top of the module",
                )
            )
    return found


def ingest_errors_violations(path: str, source: str, modules: set[str]) -> list[Violation]:
    """A module outside ingest importing ingest's errors (the base error is pipelines.errors)."""
    module = module_name(path)
    if module == "pipelines.ingest" or module.startswith("pipelines.ingest."):
        return []
    tree = ast.parse(source)
    return [
        Violation(
            path,
            item.line,
            f"imports {INGEST_ERRORS} outside ingest: PmoError lives in pipelines.errors",
        )
        for item in imports(tree, module, path.endswith("__init__.py"), modules)
        if item.target == INGEST_ERRORS
    ]


# --- relations read ---------------------------------------------------------------------------

_NAME = re.compile(r"(?:(main|raw)\.)?([a-z_][a-z0-9_]*)")
_SQL_SOURCE = re.compile(r"\b(?:from|join)\s+(\"?\w+\"?(?:\s*\.\s*\"?\w+\"?)?)", re.IGNORECASE)


def _relation(text: str, relations: set[str]) -> str | None:
    """The relation a bare name or a ``from``/``join`` target names, if it names one:
    ``raw.<table>``, or a dbt model or seed (``main.`` or unqualified)."""
    match = _NAME.fullmatch(re.sub(r"[\"\s]", "", text))
    if match is None:
        return None
    schema, name = match.groups()
    if schema == "raw":
        return f"raw.{name}"
    if name in relations or name.startswith(("stg_", "int_")):
        return name
    return None


_DOCUMENTED = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of a module's docstring nodes: prose, not reads."""
    nodes = [tree, *(node for node in ast.walk(tree) if isinstance(node, _DOCUMENTED))]
    return {
        id(node.body[0].value)
        for node in nodes
        if node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _texts(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, text) of the string constants that can name what is read: not docstrings, not a
    ``note=``. An f-string's pieces are numbered from its first line (Python 3.11 gives every
    piece the f-string's own position)."""
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in NOT_READS:
            skip.update(id(inner) for inner in ast.walk(node.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and id(node) not in skip:
            line = node.lineno
            for part in node.values:
                skip.add(id(part))
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    yield line, part.value
                    line += part.value.count("\n")
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        ):
            yield node.lineno, node.value


def relations_read(source: str, relations: set[str]) -> list[tuple[int, str]]:
    """(line, relation) for every relation a module names as a whole string (a model handed to
    ``data.read``, a report section's model) or after ``from``/``join`` in a SQL string."""
    found = []
    for start, text in _texts(ast.parse(source)):
        whole = _relation(text, relations)
        if whole is not None:
            found.append((start, whole))
            continue
        for match in _SQL_SOURCE.finditer(text):
            named = _relation(match.group(1), relations)
            if named is not None:
                found.append((start + text.count("\n", 0, match.start()), named))
    return sorted(found)


def read_violations(
    path: str, source: str, relations: set[str], allowed: set[tuple[str, str]]
) -> list[Violation]:
    """Dashboards and reports reading anything but a published model or an allowed raw table."""
    return [
        Violation(
            path,
            line,
            f"reads {relation}: pages and reports read dim_/fct_/rpt_ models"
            + (" (or a raw table listed in RAW_READS)" if relation.startswith("raw.") else ""),
        )
        for line, relation in relations_read(source, relations)
        if not relation.startswith(PUBLISHED_PREFIXES) and (path, relation) not in allowed
    ]


# --- opening the snapshot ---------------------------------------------------------------------

_ATTACH = re.compile(r"\battach\b", re.IGNORECASE)


def _is_connect(node: ast.Call) -> bool:
    """``duckdb.connect(...)`` or a bare ``connect(...)`` imported from duckdb."""
    func = node.func
    if isinstance(func, ast.Attribute):
        return (
            func.attr == "connect"
            and isinstance(func.value, ast.Name)
            and (func.value.id == "duckdb")
        )
    return isinstance(func, ast.Name) and func.id == "connect"


def opener_violations(path: str, source: str) -> list[Violation]:
    """A module other than the reader opening a DuckDB file: a ``duckdb.connect`` call or an
    ``ATTACH`` statement in a string (docstrings aside)."""
    if path == SNAPSHOT_OPENER:
        return []
    tree = ast.parse(source)
    found = [
        Violation(path, node.lineno, "calls duckdb.connect: open the snapshot with " + READER_USE)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _is_connect(node)
    ]
    found += [
        Violation(path, line, "ATTACHes a database: open the snapshot with " + READER_USE)
        for line, text in _texts(tree)
        if _ATTACH.search(text)
    ]
    return sorted(found, key=lambda violation: violation.line)


READER_USE = "pipelines.publish.reader.open_database"


# --- the rules catch what they are for ------------------------------------------------------

MODULES = {
    DETECT,
    INGEST_ERRORS,
    ADAPTERS_PACKAGE,
    f"{ADAPTERS_PACKAGE}.base",
    f"{ADAPTERS_PACKAGE}.jira_csv",
    f"{ADAPTERS_PACKAGE}.ado_csv",
}
ADAPTER_MODULES = {f"{ADAPTERS_PACKAGE}.jira_csv", f"{ADAPTERS_PACKAGE}.ado_csv"}


@pytest.mark.parametrize(
    ("source", "line", "says"),
    [
        ("from pipelines.ingest.detect import read_xlsx_positional\n", 1, "imports " + DETECT),
        ("from .. import detect\n", 1, "imports " + DETECT),
        ("import pipelines.ingest.detect\n", 1, "imports " + DETECT),
        (
            "def read(probe):\n    from pipelines.ingest.detect import read_xlsx_positional\n",
            2,
            "imports " + DETECT,
        ),
        (
            "from pipelines.ingest.adapters.jira_csv import with_locale_dates\n",
            1,
            "imports the adapter pipelines.ingest.adapters.jira_csv",
        ),
        ("from . import jira_csv\n", 1, "imports the adapter pipelines.ingest.adapters.jira_csv"),
        ("from pipelines.ingest.adapters import ADAPTERS\n", 1, "the adapter registry"),
        (
            "def read(probe):\n    from pipelines.ingest.contracts import ENTITIES\n",
            2,
            "inside a function",
        ),
    ],
)
def test_an_adapter_importing_detection_or_another_adapter_is_named(source, line, says):
    path = "pipelines/ingest/adapters/ado_csv.py"
    (violation,) = adapter_violations(path, source, ADAPTER_MODULES, MODULES)
    assert (violation.path, violation.line) == (path, line)
    assert says in violation.message


def test_an_adapter_may_import_base_helpers_and_itself():
    source = (
        "import json\n"
        "from pipelines.ingest.adapters.base import Probe, read_xlsx_positional\n"
        "from pipelines.ingest.errors import FileRejected\n"
        "def read(probe):\n    import fastexcel\n"
    )
    path = "pipelines/ingest/adapters/ado_csv.py"
    assert adapter_violations(path, source, ADAPTER_MODULES, MODULES) == []


def test_ingest_errors_imported_outside_ingest_is_named():
    source = "import os\nfrom pipelines.ingest.errors import PmoError\n"
    (violation,) = ingest_errors_violations("pipelines/status.py", source, MODULES)
    assert (violation.path, violation.line) == ("pipelines/status.py", 2)
    assert "PmoError lives in pipelines.errors" in violation.message
    assert ingest_errors_violations("pipelines/ingest/load.py", source, MODULES) == []
    assert (
        ingest_errors_violations("pipelines/status.py", "from pipelines import errors\n", MODULES)
        == []
    )


def test_a_page_reading_an_intermediate_or_staging_model_is_named():
    source = '''
def costed(snap, table):
    """Reads from int_timesheet_entries_costed (a docstring is not a read)."""
    frame = data.read(snap, "int_timesheet_entries_costed")
    lines = data.query(snap, """
        select *
        from main.stg_jira__issues as issue
        left join raw.people as person on person.employee_id = issue.assignee
        join "rpt_project_kpis_monthly" as kpis on true
    """)
    section = Section("q", "Quarantined", "rpt_quarantined_rows", note="raw.quarantine")
    invoices = data.query(snap, f"""
        select *
        from {table} as entry
        left join int_invoices_converted as invoice on true
    """)
    return data.read(snap, "fct_earned_value_monthly"), data.read(snap, "raw.load_log")
'''
    relations = {
        "int_timesheet_entries_costed",
        "int_invoices_converted",
        "stg_jira__issues",
        "rpt_quarantined_rows",
    }
    found = read_violations("dashboards/views/planted.py", source, relations, set())
    assert [(v.line, v.message.split(":")[0]) for v in found] == [
        (4, "reads int_timesheet_entries_costed"),
        (7, "reads stg_jira__issues"),
        (8, "reads raw.people"),
        (15, "reads int_invoices_converted"),
        (17, "reads raw.load_log"),
    ]
    allowed = {("dashboards/views/planted.py", "raw.people")}
    kept = read_violations("dashboards/views/planted.py", source, relations, allowed)
    assert [v.line for v in kept] == [4, 7, 15, 17]


def test_a_module_opening_the_snapshot_itself_is_named():
    source = '''
"""Opens the snapshot with ATTACH (a docstring is not an opening)."""
import duckdb
from duckdb import connect

def rows(path):
    con = duckdb.connect(":memory:", config={"threads": 1})
    con.execute(f"attach '{path}' as wh (read_only)")
    other = connect(str(path), read_only=True)
    return con.sql("select * from fct_earned_value_monthly"), other
'''
    found = opener_violations("pipelines/publish/reports/planted.py", source)
    assert [(v.line, v.message.split(":")[0]) for v in found] == [
        (7, "calls duckdb.connect"),
        (8, "ATTACHes a database"),
        (9, "calls duckdb.connect"),
    ]
    assert all(READER_USE in v.message for v in found)
    assert opener_violations(SNAPSHOT_OPENER, source) == []
    reading = "from pipelines.publish.reader import open_database\ncon = open_database(path)\n"
    assert opener_violations("dashboards/data.py", reading) == []


# --- the tree keeps its promises --------------------------------------------------------------


def _source(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def test_adapters_import_neither_detection_nor_each_other():
    files = python_files("pipelines/ingest/adapters")
    checked = [path for path in files if not path.endswith("__init__.py")]
    adapters = {module_name(path) for path in checked if registers_adapters(_source(path))}
    assert {f"{ADAPTERS_PACKAGE}.jira_csv", f"{ADAPTERS_PACKAGE}.ado_csv"} <= adapters
    modules = known_modules()
    found = [
        v for path in checked for v in adapter_violations(path, _source(path), adapters, modules)
    ]
    assert not found, "\n".join(map(str, found))


def test_only_ingest_imports_ingest_errors():
    modules = known_modules()
    files = python_files(*PRODUCT_PACKAGES)
    assert len(files) > 50
    found = [v for path in files for v in ingest_errors_violations(path, _source(path), modules)]
    assert not found, "\n".join(map(str, found))


def test_dashboards_and_reports_read_published_models():
    relations = dbt_relations()
    assert "dim_projects" in relations and len(relations) > 50
    allowed = set(RAW_READS) | set(NOT_YET_PUBLISHED)
    files = python_files(*READERS)
    found = [v for path in files for v in read_violations(path, _source(path), relations, allowed)]
    assert not found, "\n".join(map(str, found))


def test_every_listed_exception_is_still_read():
    """A read that has moved to a published model leaves the lists, so they stay the truth."""
    relations = dbt_relations()
    read = {
        (path, relation)
        for path in python_files(*READERS)
        for _, relation in relations_read(_source(path), relations)
    }
    stale = sorted((set(RAW_READS) | set(NOT_YET_PUBLISHED)) - read)
    assert not stale, f"listed but no longer read: {stale}"


def test_only_the_reader_opens_the_snapshot():
    files = [
        path
        for path in python_files(*(f for f in OPENER_SCOPE if not f.endswith(".py")))
        + [f for f in OPENER_SCOPE if f.endswith(".py")]
        if path not in OTHER_CONNECTIONS
    ]
    assert SNAPSHOT_OPENER in files and "dashboards/data.py" in files
    assert "pipelines/query.py" in files
    found = [v for path in files for v in opener_violations(path, _source(path))]
    assert not found, "\n".join(map(str, found))
    # the listed exception still connects (else it leaves the list)
    for path in OTHER_CONNECTIONS:
        assert opener_violations(path, _source(path)), f"{path} no longer connects: unlist it"
