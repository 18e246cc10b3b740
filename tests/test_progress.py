"""What a refresh shows while it runs: summaries per entity, the files that need a look, bars."""

from __future__ import annotations

import io

from rich.console import Console

from pipelines.ingest.load import FileOutcome
from pipelines.progress import BarReporter, LineReporter

OUTCOMES = [
    FileOutcome("tempo/2026-09.csv", "timesheets", "loaded", "tempo", 1200, 1200),
    FileOutcome("tempo/2026-10.csv", "timesheets", "loaded", "tempo", 1000, 998, 2),
    FileOutcome("tempo/broken.csv", "timesheets", "rejected", "tempo", error="broken.csv: empty."),
]


def test_lines_summarise_each_entity_and_name_only_the_files_that_need_a_look():
    out = io.StringIO()
    shown = LineReporter(stream=out)
    shown.entity_started("timesheets", 3)
    for outcome in OUTCOMES:
        shown.file_done(outcome)
    shown.entity_done("timesheets", OUTCOMES, 2.0)
    lines = out.getvalue().splitlines()
    assert lines == [
        "  ⚠ timesheets       tempo/2026-10.csv: 998 rows loaded, 2 quarantined",
        "  ✗ timesheets       broken.csv: empty.",
        "  ⚠ timesheets       2 files, 2,198 rows loaded, 2 quarantined, 1 file rejected"
        " (2.0 s, 1,099 rows/s)",
    ]
    verbose = io.StringIO()
    shown = LineReporter(verbose=True, stream=verbose)
    shown.file_done(OUTCOMES[0])
    assert verbose.getvalue() == "  ✓ timesheets       tempo/2026-09.csv: 1,200 rows loaded\n"


def test_bars_on_a_terminal_show_files_and_nodes_done_of_the_total():
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120, color_system=None)
    shown = BarReporter(console=console)
    shown.entity_started("timesheets", 3)
    shown.file_done(OUTCOMES[0])
    assert "load timesheets" in screen.getvalue() and "1/3" in screen.getvalue()
    shown.entity_done("timesheets", OUTCOMES[:1], 1.0)
    shown.dbt_started(4)
    for _ in range(4):
        shown.dbt_node_done()
    assert "dbt build" in screen.getvalue() and "4/4" in screen.getvalue()
    shown.dbt_done()
    shown.line("  ✓ published snapshot X")
    shown.close()
    text = screen.getvalue()
    assert "✓ timesheets       1 file, 1,200 rows loaded (1.0 s, 1,200 rows/s)" in text
    assert "✓ published snapshot X" in text
