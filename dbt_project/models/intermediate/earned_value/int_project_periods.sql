-- One row per project per monthly period, from the project's start month (period 1) to the last
-- month anything is planned or reported for it: the planned-finish month, the last month of any
-- baseline version, the last status month of an earned-value import or the as-of month,
-- whichever is latest. Periods after the as-of month exist so the earned-schedule search can see
-- the whole planned-value curve; is_reporting_period marks the ones reported on.

with

projects as (

    select * from {{ ref('stg_raw__projects') }}

),

budget_lines as (

    select * from {{ ref('int_budgets_current_baseline') }}

),

earned_value_imports as (

    select * from {{ ref('stg_raw__earned_value') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

last_budget_months as (

    select
        project_code,
        max(budget_month) as last_budget_month

    from budget_lines
    group by project_code

),

last_import_months as (

    select
        project_code,
        {{ month_start('max(status_date)') }} as last_import_month

    from earned_value_imports
    group by project_code

),

project_bounds as (

    select
        projects.project_code,
        {{ month_start('projects.start_date') }} as start_month,
        {{ month_start('projects.planned_finish_date') }} as planned_finish_month,
        greatest(
            coalesce(
                {{ month_start('projects.planned_finish_date') }}, reporting_period.as_of_month
            ),
            coalesce(last_budget_months.last_budget_month, reporting_period.as_of_month),
            coalesce(last_import_months.last_import_month, reporting_period.as_of_month),
            reporting_period.as_of_month
        ) as last_period_month,
        reporting_period.as_of_date,
        reporting_period.as_of_month

    from projects
    cross join reporting_period
    left join last_budget_months
        on projects.project_code = last_budget_months.project_code
    left join last_import_months
        on projects.project_code = last_import_months.project_code
    where projects.start_date is not null

),

period_numbers as (

    {{ dbt.generate_series(1200) }}

),

periods as (

    select
        project_bounds.project_code,
        period_numbers.generated_number as period_number,
        {{ add_months('project_bounds.start_month', 'period_numbers.generated_number - 1') }}
            as period_month,
        project_bounds.start_month,
        project_bounds.planned_finish_month,
        case
            when project_bounds.planned_finish_month >= project_bounds.start_month
                then {{ months_between(
                    'project_bounds.start_month', 'project_bounds.planned_finish_month'
                ) }} + 1
        end as planned_duration_months,
        project_bounds.as_of_date,
        project_bounds.as_of_month

    from project_bounds
    inner join period_numbers
        on period_numbers.generated_number
        <= {{ months_between(
            'project_bounds.start_month', 'project_bounds.last_period_month'
        ) }} + 1

),

periods_dated as (

    select
        project_code,
        period_number,
        period_month,
        {{ month_end('period_month') }} as period_end_date,
        case
            when period_month > as_of_month then null
            when {{ month_end('period_month') }} > as_of_date then as_of_date
            else {{ month_end('period_month') }}
        end as status_date,
        (period_month <= as_of_month) as is_reporting_period,
        start_month,
        planned_finish_month,
        planned_duration_months

    from periods

)

select * from periods_dated
