"""AppTest over every page on the published demo: no exception, and the numbers a user reads
are the numbers of the published marts (queried here straight from the snapshot)."""

from __future__ import annotations

import base64
import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.components.formatting import format_value
from dashboards.components.ui import RAG_BADGES
from dashboards.navigation import DEFAULT, PAGES
from pipelines.publish.reports import generate_report
from tests.dashboards.support import Published, app_test, copy_published

pytestmark = pytest.mark.xdist_group("demo")

SOURCE = re.compile(r"Source: `(?P<model>\w+)\.(?P<column>\w+)` = (?P<exact>[^.]+(?:\.\d+)?)\.")


def run_page(page: str, params: dict[str, str] | None = None) -> AppTest:
    app = app_test()
    for key, value in (params or {}).items():
        app.query_params[key] = value
    if page != PAGES[DEFAULT]:
        app.switch_page(page)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def table_with(app: AppTest, *columns: str):
    """The first table showing all these columns (read-only tables carry no key in AppTest)."""
    for element in app.dataframe:
        frame = element.value
        if all(column in frame.columns for column in columns):
            return frame
    raise AssertionError(f"no table with columns {columns}")


def tiles(app: AppTest) -> dict[str, dict[str, Any]]:
    """Tiles by their source column: the label, the value shown and the exact published value."""
    found = {}
    for metric in app.metric:
        match = SOURCE.search(metric.proto.help)
        if match:
            found[match["column"]] = {
                "model": match["model"],
                "label": metric.label,
                "shown": metric.value,
                "exact": match["exact"],
            }
    return found


def meta(published: Published, model: str, column: str) -> dict[str, Any]:
    for entry in published.catalog["models"]:
        if entry["name"] == model:
            for item in entry["columns"]:
                if item["name"] == column:
                    return item["metric"] or {}
    return {}


def assert_tiles_match(
    app: AppTest, published: Published, row: dict[str, Any], model: str, columns
):
    shown = tiles(app)
    for column in columns:
        assert column in shown, f"no tile for {model}.{column}; tiles: {sorted(shown)}"
        tile = shown[column]
        assert tile["model"] == model
        expected = format_value(row[column], meta(published, model, column), compact=True)
        assert tile["shown"] == expected, (column, tile, row[column])
        assert tile["label"].startswith(meta(published, model, column)["label"])


def latest_month(published: Published):
    return published.one("select max(reporting_month) as month from rpt_portfolio_kpis_monthly")[
        "month"
    ]


@pytest.mark.parametrize("page", list(PAGES.values()), ids=list(PAGES))
def test_every_page_renders_without_error(app_env: Published, page: str):
    app = run_page(page)
    assert app.title, "every page has a title"
    assert not app.error, [e.value for e in app.error]
    snapshot_caption = " ".join(c.value for c in app.sidebar.caption)
    assert app_env.snapshot_id in snapshot_caption


def test_portfolio_tiles_are_the_published_portfolio_kpis(app_env: Published):
    month = latest_month(app_env)
    row = app_env.one(
        "select * from rpt_portfolio_kpis_monthly where is_all_portfolios and reporting_month = ?",
        [month],
    )
    app = run_page(PAGES["portfolio"])
    assert_tiles_match(
        app,
        app_env,
        row,
        "rpt_portfolio_kpis_monthly",
        [
            "budget_at_completion",
            "estimate_at_completion",
            "variance_at_completion",
            "cost_performance_index",
            "schedule_performance_index",
            "schedule_performance_index_time",
            "open_risk_exposure_amount",
            "red_project_count",
            "amber_project_count",
            "green_project_count",
        ],
    )
    # the exact value behind the tile is the mart's value, unrounded
    assert float(tiles(app)["estimate_at_completion"]["exact"]) == pytest.approx(
        row["estimate_at_completion"], rel=1e-12
    )
    assert row["schedule_performance_index_time"] is not None
    assert not any(m.value == "n/a" for m in app.metric)


