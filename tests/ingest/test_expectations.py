"""The Great Expectations suites: built from the contracts, run against raw tables in DuckDB.

Good rows come from each contract's ``example`` (so the fixtures follow the contracts too); bad
rows are inserted with plain SQL, the way a manual fix or a loader bug would put them there.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.ingest import contracts, expectations
from pipelines.ingest.contracts import ENTITIES
from pipelines.ingest.expectations import (
    Check,
    SuiteResult,
    build_suite,
    natural_key,
    run_suites,
    suite_checks,
    suite_worker,
)
from pipelines.ingest.warehouse import ensure_schema


def insert_row(con: duckdb.DuckDBPyConnection, entity: str, line: int, **overrides: Any) -> None:
    """Insert the contract's example row (empty text -> null) with lineage, plus overrides."""
    row: dict[str, Any] = {k: (v if v != "" else None) for k, v in ENTITIES[entity].example.items()}
    row.update(
        source_file=f"landing/{entity}.csv",
        source_sha256="ab" * 32,
        source_line=line,
        source_format="canonical_csv",
        load_id="load-1",
        loaded_at="2026-11-01 08:00:00",
    )
    row.update(overrides)
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    con.execute(f"insert into raw.{entity} ({columns}) values ({marks})", list(row.values()))


def insert_good_rows(con: duckdb.DuckDBPyConnection, entity: str, count: int = 2) -> None:
    """``count`` valid rows with distinct natural keys (text key parts get a suffix)."""
    spec = ENTITIES[entity]
    for i in range(count):
        overrides = {
            key: f"{spec.example[key]}-{i}"
            for key in spec.natural_key
            if spec.column(key).dtype == "str" and not spec.column(key).allowed
        }
        insert_row(con, entity, line=i + 2, **overrides)


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    ensure_schema(connection)
    yield connection
    connection.close()


def failure(result: SuiteResult, expectation_type: str, column: str | None) -> dict[str, Any]:
    """The one failure of that expectation on that column, with a readable assertion error."""
    found = [
        item
        for item in result.failed
        if item["expectation_type"] == expectation_type and item["column"] == column
    ]
    assert len(found) == 1, f"no single {expectation_type} on {column}: {result.failed}"
    return found[0]


# --- suites follow the contracts ----------------------------------------------------------------


def test_checks_are_derived_from_the_contract() -> None:
    kinds = {(c.kind, c.columns) for c in suite_checks(ENTITIES["projects"])}
    assert ("not_null", ("project_name",)) in kinds
    assert ("not_null", ("program",)) not in kinds  # nullable in the contract
    assert ("not_null", ("source_sha256",)) in kinds
    assert ("unique", ("project_code",)) in kinds
    assert ("a_ge_b", ("planned_finish_date", "start_date")) in kinds
    in_set = {
        c.columns[0]: c.value_set for c in suite_checks(ENTITIES["projects"]) if c.kind == "in_set"
    }
    assert in_set["methodology"] == ("waterfall", "agile", "hybrid")
    assert set(in_set) == {"methodology", "status"}


def test_contract_change_changes_the_suite() -> None:
    projects = ENTITIES["projects"]
    changed = dataclasses.replace(
        projects,
        columns=tuple(
            dataclasses.replace(c, nullable=True) if c.name == "portfolio" else c
            for c in projects.columns
        )
        + (contracts.Column("region", allowed=("EMEA", "APAC")),),
    )
    removed = set(suite_checks(projects)) - set(suite_checks(changed))
    added = set(suite_checks(changed)) - set(suite_checks(projects))
    assert Check("not_null", ("portfolio",)) in removed
    assert Check("in_set", ("region",), value_set=("emea", "apac")) in added
    assert any(c.kind == "columns_present" and "region" in c.columns for c in added)


def test_keys_snapshots_and_timesheets() -> None:
    for name in ("tasks", "milestones", "risks"):
        assert natural_key(ENTITIES[name])[-1] == "snapshot_date"
        assert any(
            c.kind == "unique" and "snapshot_date" in c.columns
            for c in suite_checks(ENTITIES[name])
        )
    # Several timesheet entries per person, task and day are legitimate: no uniqueness check.
    assert not any(c.kind == "unique" for c in suite_checks(ENTITIES["timesheets"]))


