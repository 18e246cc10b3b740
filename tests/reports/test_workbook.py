"""The XLSX writer on its own: text that looks like a formula stays text, bytes are stable."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.publish.reports.document import Column, Table
from pipelines.publish.reports.xlsx import ChartSpec, write_workbook

SNAPSHOT = "20261031T180000Z-0123abcd"
HOSTILE = ['=HYPERLINK("http://x","y")', "+44 20 7946 0000", "-5% rebate", "@SUM(A1:A2)"]


def _table() -> Table:
    frame = pl.DataFrame(
        {
            "vendor": [*HOSTILE, "Contoso"],
            "amount": [1234.5678, -0.5, 1e9, 0.0, None],
            "po_date": [date(2026, 10, d) for d in range(1, 6)],
            "is_over_invoiced": [True, False, None, False, True],
        }
    )
    return Table(
        "pos",
        "Purchase orders",
        frame,
        [
            Column("vendor", "Vendor"),
            Column("amount", "Ordered", "currency", "EUR"),
            Column("po_date", "Date", "date"),
            Column("is_over_invoiced", "Over-invoiced", "boolean"),
        ],
        "test",
        sheet="Purchase orders",
    )


def _write(path: Path) -> None:
    write_workbook(
        path,
        title="Test",
        about=[("Note", "=cmd|' /C calc'!A0")],
        tables=[_table()],
        charts=[ChartSpec("pos", "column", "Ordered", "vendor", ("amount",))],
        snapshot_id=SNAPSHOT,
    )


def test_formula_like_text_is_stored_as_text_with_a_quote_prefix(tmp_path: Path):
    path = tmp_path / "book.xlsx"
    _write(path)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
        names = archive.namelist()
    assert "<f>" not in sheet, "a text cell became a formula"
    vendor_cells = re.findall(r'<c r="A[2-6]" s="(\d+)" t="s">', sheet)
    assert len(vendor_cells) == 5
    xfs = re.search(r"<cellXfs[^>]*>(.*)</cellXfs>", styles, re.S).group(1)
    xf = re.findall(r"<xf [^>]*?/?>", xfs)
    assert all('quotePrefix="1"' in xf[int(s)] for s in vendor_cells)
    assert any(n.startswith("xl/charts/chart") for n in names)
    back = pl.read_excel(path, sheet_name="Purchase orders")
    assert back["Vendor"].to_list()[:4] == HOSTILE
    assert back["Ordered"].to_list()[:4] == [1234.5678, -0.5, 1e9, 0.0]  # full precision
    about = pl.read_excel(path, sheet_name="About", has_header=False)
    assert "'=cmd|' /C calc'!A0" in about.to_series(1).to_list()


def test_the_same_tables_give_the_same_bytes(tmp_path: Path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    _write(first)
    _write(second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        core = archive.read("docProps/core.xml").decode()
    assert "2026-10-31T18:00:00Z" in core


@pytest.mark.parametrize(
    ("unit", "good_when", "expected"),
    [
        ("EUR", "neutral", '"€"#,##0;-"€"#,##0'),
        ("USD", "higher", '"$"#,##0;[Red]-"$"#,##0'),  # a negative variance is an overrun
        ("CHF", "lower", '#,##0" CHF";-#,##0" CHF"'),  # a currency without a sign: its code
        (None, "higher", "#,##0;[Red]-#,##0"),
    ],
)
def test_money_is_shown_in_its_currency_and_a_shortfall_in_red(
    tmp_path: Path, unit, good_when, expected
):
    column = Column("variance", "Variance", "currency", unit, good_when=good_when)
    table = Table("v", "Variance", pl.DataFrame({"variance": [-1500.25, 20.0]}), [column], "test")
    path = tmp_path / "money.xlsx"
    write_workbook(path, title="Test", about=[], tables=[table], snapshot_id=SNAPSHOT)
    sheet = openpyxl.load_workbook(path)["Variance"]
    assert [sheet.cell(row=row, column=1).number_format for row in (2, 3)] == [expected] * 2
    assert sheet.cell(row=2, column=1).value == -1500.25  # the number, not a text
