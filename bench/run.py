"""`make bench`: ingestion, dbt build and publish on a generated portfolio with ≥ 2 million
timesheet rows, and at demo scale.

Prints seconds and rows per second per stage, and the ratio against the demo-scale run so a
regression in scaling (not just in speed) stands out. Not a test: nothing here asserts timings.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from pipelines.config import DataPaths, resolve_data_dir
from pipelines.demo.generator import generate_demo
from pipelines.ingest.contracts import LOAD_ORDER
from pipelines.ingest.load import load_entity, record_unrecognised, scan_landing
from pipelines.ingest.warehouse import connect
from pipelines.publish.catalog import build_catalog
from pipelines.publish.invariants import snapshot_violations
from pipelines.publish.snapshot import new_snapshot_id, publish
from pipelines.settings import (
    ReportingCurrency,
    dbt_vars,
    load_settings,
    resolve_reporting_currency,
)
from pipelines.status import format_table
from pipelines.transform.project import DBT_EXECUTABLE, DBT_PROJECT_DIR, WAREHOUSE_ENV

SCALES = {
    "demo": {"projects": 24, "people": 120, "months": 18},
    "large": {"projects": 200, "people": 3000, "months": 24},
    "10m": {"projects": 800, "people": 12000, "months": 24},
}


def reset_peak() -> None:
    """Start this process's peak-memory count again (Linux: /proc/self/clear_refs), so each stage
    reports its own peak, not the largest of the stages before it."""
    with contextlib.suppress(OSError):  # elsewhere: the peak since the process started
        Path("/proc/self/clear_refs").write_text("5")


def peak_mib(pid: int | str = "self") -> float:
    """The peak resident memory of a process since its last reset (VmHWM), in MiB; 0 when the
    process is gone or the system has no /proc."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return 0.0


def run_measured(command: list[str], env: dict[str, str]) -> tuple[int, str, float]:
    """Run a command, sampling its peak resident memory while it runs (a child's own peak: the
    rusage of children also counts the parent's pages a fork copies before exec).
    Returns (exit code, output, peak MiB)."""
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, text=True
        )
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, peak_mib(process.pid))
            time.sleep(0.05)
        out.seek(0)
        return process.returncode, out.read(), peak


def raw_readers(con, scanned) -> dict[str, tuple[float, int]]:
    """What the libraries underneath do on the same timesheet files, as the yardstick: DuckDB
    `read_csv` over the file list into a table, and polars reading every file (text columns,
    no checks: the floor under any loader)."""
    paths = [
        str(item.path)
        for item in scanned
        if item.adapter and "timesheets" in item.adapter.entities and item.path.suffix == ".csv"
    ]
    if not paths:
        return {}
    start = time.perf_counter()
    con.execute(
        "create or replace temp table _bench_read as select * from read_csv(?,"
        " union_by_name = true, all_varchar = true, filename = true)",
        [paths],
    )
    rows = con.execute("select count(*) from _bench_read").fetchone()[0]
    con.execute("drop table _bench_read")
    duckdb_seconds = time.perf_counter() - start
    start = time.perf_counter()
    polars_rows = sum(pl.read_csv(path, infer_schema=False).height for path in paths)
    polars_seconds = time.perf_counter() - start
    return {
        f"raw DuckDB read_csv, timesheet files ({len(paths)})": (duckdb_seconds, int(rows)),
        f"raw polars read_csv, timesheet files ({len(paths)})": (polars_seconds, polars_rows),
    }


