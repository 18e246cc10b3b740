"""What a refresh shows on the terminal while it runs.

The command line chooses a reporter before it starts the run; the assets tell it what happens
(an entity's files start loading, a file is done, dbt finished a node) and never print directly.

- On a terminal: one live bar per stage (the landing scan, each entity with files done and rows
  per second, the dbt build with models and tests done of the total, publish), and the stage
  summaries printed above them.
- Elsewhere (a log file, a scheduler, a pipe): the same summaries as plain lines, one per entity,
  plus a line for each file with quarantined rows or rejected; every file with ``--verbose``.
- Runs Dagster starts by itself (schedule, sensor, UI) report nothing here: their Dagster log
  has it all.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

from pipelines.text import rows_text

if TYPE_CHECKING:
    from pipelines.ingest.load import FileOutcome


def rows_per_second(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f} rows/s" if seconds > 0 and rows else ""


class Reporter:
    """Says nothing: the default for runs no command line watches."""

    def line(self, text: str) -> None:
        pass

    def entity_started(self, entity: str, files: int) -> None:
        pass

    def file_done(self, outcome: FileOutcome) -> None:
        pass

    def entity_done(self, entity: str, outcomes: list[FileOutcome], seconds: float) -> None:
        pass

    def dbt_started(self, nodes: int) -> None:
        pass

    def dbt_node_done(self) -> None:
        pass

    def dbt_done(self) -> None:
        pass

    def close(self) -> None:
        pass


def file_line(outcome: FileOutcome) -> str:
    if outcome.status == "rejected":
        return f"  ✗ {outcome.entity:<16} {outcome.error}"
    text = (
        f"{outcome.entity:<16} {outcome.source_file}: {rows_text(outcome.rows_loaded)} loaded"
        + (f", {outcome.rows_quarantined:,} quarantined" if outcome.rows_quarantined else "")
        + (f", {outcome.rows_replaced:,} replaced" if outcome.rows_replaced else "")
    )
    return f"  {'⚠' if outcome.rows_quarantined else '✓'} {text}"


def entity_line(entity: str, outcomes: list[FileOutcome], seconds: float) -> str:
    loaded = [o for o in outcomes if o.status == "loaded"]
    rows = sum(o.rows_loaded for o in loaded)
    quarantined = sum(o.rows_quarantined for o in loaded)
    rejected = sum(1 for o in outcomes if o.status == "rejected")
    parts = [f"{len(loaded):,} file{'s' if len(loaded) != 1 else ''}", f"{rows_text(rows)} loaded"]
    if quarantined:
        parts.append(f"{quarantined:,} quarantined")
    if rejected:
        parts.append(f"{rejected:,} file{'s' if rejected != 1 else ''} rejected")
    speed = rows_per_second(rows, seconds)
    timing = f" ({seconds:.1f} s{', ' + speed if speed else ''})"
    return f"  {'⚠' if quarantined or rejected else '✓'} {entity:<16} {', '.join(parts)}{timing}"


class LineReporter(Reporter):
    """Plain lines on stderr: a summary per entity, and the files that need a look."""

    def __init__(self, verbose: bool = False, stream: Any = None) -> None:
        self.verbose = verbose
        self.stream = stream or sys.stderr

    def line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def file_done(self, outcome: FileOutcome) -> None:
        if self.verbose or outcome.status == "rejected" or outcome.rows_quarantined:
            self.line(file_line(outcome))

    def entity_done(self, entity: str, outcomes: list[FileOutcome], seconds: float) -> None:
        if outcomes:
            self.line(entity_line(entity, outcomes, seconds))


class BarReporter(LineReporter):
    """Live bars on a terminal (rich), with the summaries printed above them."""

    def __init__(self, verbose: bool = False, console: Any = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        super().__init__(verbose)
        self.console = console or Console(stderr=True)
        self.bars = Progress(
            TextColumn("  {task.description:<22}"),
            BarColumn(bar_width=32),
            MofNCompleteColumn(),
            TextColumn("{task.fields[speed]}"),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.bars.start()
        self.task: Any = None
        self.rows = 0
        self.started = time.perf_counter()

    def line(self, text: str) -> None:
        self.bars.console.print(text, highlight=False, markup=False)

    def _begin(self, description: str, total: int) -> None:
        self._finish()
        self.task = self.bars.add_task(description, total=max(total, 1), speed="")
        self.rows, self.started = 0, time.perf_counter()

    def _finish(self) -> None:
        if self.task is not None:
            self.bars.remove_task(self.task)
            self.task = None

    def entity_started(self, entity: str, files: int) -> None:
        self._begin(f"load {entity}", files)

    def file_done(self, outcome: FileOutcome) -> None:
        super().file_done(outcome)
        if self.task is not None:
            self.rows += outcome.rows_loaded
            speed = rows_per_second(self.rows, time.perf_counter() - self.started)
            self.bars.update(self.task, advance=1, speed=speed)
            self.bars.refresh()

    def entity_done(self, entity: str, outcomes: list[FileOutcome], seconds: float) -> None:
        self._finish()
        super().entity_done(entity, outcomes, seconds)

    def dbt_started(self, nodes: int) -> None:
        self._begin("dbt build", nodes)

    def dbt_node_done(self) -> None:
        if self.task is not None:
            self.bars.update(self.task, advance=1)
            self.bars.refresh()

    def dbt_done(self) -> None:
        self._finish()

    def close(self) -> None:
        self._finish()
        self.bars.stop()


_reporter: Reporter = Reporter()


def reporter() -> Reporter:
    return _reporter


def use(new: Reporter) -> Reporter:
    """Install a reporter for the runs of this process; returns the one it replaces."""
    global _reporter
    previous, _reporter = _reporter, new
    return previous


def for_terminal(*, verbose: bool = False, quiet: bool = False) -> Reporter:
    if quiet:
        return Reporter()
    if sys.stderr.isatty() and not verbose:
        return BarReporter()
    return LineReporter(verbose)
