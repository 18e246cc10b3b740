-- One row per milestone of an open project that is overdue, or due within
-- `steering_milestone_days` (delivery_settings) of the as-of date, on its project's latest
-- milestones snapshot: what a steering committee looks ahead to. Overdue first (most days late
-- first), then by due date. Due date: the forecast, else the baseline (fct_milestone_slippage).

with

milestones as (

    select * from {{ ref('fct_milestone_slippage') }}

),

projects as (

    select * from {{ ref('int_project_attributes') }}

),

delivery_settings as (

    select * from {{ ref('delivery_settings') }}

),

settings as (

    select
        {{- settings_columns(['steering_milestone_days'], as_type='integer') }}

    from delivery_settings

),

final as (

    select

        ----------  ids
        milestones.project_code,
        milestones.milestone_name,

        ----------  dates
        milestones.baseline_date,
        milestones.forecast_date,
        milestones.due_date,
        milestones.as_of_date,

        ----------  text
        projects.project_name,
        projects.portfolio,
        projects.program,
        projects.project_manager,
        case when milestones.is_overdue then 'overdue' else 'due' end as milestone_status,

        ----------  numerics
        case
            when milestones.is_overdue
                then {{ dbt.datediff('milestones.due_date', 'milestones.as_of_date', 'day') }}
        end as days_overdue,
        case
            when not milestones.is_overdue
                then {{ dbt.datediff('milestones.as_of_date', 'milestones.due_date', 'day') }}
        end as days_until_due,
        milestones.slippage_days,
        settings.steering_milestone_days as horizon_days,
        row_number() over (
            order by
                milestones.is_overdue desc,
                milestones.due_date asc,
                milestones.project_code asc,
                milestones.milestone_name asc
        ) as display_order,

        ----------  booleans
        milestones.is_overdue

    from milestones
    cross join settings
    inner join projects
        on milestones.project_code = projects.project_code
    where not milestones.is_completed
        and not coalesce(projects.is_closed, false)
        and milestones.due_date <= {{ dbt.dateadd(
            'day', 'settings.steering_milestone_days', 'milestones.as_of_date'
        ) }}

)

select * from final