def run_scale(
    root: Path, name: str, params: dict[str, int], spark_cores: tuple[int, ...] = ()
) -> dict[str, tuple[float, int]]:
    """stage -> (seconds, rows); ``spark_cores``: also build on Spark in local mode with each of
    these core counts."""
    paths = resolve_data_dir(root / name)
    if paths.root.exists():
        shutil.rmtree(paths.root)
    paths.ensure()
    stages: dict[str, tuple[float, int]] = {}
    start = time.perf_counter()
    generate_demo(paths.landing / "demo", seed=7, as_of=date(2026, 10, 31), **params)
    files = [p for p in paths.landing.rglob("*") if p.is_file()]
    stages["generate"] = (time.perf_counter() - start, len(files))
    peaks: dict[str, float] = {"generate (not the product)": peak_mib()}
    reset_peak()

    timesheet_rows, currency = ingest_stages(paths, stages, peaks)

    target = paths.root / "dbt_target"
    # parsed once, as an install is (`make manifest`), then built from that parse as a refresh is
    for command, label in (
        ("parse", "dbt parse from scratch (once per install)"),
        ("build", "dbt build (models + tests, as a refresh runs it)"),
    ):
        start = time.perf_counter()
        returncode, output, peaks[f"dbt {command}"] = dbt_command(command, paths, currency, target)
        if returncode != 0:
            print(f"dbt {command} failed:\n{output[-3000:]}", flush=True)
            stages[f"dbt {command} FAILED"] = (time.perf_counter() - start, 0)
            return stages
        stages[label] = (time.perf_counter() - start, timesheet_rows)
    print_slowest_nodes("DuckDB", target)
    for cores in spark_cores:
        spark_stages(paths, currency, cores, timesheet_rows, stages, peaks)
    if len(spark_cores) > 1:
        print_unspread_nodes(paths.root, min(spark_cores), max(spark_cores))
    publish_stages(paths, target, timesheet_rows, stages, peaks)
    print(
        "peak memory by stage: "
        + ", ".join(f"{stage} {mib:,.0f} MiB" for stage, mib in peaks.items()),
        flush=True,
    )
    return stages


def ingest_stages(
    paths: DataPaths, stages: dict[str, tuple[float, int]], peaks: dict[str, float]
) -> tuple[int, ReportingCurrency]:
    """Scan and load the landing folder entity by entity, the libraries' raw read of the same
    timesheet files, and a reload with nothing changed, into ``stages`` and ``peaks``.
    Returns (timesheet rows read, the reporting currency)."""
    con = connect(paths.warehouse)
    start = time.perf_counter()
    scanned = scan_landing(con, paths.landing)
    record_unrecognised(con, scanned)
    stages["scan (sha256 + detect)"] = (time.perf_counter() - start, len(scanned))
    per_entity: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    cache: dict = {}
    for entity in LOAD_ORDER:
        start = time.perf_counter()
        outcomes = load_entity(con, scanned, entity, cache=cache)
        per_entity[entity][0] += time.perf_counter() - start
        per_entity[entity][1] += sum(o.rows_read for o in outcomes)
    for entity, (seconds, rows) in per_entity.items():
        if rows:
            stages[f"load {entity}"] = (seconds, int(rows))
    peaks["scan and load"] = peak_mib()
    stages.update(raw_readers(con, scanned))
    total_rows = sum(int(rows) for _, rows in per_entity.values())
    total_seconds = sum(seconds for seconds, _ in per_entity.values())
    stages["load (all entities)"] = (total_seconds, total_rows)
    start = time.perf_counter()
    rescanned = scan_landing(con, paths.landing)
    again = sum(len(load_entity(con, rescanned, entity)) for entity in LOAD_ORDER)
    stages[f"no-op reload ({again} files reloaded)"] = (
        time.perf_counter() - start,
        len(rescanned),
    )
    currency = resolve_reporting_currency(load_settings(paths), con)
    con.close()
    return int(per_entity["timesheets"][1]), currency


def dbt_command(
    command: str,
    paths: DataPaths,
    currency: ReportingCurrency,
    target: Path,
    target_name: str = "duckdb",
    env: dict[str, str] | None = None,
) -> tuple[int, str, float]:
    """`dbt parse` or `dbt build` on the warehouse as the refresh runs it (a thread a core, the
    SQL's unit tests left to `make test`, the log file at info, beside the target):
    (exit code, output, peak MiB)."""
    build_args = [
        "--threads",
        str(max(1, os.cpu_count() or 1)),
        "--exclude-resource-type",
        "unit_test",
    ]
    return run_measured(
        [
            str(DBT_EXECUTABLE),
            command,
            "--quiet",
            "--log-level-file",
            "info",
            *(build_args if command == "build" else []),
            "--vars",
            json.dumps(dbt_vars(currency)),
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--target",
            target_name,
            "--log-path",
            str(target / "logs"),
        ],
        env={**os.environ, WAREHOUSE_ENV: str(paths.warehouse), **(env or {})},
    )


