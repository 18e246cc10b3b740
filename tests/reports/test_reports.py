"""Month-end MSR/FSR packs built from the demo portfolio's published snapshot.

What a PMO would check: the PDF has pages and shows the marts' figures, the workbook holds
exactly the marts' numbers, a rebuild from the same snapshot is identical apart from its
generated-at stamp, and a report that cannot be complete fails loudly and leaves nothing behind.

The tests copy the demo's published snapshot into their own data directory (conftest.py), so the
reports they write never mix with other tests'.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.config import DataPaths
from pipelines.publish.reports import (
    ReportError,
    ReportResult,
    generate_report,
    list_reports,
    msr,
    verify_report,
)
from pipelines.publish.reports import pdf as pdf_module
from pipelines.publish.reports.html import without_generated_at
from tests.reports.conftest import copy_snapshot

MONTH = "2026-10"
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("demo")]


@dataclass(frozen=True)
class Built:
    paths: DataPaths
    snapshot_id: str
    database: Path
    catalog: dict
    full: ReportResult


@pytest.fixture(scope="module")
def built(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    paths, snapshot_id = copy_snapshot(demo_data_dir, tmp_path_factory.mktemp("reports") / "data")
    folder = paths.published / snapshot_id
    full = generate_report(paths, MONTH)
    return Built(
        paths,
        snapshot_id,
        folder / "warehouse.duckdb",
        json.loads((folder / "catalog.json").read_text()),
        full,
    )


def _query(built: Built, sql: str, params: list | None = None) -> pl.DataFrame:
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{built.database}' as wh (read_only)")
        con.execute("use wh")
        return con.sql(sql, params=params or []).pl()
    finally:
        con.close()


def _labels(built: Built, model: str) -> dict[str, str]:
    entry = next(m for m in built.catalog["models"] if m["name"] == model)
    return {c["name"]: (c.get("metric") or {}).get("label") or c["name"] for c in entry["columns"]}


def _money(value: float) -> str:
    text = f"{value:,.0f}"
    return text[1:] if text in ("-0",) else text


def _pdf_text(path: Path) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


def test_the_pack_has_every_file_and_a_manifest_that_matches_them(built: Built):
    result = built.full
    assert result.folder == built.paths.reports / MONTH / "v1"
    names = sorted(path.name for path in result.files)
    assert names == sorted(
        f"{kind}-{MONTH}.{ext}" for kind in ("msr", "fsr") for ext in ("html", "pdf", "xlsx")
    )
    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["snapshot_id"] == built.snapshot_id
    assert manifest["code_version"] == built.catalog["code_version"]
    assert manifest["month"] == MONTH and manifest["generated_at"] == result.generated_at
    for entry in manifest["files"]:
        data = (result.folder / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert entry["bytes"] == len(data) > 0
    assert manifest["sections"]["msr"]["Project pages"]
    assert (
        "fct_project_financials_monthly"
        in manifest["sections"]["fsr"]["Budget vs actual vs forecast"]
    )
    assert not list(built.paths.reports.glob(".incoming-*")), "a staging folder was left behind"
    infos = [i for i in list_reports(built.paths) if i.version == 1]
    assert [(i.month, i.snapshot_id) for i in infos] == [(MONTH, built.snapshot_id)]
    assert verify_report(infos[0]) == []
    # The HTML works offline: plotly.js is inside (the PDF printer also refuses a page that
    # requests anything but itself).
    page = (result.folder / f"msr-{MONTH}.html").read_text()
    assert "plotly.js v" in page and "<script src=" not in page


def test_msr_pdf_has_pages_and_shows_the_marts_key_figures(built: Built):
    path = built.full.folder / f"msr-{MONTH}.pdf"
    manifest = json.loads(built.full.manifest_path.read_text())
    entry = next(f for f in manifest["files"] if f["name"] == path.name)
    projects = _query(
        built,
        "select e.project_code, e.estimate_at_completion, e.actual_cost,"
        " coalesce(d.is_closed and d.closed_from_month <= e.reporting_month, false) as closed"
        " from fct_earned_value_monthly e join dim_projects d using (project_code)"
        " where e.reporting_month = ? order by project_code",
        [f"{MONTH}-01"],
    )
    assert entry["pages"] > projects.height  # a summary plus a page (or more) per project
    text = _pdf_text(path)
    portfolio = _query(
        built,
        "select * from rpt_portfolio_kpis_monthly where is_all_portfolios and reporting_month = ?",
        [f"{MONTH}-01"],
    ).to_dicts()[0]
    for column in ("budget_at_completion", "estimate_at_completion", "actual_cost"):
        assert _money(portfolio[column]) in text, column
    assert f"{portfolio['cost_performance_index']:.2f}" in text
    for row in projects.to_dicts():
        if row["closed"]:  # a line of the closing section: its final cost
            closing = text[text.index("Closed projects Projects closed by the end") :]
            assert _money(row["actual_cost"]) in closing, row["project_code"]
            continue
        assert f"{row['project_code']} — " in text
        assert _money(row["estimate_at_completion"]) in text, row["project_code"]
    health = _query(
        built,
        "select project_code, health_reason from rpt_project_health_monthly "
        "where reporting_month = ? and overall_status = 'red' order by project_code limit 3",
        [f"{MONTH}-01"],
    )
    for reason in health["health_reason"]:
        assert " ".join(reason.split())[:40] in text
    notes = _query(
        built,
        "select decisions_needed from stg_raw__status_notes "
        "where reporting_month = ? and decisions_needed is not null",
        [f"{MONTH}-01"],
    )
    for decision in notes["decisions_needed"]:
        assert " ".join(decision.split())[:50] in text
    assert f"End of report · MSR {MONTH}" in text


def test_msr_page_one_is_the_steering_summary(built: Built):
    path = built.full.folder / f"msr-{MONTH}.pdf"
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    page = " ".join(first_page.split())
    listed = _query(
        built,
        "select * from rpt_steering_attention_monthly"
        " where reporting_month = ? and needs_attention order by attention_rank",
        [f"{MONTH}-01"],
    ).to_dicts()
    open_count = _query(
        built,
        "select count(*) as n from rpt_steering_attention_monthly where reporting_month = ?",
        [f"{MONTH}-01"],
    )["n"][0]
    assert "Steering summary" in page
    assert f"{len(listed)} of {open_count} open projects need attention" in page
    # every listed project is on page 1, in the model's order, with the start of its reason
    positions = [page.find(row["project_name"].split()[0]) for row in listed]
    assert -1 not in positions and positions == sorted(positions), positions
    for row in listed:
        assert " ".join(row["attention_reason"].split())[:30] in page, row["project_code"]
    portfolio = _query(
        built,
        "select * from rpt_portfolio_kpis_monthly where is_all_portfolios and reporting_month = ?",
        [f"{MONTH}-01"],
    ).to_dicts()[0]
    for column in ("overrun_at_completion", "underrun_at_completion", "variance_at_completion"):
        assert _money(portfolio[column]) in page, column
    due = _query(built, "select milestone_name from rpt_milestones_due order by display_order")
    assert "Milestones overdue or due in the next" in page
    for name in due["milestone_name"]:
        assert name in page
    # internal model names stay out of the summary
    assert "rpt_" not in page and "stg_" not in page
    # the workbook has the same list on its own sheet, first as in the PDF
    workbook = openpyxl.load_workbook(built.full.folder / f"msr-{MONTH}.xlsx", read_only=True)
    assert workbook.sheetnames[1:4] == ["Steering", "Milestones due", "Portfolio KPIs"]


def _page_texts(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


def test_msr_projects_by_severity_two_pages_each_with_their_ridac(built: Built):
    pages = _page_texts(built.full.folder / f"msr-{MONTH}.pdf")
    month = f"{MONTH}-01"
    projects = _query(
        built,
        "select d.project_code, d.project_name,"
        " coalesce(d.is_closed and d.closed_from_month <= ?::date, false) as closed,"
        " s.attention_rank, h.overall_status"
        " from dim_projects d"
        " join fct_earned_value_monthly e on e.project_code = d.project_code"
        "  and e.reporting_month = ?::date"
        " left join rpt_steering_attention_monthly s on s.project_code = d.project_code"
        "  and s.reporting_month = ?::date"
        " left join rpt_project_health_monthly h on h.project_code = d.project_code"
        "  and h.reporting_month = ?::date",
        [month] * 4,
    ).to_dicts()
    rag = {"red": 0, "amber": 1, "green": 2}
    expected = [
        p["project_code"]
        for p in sorted(
            (p for p in projects if not p["closed"]),
            key=lambda p: (
                p["attention_rank"] is None,
                p["attention_rank"] or 0,
                rag.get(p["overall_status"], 3),
                p["project_code"],
            ),
        )
    ]
    closed = sorted(p["project_code"] for p in projects if p["closed"])
    assert closed, "the demo has closed projects"
    names = {p["project_code"]: p["project_name"] for p in projects}
    heading = {
        code: next(
            (i for i, page in enumerate(pages) if f"\n{code} — {names[code]}" in "\n" + page),
            None,
        )
        for code in names
    }
    # open projects have a section each, most severe first; closed ones only a line
    assert [c for c in sorted(heading, key=lambda c: heading[c] or 0) if heading[c]] == expected
    assert all(heading[code] is None for code in closed)
    closing = next(i for i, page in enumerate(pages) if "Closed projects\n" in page and i > 5)
    for code in closed:
        assert f"{code} " in pages[closing], code
    # at most two pages a project
    starts = [heading[code] for code in expected] + [closing]
    assert max(b - a for a, b in zip(starts, starts[1:], strict=False)) <= 2
    # each page carries its project's RIDAC items
    ridac = _query(
        built,
        "select project_code, item_type, title from rpt_project_ridac_monthly"
        " where reporting_month = ?::date",
        [month],
    ).to_dicts()
    assert {r["item_type"] for r in ridac} >= {"risk", "issue", "decision", "action", "change"}
    for item in ridac:
        start = heading[item["project_code"]]
        section = " ".join(" ".join(pages[start : start + 2]).split())
        assert " ".join(item["title"].split()[:4]) in section, item


def test_fsr_pdf_shows_totals_and_says_the_labour_split_is_missing(built: Built):
    text = _pdf_text(built.full.folder / f"fsr-{MONTH}.pdf")
    totals = _query(
        built,
        "select sum(cumulative_actual_cost) as actual, sum(forecast_at_completion) as fac, "
        "sum(cumulative_budget_amount) as budget from fct_project_financials_monthly "
        "where reporting_month = ?",
        [f"{MONTH}-01"],
    ).to_dicts()[0]
    for value in totals.values():
        assert _money(value) in text
    eac = _query(
        built,
        "select estimate_at_completion_atypical from fct_earned_value_monthly "
        "where reporting_month = ? and project_code = 'ERP'",
        [f"{MONTH}-01"],
    ).item()
    assert _money(eac) in text
    if not any(
        "variance" in n and "rate" in n
        for m in built.catalog["models"]
        for n in (c["name"] for c in m["columns"])
    ):
        assert "Hours (volume) and rate effects: Not available" in text
    assert f"End of report · FSR {MONTH}" in text


def test_fsr_opens_with_commentary_for_every_project_over_its_variance_threshold(built: Built):
    path = built.full.folder / f"fsr-{MONTH}.pdf"
    opening = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "3", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = " ".join(opening.split())
    rows = _query(
        built,
        "select v.*, d.project_name from rpt_financial_variance_monthly v"
        " join dim_projects d using (project_code) where v.reporting_month = ?"
        " order by abs(v.variance_at_completion) desc",
        [f"{MONTH}-01"],
    )
    over = rows.filter(pl.col("is_over_variance_threshold")).to_dicts()
    with_forecast = rows.filter(pl.col("variance_direction").is_not_null()).height
    assert over and any(r["variance_direction"] == "unfavourable" for r in over)
    assert f"{len(over)} of {with_forecast} projects forecast a cost more than 5% away" in text
    section = text[text.index("projects forecast a cost more than") :]
    # every project over the threshold, the largest variance first, with its commentary
    positions = [section.find(f" {r['project_code']} ") for r in over]
    assert -1 not in positions and positions == sorted(positions), positions
    for row in over:
        words = " ".join(row["variance_commentary"].split())
        assert words[:60] in section, row["project_code"]
        assert _money(row["variance_at_completion"]) in section, row["project_code"]
    # each variance is marked favourable or unfavourable by its sign (colour and F / U)
    html = (built.full.folder / f"fsr-{MONTH}.html").read_text(encoding="utf-8")
    table = html[html.index('data-table="variance"') :]
    table = table[: table.index("</table>")]
    marks = [m for m in table.split('<td class="num ')[1:] if m.startswith(("fav", "unfav"))]
    assert [m.split('"')[0] for m in marks] == [
        "fav" if r["variance_at_completion"] > 0 else "unfav" for r in over
    ]
    # the forecast is named by its method, and the workbook carries the same commentary
    assert '<div class="card-note">by BAC / CPI</div>' in html
    sheet = pl.read_excel(built.full.folder / f"fsr-{MONTH}.xlsx", sheet_name="Variance commentary")
    assert sheet["Commentary"].to_list() == [r["variance_commentary"] for r in over]


def test_packs_name_no_internal_model(built: Built):
    for kind in ("msr", "fsr"):
        text = _pdf_text(built.full.folder / f"{kind}-{MONTH}.pdf")
        named = re.findall(r"\b(?:rpt|fct|dim|int|stg)_[a-z_]+", text)
        assert not named, (kind, sorted(set(named)))


def test_fsr_names_low_confidence_eac_and_flagged_projects(built: Built):
    text = _pdf_text(built.full.folder / f"fsr-{MONTH}.pdf")
    low = _query(
        built,
        "select project_code, evm_confidence_reason from fct_earned_value_monthly "
        "where reporting_month = ? and evm_confidence = 'low' order by project_code",
        [f"{MONTH}-01"],
    ).rows()
    assert low, "the demo has projects of low-confidence earned value"
    codes = ", ".join(code for code, _ in low)
    assert f"EAC of low confidence for {len(low)} project(s) ({codes})" in text
    appendix = text.rindex("Appendix: forecast methods")  # the forecast methods close the FSR
    caveats = text[text.rindex("Data caveats", 0, appendix) : appendix]
    for code, reason in low:
        assert code in caveats
        assert " ".join(reason.split())[:30] in caveats, reason
    flagged = _query(
        built,
        "select project_code from rpt_data_quality_by_project where failed_check_count > 0",
    )["project_code"].to_list()
    assert flagged and all(code in caveats for code in flagged)
    sheet = pl.read_excel(built.full.folder / f"fsr-{MONTH}.xlsx", sheet_name="Data caveats")
    assert sorted(sheet[sheet.columns[0]].to_list()) == sorted(flagged)


def test_fsr_workbook_reads_back_equal_to_the_marts_and_has_native_charts(built: Built):
    path = built.full.folder / f"fsr-{MONTH}.xlsx"
    sheets = pl.read_excel(path, sheet_id=0)
    labels = _labels(built, "fct_project_financials_monthly")
    lines = _query(
        built,
        "select * from fct_project_financials_monthly where reporting_month = ? "
        "order by project_code, cost_category, expense_type",
        [f"{MONTH}-01"],
    )
    workbook = sheets["Financial lines"]
    assert workbook.columns == [labels[c] for c in lines.columns]
    assert_frame_equal(
        workbook.rename(dict(zip(workbook.columns, lines.columns, strict=True))),
        lines,
        check_dtypes=False,
    )
    eac_labels = _labels(built, "fct_earned_value_monthly")
    eac_labels["estimate_at_completion"] = "Forecast EAC"  # the forecast, named as such
    eac_sheet = sheets["Forecast methods"]
    names = [next(k for k, v in eac_labels.items() if v == label) for label in eac_sheet.columns]
    eac = _query(
        built,
        f"select {', '.join(names)} from fct_earned_value_monthly "
        "where reporting_month = ? order by project_code",
        [f"{MONTH}-01"],
    )
    assert_frame_equal(
        eac_sheet.rename(dict(zip(eac_sheet.columns, names, strict=True))), eac, check_dtypes=False
    )
    portfolio = sheets["By portfolio"]
    total = portfolio.filter(pl.col("Portfolio") == "All portfolios")
    assert total["Forecast at completion"].item() == pytest.approx(
        lines["forecast_at_completion"].sum(), rel=1e-12
    )
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 5


def test_msr_eac_moves_are_the_published_month_on_month_changes(built: Built):
    sheet = pl.read_excel(built.full.folder / f"msr-{MONTH}.xlsx", sheet_name="EAC moves")
    changes = _query(
        built,
        "select project_code, estimate_at_completion_change_amount as change"
        " from rpt_project_changes_monthly where reporting_month = ?"
        " and round(estimate_at_completion_change_amount) <> 0"
        " order by abs(estimate_at_completion_change_amount) desc, project_code",
        [f"{MONTH}-01"],
    )
    assert changes.height > 0, "the demo has EAC moves in its last month"
    moved = sheet.filter(pl.col("Change").is_not_null())
    assert moved["Project"].to_list() == changes["project_code"].to_list()
    assert moved["Change"].to_list() == pytest.approx(changes["change"].to_list(), rel=1e-12)


def test_every_msr_section_is_the_rows_of_one_published_model(built: Built):
    """Each table of the MSR is declared over one model of the catalog, and every column it
    shows has the catalog's label (no section builds its own figures)."""
    models = {m["name"]: m for m in built.catalog["models"]}
    for section in msr.SECTIONS:
        assert section.model in models, f"{section.key}: {section.model} is not published"
        labelled = {c["name"] for c in models[section.model]["columns"] if (c.get("metric") or {})}
        assert set(section.columns) <= labelled, (section.key, set(section.columns) - labelled)
    # the workbook's new-and-materialised risks are that model's rows for the month
    sheet = pl.read_excel(
        built.full.folder / f"msr-{MONTH}.xlsx", sheet_name="New & materialised risks"
    )
    changes = _query(
        built,
        "select project_code, risk_id, risk_change from rpt_risk_changes_monthly"
        " where reporting_month = ? order by risk_change, project_code, risk_id",
        [f"{MONTH}-01"],
    )
    assert changes.height > 0, "the demo has new risks in its last month"
    assert sheet["Risk"].to_list() == changes["risk_id"].to_list()
    assert sheet["Change"].to_list() == changes["risk_change"].to_list()


