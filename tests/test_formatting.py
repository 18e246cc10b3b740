"""The one formatter: a value with a metric's meta reads the same wherever the kinds agree (a
tile, a table cell, `pmo sql`), with one dash for no value and one spelling of yes and no."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pipelines.publish import formatting
from pipelines.publish.formatting import (
    NO_VALUE,
    cell_text,
    format_value,
    money_text,
    plain_text,
)
from pipelines.publish.reader import ColumnMeta
from pipelines.publish.reports.document import Column

CPI = {"label": "CPI", "format": "index"}
PCT = {"label": "% complete", "format": "percent", "unit": "%"}
SHARE = {"label": "SLA attainment", "format": "percent", "unit": "ratio"}
FLAG = {"label": "Completed", "format": "boolean"}
MONTH = {"label": "Month", "format": "month"}


@pytest.mark.parametrize(
    ("value", "meta", "text"),
    [
        (0.9349, CPI, "0.93"),
        (-0.001, CPI, "0.00"),
        (Decimal("1.2051"), CPI, "1.21"),
        (47.25, PCT, "47.2%"),
        (0.875, SHARE, "87.5%"),
        (True, FLAG, "Yes"),
        (False, FLAG, "No"),
        (None, CPI, NO_VALUE),
        (float("nan"), PCT, NO_VALUE),
        (date(2026, 10, 1), MONTH, "Oct 2026"),
    ],
)
def test_a_tile_and_a_table_cell_read_the_same(value, meta, text):
    assert format_value(value, meta) == text
    assert format_value(value, meta, compact=True) == text
    assert cell_text(value, meta) == text
    # the report describes the same column by the catalog entry: the same text
    column = Column.from_meta(ColumnMeta("share_ratio" if meta is SHARE else "x", "X", **_kw(meta)))
    assert cell_text(value, column) == text


def _kw(meta):
    return {"format": meta["format"], "unit": meta.get("unit")}


def test_money_and_time_carry_their_unit_in_text_and_in_the_title_of_a_table():
    money = {"format": "currency", "unit": "EUR"}
    assert format_value(-1234.4, money) == "-€1,234"
    assert cell_text(-1234.4, money) == "-1,234"
    assert cell_text(-0.4, money) == "0"  # no "-0"
    assert format_value(3.5, {"format": "months", "unit": "months"}) == "3.5 months"
    assert cell_text(3.5, {"format": "months", "unit": "months"}) == "3.5"
    assert format_value(date(2026, 10, 6), {"format": "date"}) == "6 Oct 2026"
    assert cell_text(date(2026, 10, 6), {"format": "date"}) == "2026-10-06"
    assert format_value(1234.0, {"format": "currency", "unit": "SEK"}) == "1,234 SEK"


def test_money_in_a_sentence_and_a_value_with_no_meta():
    assert money_text(-1234.6, "EUR") == "−€1,235"
    assert money_text(7890, "CHF") == "CHF 7,890"
    assert money_text(None, "EUR") == NO_VALUE
    assert [plain_text(v) for v in (None, True, 1234, 0.5, "a\nb")] == [
        NO_VALUE,
        "Yes",
        "1,234",
        "0.50",
        "a b",
    ]


def test_one_dash_and_one_yes_no_spelling():
    assert formatting.NO_VALUE == "—"
    assert (formatting.YES, formatting.NO) == ("Yes", "No")
    assert cell_text(True, Column("is_done", "Done")) == "Yes"
