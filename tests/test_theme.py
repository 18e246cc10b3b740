"""One theme: colours are defined in pipelines/publish/theme.py only, and a meaning (a RAG status,
a series such as AC or EAC) has the same colour on the pages, in the report charts, in the
workbooks and in the printed CSS."""

from __future__ import annotations

import re
from pathlib import Path

from dashboards.components import charts as page_charts
from dashboards.components.formatting import RAG_COLOURS
from pipelines.publish import theme
from pipelines.publish.reports import charts as report_charts
from pipelines.publish.reports import xlsx
from pipelines.publish.reports.html import stylesheet

ROOT = Path(__file__).resolve().parents[1]
THEME = "pipelines/publish/theme.py"
SCANNED = ("dashboards", "pipelines/publish")
SUFFIXES = (".py", ".css", ".j2", ".html")

COLOUR = re.compile(
    r"""(?<!href=")(?<![\w&])\#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b"""  # #c0392b, #fff
    r"""|\brgba?\s*\(\s*\d"""  # rgb(1, 2, 3), rgba(…)
)


def colours_defined(source: str) -> list[tuple[int, str]]:
    """(line, text) of every colour literal in a source file (an anchor ``href="#eac"`` is not
    one)."""
    return [
        (source.count("\n", 0, match.start()) + 1, match.group(0))
        for match in COLOUR.finditer(source)
    ]


def test_the_scan_finds_a_colour_written_outside_the_theme():
    source = (
        'SERIES = {"ac": "#e67e22"}\n'
        "fig.add_hline(y=1, line_color='#888')\n"
        'fill = "rgba(139, 92, 246, 0.18)"\n'
        '<a href="#eac">Appendix</a>\n'
        'Column("attention_rank", "#", "integer")  # a comment\n'
        "th { color: var(--paper); }\n"
    )
    assert colours_defined(source) == [(1, "#e67e22"), (2, "#888"), (3, "rgba(1")]


def test_colours_are_defined_only_in_the_theme():
    files = sorted(
        path
        for folder in SCANNED
        for path in (ROOT / folder).rglob("*")
        if path.suffix in SUFFIXES and path.relative_to(ROOT).as_posix() != THEME
    )
    assert any(path.name == "report.css" for path in files)
    assert any(path.name == "charts.py" and "dashboards" in path.parts for path in files)
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in files
        for line, text in colours_defined(path.read_text(encoding="utf-8"))
    ]
    assert not found, "colours outside pipelines/publish/theme.py:\n" + "\n".join(found)
    assert colours_defined((ROOT / THEME).read_text(encoding="utf-8"))


def test_the_report_css_takes_every_colour_from_the_theme():
    css = stylesheet()
    assert css.startswith(theme.css_variables())
    defined = set(re.findall(r"--([\w-]+):", theme.css_variables()))
    used = set(re.findall(r"var\(--([\w-]+)\)", css))
    assert {"red", "amber", "green", "grey", "accent", "font"} <= used
    assert used <= defined, f"CSS variables the theme does not define: {used - defined}"
    assert f"--red: {theme.RAG['red']};" in css


def test_a_meaning_has_one_colour_on_pages_in_charts_and_in_workbooks():
    assert RAG_COLOURS == theme.RAG
    for status, colour in theme.RAG.items():
        assert report_charts.COLOURS[status] == colour
        assert xlsx.RAG_FILLS[status]["bg_color"] == colour
    for series in ("pv", "ev", "ac", "eac", "bac"):
        assert page_charts.SERIES[series] == report_charts.COLOURS[series] == theme.SERIES[series]
    # red means a red status: no series and no category is drawn in it
    assert theme.RAG["red"] not in theme.SERIES.values()
    assert not set(theme.RAG.values()) & set(theme.PALETTE)
    # an amount column is drawn in its series' colour in the workbook charts too
    assert xlsx._series_colour("cumulative_actual_cost", 3) == theme.SERIES["ac"]