def spark_stages(
    paths: DataPaths,
    currency: ReportingCurrency,
    cores: int,
    timesheet_rows: int,
    stages: dict[str, tuple[float, int]],
    peaks: dict[str, float],
) -> None:
    """The same build on Spark in local mode with ``cores`` cores, as a refresh on the spark
    engine runs it: the raw layer written as Parquet, dbt's build (parse included: the install's
    parse is DuckDB's), then the built models copied into a copy of the warehouse file."""
    from pipelines.ingest.lake import write_raw_parquet
    from pipelines.transform.engines import SPARK, spark_variables
    from pipelines.transform.spark_models import built_relations, copy_spark_models

    spark_dir = paths.root / f"spark-{cores}"
    shutil.rmtree(spark_dir, ignore_errors=True)
    con = connect(paths.warehouse)
    start = time.perf_counter()
    write_raw_parquet(con, paths.raw_parquet)
    con.close()
    stages["spark: raw layer written as Parquet"] = (time.perf_counter() - start, timesheet_rows)
    target = paths.root / f"dbt_target_spark_{cores}"
    start = time.perf_counter()
    returncode, output, peaks[f"spark build local[{cores}]"] = dbt_command(
        "build",
        paths,
        currency,
        target,
        target_name=SPARK,
        env=spark_variables(spark_dir, paths.raw_parquet, f"local[{cores}]"),
    )
    label = f"spark: dbt build, local[{cores}] (parse included)"
    if returncode != 0:
        print(f"spark build failed:\n{output[-3000:]}", flush=True)
        stages[f"{label} FAILED"] = (time.perf_counter() - start, 0)
        return
    stages[label] = (time.perf_counter() - start, timesheet_rows)
    print_slowest_nodes(f"Spark local[{cores}]", target)
    copy = paths.root / "spark-copy.duckdb"
    shutil.copyfile(paths.warehouse, copy)
    con = connect(copy)
    start = time.perf_counter()
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    copied = copy_spark_models(con, spark_dir, built_relations(results))
    con.close()
    stages[f"spark: {copied} built models copied into the warehouse file"] = (
        time.perf_counter() - start,
        timesheet_rows,
    )
    copy.unlink()


def print_slowest_nodes(engine: str, target: Path, count: int = 8) -> None:
    """The build's slowest models and tests (dbt's run results), where an engine's time goes."""
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    nodes = sorted(
        (r for r in results if not r["unique_id"].startswith("operation.")),
        key=lambda r: r["execution_time"],
        reverse=True,
    )
    total = sum(r["execution_time"] for r in nodes)
    print(
        f"{engine}: {len(nodes)} nodes, {total:,.0f} s of node time; slowest: "
        + ", ".join(
            f"{r['unique_id'].split('.')[2]} {r['execution_time']:.1f} s" for r in nodes[:count]
        ),
        flush=True,
    )


def print_unspread_nodes(
    root: Path, few: int, many: int, floor: float = 5.0, count: int = 10
) -> None:
    """The Spark models and tests that took as long with ``many`` cores as with ``few``: the
    work that does not spread over the executors (one partition, the driver), which a cluster's
    cores would not shorten either; where a scale-out starts looking."""
    times = {}
    for cores in (few, many):
        target = root / f"dbt_target_spark_{cores}" / "run_results.json"
        results = json.loads(target.read_text(encoding="utf-8"))["results"]
        times[cores] = {r["unique_id"].split(".")[2]: r["execution_time"] for r in results}
    unspread = sorted(
        (
            (name, seconds, times[many][name])
            for name, seconds in times[few].items()
            if seconds >= floor and times[many].get(name, 0) >= 0.8 * seconds
        ),
        key=lambda item: -item[1],
    )[:count]
    # a local Spark runs one job's tasks before the next one's: a node much slower with more
    # cores waited for another model's tasks (its own time is the smaller figure)
    print(
        f"Spark: not faster on local[{many}] than on local[{few}] (over {floor:.0f} s): "
        + (
            ", ".join(
                f"{name} {a:.1f} → {b:.1f} s{' (waited)' if b > 2 * a else ''}"
                for name, a, b in unspread
            )
            or "none"
        ),
        flush=True,
    )