def test_a_rebuild_from_the_same_snapshot_is_identical_but_for_the_stamp(built: Built):
    again = generate_report(built.paths, MONTH, formats=("html", "xlsx"))
    assert again.version == 2 and again.folder == built.paths.reports / MONTH / "v2"
    assert (built.paths.reports / MONTH / "v1" / "manifest.json").exists()  # not overwritten
    for kind in ("msr", "fsr"):
        first = (built.full.folder / f"{kind}-{MONTH}.html").read_text()
        second = (again.folder / f"{kind}-{MONTH}.html").read_text()
        assert without_generated_at(first) == without_generated_at(second)
        assert (built.full.folder / f"{kind}-{MONTH}.xlsx").read_bytes() == (
            again.folder / f"{kind}-{MONTH}.xlsx"
        ).read_bytes()
    first_manifest = json.loads(built.full.manifest_path.read_text())
    second_manifest = json.loads(again.manifest_path.read_text())
    content = {
        f["name"]: f.get("content_sha256") or f["sha256"]
        for f in first_manifest["files"]
        if f["format"] != "pdf"
    }
    assert content == {
        f["name"]: f.get("content_sha256") or f["sha256"] for f in second_manifest["files"]
    }


def test_an_earlier_month_rebuilds_with_a_comparison_and_an_as_of_caveat(built: Built):
    result = generate_report(built.paths, "2026-09", formats=("html",), kinds=("msr",))
    page = (result.folder / "msr-2026-09.html").read_text()
    assert "What changed since August 2026" in page
    assert "rebuilds September 2026 from a snapshot whose data runs to" in page
    first = _query(built, "select min(reporting_month) from fct_earned_value_monthly").item()
    oldest = generate_report(built.paths, f"{first:%Y-%m}", formats=("html",), kinds=("msr",))
    assert (
        "is the first month in this snapshot"
        in (oldest.folder / f"msr-{first:%Y-%m}.html").read_text()
    )


