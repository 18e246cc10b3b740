"""Self-contained HTML: Jinja2 templates, the report's CSS inline and plotly.js embedded (in a
page with charts; a page without any, such as the weekly pack, carries none).

The page needs nothing from the network (the report must open on a plane and print in a
sandbox). Charts are drawn from a JSON block by one script that marks ``<body
data-charts="ready">`` when every chart has rendered, which is what the PDF printer waits for.
Nothing random goes into the page: chart ids come from the chart keys, the JSON is written with
sorted keys, and the only time-dependent text is the generated-at stamp, kept in one element
(``GENERATED_AT``) so two builds can be compared without it.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

import jinja2

from pipelines.publish import theme
from pipelines.publish.formatting import NO_VALUE, cell_text, money_text

from .document import Chart, Column, Table, in_words, variance_mark

# Identifier columns never wrap (a project code split over two lines reads as two codes).
ID_COLUMNS = frozenset(
    {
        "project_code",
        "risk_id",
        "po_number",
        "age_bucket",
        "expense_type",
        "dimension",
        "reference",
        "item_id",
    }
)
# Columns holding long unbroken tokens (file paths, raw values) may break anywhere.
LONG_COLUMNS = frozenset({"source_file", "found_value", "forecast_reason"})
GENERATED_AT = re.compile(r'<span class="generated-at">[^<]*</span>')


@cache
def plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipelines.publish.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = cell_text
    env.filters["variance_mark"] = variance_mark
    env.filters["in_words"] = in_words
    env.filters["month_label"] = lambda d: d.strftime("%B %Y")
    env.filters["rag_class"] = lambda v: (
        f"rag rag-{v}" if v in ("red", "amber", "green", "grey") else "rag rag-none"
    )
    env.globals["NO_VALUE"] = NO_VALUE
    env.globals["ID_COLUMNS"] = ID_COLUMNS
    env.globals["LONG_COLUMNS"] = LONG_COLUMNS
    # the report's own currency is bound in render(); a page without one prints plain numbers
    env.globals["money"] = lambda v: cell_text(v, Column("v", "v", "currency"))
    env.globals["index"] = lambda v: cell_text(v, Column("v", "v", "index"))
    env.globals["count"] = lambda v: cell_text(v, Column("v", "v", "integer"))
    return env


def stylesheet() -> str:
    """The theme's colours and font as CSS variables, then the report stylesheet that uses them."""
    rules = (resources.files("pipelines.publish.reports") / "static" / "report.css").read_text(
        encoding="utf-8"
    )
    return theme.css_variables() + rules


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__} in a chart")


def charts_json(charts: list[Chart]) -> str:
    specs = [{"id": c.div_id, "figure": c.figure} for c in charts]
    text = json.dumps(
        specs, sort_keys=True, separators=(",", ":"), default=_json_default, allow_nan=False
    )
    return text.replace("</", "<\\/")


def render(template: str, report: Any, *, charts: list[Chart], context: dict[str, Any]) -> str:
    """The full page. ``context`` carries the snapshot id, stamps and other header facts."""
    ids = [c.div_id for c in charts]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate chart ids in {template}: {sorted(ids)}")
    return (
        _environment()
        .get_template(template)
        .render(
            report=report,
            css=stylesheet(),
            plotly_js=plotly_js(),
            charts_json=charts_json(charts),
            chart_count=len(charts),
            **({"money": _money_in(report.currency)} if getattr(report, "currency", None) else {}),
            **context,
        )
    )


def _money_in(currency: str) -> Any:
    return lambda value: money_text(value, currency)


def without_generated_at(html: str) -> str:
    """The page with its generated-at stamp blanked: what two builds must agree on."""
    return GENERATED_AT.sub('<span class="generated-at"></span>', html)


def table_rows(table: Table) -> list[dict[str, Any]]:
    return table.rows()