def test_a_value_reads_the_same_on_a_page_and_in_the_pack(app_env: Published, tmp_path: Path):
    """The portfolio's CPI and SPI: the tile on the portfolio page, the cell of the MSR's
    portfolio table and the workbook's display of the same cell are one text, from one meta."""
    month = latest_month(app_env)
    row = app_env.one(
        "select * from rpt_portfolio_kpis_monthly where is_all_portfolios and reporting_month = ?",
        [month],
    )
    shown = tiles(run_page(PAGES["portfolio"]))
    paths = copy_published(app_env.data_dir, tmp_path / "data")
    pack = generate_report(paths, f"{month:%Y-%m}", formats=("html", "xlsx"), kinds=("msr",))
    html = (pack.folder / f"msr-{month:%Y-%m}.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="data" data-table="portfolio">(.*?)</table>', html, re.S)
    assert table, "the MSR has no portfolio table"
    headers = re.findall(r"<th[^>]*>(.*?)</th>", table.group(1))
    cells = {
        cells[0]: dict(zip(headers, cells, strict=True))
        for cells in (
            re.findall(r"<td[^>]*>(.*?)</td>", body)
            for body in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)
        )
        if cells
    }
    sheet = openpyxl.load_workbook(pack.folder / f"msr-{month:%Y-%m}.xlsx")["Portfolio KPIs"]
    sheet_headers = [cell.value for cell in sheet[1]]
    total = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "All portfolios")
    for column, header in (
        ("cost_performance_index", "CPI"),
        ("schedule_performance_index", "SPI"),
    ):
        text = format_value(row[column], meta(app_env, "rpt_portfolio_kpis_monthly", column))
        assert shown[column]["shown"] == text
        assert cells["All portfolios"][header] == text
        workbook = total[sheet_headers.index(header)]
        assert isinstance(workbook.value, float)  # the number itself, not its text
        assert workbook.number_format == "0.00" and f"{workbook.value:.2f}" == text


def test_the_steering_view_lists_the_projects_needing_attention_most_severe_first(
    app_env: Published,
):
    month = latest_month(app_env)
    rank = {"red": 3, "amber": 2, "green": 1}
    open_projects = app_env.rows(
        "select * from rpt_steering_attention_monthly where reporting_month = ?", [month]
    )
    listed = sorted(
        (row for row in open_projects if row["needs_attention"]),
        key=lambda row: row["attention_rank"],
    )
    # invariants of the list: every open red or amber project is on it, ranks run 1..N, and
    # no project comes after one whose colour (measured, or the manager's if worse) is milder
    assert {
        r["project_code"] for r in open_projects if r["overall_status"] in ("red", "amber")
    } <= {r["project_code"] for r in listed}
    assert [row["attention_rank"] for row in listed] == list(range(1, len(listed) + 1))
    severity = [
        max(rank.get(row["overall_status"], 0), rank.get(row["manager_status"], 0))
        for row in listed
    ]
    assert severity == sorted(severity, reverse=True)
    assert any(row["is_colour_disputed"] for row in listed)  # the demo has such a project
    assert any(row["decision_owner_source"] == "sponsor (no owner named)" for row in listed)

    app = run_page(PAGES["steering"])

    text = [element.value for element in app.markdown]
    headers = [line for line in text if re.match(r"\*\*\d+\. ", line)]
    assert headers == [
        f"**{row['attention_rank']}. {row['project_name']}** ({row['project_code']}) · "
        + {
            "red": ":red-badge[Red]",
            "amber": ":orange-badge[Amber]",
            "green": ":green-badge[Green]",
            "grey": ":gray-badge[Not measured]",
        }[row["overall_status"]]
        for row in listed
    ]
    reds = sum(row["overall_status"] == "red" for row in listed)
    assert text[0].startswith(
        f"**{len(listed)} of {len(open_projects)} open projects need attention**; "
        f"{reds} measured red"
    )
    for row in listed:
        assert f"**Why:** {row['attention_reason']}" in text
        if row["colour_disagreement"]:
            assert any(row["colour_disagreement"].capitalize() in line for line in text)
        if row["decision_needed"]:
            (decision,) = [line for line in text if row["decision_needed"] in line]
            assert f"Owner: {row['decision_owner']}" in decision
    # overruns and underruns apart, and the net: the portfolio roll-up's figures
    totals = app_env.one(
        "select * from rpt_portfolio_kpis_monthly where is_all_portfolios and reporting_month = ?",
        [month],
    )
    assert_tiles_match(
        app,
        app_env,
        totals,
        "rpt_portfolio_kpis_monthly",
        ["overrun_at_completion", "underrun_at_completion", "variance_at_completion"],
    )
    # milestones overdue or due soon: the published list, in its order, with no blank cells
    due = app_env.rows("select * from rpt_milestones_due order by display_order")
    shown = table_with(app, "milestone_name", "When")
    assert shown["milestone_name"].tolist() == [row["milestone_name"] for row in due]
    assert not shown.isna().any().any()