def publish_stages(
    paths: DataPaths,
    target: Path,
    timesheet_rows: int,
    stages: dict[str, tuple[float, int]],
    peaks: dict[str, float],
) -> None:
    """Publish a snapshot from the built warehouse (checking its trust invariants) and render
    the dashboard pages, warm and cold, into ``stages`` and ``peaks``."""
    reset_peak()
    start = time.perf_counter()
    con = connect(paths.warehouse)
    catalog = build_catalog(target / "manifest.json", con, repo=Path.cwd(), run_id="bench")
    con.close()
    snapshot = publish(paths, catalog, snapshot_id=new_snapshot_id("bench"))
    broken = snapshot_violations(snapshot.database)
    print(
        "trust invariants: "
        + ("all hold" if not broken else "; ".join(f"{k}: {len(v)}" for k, v in broken.items())),
        flush=True,
    )
    size = snapshot.database.stat().st_size
    stages[f"publish ({size / 1024**2:,.0f} MiB snapshot)"] = (
        time.perf_counter() - start,
        timesheet_rows,
    )
    from dashboards.bench import bench_pages

    for page, seconds in bench_pages(paths.root, loads=5).items():
        stages[f"page {page} (median of 5 renders)"] = (seconds, 0)
    # the first visitor after a refresh: every cache empty
    for page, seconds in bench_pages(paths.root, loads=3, cold=True).items():
        stages[f"page {page} cold (median of 3, caches cleared)"] = (seconds, 0)
    peaks["publish and pages"] = peak_mib()


def refresh_timings(root: Path) -> dict[str, tuple[float, int]]:
    """What a user waits for at the command line, through the Dagster job: `pmo demo` from an
    empty folder to a published snapshot, then `pmo refresh` with nothing changed, with a file
    only touched, with one status-notes export changed and with one timesheet export changed.
    stage -> (seconds, landing files changed)."""
    data = root / "cli"
    if data.exists():
        shutil.rmtree(data)
    stages: dict[str, tuple[float, int]] = {}

    def timed(label: str, command: str, changed: int) -> None:
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", command, "--data-dir", str(data)],
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        if result.returncode != 0:
            print(f"{label} failed:\n{result.stderr[-3000:]}", flush=True)
            label += " FAILED"
        stages[label] = (seconds, changed)

    timed("pmo demo (write the files, load, build, publish)", "demo", 0)
    timed("pmo refresh, nothing changed", "refresh", 0)
    landing = data / "landing" / "demo"
    notes = sorted((landing / "status").glob("*.csv"))[-1]
    os.utime(notes)
    timed("pmo refresh, a file touched (same content)", "refresh", 1)
    notes.write_text(notes.read_text(encoding="utf-8").replace("amber", "red", 1), "utf-8")
    timed("pmo refresh, one status-notes export changed", "refresh", 1)
    timesheets = sorted((landing / "timesheets" / "tempo").glob("*.csv"))[-1]
    lines = timesheets.read_text(encoding="utf-8").splitlines(keepends=True)
    timesheets.write_text("".join(lines[:-1]), encoding="utf-8")  # one worklog taken back
    timed("pmo refresh, one timesheet export changed", "refresh", 1)
    stages.update(watched_timings(data, timesheets))
    return stages


PMO_COMMAND = (sys.executable, "-m", "pipelines.cli")


