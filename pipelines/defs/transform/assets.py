"""dbt models as Dagster assets downstream of the ingestion assets; dbt tests are asset checks."""

import json
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)
from packaging.version import Version

from pipelines.config import DataPaths
from pipelines.defs.resources import RefreshLockResource, WarehouseResource, progress
from pipelines.environment import set_for_child
from pipelines.ingest.lake import raw_schema_marks, write_raw_parquet
from pipelines.inputs import (
    REPORTING_PERIOD_MODEL,
    note_build_started,
    nothing_new_loaded,
    raw_tables_changed,
    reporting_period_unchanged,
)
from pipelines.progress import reporter
from pipelines.settings import (
    ReportingCurrency,
    dbt_vars,
    load_settings,
    resolve_reporting_currency,
)
from pipelines.status import fx_rate_gap_lines
from pipelines.transform.check_failures import grain_failures
from pipelines.transform.engines import (
    SPARK,
    Lake,
    check_engine_installed,
    metastore_for,
    spark_variables,
)
from pipelines.transform.parse_ahead import (
    PARSE_FOLDER_SUFFIX,
    PARSE_STATE,
    parse_state_for,
    wait_for_parse,
)
from pipelines.transform.project import (
    DBT_EXECUTABLE,
    WAREHOUSE_ENV,
    dbt_project,
    ensure_manifest,
    read_manifest,
)
from pipelines.transform.spark_models import built_relations, copy_spark_models, duckdb_views

# Projects carrying a fact a warn-severity dbt test reports (rpt_data_quality_by_project counts
# them on the project they concern), to name them in the refresh summary.
WARNED_PROJECTS_SQL = """
    select project_code, data_quality_issues
    from main.rpt_data_quality_by_project
    where earned_value_over_budget_month_count > 0
       or duplicated_budget_line_count > 0
       or duplicated_status_note_month_count > 0
       or inverted_sprint_count > 0
    order by project_code
"""


DBT_RUNS_KEPT = 5


def dbt_run_dir(
    paths: DataPaths, run_id: str, build_vars: dict[str, str], engine: str = "duckdb"
) -> Path:
    """A fresh folder under the data directory for this build's dbt artefacts and log.

    The source tree is never written to (the product runs from a read-only install), and only
    the newest DBT_RUNS_KEPT run folders are kept, so a daily schedule does not fill the disk.

    A parse state (``partial_parse.msgpack``) starts the folder: the install's when the build's
    vars are those it was made with, else the newest earlier build's. dbt then re-parses only
    the files changed since, not the whole project on every refresh (it re-parses everything by
    itself when the vars or the dbt version differ). A parse started ahead of this build
    (``parse_ahead``) is waited for, is then the newest, and its folder goes once its state is
    copied. A build on Spark starts from the newest earlier Spark build's state (its folder's
    name ends in ``-spark``): the install's parse is DuckDB's, which dbt would not reuse there.
    """
    wait_for_parse()
    runs = paths.dbt_runs
    runs.mkdir(parents=True, exist_ok=True)
    older = sorted(
        (folder for folder in runs.iterdir() if folder.is_dir()),
        key=lambda folder: folder.stat().st_mtime,
    )
    for folder in older[: max(0, len(older) - (DBT_RUNS_KEPT - 1))]:
        shutil.rmtree(folder, ignore_errors=True)
    suffix = f"-{SPARK}" if engine == SPARK else ""
    parsed = parse_state_for(paths, build_vars, engine)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    folder = runs / f"{stamp}-{run_id[:8]}{suffix}"
    folder.mkdir()
    if parsed is not None:
        shutil.copyfile(parsed, folder / PARSE_STATE)
    # a parse made ahead has served (or failed): only builds are kept
    for ahead in runs.glob(f"*{PARSE_FOLDER_SUFFIX}"):
        shutil.rmtree(ahead, ignore_errors=True)
    return folder