def _assert_nothing_written(paths: DataPaths, month: str) -> None:
    assert not (paths.reports / month).exists()
    if paths.reports.exists():
        assert not list(paths.reports.glob(".incoming-*"))


def test_unknown_snapshot_and_months_outside_the_data_fail_clearly(built: Built):
    with pytest.raises(ReportError, match=r"snapshot '20990101T000000Z-deadbeef' does not exist"):
        generate_report(built.paths, "2026-08", snapshot_id="20990101T000000Z-deadbeef")
    _assert_nothing_written(built.paths, "2026-08")
    with pytest.raises(ReportError, match=r"2027-01 is outside the data of snapshot .* to 2026-10"):
        generate_report(built.paths, "2027-01")
    _assert_nothing_written(built.paths, "2027-01")
    with pytest.raises(ReportError, match="expected YYYY-MM"):
        generate_report(built.paths, "October")
    with pytest.raises(ReportError, match="unknown format docx"):
        generate_report(built.paths, "2026-08", formats=("html", "docx"))
    _assert_nothing_written(built.paths, "2026-08")


def test_a_missing_model_fails_naming_it_and_writes_nothing(built: Built, tmp_path: Path):
    paths, snapshot_id = copy_snapshot(built.paths.root, tmp_path / "data")
    folder = paths.published / snapshot_id
    database = folder / "warehouse.duckdb"
    database.chmod(0o644)
    con = duckdb.connect(str(database))
    con.execute("drop table fct_milestone_slippage")
    con.execute("alter table rpt_invoice_ageing drop column unpaid_amount")
    con.close()
    with pytest.raises(ReportError) as raised:
        generate_report(paths, MONTH)
    message = str(raised.value)
    assert "fct_milestone_slippage" in message and "Project pages" in message
    assert "rpt_invoice_ageing lacks column(s) unpaid_amount" in message
    assert "Commitments, purchase orders and invoices" in message
    _assert_nothing_written(paths, MONTH)
    # The FSR alone does not need milestones but does need the invoice ageing.
    with pytest.raises(ReportError, match="unpaid_amount"):
        generate_report(paths, MONTH, kinds=("fsr",))
    _assert_nothing_written(paths, MONTH)
    # A model dropped from the catalog (not published) counts as missing too.
    catalog = json.loads((folder / "catalog.json").read_text())
    catalog["models"] = [m for m in catalog["models"] if m["name"] != "rpt_project_kpis_monthly"]
    (folder / "catalog.json").write_text(json.dumps(catalog))
    with pytest.raises(ReportError, match="model rpt_project_kpis_monthly is not in the catalog"):
        generate_report(paths, MONTH, kinds=("msr",), formats=("html",))
    _assert_nothing_written(paths, MONTH)


