"""Delivery, resource and milestone KPIs of the real dbt project over a hand-built portfolio.

One real `dbt build` per module (the models below with their ancestors, descendants and the
descendants' other parents) over a small portfolio inserted straight into the raw tables. Every
expected figure was worked out by hand from the rows below; the arithmetic is in the comments.

Portfolio, as of 2026-04-30 (month end of the latest timesheet and task snapshot, both 04-30):

- AG-1  agile, team Falcons, four closed two-week sprints and one open, six task snapshots
        (carry-over, scope growth, work resolved after a sprint closed, an unestimated story),
        a milestone. Velocity, burn-up, throughput, cycle time, the Monte Carlo forecast.
- AG-2  agile, one closed sprint that completed nothing (zero velocity: no forecast) and an
        undated sprint known only from the issues (team = project code).
- AG-3  agile backlog with points but no sprint (no velocity history: no forecast).
- WF-1  waterfall: MS Project-like tasks (cycle time from actual start/finish) and three
        milestone snapshots plus one after the as-of date.
- People: a full-timer who over- and under-books, a part-timer who starts mid-week, a
        contractor who leaves mid-week and books afterwards, a person with no capacity on file.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.ingest.contracts import ENTITIES
from pipelines.ingest.warehouse import ensure_schema
from tests.dbt.conftest import (
    DBT_EXECUTABLE,
    DBT_PROJECT_DIR,
    LOADED_AT,
    DbtPortfolio,
    built_once,
)

# one worker builds the portfolio once for every test here (pytest -n 2 --dist loadgroup)
pytestmark = pytest.mark.xdist_group(__name__)  # its tests share one built warehouse

D = date.fromisoformat
T = datetime.fromisoformat

MODELS = (
    "fct_sprint_velocity",
    "fct_project_burnup",
    "fct_delivery_flow_monthly",
    "rpt_delivery_forecast",
    "fct_milestone_on_time_by_project",
    "fct_milestone_slippage",
    "fct_resource_utilization_weekly",
    "fct_resource_utilization_group_weekly",
)
INTERMEDIATE_MODELS = (
    "int_sprint_windows",
    "int_task_flow_issues",
    "int_resource_days",
    "int_milestone_forecast_history",
)
METRIC_FORMATS = {"text", "date", "integer", "number", "currency", "percent", "ratio", "boolean"}

# ------------------------------------------------------------------------------------ projects

PROJECTS = [
    {
        "project_code": code,
        "project_name": name,
        "portfolio": "Digital",
        "methodology": methodology,
        "start_date": D(start),
        "planned_finish_date": D(finish),
        "status": "active",
        "currency": "EUR",
    }
    for code, name, methodology, start, finish in [
        ("AG-1", "Customer app", "agile", "2026-01-05", "2026-06-30"),
        ("AG-2", "Partner portal", "agile", "2026-02-16", "2026-09-30"),
        ("AG-3", "Loyalty", "agile", "2026-04-01", "2026-12-31"),
        ("WF-1", "Warehouse replatforming", "waterfall", "2026-01-05", "2026-06-30"),
    ]
]

# ------------------------------------------------------------------------------------- sprints

SPRINTS = [
    {
        "project_code": project,
        "sprint_name": name,
        "team": team,
        "start_date": D(start),
        "end_date": D(end),
        "complete_date": D(complete) if complete else None,
    }
    for project, name, team, start, end, complete in [
        ("AG-1", "Falcons Sprint 1", "Falcons", "2026-01-05", "2026-01-16", "2026-01-16"),
        ("AG-1", "Falcons Sprint 2", "Falcons", "2026-01-19", "2026-01-30", "2026-01-30"),
        # closed a day early: work resolved on 02-13 no longer counts for it
        ("AG-1", "Falcons Sprint 3", "Falcons", "2026-02-02", "2026-02-13", "2026-02-12"),
        ("AG-1", "Falcons Sprint 4", "Falcons", "2026-02-16", "2026-02-27", None),
        ("AG-1", "Falcons Sprint 5", "Falcons", "2026-04-20", "2026-05-01", None),  # open
        ("AG-1", "Falcons Sprint 6", "Falcons", "2026-05-04", "2026-05-15", None),  # future
        ("AG-2", "Otters Sprint 1", "Otters", "2026-03-02", "2026-03-13", "2026-03-13"),
    ]
]

# --------------------------------------------------------------------------------------- tasks
# AG-1 issues: points and creation. A8 is unestimated; EPIC is a summary (never counted).
AG1_ISSUES = {
    "A1": (5.0, "2026-01-02 09:00:00"),
    "A2": (3.0, "2026-01-02 09:00:00"),
    "A3": (8.0, "2026-01-02 09:00:00"),
    "A4": (2.0, "2026-01-02 09:00:00"),
    "A5": (5.0, "2026-01-02 09:00:00"),
    "A6": (3.0, "2026-01-02 09:00:00"),
    "A7": (8.0, "2026-01-02 09:00:00"),
    "A8": (None, "2026-01-02 09:00:00"),
    "A9": (3.0, "2026-02-14 10:00:00"),
    "A10": (5.0, "2026-03-01 09:00:00"),
    "A11": (8.0, "2026-03-01 09:00:00"),
}
S1, S2, S3, S4, S5 = (f"Falcons Sprint {n}" for n in range(1, 6))
DONE = "done"
# Per snapshot: issue -> (sprint, status category, resolved_at). Done issues stay listed.
DONE_BY_0119 = {"A1": (S1, DONE, "2026-01-12 16:00:00"), "A2": (S1, DONE, "2026-01-16 15:00:00")}
DONE_BY_0202 = {
    **DONE_BY_0119,
    "A3": (S2, DONE, "2026-01-29 11:00:00"),
    "A5": (S2, DONE, "2026-01-30 17:00:00"),
}
DONE_BY_0216 = {
    **DONE_BY_0202,
    "A4": (S3, DONE, "2026-02-12 10:00:00"),
    "A6": (S3, DONE, "2026-02-13 09:00:00"),  # after Sprint 3 closed on 02-12
}
DONE_BY_0302 = {
    **DONE_BY_0216,
    "A7": (S4, DONE, "2026-02-26 12:00:00"),
    "A8": (S4, DONE, None),  # done, no resolution date: completed, not in throughput
}
AG1_SNAPSHOTS: dict[str, dict[str, tuple[str | None, str, str | None]]] = {
    "2026-01-05": {
        "A1": (S1, "todo", None),
        "A2": (S1, "todo", None),
        "A3": (S1, "todo", None),
        **dict.fromkeys(("A4", "A5", "A6", "A7", "A8"), (None, "todo", None)),
    },
    "2026-01-19": {
        **DONE_BY_0119,
        "A3": (S2, "in_progress", None),  # carried over from Sprint 1
        "A4": (S2, "todo", None),
        "A5": (S2, "todo", None),
        **dict.fromkeys(("A6", "A7", "A8"), (None, "todo", None)),
    },
    "2026-02-02": {
        **DONE_BY_0202,
        "A4": (S3, "in_progress", None),  # carried over from Sprint 2
        "A6": (S3, "todo", None),
        "A7": (None, "todo", None),
        "A8": (None, "todo", None),
    },
    "2026-02-16": {
        **DONE_BY_0216,
        "A7": (S4, "todo", None),
        "A8": (S4, "todo", None),
        "A9": (S4, "todo", None),
    },
    "2026-03-02": {
        **DONE_BY_0302,
        "A9": (None, "todo", None),  # taken out of Sprint 4
        "A10": (None, "todo", None),
        "A11": (None, "todo", None),
    },
    "2026-04-30": {
        **DONE_BY_0302,
        "A9": (S5, "in_progress", None),
        "A10": (S5, DONE, "2026-04-24 15:00:00"),
        "A11": (None, "todo", None),
    },
}


def _ag1_tasks() -> list[dict[str, Any]]:
    rows = []
    for snapshot, issues in AG1_SNAPSHOTS.items():
        rows.append(
            {
                "project_code": "AG-1",
                "task_key": "EPIC",
                "task_type": "Epic",
                "is_summary": True,
                "story_points": 50.0,
                "status_category": "in_progress",
                "created_at": T("2026-01-02 09:00:00"),
                "snapshot_date": D(snapshot),
            }
        )
        for key, (sprint, status, resolved) in issues.items():
            points, created = AG1_ISSUES[key]
            rows.append(
                {
                    "project_code": "AG-1",
                    "task_key": key,
                    "task_type": "Story",
                    "parent_key": "EPIC",
                    "story_points": points,
                    "status_category": status,
                    "sprint": sprint,
                    "created_at": T(created),
                    "resolved_at": T(resolved) if resolved else None,
                    "is_summary": False,
                    "snapshot_date": D(snapshot),
                }
            )
    return rows


def _story(project: str, key: str, snapshot: str, **values: Any) -> dict[str, Any]:
    return {
        "project_code": project,
        "task_key": key,
        "task_type": "Story",
        "snapshot_date": D(snapshot),
        **values,
    }


OTHER_TASKS = [
    # AG-2: Otters Sprint 1 commits B1 (5) and completes nothing; B2 (3) lands in an undated sprint
    _story(
        "AG-2",
        "B1",
        "2026-03-02",
        story_points=5.0,
        status_category="todo",
        sprint="Otters Sprint 1",
        created_at=T("2026-02-20 10:00:00"),
    ),
    _story(
        "AG-2",
        "B2",
        "2026-03-02",
        story_points=3.0,
        status_category="todo",
        created_at=T("2026-02-20 10:00:00"),
    ),
    _story(
        "AG-2",
        "B1",
        "2026-03-16",
        story_points=5.0,
        status_category="in_progress",
        sprint="Otters Sprint 1",
        created_at=T("2026-02-20 10:00:00"),
    ),
    _story(
        "AG-2",
        "B2",
        "2026-03-16",
        story_points=3.0,
        status_category="todo",
        sprint="Otters Sprint 2",
        created_at=T("2026-02-20 10:00:00"),
    ),
    # AG-3: a backlog with points and no sprint
    _story(
        "AG-3",
        "C1",
        "2026-04-30",
        story_points=5.0,
        status_category="todo",
        created_at=T("2026-04-01 09:00:00"),
    ),
    _story(
        "AG-3",
        "C2",
        "2026-04-30",
        story_points=3.0,
        status_category="done",
        created_at=T("2026-04-01 09:00:00"),
        resolved_at=T("2026-04-10 17:00:00"),
    ),
    # WF-1: scheduling-tool tasks (no creation time, actual dates); summary and milestone left out
    _story(
        "WF-1",
        "SUM",
        "2026-04-30",
        task_type="Summary",
        is_summary=True,
        status_category="in_progress",
        actual_start=D("2026-02-02"),
    ),
    _story(
        "WF-1",
        "W1",
        "2026-04-30",
        task_type="Task",
        status_category="done",
        percent_complete=100.0,
        actual_start=D("2026-02-02"),
        actual_finish=D("2026-02-20"),
    ),
    _story(
        "WF-1",
        "W2",
        "2026-04-30",
        task_type="Milestone",
        is_milestone=True,
        status_category="done",
        actual_start=D("2026-03-18"),
        actual_finish=D("2026-03-18"),
    ),
    _story(
        "WF-1",
        "W3",
        "2026-04-30",
        task_type="Task",
        status_category="in_progress",
        percent_complete=30.0,
        actual_start=D("2026-04-01"),
    ),
]

# ------------------------------------------------------------------------ people and timesheets

PEOPLE = [
    {
        "employee_id": "E1",
        "full_name": "Ana Souza",
        "team": "Falcons",
        "role": "Developer",
        "capacity_hours_per_week": 40.0,
        "employment_type": "employee",
    },
    {
        "employee_id": "E2",
        "full_name": "Bo Lind",
        "team": "Falcons",
        "role": "Analyst",
        "capacity_hours_per_week": 20.0,
        "employment_type": "employee",
        "start_date": D("2026-04-08"),
    },  # a Wednesday
    {
        "employee_id": "E3",
        "full_name": "Cy Park",
        "team": "Otters",
        "role": "developer",
        "capacity_hours_per_week": 40.0,
        "employment_type": "contractor",
        "end_date": D("2026-04-14"),
    },  # a Tuesday
    {"employee_id": "E4", "full_name": "Di Roy"},  # no team, role or capacity on file
]


def _entries(employee: str, project: str, hours_by_day: dict[str, float]) -> list[dict[str, Any]]:
    return [
        {"employee_id": employee, "project_code": project, "work_date": D(day), "hours": hours}
        for day, hours in hours_by_day.items()
    ]


TIMESHEETS = [
    # E1: two entries on Monday 04-06 (6 + 4 = 10)
    *_entries("E1", "WF-1", {"2026-04-06": 4.0}),
    *_entries(
        "E1",
        "AG-1",
        {
            "2026-04-06": 6.0,
            "2026-04-07": 10.0,
            "2026-04-08": 10.0,
            "2026-04-09": 10.0,
            "2026-04-10": 6.0,  # week 15: 46 h
            "2026-04-13": 8.0,
            "2026-04-14": 8.0,
            "2026-04-15": 8.0,
            "2026-04-17": 8.0,
            "2026-04-18": 4.0,  # week 16: 36 h, Thursday missing, Saturday counted
            "2026-04-20": 8.0,
            "2026-04-21": 8.0,  # week 17: 16 h
            "2026-04-27": 8.0,
            "2026-04-28": 8.0,
            "2026-04-29": 8.0,
            "2026-04-30": 8.0,  # week 18
        },
    ),
    # E2 from Wednesday 04-08, 4 h a day, nothing on Friday 04-10
    *_entries(
        "E2",
        "AG-1",
        {
            "2026-04-08": 4.0,
            "2026-04-09": 4.0,
            **{f"2026-04-{day:02d}": 4.0 for day in (13, 14, 15, 16, 17, 20, 21, 22, 23, 24)},
            **{f"2026-04-{day:02d}": 4.0 for day in (27, 28, 29, 30)},
        },
    ),
    # E3 until Tuesday 04-14, then 3 h booked on 04-20 after leaving
    *_entries(
        "E3",
        "WF-1",
        {
            **{f"2026-04-{day:02d}": 8.0 for day in (6, 7, 8, 9, 10, 13, 14)},
            "2026-04-20": 3.0,
        },
    ),
    *_entries("E4", "WF-1", {"2026-04-06": 8.0}),
]

# ---------------------------------------------------------------------------------- milestones


def _milestones(project: str, snapshot: str, rows: list[tuple]) -> list[dict[str, Any]]:
    return [
        {
            "project_code": project,
            "milestone_name": name,
            "baseline_date": D(baseline) if baseline else None,
            "forecast_date": D(forecast) if forecast else None,
            "actual_date": D(actual) if actual else None,
            "snapshot_date": D(snapshot),
        }
        for name, baseline, forecast, actual in rows
    ]


MILESTONES = [
    *_milestones(
        "WF-1",
        "2026-02-28",
        [
            ("Kick-off", "2026-01-10", "2026-01-09", "2026-01-09"),
            ("Design approved", "2026-03-15", "2026-03-15", None),
            ("Data migrated", "2026-04-15", "2026-04-15", None),
            ("Build complete", "2026-05-31", "2026-05-31", None),
            ("Go-live", "2026-06-30", "2026-06-30", None),
            ("Hypercare exit", None, None, None),
            ("Legacy decommission", "2026-05-01", "2026-05-01", None),  # dropped later
        ],
    ),
    *_milestones(
        "WF-1",
        "2026-03-31",
        [
            ("Kick-off", "2026-01-10", "2026-01-09", "2026-01-09"),
            ("Design approved", "2026-03-15", "2026-03-20", "2026-03-18"),
            ("Data migrated", "2026-04-15", "2026-04-20", None),
            ("Build complete", "2026-05-31", "2026-06-05", None),
            ("Go-live", "2026-06-30", "2026-06-30", None),
            ("Hypercare exit", None, None, None),
        ],
    ),
    *_milestones(
        "WF-1",
        "2026-04-30",
        [
            ("Kick-off", "2026-01-10", "2026-01-09", "2026-01-09"),
            ("Design approved", "2026-03-15", "2026-03-20", "2026-03-18"),
            ("Data migrated", "2026-04-15", "2026-04-20", None),
            ("Build complete", "2026-05-31", "2026-06-10", None),
            ("Go-live", "2026-06-30", "2026-06-25", None),
            ("Hypercare exit", None, "2026-08-31", None),
        ],
    ),
    # after the as-of date: ignored
    *_milestones(
        "WF-1",
        "2026-05-15",
        [
            ("Build complete", "2026-05-31", "2026-05-14", "2026-05-14"),
        ],
    ),
    *_milestones("AG-1", "2026-04-30", [("MVP release", "2026-06-15", "2026-06-15", None)]),
]

PORTFOLIO: dict[str, list[dict[str, Any]]] = {
    "projects": PROJECTS,
    "people": PEOPLE,
    "sprints": SPRINTS,
    "tasks": [*_ag1_tasks(), *OTHER_TASKS],
    "timesheets": TIMESHEETS,
    "milestones": MILESTONES,
}

# ------------------------------------------------------------------------------ the dbt build


def load(con: duckdb.DuckDBPyConnection, portfolio: dict[str, list[dict[str, Any]]]) -> None:
    """Insert the portfolio into raw.<entity>, one pretend file per entity (as conftest does)."""
    for entity_name, rows in portfolio.items():
        entity = ENTITIES[entity_name]
        source_file = f"landing/delivery/{entity_name}.csv"
        sha256 = hashlib.sha256(source_file.encode()).hexdigest()
        load_id = f"{sha256[:16]}:{entity_name}"
        lineage = [
            "source_file",
            "source_sha256",
            "source_line",
            "source_format",
            "load_id",
            "loaded_at",
        ]
        columns = [*entity.column_names, *lineage]
        records = [
            [row.get(name) for name in entity.column_names]
            + [source_file, sha256, line, "canonical_csv", load_id, LOADED_AT]
            for line, row in enumerate(rows, start=2)
        ]
        con.executemany(
            f"insert into raw.{entity_name} ({', '.join(columns)})"
            f" values ({', '.join('?' for _ in columns)})",
            records,
        )
        con.execute(
            "insert into raw.load_log values (?, ?, ?, 'canonical_csv', ?, null, ?, ?, 0, 0,"
            " 'loaded', null, ?, ?)",
            [load_id, source_file, sha256, entity_name, len(rows), len(rows), LOADED_AT, LOADED_AT],
        )


def run_dbt(work_dir: Path, warehouse: Path, *args: str) -> tuple[int, str, dict[str, Any]]:
    env = {
        **os.environ,
        "PMO_WAREHOUSE_PATH": str(warehouse),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    target = work_dir / "target"
    completed = subprocess.run(
        [
            str(DBT_EXECUTABLE),
            *args,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(work_dir / "logs"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=work_dir,
        check=False,
    )
    results_path = target / "run_results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    return completed.returncode, completed.stdout + completed.stderr, results


@dataclass(frozen=True)
class Built:
    warehouse: Path
    work_dir: Path
    run_results: dict[str, Any]

    def rows(self, sql: str) -> list[dict[str, Any]]:
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"attach '{self.warehouse}' as wh (read_only)")
            con.execute("use wh")
            cursor = con.execute(sql)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            con.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """Build the models, their ancestors, descendants and the descendants' other parents.

    `@model` is `+model+` plus the other parents of the descendants, so a downstream model never
    runs against a table this selection did not build. Tests of models outside the selection
    stay out (cautious indirect selection).
    """
    if not DBT_EXECUTABLE.exists():
        pytest.skip("dbt is not installed in this virtualenv")
    yield built_once(tmp_path_factory, "dbt_delivery", lambda: _build(tmp_path_factory))


def _build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    work_dir = tmp_path_factory.mktemp("dbt_delivery")
    warehouse = work_dir / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    try:
        ensure_schema(con)
        load(con, PORTFOLIO)
    finally:
        con.close()
    code, output, results = run_dbt(
        work_dir,
        warehouse,
        "build",
        "--select",
        *(f"@{model}" for model in MODELS),
        "--indirect-selection",
        "cautious",
        "--exclude",
        "test_type:unit",  # they run once, in the whole project's build (conftest.py)
    )
    if code != 0:
        pytest.fail(f"dbt build failed:\n{output[-6000:]}")
    return Built(warehouse, work_dir, results)


def by(rows: list[dict[str, Any]], *keys: str) -> dict[Any, dict[str, Any]]:
    return {tuple(row[key] for key in keys) if len(keys) > 1 else row[keys[0]]: row for row in rows}


def assert_row(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for column, value in expected.items():
        if isinstance(value, float):
            assert actual[column] == pytest.approx(value, abs=1e-9), column
        else:
            assert actual[column] == value, column


# ---------------------------------------------------------------------------------- the build


def test_build_passes_every_test_and_unit_test(built: Built, dbt_portfolio: DbtPortfolio) -> None:
    results = built.run_results["results"]
    failed = [r["unique_id"] for r in results if r["status"] not in ("success", "pass")]
    assert failed == []
    ids = {r["unique_id"] for r in results}
    unit_tests = dbt_portfolio.unit_tests_passed()
    for model in (*MODELS, *INTERMEDIATE_MODELS):
        assert any(uid.startswith("model.") and uid.endswith(f".{model}") for uid in ids), model
        assert any(uid.startswith(f"unit_test.pmo_pulse.{model}.") for uid in unit_tests), model
    assert "seed.pmo_pulse.delivery_settings" in ids


def test_every_user_facing_column_carries_a_metric(built: Built) -> None:
    manifest = json.loads((built.work_dir / "target" / "manifest.json").read_text())
    for model in MODELS:
        node = manifest["nodes"][f"model.pmo_pulse.{model}"]
        assert node["description"].startswith("One row per"), model
        built_types = {
            row["column_name"]: row["data_type"]
            for row in built.rows(
                "select column_name, data_type from information_schema.columns"
                f" where table_name = '{model}'"
            )
        }
        assert set(node["columns"]) == set(built_types), model
        for name, column in node["columns"].items():
            metric = column["meta"].get("metric", {})
            assert {"label", "format", "good_when", "description"} <= set(metric), (model, name)
            assert metric["format"] in METRIC_FORMATS, (model, name)
            assert metric["good_when"] in {"higher", "lower", "neutral"}, (model, name)
            # counts are plain integers (not DuckDB's 128-bit sums) so every reader can take them
            if metric["format"] == "integer":
                assert built_types[name] in {"INTEGER", "BIGINT"}, (model, name)


# ---------------------------------------------------------------------------------- velocity
# Falcons, AG-1 (snapshots 01-05, 01-19, 02-02, 02-16, 03-02, 04-30):
# S1 committed on 01-05: A1 5 + A2 3 + A3 8 = 16; completion snapshot 01-19 (first on or after
#    the 01-16 finish): A1, A2 done -> 8; say/do 8/16 = 0.5
# S2 committed on 01-19: A3 8 (carried over) + A4 2 + A5 5 = 15; on 02-02: A3, A5 done -> 13;
#    A4 carried into S3; 13/15
# S3 committed on 02-02: A4 2 + A6 3 = 5; closed 02-12, snapshot 02-16: A4 resolved 02-12 counts,
#    A6 resolved 02-13 does not -> 2; 2/5 = 0.4
# S4 committed on 02-16: A7 8 + A8 (no points) + A9 3 = 11 (3 issues); on 03-02: A7 and A8 done
#    -> 8 (2 issues), A9 taken out; 8/11
# S5 (open at 04-30) committed on 04-30: A9 3 + A10 5 = 8; done so far: A10 5; no say/do
# Rolling: 8; (8 + 13)/2 = 10.5; (8 + 13 + 2)/3 = 7.667; (13 + 2 + 8)/3 = 7.667
# S6 starts 05-04, after the as-of date: no row.
VELOCITY = {
    ("AG-1", S1): dict(
        team="Falcons",
        sprint_sequence=1,
        committed_issue_count=3,
        committed_story_points=16.0,
        completed_issue_count=2,
        completed_story_points=8.0,
        say_do_ratio=0.5,
        rolling_3_sprint_velocity_story_points=8.0,
        rolling_velocity_sprint_count=1,
        is_closed=True,
        commitment_snapshot_date=D("2026-01-05"),
        completion_snapshot_date=D("2026-01-19"),
        sprint_length_days=12,
    ),
    ("AG-1", S2): dict(
        committed_story_points=15.0,
        completed_story_points=13.0,
        say_do_ratio=13 / 15,
        rolling_3_sprint_velocity_story_points=10.5,
        rolling_velocity_sprint_count=2,
        is_closed=True,
    ),
    ("AG-1", S3): dict(
        committed_story_points=5.0,
        completed_issue_count=1,
        completed_story_points=2.0,
        say_do_ratio=0.4,
        rolling_3_sprint_velocity_story_points=23 / 3,
        sprint_finish_date=D("2026-02-12"),
        sprint_length_days=11,
    ),
    ("AG-1", S4): dict(
        committed_issue_count=3,
        committed_story_points=11.0,
        completed_issue_count=2,
        completed_story_points=8.0,
        say_do_ratio=8 / 11,
        rolling_3_sprint_velocity_story_points=23 / 3,
        rolling_velocity_sprint_count=3,
        sprint_finish_date=D("2026-02-27"),
    ),
    ("AG-1", S5): dict(
        sprint_sequence=5,
        committed_story_points=8.0,
        completed_story_points=5.0,
        say_do_ratio=None,
        rolling_3_sprint_velocity_story_points=None,
        is_closed=False,
        is_completion_measured_after_finish=False,
        commitment_snapshot_date=D("2026-04-30"),
        completion_snapshot_date=D("2026-04-30"),
    ),
    # Otters: committed B1 5 on 03-02, nothing done by the 03-16 snapshot -> say/do 0
    ("AG-2", "Otters Sprint 1"): dict(
        team="Otters",
        committed_story_points=5.0,
        completed_story_points=0.0,
        say_do_ratio=0.0,
        rolling_3_sprint_velocity_story_points=0.0,
        is_closed=True,
    ),
    # known only from the issues, undated: team = project code, still open (B2 to do)
    ("AG-2", "Otters Sprint 2"): dict(
        team="AG-2",
        sprint_sequence=2,
        committed_story_points=3.0,
        completed_story_points=0.0,
        is_closed=False,
        sprint_start_date=None,
    ),
}


def test_sprint_velocity(built: Built) -> None:
    rows = by(built.rows("select * from fct_sprint_velocity"), "project_code", "sprint_name")
    assert set(rows) == set(VELOCITY)
    for key, expected in VELOCITY.items():
        assert_row(rows[key], expected)


# ----------------------------------------------------------------------------------- burn-up
# AG-1 scope: A1-A7 = 5+3+8+2+5+3+8 = 34 (A8 unestimated, EPIC not counted); + A9 3 on 02-16
#   = 37; + A10 5 + A11 8 on 03-02 = 50. Done: 0, 8 (A1 A2), 21 (+A3 8, A5 5), 26 (+A4 2, A6 3),
#   34 (+A7 8, A8 0), 39 (+A10 5).
BURNUP_AG1 = [
    ("2026-01-05", 34.0, 0.0, 8, 0),
    ("2026-01-19", 34.0, 8.0, 8, 2),
    ("2026-02-02", 34.0, 21.0, 8, 4),
    ("2026-02-16", 37.0, 26.0, 9, 6),
    ("2026-03-02", 50.0, 34.0, 11, 8),
    ("2026-04-30", 50.0, 39.0, 11, 9),
]


def test_burnup_per_snapshot(built: Built) -> None:
    rows = built.rows(
        "select * from fct_project_burnup where project_code = 'AG-1' order by snapshot_date"
    )
    assert [
        (
            r["snapshot_date"],
            r["scope_story_points"],
            r["done_story_points"],
            r["issue_count"],
            r["done_issue_count"],
        )
        for r in rows
    ] == [
        (D(day), scope, done, issues, done_issues)
        for day, scope, done, issues, done_issues in BURNUP_AG1
    ]
    latest = rows[-1]
    assert latest["is_latest_snapshot"] and not rows[0]["is_latest_snapshot"]
    assert latest["remaining_story_points"] == 11.0
    assert latest["story_points_done_ratio"] == pytest.approx(39 / 50)
    assert latest["unestimated_issue_count"] == 1
    # WF-1 has no story points: no burn-up; AG-2 and AG-3 do
    projects = {r["project_code"] for r in built.rows("select * from fct_project_burnup")}
    assert projects == {"AG-1", "AG-2", "AG-3"}


# ------------------------------------------------------------------------------------- flow
# AG-1 cycle times from creation (01-02): A1 01-12 10 d, A2 01-16 14, A3 01-29 27, A5 01-30 28
#   -> January: 4 resolved, 5+3+8+5 = 21 points, median (14 + 27)/2 = 20.5,
#      p85 at position 0.85 x 3 = 2.55 -> 27 + 0.55 x 1 = 27.55
#   February: A4 02-12 41, A6 02-13 42, A7 02-26 55 -> 3 resolved, 13 points, median 42,
#      p85 at 0.85 x 2 = 1.7 -> 42 + 0.7 x 13 = 51.1 (A8 is done without a date: not counted)
#   March: none resolved; A10, A11 created. April: A10 03-01 -> 04-24 = 54 days.
# WF-1 W1 from actual start 02-02 to actual finish 02-20: 18 days (summary and milestone out).
# AG-3 C2 04-01 -> 04-10: 9 days.
FLOW = {
    ("AG-1", D("2026-01-01")): (4, 21.0, 8, 20.5, 27.55),
    ("AG-1", D("2026-02-01")): (3, 13.0, 1, 42.0, 51.1),
    ("AG-1", D("2026-03-01")): (0, 0.0, 2, None, None),
    ("AG-1", D("2026-04-01")): (1, 5.0, 0, 54.0, 54.0),
    ("AG-2", D("2026-02-01")): (0, 0.0, 2, None, None),
    ("AG-2", D("2026-03-01")): (0, 0.0, 0, None, None),
    ("AG-2", D("2026-04-01")): (0, 0.0, 0, None, None),
    ("AG-3", D("2026-04-01")): (1, 3.0, 2, 9.0, 9.0),
    ("WF-1", D("2026-02-01")): (1, 0.0, 0, 18.0, 18.0),
    ("WF-1", D("2026-03-01")): (0, 0.0, 0, None, None),
    ("WF-1", D("2026-04-01")): (0, 0.0, 0, None, None),
}


def test_throughput_and_cycle_time(built: Built) -> None:
    rows = by(built.rows("select * from fct_delivery_flow_monthly"), "project_code", "flow_month")
    assert set(rows) == set(FLOW)
    columns = (
        "resolved_issue_count",
        "resolved_story_points",
        "created_issue_count",
        "cycle_time_median_days",
        "cycle_time_p85_days",
    )
    for key, values in FLOW.items():
        assert_row(rows[key], dict(zip(columns, values, strict=True)))


# --------------------------------------------------------------------------------- forecast
# AG-1: history = the 4 closed sprints (setting: last 6) completing 8, 13, 2, 8; remaining
# 50 - 39 = 11. One sprint finishes only by drawing 13 (1/4). Two sprints: 8 then >= 3 (1/2 x 3/4)
# or 2 then 13 (1/4 x 1/4): P(<= 2) = 1/4 + 3/8 + 1/16 = 0.6875 -> P50 = 2.
# Three: after (8, 2) or (2, 8) anything finishes; after (2, 2) an 8 or 13 does:
# P(<= 3) = 0.6875 + 1/8 + 1/8 + 1/16 x 3/4 = 0.984 -> P85 = P95 = 3 (robust for 2 000 trials).
# A trial finishes part-way through its last sprint: the share of that sprint's points it still
# needed. Its outcomes and their probabilities:
#   13 first: 11/13 = 0.846 (1/4)         8, 13: 1 + 3/13 = 1.231 (1/8)     8, 8: 1.375 (1/4)
#   2, 13: 1 + 9/13 = 1.692 (1/16)        (8, 2) or (2, 8) then 13: 2.077 (1/16), 8: 2.125 (1/8)
#   then 2: 2.5 (1/16)                    2, 2, 13: 2 + 7/13 = 2.538 (1/64) ...
# cumulative: 0.25, 0.375, 0.625 -> P50 = 1.375 sprints; 0.6875, 0.75, 0.875 -> P85 = 2.125;
# P95 lies between 2.5 (cumulative 0.9375) and 2.538 (0.953): the replay below decides it.
# Sprint length (12 + 12 + 11 + 12)/4 = 11.75 days from the as-of date 04-30:
# P50 + ceil(16.2) = 17 days = 05-17, P85 + ceil(25.0) = 25 = 05-25; either P95 candidate
# + ceil(29.4 or 29.8) = 30 = 05-30. Whole sprints (P50 2, P85 = P95 3) would say 05-24 and
# 06-05 twice. Last closed sprint #4 -> finish sprints 6, 7, 7.
def draw_rank(seed: int, trial: int, step: int, history: int) -> int:
    """The documented draw of rpt_delivery_forecast, recomputed independently in Python."""
    digest = hashlib.md5(f"{seed}|{trial}|{step}".encode()).hexdigest()
    return int(digest[:6], 16) * history // 2**24 + 1


def replay(
    seed: int, trials: int, history: list[float], remaining: float, limit: int
) -> list[float]:
    """Sprints each trial needs, the last one counted by the share of its points still needed."""
    finishes = []
    for trial in range(1, trials + 1):
        total, finish = 0.0, float(limit + 1)
        for step in range(1, limit + 1):
            drawn = history[draw_rank(seed, trial, step, len(history)) - 1]
            if total + drawn >= remaining:
                finish = step - 1 + (remaining - total) / drawn
                break
            total += drawn
        finishes.append(finish)
    return finishes


def percentile(values: list[float], share: float) -> float:
    """A discrete percentile: the smallest outcome at least `share` of the trials reach."""
    return sorted(values)[math.ceil(share * len(values)) - 1]


def test_monte_carlo_forecast(built: Built) -> None:
    row = by(built.rows("select * from rpt_delivery_forecast"), "project_code")["AG-1"]
    assert_row(
        row,
        dict(
            forecast_status="forecast",
            forecast_reason=None,
            remaining_story_points=11.0,
            scope_story_points=50.0,
            done_story_points=39.0,
            history_sprint_count=4,
            mean_velocity_story_points=31 / 4,
            last_closed_sprint_name=S4,
            last_closed_sprint_sequence=4,
            sprint_length_days=11.75,
            forecast_start_date=D("2026-04-30"),
            p50_sprints_to_finish=2,
            p85_sprints_to_finish=3,
            p95_sprints_to_finish=3,
            p50_finish_sprint_sequence=6,
            p85_finish_sprint_sequence=7,
            p95_finish_sprint_sequence=7,
            p50_finish_date=D("2026-05-17"),
            p85_finish_date=D("2026-05-25"),
            p95_finish_date=D("2026-05-30"),
            finish_within_horizon_probability_ratio=1.0,
            planned_finish_date=D("2026-06-30"),
            random_seed=20260101,
            trial_count=2000,
            horizon_sprints=52,
            scope_snapshot_date=D("2026-04-30"),
            as_of_date=D("2026-04-30"),
        ),
    )
    # Finishing by 06-30 (61 days) needs at most 5.19 sprints (x 11.75 = 61); only 2, 2, 2, 2,
    # 2, then 2 or 8 (1 in 2 048) need more. The exact share is the replayed trials' share.
    history = [8.0, 2.0, 13.0, 8.0]  # by recency: S4, S3, S2, S1
    finishes = replay(20260101, 2000, history, 11.0, limit=math.ceil(11 / 2) + 1)
    on_time = sum(1 for k in finishes if math.ceil(k * 11.75) <= 61) / 2000
    assert 0.99 < on_time <= 1.0
    assert row["finish_by_planned_date_probability_ratio"] == pytest.approx(on_time)
    assert percentile(finishes, 0.5) == 1.375 and percentile(finishes, 0.85) == 2.125
    assert percentile(finishes, 0.95) == pytest.approx(2 + 7 / 13)  # 2, 2, 13: 7 of 13 left


@pytest.fixture(scope="module")
def reported_later(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The same portfolio reported as of 2026-10-31 with no newer export (a copy of the build).

    Every exported date stays on or before 04-30, like a project whose task exports stopped
    months before the month being reported (the timesheets carried on).
    """
    work_dir = tmp_path_factory.mktemp("dbt_delivery_october")
    warehouse = work_dir / "warehouse.duckdb"
    warehouse.write_bytes(built.warehouse.read_bytes())
    code, output, results = run_dbt(
        work_dir,
        warehouse,
        "run",
        "--select",
        "+rpt_delivery_forecast",
        "--vars",
        "{as_of_date: '2026-10-31'}",
    )
    if code != 0:
        pytest.fail(f"dbt run as of 2026-10-31 failed:\n{output[-6000:]}")
    return Built(warehouse, work_dir, results)