def watched_timings(data: Path, timesheets: Path) -> dict[str, tuple[float, int]]:
    """`pmo refresh --watch` on the same data directory: from the write of a changed timesheet
    export (one more worklog taken back) to the watch's line that the refresh is done, the
    half-second look and the second it lets the folder settle included."""
    label = "pmo refresh --watch, one timesheet export changed (write to done)"
    watching, done = "for changes (Ctrl-C stops)", "✓ refreshed in"
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "watch.log"
        with log.open("w") as handle:
            watcher = subprocess.Popen(
                [*PMO_COMMAND, "refresh", "--watch", "--data-dir", str(data)],
                stdout=subprocess.DEVNULL,
                stderr=handle,
            )
        try:
            if not _until(lambda: log.read_text().count(watching) >= 1, watcher):
                return {f"{label} FAILED": (0.0, 1)}
            time.sleep(2)  # the dbt process kept for the next build has imported dbt
            lines = timesheets.read_text(encoding="utf-8").splitlines(keepends=True)
            before = log.read_text().count(done)
            start = time.perf_counter()
            timesheets.write_text("".join(lines[:-1]), encoding="utf-8")
            if not _until(lambda: log.read_text().count(done) > before, watcher):
                print(f"{label} failed:\n{log.read_text()[-3000:]}", flush=True)
                return {f"{label} FAILED": (time.perf_counter() - start, 1)}
            return {label: (time.perf_counter() - start, 1)}
        finally:
            watcher.send_signal(signal.SIGINT)  # Ctrl-C
            watcher.wait(timeout=60)