def test_extra_sanity_rules_do_not_duplicate_contract_ranges() -> None:
    hours = [c for c in suite_checks(ENTITIES["timesheets"]) if c.columns == ("hours",)]
    assert [(c.kind, c.min_value, c.max_value) for c in hours] == [
        ("not_null", None, None),
        ("between", 0, 24),
    ]
    probability = [c for c in suite_checks(ENTITIES["risks"]) if c.columns == ("probability",)]
    assert [(c.kind, c.min_value, c.max_value) for c in probability] == [("between", 0, 1)]


def test_build_suite_uses_ge_expectation_classes() -> None:
    suite = build_suite(ENTITIES["tasks"])
    types = {e.expectation_type for e in suite.expectations}
    assert {
        "expect_table_columns_to_match_set",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_be_between",
        "expect_compound_columns_to_be_unique",
    } <= types
    assert len(suite.expectations) == len(suite_checks(ENTITIES["tasks"]))


# --- running against DuckDB ---------------------------------------------------------------------


def test_good_rows_pass_for_every_entity(con: duckdb.DuckDBPyConnection) -> None:
    for entity in ENTITIES:
        insert_good_rows(con, entity)
    # Two entries for the same person, task and day: allowed for timesheets.
    insert_row(con, "timesheets", line=9, hours=1.5, comment="second entry")

    results = run_suites(con, list(ENTITIES))

    assert list(results) == list(ENTITIES)
    for name, result in results.items():
        assert result.success, (name, result.failed)
        assert result.failed == []
        assert result.evaluated == len(suite_checks(ENTITIES[name]))
        assert result.row_count == (3 if name == "timesheets" else 2)
    # Plain Python: safe to hand to Dagster metadata / JSON.
    json.dumps({k: dataclasses.asdict(v) for k, v in results.items()})


def test_empty_tables_are_a_success(con: duckdb.DuckDBPyConnection) -> None:
    results = run_suites(con, ["projects", "risks", "sprints"])
    assert all(r.success and r.row_count == 0 and r.failed == [] for r in results.values())
    assert results["projects"].evaluated == len(suite_checks(ENTITIES["projects"]))


@pytest.fixture(params=["in_process", "in_worker"])
def validated_where(request: pytest.FixtureRequest) -> Iterator[str]:
    """Suites run here, or in the worker process a command-line refresh starts: same results."""
    if request.param == "in_worker":
        with suite_worker():
            yield request.param
    else:
        yield request.param


def test_broken_rows_name_the_expectation_column_and_count(
    con: duckdb.DuckDBPyConnection, validated_where: str
) -> None:
    insert_good_rows(con, "projects")
    insert_row(con, "projects", line=10, project_code="PRJ-009", methodology="scrum")
    insert_row(con, "projects", line=11, project_code="PRJ-010", project_name=None)
    insert_row(con, "projects", line=12, project_code="PRJ-001-0")  # duplicate of line 2
    insert_row(
        con,
        "projects",
        line=13,
        project_code="PRJ-011",
        start_date="2026-05-01",
        planned_finish_date="2026-04-30",
    )
    insert_good_rows(con, "timesheets")
    con.execute(
        "insert into raw.timesheets (employee_id, project_code, work_date, hours,"
        " source_file, source_sha256, source_line)"
        " values ('E0001', 'PRJ-001', date '2026-10-06', 30, 'landing/t.csv', 'ff', 7)"
    )
    insert_good_rows(con, "risks")
    insert_row(con, "risks", line=20, risk_id="R-099", probability=1.5)
    insert_row(con, "risks", line=21, risk_id="R-100", source_file=None)

    results = run_suites(con, ["projects", "timesheets", "risks"])

    projects = results["projects"]
    assert not projects.success
    assert projects.row_count == 6
    methodology = failure(projects, "expect_column_values_to_be_in_set", "methodology")
    assert methodology["unexpected_count"] == 1
    assert methodology["unexpected_values"] == ["scrum"]
    assert methodology["source_lines"] == [10]
    name = failure(projects, "expect_column_values_to_not_be_null", "project_name")
    assert (name["unexpected_count"], name["source_lines"]) == (1, [11])
    duplicate = failure(projects, "expect_column_values_to_be_unique", "project_code")
    assert duplicate["unexpected_count"] == 2  # both rows of the duplicated key
    assert duplicate["unexpected_values"] == ["PRJ-001-0"]
    assert sorted(duplicate["source_lines"]) == [2, 12]
    dates = failure(
        projects,
        "expect_column_pair_values_a_to_be_greater_than_b",
        "planned_finish_date, start_date",
    )
    assert dates["unexpected_count"] == 1
    assert dates["unexpected_values"] == ["planned_finish_date=2026-04-30, start_date=2026-05-01"]
    assert len(projects.failed) == 4

    timesheets = results["timesheets"]
    hours = failure(timesheets, "expect_column_values_to_be_between", "hours")
    assert (hours["unexpected_count"], hours["unexpected_values"]) == (1, ["30.0"])
    assert hours["source_lines"] == [7]
    assert len(timesheets.failed) == 1

    risks = results["risks"]
    probability = failure(risks, "expect_column_values_to_be_between", "probability")
    assert (probability["unexpected_count"], probability["unexpected_values"]) == (1, ["1.5"])
    lineage = failure(risks, "expect_column_values_to_not_be_null", "source_file")
    assert (lineage["unexpected_count"], lineage["source_lines"]) == (1, [21])
    assert risks.evaluated == len(suite_checks(ENTITIES["risks"]))


