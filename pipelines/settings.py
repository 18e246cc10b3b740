"""What a PMO configures, in one file: ``<data-dir>/settings.toml``.

```toml
[reporting]
currency = "USD"   # ISO 4217 code every amount is reported in

[load]
date_window_years = 5   # rows dated further from their project's dates are quarantined

[engine]
name = "duckdb"          # or "spark": the dbt build runs on Apache Spark (the spark extra)
spark_master = "local[*]"  # a cluster's URL (spark://host:7077, yarn, k8s://...) in production
lake_dir = "/mnt/pmo-lake"  # the raw Parquet and Spark's warehouse; default <data-dir>/lake
lake_uri = "s3a://pmo-lake/prod"  # the same directory as Spark reads it; default file://<lake_dir>
```

The file is optional. Without a reporting currency the product takes the one currency every
project uses (``projects.currency``); when projects use several, or none names one, it reports in
EUR and says so. dbt receives the resolved values as vars from here, and nowhere else.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.config import DataPaths
from pipelines.errors import PmoError
from pipelines.transform.engines import DEFAULT_ENGINE, ENGINES, Lake

SETTINGS_FILE = "settings.toml"
DEFAULT_REPORTING_CURRENCY = "EUR"
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
_KNOWN = {
    "reporting": {"currency"},
    "load": {"date_window_years"},
    "engine": {"name", "spark_master", "lake_dir", "lake_uri"},
}
LAKE_FOLDER = "lake"
DEFAULT_DATE_WINDOW_YEARS = 5
DEFAULT_SPARK_MASTER = "local[*]"
DEMO_SETTINGS = """\
# pmo-pulse settings (see the README, "Settings")
[reporting]
# ISO 4217 code every amount is reported in; amounts in other currencies convert through
# fx_rates. Without this line: the one currency every project uses, else EUR.
currency = "EUR"
"""


@dataclass(frozen=True)
class Settings:
    path: Path
    reporting_currency: str | None = None
    """As set in the file (upper case), or None when the file does not set it."""
    date_window_years: int = DEFAULT_DATE_WINDOW_YEARS
    """A row dated more than this many years before its project starts or after it is planned
    to finish is taken for a typo (2062 for 2026) and quarantined."""
    engine: str = DEFAULT_ENGINE
    """The engine the dbt build runs on: ``duckdb`` (the warehouse file) or ``spark``."""
    spark_master: str = DEFAULT_SPARK_MASTER
    """Spark's master when the engine is ``spark``: ``local[*]`` runs Spark in this machine's
    process; a cluster's URL in production."""
    lake_dir: Path | None = None
    """As set (absolute), or None: ``<data-dir>/lake``."""
    lake_uri: str | None = None
    """As set (no trailing slash), or None: the ``file://`` URI of the lake's directory."""

    @property
    def lake(self) -> Lake:
        """Where the raw Parquet and Spark's warehouse live, as this machine and as Spark see
        it (a cluster's executors need a directory they reach: a shared filesystem or a
        bucket mounted here)."""
        return Lake.at(self.lake_dir or self.path.parent / LAKE_FOLDER, self.lake_uri)


@dataclass(frozen=True)
class ReportingCurrency:
    code: str
    source: str
    """'setting', 'projects' (the one currency every project uses) or 'default'."""
    warning: str | None = None

    def describe(self) -> str:
        origin = {
            "setting": "set in settings.toml",
            "projects": "the currency every project uses",
            "default": "default",
        }[self.source]
        text = f"{self.code} ({origin})"
        return f"{text}; {self.warning}" if self.warning else text


def settings_path(paths: DataPaths) -> Path:
    return paths.root / SETTINGS_FILE


