"""XLSX workbook of a report's tables, with native Excel charts, byte-for-byte reproducible.

Each table goes to its own sheet through ``polars.write_excel`` into one xlsxwriter workbook;
values keep full precision (only the number format rounds). Text can never turn into a formula:
the workbook writes strings as strings (``strings_to_formulas`` off) and every text column
carries Excel's quote-prefix, so a vendor name like ``=HYPERLINK(...)`` or ``-5% rebate`` stays
text even when someone edits the cell. The workbook's 'created' date is the snapshot's own
timestamp, so the same month from the same snapshot gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

from pipelines.publish import theme
from pipelines.publish.formatting import CURRENCY_SYMBOLS

from .document import Column, Table
from .source import snapshot_created

NUMBER_FORMATS = {
    "currency": "#,##0;-#,##0",
    "index": "0.00",
    "ratio": "0.00",
    "percent": '0.0"%"',
    "percent_of_one": "0.0%",
    "months": "0.0",
    "number": "#,##0.0",
    "integer": "#,##0",
    "date": "yyyy-mm-dd",
    "month": "mmm yyyy",
}
TEXT_FORMAT = {"quote_prefix": True}
# the theme's RAG colours, with the text that reads on each
RAG_FILLS = {
    status: {"bg_color": colour, "font_color": theme.RAG_TEXT[status]}
    for status, colour in theme.RAG.items()
}
FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class ChartSpec:
    """A native chart over a sheet's table: categories from one column, one series per value."""

    table: str
    kind: str
    title: str
    category: str
    values: tuple[str, ...]
    subtype: str | None = None
    skip_total: str | None = None


FSR_CHARTS = (
    ChartSpec(
        "portfolio",
        "column",
        "Budget, actual and forecast by portfolio",
        "portfolio",
        (
            "cumulative_budget_amount",
            "cumulative_actual_cost",
            "budget_at_completion",
            "forecast_at_completion",
        ),
        skip_total="is_total",
    ),
    ChartSpec(
        "projects",
        "bar",
        "Budget at completion vs forecast by project",
        "project_code",
        ("budget_at_completion", "forecast_at_completion"),
    ),
    ChartSpec(
        "categories",
        "column",
        "Actual to date vs budget to date by category",
        "cost_category",
        ("cumulative_budget_amount", "cumulative_actual_cost"),
        skip_total="is_total",
    ),
    ChartSpec(
        "capex",
        "column",
        "CAPEX / OPEX: budget, actual and forecast",
        "expense_type",
        ("cumulative_budget_amount", "cumulative_actual_cost", "forecast_at_completion"),
        skip_total="is_total",
    ),
    ChartSpec(
        "ageing_totals", "column", "Unpaid invoices by age", "age_bucket", ("unpaid_amount",)
    ),
    ChartSpec(
        "eac",
        "bar",
        "EAC variants by project",
        "project_code",
        (
            "budget_at_completion",
            "estimate_at_completion",
            "estimate_at_completion_atypical",
            "estimate_at_completion_cpi_spi",
        ),
    ),
    ChartSpec(
        "labour",
        "column",
        "Labour budget vs cost to date by project",
        "project_code",
        ("cumulative_budget_amount", "cumulative_actual_labour_cost"),
    ),
)


def neutralise(value: Any) -> Any:
    """A text value that a spreadsheet would read as a formula, prefixed with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def sheet_headers(columns: Sequence[Column]) -> list[str]:
    """Unique header labels (Excel tables need unique headers); the column name on a clash."""
    seen: set[str] = set()
    headers = []
    for column in columns:
        label = column.label if column.label not in seen else f"{column.label} ({column.name})"
        seen.add(label)
        headers.append(label)
    return headers


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" {n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def write_workbook(
    path: Path,
    *,
    title: str,
    about: Sequence[tuple[str, str]],
    tables: Sequence[Table],
    charts: Sequence[ChartSpec] = (),
    snapshot_id: str,
) -> list[str]:
    """Write the workbook; returns the sheet names in order."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": True,
        },
    )
    workbook.set_properties(
        {
            "title": title,
            "author": "pmo-pulse",
            "comments": f"Built from published snapshot {snapshot_id}",
            "created": snapshot_created(snapshot_id).replace(tzinfo=None),
        }
    )
    used: set[str] = set()
    names = []
    bold = workbook.add_format({"bold": True})
    heading = workbook.add_format({"bold": True, "font_size": 14, "font_color": theme.ACCENT})
    text = workbook.add_format(TEXT_FORMAT)
    about_sheet = workbook.add_worksheet(_sheet_name("About", used))
    names.append(about_sheet.name)
    about_sheet.write_string(0, 0, title, heading)
    for row, (key, value) in enumerate(about, start=2):
        about_sheet.write_string(row, 0, key, bold)
        about_sheet.write_string(row, 1, str(neutralise(value)), text)
    row = len(about) + 3
    about_sheet.write_string(row, 0, "Sheet", bold)
    about_sheet.write_string(row, 1, "Source", bold)
    placed: dict[str, tuple[str, Table, pl.DataFrame]] = {}
    sheet_rows = []
    for table in tables:
        sheet = _sheet_name(table.sheet or table.title, used)
        sheet_rows.append((sheet, table.source))
        frame = _frame(table)
        frame.write_excel(
            workbook,
            sheet,
            table_name=re.sub(r"\W", "_", f"t_{table.key}")[:250],
            table_style="Table Style Light 9",
            column_formats=_formats(table.columns, frame.columns),
            header_format={"bold": True, "text_wrap": True, "valign": "top"},
            autofit=True,
            freeze_panes=(1, 0),
            float_precision=6,
        )
        _rag_fills(workbook, sheet, table, frame.height)
        placed[table.key] = (sheet, table, frame)
        names.append(sheet)
    for offset, (sheet, source) in enumerate(sheet_rows, start=1):
        about_sheet.write_string(row + offset, 0, sheet, text)
        about_sheet.write_string(row + offset, 1, str(neutralise(source)), text)
    about_sheet.set_column(0, 0, 28)
    about_sheet.set_column(1, 1, 90)
    for spec in charts:
        if spec.table in placed:
            _add_chart(workbook, spec, *placed[spec.table])
    workbook.close()
    return names