def _until(condition: Callable[[], bool], process: subprocess.Popen, timeout: float = 600) -> bool:
    """Poll ``condition`` until it holds (True), ``process`` ends or ``timeout`` s pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default="bench/out")
    parser.add_argument("--scales", default="demo,large")
    parser.add_argument(
        "--spark-cores",
        default="",
        help="Also build on Spark in local mode with these core counts, e.g. 1,2 (the spark "
        "extra: make env-spark).",
    )
    args = parser.parse_args()
    spark_cores = tuple(int(n) for n in args.spark_cores.split(",") if n)
    root = Path(args.data_dir)
    results = {}
    for name in args.scales.split(","):
        print(f"== {name}: {SCALES[name]}", flush=True)
        results[name] = run_scale(root, name, SCALES[name], spark_cores)
        rows = [
            (
                stage,
                round(seconds, 2),
                count or None,  # page renders count no rows
                round(count / seconds) if seconds and count else None,
            )
            for stage, (seconds, count) in results[name].items()
        ]
        print(format_table(["stage", "seconds", "rows/files", "per second"], rows), flush=True)
    if "demo" in results:
        print("== the command line at demo scale", flush=True)
        timings = refresh_timings(root)
        rows = [
            (stage, round(seconds, 2), count or None) for stage, (seconds, count) in timings.items()
        ]
        print(format_table(["stage", "seconds", "files changed"], rows), flush=True)
    print("== the critical-path pass (forward and backward, one network)", flush=True)
    print(format_table(["stage", "seconds", "links"], critical_path_timings()), flush=True)
    for name, stages in results.items():
        print(f"\n{name}: {ratios(stages)}")
        print(f"{name}: {engine_ratios(stages)}")
    scaled = [name for name in SCALES if name in results and "load timesheets" in results[name]]
    if len(scaled) > 1:
        print("\nscaling, against the smallest scale run (≤ 1 means linear or better):")
        base = results[scaled[0]]["load timesheets"]
        for name in scaled[1:]:
            seconds, rows = results[name]["load timesheets"]
            rows_ratio, time_ratio = rows / base[1], seconds / base[0]
            print(
                f"  {name}: timesheets {rows_ratio:.1f}× the rows took {time_ratio:.1f}× the time"
                f" (factor {time_ratio / rows_ratio:.2f})"
            )


def critical_path_timings(sizes: tuple[int, ...] = (500, 5000, 20000)) -> list[tuple]:
    """The critical-path pass (the dbt Python model's ``schedule``) on generated schedules:
    chains of 100 tasks, each task linked to the one before it (every link type, lags -1..3)
    and, one time in three, to a task of the chain beside it; the median of three runs."""
    import importlib.util
    import random
    import statistics

    spec = importlib.util.spec_from_file_location(
        "critical_path", DBT_PROJECT_DIR / "models/marts/delivery/fct_schedule_network_monthly.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = []
    for size in sizes:
        rng = random.Random(size)
        chains = max(1, size // 100)
        keys = [(c, i) for c in range(chains) for i in range(size // chains)]
        start, month = date(2026, 1, 5), date(2026, 1, 1)
        tasks = pl.DataFrame(
            {
                "network_month": [month] * len(keys),
                "is_snapshot_month": [True] * len(keys),
                "project_code": ["BIG"] * len(keys),
                "task_key": [f"T{c}-{i}" for c, i in keys],
                "task_name": [f"Task {c}-{i}" for c, i in keys],
                "snapshot_date": [date(2026, 1, 2)] * len(keys),
                "is_milestone": [False] * len(keys),
                "status_category": ["todo"] * len(keys),
                "percent_complete": [0.0] * len(keys),
                "forecast_start": [start] * len(keys),
                "forecast_finish": [start + timedelta(days=rng.randint(0, 6)) for _ in keys],
                "actual_start": pl.Series([None] * len(keys), dtype=pl.Date),
                "actual_finish": pl.Series([None] * len(keys), dtype=pl.Date),
            }
        )
        links = [
            (f"T{c}-{i}", f"T{c}-{i - 1}", rng.choice(["FS", "SS", "FF", "SF"]), rng.randint(-1, 3))
            for c, i in keys
            if i
        ] + [
            (f"T{c}-{i}", f"T{c - 1}-{min(size // chains - 1, i + rng.randint(0, 3))}", "FS", 0)
            for c, i in keys
            if c and rng.random() < 1 / 3
        ]
        frame = pl.DataFrame(
            {
                "network_month": [month] * len(links),
                "project_code": ["BIG"] * len(links),
                "task_key": [link[0] for link in links],
                "predecessor_project_code": ["BIG"] * len(links),
                "predecessor_key": [link[1] for link in links],
                "link_type": [link[2] for link in links],
                "lag_days": [float(link[3]) for link in links],
            }
        )
        runs = []
        for _ in range(3):
            begin = time.perf_counter()
            module.schedule(tasks, frame, 10)
            runs.append(time.perf_counter() - begin)
        rows.append(
            (f"critical path, {len(keys):,} tasks", round(statistics.median(runs), 3), len(links))
        )
    return rows


def engine_ratios(stages: dict[str, tuple[float, int]]) -> str:
    """Spark's build against DuckDB's on the same warehouse, in the same run."""
    duck = stages.get("dbt build (models + tests, as a refresh runs it)")
    spark = {
        stage.split(", ")[1].split(" ")[0]: seconds
        for stage, (seconds, _) in stages.items()
        if stage.startswith("spark: dbt build, ")
    }
    if not duck or not spark:
        return "built on DuckDB only"
    return "; ".join(
        f"Spark {master} took {seconds / duck[0]:.1f}× DuckDB's build ({seconds:,.0f} s against "
        f"{duck[0]:,.0f} s)"
        for master, seconds in spark.items()
    )


def ratios(stages: dict[str, tuple[float, int]]) -> str:
    """The load of timesheets against the raw readers on the same files, in the same run."""
    load = stages.get("load timesheets")
    raw = {
        reader: value
        for reader in ("DuckDB", "polars")
        for stage, value in stages.items()
        if stage.startswith(f"raw {reader} ")
    }
    if not load or not raw:
        return "no timesheet files"
    parts = [f"timesheets loaded at {load[1] / load[0]:,.0f} rows/s"]
    for reader, (seconds, _) in raw.items():
        parts.append(f"{load[0] / seconds:.1f}× the time of {reader} read_csv")
    return "; ".join(parts)


if __name__ == "__main__":
    main()