def test_snapshot_history_is_not_a_duplicate_but_the_same_snapshot_is(
    con: duckdb.DuckDBPyConnection,
) -> None:
    insert_row(con, "tasks", line=2, snapshot_date="2026-09-30")
    insert_row(con, "tasks", line=2, snapshot_date="2026-10-31")
    assert run_suites(con, ["tasks"])["tasks"].success

    insert_row(con, "tasks", line=5, snapshot_date="2026-10-31", status_category="blocked")
    tasks = run_suites(con, ["tasks"])["tasks"]
    key = failure(
        tasks, "expect_compound_columns_to_be_unique", "project_code, task_key, snapshot_date"
    )
    assert key["unexpected_count"] == 2
    assert key["unexpected_values"] == [
        "project_code=PRJ-001, task_key=PAY-142, snapshot_date=2026-10-31"
    ]
    status = failure(tasks, "expect_column_values_to_be_in_set", "status_category")
    assert status["unexpected_values"] == ["blocked"]


def test_null_key_parts_count_as_equal_like_the_loader(con: duckdb.DuckDBPyConnection) -> None:
    # A role rate (no employee) entered twice for the same date is a duplicate.
    insert_row(con, "cost_rates", line=2, employee_id=None, role="Developer")
    insert_row(con, "cost_rates", line=3, employee_id=None, role="Developer")
    result = run_suites(con, ["cost_rates"])["cost_rates"]
    key = failure(
        result, "expect_compound_columns_to_be_unique", "employee_id, role, effective_from"
    )
    assert key["unexpected_count"] == 2


