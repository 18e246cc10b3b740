-- One row per portfolio per reporting month, plus an 'All portfolios' row per month: the
-- earned-value totals of the projects reporting in the month, portfolio indices computed from
-- those totals (never averages of project ratios), the projects' overall health counts and the
-- open risk exposure. Amounts in the reporting currency; nothing rounded.
--
-- * CPI = sum(EV) / sum(AC) and SPI = sum(EV) / sum(PV), over the projects whose EV is known in
--   the month (and, for SPI, whose PV is known): a project with no progress evidence yet would
--   otherwise add cost without value.
-- * SPI(t) = sum(ES) / sum(AT) over the projects whose earned schedule is known: each project's
--   SPI(t) weighted by the months it has run.
-- * EAC: sum of the projects' EAC, a project without one (no CPI yet) counting its BAC - with no
--   performance data the budget is the forecast. VAC = sum(BAC) - EAC.
-- The roll-up is int_kpi_rollup_monthly's portfolio level (the same roll-up, per programme:
-- rpt_program_kpis_monthly).

select
    portfolio,
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
where rollup_level = 'portfolio'