def _decoded(value: Any) -> Any:
    """Plotly sends numeric arrays as typed base64 ({"dtype", "bdata"}): back to a list."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if "shape" in value:
            array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
        return array.tolist()
    return value


def chart(app: AppTest, key: str) -> dict[str, Any]:
    """The Plotly figure a page drew under this widget key (arrays as lists)."""
    for element in app.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):
            spec = json.loads(element.proto.spec)
            for trace in spec["data"]:
                for name in ("x", "y", "customdata"):
                    if name in trace:
                        trace[name] = _decoded(trace[name])
            return spec
    raise AssertionError(f"no chart {key!r}")


def test_a_programme_shows_its_own_published_totals(app_env: Published):
    month = latest_month(app_env)
    # a programme within its portfolio, the largest of the month
    row = app_env.rows(
        "select * from rpt_program_kpis_monthly where not is_all_portfolios"
        " and reporting_month = ? order by budget_at_completion desc limit 1",
        [month],
    )[0]
    link = {"portfolio": row["portfolio"], "program": row["program"]}
    app = run_page(PAGES["portfolio"], link)
    assert app.sidebar.selectbox(key="program").value == row["program"]
    assert_tiles_match(
        app,
        app_env,
        row,
        "rpt_program_kpis_monthly",
        [
            "budget_at_completion",
            "estimate_at_completion",
            "cost_performance_index",
            "schedule_performance_index_time",
            "red_project_count",
            "open_risk_exposure_amount",
        ],
    )
    risks = run_page(PAGES["risks"], link)
    assert_tiles_match(
        risks,
        app_env,
        row,
        "rpt_program_kpis_monthly",
        ["open_risk_count", "open_high_risk_count", "open_risk_exposure_amount"],
    )
    # Financials compares the portfolio's programmes side by side
    financials = run_page(PAGES["financials"], {"portfolio": row["portfolio"]})
    bars = chart(financials, "fin_portfolio")["data"]
    programmes = app_env.rows(
        "select program, budget_at_completion from rpt_program_kpis_monthly"
        " where portfolio = ? and reporting_month = ? order by program",
        [row["portfolio"], month],
    )
    assert bars[0]["x"] == [p["program"] for p in programmes]
    assert bars[0]["y"] == pytest.approx([p["budget_at_completion"] for p in programmes])


def test_what_changed_shows_the_published_changes(app_env: Published):
    month = latest_month(app_env)
    app = run_page(PAGES["portfolio"])
    # the open projects: the closed ones have their own section at the foot of the page
    expected = app_env.rows(
        "select c.project_code, c.previous_overall_status, c.overall_status,"
        " c.estimate_at_completion_change_amount as change"
        " from rpt_project_changes_monthly c join rpt_project_kpis_monthly k"
        " using (project_code, reporting_month) where reporting_month = ? and not k.is_closed",
        [month],
    )
    changed = table_with(app, "was", "now")
    assert sorted(changed["project_code"]) == sorted(
        r["project_code"] for r in expected if r["previous_overall_status"] != r["overall_status"]
    )
    moves = table_with(app, "estimate_at_completion_change_amount")
    biggest = sorted(
        (r for r in expected if r["change"] is not None), key=lambda r: -abs(r["change"])
    )[:8]
    assert list(moves["project_code"]) == [r["project_code"] for r in biggest]
    assert list(moves["estimate_at_completion_change_amount"]) == pytest.approx(
        [r["change"] for r in biggest], rel=1e-12
    )


def test_portfolio_filter_and_month_come_from_the_link(app_env: Published):
    months = [
        r["reporting_month"]
        for r in app_env.rows(
            "select distinct reporting_month from rpt_portfolio_kpis_monthly"
            " order by 1 desc limit 2"
        )
    ]
    portfolio = app_env.rows(
        "select portfolio from rpt_portfolio_kpis_monthly where not is_all_portfolios"
        " order by 1 limit 1"
    )[0]["portfolio"]
    row = app_env.one(
        "select * from rpt_portfolio_kpis_monthly where portfolio = ? and reporting_month = ?",
        [portfolio, months[1]],
    )
    app = run_page(PAGES["portfolio"], {"portfolio": portfolio, "month": f"{months[1]:%Y-%m}"})
    assert app.sidebar.selectbox(key="portfolio").value == portfolio
    assert_tiles_match(
        app,
        app_env,
        row,
        "rpt_portfolio_kpis_monthly",
        [
            "budget_at_completion",
            "estimate_at_completion",
            "cost_performance_index",
            "red_project_count",
        ],
    )
    # and the filters are written back to the URL, so the view can be shared as a link
    assert app.query_params.get("portfolio") in (portfolio, [portfolio])


def test_rag_matrix_and_bubbles_show_every_project_of_the_month(app_env: Published):
    month = latest_month(app_env)
    expected = app_env.rows(
        "select project_code, overall_status, is_closed from rpt_project_kpis_monthly"
        " where reporting_month = ?",
        [month],
    )
    app = run_page(PAGES["portfolio"])
    table = app.dataframe(key="projects").value
    open_projects = [r for r in expected if not r["is_closed"]]
    assert sorted(table["project_code"]) == sorted(r["project_code"] for r in open_projects)
    statuses = dict(zip(table["project_code"], table["overall_status"], strict=True))
    # each health shown as a coloured badge
    assert statuses == {r["project_code"]: RAG_BADGES[r["overall_status"]] for r in open_projects}
    # the closed ones are listed apart, each once: none is lost
    closed = table_with(app, "project_status", "actual_cost")
    assert sorted(closed["project_code"]) == sorted(
        r["project_code"] for r in expected if r["is_closed"]
    )
    assert len(open_projects) + len(closed) == len(expected)


def test_project_page_shows_the_projects_published_figures(app_env: Published):
    month = latest_month(app_env)
    row = app_env.one(
        "select * from rpt_project_kpis_monthly where project_code = 'ERP' and reporting_month = ?",
        [month],
    )
    app = run_page(PAGES["project"], {"project": "ERP"})
    assert app.title[0].value.startswith("ERP")
    assert_tiles_match(
        app,
        app_env,
        row,
        "rpt_project_kpis_monthly",
        [
            "budget_at_completion",
            "estimate_at_completion",
            "variance_at_completion",
            "cost_performance_index",
            "schedule_performance_index",
            "schedule_performance_index_time",
            "percent_complete",
        ],
    )
    # the PM's status note, with the file and line it came from
    note = app_env.rows(
        "select source_file, source_line from raw.status_notes where project_code = 'ERP'"
        " and report_month <= ? order by report_month desc limit 1",
        [month],
    )
    if note:
        captions = " ".join(c.value for c in app.caption)
        assert f"{note[0]['source_file']}, line {note[0]['source_line']}" in captions


def test_a_closed_projects_page_shows_its_final_figures_not_a_forecast(app_env: Published):
    month = latest_month(app_env)
    closed = app_env.rows(
        "select project_code, closed_from_month from rpt_project_kpis_monthly"
        " where reporting_month = ? and is_closed and closed_from_month < reporting_month"
        " order by project_code limit 1",
        [month],
    )
    assert closed, "the demo has projects that closed before its last month"
    code = closed[0]["project_code"]
    final = app_env.one(
        "select actual_cost, estimate_at_completion, forecast_finish_date, actual_time_months,"
        " schedule_performance_index_time from fct_earned_value_monthly"
        " where project_code = ? and reporting_month = ?",
        [code, month],
    )
    at_close = app_env.one(
        "select actual_time_months, schedule_performance_index_time from fct_earned_value_monthly"
        " where project_code = ? and reporting_month = ?",
        [code, closed[0]["closed_from_month"]],
    )
    # its clock stopped when it closed: no worsening month after month since
    assert final["actual_time_months"] == at_close["actual_time_months"]
    assert final["schedule_performance_index_time"] == at_close["schedule_performance_index_time"]
    assert final["estimate_at_completion"] == final["actual_cost"]
    assert final["forecast_finish_date"] < month
    app = run_page(PAGES["project"], {"project": code})
    text = " ".join(m.value for m in app.markdown)
    closed_from = format_value(closed[0]["closed_from_month"], {"format": "month"})
    assert f"**Closed from:** {closed_from}" in text
    assert "Forecast finish (earned schedule)" not in text
    health = " ".join(m.value for m in app.markdown if "border-radius" in m.value)
    assert "months late" not in health


def test_project_page_calls_out_a_pm_colour_the_figures_contradict(app_env: Published):
    month = latest_month(app_env)
    disputed = app_env.rows(
        "select project_code, colour_disagreement from rpt_steering_attention_monthly"
        " where reporting_month = ? and is_colour_disputed order by project_code",
        [month],
    )
    agreed = app_env.one(
        "select project_code from rpt_steering_attention_monthly"
        " where reporting_month = ? and not is_colour_disputed order by project_code limit 1",
        [month],
    )
    assert disputed, "the demo has a project whose manager's colour the figures contradict"
    app = run_page(PAGES["project"], {"project": disputed[0]["project_code"]})
    warnings = [w.value for w in app.warning]
    assert f"Colours disagree: {disputed[0]['colour_disagreement']}. See the steering view." in (
        warnings
    )
    calm = run_page(PAGES["project"], {"project": agreed["project_code"]})
    assert not [w.value for w in calm.warning if w.value.startswith("Colours disagree")]


def test_drill_down_from_ac_to_timesheet_lines_names_file_and_line(app_env: Published):
    month = latest_month(app_env)
    app = run_page(PAGES["project"], {"project": "ERP"})
    app.segmented_control(key="project_drill").set_value("AC → timesheet lines").run()
    assert not app.exception, [e.value for e in app.exception]
    lines = table_with(app, "labour_cost", "source_file", "source_line")
    expected = app_env.one(
        "select count(*) as n, sum(labour_cost) as cost from int_timesheet_entries_costed"
        " where project_code = 'ERP' and work_month = ?",
        [month],
    )
    assert len(lines) == expected["n"] > 0
    assert lines["labour_cost"].sum() == pytest.approx(expected["cost"])
    assert lines["source_file"].notna().all() and (lines["source_line"] > 0).all()


def test_financials_table_is_the_financials_mart(app_env: Published):
    month = latest_month(app_env)
    expected = app_env.rows(
        "select project_code, cost_category, expense_type, cumulative_actual_cost"
        " from fct_project_financials_monthly where reporting_month = ?"
        " order by project_code, cost_category, expense_type",
        [month],
    )
    app = run_page(PAGES["financials"])
    table = table_with(app, "cumulative_actual_cost", "forecast_allocation_basis")
    assert len(table) == len(expected)
    assert list(table["cumulative_actual_cost"]) == pytest.approx(
        [r["cumulative_actual_cost"] for r in expected]
    )


def test_vendors_page_shows_the_published_scorecard_and_breaches(app_env: Published):
    month = latest_month(app_env)
    scorecard = app_env.rows(
        "select vendor, sla_attainment_pct, invoiced_to_date_amount"
        " from rpt_vendor_scorecard_monthly where reporting_month = ? order by vendor",
        [month],
    )
    breaches = app_env.rows(
        "select vendor, contract_id, breach_description from rpt_vendor_sla_results_monthly"
        " where reporting_month = ? and is_breach order by vendor, contract_id, sla_name",
        [month],
    )
    assert scorecard and breaches, "the demo plants vendors with SLA breaches in the last month"
    app = run_page(PAGES["vendors"])
    table = table_with(app, "sla_attainment_pct", "spend_to_contract_pct")
    assert list(table["vendor"]) == [row["vendor"] for row in scorecard]
    assert list(table["invoiced_to_date_amount"]) == pytest.approx(
        [row["invoiced_to_date_amount"] for row in scorecard]
    )
    listed = table_with(app, "breach_description", "sla_name")
    assert list(listed["breach_description"]) == [row["breach_description"] for row in breaches]
    overdue = table_with(app, "delivery_status", "days_late")
    assert "overdue" in set(overdue["delivery_status"])


def test_vendors_page_tiles_are_the_published_vendor_base(app_env: Published):
    month = latest_month(app_env)
    row = app_env.one(
        "select * from rpt_vendor_portfolio_monthly where reporting_month = ?", [month]
    )
    app = run_page(PAGES["vendors"])
    assert_tiles_match(
        app,
        app_env,
        row,
        "rpt_vendor_portfolio_monthly",
        [
            "active_vendor_count",
            "active_contract_count",
            "sla_attainment_pct",
            "sla_breach_count",
            "inaccurate_invoice_count",
            "contracted_spend_amount",
            "contract_value",
            "spend_to_contract_pct",
            "uncontracted_spend_amount",
            "uncontracted_vendor_count",
        ],
    )
    assert row["uncontracted_vendor_count"] > 0, "the demo's hardware and software suppliers"
    assert float(tiles(app)["uncontracted_spend_amount"]["exact"]) == pytest.approx(
        row["uncontracted_spend_amount"], rel=1e-12
    )


def test_a_vendor_without_a_contract_shows_no_remaining_amount_but_uncontracted_spend(
    app_env: Published,
):
    month = latest_month(app_env)
    expected = app_env.rows(
        "select vendor, invoiced_to_date_amount from rpt_vendor_scorecard_monthly"
        " where reporting_month = ? and not has_contract and invoiced_to_date_amount > 0"
        " order by vendor",
        [month],
    )
    assert expected, "the demo has suppliers invoicing without a contract"
    app = run_page(PAGES["vendors"])
    table = table_with(app, "contract_remaining_amount", "uncontracted_spend_amount")
    uncontracted = table[table["vendor"].isin([row["vendor"] for row in expected])]
    assert list(uncontracted["vendor"]) == [row["vendor"] for row in expected]
    assert uncontracted["contract_remaining_amount"].isna().all()
    assert uncontracted["contract_value"].isna().all()
    assert uncontracted["spend_to_contract_pct"].isna().all()
    assert list(uncontracted["uncontracted_spend_amount"]) == pytest.approx(
        [row["invoiced_to_date_amount"] for row in expected]
    )
    assert (table["contract_remaining_amount"].dropna() >= 0).all()  # the demo's stay in budget


def test_financials_explain_every_project_over_the_variance_threshold(app_env: Published):
    month = latest_month(app_env)
    over = app_env.rows(
        "select project_code, variance_at_completion, variance_direction, variance_commentary"
        " from rpt_financial_variance_monthly where reporting_month = ?"
        " and is_over_variance_threshold order by abs(variance_at_completion) desc",
        [month],
    )
    assert over
    app = run_page(PAGES["financials"])
    table = table_with(app, "variance_at_completion", "variance_direction")
    assert list(table["project_code"]) == [r["project_code"] for r in over]
    assert list(table["variance_at_completion"]) == pytest.approx(
        [r["variance_at_completion"] for r in over]
    )
    words = " ".join(m.value for m in app.markdown)
    for row in over:  # each in full, with its direction, the same words as the FSR
        assert f"**{row['project_code']} · " in words
        assert row["variance_commentary"].replace("$", "\\$") in words, row["project_code"]


def test_roadmap_lists_what_needs_action_first_and_names_projects_without_milestones(
    app_env: Published,
):
    milestones = app_env.rows(
        "select project_code, milestone_name, actual_date, is_overdue,"
        " coalesce(forecast_date, baseline_date) as due from fct_milestone_slippage"
    )
    planned = {m["project_code"] for m in milestones}
    projects = [r["project_code"] for r in app_env.rows("select project_code from dim_projects")]
    without = sorted(set(projects) - planned)
    assert without, "the demo has projects with no milestone plan"
    app = run_page(PAGES["roadmap"])
    table = table_with(app, "milestone_name", "slippage_days")
    shown = list(zip(table["actual_date"].isna(), table["is_overdue"].fillna(False), strict=True))
    # overdue first, then the open ones, then the reached ones
    groups = [0 if overdue else 1 if open_ else 2 for open_, overdue in shown]
    assert groups == sorted(groups) and groups[-1] == 2
    open_due = [
        m["due"] for m in sorted(milestones, key=lambda m: m["due"]) if not m["actual_date"]
    ]
    assert len(open_due) == groups.count(0) + groups.count(1)
    caption = " ".join(c.value for c in app.caption)
    assert f"{len(without)} of {len(projects)} projects have no milestone plan on file" in caption
    assert ", ".join(without) in caption


def test_risk_tiles_are_the_published_exposure(app_env: Published):
    month = latest_month(app_env)
    row = app_env.one(
        "select * from rpt_portfolio_kpis_monthly where is_all_portfolios and reporting_month = ?",
        [month],
    )
    app = run_page(PAGES["risks"])
    assert_tiles_match(
        app,
        app_env,
        row,
        "rpt_portfolio_kpis_monthly",
        ["open_risk_count", "open_high_risk_count", "open_risk_exposure_amount"],
    )
    top = table_with(app, "risk_id", "exposure_amount", "source_line")
    assert top["source_line"].notna().all()
    # exposure by category: one series per category, the month's bars add up to the exposure
    categories = chart(app, "category_trend")["data"]
    expected = app_env.rows(
        "select distinct category from fct_risk_exposure_by_category_monthly"
        " where reporting_month <= ? order by 1",
        [month],
    )
    assert [series["name"] for series in categories] == [r["category"] for r in expected]
    shown = sum(
        y
        for series in categories
        for x, y in zip(series["x"], series["y"], strict=True)
        if str(x).startswith(f"{month:%Y-%m}")
    )
    total = app_env.one(
        "select sum(open_risk_exposure_amount) as amount from fct_risk_exposure_monthly"
        " where reporting_month = ?",
        [month],
    )["amount"]
    assert shown == pytest.approx(total, rel=1e-9)


def stack_heights(spec: dict[str, Any]) -> dict[str, float]:
    """Each month's stack as Plotly draws it (its highest top), by ``YYYY-MM``.

    Bars stack in trace order, then point order, each on the running total of its month; as in
    Plotly's stacking, a null bar turns that total into NaN and the next bar starts again at 0
    (so the stack shows only part of the month). The traces of a stacked-area group add up, a
    missing or null point counting as 0.
    """
    totals: dict[str, float] = {}
    heights: dict[str, float] = {}
    for trace in spec["data"]:
        assert trace["type"] in ("bar", "scatter"), trace["type"]
        assert trace["type"] == "bar" or trace.get("stackgroup"), "a trend by project stacks"
        for x, y in zip(trace["x"], trace["y"], strict=True):
            month = str(x)[:7]
            value = math.nan if y is None else float(y)
            base = totals.get(month, 0.0)
            if trace["type"] == "bar":
                totals[month] = (0.0 if math.isnan(base) else base) + value
            elif not math.isnan(value):
                totals[month] = base + value
            if not math.isnan(totals.get(month, math.nan)):
                heights[month] = max(heights.get(month, 0.0), totals[month])
    return heights


def monthly_totals(published: Published, column: str, codes: list[str], month) -> dict[str, float]:
    """The mart's total of a column per month for these projects (months with a value)."""
    rows = published.rows(
        f"select strftime(reporting_month, '%Y-%m') as month, sum({column}) as total"
        " from fct_risk_exposure_monthly"
        " where list_contains(?, project_code) and reporting_month <= ?"
        f" group by 1 having sum({column}) is not null order by 1",
        [codes, month],
    )
    return {r["month"]: float(r["total"]) for r in rows}