def load_settings(paths: DataPaths) -> Settings:
    """Read and check settings.toml; a missing file means every default."""
    path = settings_path(paths)
    if not path.is_file():
        return Settings(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise PmoError(
            f'{path}: cannot be read as TOML ({error}); expected e.g. [reporting] currency = "USD".'
        ) from None
    for section, values in document.items():
        if section not in _KNOWN or not isinstance(values, dict):
            raise PmoError(
                f"{path}: unknown setting [{section}]; expected one of "
                + ", ".join(f"[{name}]" for name in _KNOWN)
                + "."
            )
        unknown = set(values) - _KNOWN[section]
        if unknown:
            raise PmoError(
                f"{path}: unknown setting {section}.{sorted(unknown)[0]}; expected "
                + ", ".join(f"{section}.{key}" for key in sorted(_KNOWN[section]))
                + "."
            )
    window = document.get("load", {}).get("date_window_years", DEFAULT_DATE_WINDOW_YEARS)
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= 50:
        raise PmoError(
            f"{path}: load.date_window_years is {window!r}; expected a whole number of years "
            "from 1 to 50."
        )
    currency = document.get("reporting", {}).get("currency")
    code = None
    if currency is not None:
        code = str(currency).strip().upper()
        if not _CURRENCY.match(code):
            raise PmoError(
                f"{path}: reporting.currency is {currency!r}; expected a three-letter ISO 4217 "
                'code such as "EUR" or "USD".'
            )
    engine, master = _engine(path, document.get("engine", {}))
    lake_dir, lake_uri = _lake(path, document.get("engine", {}))
    return Settings(
        path,
        reporting_currency=code,
        date_window_years=window,
        engine=engine,
        spark_master=master,
        lake_dir=lake_dir,
        lake_uri=lake_uri,
    )


def _engine(path: Path, values: dict[str, object]) -> tuple[str, str]:
    engine = values.get("name", DEFAULT_ENGINE)
    if engine not in ENGINES:
        raise PmoError(
            f"{path}: engine.name is {engine!r}; expected one of "
            + ", ".join(f'"{name}"' for name in ENGINES)
            + "."
        )
    master = values.get("spark_master", DEFAULT_SPARK_MASTER)
    if not isinstance(master, str) or not master.strip():
        raise PmoError(
            f"{path}: engine.spark_master is {master!r}; expected Spark's master URL, "
            'e.g. "local[*]" or "spark://host:7077".'
        )
    return str(engine), master.strip()


def _lake(path: Path, values: dict[str, object]) -> tuple[Path | None, str | None]:
    folder = values.get("lake_dir")
    lake_dir = None
    if folder is not None:
        if not isinstance(folder, str) or not folder.strip() or _URI.match(folder.strip()):
            raise PmoError(
                f"{path}: engine.lake_dir is {folder!r}; expected a directory of this machine "
                'that the Spark cluster sees too, e.g. "/mnt/pmo-lake" (a URI such as '
                "s3a://... goes in engine.lake_uri)."
            )
        # a relative directory is taken from the data directory, as the settings file is
        lake_dir = (path.parent / Path(folder.strip()).expanduser()).absolute()
    uri = values.get("lake_uri")
    if uri is not None and (not isinstance(uri, str) or not _URI.match(uri.strip().rstrip("/"))):
        raise PmoError(
            f"{path}: engine.lake_uri is {uri!r}; expected the URI Spark reads engine.lake_dir "
            'by, e.g. "s3a://pmo-lake/prod", "abfss://lake@account.dfs.core.windows.net/pmo", '
            '"hdfs://namenode/pmo" or "file:///mnt/pmo-lake".'
        )
    return lake_dir, uri.strip().rstrip("/") if isinstance(uri, str) else None


def resolve_reporting_currency(
    settings: Settings, con: duckdb.DuckDBPyConnection | None
) -> ReportingCurrency:
    """The setting, else the one currency all projects use, else EUR (with a warning)."""
    if settings.reporting_currency:
        return ReportingCurrency(settings.reporting_currency, "setting")
    currencies: list[str] = []
    blank = 0
    if con is not None:
        rows = con.execute(
            "select upper(trim(currency)) as code, count(*) from raw.projects group by 1 order by 1"
        ).fetchall()
        currencies = [code for code, _ in rows if code]
        blank = sum(number for code, number in rows if not code)
    if len(currencies) == 1:
        if blank:
            return ReportingCurrency(
                currencies[0],
                "projects",
                f"{blank} project(s) name no currency and are taken to be in {currencies[0]}",
            )
        return ReportingCurrency(currencies[0], "projects")
    if len(currencies) > 1:
        return ReportingCurrency(
            DEFAULT_REPORTING_CURRENCY,
            "default",
            f"projects use {', '.join(currencies)}: amounts in other currencies need fx_rates; "
            f'set [reporting] currency = "..." in settings.toml to choose',
        )
    return ReportingCurrency(DEFAULT_REPORTING_CURRENCY, "default")


def dbt_vars(currency: ReportingCurrency) -> dict[str, str]:
    """The vars every dbt invocation of a refresh receives."""
    return {"reporting_currency": currency.code}
