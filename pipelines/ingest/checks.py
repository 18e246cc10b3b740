"""Great Expectations suites as blocking Dagster asset checks on every raw entity asset.

One multi-asset check runs every suite with a single GE context (its import and context cost
seconds, paid once per refresh); a failing suite fails its check and blocks what is downstream.
"""

import json

import dagster as dg

from pipelines.ingest.contracts import ENTITIES
from pipelines.resources import WarehouseResource

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


@dg.multi_asset_check(specs=SPECS, can_subset=True)
def raw_expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    from pipelines.ingest.expectations import run_suites

    selected = [key.asset_key.path[-1] for key in context.selected_asset_check_keys]
    with warehouse.connect() as con:
        results = run_suites(con, selected)
    for name in selected:
        result = results[name]
        yield dg.AssetCheckResult(
            asset_key=dg.AssetKey(["raw", name]),
            check_name=CHECK_NAME,
            passed=result.success,
            metadata={
                "rows": result.row_count,
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