@pytest.mark.parametrize("scope", ["all portfolios", "one portfolio"])
def test_risk_trends_by_project_stack_to_the_published_monthly_totals(
    app_env: Published, scope: str
):
    """Each month's stack of the by-project trends is the month's total in the mart for the
    projects in scope, and the same as the by-category stack. Beyond a dozen projects the
    trend is bars coloured by portfolio (several projects per trace), else an area per project;
    some project-months have no risk register (null exposure), which must not break the stack."""
    month = latest_month(app_env)
    if scope == "all portfolios":
        link: dict[str, str] = {}
        codes = [r["project_code"] for r in app_env.rows("select project_code from dim_projects")]
        assert len(codes) > 12, "the demo has more projects than the trend gives colours"
    else:
        portfolio = app_env.rows(
            "select portfolio from dim_projects group by 1 having count(*) <= 12"
            " order by count(*) desc, 1 limit 1"
        )[0]["portfolio"]
        link = {"portfolio": portfolio}
        codes = [
            r["project_code"]
            for r in app_env.rows(
                "select project_code from dim_projects where portfolio = ?", [portfolio]
            )
        ]
    gaps = app_env.one(
        "select count(*) as n from fct_risk_exposure_monthly where list_contains(?, project_code)"
        " and reporting_month <= ? and open_risk_exposure_amount is null",
        [codes, month],
    )["n"]
    assert gaps > 0, "the scope has project-months without a risk register"
    app = run_page(PAGES["risks"], link)

    by_project = chart(app, "exposure_trend")
    kinds = {trace["type"] for trace in by_project["data"]}
    assert kinds == ({"bar"} if len(codes) > 12 else {"scatter"}), kinds
    expected = monthly_totals(app_env, "open_risk_exposure_amount", codes, month)
    assert len(expected) > 12
    shown = stack_heights(by_project)
    assert shown == pytest.approx(expected, rel=1e-9), {
        m: (shown.get(m), expected.get(m))
        for m in sorted({*shown, *expected})
        if shown.get(m) != pytest.approx(expected.get(m), rel=1e-9)
    }
    assert stack_heights(chart(app, "category_trend")) == pytest.approx(shown, rel=1e-9)

    aged = stack_heights(chart(app, "aged_trend"))
    expected_aged = monthly_totals(app_env, "aged_open_risk_count", codes, month)
    assert aged == pytest.approx(expected_aged), {
        m: (aged.get(m), expected_aged.get(m))
        for m in sorted({*aged, *expected_aged})
        if aged.get(m) != pytest.approx(expected_aged.get(m))
    }