# As of 10-31 Sprints 5 (5 points) and 6 (nothing exported: 0) have ended too: the history is the
# last 6 closed sprints, by recency 0, 5, 8, 2, 13, 8, each 12 days but Sprint 3 (11): mean 71/6.
# The 11 points left on the 04-30 snapshot are counted from 10-31, not from 04-30: every date
# lies after the as-of date, and a history this uneven spreads P50 < P85 < P95.
def test_forecast_counts_from_the_as_of_date_when_the_latest_snapshot_is_older(
    reported_later: Built,
) -> None:
    rows = by(reported_later.rows("select * from rpt_delivery_forecast"), "project_code")
    # no forecast date of any project before the as-of month; no throughput: no date at all
    for project in rows.values():
        for level in ("p50", "p85", "p95"):
            when = project[f"{level}_finish_date"]
            assert when is None or when >= D("2026-10-01"), (project["project_code"], level)
    row = rows["AG-1"]
    assert_row(
        row,
        dict(
            forecast_status="forecast",
            forecast_reason=None,
            remaining_story_points=11.0,
            history_sprint_count=6,
            last_closed_sprint_name="Falcons Sprint 6",
            sprint_length_days=71 / 6,
            forecast_start_date=D("2026-10-31"),
            scope_snapshot_date=D("2026-04-30"),
            as_of_date=D("2026-10-31"),
        ),
    )
    # the replayed trials: P50 1.846 sprints (1 + 11/13: nothing, then 13), P85 3.2, P95 4.125
    # -> in the 2nd, 4th and 5th sprint; x 71/6 days = 21.8, 37.9, 48.8 -> 11-22, 12-08, 12-19
    finishes = replay(20260101, 2000, [0.0, 5.0, 8.0, 2.0, 13.0, 8.0], 11.0, limit=52)
    levels = {
        "p50": (0.5, 2, "2026-11-22"),
        "p85": (0.85, 4, "2026-12-08"),
        "p95": (0.95, 5, "2026-12-19"),
    }
    for level, (share, sprints, day) in levels.items():
        exact = percentile(finishes, share)
        assert math.ceil(exact) == sprints
        assert D("2026-10-31").toordinal() + math.ceil(exact * 71 / 6) == D(day).toordinal()
        assert row[f"{level}_sprints_to_finish"] == sprints, level
        assert row[f"{level}_finish_date"] == D(day), level
    assert D("2026-10-31") < row["p50_finish_date"] < row["p85_finish_date"]
    assert row["p85_finish_date"] < row["p95_finish_date"]
    assert rows["AG-2"]["forecast_status"] == "zero_velocity"
    assert rows["AG-2"]["p50_finish_date"] is None and rows["AG-2"]["forecast_reason"]
    assert rows["AG-3"]["forecast_status"] == "no_velocity_history"
    assert rows["AG-3"]["p50_finish_date"] is None and rows["AG-3"]["forecast_reason"]


