-- One row per project per reporting month with earned value: the inputs the portfolio and
-- programme KPI roll-ups (rpt_portfolio_kpis_monthly, rpt_program_kpis_monthly) sum, so a total
-- means the same at every level. A project only adds to an index whose inputs it has:
--
-- * CPI counts the EV and AC of the months of high EVM confidence (measured_*); the CPI shown
--   beside it, low confidence included, those of every month with a known EV (all_measured_*).
-- * SPI counts the EV and PV of the months of high confidence with a known PV (scheduled_*).
-- * SPI(t) counts the ES and AT of the months of high confidence with an ES and AT > 0 (timed_*).
-- * EAC: the project's EAC, else its BAC (with no performance data the budget is the forecast);
--   VAC = BAC - EAC.
-- * Health: the project's overall status; is_closed from the month it closed
--   (dim_projects.closed_from_month), so the health counts can leave it out.
-- Amounts in the reporting currency; nothing rounded.

with

earned_value as (

    select * from {{ ref('fct_earned_value_monthly') }}

),

projects as (

    select * from {{ ref('dim_projects') }}

),

project_health as (

    select * from {{ ref('rpt_project_health_monthly') }}

),

risk_exposure as (

    select * from {{ ref('fct_risk_exposure_monthly') }}

),

final as (

    select
        projects.portfolio,
        projects.program,
        earned_value.project_code,
        earned_value.reporting_month,
        earned_value.planned_value,
        earned_value.earned_value,
        earned_value.actual_cost,
        earned_value.budget_at_completion,
        coalesce(
            earned_value.estimate_at_completion, earned_value.budget_at_completion
        ) as estimate_at_completion,
        earned_value.budget_at_completion
        - coalesce(earned_value.estimate_at_completion, earned_value.budget_at_completion)
            as variance_at_completion,
        coalesce(earned_value.evm_confidence = 'low', false) as is_low_confidence,
        coalesce(earned_value.forecast_confidence = 'low', false) as is_low_forecast_confidence,
        case when earned_value.earned_value is not null then earned_value.earned_value end
            as all_measured_earned_value,
        case when earned_value.earned_value is not null then earned_value.actual_cost end
            as all_measured_actual_cost,
        case when earned_value.evm_confidence = 'high' then earned_value.earned_value end
            as measured_earned_value,
        case when earned_value.evm_confidence = 'high' then earned_value.actual_cost end
            as measured_actual_cost,
        case
            when earned_value.evm_confidence = 'high' and earned_value.planned_value is not null
                then earned_value.earned_value
        end as scheduled_earned_value,
        case
            when earned_value.evm_confidence = 'high' and earned_value.planned_value is not null
                then earned_value.planned_value
        end as scheduled_planned_value,
        case
            when earned_value.evm_confidence = 'high'
                and earned_value.earned_schedule_months is not null
                and earned_value.actual_time_months > 0
                then earned_value.earned_schedule_months
        end as timed_earned_schedule_months,
        case
            when earned_value.evm_confidence = 'high'
                and earned_value.earned_schedule_months is not null
                and earned_value.actual_time_months > 0
                then earned_value.actual_time_months
        end as timed_actual_time_months,
        coalesce(
            projects.closed_from_month is not null
            and projects.closed_from_month <= earned_value.reporting_month,
            false
        ) as is_closed,
        project_health.overall_status,
        risk_exposure.open_risk_count,
        risk_exposure.open_high_risk_count,
        risk_exposure.open_risk_exposure_amount

    from earned_value
    inner join projects
        on earned_value.project_code = projects.project_code
    left join project_health
        on earned_value.project_code = project_health.project_code
        and earned_value.reporting_month = project_health.reporting_month
    left join risk_exposure
        on earned_value.project_code = risk_exposure.project_code
        and earned_value.reporting_month = risk_exposure.reporting_month

)

select * from final
