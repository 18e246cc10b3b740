"""The dashboard's building blocks on small hand-made data: number formats from the catalog,
spreadsheet-safe downloads, chart builders, and the data module's snapshot handling (it follows
CURRENT, checks names, passes values as parameters)."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import plotly.graph_objects as go
import polars as pl
import pytest

from dashboards import data
from dashboards.components import charts
from dashboards.components.formatting import (
    column_format,
    column_title,
    format_delta,
    format_value,
)
from dashboards.components.ui import spreadsheet_safe, to_csv, to_xlsx

EUR = {"format": "currency", "unit": "EUR"}


@pytest.mark.parametrize(
    ("value", "meta", "compact", "shown"),
    [
        (39_012_345.6, EUR, True, "€39.0M"),
        (-84_812.2, EUR, True, "-€84.8k"),
        (1_234_567.89, EUR, False, "€1,234,568"),
        (0.95178, {"format": "ratio", "unit": "ratio"}, False, "0.95"),
        (83.847, {"format": "percent", "unit": "%"}, False, "83.8%"),
        (0.838, {"format": "percent", "unit": "ratio"}, False, "83.8%"),
        (16, {"format": "integer"}, False, "16"),
        (14.94, {"format": "months", "unit": "months"}, True, "14.9 mo"),
        (date(2027, 2, 15), {"format": "date"}, False, "15 Feb 2027"),
        (None, EUR, True, "—"),
        (float("nan"), {"format": "ratio"}, False, "—"),
        (True, {"format": "boolean"}, False, "Yes"),
    ],
)
def test_values_read_as_the_catalog_says(value, meta, compact, shown):
    assert format_value(value, meta, compact=compact) == shown


def test_a_change_in_percent_reads_in_points():
    assert format_delta(5.5, {"format": "percent", "unit": "%"}) == "+5.5 pts"
    assert format_delta(-905_600, EUR) == "-€905.6k"


def test_a_change_that_rounds_to_nothing_is_no_change_not_a_red_minus_zero():
    index = {"format": "index"}
    assert format_value(0.004, index, compact=True) == "0.00"
    assert format_delta(-0.004, index) is None
    assert format_delta(-0.006, index) == "-0.01"


def test_a_money_column_names_its_currency_in_the_title_so_the_sign_leads_the_digits():
    # a symbol in the cell format would print "€-113,793"; the title carries it instead
    assert column_title("VAC", EUR) == "VAC (€)"
    assert column_title("VAC", {"format": "currency", "unit": "PLN"}) == "VAC (PLN)"
    assert column_title("VAC", {"format": "currency", "unit": "CHF"}) == "VAC (CHF)"
    assert column_format(EUR) == "%,.0f"
    assert column_title("CPI", {"format": "index"}) == "CPI"


def test_downloads_cannot_run_formulas_in_a_spreadsheet():
    frame = pl.DataFrame(
        {
            "comment": ['=HYPERLINK("http://x","y")', "+1+2", "-3", "@SUM(A1)", "plain"],
            "hours": [1.0, -2.0, 3.0, 4.0, 5.0],
        }
    )
    safe = spreadsheet_safe(frame)
    assert safe["comment"].to_list()[:4] == [
        '\'=HYPERLINK("http://x","y")',
        "'+1+2",
        "'-3",
        "'@SUM(A1)",
    ]
    assert safe["comment"][4] == "plain"
    assert safe["hours"].to_list() == [1.0, -2.0, 3.0, 4.0, 5.0]  # numbers stay numbers
    assert to_csv(frame).decode().splitlines()[1].startswith("\"'=HYPERLINK")

    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame))).active
    cells = [sheet.cell(row=r, column=1) for r in range(2, 7)]
    assert all(cell.data_type == "s" for cell in cells)  # text, never a formula
    assert sheet.cell(row=3, column=2).value == -2.0


def test_charts_build_from_rows_and_say_so_when_there_are_none():
    empty = charts.cpi_spi_bubbles(
        pl.DataFrame(
            schema={
                "project_code": pl.String,
                "cost_performance_index": pl.Float64,
                "schedule_performance_index": pl.Float64,
                "budget_at_completion": pl.Float64,
                "overall_status": pl.String,
            }
        ),
        cpi_meta={},
        spi_meta={},
        bac_meta={},
    )
    assert isinstance(empty, go.Figure)
    assert "No project" in empty.layout.annotations[0].text

    rows = pl.DataFrame(
        {
            "project_code": ["ERP", "PAY"],
            "project_name": ["Finance ERP", "Payments"],
            "cost_performance_index": [0.75, 6.0],
            "schedule_performance_index": [0.9, 5.7],
            "budget_at_completion": [2_000_000.0, 500_000.0],
            "overall_status": ["red", "green"],
        }
    )
    figure = charts.cpi_spi_bubbles(rows, cpi_meta={}, spi_meta={}, bac_meta={})
    points = {
        code: (x, y)
        for trace in figure.data
        for code, x, y in zip(trace.customdata, trace.x, trace.y, strict=True)
    }
    assert points["ERP"] == (0.75, 0.9)
    assert points["PAY"] == charts.AXIS_RANGE[1:] * 2  # off the scale: drawn on the edge

    stacked = charts.stacked_bars(
        pl.DataFrame({"m": ["a", "a", "b"], "v": [1.0, 2.0, 3.0], "k": ["x", "y", "x"]}),
        x="m",
        y="v",
        colour="k",
        meta=EUR,
    )
    assert [trace.name for trace in stacked.data] == ["x", "y"]
    assert stacked.layout.barmode == "relative"  # Plotly stacks the rows; nothing is summed


# --------------------------------------------------------------------------- data module


def _snapshot(root: Path, snapshot_id: str, budget: float) -> None:
    folder = root / "published" / snapshot_id
    folder.mkdir(parents=True)
    con = duckdb.connect(str(folder / "warehouse.duckdb"))
    con.execute(
        "create table dim_projects as select 'ERP' as project_code, 'Finance ERP' as project_name,"
        " 'Finance' as portfolio, ? as current_budget_at_completion",
        [budget],
    )
    con.close()
    catalog = {
        "snapshot_id": snapshot_id,
        "created_at": "2026-11-26T10:00:00+00:00",
        "models": [
            {
                "name": "dim_projects",
                "relation": "main.dim_projects",
                "columns": [
                    {"name": "current_budget_at_completion", "metric": {"label": "Budget", **EUR}}
                ],
            }
        ],
    }
    (folder / "catalog.json").write_text(json.dumps(catalog))
    (root / "published" / "CURRENT").write_text(snapshot_id + "\n")


def test_data_follows_the_current_pointer_and_checks_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PMO_DATA_DIR", str(tmp_path))
    assert data.current() is None
    _snapshot(tmp_path, "20261126T100000Z-aaaaaaaa", 100.0)
    first = data.current()
    assert first.snapshot_id == "20261126T100000Z-aaaaaaaa"
    assert data.read(first, "dim_projects")["current_budget_at_completion"].to_list() == [100.0]
    assert first.column_meta("dim_projects", "current_budget_at_completion")["label"] == "Budget"

    _snapshot(tmp_path, "20261126T110000Z-bbbbbbbb", 250.0)  # a refresh publishes
    second = data.current()
    assert second.snapshot_id == "20261126T110000Z-bbbbbbbb"
    assert data.read(second, "dim_projects")["current_budget_at_completion"].to_list() == [250.0]

    # values are parameters: text that looks like SQL is just a value that matches nothing
    hostile = "ERP' or '1'='1"
    assert data.read(second, "dim_projects", where={"project_code": hostile}).is_empty()
    assert data.read(second, "dim_projects", where={"project_code": [hostile, "ERP"]}).height == 1
    # names are checked against the snapshot: a missing model or column is a clear message
    with pytest.raises(data.MissingData, match="fct_sprint_velocity"):
        data.read(second, "fct_sprint_velocity")
    with pytest.raises(data.MissingData, match='"; drop table'):
        data.read(second, "dim_projects", select=['"; drop table dim_projects; --'])
    assert data.read(second, "dim_projects").height == 1


def test_the_snapshot_is_attached_read_only_with_file_access_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PMO_DATA_DIR", str(tmp_path))
    _snapshot(tmp_path, "20261126T120000Z-cccccccc", 1.0)
    snap = data.current()
    with pytest.raises(duckdb.Error):
        data.query(snap, "delete from dim_projects")
    with pytest.raises(duckdb.Error):
        data.query(snap, "select * from read_csv_auto('/etc/passwd')")