def test_projects_without_a_forecast_say_why(built: Built) -> None:
    rows = by(built.rows("select * from rpt_delivery_forecast"), "project_code")
    # WF-1 has neither sprints nor story points: nothing to forecast, no row
    assert set(rows) == {"AG-1", "AG-2", "AG-3"}
    # AG-2: its one closed sprint completed nothing; remaining 5 + 3 = 8
    assert_row(
        rows["AG-2"],
        dict(
            forecast_status="zero_velocity",
            p50_sprints_to_finish=None,
            p95_finish_date=None,
            remaining_story_points=8.0,
            history_sprint_count=1,
            trial_count=2000,
        ),
    )
    assert rows["AG-2"]["forecast_reason"] == "The sprints in the history completed no points."
    # AG-3: points (5 of 8 remaining) but no sprint yet
    assert_row(
        rows["AG-3"],
        dict(
            forecast_status="no_velocity_history",
            p50_sprints_to_finish=None,
            remaining_story_points=5.0,
            history_sprint_count=0,
        ),
    )
    assert rows["AG-3"]["forecast_reason"]


def test_forecast_is_reproducible(built: Built) -> None:
    """Rebuilding the forecast from the same inputs and seed gives the same rows."""
    query = "select * from rpt_delivery_forecast order by project_code"
    first = built.rows(query)
    code, output, _ = run_dbt(
        built.work_dir, built.warehouse, "run", "--select", "rpt_delivery_forecast"
    )
    assert code == 0, output[-3000:]
    assert built.rows(query) == first