def test_quarantine_browser_lists_every_refused_row_with_file_and_line(app_env: Published):
    expected = app_env.rows("select source_file, source_line, reason from raw.quarantine")
    app = run_page(PAGES["data_quality"])
    if not expected:
        assert any("No row was refused" in s.value for s in app.success)
        return
    table = table_with(app, "found_value", "reason", "source_line")
    assert sorted(zip(table["source_file"], table["source_line"], strict=True)) == sorted(
        (r["source_file"], r["source_line"]) for r in expected
    )
    flagged = app_env.rows(
        "select project_code from rpt_data_quality_by_project where failed_check_count > 0"
    )
    if flagged:  # pages built on flagged data carry a visible caveat naming the projects
        portfolio = run_page(PAGES["portfolio"])
        caveat = " ".join(w.value for w in portfolio.warning)
        assert all(r["project_code"] in caveat for r in flagged[:8])


def test_vendor_rows_counting_in_no_sla_result_are_listed_with_file_line_and_reason(
    app_env: Published,
):
    expected = app_env.rows(
        "select source_file, source_line, reason from fct_vendor_rows_left_out"
        " order by source_file, source_line"
    )
    assert len(expected) == 2, "the demo's SLA report plants two such rows"
    app = run_page(PAGES["data_quality"])
    table = table_with(app, "contract_id", "reason", "source_line")
    assert list(zip(table["source_file"], table["source_line"], table["reason"], strict=True)) == [
        (row["source_file"], row["source_line"], row["reason"]) for row in expected
    ]
    assert any("count in no SLA result" in warning.value for warning in app.warning)
    reasons = " | ".join(table["reason"])
    assert "unknown contract 'SOW-" in reasons and "no SLA term for 'first_time_fix_pct'" in reasons


