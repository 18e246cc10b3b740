-- One row per portfolio per reporting month, plus an 'All portfolios' row per month: the
-- earned-value totals of the projects reporting in the month, portfolio indices computed from
-- those totals (never averages of project ratios), the projects' overall health counts and the
-- open risk exposure. Amounts in the reporting currency; nothing rounded.
--
-- * CPI = sum(EV) / sum(AC) and SPI = sum(EV) / sum(PV), over the projects whose EV is known in
--   the month (and, for SPI, whose PV is known): a project with no progress evidence yet would
--   otherwise add cost without value.
-- * EAC: sum of the projects' EAC, a project without one (no CPI yet) counting its BAC - with no
--   performance data the budget is the forecast. VAC = sum(BAC) - EAC.

{%- set all_portfolios = "'All portfolios'" %}

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

project_months as (

    select
        projects.portfolio,
        earned_value.project_code,
        earned_value.reporting_month,
        earned_value.planned_value,
        earned_value.earned_value,
        earned_value.actual_cost,
        earned_value.budget_at_completion,
        coalesce(
            earned_value.estimate_at_completion, earned_value.budget_at_completion
        ) as estimate_at_completion,
        case when earned_value.earned_value is not null then earned_value.earned_value end
            as measured_earned_value,
        case when earned_value.earned_value is not null then earned_value.actual_cost end
            as measured_actual_cost,
        case
            when earned_value.earned_value is not null and earned_value.planned_value is not null
                then earned_value.earned_value
        end as scheduled_earned_value,
        case
            when earned_value.earned_value is not null and earned_value.planned_value is not null
                then earned_value.planned_value
        end as scheduled_planned_value,
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

),

both_levels as (

    select
        portfolio,
        false as is_all_portfolios,
        project_months.*

    from project_months

    union all

    select
        {{ all_portfolios }} as portfolio,
        true as is_all_portfolios,
        project_months.*

    from project_months

),

totals as (

    select
        portfolio,
        is_all_portfolios,
        reporting_month,
        count(*) as project_count,
        count(case when earned_value is not null then 1 end) as measured_project_count,
        sum(planned_value) as planned_value,
        sum(earned_value) as earned_value,
        sum(actual_cost) as actual_cost,
        sum(budget_at_completion) as budget_at_completion,
        sum(estimate_at_completion) as estimate_at_completion,
        sum(measured_earned_value) as measured_earned_value,
        sum(measured_actual_cost) as measured_actual_cost,
        sum(scheduled_earned_value) as scheduled_earned_value,
        sum(scheduled_planned_value) as scheduled_planned_value,
        count(case when overall_status = 'red' then 1 end) as red_project_count,
        count(case when overall_status = 'amber' then 1 end) as amber_project_count,
        count(case when overall_status = 'green' then 1 end) as green_project_count,
        count(
            case when overall_status = 'grey' or overall_status is null then 1 end
        ) as grey_project_count,
        cast(coalesce(sum(open_risk_count), 0) as {{ dbt.type_bigint() }}) as open_risk_count,
        cast(coalesce(sum(open_high_risk_count), 0) as {{ dbt.type_bigint() }})
            as open_high_risk_count,
        coalesce(sum(open_risk_exposure_amount), 0) as open_risk_exposure_amount

    from both_levels
    group by
        portfolio,
        is_all_portfolios,
        reporting_month

),

final as (

    select

        ----------  ids
        portfolio,
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
        {{ safe_divide('measured_earned_value', 'measured_actual_cost') }}
            as cost_performance_index,
        {{ safe_divide('scheduled_earned_value', 'scheduled_planned_value') }}
            as schedule_performance_index,
        red_project_count,
        amber_project_count,
        green_project_count,
        grey_project_count,
        open_risk_count,
        open_high_risk_count,
        open_risk_exposure_amount

    from totals

)

select * from final