# -------------------------------------------------------------------------------- resources
# ISO weeks 15-18 of 2026 start on 04-06, 04-13, 04-20, 04-27 (the as-of week ends on Thursday
# 04-30: 4 working days). Capacity = contract x working days / 5. Thresholds 1.1 and 0.8.
W15, W16, W17, W18 = D("2026-04-06"), D("2026-04-13"), D("2026-04-20"), D("2026-04-27")
PERSON_WEEKS = {
    # E1 40 h: 46/40 = 1.15 > 1.1 over; 36/40 = 0.9 (Thursday missing, Saturday counted);
    #   16/40 = 0.4 under, 3 days missing; week 18: 4 days -> 32 h capacity, 32 logged
    ("E1", W15): dict(
        iso_week=15,
        capacity_hours=40.0,
        logged_hours=46.0,
        utilization_ratio=1.15,
        is_over_allocated=True,
        is_under_allocated=False,
        missing_timesheet_days=0,
    ),
    ("E1", W16): dict(
        iso_week=16,
        capacity_hours=40.0,
        logged_hours=36.0,
        utilization_ratio=0.9,
        is_over_allocated=False,
        is_under_allocated=False,
        missing_timesheet_days=1,
        timesheet_compliance_ratio=0.8,
    ),
    ("E1", W17): dict(
        logged_hours=16.0,
        utilization_ratio=0.4,
        is_under_allocated=True,
        missing_timesheet_days=3,
        timesheet_compliance_ratio=0.4,
    ),
    ("E1", W18): dict(
        iso_week=18,
        capacity_hours=32.0,
        logged_hours=32.0,
        utilization_ratio=1.0,
        expected_working_days=4,
        is_partial_week=True,
    ),
    # E2 20 h from Wednesday: 3 days -> 12 h capacity, 8 logged = 0.667 < 0.8 under, Friday missing
    ("E2", W15): dict(
        capacity_hours=12.0,
        logged_hours=8.0,
        utilization_ratio=8 / 12,
        is_under_allocated=True,
        expected_working_days=3,
        missing_timesheet_days=1,
        timesheet_compliance_ratio=2 / 3,
    ),
    ("E2", W16): dict(capacity_hours=20.0, logged_hours=20.0, utilization_ratio=1.0),
    ("E2", W17): dict(capacity_hours=20.0, logged_hours=20.0, utilization_ratio=1.0),
    ("E2", W18): dict(capacity_hours=16.0, logged_hours=16.0, utilization_ratio=1.0),
    # E3 40 h until Tuesday 04-14: week 16 has 2 days (16 h); week 17 is after leaving: capacity 0,
    #   3 h logged -> no ratio, over-allocated, no working day; no row for week 18
    ("E3", W15): dict(capacity_hours=40.0, logged_hours=40.0, utilization_ratio=1.0),
    ("E3", W16): dict(
        capacity_hours=16.0, logged_hours=16.0, expected_working_days=2, missing_timesheet_days=0
    ),
    ("E3", W17): dict(
        capacity_hours=0.0,
        logged_hours=3.0,
        utilization_ratio=None,
        is_over_allocated=True,
        expected_working_days=0,
        timesheet_compliance_ratio=None,
    ),
    # E4: no capacity on file: no ratio, no flag; compliance still measured
    ("E4", W15): dict(
        capacity_hours=None,
        logged_hours=8.0,
        utilization_ratio=None,
        is_capacity_missing=True,
        is_over_allocated=False,
        missing_timesheet_days=4,
        timesheet_compliance_ratio=0.2,
    ),
    ("E4", W16): dict(logged_hours=0.0, missing_timesheet_days=5, timesheet_compliance_ratio=0.0),
    ("E4", W17): dict(logged_hours=0.0, missing_timesheet_days=5),
    ("E4", W18): dict(expected_working_days=4, missing_timesheet_days=4),
}


