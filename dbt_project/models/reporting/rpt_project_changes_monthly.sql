-- One row per project per reporting month: what changed since the month before - the overall
-- health colour then and now, and the move of the forecast total (EAC) with the budget and CPI
-- behind it. "The month before" is the previous calendar month; a project that did not report
-- then (new, or a gap) has no previous figures, and counts as changed colour. Amounts in the
-- reporting currency; nothing rounded.

with

earned_value as (

    select * from {{ ref('fct_earned_value_monthly') }}

),

project_health as (

    select * from {{ ref('rpt_project_health_monthly') }}

),

project_months as (

    select
        earned_value.project_code,
        earned_value.reporting_month,
        earned_value.estimate_at_completion,
        earned_value.budget_at_completion,
        earned_value.cost_performance_index,
        project_health.overall_status

    from earned_value
    left join project_health
        on earned_value.project_code = project_health.project_code
        and earned_value.reporting_month = project_health.reporting_month

),

compared as (

    select
        current_month.*,
        previous_month.reporting_month as previous_reporting_month,
        previous_month.overall_status as previous_overall_status,
        previous_month.estimate_at_completion as previous_estimate_at_completion,
        previous_month.budget_at_completion as previous_budget_at_completion,
        previous_month.cost_performance_index as previous_cost_performance_index

    from project_months as current_month
    left join project_months as previous_month
        on current_month.project_code = previous_month.project_code
        and previous_month.reporting_month
        = {{ dbt.dateadd('month', -1, 'current_month.reporting_month') }}

),

final as (

    select

        ----------  ids
        project_code,
        reporting_month,

        ----------  dates
        previous_reporting_month,

        ----------  text
        previous_overall_status,
        overall_status,

        ----------  numerics
        previous_estimate_at_completion,
        estimate_at_completion,
        estimate_at_completion - previous_estimate_at_completion
            as estimate_at_completion_change_amount,
        100 * {{ safe_divide(
            'estimate_at_completion - previous_estimate_at_completion',
            'previous_estimate_at_completion'
        ) }} as estimate_at_completion_change_pct,
        previous_budget_at_completion,
        budget_at_completion,
        previous_cost_performance_index,
        cost_performance_index,

        ----------  booleans
        (previous_reporting_month is null) as is_new_this_month,
        (
            coalesce(previous_overall_status, 'not reporting')
            <> coalesce(overall_status, 'grey')
        ) as has_changed_colour

    from compared

)

select * from final
