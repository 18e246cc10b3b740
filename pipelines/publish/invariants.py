"""What an executive must never read, as SQL over a built warehouse or published snapshot.

Each check returns the rows that break it; an empty result everywhere means the headline numbers
hold together: % complete at most 100 and EV at most BAC unless flagged, earned schedule within
the planned duration, no forecast finish before the month it is made in (but for a project that
has finished: completed, or closed in an earlier month), portfolio totals equal
to the sum of their projects, no unknown money without a flag, every red with a reason. The tests
run them over hand-built portfolios and the demo, `make bench` over the large portfolio.
"""

from __future__ import annotations

from typing import Any

import duckdb

from pipelines.publish.reader import open_database

CHECKS: dict[str, str] = {
    "percent complete above 100 or EV above BAC, not flagged": """
        select project_code, reporting_month from fct_earned_value_monthly
        where (percent_complete > 100.0000001 or earned_value > budget_at_completion + 0.005)
          and evm_confidence <> 'low'
    """,
    "earned schedule beyond the planned duration": """
        select project_code, reporting_month from fct_earned_value_monthly
        where earned_schedule_months > planned_duration_months
    """,
    "forecast finish before the month it is made in": """
        select project_code, reporting_month from fct_earned_value_monthly
        where not is_completed and not is_closed and forecast_finish_date < reporting_month
    """,
    "delivery forecast before the as-of month": """
        select project_code, p50_finish_date as reporting_month from rpt_delivery_forecast
        where p50_finish_date < date_trunc('month', as_of_date)
           or p85_finish_date < p50_finish_date or p95_finish_date < p85_finish_date
    """,
    "unknown earned value rated as credible": """
        select project_code, reporting_month from fct_earned_value_monthly
        where (planned_value is null or earned_value is null) and evm_confidence = 'high'
    """,
    "amounts without an exchange rate, not flagged": """
        select project_code, reporting_month from fct_earned_value_monthly
        where is_fx_rate_missing and evm_confidence <> 'low'
    """,
    "portfolio total that is not the sum of its projects": """
        with projects as (
            select reporting_month,
                   coalesce(sum(planned_value), 0) as pv, coalesce(sum(earned_value), 0) as ev,
                   sum(actual_cost) as ac, sum(budget_at_completion) as bac,
                   sum(coalesce(estimate_at_completion, budget_at_completion)) as eac
            from fct_earned_value_monthly group by reporting_month
        )
        select 'All portfolios' as project_code, projects.reporting_month
        from projects
        join rpt_portfolio_kpis_monthly as portfolio
          on portfolio.reporting_month = projects.reporting_month and portfolio.is_all_portfolios
        where abs(coalesce(portfolio.planned_value, 0) - projects.pv) > 0.01
           or abs(coalesce(portfolio.earned_value, 0) - projects.ev) > 0.01
           or abs(portfolio.actual_cost - projects.ac) > 0.01
           or abs(coalesce(portfolio.budget_at_completion, 0) - coalesce(projects.bac, 0)) > 0.01
           or abs(coalesce(portfolio.estimate_at_completion, 0) - coalesce(projects.eac, 0))
              > 0.01
    """,
    "red without a reason in words": """
        select project_code, reporting_month from rpt_project_health_monthly
        where overall_status = 'red' and (health_reason is null or trim(health_reason) = '')
    """,
}


def violations(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Every check that found rows, with (project, month) of each offending row."""
    found = {}
    for name, sql in CHECKS.items():
        rows = con.execute(f"select * from ({sql}) order by all").fetchall()  # noqa: S608
        if rows:
            found[name] = rows
    return found


def snapshot_violations(database: Any) -> dict[str, list[tuple[Any, ...]]]:
    """The checks over a warehouse or snapshot file, opened read-only."""
    con = open_database(database)
    try:
        return violations(con)
    finally:
        con.close()
