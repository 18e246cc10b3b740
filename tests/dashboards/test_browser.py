"""The served app in a real headless Chromium: every page renders without an error element in
the light and the dark theme (text and chart labels readable in both), filters travel in the
URL, a chart click opens a project, and a snapshot published while the app serves is picked up
(new id and new numbers) with every page still working, and a read-only data directory is served
as well as a writable one."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from dashboards.components.formatting import format_value
from dashboards.navigation import DEFAULT, TITLES
from pipelines.publish.snapshot import new_snapshot_id, publish
from tests.dashboards.support import (
    Published,
    catalog_of,
    clipped_text,
    contrast,
    copy_published,
    page_errors,
    serve_app,
    settle,
    theme_colours,
)
from tests.filesystems import make_read_only, tmpfs

# the browser tests are a group of their own: its worker builds the demo for them (at most two
# builds in a run, one per worker) while the other takes the rest of the demo group
pytestmark = pytest.mark.xdist_group("demo-browser")

# the centre of the largest bar segment of a chart, and its series (legend) name
BIGGEST_BAR = """(scope) => {
    const plot = document.querySelector(scope + ' .js-plotly-plot');
    let best = null;
    plot.querySelectorAll('g.trace.bars').forEach((trace, index) => {
        trace.querySelectorAll('g.point path').forEach((bar) => {
            const box = bar.getBoundingClientRect();
            if (!best || box.width * box.height > best.area) {
                best = {area: box.width * box.height, box, name: plot.data[index].name};
            }
        });
    });
    return [best.box.x + best.box.width / 2, best.box.y + best.box.height / 2, best.name];
}"""

NAVIGATION = [("" if name == DEFAULT else name, title) for name, title in TITLES.items()]


def visit_every_page(page, shots: Path, suffix: str = "") -> None:
    """Open each page from the sidebar (one browser session), check it (no error, no text cut
    off or spilling out of its box at this width), screenshot it."""
    for url_path, title in NAVIGATION:
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
        page.wait_for_url(
            lambda url, path=url_path: (
                url.split("?")[0].rstrip("/").endswith(f"/{path}".rstrip("/")) or not path
            )
        )
        settle(page)
        assert page_errors(page) == [], f"{title}: {page_errors(page)}"
        width = page.viewport_size["width"]
        assert clipped_text(page) == [], f"{url_path or DEFAULT}{suffix} at {width} px"
        page.screenshot(path=str(shots / f"{url_path or DEFAULT}{suffix}.png"), full_page=True)


def readable(page) -> dict[str, str]:
    """Text and chart axis labels stand out from the background: WCAG AA, 4.5:1 for text and
    3:1 for the parts of a graphic (axis labels are Streamlit's muted chart grey)."""
    colours = theme_colours(page)
    assert None not in colours.values(), colours
    assert contrast(colours["text"], colours["background"]) >= 4.5, colours
    assert contrast(colours["axis"], colours["background"]) >= 3, colours
    return colours


def sidebar_text(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def test_every_page_in_a_real_browser(published: Published, browser, tmp_path: Path):
    """Every page in the light theme at 1280 px and in the dark one at 1920 px: no error, no text
    cut off, readable; filters travel, charts open what is behind them."""
    portfolio = published.rows("select portfolio from dim_projects order by portfolio limit 1")[0][
        "portfolio"
    ]
    with serve_app(published.data_dir, tmp_path / "streamlit.log") as served:
        page = browser.new_page(viewport={"width": 1280, "height": 2400})
        page.goto(f"{served.url}/portfolio?portfolio={portfolio.replace(' ', '+')}")
        settle(page)  # a page with charts: their axis labels are checked too
        assert published.snapshot_id in sidebar_text(page)
        light = readable(page)
        visit_every_page(page, tmp_path)
        # the portfolio filter stayed in the URL through every page switch
        assert "portfolio=" in page.url, page.url

        # clicking a project's bubble on the CPI × SPI chart opens its detail page
        page.locator('[data-testid="stSidebarNav"]').get_by_role(
            "link", name="Portfolio overview"
        ).click()
        settle(page)
        label = page.locator(".js-plotly-plot g.textpoint text").first
        code = label.text_content()
        box = label.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_url(f"**/project?*project={code}*", timeout=30_000)
        settle(page)
        assert page.locator("h1").first.inner_text().startswith(code)
        assert page_errors(page) == []

        # clicking a segment of the exposure-by-category bars lists the risks behind it
        page.goto(f"{served.url}/risks")
        settle(page)
        page.locator(".st-key-category_trend").scroll_into_view_if_needed()
        x, y, category = page.evaluate(BIGGEST_BAR, ".st-key-category_trend")
        page.mouse.click(x, y)
        drill = page.locator(".st-key-category_drill")
        drill.wait_for(timeout=30_000)
        settle(page)
        assert category in drill.inner_text()
        # the biggest segment has exposure, so open risks: their table (with file and line)
        assert drill.locator('[data-testid="stDataFrame"]').count() == 1
        assert page_errors(page) == []
        page.close()

        # a reader whose system prefers dark gets the dark theme, and every page still reads
        dark_page = browser.new_page(viewport={"width": 1920, "height": 2400}, color_scheme="dark")
        dark_page.goto(f"{served.url}/portfolio")
        settle(dark_page)
        dark = readable(dark_page)
        assert contrast(dark["background"], light["background"]) > 10, (dark, light)
        visit_every_page(dark_page, tmp_path, suffix="_dark")
        dark_page.close()
    shots = sorted(p.name for p in tmp_path.glob("*.png"))
    assert len(shots) == 2 * len(NAVIGATION), shots


def test_a_snapshot_published_while_serving_is_picked_up(
    published: Published, browser, tmp_path: Path
):
    paths = copy_published(published.data_dir, tmp_path / "data")
    month = published.one("select max(reporting_month) as m from rpt_portfolio_kpis_monthly")["m"]
    with serve_app(paths.root, tmp_path / "streamlit.log", poll_seconds=1.0) as served:
        page = browser.new_page(viewport={"width": 1440, "height": 2400})
        page.goto(f"{served.url}/portfolio")  # its tiles show the portfolio's BAC
        settle(page)
        assert published.snapshot_id in sidebar_text(page)

        # a refresh rebuilds the warehouse (here: one published figure changes) and publishes;
        # the app holds the old snapshot open, and that must not block the writer
        con = duckdb.connect(str(paths.warehouse))
        con.execute(
            "update main.rpt_portfolio_kpis_monthly set budget_at_completion = 123456789"
            " where is_all_portfolios and reporting_month = ?",
            [month],
        )
        con.close()
        fresh = publish(
            paths,
            catalog_of(paths),
            snapshot_id=new_snapshot_id("feedbeef", datetime.now(UTC)),
        )
        assert fresh.snapshot_id != published.snapshot_id

        # no reload: the page notices the new snapshot by itself and shows its numbers
        deadline = time.monotonic() + 30
        while fresh.snapshot_id not in sidebar_text(page):
            assert time.monotonic() < deadline, "the new snapshot was not picked up"
            time.sleep(0.3)
        settle(page)
        expected = format_value(123456789, {"format": "currency", "unit": "EUR"}, compact=True)
        assert expected in page.locator('[data-testid="stMain"]').inner_text()

        visit_every_page(page, tmp_path, suffix="_after_refresh")
        assert fresh.snapshot_id in sidebar_text(page)
        assert published.snapshot_id not in sidebar_text(page)
        page.close()


def test_a_read_only_data_directory_is_served_like_any_other(
    published: Published, browser, tmp_path: Path
):
    """A colleague's copy, a backup or a mount nobody may write to: the pages still render.

    The copy also holds a row standing for a flood of refused rows (past a file's first 1,000,
    one row per kind stands for the rest): the pages count every refused row."""
    with tmpfs(tmp_path / "disk", "400m") as disk:
        paths = copy_published(published.data_dir, disk / "data")
        database = paths.published / published.snapshot_id / "warehouse.duckdb"
        database.chmod(0o644)
        con = duckdb.connect(str(database))
        refused, timesheet_refused = con.execute(
            "select sum(rows_represented),"
            " sum(rows_represented) filter (where entity = 'timesheets') from raw.quarantine"
        ).fetchone()
        line = con.execute(
            "select min(source_line) from raw.quarantine where entity = 'timesheets'"
        ).fetchone()[0]
        for table in ("raw.quarantine", "main.rpt_quarantined_rows"):  # as a build leaves them
            con.execute(
                f"update {table} set rows_represented = 640, last_source_line = ?"
                " where entity = 'timesheets' and source_line = ?",
                [line + 2_000, line],
            )
        con.close()
        make_read_only(disk)
        with serve_app(paths.root, tmp_path / "streamlit.log") as served:
            page = browser.new_page(viewport={"width": 1440, "height": 2400})
            page.goto(served.url)
            settle(page)
            assert published.snapshot_id in sidebar_text(page)
            assert page_errors(page) == []
            # the quality page reads the load log and the quarantine too
            page.goto(f"{served.url}/data_quality")
            settle(page)
            assert page_errors(page) == []
            main = page.locator('[data-testid="stMain"]').inner_text()
            total = refused + 639
            assert f"{total:,} of {total:,} refused rows" in main and "Load log" in main
            assert "one row per kind of problem stands for the rest (1 such row here" in main
            page.goto(f"{served.url}/resources")
            settle(page)
            assert page_errors(page) == []
            main = page.locator('[data-testid="stMain"]').inner_text()
            assert f"{timesheet_refused + 639:,} timesheet row(s) were refused" in main
            page.close()
        assert "Read-only file system" not in served.log.read_text()


def test_the_steering_view_comes_first_at_1280_and_1920(
    published: Published, browser, tmp_path: Path
):
    """The app opens on the steering view, a card for each project that needs attention, at
    both widths (every page's text is checked at both in ``test_every_page_in_a_real_browser``)."""
    month = published.one("select max(reporting_month) as m from rpt_steering_attention_monthly")[
        "m"
    ]
    listed = published.rows(
        "select project_name from rpt_steering_attention_monthly"
        " where reporting_month = ? and needs_attention order by attention_rank",
        [month],
    )
    with serve_app(published.data_dir, tmp_path / "streamlit.log") as served:
        for width in (1280, 1920):
            page = browser.new_page(viewport={"width": width, "height": 2400})
            page.goto(served.url)  # the steering view is the first page
            settle(page)
            assert page.locator("h1").first.inner_text() == "Steering view"
            cards = page.locator('[class*="st-key-attention_"]')
            assert cards.count() == len(listed)
            assert listed[0]["project_name"] in cards.first.inner_text()
            assert page_errors(page) == []
            assert clipped_text(page) == [], f"the steering view at {width} px"
            page.screenshot(path=str(tmp_path / f"steering_{width}.png"))
            page.close()


def test_a_pack_builds_from_the_reports_page(published: Published, browser, tmp_path: Path):
    paths = copy_published(published.data_dir, tmp_path / "data")
    month = published.one("select max(reporting_month) as m from rpt_portfolio_kpis_monthly")["m"]
    with serve_app(paths.root, tmp_path / "streamlit.log") as served:
        page = browser.new_page(viewport={"width": 1440, "height": 1400})
        page.goto(f"{served.url}/reports")
        settle(page)
        main = page.locator('[data-testid="stMain"]')
        assert "No month-end packs yet" in main.inner_text()
        assert published.snapshot_id in main.inner_text()  # the snapshot the pack is built from
        page.get_by_role("button", name="Build pack").click()
        # every step shows while it runs; the status closes on the version it filed
        main.get_by_text(f"{month:%B %Y} v1 built from snapshot {published.snapshot_id}").wait_for(
            timeout=240_000
        )
        settle(page)
        assert page_errors(page) == []
        stem = f"{month:%Y-%m}"
        manifest = json.loads((paths.reports / stem / "v1" / "manifest.json").read_text())
        assert manifest["snapshot_id"] == published.snapshot_id
        kinds, suffixes = ("fsr", "msr"), ("html", "pdf", "xlsx")
        assert sorted(entry["name"] for entry in manifest["files"]) == sorted(
            f"{kind}-{stem}.{suffix}" for kind in kinds for suffix in suffixes
        )
        # the new pack is listed with a download button for each of its files
        for kind in ("msr", "fsr"):
            assert page.get_by_role("button", name=f"{kind}-{stem}.pdf").count() == 1
        page.screenshot(path=str(tmp_path / "reports_built.png"), full_page=True)
        page.close()