def test_contract_change_reaches_run_suites(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    insert_row(con, "projects", line=2, methodology="scrum")
    assert not run_suites(con, ["projects"])["projects"].success

    projects = ENTITIES["projects"]
    relaxed = dataclasses.replace(
        projects,
        columns=tuple(
            dataclasses.replace(c, allowed=(*c.allowed, "Scrum")) if c.name == "methodology" else c
            for c in projects.columns
        ),
    )
    monkeypatch.setitem(contracts.ENTITIES, "projects", relaxed)
    assert run_suites(con, ["projects"])["projects"].success


def test_missing_column_and_missing_table_fail_clearly(
    con: duckdb.DuckDBPyConnection, validated_where: str
) -> None:
    insert_good_rows(con, "fx_rates")
    con.execute("alter table raw.fx_rates drop column rate_to_reporting_currency")
    con.execute("drop table raw.sprints")

    results = run_suites(con, ["fx_rates", "sprints"])

    fx = results["fx_rates"]
    assert not fx.success
    columns = failure(fx, "expect_table_columns_to_match_set", None)
    assert columns["unexpected_values"] == ["rate_to_reporting_currency"]
    # Expectations on the missing column fail with GE's error instead of crashing the run.
    errored = failure(fx, "expect_column_values_to_not_be_null", "rate_to_reporting_currency")
    assert errored["unexpected_count"] is None
    assert errored["error"]

    sprints = results["sprints"]
    assert not sprints.success
    assert sprints.failed[0]["expectation_type"] == "table_exists"
    assert sprints.failed[0]["column"] == "raw.sprints"


def test_a_worker_that_died_leaves_the_suites_to_this_process(
    con: duckdb.DuckDBPyConnection,
) -> None:
    insert_good_rows(con, "risks")
    insert_row(con, "risks", line=20, risk_id="R-099", probability=1.5)
    with suite_worker():
        worker = expectations._worker
        assert worker is not None
        assert run_suites(con, ["risks"])["risks"].failed[0]["source_lines"] == [20]
        worker._process.kill()
        worker._process.join(timeout=10)
        risks = run_suites(con, ["risks"])["risks"]
        assert not risks.success
        assert risks.failed[0]["unexpected_values"] == ["1.5"]
        assert risks.failed[0]["source_lines"] == [20]
    assert expectations._worker is None


def test_a_table_too_large_for_the_worker_is_validated_here(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    insert_good_rows(con, "risks")
    insert_row(con, "risks", line=20, risk_id="R-099", probability=1.5)
    monkeypatch.setattr(expectations, "WORKER_MAX_ROWS", 2)  # the risks table has 3 rows
    with suite_worker():
        worker = expectations._worker
        assert worker is not None
        worker._process.kill()  # had the table gone to the worker, it would find it dead
        worker._process.join(timeout=10)
        risks = run_suites(con, ["risks"])["risks"]
        assert worker._fallback is None  # never sent: validated in this process
    assert risks.failed[0]["unexpected_values"] == ["1.5"]
    assert risks.failed[0]["source_lines"] == [20]


def test_a_suite_started_ahead_serves_only_the_table_it_was_started_on(
    con: duckdb.DuckDBPyConnection,
) -> None:
    insert_good_rows(con, "risks")
    insert_row(con, "risks", line=20, risk_id="R-099", probability=1.5)
    assert not expectations.validate_ahead(con, "risks", "state 1")  # no worker: nothing started
    with suite_worker():
        assert expectations.validate_ahead(con, "risks", "state 1")
        # the table is fixed after the suite started: a check in the new state must not take it
        con.execute("update raw.risks set probability = 0.5 where risk_id = 'R-099'")
        assert expectations.validated_ahead("risks", "state 2") is None
        assert expectations.validated_ahead("risks", "state 1") is None  # taken once at most
        assert run_suites(con, ["risks"])["risks"].success

        assert expectations.validate_ahead(con, "risks", "state 2")
        con.execute("update raw.risks set probability = 1.5 where risk_id = 'R-099'")
        ahead = expectations.validated_ahead("risks", "state 2")
    # the result of the table as it was sent (fixed), the same as validating it there and then
    assert ahead is not None and ahead.success and ahead.row_count == 3
    assert expectations.validated_ahead("risks", "state 2") is None  # the worker is gone


def test_a_table_too_large_for_the_worker_is_not_started_ahead(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    insert_good_rows(con, "risks")
    insert_row(con, "risks", line=20, risk_id="R-099", probability=1.5)
    monkeypatch.setattr(expectations, "WORKER_MAX_ROWS", 2)  # the risks table has 3 rows
    read = expectations._read_table
    monkeypatch.setattr(expectations, "_read_table", lambda *_: pytest.fail("read for nothing"))
    with suite_worker():
        assert not expectations.validate_ahead(con, "risks", "state 1")
        assert expectations.validated_ahead("risks", "state 1") is None
        monkeypatch.setattr(expectations, "_read_table", read)
        risks = run_suites(con, ["risks"])["risks"]  # the check validates it here
    assert risks.failed[0]["unexpected_values"] == ["1.5"]


def test_unknown_entity_and_no_entities() -> None:
    connection = duckdb.connect()
    with pytest.raises(KeyError, match="unknown entity 'projekts'"):
        run_suites(connection, ["projekts"])
    assert run_suites(connection, []) == {}


@pytest.mark.parametrize(
    "first",
    [
        "",
        pytest.param(
            "import pyspark\n",
            marks=pytest.mark.skipif(
                importlib.util.find_spec("pyspark") is None, reason="no Spark extra installed"
            ),
            id="after-the-spark-engine-imported-pyspark",
        ),
    ],
)
def test_suites_build_in_a_process_whose_main_module_has_no_file(first: str):
    """With the Spark engine's extra installed, Great Expectations imports pyspark, whose Connect
    module ends a ``python -c`` process (or a pytest-xdist worker) with exit code 0 mid-import:
    the suites would silently never run there. So too when pyspark itself was imported before
    (a Spark build in the same process)."""
    code = first + (
        "from pipelines.ingest.contracts import get_entity\n"
        "from pipelines.ingest.expectations import build_suite\n"
        "print(len(build_suite(get_entity('timesheets')).expectations))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.strip() or 0) >= 5, result.stdout + result.stderr[-2000:]
