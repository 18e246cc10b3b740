"""The `pmo` command line: thin commands over the same library code and Dagster job.

Errors reach the user as one clear paragraph; `--debug` shows the traceback as well.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any

import click

from pipelines.config import DataPaths, open_instance, resolve_data_dir
from pipelines.environment import DATA_DIR_ENV
from pipelines.errors import PmoError
from pipelines.text import failure_summary
from pipelines.transform.engines import ENGINES, SPARK, check_engine_installed

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2


def _fail(message: str, code: int = EXIT_PROBLEMS) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn any exception into one paragraph (and the traceback only with --debug)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return func(*args, **kwargs)
        except (SystemExit, click.exceptions.Exit, click.ClickException):
            raise
        except KeyboardInterrupt:
            _fail("interrupted.", 130)
        except PmoError as error:
            if debug:
                traceback.print_exc()
            _fail(str(error))
        except Exception as error:  # the last line of defence: no bare tracebacks for users
            if _interrupted_query(error):  # Ctrl-C while DuckDB ran a query
                _fail("interrupted.", 130)
            if debug:
                traceback.print_exc()
            text = str(error).strip().splitlines()
            detail = text[0] if text else type(error).__name__
            from pipelines.space import disk_hint, disk_trouble

            if disk_trouble(error):
                _fail(f"{detail}: {disk_hint(resolve_data_dir(kwargs.get('data_dir')))}")
            _fail(f"{detail} (run with --debug for details)")

    return wrapper


def _interrupted_query(error: Exception) -> bool:
    """DuckDB turns a Ctrl-C that comes while it runs a query into its own exception."""
    duckdb = sys.modules.get("duckdb")
    return duckdb is not None and isinstance(error, duckdb.InterruptException)


data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Data directory (default: ${DATA_DIR_ENV}, else ./data).",
)


verbose_option = click.option(
    "--verbose", "-v", is_flag=True, help="A line for every file loaded, instead of progress bars."
)


def _paths(data_dir: Path | None) -> DataPaths:
    return resolve_data_dir(data_dir)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def main(debug: bool) -> None:
    """pmo-pulse: portfolio reporting from the exports a PMO already has."""


# --- refresh ---------------------------------------------------------------------------------


def run_refresh(
    paths: DataPaths,
    *,
    quiet: bool = False,
    verbose: bool = False,
    engine: str = "",
    instance: Any = None,
) -> bool:
    """Run the Dagster refresh job in-process against a persistent instance under the data dir
    (``engine`` empty: the one the settings name; ``instance``: the data directory's Dagster
    instance when the caller holds it open, else it is opened for the run)."""
    from pipelines import progress
    from pipelines.ingest.expectations import suite_worker
    from pipelines.settings import dbt_vars, load_settings, resolve_reporting_currency
    from pipelines.transform.parse_ahead import parse_state_for, parsed_ahead

    shown = progress.for_terminal(verbose=verbose, quiet=quiet)
    previous = progress.use(shown)
    try:
        # While Dagster starts and files load, child processes import Great Expectations and,
        # before a data directory's first build, parse the dbt project (with the vars the
        # settings give; the projects loaded may still change the currency: dbt then re-parses).
        settings = load_settings(paths)
        expected_vars = dbt_vars(resolve_reporting_currency(settings, None))
        # (a parse ahead is DuckDB's: a build on Spark parses for its own target)
        on_duckdb = (engine or settings.engine) != SPARK
        ahead = parsed_ahead(paths, expected_vars) if on_duckdb else contextlib.nullcontext()
        with suite_worker(), ahead:
            # the dbt process started ahead decodes the parse state the build is expected to
            # start from (none while a parse ahead makes it)
            state = parse_state_for(paths, expected_vars) if on_duckdb else None
            return _run_refresh_job(
                paths, engine, warm=on_duckdb, instance=instance, parse_state=state
            )
    finally:
        shown.close()
        progress.use(previous)


def _run_refresh_job(
    paths: DataPaths,
    engine: str,
    *,
    warm: bool = False,
    instance: Any = None,
    parse_state: Path | None = None,
) -> bool:
    """``warm``: once Dagster is imported (the suite worker's import of Great Expectations is
    done by then), a dbt process starts importing dbt, for the build to run in (a build on
    Spark spends minutes, not the seconds of that import), unless one already waits."""
    paths.ensure()
    from pipelines.definitions import build_defs
    from pipelines.defs.publish.jobs import REFRESH_JOB_NAME
    from pipelines.defs.resources import WarehouseResource
    from pipelines.environment import child_environment
    from pipelines.eventlog import batch_event_writes
    from pipelines.transform.dbt_warm import warm_dbt

    defs = build_defs(WarehouseResource(data_dir=str(paths.root), engine=engine))
    ahead = (
        warm_dbt(child_environment(), paths.dbt_runs.parent, parse_state)
        if warm
        else contextlib.nullcontext()
    )
    held = contextlib.nullcontext(instance) if instance is not None else open_instance(paths)
    with ahead, held as opened:
        batch_event_writes(opened)
        return _execute_refresh(paths, opened, defs.resolve_job_def(REFRESH_JOB_NAME))


def _execute_refresh(paths: DataPaths, instance: Any, job: Any) -> bool:
    # When nothing new was loaded the dbt step builds nothing (and says so); the executor's note
    # that the dbt checks then gave no result is for the Dagster UI, not the terminal.
    logging.getLogger("dagster._core.execution.plan.active").setLevel(logging.ERROR)
    # dbt's own log goes to a file (and the Dagster UI), the terminal gets the progress lines;
    # a failure is summarised below in one line per failed check and step (Dagster's own error
    # records, with their stack traces, stay in the run's event log for `dagster dev`).
    log_path = paths.dagster_home / "last_refresh.log"
    with log_path.open("w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
        )
    if not result.success:
        _hint_disk_trouble(paths, result)
        for evaluation in result.get_asset_check_evaluations():
            if not evaluation.passed:
                what = evaluation.description or "failed"
                click.echo(
                    f"  ✗ check {evaluation.asset_key.to_user_string()} "
                    f"{evaluation.check_name}: {what}",
                    err=True,
                )
        for event in result.all_events:
            if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
                message = failure_summary(event.step_failure_data.error.message)
                click.echo(f"  ✗ step {event.step_key} failed: {message}", err=True)
    return result.success


def _hint_disk_trouble(paths: DataPaths, result: Any) -> None:
    from pipelines.space import disk_hint, disk_trouble

    for event in result.all_events:
        data = event.step_failure_data if event.is_step_failure else None
        if data and data.error and disk_trouble(data.error.message):
            click.echo(f"  ✗ {disk_hint(paths)}", err=True)
            return


@main.command()
@data_dir_option
@click.option("--full", is_flag=True, help="Rebuild the warehouse from every landing file.")
@click.option("--wait", is_flag=True, help="If a refresh is already running, start when it ends.")
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=None,
    help="Build the models on this engine (default: settings.toml's [engine] name, else duckdb).",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Stay running: refresh now, then again each time a landing file or settings.toml "
    "changes (Ctrl-C stops).",
)
@verbose_option
@friendly
def refresh(
    data_dir: Path | None,
    full: bool,
    wait: bool,
    engine: str | None,
    watch: bool,
    verbose: bool,
) -> None:
    """Load new exports and rebuild the warehouse (the same Dagster job the schedule runs).

    When nothing changed since the snapshot in use was built (landing files, settings, product
    code, engine), there is nothing to rebuild and the refresh says so; --full rebuilds anyway.
    """
    from pipelines.settings import load_settings

    paths = _paths(data_dir)
    engine = engine or load_settings(paths).engine
    check_engine_installed(engine)
    if watch:
        _watch(paths, engine, full=full, verbose=verbose)
        return
    ok = _refresh_once(paths, engine, full=full, wait=wait, verbose=verbose)
    _print_status(paths)
    if ok is False:
        _fail("the refresh failed; the previous data stays in place. See the failed step above.")


def _refresh_once(
    paths: DataPaths,
    engine: str,
    *,
    full: bool,
    wait: bool,
    verbose: bool,
    instance: Any = None,
) -> bool | None:
    """One refresh under the data directory's lock: whether it succeeded, or None when nothing
    changed since the snapshot in use was built (said, and nothing run)."""
    from pipelines.inputs import Unchanged, refresh_inputs, unchanged_since_publish
    from pipelines.lock import command_line, refresh_lock
    from pipelines.space import check_free_space

    with refresh_lock(paths, wait=wait, on_wait=_waiting, command=command_line()):
        check_free_space(paths)
        if full and paths.warehouse.exists():
            paths.warehouse.unlink()
        click.echo(f"Refreshing {paths.root}", err=True)
        if not full:
            verdict = unchanged_since_publish(paths, refresh_inputs(paths, engine))
            if isinstance(verdict, Unchanged):
                touched = (
                    f", {verdict.touched} touched with the same content" if verdict.touched else ""
                )
                click.echo(
                    f"  ✓ nothing changed since snapshot {verdict.snapshot_id} was built "
                    f"(landing: {verdict.landing_files} files{touched}, settings, product code): "
                    "it stays in use. `pmo refresh --full` rebuilds anyway.\n",
                    err=True,
                )
                return None
        return run_refresh(paths, verbose=verbose, engine=engine, instance=instance)


def _watch(paths: DataPaths, engine: str, *, full: bool, verbose: bool) -> None:
    """``pmo refresh --watch`` (see ``pipelines.watch``): the suite worker, the run history and a
    dbt process waiting for its build are kept between refreshes. A refresh that fails, or an
    input it cannot take, is reported and the watch goes on; a change to the product's code
    ends it (what runs is the code it started with)."""
    import pipelines.definitions  # noqa: F401 - once, not at the first change
    from pipelines.eventlog import batch_event_writes
    from pipelines.ingest.expectations import suite_worker
    from pipelines.inputs import code_fingerprint
    from pipelines.settings import settings_path
    from pipelines.watch import folder_signature, interrupts_seen, wait_for_change

    code = code_fingerprint()
    paths.ensure()

    def look() -> Any:
        return folder_signature(paths.landing, settings_path(paths))

    seen, rounds = look(), 0
    with suite_worker(), open_instance(paths) as instance, interrupts_seen() as interrupted:
        batch_event_writes(instance)
        while True:
            with _dbt_waiting(paths, engine):
                if rounds:
                    click.echo(
                        f"Watching {paths.landing} and {settings_path(paths).name} for changes "
                        "(Ctrl-C stops) …\n",
                        err=True,
                    )
                    try:
                        seen = wait_for_change(look, seen)
                    except KeyboardInterrupt:
                        click.echo("Stopped watching.", err=True)
                        return
                if code_fingerprint() != code:
                    _fail(
                        "the product's code changed while watching (an upgrade?): start "
                        "`pmo refresh --watch` again to refresh with it."
                    )
                started = time.perf_counter()
                try:
                    ok = _refresh_once(
                        paths,
                        engine,
                        full=full and not rounds,
                        wait=True,
                        verbose=verbose,
                        instance=instance,
                    )
                except PmoError as error:  # e.g. the disk is full: said, and watched again
                    click.echo(f"  ✗ {error}", err=True)
                    ok = False
                except Exception:
                    if not interrupted():
                        raise
                    click.echo(
                        "  ✗ interrupted: the snapshot in use stays.\nStopped watching.", err=True
                    )
                    return
            rounds += 1
            _report_watched(paths, ok, time.perf_counter() - started, first=rounds == 1)
            if interrupted():  # during the refresh (which Dagster may have let finish)
                click.echo("Stopped watching.", err=True)
                return


@contextlib.contextmanager
def _dbt_waiting(paths: DataPaths, engine: str) -> Any:
    """A dbt process imported and waiting for the next build while the watch waits (DuckDB;
    a Spark build spends minutes, not the seconds of dbt's import)."""
    if engine == SPARK:
        yield
        return
    from pipelines.environment import child_environment
    from pipelines.settings import dbt_vars, load_settings, resolve_reporting_currency
    from pipelines.transform.dbt_warm import warm_dbt
    from pipelines.transform.parse_ahead import parse_state_for

    try:
        expected = dbt_vars(resolve_reporting_currency(load_settings(paths), None))
    except PmoError:  # settings the refresh will report: nothing decoded ahead
        state = None
    else:
        state = parse_state_for(paths, expected)
    with warm_dbt(child_environment(), paths.dbt_runs.parent, state):
        yield


def _report_watched(paths: DataPaths, ok: bool | None, seconds: float, *, first: bool) -> None:
    """After a watched refresh: the status table after the first (as ``pmo refresh`` prints it),
    a line after the others."""
    if first:
        _print_status(paths)
    if ok is False:
        click.echo(
            f"  ✗ the refresh failed after {seconds:.1f} s; the previous data stays in place "
            "(see above).",
            err=True,
        )
    elif ok:
        click.echo(f"  ✓ refreshed in {seconds:.1f} s", err=True)


def _waiting(message: str) -> None:
    click.echo(f"  … {message}", err=True)


# --- demo ------------------------------------------------------------------------------------


@main.command()
@data_dir_option
@click.option("--seed", default=7, show_default=True, help="Random seed (same seed, same files).")
@click.option("--as-of", "as_of", default="2026-10-31", show_default=True, help="Last month end.")
@click.option("--projects", default=24, show_default=True)
@click.option("--people", default=120, show_default=True)
@click.option("--months", default=18, show_default=True)
@click.option("--no-refresh", is_flag=True, help="Only write the demo files.")
@verbose_option
@friendly
def demo(
    data_dir: Path | None,
    seed: int,
    as_of: str,
    projects: int,
    people: int,
    months: int,
    no_refresh: bool,
    verbose: bool,
) -> None:
    """Write the demo portfolio into <data-dir>/landing/demo and load it."""
    try:
        as_of_date = date.fromisoformat(as_of)
    except ValueError:
        _fail(f"--as-of: found '{as_of}', expected a date YYYY-MM-DD.")
    from pipelines.lock import command_line, refresh_lock

    paths = _paths(data_dir).ensure()
    with refresh_lock(paths, command=command_line()):
        portfolio = {"seed": seed, "as_of": as_of_date, "projects": projects, "people": people}
        _write_and_load_demo(paths, {**portfolio, "months": months}, no_refresh, verbose)


def _write_and_load_demo(
    paths: DataPaths, portfolio: dict[str, Any], no_refresh: bool, verbose: bool
) -> None:
    from pipelines.demo.generator import generate_demo
    from pipelines.settings import DEMO_SETTINGS, settings_path

    target = paths.landing / "demo"
    click.echo(f"Writing the demo portfolio to {target} …", err=True)
    if no_refresh:
        summary = generate_demo(target, **portfolio)
    else:
        summary = _generate_while_importing(target, portfolio)
    click.echo(f"  {len(summary.files)} files written", err=True)
    settings_file = settings_path(paths)
    if not settings_file.exists():
        # the demo's projects budget in EUR, GBP and USD: a group reports in one currency
        settings_file.write_text(DEMO_SETTINGS, encoding="utf-8")
        click.echo(f"  {settings_file} written (reporting currency EUR)", err=True)
    if no_refresh:
        return
    ok = run_refresh(paths, verbose=verbose)
    _print_status(paths)
    if not ok:
        _fail("the refresh of the demo data failed (see the step above).")
    click.echo(
        "\nNext: `pmo dashboard` serves the dashboards on http://localhost:8501,"
        " `pmo report --month 2026-10` builds the month-end pack, `pmo status` shows what"
        ' is loaded, `pmo sql "select …"` queries it, and `make dev` opens the Dagster UI.',
        err=True,
    )


def _generate_while_importing(target: Path, portfolio: dict[str, Any]) -> Any:
    """The demo files, written by a child process while this one imports what the refresh
    runs (Dagster, dagster-dbt and dbt: seconds of one core, as is writing the files), so the
    two take the machine's two cores rather than one after the other."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from pipelines.demo.generator import generate_demo

    # spawn, not fork: a forked child would inherit this process's half-done imports
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as writer:
        written = writer.submit(generate_demo, target, **portfolio)
        import pipelines.definitions  # noqa: F401  # what the refresh imports first

        return written.result()


# --- validate --------------------------------------------------------------------------------


@main.command()
@data_dir_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--show", default=20, show_default=True, help="Rejected rows listed per file.")
@friendly
def validate(data_dir: Path | None, files: tuple[Path, ...], show: int) -> None:
    """Dry run: detected format and entity, rows accepted, rows rejected with reasons.

    Exit 0 when every row is good, 1 when any row or file is rejected, 2 when a file cannot be
    read at all. Nothing is written.
    """
    from pipelines.ingest.dryrun import dry_run
    from pipelines.settings import load_settings

    paths = _paths(data_dir)
    window = load_settings(paths).date_window_years
    results = dry_run([Path(f) for f in files], paths.warehouse, window)
    worst = EXIT_OK
    for result in results:
        click.echo(result.headline())
        for line in result.detail_lines(show):
            click.echo(f"    {line}")
        worst = max(worst, result.exit_code)
    sys.exit(worst)


# --- template --------------------------------------------------------------------------------


@main.command()
@click.argument("entity")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to write (default: ./<entity>.csv).",
)
@friendly
def template(entity: str, output: Path | None) -> None:
    """Write an empty canonical CSV for ENTITY: the header and one commented example row."""
    from pipelines.ingest.contracts import ENTITIES, get_entity

    try:
        spec = get_entity(entity)
    except KeyError:
        _fail(f"unknown entity '{entity}'; expected one of: {', '.join(ENTITIES)}.")
    target = output or Path(f"{spec.name}.csv")
    if target.exists():
        _fail(f"{target} already exists; choose another --output.")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spec.column_names)
    example = [spec.example.get(name, "") for name in spec.column_names]
    example[0] = f"# {example[0]}"
    writer.writerow(example)
    target.write_text(buffer.getvalue(), encoding="utf-8")
    required = ", ".join(spec.required_columns)
    click.echo(f"Wrote {target} ({len(spec.column_names)} columns; required: {required}).")


# --- status ----------------------------------------------------------------------------------


def _print_status(paths: DataPaths) -> None:
    from pipelines.status import warehouse_status

    click.echo(warehouse_status(paths))


@main.command()
@data_dir_option
@friendly
def status(data_dir: Path | None) -> None:
    """What is loaded: per entity and file, rows, quarantined rows, last refresh, errors."""
    _print_status(_paths(data_dir))


# --- reports --------------------------------------------------------------------------------


@main.command()
@data_dir_option
@click.option("--month", default=None, help="The reporting month, YYYY-MM: the MSR/FSR pack.")
@click.option(
    "--week", default=None, help="An ISO week, YYYY-Www (e.g. 2026-W44): the weekly pack."
)
@click.option(
    "--project",
    default=None,
    help="A closed project's code: its closure report, filed under the month it closed from.",
)
@click.option(
    "--snapshot",
    "snapshot_id",
    default=None,
    help="A published snapshot id (default: the current one).",
)
@click.option("--format", "formats", default="html,pdf,xlsx", show_default=True)
@click.option(
    "--kind",
    "kinds",
    default=None,
    help="With --month: msr, fsr, closure (a closure report per project that closed in the "
    "month) or a list of them (default msr,fsr).",
)
@friendly
def report(
    data_dir: Path | None,
    month: str | None,
    week: str | None,
    project: str | None,
    snapshot_id: str | None,
    formats: str,
    kinds: str | None,
) -> None:
    """Build a pack into <data-dir>/reports/<period>/vN/ (never overwrites): the month's MSR/FSR
    (--month YYYY-MM), the closure reports of the projects that closed in it (--kind closure
    --month YYYY-MM), one closed project's closure report (--kind closure --project CODE) or an
    ISO week's weekly status report (--week YYYY-Www)."""
    from pipelines.defs.reports.on_demand import build_month_pack, build_week_pack
    from pipelines.publish.reports import generate_closure_report

    period = _report_period(month, week, kinds, project)
    pack = period if project is not None else f"{period} pack"
    paths = _paths(data_dir)
    with open_instance(paths.ensure()) as instance:
        if snapshot_id is None:
            _refuse_after_failed_refresh(instance, pack)
        click.echo(f"Building the {pack} …", err=True)
        if project is not None:
            # a project's closure report is filed under the month it closed from, which only
            # the snapshot tells: no partition of the month-end job to run it in
            result = generate_closure_report(
                paths, project, month=month, snapshot_id=snapshot_id, formats=formats
            )
        elif week is not None:
            result = build_week_pack(
                paths, instance, period, snapshot_id=snapshot_id, formats=formats
            )
        else:
            result = build_month_pack(
                paths,
                instance,
                period,
                snapshot_id=snapshot_id,
                formats=formats,
                kinds=kinds or "msr,fsr",
            )
    click.echo(
        f"{result.period} v{result.version} from snapshot {result.snapshot_id}: {result.folder}"
    )
    for file in result.files:
        click.echo(f"  {file.name}")
    for caveat in result.caveats:
        click.echo(f"  caveat: {caveat}")


def _report_period(
    month: str | None, week: str | None, kinds: str | None, project: str | None = None
) -> str:
    """The month or the ISO week asked for (a week written as 2026-w44 read as 2026-W44): one of
    the two, and --kind only with a month (the weekly pack is a kind of its own); with
    --project, a closure report (its month is the one the project closed from)."""
    from pipelines.publish.reports.source import parse_week, week_label

    if project is not None:
        if week is not None:
            raise click.UsageError(
                "--project builds a project's closure report, filed under the month it closed "
                "from: give no --week."
            )
        if kinds is not None and kinds.strip().lower() != "closure":
            raise click.UsageError(
                f"--kind {kinds} with --project: a project's pack is its closure report "
                "(--kind closure)."
            )
        return f"closure report of {project}"
    if (month is None) == (week is None):
        raise click.UsageError(
            "give either --month YYYY-MM (the MSR/FSR pack) or --week YYYY-Www (the weekly "
            f"pack), {'not both' if month else 'found neither'}; or --kind closure --project "
            "CODE for a closed project's closure report."
        )
    if week is None:
        return str(month)
    if kinds is not None and kinds.strip().lower() != "weekly":
        raise click.UsageError(
            f"--kind {kinds} applies to --month: --week always builds the weekly pack."
        )
    return week_label(parse_week(week))


def _refuse_after_failed_refresh(instance: Any, pack: str) -> None:
    """No pack from the current snapshot after a failed refresh: it would show stale numbers."""
    from pipelines.defs.reports.assets import last_refresh_failure

    failure = last_refresh_failure(instance)
    if failure:
        _fail(
            f"the latest refresh ({failure}) did not publish, so the {pack} would show "
            "stale numbers; fix and refresh, or pass --snapshot ID to pin an earlier one."
        )


@main.command()
@data_dir_option
@friendly
def reports(data_dir: Path | None) -> None:
    """List the report packs that exist (months and ISO weeks), newest first."""
    from pipelines.publish.reports import list_reports
    from pipelines.status import format_table

    found = list_reports(_paths(data_dir))
    if not found:
        click.echo(
            "No reports yet: `pmo report --month YYYY-MM` builds a month-end pack, "
            "`pmo report --week YYYY-Www` a weekly one, `pmo report --kind closure --project "
            "CODE` a closed project's closure report."
        )
        return
    rows = [
        (
            info.period,
            f"v{info.version}",
            info.snapshot_id,
            info.generated_at,
            ",".join(info.kinds),
            ",".join(info.formats),
            str(info.folder),
        )
        for info in sorted(found, key=lambda i: (i.starts, i.period, i.version), reverse=True)
    ]
    click.echo(
        format_table(
            ["period", "version", "snapshot", "generated at", "kinds", "formats", "folder"], rows
        )
    )


# --- dashboard ------------------------------------------------------------------------------


@main.command()
@data_dir_option
@click.option("--port", default=8501, show_default=True, help="Port on localhost.")
@friendly
def dashboard(data_dir: Path | None, port: int) -> None:
    """Serve the executive dashboards on the newest published snapshot."""
    from dashboards.serve import serve

    paths = _paths(data_dir)
    click.echo(f"Dashboards for {paths.root} on http://localhost:{port} (Ctrl+C to stop)", err=True)
    sys.exit(serve(paths.root, port))


# --- sql -------------------------------------------------------------------------------------


@main.command()
@data_dir_option
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option("--limit", default=1000, show_default=True, help="Rows shown in table format.")
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds before the query is stopped.",
)
@friendly
def sql(data_dir: Path | None, query: str, fmt: str, limit: int, timeout: float) -> None:
    """Run read-only SQL against the newest published data."""
    from pipelines.query import run_query

    frame = run_query(_paths(data_dir), query, timeout=timeout)
    if fmt == "csv":
        click.echo(frame.write_csv(), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(frame.to_dicts(), default=str, indent=1))
    else:
        from pipelines.status import format_table

        shown = frame.head(limit)
        click.echo(format_table(shown.columns, shown.rows()))
        if frame.height > limit:
            click.echo(f"({frame.height:,} rows, first {limit:,} shown; use --format csv for all)")


def run() -> None:
    """The ``pmo`` program: the command, then the process ends without Python's teardown of
    every module it imported (Dagster, dbt, Great Expectations: 1-2 s after the last line).

    Everything a command writes is flushed and closed before: its warehouse connections and
    Dagster instance by their own ``with`` blocks, the log handlers and the terminal here."""
    try:
        main()
        code: object = 0
    except SystemExit as done:
        code = done.code
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that went away (`| head`)
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