def test_person_weeks(built: Built) -> None:
    rows = by(
        built.rows("select * from fct_resource_utilization_weekly"),
        "employee_id",
        "week_start_date",
    )
    assert set(rows) == set(PERSON_WEEKS)
    for key, expected in PERSON_WEEKS.items():
        assert_row(rows[key], expected)
    assert {r["iso_year"] for r in rows.values()} == {2026}


def test_team_and_role_roll_ups_are_ratios_of_sums(built: Built) -> None:
    groups = built.rows("select * from fct_resource_utilization_group_weekly")
    assert {r["grouped_by"] for r in groups} == {"team", "role"}
    teams = by([r for r in groups if r["grouped_by"] == "team"], "group_name", "week_start_date")
    # Falcons week 15: (46 + 8) / (40 + 12) = 1.0385, not the mean (1.15 + 0.667)/2 = 0.908;
    #   54 <= 52 x 1.1 = 57.2: the team is not over-allocated although E1 is; compliance 7/8
    assert_row(
        teams[("Falcons", W15)],
        dict(
            person_count=2,
            capacity_hours=52.0,
            logged_hours=54.0,
            utilization_ratio=54 / 52,
            is_over_allocated=False,
            over_allocated_person_count=1,
            under_allocated_person_count=1,
            expected_working_days=8,
            missing_timesheet_days=1,
            timesheet_compliance_ratio=7 / 8,
        ),
    )
    # Falcons week 17: (16 + 20) / 60 = 0.6 < 0.8 -> under-allocated; 7 of 10 days logged
    assert_row(
        teams[("Falcons", W17)],
        dict(utilization_ratio=0.6, is_under_allocated=True, timesheet_compliance_ratio=0.7),
    )
    # Otters week 17: only E3's 3 h after leaving: no capacity -> no ratio, over-allocated
    assert_row(
        teams[("Otters", W17)],
        dict(capacity_hours=0.0, logged_hours=3.0, utilization_ratio=None, is_over_allocated=True),
    )
    # E4 has no team
    assert_row(
        teams[("unassigned", W15)],
        dict(capacity_hours=None, logged_hours=8.0, utilization_ratio=None),
    )
    roles = by([r for r in groups if r["grouped_by"] == "role"], "group_name", "week_start_date")
    # 'Developer' (E1) and 'developer' (E3): week 15 (46 + 40)/80 = 1.075; week 17
    #   (16 + 3)/(40 + 0) = 0.475 < 0.8, E3 over and E1 under
    assert_row(roles[("developer", W15)], dict(person_count=2, utilization_ratio=86 / 80))
    assert_row(
        roles[("developer", W17)],
        dict(
            utilization_ratio=19 / 40,
            is_under_allocated=True,
            over_allocated_person_count=1,
            under_allocated_person_count=1,
        ),
    )
    assert {role for role, _ in roles} == {"developer", "analyst", "unassigned"}


