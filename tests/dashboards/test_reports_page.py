"""The Reports page lists the month-end packs with their snapshot and offers every file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboards.navigation import PAGES
from pipelines.config import resolve_data_dir
from pipelines.publish.reports import generate_report
from tests.dashboards.support import app_test


def open_reports_page() -> AppTest:
    app = app_test()
    app.switch_page(PAGES["reports"])
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.mark.xdist_group("demo")
def test_reports_page_lists_packs_with_downloads(
    published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    data_dir = tmp_path / "data"
    shutil.copytree(published.data_dir, data_dir, ignore=shutil.ignore_patterns("dagster"))
    monkeypatch.setenv("PMO_DATA_DIR", str(data_dir))
    empty = open_reports_page()
    assert any("No month-end packs yet" in info.value for info in empty.info)

    result = generate_report(resolve_data_dir(data_dir), "2026-10", formats="html,xlsx")
    app = open_reports_page()
    listing = app.dataframe[0].value
    assert listing.shape[0] == 1
    assert list(listing.iloc[0][:3]) == ["2026-10", "v1", result.snapshot_id]
    labels = {button.label for button in app.get("download_button")}
    assert labels == {path.name for path in result.files}


@pytest.mark.xdist_group("demo")
def test_a_pack_builds_from_the_reports_page_against_its_snapshot(
    published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    data_dir = tmp_path / "data"
    shutil.copytree(published.data_dir, data_dir, ignore=shutil.ignore_patterns("dagster"))
    monkeypatch.setenv("PMO_DATA_DIR", str(data_dir))
    app = open_reports_page()
    month = app.selectbox(key="build_month").value
    app.multiselect(key="build_kinds").set_value(["FSR"])
    app.multiselect(key="build_formats").set_value(["XLSX"])
    next(button for button in app.button if button.label == "Build pack").click()
    app.run(timeout=180)
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    # filed like `pmo report --snapshot`: a version folder with its manifest, the page's snapshot
    folder = data_dir / "reports" / f"{month:%Y-%m}" / "v1"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["snapshot_id"] == published.snapshot_id
    assert [entry["name"] for entry in manifest["files"]] == [f"fsr-{month:%Y-%m}.xlsx"]
    listing = app.dataframe[0].value
    assert list(listing.iloc[0][:3]) == [f"{month:%Y-%m}", "v1", published.snapshot_id]
    # a second build never overwrites the first: it is filed as v2
    next(button for button in app.button if button.label == "Build pack").click()
    app.run(timeout=180)
    assert (folder.parent / "v2" / "manifest.json").exists()
    assert (folder / f"fsr-{month:%Y-%m}.xlsx").exists()


@pytest.mark.xdist_group("demo")
def test_a_weekly_pack_builds_from_the_reports_page(
    published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    data_dir = tmp_path / "data"
    shutil.copytree(published.data_dir, data_dir, ignore=shutil.ignore_patterns("dagster"))
    monkeypatch.setenv("PMO_DATA_DIR", str(data_dir))
    app = open_reports_page()
    week = app.selectbox(key="build_week").value  # the latest week first
    assert week == "2026-W44"
    app.multiselect(key="build_week_formats").set_value(["XLSX"])
    next(button for button in app.button if button.label == "Build weekly pack").click()
    app.run(timeout=180)
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    manifest = json.loads((data_dir / "reports" / week / "v1" / "manifest.json").read_text())
    assert manifest["snapshot_id"] == published.snapshot_id
    assert [entry["name"] for entry in manifest["files"]] == [f"weekly-{week}.xlsx"]
    assert list(app.dataframe[0].value.iloc[0][:2]) == [week, "v1"]


@pytest.mark.xdist_group("demo")
def test_a_closure_report_builds_from_the_reports_page(
    published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    data_dir = tmp_path / "data"
    shutil.copytree(published.data_dir, data_dir, ignore=shutil.ignore_patterns("dagster"))
    monkeypatch.setenv("PMO_DATA_DIR", str(data_dir))
    app = open_reports_page()
    picker = app.selectbox(key="build_closure_project")
    # the projects the demo closed in October, named as a user picks them
    closed_in_october = [label for label in picker.options if "(closed Oct 2026)" in label]
    assert [label.split(" · ")[0] for label in closed_in_october] == ["BIL", "NET", "POS"]
    picker.set_value("NET")
    app.multiselect(key="build_closure_formats").set_value(["XLSX"])
    next(button for button in app.button if button.label == "Build closure report").click()
    app.run(timeout=180)
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    manifest = json.loads((data_dir / "reports" / "2026-10" / "v1" / "manifest.json").read_text())
    assert manifest["snapshot_id"] == published.snapshot_id
    assert [entry["name"] for entry in manifest["files"]] == ["closure-NET-2026-10.xlsx"]
