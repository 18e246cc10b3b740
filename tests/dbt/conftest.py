"""One real `dbt build` over a small hand-built portfolio, shared by every dbt test.

The portfolio is inserted straight into the raw tables the loader owns (created by the real
``ensure_schema``), so these tests exercise the dbt project alone: every expected KPI in
test_earned_value.py was computed by hand from the rows below (the arithmetic is written there).

Portfolio, as of 2026-04-30 (the month end of the latest timesheet / snapshot / import date):

- WF-1  waterfall, Jan-Jun 2026: re-baselined in March (B1 -> B2), MS Project-like task
        snapshots with a summary task, person and role rates with a rate change, a USD
        contractor and a USD invoice (fx carried forward through February).
- AG-1  agile, Feb-May 2026: story points and no baseline costs, an undated baseline whose first
        month plans nothing (leading zero PV), a summary epic carrying points.
- IM-1  Jan-Aug 2026 with an earned_value import (future months with PV only) that takes
        precedence over its own budget and timesheets.
- PR-0  proposed, starts after the as-of date: in dim_projects, no earned-value rows.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from filelock import FileLock

from pipelines.ingest.contracts import ENTITIES
from pipelines.ingest.warehouse import ensure_schema

ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = ROOT / "dbt_project"
DBT_EXECUTABLE = Path(sys.executable).parent / "pmo-dbt"  # the product's dbt command line
PARSE_STATES = Path(os.environ.get("TMPDIR", "/tmp")) / "pmo-test-parse-states"
"""dbt parse states shared by the test warehouses (see ``_seed_parse_state``)."""
LOADED_AT = datetime(2026, 5, 2, 8, 0, 0)

D = date.fromisoformat

PORTFOLIO: dict[str, list[dict[str, Any]]] = {
    "projects": [
        {
            "project_code": "WF-1",
            "project_name": "Warehouse replatforming",
            "portfolio": "Ops",
            "methodology": "waterfall",
            "start_date": D("2026-01-05"),
            "planned_finish_date": D("2026-06-30"),
            "status": "active",
            "currency": "EUR",
            "project_manager": "Ravi Menon",
        },
        {
            "project_code": "AG-1",
            "project_name": "Customer app",
            "portfolio": "Digital",
            "methodology": "agile",
            "start_date": D("2026-02-01"),
            "planned_finish_date": D("2026-05-31"),
            "status": "active",
            "currency": None,
        },
        {
            "project_code": "IM-1",
            "project_name": "Plant upgrade",
            "portfolio": "Ops",
            "methodology": "waterfall",
            "start_date": D("2026-01-01"),
            "planned_finish_date": D("2026-08-31"),
            "status": "active",
            "currency": "EUR",
        },
        {
            "project_code": "PR-0",
            "project_name": "Next year's idea",
            "portfolio": "Digital",
            "methodology": "hybrid",
            "start_date": D("2026-09-01"),
            "planned_finish_date": D("2027-03-31"),
            "status": "proposed",
            "currency": "EUR",
        },
    ],
    "people": [
        {"employee_id": "E1", "full_name": "Ana Souza", "role": "developer"},
        {"employee_id": "E2", "full_name": "Bo Lind", "role": "Analyst"},
        {
            "employee_id": "E3",
            "full_name": "Cy Park",
            "role": "developer",
            "employment_type": "contractor",
        },
        {"employee_id": "E4", "full_name": "Di Roy", "role": "developer"},
    ],
    "cost_rates": [
        # person rates win over role rates; role names match case-insensitively
        {
            "employee_id": "E1",
            "effective_from": D("2025-01-01"),
            "hourly_cost_rate": 50.0,
            "currency": "EUR",
        },
        {
            "employee_id": "E1",
            "effective_from": D("2026-03-01"),
            "hourly_cost_rate": 60.0,
            "currency": "EUR",
        },
        {
            "employee_id": "E2",
            "effective_from": D("2026-04-01"),
            "hourly_cost_rate": 42.0,
            "currency": None,
        },
        {
            "employee_id": "E3",
            "effective_from": D("2026-01-01"),
            "hourly_cost_rate": 100.0,
            "currency": "usd",
        },
        {
            "role": "Developer",
            "effective_from": D("2025-01-01"),
            "hourly_cost_rate": 45.0,
            "currency": "EUR",
        },
        {
            "role": "analyst",
            "effective_from": D("2025-01-01"),
            "hourly_cost_rate": 40.0,
            "currency": "EUR",
        },
    ],
    "fx_rates": [
        # no February rate: February uses January's
        {"currency": "USD", "rate_month": D("2026-01-01"), "rate_to_reporting_currency": 0.9},
        {"currency": "USD", "rate_month": D("2026-03-01"), "rate_to_reporting_currency": 0.8},
    ],
    "timesheets": [
        # WF-1
        {
            "employee_id": "E1",
            "project_code": "WF-1",
            "task_key": "T1",
            "work_date": D("2026-01-15"),
            "hours": 8.0,
        },  # 8 x 50 = 400
        {
            "employee_id": "E1",
            "project_code": "WF-1",
            "task_key": "T2",
            "work_date": D("2026-01-15"),
            "hours": 2.0,
        },  # 2 x 50 = 100
        {
            "employee_id": "E2",
            "project_code": "WF-1",
            "task_key": "T1",
            "work_date": D("2026-01-20"),
            "hours": 5.0,
        },  # role analyst 5 x 40 = 200
        {
            "employee_id": "E1",
            "project_code": "WF-1",
            "task_key": "T1",
            "work_date": D("2026-02-10"),
            "hours": 10.0,
        },  # 10 x 50 = 500
        {
            "employee_id": "E3",
            "project_code": "WF-1",
            "task_key": "T2",
            "work_date": D("2026-02-05"),
            "hours": 4.0,
        },  # 4 x 100 USD x 0.9 = 360
        {
            "employee_id": "E1",
            "project_code": "WF-1",
            "task_key": "T2",
            "work_date": D("2026-03-02"),
            "hours": 8.0,
        },  # new rate 8 x 60 = 480
        {
            "employee_id": "E3",
            "project_code": "WF-1",
            "task_key": "T2",
            "work_date": D("2026-03-05"),
            "hours": 4.0,
        },  # 4 x 100 USD x 0.8 = 320
        {
            "employee_id": "E2",
            "project_code": "WF-1",
            "task_key": "T3",
            "work_date": D("2026-04-02"),
            "hours": 10.0,
        },  # own rate now 10 x 42 = 420
        # AG-1
        {
            "employee_id": "E1",
            "project_code": "AG-1",
            "task_key": "S1",
            "work_date": D("2026-02-03"),
            "hours": 8.0,
        },  # 8 x 50 = 400
        {
            "employee_id": "E4",
            "project_code": "AG-1",
            "task_key": "S3",
            "work_date": D("2026-03-10"),
            "hours": 10.0,
        },  # role Developer 10 x 45 = 450
        # IM-1: costed, but the import's actual cost takes precedence
        {
            "employee_id": "E2",
            "project_code": "IM-1",
            "task_key": None,
            "work_date": D("2026-02-12"),
            "hours": 2.0,
        },  # role analyst 2 x 40 = 80
    ],
    "invoices": [
        {
            "invoice_number": "INV-1",
            "vendor": "Northwind",
            "project_code": "WF-1",
            "invoice_date": D("2026-02-20"),
            "amount": 3000.0,
            "currency": "EUR",
        },
        {
            "invoice_number": "INV-2",
            "vendor": "Contoso",
            "project_code": "WF-1",
            "invoice_date": D("2026-04-10"),
            "amount": 1000.0,
            "currency": "USD",
        },  # x 0.8 = 800
    ],
    "budgets": [
        # WF-1 B1 (original, approved before the start): 1000 1000 2000 2000 2000 2000 = 10 000,
        # January split over two cost categories
        *[
            {
                "project_code": "WF-1",
                "budget_month": D(month),
                "cost_category": category,
                "expense_type": "capex",
                "amount": amount,
                "currency": "EUR",
                "baseline_version": "B1",
                "approved_on": D("2025-12-15"),
            }
            for month, category, amount in [
                ("2026-01-01", "labour", 600.0),
                ("2026-01-01", "vendor", 400.0),
                ("2026-02-01", "labour", 1000.0),
                ("2026-03-01", "labour", 2000.0),
                ("2026-04-01", "labour", 2000.0),
                ("2026-05-01", "labour", 2000.0),
                ("2026-06-01", "labour", 2000.0),
            ]
        ],
        # WF-1 B2 (change request approved 2026-03-10): 1000 1000 2000 3000 3000 2000 = 12 000
        *[
            {
                "project_code": "WF-1",
                "budget_month": D(month),
                "cost_category": "labour",
                "expense_type": "capex",
                "amount": amount,
                "currency": "EUR",
                "baseline_version": "B2",
                "approved_on": D("2026-03-10"),
            }
            for month, amount in [
                ("2026-01-01", 1000.0),
                ("2026-02-01", 1000.0),
                ("2026-03-01", 2000.0),
                ("2026-04-01", 3000.0),
                ("2026-05-01", 3000.0),
                ("2026-06-01", 2000.0),
            ]
        ],
        # AG-1, undated (still the original baseline), nothing planned in February: 0 3000 3000 2000
        *[
            {
                "project_code": "AG-1",
                "budget_month": D(month),
                "cost_category": "labour",
                "expense_type": "opex",
                "amount": amount,
                "currency": None,
                "baseline_version": "B1",
                "approved_on": None,
            }
            for month, amount in [
                ("2026-02-01", 0.0),
                ("2026-03-01", 3000.0),
                ("2026-04-01", 3000.0),
                ("2026-05-01", 2000.0),
            ]
        ],
        # IM-1: a budget the import overrides
        {
            "project_code": "IM-1",
            "budget_month": D("2026-01-01"),
            "cost_category": "labour",
            "expense_type": "capex",
            "amount": 9999.0,
            "currency": "EUR",
            "baseline_version": "B1",
            "approved_on": D("2025-12-01"),
        },
    ],
    "tasks": [
        # WF-1 2026-01-31: the summary task is not counted; 4000 x 20 % + 6000 x 0 % = 800
        *[
            {"project_code": "WF-1", "snapshot_date": D("2026-01-31"), **task}
            for task in [
                {
                    "task_key": "SUM",
                    "is_summary": True,
                    "baseline_cost": 10000.0,
                    "percent_complete": 8.0,
                    "status_category": "in_progress",
                },
                {
                    "task_key": "T1",
                    "parent_key": "SUM",
                    "baseline_cost": 4000.0,
                    "percent_complete": 20.0,
                    "status_category": "in_progress",
                },
                {
                    "task_key": "T2",
                    "parent_key": "SUM",
                    "baseline_cost": 6000.0,
                    "percent_complete": 0.0,
                    "status_category": "todo",
                },
            ]
        ],
        # WF-1 2026-02-15: superseded by the later February snapshot
        *[
            {"project_code": "WF-1", "snapshot_date": D("2026-02-15"), **task}
            for task in [
                {"task_key": "T1", "baseline_cost": 4000.0, "percent_complete": 30.0},
                {"task_key": "T2", "baseline_cost": 6000.0, "percent_complete": 5.0},
            ]
        ],
        # WF-1 2026-02-28: 4000 x 50 % + 6000 x 10 % = 2600 (also used for March: no snapshot)
        *[
            {"project_code": "WF-1", "snapshot_date": D("2026-02-28"), **task}
            for task in [
                {
                    "task_key": "SUM",
                    "is_summary": True,
                    "baseline_cost": 10000.0,
                    "percent_complete": 26.0,
                },
                {"task_key": "T1", "baseline_cost": 4000.0, "percent_complete": 50.0},
                {"task_key": "T2", "baseline_cost": 6000.0, "percent_complete": 10.0},
            ]
        ],
        # WF-1 2026-04-30: T1 done without a percentage (= 100 %), new task T3 after the
        # re-baseline: 4000 x 100 % + 6000 x 50 % + 2000 x 0 % = 7000
        *[
            {"project_code": "WF-1", "snapshot_date": D("2026-04-30"), **task}
            for task in [
                {
                    "task_key": "SUM",
                    "is_summary": True,
                    "baseline_cost": 12000.0,
                    "percent_complete": 58.0,
                },
                {
                    "task_key": "T1",
                    "baseline_cost": 4000.0,
                    "percent_complete": None,
                    "status_category": "done",
                },
                {
                    "task_key": "T2",
                    "baseline_cost": 6000.0,
                    "percent_complete": 50.0,
                    "status_category": "in_progress",
                },
                {
                    "task_key": "T3",
                    "baseline_cost": 2000.0,
                    "percent_complete": None,
                    "status_category": "todo",
                },
            ]
        ],
        # AG-1 2026-02-27: done 5 of 16 points (the epic's 16 are not counted again)
        *[
            {"project_code": "AG-1", "snapshot_date": D("2026-02-27"), **task}
            for task in [
                {"task_key": "EPIC", "is_summary": True, "story_points": 16.0},
                {"task_key": "S1", "story_points": 5.0, "status_category": "done"},
                {"task_key": "S2", "story_points": 3.0, "status_category": "todo"},
                {"task_key": "S3", "story_points": 8.0, "status_category": "in_progress"},
            ]
        ],
        # AG-1 2026-03-31: done 8 of 20 points (scope grew by S4)
        *[
            {"project_code": "AG-1", "snapshot_date": D("2026-03-31"), **task}
            for task in [
                {"task_key": "EPIC", "is_summary": True, "story_points": 20.0},
                {"task_key": "S1", "story_points": 5.0, "status_category": "done"},
                {"task_key": "S2", "story_points": 3.0, "status_category": "done"},
                {"task_key": "S3", "story_points": 8.0, "status_category": "in_progress"},
                {"task_key": "S4", "story_points": 4.0, "status_category": "todo"},
            ]
        ],
    ],
    "earned_value": [
        {
            "project_code": "IM-1",
            "status_date": D(status),
            "planned_value": pv,
            "earned_value": ev,
            "actual_cost": ac,
            "budget_at_completion": bac,
        }
        for status, pv, ev, ac, bac in [
            ("2026-01-31", 1000.0, 900.0, 1000.0, 8000.0),
            ("2026-02-28", 2000.0, 1800.0, 2100.0, 8000.0),
            ("2026-03-31", 3000.0, 3000.0, 3300.0, 8000.0),
            ("2026-04-30", 4000.0, 3500.0, 4200.0, None),
            # the rest of the baseline curve: planned value only
            ("2026-05-31", 5000.0, None, None, None),
            ("2026-06-30", 6000.0, None, None, None),
            ("2026-07-31", 7000.0, None, None, None),
            ("2026-08-31", 8000.0, None, None, None),
        ]
    ],
}


def insert_raw_rows(
    con: duckdb.DuckDBPyConnection,
    entity_name: str,
    source_file: str,
    rows: list[dict[str, Any]],
    loaded_at: datetime = LOADED_AT,
) -> str:
    """Insert rows into raw.<entity> as if loaded from ``source_file``; returns its sha256."""
    entity = ENTITIES[entity_name]
    sha256 = hashlib.sha256(source_file.encode()).hexdigest()
    columns = [
        *entity.column_names,
        "source_file",
        "source_sha256",
        "source_line",
        "source_format",
        "load_id",
        "loaded_at",
    ]
    records = [
        [row.get(name) for name in entity.column_names]
        + [source_file, sha256, line, "canonical_csv", f"{sha256[:16]}:{entity_name}", loaded_at]
        for line, row in enumerate(rows, start=2)
    ]
    placeholders = ", ".join("?" for _ in columns)
    con.executemany(
        f"insert into raw.{entity_name} ({', '.join(columns)}) values ({placeholders})", records
    )
    return sha256


def load_portfolio(
    con: duckdb.DuckDBPyConnection,
    portfolio: dict[str, list[dict[str, Any]]] | None = None,
    *,
    log_loads: bool = True,
    loaded_at: datetime = LOADED_AT,
) -> None:
    """Insert a portfolio (default PORTFOLIO) into raw.<entity>, one pretend file per entity."""
    for entity_name, rows in (PORTFOLIO if portfolio is None else portfolio).items():
        source_file = f"landing/{entity_name}.csv"
        sha256 = insert_raw_rows(con, entity_name, source_file, rows, loaded_at)
        if not log_loads:
            continue
        con.execute(
            "insert into raw.load_log values (?, ?, ?, 'canonical_csv', ?, null, ?, ?, 0, 0,"
            " 'loaded', null, ?, ?)",
            [
                f"{sha256[:16]}:{entity_name}",
                source_file,
                sha256,
                entity_name,
                len(rows),
                len(rows),
                LOADED_AT,
                LOADED_AT,
            ],
        )


@dataclass(frozen=True)
class DbtBuild:
    """What one `dbt build` left behind: its exit code, output, run results and duration."""

    returncode: int
    output: str
    run_results: dict[str, Any]
    seconds: float

    def grain_checks(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """Model -> the status and the arguments (key, not_null, accepted_values, references,
        rules) of the grain test this build ran on it."""
        from pipelines.transform.project import read_manifest

        nodes = read_manifest()["nodes"]
        checks = {}
        for result in self.run_results.get("results", []):
            node = nodes.get(result["unique_id"], {})
            test = node.get("test_metadata") or {}
            if test.get("name") == "grain":
                model = node["attached_node"].split(".")[-1]
                checks[model] = (result["status"], test["kwargs"])
        return checks


class BuiltWarehouse:
    """A module's built warehouse, read through a read-only attachment, rows as dicts."""

    def __init__(self, path: Path, build: DbtBuild) -> None:
        self.path = path
        self.build = build

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"attach '{self.path}' as wh (read_only)")
            con.execute("use wh")
            cursor = con.execute(sql, params or [])
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
        finally:
            con.close()

    def one(self, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
        rows = self.rows(sql, params)
        assert len(rows) == 1, f"expected one row, got {len(rows)}: {sql} {params}"
        return rows[0]


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[], Any]) -> Any:
    """``make()``'s result, made once per test run whichever worker asks first: a module's tests
    may run on both workers of ``-n 2`` (its fixtures would then be built twice, a dbt build
    each). The result is kept beside the workers' temp dirs, behind a lock; a run without
    workers keeps it in its own temp dir, so nothing outlives the run."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "built-once"
    root.mkdir(exist_ok=True)
    kept = root / f"{name}.pickle"
    with FileLock(str(root / f"{name}.lock")):
        if kept.exists():
            return pickle.loads(kept.read_bytes())
        result = make()
        kept.write_bytes(pickle.dumps(result))
        return result


def built_portfolio(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    load: Callable[[duckdb.DuckDBPyConnection], None],
    build: Callable[[Path, Path], DbtBuild],
) -> tuple[Path, DbtBuild]:
    """A fresh warehouse in a temp dir: raw schema, ``load`` its rows, ``build`` it with dbt
    (once per test run: see :func:`built_once`)."""
    return built_once(
        tmp_path_factory, name, lambda: _built_portfolio(tmp_path_factory, name, load, build)
    )


def _built_portfolio(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    load: Callable[[duckdb.DuckDBPyConnection], None],
    build: Callable[[Path, Path], DbtBuild],
) -> tuple[Path, DbtBuild]:
    if not DBT_EXECUTABLE.exists():
        pytest.skip(f"dbt is not installed beside {DBT_EXECUTABLE.parent}")
    work_dir = tmp_path_factory.mktemp(name)
    path = work_dir / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    try:
        ensure_schema(con)
        load(con)
    finally:
        con.close()
    result = build(work_dir, path)
    if result.returncode != 0:
        pytest.fail(f"dbt build failed:\n{result.output[-6000:]}")
    return path, result


@dataclass(frozen=True)
class DbtPortfolio:
    warehouse: Path
    first: DbtBuild
    second: DbtBuild
    first_rows: dict[str, list[tuple[Any, ...]]]
    second_rows: dict[str, list[tuple[Any, ...]]]

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"attach '{self.warehouse}' as wh (read_only)")
            con.execute("use wh")
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def unit_tests_passed(self) -> set[str]:
        """The unique ids of the unit tests the first build ran and passed. It builds the whole
        project, so every unit test runs there (their rows are their own, not the portfolio's):
        the modules' own builds leave unit tests out and read them here."""
        return {
            r["unique_id"]
            for r in self.first.run_results["results"]
            if r["unique_id"].startswith("unit_test.") and r["status"] == "pass"
        }


COMPARED_MODELS = ("fct_earned_value_monthly", "dim_projects", "int_timesheet_entries_costed")


def dbt_build(
    work_dir: Path,
    warehouse: Path,
    command: str = "build",
    *extra_args: str,
    executable: Path = DBT_EXECUTABLE,
    share_parse: bool = True,
) -> DbtBuild:
    """Run the real dbt CLI of this virtualenv; target and logs stay in the temp dir.

    ``share_parse``: start from (and leave) the parse state builds of the same warehouse name
    and vars share; else from whatever ``work_dir/target`` holds."""
    env = {
        **os.environ,
        "PMO_WAREHOUSE_PATH": str(warehouse),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    target = work_dir / "target"
    shared_state = _seed_parse_state(target, warehouse, extra_args) if share_parse else None
    started = time.perf_counter()
    completed = subprocess.run(
        [
            str(executable),
            command,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(work_dir / "logs"),
            *extra_args,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=work_dir,
        check=False,
    )
    seconds = time.perf_counter() - started
    made = target / "partial_parse.msgpack"
    shared = shared_state is not None and completed.returncode in (0, 1)
    if shared and made.is_file() and not shared_state.exists():
        PARSE_STATES.mkdir(parents=True, exist_ok=True)
        scratch = shared_state.with_suffix(f".{os.getpid()}")
        scratch.write_bytes(made.read_bytes())
        scratch.replace(shared_state)
    results_path = target / "run_results.json"
    run_results = json.loads(results_path.read_text()) if results_path.exists() else {}
    return DbtBuild(completed.returncode, completed.stdout + completed.stderr, run_results, seconds)


def _seed_parse_state(target: Path, warehouse: Path, extra_args: tuple[str, ...]) -> Path:
    """Start ``target`` from the parse state an earlier build with the same warehouse name and
    vars left (``pmo-dbt`` does not compare the warehouse's folder), as the product starts a
    data directory's first build from the install's: dbt then parses only what changed instead
    of the whole project (~8 s of a core per build). dbt itself checks that the state fits the
    project's files, the vars and its version, and parses again where it does not.

    Returns where this build's state is shared (written after the build when none is yet)."""
    project_files = sorted(
        f"{path.relative_to(DBT_PROJECT_DIR)}:{path.stat().st_mtime_ns}"
        for folder in ("models", "macros", "seeds", "tests")
        for path in (DBT_PROJECT_DIR / folder).rglob("*")
        if path.is_file()
    )
    given = list(extra_args)
    build_vars = given[given.index("--vars") + 1] if "--vars" in given else ""
    key = hashlib.sha256(
        "\x00".join([warehouse.name, build_vars, *project_files]).encode()
    ).hexdigest()[:20]
    shared = PARSE_STATES / f"{key}.msgpack"
    if shared.is_file():
        target.mkdir(parents=True, exist_ok=True)
        (target / "partial_parse.msgpack").write_bytes(shared.read_bytes())
    return shared


def build_schedule(work_dir: Path, warehouse: Path) -> DbtBuild:
    """The critical-path models and everything they read, with their data tests."""
    return dbt_build(
        work_dir,
        warehouse,
        "build",
        "--select",
        "+rpt_schedule_critical_path_monthly",
        "--indirect-selection",
        "cautious",
        "--exclude",
        "test_type:unit",
        "--threads",
        "2",
    )


def schedule_network(warehouse: BuiltWarehouse, month: str) -> dict[str, dict[str, Any]]:
    """The month's scheduled tasks, by ``project/task``."""
    rows = warehouse.rows(
        "select * from fct_schedule_network_monthly where network_month = ?",
        [date.fromisoformat(month)],
    )
    return {f"{row['project_code']}/{row['task_key']}": row for row in rows}


def pass_dates_and_float(row: dict[str, Any]) -> tuple[Any, ...]:
    """A scheduled task as a hand-computed network states it: early start and finish, late start
    and finish (ISO dates), total and free float."""
    return (
        row["early_start"].isoformat(),
        row["early_finish"].isoformat(),
        row["late_start"].isoformat(),
        row["late_finish"].isoformat(),
        row["total_float_days"],
        row["free_float_days"],
    )


def snapshot_rows(warehouse: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            model: con.execute(f"select * from main.{model} order by all").fetchall()
            for model in COMPARED_MODELS
        }
    finally:
        con.close()


@pytest.fixture(scope="session")
def dbt_portfolio(tmp_path_factory: pytest.TempPathFactory) -> DbtPortfolio:
    """`dbt build` the hand-built portfolio, then rebuild the compared models from the same
    inputs.

    The rebuild is `dbt run` of the compared models and their ancestors (models only: the tests
    already ran once) in the same target directory, so it also reuses the parsed manifest.
    """
    if not DBT_EXECUTABLE.exists():
        pytest.skip(f"dbt is not installed beside {sys.executable}")
    return built_once(tmp_path_factory, "dbt_portfolio", lambda: _dbt_portfolio(tmp_path_factory))


def _dbt_portfolio(tmp_path_factory: pytest.TempPathFactory) -> DbtPortfolio:
    work_dir = tmp_path_factory.mktemp("dbt")
    warehouse = work_dir / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    try:
        ensure_schema(con)
        load_portfolio(con)
    finally:
        con.close()
    first = dbt_build(work_dir, warehouse)
    if first.returncode != 0:
        pytest.fail(f"dbt build failed:\n{first.output[-6000:]}")
    first_rows = snapshot_rows(warehouse)
    # the compared models and everything they read: what could make their rows differ
    compared = [f"+{model}" for model in COMPARED_MODELS]
    second = dbt_build(work_dir, warehouse, "run", "--select", *compared)
    second_rows = snapshot_rows(warehouse) if second.returncode == 0 else {}
    return DbtPortfolio(warehouse, first, second, first_rows, second_rows)