def test_the_quality_score_bar_is_drawn_in_a_neutral_colour_from_0_to_100(app_env: Published):
    app = run_page(PAGES["data_quality"])
    configs = [json.loads(frame.proto.columns or "{}") for frame in app.dataframe]
    (score,) = [c["data_quality_score"] for c in configs if "data_quality_score" in c]
    bar = score["type_config"]
    # not the theme's primary red, which read as an alarm on a perfect score of 100
    assert (bar["type"], bar["min_value"], bar["max_value"], bar["color"]) == (
        "progress",
        0,
        100,
        "blue",
    )


def test_metric_explorer_lists_every_catalog_metric(app_env: Published):
    published = sum(
        1 for model in app_env.catalog["models"] for column in model["columns"] if column["metric"]
    )
    app = run_page(PAGES["metrics"])
    catalog = table_with(app, "label", "model", "good_when")
    assert len(catalog) == published
    assert len(app.dataframe) >= 2  # the chosen metric's rows and the catalog


def test_a_missing_model_gives_a_clear_message_not_a_traceback(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Marts still being built: pages that need them say which model is missing."""
    paths = copy_published(published.data_dir, tmp_path / "data")
    database = paths.published / published.snapshot_id / "warehouse.duckdb"
    database.chmod(0o644)
    con = duckdb.connect(str(database))
    for model in (
        "fct_sprint_velocity",
        "rpt_risk_heatmap",
        "fct_milestone_slippage",
        "rpt_invoice_ageing",
    ):
        con.execute(f"drop table main.{model}")
    con.close()
    monkeypatch.setenv("PMO_DATA_DIR", str(paths.root))
    for page in ("delivery", "risks", "roadmap", "financials", "project"):
        app = run_page(PAGES[page], {"project": "ERP"} if page == "project" else None)
        messages = " ".join(i.value for i in app.info)
        assert "does not contain" in messages, (page, messages)


def test_no_data_yet_explains_how_to_load_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PMO_DATA_DIR", str(tmp_path / "empty"))
    app = app_test(60).run()
    assert not app.exception
    assert "pmo refresh" in app.info[0].value and "landing" in app.info[0].value


def test_the_app_reads_the_snapshot_not_the_warehouse(
    published: Published, tmp_path: Path, monkeypatch
):
    """With the live warehouse gone, every page still renders from the published copy."""
    paths = copy_published(published.data_dir, tmp_path / "data")
    shutil.rmtree(paths.warehouse_dir)
    monkeypatch.setenv("PMO_DATA_DIR", str(paths.root))
    for page in PAGES.values():
        run_page(page)


def test_every_page_at_the_first_month_shows_the_portfolio_as_it_was(app_env: Published):
    first = app_env.one("select min(reporting_month) as m from rpt_portfolio_kpis_monthly")["m"]
    row = app_env.one(
        "select * from rpt_portfolio_kpis_monthly where is_all_portfolios and reporting_month = ?",
        [first],
    )
    for page in PAGES.values():
        app = run_page(page, {"month": f"{first:%Y-%m}"})
        assert not app.error, (page, [e.value for e in app.error])
        if page == PAGES["portfolio"]:
            assert_tiles_match(
                app,
                app_env,
                row,
                "rpt_portfolio_kpis_monthly",
                ["budget_at_completion", "estimate_at_completion", "red_project_count"],
            )
            assert any("first reporting month" in i.value for i in app.info)


def test_every_model_of_the_catalog_can_be_explored(app_env: Published):
    """A model a PMO analyst adds in SQL with meta.metric is explorable with no Python change."""
    app = run_page(PAGES["metrics"])
    models = app.selectbox(key="mx_model").options
    with_numbers = {
        model["name"]
        for model in app_env.catalog["models"]
        if any(
            (c["metric"] or {}).get("format") not in (None, "text", "date", "month", "boolean")
            for c in model["columns"]
        )
    }
    assert set(models) == with_numbers
    for model in models:
        app.selectbox(key="mx_model").set_value(model).run()
        assert not app.exception, (model, [e.value for e in app.exception])
        assert not app.error, model


def test_every_drill_down_and_control_works(app_env: Published):
    app = run_page(PAGES["project"], {"project": "ERP"})
    for option in app.segmented_control(key="project_drill").options:
        app.segmented_control(key="project_drill").set_value(option).run()
        assert not app.exception, (option, [e.value for e in app.exception])
    assert len(table_with(app, "risk_id", "source_file", "source_line")) > 0  # exposure → risks

    app = run_page(PAGES["financials"])
    for measure in app.segmented_control(key="fin_measure").options:
        for stack in app.segmented_control(key="fin_stack").options:
            app.segmented_control(key="fin_measure").set_value(measure)
            app.segmented_control(key="fin_stack").set_value(stack).run()
            assert not app.exception, (measure, stack)
    app.toggle(key="fin_unpaid").set_value(True).run()
    unpaid = table_with(app, "invoice_number", "paid_date", "source_line")
    expected = app_env.one(
        "select sum(unpaid_invoice_count) as n from rpt_invoice_ageing"  # the ageing's own count
    )["n"]
    assert len(unpaid) == expected

    app = run_page(PAGES["resources"])
    refused = app_env.one(
        "select sum(rows_represented) as n from raw.quarantine where entity = 'timesheets'"
    )
    caveat = " ".join(w.value for w in app.warning)
    if refused["n"]:  # hours the loader refused are missing from utilisation: said on the page
        assert f"{refused['n']:,} timesheet row(s) were refused by the loader" in caveat
    else:
        assert "timesheet row(s) were refused" not in caveat
    for view in ("Role", "Person", "Team"):
        app.segmented_control(key="res_view").set_value(view).run()
        assert not app.exception, view
    app.segmented_control(key="res_alloc").set_value("Under-allocated").run()
    assert not app.exception