def test_new_reporting_models_reach_the_reports_with_no_python_change(built: Built, tmp_path: Path):
    """A PMO analyst's new reporting model shows in the MSR appendix with its catalog labels,
    and a dbt model splitting labour variance into hours and rate effects fills the FSR."""
    paths, snapshot_id = copy_snapshot(built.paths.root, tmp_path / "data")
    folder = paths.published / snapshot_id
    database = folder / "warehouse.duckdb"
    database.chmod(0o644)
    con = duckdb.connect(str(database))
    con.execute(
        "create table rpt_vendor_scorecard as select 'ERP' as project_code, "
        "date '2026-10-01' as reporting_month, 4.3 as supplier_score"
    )
    con.execute(
        "create table fct_labour_variance_monthly as select 'ERP' as project_code, "
        "date '2026-10-01' as reporting_month, 12345.0 as labour_hours_variance_amount, "
        "-678.0 as labour_rate_variance_amount"
    )
    con.close()
    catalog = json.loads((folder / "catalog.json").read_text())

    def model(name: str, layer: str, columns: list[tuple[str, str, str]]) -> dict:
        return {
            "name": name,
            "relation": f"main.{name}",
            "layer": layer,
            "description": f"{name} for the test.",
            "grain": ["project_code", "reporting_month"],
            "columns": [
                {"name": n, "description": "", "metric": {"label": label, "format": fmt}}
                for n, label, fmt in columns
            ],
        }

    catalog["models"] += [
        model(
            "rpt_vendor_scorecard",
            "reporting",
            [
                ("project_code", "Project", "text"),
                ("reporting_month", "Month", "month"),
                ("supplier_score", "Supplier score", "number"),
            ],
        ),
        model(
            "fct_labour_variance_monthly",
            "marts",
            [
                ("project_code", "Project", "text"),
                ("reporting_month", "Month", "month"),
                ("labour_hours_variance_amount", "Hours effect", "currency"),
                ("labour_rate_variance_amount", "Rate effect", "currency"),
            ],
        ),
    ]
    (folder / "catalog.json").write_text(json.dumps(catalog))
    result = generate_report(paths, MONTH, formats=("html", "xlsx"))
    msr = (result.folder / f"msr-{MONTH}.html").read_text()
    assert "rpt_vendor_scorecard" in msr and "Supplier score" in msr and ">4.3<" in msr
    # titled and sheeted in words; the model is named as the source
    assert "<h3>Vendor scorecard</h3>" in msr or ">Vendor scorecard<" in msr
    workbook = openpyxl.load_workbook(result.folder / f"msr-{MONTH}.xlsx", read_only=True)
    assert "Vendor scorecard" in workbook.sheetnames
    assert not [name for name in workbook.sheetnames if name.startswith(("rpt_", "fct_"))]
    fsr = (result.folder / f"fsr-{MONTH}.html").read_text()
    assert "Not available" not in fsr
    assert "Hours effect" in fsr and "12,345" in fsr and "-678" in fsr
    sheet = pl.read_excel(result.folder / f"fsr-{MONTH}.xlsx", sheet_name="Labour variance")
    assert sheet.row(0) == ("ERP", 12345.0, -678.0)
    assert not any("labour" in c for c in json.loads(result.manifest_path.read_text())["caveats"])


