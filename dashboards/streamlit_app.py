"""pmo-pulse dashboards: the entry point. Routes with ``st.navigation``; draws the shared
sidebar (filters kept in the URL, snapshot indicator) and hands the page its context.

Serve with ``pmo dashboard`` (or ``python -m dashboards.serve``); the data directory comes from
``PMO_DATA_DIR`` (else ./data), and only its published snapshot is ever read.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run dashboards/streamlit_app.py` outside the venv
    sys.path.insert(0, str(ROOT))

from dashboards import data, state  # noqa: E402
from dashboards.navigation import DEFAULT, SECTIONS  # noqa: E402
from pipelines.environment import read_environment  # noqa: E402

POLL_SECONDS = read_environment().dashboard_poll_seconds


def navigation() -> Any:
    here = Path(__file__).parent
    sections = {
        section: [
            st.Page(
                here / spec.file,
                title=spec.title,
                url_path=spec.url_path,
                icon=spec.icon,
                default=spec.name == DEFAULT,
            )
            for spec in specs
        ]
        for section, specs in SECTIONS.items()
    }
    # every page listed: a collapsed menu hides the data and report pages behind "View more"
    return st.navigation(sections, expanded=True)


@st.fragment(run_every=POLL_SECONDS)
def snapshot_indicator(shown: data.Snapshot) -> None:
    """Which snapshot this page shows; reruns the app when a newer one is published."""
    latest = data.current()
    if latest is not None and latest.snapshot_id != shown.snapshot_id:
        st.rerun()
    refreshed = (shown.created_at or "").replace("T", " ").replace("+00:00", " UTC")
    st.caption(
        f":material/database: Snapshot `{shown.snapshot_id}`  \nrefreshed {refreshed}",
        help=f"Code version {shown.code_version}. A newer snapshot is picked up automatically.",
    )


def no_data() -> None:
    st.title("PMO Pulse")
    st.info(
        f"No published data yet in `{data.data_dir()}`.\n\n"
        f"1. Drop exports (timesheets, budgets, Jira / MS Project / Azure DevOps tasks, risk "
        f"registers, invoices, status notes) into `{data.landing_dir()}`.\n"
        "2. Run `pmo refresh` — it loads, tests and publishes a snapshot.\n\n"
        "Or run `make demo` for a demo portfolio. This page picks the data up by itself.",
        icon=":material/inbox:",
    )


# Tiles never cut their text: a label wraps between words instead of ending in "…", and the
# label and value scale with their tile (six tiles in a row at 1280 px are ~120 px wide).
# Style tags alone take no space on the page.
TILE_STYLE = """<style>
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
    overflow-wrap: normal !important; word-break: normal !important;
}
[data-testid="stMetricLabel"] p { font-size: min(0.875rem, 10cqi) !important; }
[data-testid="stMetricValue"] { font-size: min(2.25rem, 16cqi) !important; }
[data-testid="stMetricValue"] * { overflow: visible !important; text-overflow: clip !important; }
</style>"""


def main() -> None:
    st.set_page_config(page_title="PMO Pulse", page_icon=":material/monitoring:", layout="wide")
    st.html(TILE_STYLE)
    page = navigation()
    snap = data.current()
    if snap is None:
        no_data()
        with st.sidebar:
            _watch_for_first_snapshot()
        return
    state.apply_pending_navigation()
    with st.sidebar:
        context = state.sidebar_filters(snap)
        st.divider()
        snapshot_indicator(snap)
    st.session_state[state.CONTEXT] = context
    if st.session_state.pop(state.GOTO_PROJECT, False) and page.url_path != "project":
        st.switch_page(state.PROJECT_PAGE, query_params=st.query_params.to_dict())
    if context.month is None:
        st.title(page.title)
        st.info(
            "The snapshot has no reporting month yet: load timesheets and a budget, then refresh."
        )
        return
    page.run()


@st.fragment(run_every=POLL_SECONDS)
def _watch_for_first_snapshot() -> None:
    if data.current() is not None:
        st.rerun()


main()
