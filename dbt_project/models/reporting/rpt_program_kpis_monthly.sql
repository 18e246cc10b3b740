-- One row per programme of a portfolio per reporting month, plus one per programme across all
-- portfolios ('All portfolios', for a programme that spans portfolios): the same roll-up as
-- rpt_portfolio_kpis_monthly over the programme's projects: int_kpi_rollup_monthly's programme
-- level. Projects without a programme belong to no row here; they still count in their
-- portfolio's totals.

select
    portfolio,
    program,
    reporting_month,
    is_all_portfolios,
    project_count,
    measured_project_count,
    planned_value,
    earned_value,
    actual_cost,
    budget_at_completion,
    estimate_at_completion,
    variance_at_completion,
    overrun_at_completion,
    underrun_at_completion,
    overrun_project_count,
    underrun_project_count,
    low_confidence_variance_at_completion,
    low_confidence_project_count,
    cost_performance_index,
    cost_performance_index_with_low_confidence,
    schedule_performance_index,
    schedule_performance_index_time,
    red_project_count,
    amber_project_count,
    green_project_count,
    grey_project_count,
    closed_project_count,
    open_risk_count,
    open_high_risk_count,
    open_risk_exposure_amount

from {{ ref('int_kpi_rollup_monthly') }}
where rollup_level = 'program'