def test_a_failed_pdf_print_leaves_no_report(built: Built, monkeypatch: pytest.MonkeyPatch):
    before = sorted(p.name for p in (built.paths.reports / MONTH).iterdir())
    monkeypatch.setattr(pdf_module, "CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(ReportError, match="cannot print the PDF"):
        generate_report(built.paths, MONTH, kinds=("fsr",))
    assert sorted(p.name for p in (built.paths.reports / MONTH).iterdir()) == before
    assert not list(built.paths.reports.glob(".incoming-*"))


def test_a_pdf_lacking_its_last_line_is_rejected(built: Built, tmp_path: Path):
    source = built.full.folder / f"fsr-{MONTH}.pdf"
    data = source.read_bytes()
    check = pdf_module.verify_pdf(source, data, ["Financial status report"])
    assert check.pages >= 5 and check.text_checked
    with pytest.raises(ReportError, match="is incomplete: its text lacks 'End of report · MSR"):
        pdf_module.verify_pdf(source, data, [f"End of report · MSR {MONTH}"])
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(ReportError, match="has no pages"):
        pdf_module.verify_pdf(empty, empty.read_bytes(), [])


def test_msr_and_fsr_agree_or_print_the_reconciliation_of_the_difference(built: Built):
    """One number per concept: for AC, PV / budget to date, BAC and EAC the MSR's headline and
    the FSR's total either agree, or both packs print the same reconciliation line whose items
    (from dbt) add up to the difference."""
    month = f"{MONTH}-01"
    headline = _query(
        built,
        "select actual_cost, planned_value, budget_at_completion, estimate_at_completion"
        " from rpt_portfolio_kpis_monthly where is_all_portfolios and reporting_month = ?",
        [month],
    ).to_dicts()[0]
    finance = _query(
        built,
        "select sum(cumulative_actual_cost) as actual_cost,"
        " sum(cumulative_budget_amount) as planned_value,"
        " sum(budget_at_completion) as budget_at_completion,"
        " sum(forecast_at_completion) as estimate_at_completion"
        " from fct_project_financials_monthly where reporting_month = ?",
        [month],
    ).to_dicts()[0]
    recon = _query(
        built,
        "select * from rpt_portfolio_cost_reconciliation_monthly"
        " where is_all_portfolios and reporting_month = ? order by measure_order",
        [month],
    )
    assert recon["measure"].to_list() == list(headline)
    items = (
        "earned_value_import_amount",
        "baseline_in_force_amount",
        "headline_adjustment_amount",
        "unexplained_amount",
    )
    texts = {kind: _pdf_text(built.full.folder / f"{kind}-{MONTH}.pdf") for kind in ("msr", "fsr")}
    pages = {
        kind: (built.full.folder / f"{kind}-{MONTH}.html").read_text() for kind in ("msr", "fsr")
    }
    differing = []
    for row in recon.to_dicts():
        measure = row["measure"]
        # the two sides are exactly what the MSR headline and the FSR total show
        assert row["msr_amount"] == pytest.approx(headline[measure], abs=1e-6), measure
        assert row["fsr_amount"] == pytest.approx(finance[measure], abs=1e-6), measure
        difference = headline[measure] - finance[measure]
        assert row["difference_amount"] == pytest.approx(difference, abs=1e-6), measure
        assert sum(row[i] for i in items) == pytest.approx(difference, abs=0.01), measure
        assert abs(row["unexplained_amount"]) < 0.01, measure
        for kind, page in pages.items():  # each pack names its own figure precisely
            assert f'<div class="label">{row[f"{kind}_measure_label"]}</div>' in page, kind
        if abs(difference) < 0.005:
            assert row["reconciliation_note"] is None, measure
            continue
        differing.append(measure)
        shown = [_money(row[i]) for i in items if _money(row[i]) != "0"]
        line = (
            f"{row['msr_measure_label']} {_money(row['msr_amount'])} (MSR) vs "
            f"{row['fsr_measure_label']} {_money(row['fsr_amount'])} (FSR): "
            f"difference {_money(difference)}"
        )
        for kind, text in texts.items():
            assert line in text, (kind, measure)
            assert row["reconciliation_note"] in text, (kind, measure)
            assert all(amount in text for amount in shown), (kind, measure)
    # the demo's earned-value import (DCM) reports its own AC and plan: AC and PV differ
    assert {"actual_cost", "planned_value"} <= set(differing)
    # both workbooks carry the same reconciliation, equal to the model
    sheets = {
        kind: pl.read_excel(
            built.full.folder / f"{kind}-{MONTH}.xlsx", sheet_name="MSR-FSR reconciliation"
        )
        for kind in ("msr", "fsr")
    }
    assert_frame_equal(sheets["msr"], sheets["fsr"])
    total = sheets["msr"].filter(pl.col("Portfolio") == "All portfolios")
    assert total["Difference (MSR - FSR)"].to_list() == pytest.approx(
        recon["difference_amount"].to_list(), abs=1e-6
    )
    projects = _query(
        built,
        "select project_code, measure, difference_amount, earned_value_import_amount"
        " from rpt_cost_reconciliation_monthly where reporting_month = ?"
        " and reconciliation_reason is not null order by project_code, measure_order",
        [month],
    )
    by_project = pl.read_excel(
        built.full.folder / f"fsr-{MONTH}.xlsx", sheet_name="MSR-FSR by project"
    )
    assert by_project["Project"].to_list() == projects["project_code"].to_list()
    assert by_project["Difference (MSR - FSR)"].to_list() == pytest.approx(
        projects["difference_amount"].to_list(), abs=1e-6
    )
    # the project differences add up to the portfolio's items
    for measure in differing:
        rows = projects.filter(pl.col("measure") == measure)
        portfolio_row = recon.filter(pl.col("measure") == measure).to_dicts()[0]
        assert rows["earned_value_import_amount"].sum() == pytest.approx(
            portfolio_row["earned_value_import_amount"], abs=0.01
        )
    # and the manifest lists each difference once
    caveats = json.loads(built.full.manifest_path.read_text())["caveats"]
    assert sum(c.startswith("MSR vs FSR: ") for c in caveats) == len(differing)


def test_a_row_standing_for_many_refused_rows_is_reported_with_its_count(
    built: Built, tmp_path: Path
):
    """Past a file's first 1,000 refused rows one row stands for the rest: the MSR's caveat
    names the count and the lines, not a single line."""
    paths, snapshot_id = copy_snapshot(built.paths.root, tmp_path / "data")
    database = paths.published / snapshot_id / "warehouse.duckdb"
    database.chmod(0o644)
    con = duckdb.connect(str(database))
    code, source_file, line = con.execute(
        "select project_code, source_file, source_line from rpt_quarantined_rows"
        " where project_code is not null and entity = 'timesheets'"
        # an open project: a closed one has a line in the closing section, not a page
        "  and project_code not in (select project_code from dim_projects"
        "   where is_closed and closed_from_month <= ?::date)"
        " order by project_code, source_line limit 1",
        [f"{MONTH}-01"],
    ).fetchone()
    for table in ("raw.quarantine", "rpt_quarantined_rows"):  # the row and its published copy
        con.execute(
            f"update {table} set rows_represented = 640,"
            " last_source_line = ? where source_file = ? and source_line = ?",
            [line + 2_000, source_file, line],
        )
    con.close()
    result = generate_report(paths, MONTH, formats=("html",))
    msr = (result.folder / f"msr-{MONTH}.html").read_text()
    expected = f"640 quarantined timesheets rows: {source_file} lines {line}–{line + 2_000}"
    assert expected in msr, code


def test_workbooks_show_money_in_the_reporting_currency_and_rag_in_its_colour(built: Built):
    """An analyst filtering the pack in Excel sees euro amounts (an unfavourable variance in
    red) and health colours as filled cells, while each cell keeps its number or its word."""
    import openpyxl

    fsr = openpyxl.load_workbook(built.full.folder / f"fsr-{MONTH}.xlsx")["By project"]
    formats = {
        header.value: fsr.cell(row=2, column=index + 1).number_format
        for index, header in enumerate(fsr[1])
    }
    assert formats["Budget at completion"] == '"€"#,##0;-"€"#,##0'
    assert formats["Forecast variance"] == '"€"#,##0;[Red]-"€"#,##0'  # better when higher
    assert isinstance(fsr.cell(row=2, column=4).value, int | float)  # a number, not a text
    assert all(table.autoFilter is not None for table in fsr.tables.values())

    health = openpyxl.load_workbook(built.full.folder / f"msr-{MONTH}.xlsx")["Project health"]
    headers = [cell.value for cell in health[1]]
    fills = {
        str(rule.formula[0]).strip('"'): rule.dxf.fill.bgColor.rgb
        for ranges in health.conditional_formatting
        for rule in ranges.rules
        if str(ranges.sqref).startswith(
            openpyxl.utils.get_column_letter(headers.index("Overall") + 1)
        )
    }
    assert {value: rgb[-6:] for value, rgb in fills.items()} == {
        "red": "C0392B",
        "amber": "E69F00",
        "green": "2E8B57",
        "grey": "9AA0A6",
    }
    values = {
        health.cell(row=row, column=headers.index("Overall") + 1).value
        for row in range(2, health.max_row + 1)
    }
    assert values <= {"red", "amber", "green", "grey", None} and "red" in values


def test_vendor_sections_in_the_msr_and_fsr_pdfs(built: Built):
    """The MSR's vendors chapter lists the month's scorecard and every SLA missed; the FSR's
    shows each vendor's spend to date and the month's invoices not matching their order."""
    month = f"{MONTH}-01"
    msr_text = _pdf_text(built.full.folder / f"msr-{MONTH}.pdf")
    assert "Vendors and service levels in October 2026" in msr_text
    breaches = _query(
        built,
        "select vendor, contract_id from rpt_vendor_sla_results_monthly"
        " where reporting_month = ? and is_breach",
        [month],
    )
    assert breaches.height > 0, "the demo misses service levels in its last month"
    for row in breaches.iter_rows(named=True):
        assert row["contract_id"] in msr_text
    scorecard = _query(
        built,
        "select vendor from rpt_vendor_scorecard_monthly where reporting_month = ?"
        " and (sla_result_count > 0 or active_contract_count > 0)",
        [month],
    )
    for vendor in scorecard["vendor"]:
        assert vendor in msr_text
    assert "DWH" in msr_text and "overdue" in msr_text  # the storyline's overdue deliverable

    base = _query(
        built, "select * from rpt_vendor_portfolio_monthly where reporting_month = ?", [month]
    ).row(0, named=True)
    assert "The vendor base" in msr_text
    for column in ("contract_value", "contracted_spend_amount", "uncontracted_spend_amount"):
        assert _money(base[column]) in msr_text, column

    fsr_text = _pdf_text(built.full.folder / f"fsr-{MONTH}.pdf")
    assert "Vendor spend and invoice accuracy" in fsr_text
    spend = _query(
        built,
        "select vendor, has_contract, invoiced_to_date_amount, uncontracted_spend_amount,"
        " contract_remaining_amount from rpt_vendor_scorecard_monthly where reporting_month = ?"
        " and (contract_value > 0 or po_committed_amount > 0 or invoiced_to_date_amount <> 0)"
        " order by vendor",
        [month],
    )
    assert spend.height > 0
    for row in spend.iter_rows(named=True):
        assert _money(row["invoiced_to_date_amount"]) in fsr_text
    assert "Uncontracted spend" in fsr_text
    sheet = pl.read_excel(built.full.folder / f"fsr-{MONTH}.xlsx", sheet_name="Vendor spend")
    assert sheet.height == spend.height
    # a supplier without a contract: no remaining amount (never a negative one), its spend
    # uncontracted
    uncontracted = spend.filter(~pl.col("has_contract"))
    assert uncontracted.height > 0, "the demo's hardware and software suppliers"
    rows = {row[0]: row for row in sheet.iter_rows()}
    remaining = sheet.columns.index("Contract remaining")
    for row in uncontracted.iter_rows(named=True):
        assert rows[row["vendor"]][remaining] is None
        assert row["uncontracted_spend_amount"] == pytest.approx(row["invoiced_to_date_amount"])
    assert all(value is None or value >= 0 for value in sheet["Contract remaining"])