# ------------------------------------------------------------------------------- milestones
# As of 2026-04-30 (upcoming: up to 06-29). WF-1 latest snapshot 04-30 (the 05-15 one is after
# the as-of date; "Legacy decommission" was dropped after 02-28).
MILESTONE_ROWS = {
    "Kick-off": dict(slippage_days=-1, is_completed=True, is_on_time=True, forecast_change_count=0),
    # reached 03-18 against 03-15; forecast 03-15 -> 03-20 (one move, drift +5)
    "Design approved": dict(
        slippage_days=3,
        is_completed=True,
        is_on_time=False,
        forecast_change_count=1,
        forecast_drift_days=5,
        first_forecast_date=D("2026-03-15"),
    ),
    # forecast 04-20 passed without an actual: overdue
    "Data migrated": dict(slippage_days=5, is_on_time=False, is_overdue=True, is_upcoming=False),
    # 05-31 -> 06-05 -> 06-10: two moves, drift +10; due 06-10, within 60 days
    "Build complete": dict(
        slippage_days=10,
        is_on_time=False,
        is_upcoming=True,
        forecast_change_count=2,
        forecast_drift_days=10,
        actual_date=None,
    ),
    "Go-live": dict(slippage_days=-5, is_on_time=True, is_upcoming=True, forecast_drift_days=-5),
    # no baseline: no slippage, no verdict; due 08-31 is beyond 60 days
    "Hypercare exit": dict(
        slippage_days=None,
        is_on_time=None,
        is_upcoming=False,
        forecast_change_count=1,
        first_forecast_date=D("2026-08-31"),
    ),
}