def _frame(table: Table) -> pl.DataFrame:
    rows = table.rows()
    names = [c.name for c in table.columns]
    if rows and len(rows) != table.frame.height:
        frame = pl.DataFrame(rows, schema={n: table.frame.schema[n] for n in names})
    else:
        frame = table.frame.select(names)
    # Excel has one number type; DECIMAL sums from DuckDB are written as floats.
    frame = frame.with_columns(pl.col(pl.Decimal).cast(pl.Float64))
    return frame.rename(dict(zip(names, sheet_headers(table.columns), strict=True)))


def money_format(column: Column) -> str:
    """Whole units with the currency's sign (or its code after the amount); a negative value of
    a figure that is better higher (a cost or schedule variance, a budget left) in red."""
    symbol = CURRENCY_SYMBOLS.get((column.unit or "").upper(), "").strip()
    if symbol and symbol != column.unit:
        amount = f'"{symbol}"#,##0'
    elif column.unit:
        amount = f'#,##0" {column.unit}"'
    else:
        amount = "#,##0"
    negative = ("[Red]" if column.good_when == "higher" else "") + "-" + amount
    return f"{amount};{negative}"


def _formats(columns: Sequence[Column], headers: Sequence[str]) -> dict[str, Any]:
    formats: dict[str, Any] = {}
    for column, header in zip(columns, headers, strict=True):
        if column.is_money:
            formats[header] = money_format(column)
        elif column.format in NUMBER_FORMATS:
            formats[header] = NUMBER_FORMATS[column.format]
        elif column.format != "boolean" and not column.numeric:
            formats[header] = dict(TEXT_FORMAT)
    return formats


def _rag_fills(workbook: xlsxwriter.Workbook, sheet: str, table: Table, height: int) -> None:
    """RAG cells filled with their colour (the value stays the text, for filters and formulas)."""
    if not height:
        return
    worksheet = workbook.get_worksheet_by_name(sheet)
    fills = {value: workbook.add_format(fill) for value, fill in RAG_FILLS.items()}
    for index, column in enumerate(table.columns):
        if column.format != "rag":
            continue
        for value, fill in fills.items():
            worksheet.conditional_format(
                1,
                index,
                height,
                index,
                {"type": "cell", "criteria": "==", "value": f'"{value}"', "format": fill},
            )


def _add_chart(
    workbook: xlsxwriter.Workbook,
    spec: ChartSpec,
    sheet: str,
    table: Table,
    frame: pl.DataFrame,
) -> None:
    names = [c.name for c in table.columns]
    if spec.category not in names or not all(v in names for v in spec.values):
        return
    rows = table.rows()
    last = len(rows)
    if spec.skip_total and rows and rows[-1].get(spec.skip_total):
        last -= 1
    if last < 1:
        return
    options: dict[str, Any] = {"type": spec.kind}
    if spec.subtype:
        options["subtype"] = spec.subtype
    chart = workbook.add_chart(options)
    quoted = "'" + sheet.replace("'", "''") + "'"
    cat = names.index(spec.category)
    for i, value in enumerate(spec.values):
        col = names.index(value)
        chart.add_series(
            {
                "name": [sheet, 0, col],
                "categories": f"={quoted}!${_letter(cat)}$2:${_letter(cat)}${last + 1}",
                "values": f"={quoted}!${_letter(col)}$2:${_letter(col)}${last + 1}",
                "fill": {"color": _series_colour(value, i)},
                "border": {"none": True},
            }
        )
    chart.set_title({"name": spec.title, "name_font": {"size": 12}})
    chart.set_legend({"position": "bottom"})
    chart.set_size(
        {"width": 760, "height": max(320, 22 * last + 120) if spec.kind == "bar" else 360}
    )
    axis = {
        "num_format": "#,##0",
        "major_gridlines": {"visible": True, "line": {"color": theme.GRID}},
    }
    if spec.kind == "bar":
        chart.set_x_axis(axis)
        chart.set_y_axis({"reverse": True})
    else:
        chart.set_y_axis(axis)
    worksheet = workbook.get_worksheet_by_name(sheet)
    worksheet.insert_chart(1, len(names) + 1, chart)


def _series_colour(column: str, index: int) -> str:
    """The colour an amount column is drawn in on every chart (the theme's series for it)."""
    series = theme.AMOUNT_SERIES.get(column)
    return theme.SERIES[series] if series else theme.PALETTE[index % len(theme.PALETTE)]


def _letter(index: int) -> str:
    return xlsxwriter.utility.xl_col_to_name(index)
