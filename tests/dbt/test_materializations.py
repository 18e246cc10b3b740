"""The project's table and view materialisations replace what a warehouse holds, whatever it is.

A warehouse built by an earlier version can hold a model as the other kind of relation (a mart
that was a view, a drill-down that was a table): the build must replace it, not fail on it, and
leave no temporary or backup relation behind.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.dbt.conftest import DbtPortfolio, dbt_build

pytestmark = pytest.mark.xdist_group(__name__)

# (model, the kind the project builds it as, the kind an older warehouse held it as)
SWAPPED = (
    ("stg_raw__projects", "VIEW", "BASE TABLE"),  # a SQL view
    ("dim_projects", "BASE TABLE", "VIEW"),  # a SQL table
    ("fct_earned_value_monthly", "BASE TABLE", "VIEW"),  # a table with an enforced contract
    ("fct_schedule_network_monthly", "BASE TABLE", "VIEW"),  # a Python model
)


def _kinds_and_counts(warehouse: Path) -> dict[str, tuple[str, int, tuple[str, ...]]]:
    """Each relation's kind, row count and columns."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            name: (
                kind,
                con.execute(f"select count(*) from main.{name}").fetchone()[0],  # noqa: S608
                tuple(column for column, *_ in con.execute(f"describe main.{name}").fetchall()),
            )
            for name, kind in con.execute(
                "select table_name, table_type from information_schema.tables"
                " where table_schema = 'main'"
            ).fetchall()
        }
    finally:
        con.close()


def test_a_model_held_as_the_other_kind_is_replaced_with_its_rows(
    dbt_portfolio: DbtPortfolio, tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(dbt_portfolio.warehouse, warehouse)
    built = _kinds_and_counts(warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        for name, kind, older in SWAPPED:
            assert built[name][0] == kind
            con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} main.{name}")
            # the older relation: the other kind, one stale row
            older_kind = "table" if older == "BASE TABLE" else "view"
            con.execute(f"create {older_kind} main.{name} as select 1 as stale")
    finally:
        con.close()

    build = dbt_build(
        tmp_path, warehouse, "run", "--select", " ".join(name for name, _, _ in SWAPPED)
    )

    assert build.returncode == 0, build.output[-4000:]
    assert {r["status"] for r in build.run_results["results"]} == {"success"}
    rebuilt = _kinds_and_counts(warehouse)
    for name, _, _ in SWAPPED:
        assert rebuilt[name] == built[name], name
    assert sorted(rebuilt) == sorted(built)  # no __dbt_tmp or __dbt_backup relation left
    assert rebuilt == built
