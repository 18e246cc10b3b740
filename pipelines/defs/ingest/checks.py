"""Great Expectations suites as blocking Dagster asset checks on every raw entity asset.

One multi-asset check runs every suite with a single GE context (its import and context cost
seconds, paid once per refresh); a failing suite fails its check and blocks what is downstream.

A raw table that is exactly as it was when its suite last passed (same rows: a count and an
order-independent hash over every row) and whose suite is unchanged is not validated again: its
check passes, saying since when. A refresh that loads one timesheet file validates timesheets
only, and one that loads nothing does not import Great Expectations at all.

When the refresh runs a suite worker (``pmo refresh``, ``pmo demo``), the ingest step starts each
entity's suite as soon as the entity is loaded (``start_suite``), in the worker, while it loads
the next: the check then takes that result when the table is still in the state it was sent in,
and validates it itself otherwise.
"""

import hashlib
import json

import dagster as dg
import duckdb

from pipelines.defs.resources import WarehouseResource
from pipelines.ingest.contracts import ENTITIES
from pipelines.ingest.warehouse import table_state

CHECK_NAME = "great_expectations_suite"

SPECS = [
    dg.AssetCheckSpec(
        name=CHECK_NAME,
        asset=dg.AssetKey(["raw", name]),
        blocking=True,
        description=f"The Great Expectations suite built from the {name} contract.",
    )
    for name in ENTITIES
]


def suite_state(name: str) -> str:
    from pipelines.ingest.expectations import suite_checks

    return hashlib.sha256(repr(suite_checks(ENTITIES[name])).encode()).hexdigest()


def passed_before(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str, object]]:
    return {
        entity: (table, suite, checked_at)
        for entity, table, suite, checked_at in con.execute(
            "select entity, table_state, suite_state, checked_at from raw.expectation_state"
        ).fetchall()
    }


def start_suite(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Start ``raw.<name>``'s suite ahead of its check when the check would run it."""
    from pipelines.ingest.expectations import can_validate_ahead, validate_ahead

    if not can_validate_ahead(con, name):
        return  # no worker, or a table it would not take: not hashed here for nothing
    state = (table_state(con, name), suite_state(name))
    if passed_before(con).get(name, (None, None))[:2] != state:
        validate_ahead(con, name, state)


@dg.multi_asset_check(specs=SPECS, can_subset=True)
def raw_expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    from pipelines.ingest.expectations import run_suites, validated_ahead

    selected = [key.asset_key.path[-1] for key in context.selected_asset_check_keys]
    with warehouse.connect() as con:
        states = {name: (table_state(con, name), suite_state(name)) for name in selected}
        before = passed_before(con)
        to_run = [name for name in selected if before.get(name, (None, None))[:2] != states[name]]
        ahead = {name: validated_ahead(name, states[name]) for name in to_run}
        results = {name: result for name, result in ahead.items() if result is not None}
        ahead_done = set(results)
        results.update(run_suites(con, [name for name in to_run if name not in results]))
        for name in to_run:
            con.execute("delete from raw.expectation_state where entity = ?", [name])
            if results[name].success:
                con.execute(
                    "insert into raw.expectation_state values (?, ?, ?, now() at time zone 'UTC')",
                    [name, *states[name]],
                )
    for name in selected:
        key = dg.AssetKey(["raw", name])
        if name not in to_run:
            since = before[name][2]
            yield dg.AssetCheckResult(
                asset_key=key,
                check_name=CHECK_NAME,
                passed=True,
                metadata={"rows": int(states[name][0].split(":")[0]), "passed_at": str(since)},
                description=f"raw.{name} is unchanged since its suite passed at "
                f"{since:%Y-%m-%d %H:%M} UTC",
            )
            continue
        result = results[name]
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name=CHECK_NAME,
            passed=result.success,
            metadata={
                "rows": result.row_count,
                "validated": "while the load went on" if name in ahead_done else "in this check",
                "expectations": result.evaluated,
                "failed": len(result.failed),
                "failures": dg.MetadataValue.json(
                    json.loads(json.dumps(result.failed, default=str))
                ),
            },
            description=None
            if result.success
            else "; ".join(
                f"{failure['expectation_type']} on {failure['column']}: "
                f"{failure['unexpected_count']} unexpected"
                for failure in result.failed[:5]
            ),
        )
