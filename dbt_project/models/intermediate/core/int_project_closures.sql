-- One row per closed or cancelled project: the month it counts as closed from. That is the
-- month of its last actual cost (its planned-finish month when it never booked any, its start
-- month when it has neither). dim_projects shows it; the earned-value facts stop the project's
-- clock there (a closed project does not fall further behind every month after it closed).

with

projects as (

    select * from {{ ref('stg_raw__projects') }}

),

actual_costs as (

    select * from {{ ref('int_actual_costs_monthly') }}

),

last_cost_months as (

    select
        project_code,
        max(cost_month) as last_cost_month

    from actual_costs
    where actual_cost <> 0
    group by project_code

),

final as (

    select
        projects.project_code,
        coalesce(
            last_cost_months.last_cost_month,
            {{ month_start('projects.planned_finish_date') }},
            {{ month_start('projects.start_date') }}
        ) as closed_from_month

    from projects
    left join last_cost_months
        on projects.project_code = last_cost_months.project_code
    where projects.project_status in ('closed', 'cancelled')

)

select * from final
