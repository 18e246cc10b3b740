"""A dollar portfolio as a new user drops it: canonical CSVs, no fx_rates, no settings file.

Three projects: HQ-1, an ordinary budget-and-tasks project; MP-1, whose earned-value export
starts mid-project and carries the future baseline curve as PV-only rows - the shape that used
to fail the whole refresh; and BK-1, whose data is wrong in every way a warn-severity data test
reports (earned value above its budget, a budget line dated twice in a month, two status notes
for one month, a sprint that ends before it starts). `pmo refresh` must publish, every figure must
be in US dollars on the pages, BK-1 must carry each fault as a data-quality flag in words, and
HQ-1's numbers must be exactly those of a refresh without MP-1 and BK-1.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from pipelines.config import resolve_data_dir
from pipelines.publish.invariants import snapshot_violations
from pipelines.publish.snapshot import current_snapshot
from tests.test_cli import pmo

# its tests share one refreshed portfolio
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(__name__)]

FILES = {
    "projects.csv": "project_code,project_name,portfolio,methodology,start_date,"
    "planned_finish_date,status,currency\n"
    "HQ-1,Head office move,Americas,waterfall,2026-01-01,2026-06-30,active,USD\n"
    "MP-1,Plant expansion,Americas,waterfall,2026-01-01,2026-12-31,active,USD\n",
    "people.csv": "employee_id,full_name,email\nE1,Ana Souza,ana@example.com\n"
    "E2,Bo Lind,bo@example.com\n",
    "rates.csv": "employee_id,role,effective_from,hourly_cost_rate,currency\n"
    "E1,,2025-01-01,50,USD\nE2,,2025-01-01,40,USD\n",
    "hq_budget.csv": "project_code,budget_month,cost_category,expense_type,amount,currency,"
    "baseline_version,approved_on\n"
    + "".join(f"HQ-1,2026-{m:02d}-01,labour,capex,1000,USD,B1,2025-12-15\n" for m in range(1, 7)),
    "hq_tasks.csv": "project_code,task_key,task_name,status,status_category,baseline_cost,"
    "percent_complete,snapshot_date\n"
    "HQ-1,T1,Fit-out,In Progress,in_progress,6000,50,2026-04-30\n",
    "hq_time.csv": "employee_id,project_code,task_key,work_date,hours\n"
    + "".join(f"E1,HQ-1,T1,2026-0{m}-1{d},10\n" for m in range(1, 5) for d in range(2, 4)),
}
MP_FILES = {
    "mp_time.csv": "employee_id,project_code,task_key,work_date,hours\n"
    "E2,MP-1,,2026-01-14,10\nE2,MP-1,,2026-03-16,20\nE2,MP-1,,2026-04-15,20\n",
    # first status in March; April; then the plan to December, PV only
    "mp_ev.csv": "project_code,status_date,planned_value,earned_value,actual_cost,"
    "budget_at_completion\n"
    "MP-1,2026-03-31,3000,2500,2600,12000\n"
    "MP-1,2026-04-30,4000,3600,3500,\n"
    + "".join(f"MP-1,2026-{m:02d}-28,{1000 * m},,,\n" for m in range(5, 13)),
}

# BK-1: wrong data that must flag the project, not fail the portfolio
BK_FILES = {
    "bk_projects.csv": "project_code,project_name,portfolio,methodology,start_date,"
    "planned_finish_date,status,currency\n"
    "BK-1,Branch refit,Americas,agile,2026-01-01,2026-06-30,active,USD\n",
    # February budgeted twice for labour capex: 1 Feb and 15 Feb (added up)
    "bk_budget.csv": "project_code,budget_month,cost_category,expense_type,amount,currency,"
    "baseline_version,approved_on\n"
    + "".join(f"BK-1,2026-{m:02d}-01,labour,capex,1000,USD,B1,2025-12-15\n" for m in range(1, 7))
    + "BK-1,2026-02-15,labour,capex,500,USD,B1,2025-12-15\n",
    # April: earned value 7000 above the budget at completion of 6500
    "bk_ev.csv": "project_code,status_date,planned_value,earned_value,actual_cost,"
    "budget_at_completion\n"
    "BK-1,2026-03-31,3500,3000,3200,6500\n"
    "BK-1,2026-04-30,4500,7000,4400,6500\n",
    "bk_notes.csv": "project_code,report_month,author,overall_status,summary\n"
    "BK-1,2026-04-01,Pat Doe,amber,Fit-out slipping.\n"
    "BK-1,2026-04-20,Pat Doe,red,Fit-out two weeks late.\n",
    "bk_sprints.csv": "sprint_name,team,project_code,start_date,end_date\n"
    "BK Sprint 1,Refit,BK-1,2026-03-02,2026-03-13\n"
    "BK Sprint 2,Refit,BK-1,2026-03-30,2026-03-16\n",
}
BK_FLAGS = (
    "earned value above the budget at completion in 1 month(s), latest 2026-04",
    "budget lines dated twice in one month (added up): 1, latest 2026-02",
    "several status notes for one month (the latest loaded is reported): 1 month(s),"
    " latest 2026-04",
    "sprints that finish before they start: BK Sprint 2",
)


def _landing(root: Path, files: dict[str, str]) -> Path:
    landing = root / "landing"
    landing.mkdir(parents=True)
    for name, text in files.items():
        (landing / name).write_text(text, encoding="utf-8")
    return root


def _ev_rows(data_dir: Path, project: str) -> list[dict]:
    result = pmo(
        "sql",
        "--data-dir",
        str(data_dir),
        "--format",
        "json",
        "select * exclude (forecast_finish_date) from fct_earned_value_monthly"
        f" where project_code = '{project}' order by reporting_month",
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


ROOT = Path(__file__).resolve().parents[1]


def _written_since(root: Path, started: float) -> list[str]:
    """Files under the source tree (not its hidden or bytecode folders) modified since then."""
    found = []
    for path in root.rglob("*"):
        parts = path.relative_to(root).parts
        if any(p.startswith(".") or p == "__pycache__" for p in parts) or not path.is_file():
            continue
        if path.stat().st_mtime >= started:
            found.append(str(path.relative_to(root)))
    return found


@pytest.fixture(scope="module")
def dollar_portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    started = time.time()
    data_dir = _landing(tmp_path_factory.mktemp("usd") / "data", {**FILES, **MP_FILES, **BK_FILES})
    result = pmo("refresh", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "reporting currency: USD (the currency every project uses)" in result.stderr
    assert "Traceback" not in result.stderr
    (data_dir / "refresh.log").write_text(result.stderr, encoding="utf-8")
    (data_dir / "written_in_source_tree.json").write_text(
        json.dumps(_written_since(ROOT, started)), encoding="utf-8"
    )
    return data_dir


def test_the_refresh_publishes_every_figure_in_dollars(dollar_portfolio: Path) -> None:
    status = pmo("status", "--data-dir", str(dollar_portfolio))
    assert "reporting currency: USD (the currency every project uses)" in status.stdout
    assert "without an exchange rate" not in status.stdout
    assert "Last refresh run: SUCCESS" in status.stdout
    hq = _ev_rows(dollar_portfolio, "HQ-1")[-1]
    # April: PV 4 x 1000, EV 6000 x 50 %, AC 2 days x 10 h x 50 a month x 4 months = 4000
    assert (hq["planned_value"], hq["earned_value"], hq["actual_cost"]) == (4000, 3000, 4000)
    mp = {row["reporting_month"]: row for row in _ev_rows(dollar_portfolio, "MP-1")}
    assert (mp["2026-01-01"]["earned_value"], mp["2026-01-01"]["actual_cost"]) == (None, 400)
    assert mp["2026-01-01"]["actual_cost_source"] == "timesheets_and_invoices"
    april = mp["2026-04-01"]
    assert (april["planned_value"], april["earned_value"], april["actual_cost"]) == (
        4000,
        3600,
        3500,
    )
    assert (april["budget_at_completion"], april["planned_duration_months"]) == (12000, 12)
    snapshot = current_snapshot(resolve_data_dir(dollar_portfolio))
    assert snapshot is not None
    assert snapshot.catalog()["reporting_currency"] == "USD"
    assert snapshot_violations(snapshot.database) == {}


def test_a_refresh_writes_only_under_its_data_directory(dollar_portfolio: Path) -> None:
    written = json.loads((dollar_portfolio / "written_in_source_tree.json").read_text())
    assert written == []
    runs = list((dollar_portfolio / "dbt" / "runs").iterdir())
    assert len(runs) == 1
    results = json.loads((runs[0] / "run_results.json").read_text())
    assert not any(r["unique_id"].startswith("unit_test.") for r in results["results"])
    assert (runs[0] / "dbt.log").is_file()


def test_only_the_newest_dbt_runs_are_kept(tmp_path: Path) -> None:
    from pipelines.config import DataPaths
    from pipelines.defs.transform.assets import DBT_RUNS_KEPT, dbt_run_dir

    paths = DataPaths(tmp_path)
    made = []
    for number in range(DBT_RUNS_KEPT + 3):
        folder = dbt_run_dir(paths, f"run{number:05d}", {})
        (folder / "run_results.json").write_text("{}")
        made.append(folder)
        time.sleep(0.01)
    kept = sorted(paths.dbt_runs.iterdir())
    assert kept == sorted(made[-DBT_RUNS_KEPT:])


def test_one_projects_odd_import_leaves_the_others_numbers_alone(
    dollar_portfolio: Path, tmp_path: Path
) -> None:
    alone = _landing(tmp_path / "data", FILES)
    result = pmo("refresh", "--data-dir", str(alone))
    assert result.returncode == 0, result.stderr[-3000:]
    assert _ev_rows(alone, "HQ-1") == _ev_rows(dollar_portfolio, "HQ-1")


def test_a_project_with_wrong_data_is_flagged_not_fatal(dollar_portfolio: Path) -> None:
    summary = (dollar_portfolio / "refresh.log").read_text(encoding="utf-8")
    for check in (
        "fct_earned_value_monthly_earned_value_within_budget",
        "fct_sprint_velocity_sprint_finishes_after_it_starts",
    ):
        assert f"⚠ check {check} warned on 1 row(s): flagged, not blocking" in summary
    flag_line = next(line for line in summary.splitlines() if "⚠ BK-1 data-quality flags:" in line)
    for flag in BK_FLAGS:
        assert flag in flag_line
    assert "HQ-1 data-quality flags" not in summary
    result = pmo(
        "sql",
        "--data-dir",
        str(dollar_portfolio),
        "--format",
        "json",
        "select project_code, data_quality_issues, failed_check_count"
        " from rpt_data_quality_by_project order by project_code",
    )
    assert result.returncode == 0, result.stderr
    quality = {row["project_code"]: row for row in json.loads(result.stdout)}
    for flag in BK_FLAGS:
        assert flag in quality["BK-1"]["data_quality_issues"]
    for code in ("HQ-1", "MP-1"):
        assert "budget at completion" not in (quality[code]["data_quality_issues"] or "")
    bk = {row["reporting_month"]: row for row in _ev_rows(dollar_portfolio, "BK-1")}
    # published as reported, and marked: EV 7000 > BAC 6500 is never read as 108 % done
    april = bk["2026-04-01"]
    assert (april["earned_value"], april["budget_at_completion"]) == (7000, 6500)
    assert april["is_earned_value_over_budget"] and april["evm_confidence"] == "low"


def test_the_data_quality_page_names_the_broken_project(
    dollar_portfolio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboards.navigation import PAGES
    from tests.dashboards.test_pages import run_page

    monkeypatch.setenv("PMO_DATA_DIR", str(dollar_portfolio))
    app = run_page(PAGES["data_quality"])
    table = next(
        frame.value
        for frame in app.dataframe
        if "data_quality_issues" in frame.value.columns and "project_code" in frame.value.columns
    )
    issues = dict(zip(table["project_code"], table["data_quality_issues"], strict=True))
    for flag in BK_FLAGS:
        assert flag in issues["BK-1"]
    assert any("have earned-value figures" in info.value for info in app.info), [
        info.value for info in app.info
    ]


def test_the_pages_show_dollars(dollar_portfolio: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboards.navigation import PAGES
    from tests.dashboards.test_pages import run_page, tiles

    monkeypatch.setenv("PMO_DATA_DIR", str(dollar_portfolio))
    portfolio = tiles(run_page(PAGES["portfolio"]))
    for column in ("budget_at_completion", "estimate_at_completion", "overrun_at_completion"):
        assert portfolio[column]["shown"].startswith("$"), portfolio[column]
    assert portfolio["cost_performance_index"]["exact"] not in ("None", "—")
    project = tiles(run_page(PAGES["project"], {"project": "MP-1"}))
    assert project["budget_at_completion"]["shown"] == "$12.0k", project["budget_at_completion"]
    assert project["earned_value" if "earned_value" in project else "percent_complete"][
        "exact"
    ] not in ("None", "—")
