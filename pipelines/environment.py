"""The environment variables the product reads, read in one place.

``read_environment()`` reads them when it is called (never at import) into a frozen
:class:`Environment`; modules take the values from it, and pass them on as arguments. A child
process that needs a variable (dbt, the dashboard's Streamlit) gets its environment from
:func:`child_environment`. The README's "Settings" lists the same variables.

Only the standard library here: the command line imports this before Dagster and dbt.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

DATA_DIR_ENV = "PMO_DATA_DIR"
"""The data directory when a command gets no ``--data-dir`` (default ``./data``)."""
DUCKDB_MEMORY_LIMIT_ENV = "PMO_DUCKDB_MEMORY_LIMIT"
"""DuckDB's memory limit for the loader and the dbt build (default ``4GB``); beyond it DuckDB
spills to disk beside the warehouse."""
REPORT_BUSINESS_DAY_ENV = "PMO_REPORT_BUSINESS_DAY"
"""The business day of the month (1-20, default 3) the month-end pack is built on."""
CHROMIUM_ENV = "PMO_CHROMIUM"
"""The Chromium that prints the PDFs (default ``/usr/bin/chromium``)."""
DASHBOARD_POLL_SECONDS_ENV = "PMO_DASHBOARD_POLL_SECONDS"
"""How often an open dashboard looks for a newer snapshot, in seconds (default 20)."""
DAGSTER_HOME_ENV = "DAGSTER_HOME"
"""Dagster's own: where its runs are recorded (default ``<data-dir>/dagster``)."""
WAREHOUSE_PATH_ENV = "PMO_WAREHOUSE_PATH"
"""Not read by the product: the warehouse file each dbt process is given (``profiles.yml``)."""
DBT_WARM_SOCKET_ENV = "PMO_DBT_WARM_SOCKET"
"""Not one to set: where the dbt process a refresh started ahead waits for its build's command
(``pipelines/transform/dbt_warm.py``); read by ``pmo-dbt``."""

DEFAULT_DATA_DIR = "data"
DEFAULT_DUCKDB_MEMORY_LIMIT = "4GB"
DEFAULT_REPORT_BUSINESS_DAY = 3
DEFAULT_CHROMIUM = "/usr/bin/chromium"
DEFAULT_DASHBOARD_POLL_SECONDS = 20.0


@dataclass(frozen=True)
class Environment:
    """Every ``PMO_*`` variable the product reads, with its default applied (and Dagster's
    ``DAGSTER_HOME``)."""

    data_dir: str = DEFAULT_DATA_DIR
    """``PMO_DATA_DIR``: where everything lives when a command names no ``--data-dir``."""
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    """``PMO_DUCKDB_MEMORY_LIMIT``: DuckDB's memory limit in the loader (dbt reads the same
    variable through ``profiles.yml``)."""
    report_business_day: int = DEFAULT_REPORT_BUSINESS_DAY
    """``PMO_REPORT_BUSINESS_DAY``: the month-end pack's business day, kept within 1-20; a value
    that is not a whole number means the default."""
    chromium: str = DEFAULT_CHROMIUM
    """``PMO_CHROMIUM``: the Chromium executable that prints PDFs."""
    dashboard_poll_seconds: float = DEFAULT_DASHBOARD_POLL_SECONDS
    """``PMO_DASHBOARD_POLL_SECONDS``: how often a dashboard checks for a new snapshot."""
    dagster_home: str = ""
    """``DAGSTER_HOME`` (Dagster's variable): the instance a command records its runs in;
    empty: the data directory's ``dagster/``."""


def read_environment(environ: Mapping[str, str] | None = None) -> Environment:
    """The variables as they are now (``environ`` defaults to the process environment)."""
    values = os.environ if environ is None else environ
    return Environment(
        data_dir=values.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR,
        duckdb_memory_limit=values.get(DUCKDB_MEMORY_LIMIT_ENV, DEFAULT_DUCKDB_MEMORY_LIMIT),
        report_business_day=_business_day(values.get(REPORT_BUSINESS_DAY_ENV)),
        chromium=values.get(CHROMIUM_ENV, DEFAULT_CHROMIUM),
        dashboard_poll_seconds=float(
            values.get(DASHBOARD_POLL_SECONDS_ENV, DEFAULT_DASHBOARD_POLL_SECONDS)
        ),
        dagster_home=values.get(DAGSTER_HOME_ENV, ""),
    )


def _business_day(value: str | None) -> int:
    try:
        return max(1, min(int(value or DEFAULT_REPORT_BUSINESS_DAY), 20))
    except ValueError:
        return DEFAULT_REPORT_BUSINESS_DAY


def child_environment(**variables: str) -> dict[str, str]:
    """The environment of a child process: this one's, with ``variables`` set (e.g. the data
    directory for the dashboard's Streamlit, the warehouse file for dbt)."""
    return {**os.environ, **variables}


@contextmanager
def set_for_child(**variables: str) -> Iterator[None]:
    """For a library that starts its child process with this process's environment and takes
    no other (dagster-dbt's ``DbtCliResource.cli`` starts dbt so): ``variables`` are set while
    the child starts, then put back as they were. Never a way to hand values to other modules."""
    previous = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
