-- The portfolio and programme KPI roll-ups in one place, so a total means the same at every
-- level: one row per roll-up level, group and reporting month, from the project months of
-- int_kpi_project_months.
-- * rollup_level 'portfolio': each portfolio (program NULL), and 'All portfolios'
--   (is_all_portfolios) over every project: rpt_portfolio_kpis_monthly.
-- * rollup_level 'program': each programme of a portfolio, and each programme across all
--   portfolios ('All portfolios'); a project without a programme is in no programme row and still
--   counts in its portfolio: rpt_program_kpis_monthly.
-- Indices are ratios of sums, never averages of project ratios. Trust rules: the headline
-- indices (CPI, SPI, SPI(t)) count only projects whose month is of high EVM confidence
-- (fct_earned_value_monthly.evm_confidence); the low-confidence ones are counted and their CPI
-- shown beside (cost_performance_index_with_low_confidence). Money totals add up every project,
-- so a total always equals the sum of its projects, and VAC is shown both ways: the overruns, the
-- underruns and the net. Health counts leave out the projects closed by the month
-- (dim_projects.closed_from_month); they are counted apart.

{%- set all_portfolios = "'All portfolios'" %}

with

project_months as (

    select * from {{ ref('int_kpi_project_months') }}

),

levels as (

    select
        'portfolio' as rollup_level,
        false as is_all_portfolios,
        {{ star_replace(ref('int_kpi_project_months'), [
            ('program', 'cast(null as ' ~ dbt.type_string() ~ ')'),
        ], 'project_months') }}

    from project_months

    union all

    select
        'portfolio' as rollup_level,
        true as is_all_portfolios,
        {{ star_replace(ref('int_kpi_project_months'), [
            ('portfolio', all_portfolios),
            ('program', 'cast(null as ' ~ dbt.type_string() ~ ')'),
        ], 'project_months') }}

    from project_months

    union all

    select
        'program' as rollup_level,
        false as is_all_portfolios,
        project_months.*

    from project_months
    where project_months.program is not null

    union all

    select
        'program' as rollup_level,
        true as is_all_portfolios,
        {{ star_replace(ref('int_kpi_project_months'), [
            ('portfolio', all_portfolios),
        ], 'project_months') }}

    from project_months
    where project_months.program is not null

),

totals as (

    select
        rollup_level,
        portfolio,
        program,
        is_all_portfolios,
        reporting_month,
        count(*) as project_count,
        count(case when earned_value is not null then 1 end) as measured_project_count,
        count(case when is_low_confidence then 1 end) as low_confidence_project_count,
        sum(planned_value) as planned_value,
        sum(earned_value) as earned_value,
        sum(actual_cost) as actual_cost,
        sum(budget_at_completion) as budget_at_completion,
        sum(estimate_at_completion) as estimate_at_completion,
        sum(case when variance_at_completion < 0 then -variance_at_completion else 0 end)
            as overrun_at_completion,
        sum(case when variance_at_completion > 0 then variance_at_completion else 0 end)
            as underrun_at_completion,
        count(case when variance_at_completion < 0 then 1 end) as overrun_project_count,
        count(case when variance_at_completion > 0 then 1 end) as underrun_project_count,
        sum(case when is_low_forecast_confidence then variance_at_completion else 0 end)
            as low_confidence_variance_at_completion,
        sum(all_measured_earned_value) as all_measured_earned_value,
        sum(all_measured_actual_cost) as all_measured_actual_cost,
        sum(measured_earned_value) as measured_earned_value,
        sum(measured_actual_cost) as measured_actual_cost,
        sum(scheduled_earned_value) as scheduled_earned_value,
        sum(scheduled_planned_value) as scheduled_planned_value,
        sum(timed_earned_schedule_months) as timed_earned_schedule_months,
        sum(timed_actual_time_months) as timed_actual_time_months,
        count(case when not is_closed and overall_status = 'red' then 1 end) as red_project_count,
        count(case when not is_closed and overall_status = 'amber' then 1 end)
            as amber_project_count,
        count(case when not is_closed and overall_status = 'green' then 1 end)
            as green_project_count,
        count(
            case
                when not is_closed and (overall_status = 'grey' or overall_status is null)
                    then 1
            end
        ) as grey_project_count,
        count(case when is_closed then 1 end) as closed_project_count,
        cast(coalesce(sum(open_risk_count), 0) as {{ dbt.type_bigint() }}) as open_risk_count,
        cast(coalesce(sum(open_high_risk_count), 0) as {{ dbt.type_bigint() }})
            as open_high_risk_count,
        coalesce(sum(open_risk_exposure_amount), 0) as open_risk_exposure_amount

    from levels
    group by
        rollup_level,
        portfolio,
        program,
        is_all_portfolios,
        reporting_month

),

final as (

    select

        ----------  ids
        rollup_level,
        portfolio,
        program,
        reporting_month,

        ----------  booleans
        is_all_portfolios,

        ----------  numerics
        project_count,
        measured_project_count,
        planned_value,
        earned_value,
        actual_cost,
        budget_at_completion,
        estimate_at_completion,
        budget_at_completion - estimate_at_completion as variance_at_completion,
        overrun_at_completion,
        underrun_at_completion,
        overrun_project_count,
        underrun_project_count,
        low_confidence_variance_at_completion,
        low_confidence_project_count,
        {{ safe_divide('measured_earned_value', 'measured_actual_cost') }}
            as cost_performance_index,
        {{ safe_divide('all_measured_earned_value', 'all_measured_actual_cost') }}
            as cost_performance_index_with_low_confidence,
        {{ safe_divide('scheduled_earned_value', 'scheduled_planned_value') }}
            as schedule_performance_index,
        {{ safe_divide('timed_earned_schedule_months', 'timed_actual_time_months') }}
            as schedule_performance_index_time,
        red_project_count,
        amber_project_count,
        green_project_count,
        grey_project_count,
        closed_project_count,
        open_risk_count,
        open_high_risk_count,
        open_risk_exposure_amount

    from totals

)

select * from final
