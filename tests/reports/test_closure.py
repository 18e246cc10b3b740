"""Project closure reports built from the demo portfolio's published snapshot, read as the closure
meeting reads them.

The demo is as of 31 Oct 2026. NET (Branch network refresh, waterfall) closed from October: it
finished on 18 Sep 2026, 51 days after its planned finish of 29 Jul, over budget, with one risk
that materialised, six milestones and four lessons; BIL and POS closed in October too. Every
figure of the pack is a row of a dbt model of the snapshot: the workbook's cells are compared
with the models, the PDF's text with the same rows.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from pipelines.config import DataPaths
from pipelines.publish.formatting import money_text
from pipelines.publish.reports import (
    ReportError,
    ReportResult,
    generate_closure_report,
    generate_report,
    list_reports,
    verify_report,
)
from pipelines.publish.reports.html import without_generated_at
from tests.reports.conftest import copy_snapshot

PROJECT, MONTH = "NET", "2026-10"
STEM = f"closure-{PROJECT}-{MONTH}"
ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("demo")]


@dataclass(frozen=True)
class Closure:
    paths: DataPaths
    snapshot_id: str
    database: Path
    result: ReportResult


@pytest.fixture(scope="module")
def closure(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Closure:
    paths, snapshot_id = copy_snapshot(demo_data_dir, tmp_path_factory.mktemp("closure") / "data")
    database = paths.published / snapshot_id / "warehouse.duckdb"
    return Closure(paths, snapshot_id, database, generate_closure_report(paths, PROJECT))


def _query(closure: Closure, sql: str, params: list | None = None) -> pl.DataFrame:
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{closure.database}' as wh (read_only)")
        con.execute("use wh")
        return con.sql(sql, params=params or []).pl()
    finally:
        con.close()


def _pdf_text(path: Path, mode: str = "-layout") -> str:
    """The PDF's text with its spaces collapsed; ``-raw`` keeps a wrapped table cell's words
    together (in content order) where ``-layout`` interleaves them with the row's other cells."""
    text = subprocess.run(
        ["pdftotext", mode, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


def _sheet(closure: Closure, name: str) -> list[dict]:
    """A sheet of the pack's workbook as rows of {header: value}."""
    workbook = openpyxl.load_workbook(closure.result.folder / f"{STEM}.xlsx", read_only=True)
    rows = list(workbook[name].iter_rows(values_only=True))
    workbook.close()
    return [
        dict(zip(rows[0], row, strict=True)) for row in rows[1:] if any(v is not None for v in row)
    ]


def _pmo(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PMO_DATA_DIR", "DAGSTER_HOME")}
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_the_pack_is_filed_under_the_month_it_closed_from_with_a_manifest(closure: Closure):
    result = closure.result
    assert result.folder == closure.paths.reports / MONTH / "v1"
    assert sorted(path.name for path in result.files) == [
        f"{STEM}.{ext}" for ext in ("html", "pdf", "xlsx")
    ]
    assert result.closures == (PROJECT,)
    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["report"] == "pmo-pulse closure pack"
    assert (manifest["month"], manifest["kinds"], manifest["closures"]) == (
        MONTH,
        ["closure"],
        [PROJECT],
    )
    assert manifest["snapshot_id"] == closure.snapshot_id
    assert manifest["sections"]["closure"]["Budget outcome"] == ["rpt_project_closure_budget"]
    for entry in manifest["files"]:
        data = (result.folder / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert (entry["kind"], entry["project"]) == ("closure", PROJECT)
    [info] = [i for i in list_reports(closure.paths) if i.period == MONTH and i.version == 1]
    assert info.kinds == ("closure",) and verify_report(info) == []


def test_the_workbook_holds_the_closure_models_numbers(closure: Closure):
    figures = _query(
        closure, "select * from rpt_project_closure where project_code = ?", [PROJECT]
    ).row(0, named=True)
    cost = _sheet(closure, "Cost at closure")[0]
    assert cost["Original BAC"] == figures["original_budget_at_completion"]
    assert cost["Final cost (AC)"] == pytest.approx(figures["actual_cost"], abs=1e-6)
    assert cost["EAC at closure"] == pytest.approx(figures["estimate_at_completion"], abs=1e-6)
    assert cost["VAC at closure"] == pytest.approx(figures["variance_at_completion"], abs=1e-6)
    assert cost["Final CPI"] == pytest.approx(figures["cost_performance_index"], abs=1e-6)
    schedule = _sheet(closure, "Schedule at closure")[0]
    assert schedule["Actual finish"].date() == figures["actual_finish_date"]
    assert schedule["Finish vs plan (days)"] == figures["finish_variance_days"] == 51
    assert schedule["Final SPI(t)"] == pytest.approx(figures["schedule_performance_index_time"])
    assert schedule["Earned-schedule delay SV(t) (months)"] == pytest.approx(
        figures["schedule_variance_time_months"]
    )
    budget = _query(
        closure,
        "select expense_type_label, cost_category_label, budget_at_completion, actual_cost,"
        " budget_variance_amount from rpt_project_closure_budget where project_code = ?"
        " order by line_order",
        [PROJECT],
    )
    sheet = [
        (
            row["Expense type"],
            row["Category"],
            row["Budget (BAC)"],
            row["Actual cost"],
            row["Variance (budget − actual)"],
        )
        for row in _sheet(closure, "Budget outcome")
    ]
    assert len(sheet) == budget.height > 3 and sheet[-1][:2] == ("All", "all categories")
    for got, want in zip(sheet, budget.rows(), strict=True):
        assert got[:2] == want[:2]
        assert got[2:] == pytest.approx(want[2:], abs=1e-6)
    risks = _query(
        closure,
        "select risk_id, impact_cost from rpt_project_materialised_risks where project_code = ?",
        [PROJECT],
    )
    assert [(r["Risk"], r["Cost impact"]) for r in _sheet(closure, "Materialised risks")] == (
        risks.rows()
    )
    history = _query(
        closure,
        "select count(*) from rpt_milestone_history where project_code = ?",
        [PROJECT],
    ).item()
    assert len(_sheet(closure, "Milestone history")) == history > 6
    lessons = _sheet(closure, "Lessons learned")
    assert len(lessons) == figures["lesson_count"] == 4


def test_the_pdf_shows_every_section_and_the_closure_figures(closure: Closure):
    text = _pdf_text(closure.result.folder / f"{STEM}.pdf")
    figures = _query(
        closure, "select * from rpt_project_closure where project_code = ?", [PROJECT]
    ).row(0, named=True)
    assert "Project closure report" in text
    assert f"{PROJECT} — Branch network refresh" in text
    for heading in (
        "Final earned value and earned schedule against the baseline",
        "Budget outcome",
        "Milestone history",
        "How each milestone's dates moved",
        "Risks that materialised",
        "Issues",
        "Decisions",
        "Lessons learned",
    ):
        assert heading in text, heading
    assert (
        "Finished 18 Sep 2026, 51 days after its planned finish (29 Jul 2026); final cost "
        f"{money_text(figures['actual_cost'], 'EUR')}"
    ) in text
    assert f"{figures['actual_cost']:,.0f}" in text  # the cost record's figure
    assert f"{figures['original_budget_at_completion']:,.0f}" in text
    squeezed = re.sub(r"\s+", "", _pdf_text(closure.result.folder / f"{STEM}.pdf", "-raw"))
    details = _query(
        closure, "select detail from rpt_milestone_history where project_code = ?", [PROJECT]
    )
    for detail in details["detail"]:
        assert re.sub(r"\s+", "", detail) in squeezed, detail
    risk = _query(
        closure,
        "select title from rpt_project_materialised_risks where project_code = ?",
        [PROJECT],
    ).item()
    assert re.sub(r"\s+", "", risk) in squeezed
    lessons = _query(
        closure,
        "select category, what_happened from rpt_lessons_learned where project_code = ?",
        [PROJECT],
    )
    for category, what in lessons.rows():
        assert f"{category.capitalize()} (" in text
        assert re.sub(r"\s+", "", what) in squeezed
    assert f"End of report · CLOSURE {PROJECT} {MONTH}" in text


def test_a_project_that_is_not_closed_gets_a_clear_error_and_nothing_is_written(closure: Closure):
    before = sorted(p.name for p in (closure.paths.reports / MONTH).iterdir())
    with pytest.raises(ReportError) as raised:
        generate_closure_report(closure.paths, "ERP")
    message = str(raised.value)
    assert message.startswith("ERP (")
    assert "is not closed: its status is 'active'" in message
    run = _pmo(
        "report", "--data-dir", str(closure.paths.root), "--kind", "closure", "--project", "ERP"
    )
    assert run.returncode == 1
    assert "error: ERP (" in run.stderr and "is not closed: its status is 'active'" in run.stderr
    assert "Traceback" not in run.stderr
    unknown = _pmo("report", "--data-dir", str(closure.paths.root), "--project", "NOPE")
    assert unknown.returncode == 1 and "no project NOPE in snapshot" in unknown.stderr
    wrong_month = _pmo(
        "report", "--data-dir", str(closure.paths.root), "--project", PROJECT, "--month", "2026-09"
    )
    assert wrong_month.returncode == 1
    assert "NET closed from October 2026, not 2026-09" in wrong_month.stderr
    both = _pmo(
        "report", "--data-dir", str(closure.paths.root), "--project", PROJECT, "--kind", "msr"
    )
    assert both.returncode == 2 and "a project's pack is its closure report" in both.stderr
    assert sorted(p.name for p in (closure.paths.reports / MONTH).iterdir()) == before
    assert not list(closure.paths.reports.glob(".incoming-*"))


def test_a_month_builds_one_pack_per_project_that_closed_in_it(closure: Closure):
    closed = _query(
        closure,
        "select project_code from dim_projects where is_closed"
        " and closed_from_month = date '2026-10-01' order by 1",
    )["project_code"].to_list()
    assert closed == ["BIL", "NET", "POS"]
    result = generate_report(closure.paths, MONTH, kinds=["closure"], formats=["xlsx"])
    assert result.closures == tuple(closed)
    assert sorted(path.name for path in result.files) == [
        f"closure-{code}-{MONTH}.xlsx" for code in closed
    ]
    with pytest.raises(ReportError) as raised:
        generate_report(closure.paths, "2026-08", kinds=["closure"])
    message = str(raised.value)
    assert "no project closed in 2026-08" in message
    assert "CRM April 2026" in message and "NET October 2026" in message


def test_a_rebuild_from_the_same_snapshot_is_identical_but_for_the_stamp(closure: Closure):
    again = generate_closure_report(
        closure.paths, PROJECT.lower(), month=MONTH, formats=("html", "xlsx")
    )
    first, second = closure.result.folder, again.folder
    assert second.parent == first.parent and second != first
    assert without_generated_at((first / f"{STEM}.html").read_text()) == without_generated_at(
        (second / f"{STEM}.html").read_text()
    )
    assert (first / f"{STEM}.xlsx").read_bytes() == (second / f"{STEM}.xlsx").read_bytes()
