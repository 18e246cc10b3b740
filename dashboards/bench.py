"""Page render times for ``make bench``: median seconds per page over several AppTest loads.

Each load is a fresh AppTest session (a user opening the page); Streamlit's caches are shared
across loads as they are across users of a served app, so the first load of a page pays for its
queries and the median shows what users see once the snapshot is warm. ``cold=True`` clears the
caches before every load instead (the first visitor after a refresh).
"""

from __future__ import annotations

import logging
import os
import statistics
import time
from pathlib import Path

import streamlit as st
from streamlit import logger as streamlit_logger
from streamlit.testing.v1 import AppTest

from dashboards.navigation import DEFAULT, PAGES
from pipelines.environment import DATA_DIR_ENV, read_environment

APP = Path(__file__).resolve().parent / "streamlit_app.py"


def _load(page: str, timeout: float) -> float:
    app = AppTest.from_file(str(APP), default_timeout=timeout)
    if page != PAGES[DEFAULT]:
        app.switch_page(page)
    start = time.perf_counter()
    app.run()
    elapsed = time.perf_counter() - start
    if app.exception:
        raise RuntimeError(f"{page} raised: {app.exception[0].value}")
    return elapsed


def bench_pages(
    data_dir: Path, loads: int = 5, *, cold: bool = False, timeout: float = 300.0
) -> dict[str, float]:
    """{page: median seconds to render} for the published snapshot under ``data_dir``."""
    # bare-mode AppTest runs warn about a missing script context on every load: noise here
    # (each run re-reads the config, so the level goes through the environment too)
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    streamlit_logger.set_log_level("error")
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True
    previous = os.environ.get(DATA_DIR_ENV)
    os.environ[DATA_DIR_ENV] = str(Path(data_dir).resolve())
    try:
        _load(PAGES[DEFAULT], timeout)  # imports and the app shell, once
        results = {}
        for name, page in PAGES.items():
            times = []
            for _ in range(max(1, loads)):
                if cold:
                    st.cache_data.clear()
                    st.cache_resource.clear()
                times.append(_load(page, timeout))
            results[name] = statistics.median(times)
        return results
    finally:
        if previous is None:
            os.environ.pop(DATA_DIR_ENV, None)
        else:
            os.environ[DATA_DIR_ENV] = previous


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=read_environment().data_dir)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--cold", action="store_true")
    arguments = parser.parse_args()
    for page, seconds in bench_pages(
        Path(arguments.data_dir), arguments.loads, cold=arguments.cold
    ).items():
        print(f"{page:<14} {seconds:6.2f} s")