@dataclass(frozen=True)
class BuildPlan:
    """What one refresh's dbt build takes: every node, or only those downstream of the raw
    tables that changed since the snapshot in use was built (the others would give the same
    rows again). Models left out are reported to Dagster as unchanged, so the publish runs."""

    context: dg.AssetExecutionContext
    node_count: int
    changed: frozenset[str] = frozenset()
    left_out: tuple[tuple[str, dg.AssetKey], ...] = ()
    """(dbt name, asset key) of each model and seed not rebuilt."""
    settled: frozenset[str] = frozenset()
    """Models downstream of a change whose rows are known to be those they gave for the
    snapshot in use (the reporting period): left out, with what reads the change only
    through them."""
    late: frozenset[dg.AssetKey] = frozenset()
    """Models left out that read a rebuilt one (a settled model, what reads it): reported once
    what they read is, as Dagster takes a multi-asset's outputs upstream first."""
    parents: Mapping[dg.AssetKey, tuple[dg.AssetKey, ...]] = field(default_factory=dict)
    """The models and seeds each model reads, by asset key."""

    @classmethod
    def of(
        cls,
        manifest_path: Path,
        changed: frozenset[str] | None,
        context: dg.AssetExecutionContext,
        relations: frozenset[str] = frozenset(),
        settled: frozenset[str] = frozenset(),
    ) -> "BuildPlan":
        """``relations``: the tables and views the warehouse holds now. A model can only be left
        out when it is there (``pmo refresh --full`` or a deleted warehouse file start from
        none, whatever the raw tables say). ``settled``: models (by name) that give the rows
        they gave for the snapshot in use, whatever changed upstream."""
        everything = len(context.selected_asset_keys) + len(context.selected_asset_check_keys)
        if not changed or set(context.selected_asset_keys) != set(context.assets_def.keys):
            return cls(context, everything)  # a subset picked in Dagster is built as picked
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        project = manifest["metadata"].get("project_name", "pmo_pulse")
        reached = {f"source.{project}.raw.{name}" for name in changed}
        stops = {f"model.{project}.{name}" for name in settled}
        frontier, used = list(reached), set()
        while frontier:
            for child in manifest["child_map"].get(frontier.pop(), []):
                if child in stops:  # gives the rows it gave: left out, and what reads the
                    used.add(child.rsplit(".", 1)[-1])  # change only through it is not reached
                    continue
                if child not in reached:
                    reached.add(child)
                    frontier.append(child)
        nodes = manifest["nodes"]
        translator = PmoDbtTranslator()
        keys = {
            unique_id: translator.get_asset_key(node)
            for unique_id, node in nodes.items()
            if node["resource_type"] in ("model", "seed")
        }
        kept = {
            unique_id
            for unique_id, node in nodes.items()
            if node["resource_type"] in ("model", "seed") and unique_id not in reached
        }
        if any(
            (nodes[unique_id].get("alias") or nodes[unique_id]["name"]) not in relations
            for unique_id in kept
        ):
            return cls(context, everything)
        order = _upstream_first(kept, manifest["parent_map"])
        left_out = tuple((nodes[unique_id]["name"], keys[unique_id]) for unique_id in order)
        built = sum(
            1
            for unique_id in reached
            if unique_id in nodes and nodes[unique_id]["resource_type"] in ("model", "seed", "test")
        )
        late, parents = _late_and_parents(order, reached, manifest["parent_map"], keys)
        return cls(context, built, frozenset(changed), left_out, frozenset(used), late, parents)

    def describe(self) -> str:
        if not self.left_out:
            return "models and data tests"
        rebuilt = len(self.context.selected_asset_keys) - len(self.left_out)
        same = "; the reporting period is unchanged" if self.settled else ""
        return (
            f"the {rebuilt} model(s) downstream of {', '.join(sorted(self.changed))} (changed "
            f"since the snapshot in use{same}), {len(self.left_out)} unchanged"
        )

    def exclude_args(self) -> list[str]:
        if not self.left_out:
            return []
        # A test runs when it reads any rebuilt model (a relationship to an unchanged one too):
        # "cautious" leaves out only the tests all of whose parents are left out, where dbt's
        # default (eager) would drop every test that reads one. Naming the tests instead costs
        # dbt a pass over the graph per name (~2 s for the demo's 350).
        names = [name for name, _ in self.left_out]
        return ["--indirect-selection", "cautious", "--exclude", " ".join(names)]

    def with_unbuilt(self, events: Iterable[Any], each: Callable[[], None]) -> Iterator[Any]:
        """The build's ``events`` (``each`` called after each) with one output per model left
        out, upstream first: those that read nothing rebuilt before any event, each of the
        others just before the first event of a model that reads it (or at the end): by then
        dbt has built what it reads."""
        for _, key in self.left_out:
            if key not in self.late:
                yield self._unbuilt(key)
        pending = {key: None for _, key in self.left_out if key in self.late}
        outputs = self.context.assets_def.keys_by_output_name
        for event in events:
            key = getattr(event, "asset_key", None) if pending else None
            if pending and key is None and isinstance(event, dg.Output):
                key = outputs.get(event.output_name)
            if key is not None:
                needed = self._ancestors(key) & pending.keys()
                for ready in [k for k in pending if k in needed]:
                    del pending[ready]
                    yield self._unbuilt(ready)
            yield event
            each()
        for key in pending:
            yield self._unbuilt(key)

    def _ancestors(self, key: dg.AssetKey) -> set[dg.AssetKey]:
        """``key`` and every model or seed it reads, directly or not."""
        found, frontier = {key}, [key]
        while frontier:
            for parent in self.parents.get(frontier.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    frontier.append(parent)
        return found

    def _unbuilt(self, key: dg.AssetKey) -> dg.Output:
        return dg.Output(
            None,
            output_name=self.context.assets_def.get_output_name_for_asset_key(key),
            metadata={"rebuilt": False, "changed_inputs": ", ".join(sorted(self.changed))},
        )


def _late_and_parents(
    order: list[str],
    reached: set[str],
    parent_map: Mapping[str, list[str]],
    keys: Mapping[str, dg.AssetKey],
) -> tuple[frozenset[dg.AssetKey], dict[dg.AssetKey, tuple[dg.AssetKey, ...]]]:
    """Of the models left out (``order``, upstream first), those that read a rebuilt or changed
    node, directly or through others left out; and each model's and seed's parents, by key
    (``keys``: every model's and seed's asset key)."""
    late: set[str] = set()
    for unique_id in order:
        if any(parent in reached or parent in late for parent in parent_map[unique_id]):
            late.add(unique_id)
    parents = {
        key: tuple(keys[parent] for parent in parent_map.get(unique_id, []) if parent in keys)
        for unique_id, key in keys.items()
    }
    return frozenset(keys[unique_id] for unique_id in late), parents


def _upstream_first(kept: set[str], parent_map: Mapping[str, list[str]]) -> list[str]:
    """``kept`` in an order where every node comes after its parents (as Dagster wants)."""
    ordered: list[str] = []
    placed: set[str] = set()
    waiting = sorted(kept)
    while waiting:
        ready = [n for n in waiting if all(p in placed or p not in kept for p in parent_map[n])]
        if not ready:
            raise ValueError("the dbt graph has a cycle")
        ordered += ready
        placed.update(ready)
        waiting = [n for n in waiting if n not in placed]
    return ordered


class PmoDbtTranslator(DagsterDbtTranslator):
    """Asset groups follow the dbt groups (one per folder); keys mirror the warehouse."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        group = dbt_resource_props.get("config", {}).get("group")
        return group or super().get_group_name(dbt_resource_props)


class PmoDbtCliResource(DbtCliResource):
    """dbt's command line, without the in-process dbt adapter dagster-dbt sets up before each
    invocation (it loads the profile, project and every macro again, ~1.7 s a build): that
    adapter only serves column metadata and row counts fetched from Dagster, which the
    refresh does not ask for. The dbt version is the installed dbt-core's: the executable is
    the one in this environment (``DBT_EXECUTABLE``), so asking it with ``dbt --version`` (a
    process that imports all of dbt, ~1.5 s a refresh) tells nothing new."""

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))


def dbt_resource() -> DbtCliResource:
    return PmoDbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(dbt_project.profiles_dir),
        dbt_executable=str(DBT_EXECUTABLE),
    )


@dataclass(frozen=True)
class WarehouseState:
    """What the warehouse says before a build: whether anything new was loaded, the reporting
    currency and dbt vars, and which raw tables changed."""

    unchanged: str | None
    """The snapshot the warehouse was built for, when nothing new was loaded since."""
    currency: ReportingCurrency
    build_vars: dict[str, str]
    changed: frozenset[str] | None
    relations: frozenset[str]
    settled: frozenset[str] = frozenset()
    """Models whose rows are those of the snapshot in use (see ``BuildPlan.settled``)."""


def warehouse_state(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> WarehouseState:
    settings = load_settings(warehouse.paths)
    with warehouse.connect() as con:
        unchanged = nothing_new_loaded(warehouse.paths, context.run_id, con)
        currency = resolve_reporting_currency(settings, con)
        build_vars = dbt_vars(currency)
        changed = (
            None
            if unchanged
            else raw_tables_changed(warehouse.paths, context.run_id, con, build_vars)
        )
        relations = (
            frozenset(
                name
                for (name,) in con.execute(
                    "select table_name from information_schema.tables"
                    " where table_catalog = current_database() and table_schema = 'main'"
                ).fetchall()
            )
            if changed
            else frozenset()  # nothing to leave out: every model is built
        )
        settled = (
            frozenset({REPORTING_PERIOD_MODEL})
            if changed and reporting_period_unchanged(warehouse.paths, con)
            else frozenset()
        )
    return WarehouseState(unchanged, currency, build_vars, changed, relations, settled)


def dbt_build(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    state: WarehouseState,
) -> Iterator[Any]:
    """The dbt build of the models the plan names, its events streamed to Dagster."""
    currency, build_vars = state.currency, state.build_vars
    progress(f"  • reporting currency: {currency.describe()}")
    if currency.warning:
        context.log.warning(f"reporting currency {currency.code}: {currency.warning}")
    # a Spark metastore new to the lake knows none of the models a plan would leave out
    fresh_spark = BuildEngine.fresh_metastore(warehouse)
    changed = None if fresh_spark else state.changed
    plan = BuildPlan.of(ensure_manifest(), changed, context, state.relations, state.settled)
    note_build_started(warehouse.paths, context.run_id, build_vars)
    progress(f"  … dbt build: {plan.describe()}")
    # Unit tests check the product's SQL on fixed fixtures (`make test` runs them), not the
    # user's data; they need the tested model's current columns in the warehouse, so after an
    # upgrade that adds a column they would fail every refresh of an existing warehouse.
    # The run folder's dbt.log keeps one line per node (info): at debug level it also logs
    # every statement (~14 MB a demo build, ~2 s of the build's one Python core); the SQL
    # each node ran is in the folder's run/ and compiled/ anyway.
    engine = BuildEngine.of(warehouse, plan.changed if plan.left_out else None)
    # dagster-dbt starts dbt with this process's environment: profiles.yml reads the warehouse
    # file (and on Spark its folders and master) from it
    with set_for_child(**{WAREHOUSE_ENV: str(warehouse.paths.warehouse)}, **engine.variables):
        invocation = dbt.cli(
            [
                "build",
                *engine.target_args,
                "--log-level-file",
                "info",
                "--exclude-resource-type",
                "unit_test",
                "--threads",
                str(max(1, os.cpu_count() or 1)),
                "--vars",
                json.dumps(build_vars),
                *plan.exclude_args(),
            ],
            context=context,
            target_path=dbt_run_dir(warehouse.paths, context.run_id, build_vars, engine.name),
        )
    reporter().dbt_started(plan.node_count)
    try:
        yield from plan.with_unbuilt(invocation.stream(), reporter().dbt_node_done)
    except Exception:
        try:
            explain_failed_checks(context, warehouse, engine, invocation)
        except Exception as error:  # the build's own failure is the one to report
            context.log.warning(f"the failed checks could not be explained: {error}")
        raise
    reporter().dbt_done()
    run_results = invocation.get_artifact("run_results.json")
    engine.copy_built(warehouse, run_results)
    report_build(context, warehouse, run_results)


@dataclass(frozen=True)
class BuildEngine:
    """Where the dbt build runs: the warehouse file (DuckDB), or Spark (see
    ``pipelines/transform/engines.py``): then the raw layer is written as Parquet first and the
    models Spark built are copied into the warehouse file after."""

    name: str
    variables: Mapping[str, str]
    target_args: tuple[str, ...] = ()
    lake: Lake | None = None
    """On Spark: where the raw Parquet is written and the models Spark built are read from."""

    @staticmethod
    def fresh_metastore(warehouse: WarehouseResource) -> bool:
        """On Spark: whether its metastore is new to the lake in the settings (then every model
        is built); see ``metastore_for``."""
        if warehouse.engine_name != SPARK:
            return False
        return metastore_for(warehouse.paths.spark, load_settings(warehouse.paths).lake)

    @classmethod
    def of(cls, warehouse: WarehouseResource, changed: frozenset[str] | None) -> "BuildEngine":
        """``changed``: the raw tables that changed when the build takes only their dependents
        (the others' Parquet is the one the models left out were built from); None: all."""
        name = warehouse.engine_name
        if name != SPARK:
            return cls(name, {})
        check_engine_installed(name)
        paths = warehouse.paths
        settings = load_settings(paths)
        master, lake = settings.spark_master, settings.lake
        with warehouse.connect() as con:
            written = write_raw_parquet(con, lake.raw_dir, changed)
            marks = raw_schema_marks(con, lake.raw_uri)
        progress(
            f"  • engine: Spark ({master}); {len(written)} raw table(s) written as Parquet "
            f"to {lake.raw_dir}"
        )
        variables = spark_variables(paths.spark, lake.raw_uri, master, lake.warehouse_uri, marks)
        return cls(name, variables, ("--target", SPARK), lake)

    def copy_built(self, warehouse: WarehouseResource, run_results: Mapping[str, Any]) -> None:
        if self.name != SPARK or self.lake is None:
            return
        views = duckdb_views(read_manifest())
        with warehouse.connect() as con:
            copied = copy_spark_models(
                con, self.lake.spark_dir, built_relations(run_results), views
            )
        progress(f"  ✓ {copied} models Spark built copied into the warehouse file")


def explain_failed_checks(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    engine: "BuildEngine",
    invocation: Any,
) -> None:
    """After a failed build, what each failed model check found (the value, the rule, the rows),
    one line each, before the failure itself is reported."""
    if engine.name == SPARK:  # the compiled checks are Spark SQL
        return
    try:
        run_results = invocation.get_artifact("run_results.json")
    except OSError:  # dbt stopped before it wrote its results
        return
    nodes = read_manifest()["nodes"]
    with warehouse.connect() as con:
        for line in grain_failures(con, run_results, nodes):
            progress(f"  ✗ {line}")
            context.log.error(line)


def report_build(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, run_results: dict[str, Any]
) -> None:
    """The build's outcome for whoever watches: counts by status, each warning, the projects
    with data-quality flags and the missing exchange rates."""
    # the nodes built and tested (not the project's hooks: on Spark, declaring the raw sources)
    results = [
        result
        for result in run_results.get("results", [])
        if not str(result.get("unique_id", "")).startswith("operation.")
    ]
    statuses = Counter(result.get("status") for result in results)
    progress(
        "  ✓ dbt build: "
        + ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
    )
    warned = False
    for result in results:
        if result.get("status") == "warn":
            warned = True
            name = result.get("unique_id", "").split(".")[2]
            rows = result.get("failures") or 0
            progress(f"  ⚠ check {name} warned on {rows} row(s): flagged, not blocking")
    with warehouse.connect() as con:
        if warned:
            for code, issues in con.execute(WARNED_PROJECTS_SQL).fetchall():
                progress(f"  ⚠ {code} data-quality flags: {issues}")
        for line in fx_rate_gap_lines(con):
            progress(f"  ⚠ {line.strip()}")
            context.log.warning(line.strip())


@cache
def build_dbt_assets() -> dg.AssetsDefinition:
    """The dbt models' assets, made once a process from the manifest (parsed when stale): every
    ``Definitions`` built in it (the code location's, the command line's) shares them."""

    @dbt_assets(
        manifest=ensure_manifest(),
        project=dbt_project,
        dagster_dbt_translator=PmoDbtTranslator(
            settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
        ),
    )
    def pmo_dbt_models(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
        refresh_lock: RefreshLockResource,
    ) -> Iterator[Any]:
        state = warehouse_state(context, warehouse)
        if state.unchanged:
            # the models (skippable) are not materialised, so publish does not run either
            progress(
                f"  ✓ nothing new was loaded: the warehouse is the one snapshot {state.unchanged} "
                "was built from, so the dbt build and the publish are skipped"
            )
            return
        yield from dbt_build(context, dbt, warehouse, state)

    return pmo_dbt_models
