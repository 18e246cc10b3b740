"""The one snapshot opener: read-only, no file access, its lock held, threads as asked."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.publish.reader import Catalog, open_database


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "snapshot.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table fct_things as select 1 as thing_id, 2.5 as cost_amount")
    con.execute("create schema raw")
    con.execute("create table raw.load_log as select 'a.csv' as source_file")
    con.close()
    (tmp_path / "other.csv").write_text("a\n1\n")
    return path


def test_the_snapshot_reads_but_cannot_be_changed(database):
    con = open_database(database)
    assert con.execute("select cost_amount from fct_things").fetchall() == [(2.5,)]
    with pytest.raises(duckdb.Error, match="read-only"):
        con.execute("insert into fct_things values (2, 3.0)")


def test_no_other_file_can_be_read_and_the_lock_holds(database):
    con = open_database(database)
    with pytest.raises(duckdb.Error, match="disabled"):
        con.execute(f"select * from read_csv('{database.parent / 'other.csv'}')")
    with pytest.raises(duckdb.Error, match="locked"):
        con.execute("set enable_external_access = true")


def test_threads_memory_and_search_path_as_asked(database):
    con = open_database(
        database, threads=1, memory_limit="512MiB", search_path=("main", "raw", "x")
    )
    assert con.execute("select current_setting('threads')").fetchone()[0] == 1
    assert con.execute("select current_setting('search_path')").fetchone()[0] == "wh.main,wh.raw"
    assert con.execute("select count(*) from load_log").fetchone()[0] == 1
    assert "512" in str(con.execute("select current_setting('memory_limit')").fetchone()[0])


def test_the_catalog_gives_labels_formats_and_the_currency():
    catalog = Catalog(
        {
            "models": [
                {
                    "name": "fct_earned_value_monthly",
                    "columns": [
                        {"name": "planned_value", "metric": {"label": "PV", "unit": "GBP"}},
                        {"name": "logged_hours"},
                    ],
                }
            ]
        }
    )
    assert catalog.column_meta("fct_earned_value_monthly", "planned_value").label == "PV"
    assert catalog.column_meta("fct_earned_value_monthly", "logged_hours").label == "Logged hours"
    assert catalog.reporting_currency() == "GBP"
    assert Catalog({}).reporting_currency() == "EUR"
    assert Catalog({}).reporting_currency(default=None) is None
