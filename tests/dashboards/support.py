"""Helpers for the dashboard tests: read the published snapshot as the app does, copy it, serve
the app on a free port, and wait for a page to finish rendering in the browser."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from dashboards.serve import RUNNER_OPTIONS, command, environment
from pipelines.config import DataPaths, resolve_data_dir
from pipelines.publish.snapshot import CATALOG, DATABASE, POINTER, current_snapshot

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboards" / "streamlit_app.py"


def app_test(timeout: float = 90) -> AppTest:
    """The app under AppTest, its scripts run as ``pmo dashboard`` runs them."""
    for name, value in RUNNER_OPTIONS.items():
        streamlit_config.set_option(name, value)
    return AppTest.from_file(str(APP), default_timeout=timeout)


@dataclass(frozen=True)
class Published:
    """The demo's published snapshot, read the way the app reads it (read-only attach)."""

    data_dir: Path
    snapshot_id: str
    database: Path
    catalog: dict[str, Any]

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"attach '{self.database}' as wh (read_only)")
            con.execute("use wh")
            cursor = con.execute(sql, params or [])
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            con.close()

    def one(self, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
        found = self.rows(sql, params)
        assert len(found) == 1, f"expected one row from {sql!r}, got {len(found)}"
        return found[0]


def copy_published(source: Path, target: Path) -> DataPaths:
    """A private data dir holding the demo's current snapshot (and its warehouse)."""
    paths = resolve_data_dir(target)
    snapshot = current_snapshot(resolve_data_dir(source))
    assert snapshot is not None
    (paths.published / snapshot.snapshot_id).mkdir(parents=True)
    for name in (DATABASE, CATALOG):
        shutil.copyfile(snapshot.folder / name, paths.published / snapshot.snapshot_id / name)
    (paths.published / POINTER).write_text(snapshot.snapshot_id + "\n", encoding="utf-8")
    paths.warehouse_dir.mkdir(parents=True)
    shutil.copyfile(resolve_data_dir(source).warehouse, paths.warehouse)
    return paths


def catalog_of(paths: DataPaths) -> dict[str, Any]:
    snapshot = current_snapshot(paths)
    assert snapshot is not None
    body = json.loads(snapshot.catalog_path.read_text(encoding="utf-8"))
    body.pop("snapshot_id", None)
    return body


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    url: str
    process: subprocess.Popen
    log: Path


@contextmanager
def serve_app(data_dir: Path, log: Path, *, poll_seconds: float = 2.0) -> Iterator[Served]:
    port = free_port()
    env = environment(data_dir)
    env["PMO_DASHBOARD_POLL_SECONDS"] = str(poll_seconds)
    handle = log.open("w")
    process = subprocess.Popen(
        command(port), env=env, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"streamlit exited: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise AssertionError(f"streamlit did not start: {log.read_text()[-2000:]}")
        yield Served(url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        handle.close()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]


IDLE = """() => !!document.querySelector('[data-testid="stMain"] h1')
    && !document.querySelector('[data-testid="stSkeleton"]')
    && !document.querySelector('[data-testid="stStatusWidget"]')"""


def settle(page: Any, timeout: float = 45.0, quiet: float = 1.0) -> None:
    """Wait until the script run is over: a title, no skeleton, no 'running' widget, steadily."""
    deadline, since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if page.evaluate(IDLE):
            since = since or time.monotonic()
            if time.monotonic() - since >= quiet:
                return
        else:
            since = None
        time.sleep(0.15)
    raise AssertionError(f"{page.url} did not finish rendering within {timeout} s")


# Text that does not fit its box: a tile's label or value, a line of text, a heading or a button
# whose content is wider than the element (cut off as "Budget at co…", or spilling over).
CLIPPED = """() => {
    const selectors = [
        '[data-testid="stMetricLabel"] *', '[data-testid="stMetricValue"] *',
        '[data-testid="stMarkdownContainer"] p', '[data-testid="stMarkdownContainer"] span',
        '[data-testid="stCaptionContainer"]', 'h1', 'h2', 'h3', 'button p',
    ];
    const clipped = [];
    document.querySelectorAll(selectors.join(', ')).forEach((element) => {
        // cut off ("…", hidden) or spilling out of its box: either way wider than the box
        if (element.scrollWidth > element.clientWidth + 1) {
            clipped.push(element.textContent.slice(0, 80));
        }
    });
    return clipped;
}"""


def clipped_text(page: Any) -> list[str]:
    """The texts on the page that do not fit their box."""
    return page.evaluate(CLIPPED)


def page_errors(page: Any) -> list[str]:
    """Streamlit error elements and tracebacks visible on the page."""
    found = [
        page.locator(selector).nth(i).inner_text()[:500]
        for selector in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]')
        for i in range(page.locator(selector).count())
    ]
    if "Traceback (most recent call last)" in page.inner_text("body"):
        found.append("a traceback is shown")
    return found


# The colours a reader sees: the app's background, and the text of a chart's axis labels and of
# the page's paragraphs (Streamlit themes Plotly charts; a fixed colour would vanish in one theme).
COLOURS = """() => {
    const colour = (element, property) => element
        ? getComputedStyle(element).getPropertyValue(property) : null;
    return {
        background: colour(document.querySelector('.stApp'), 'background-color'),
        text: colour(document.querySelector('[data-testid="stMain"] h1'), 'color'),
        axis: colour(document.querySelector('.js-plotly-plot .xtick text'), 'fill'),
    };
}"""


def _luminance(css: str) -> float:
    """WCAG relative luminance of an ``rgb(...)`` / ``rgba(...)`` colour."""
    red, green, blue = (float(part) / 255 for part in css[css.index("(") + 1 : -1].split(",")[:3])

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS colours (1 = none, 21 = black on white)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def theme_colours(page: Any) -> dict[str, str]:
    return page.evaluate(COLOURS)