def test_milestone_slippage(built: Built) -> None:
    rows = by(
        built.rows("select * from fct_milestone_slippage where project_code = 'WF-1'"),
        "milestone_name",
    )
    assert set(rows) == set(MILESTONE_ROWS)
    for name, expected in MILESTONE_ROWS.items():
        assert_row(rows[name], {"snapshot_date": D("2026-04-30"), **expected})


def test_milestone_on_time_rate_per_project(built: Built) -> None:
    rows = by(built.rows("select * from fct_milestone_on_time_by_project"), "project_code")
    # WF-1: on time Kick-off, Go-live; late Design approved, Data migrated, Build complete
    #   -> 2/5 = 0.4; reached on time 1 of 2 = 0.5; slippage (-1 + 3 + 5 + 10 - 5)/5 = 2.4
    assert_row(
        rows["WF-1"],
        dict(
            milestone_count=6,
            completed_count=2,
            on_time_count=2,
            late_count=3,
            completed_on_time_count=1,
            upcoming_count=2,
            overdue_count=1,
            on_time_ratio=0.4,
            completed_on_time_ratio=0.5,
            mean_slippage_days=2.4,
            max_slippage_days=10,
        ),
    )
    # AG-1: MVP release forecast on its baseline: on time; nothing reached yet -> NULL, not 0
    assert_row(
        rows["AG-1"],
        dict(milestone_count=1, on_time_ratio=1.0, completed_on_time_ratio=None, upcoming_count=1),
    )
