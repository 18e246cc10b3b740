-- One row per project per ISO week (Monday start) in which the project reports: the weeks from the
-- portfolio's first reporting month to the as-of date, for each project from the week its first
-- reporting month begins in until the week before its closing month (closed_from_month). A week
-- is measured to its Sunday, or to the as-of date when that comes first (a partial week).

with

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

periods as (

    select * from {{ ref('int_project_periods') }}
    where is_reporting_period

),

projects as (

    select * from {{ ref('dim_projects') }}

),

project_first_months as (

    select
        project_code,
        min(period_month) as first_reporting_month

    from periods
    group by project_code

),

week_bounds as (

    select
        {{ week_start('min(project_first_months.first_reporting_month)') }} as first_week_start,
        {{ week_start('max(reporting_period.as_of_date)') }} as last_week_start

    from project_first_months
    cross join reporting_period

),

week_numbers as (

    {{ dbt.generate_series(2000) }}

),

weeks as (

    select
        cast({{ dbt.dateadd(
            'day', '7 * (week_numbers.generated_number - 1)', 'week_bounds.first_week_start'
        ) }} as date) as week_start

    from week_bounds
    inner join week_numbers
        on week_numbers.generated_number
        <= {{ dbt.datediff('week_bounds.first_week_start', 'week_bounds.last_week_start', 'day') }}
        / 7 + 1

),

weeks_dated as (

    select
        weeks.week_start,
        cast({{ dbt.dateadd('day', 6, 'weeks.week_start') }} as date) as week_end_date,
        {{ iso_week_label('weeks.week_start') }} as iso_week,
        reporting_period.as_of_date

    from weeks
    cross join reporting_period

),

final as (

    select
        project_first_months.project_code,
        weeks_dated.week_start,
        weeks_dated.week_end_date,
        weeks_dated.iso_week,
        least(weeks_dated.week_end_date, weeks_dated.as_of_date) as measured_to_date,
        weeks_dated.week_end_date > weeks_dated.as_of_date as is_partial_week,
        projects.project_name,
        projects.portfolio

    from project_first_months
    inner join projects
        on project_first_months.project_code = projects.project_code
    inner join weeks_dated
        on weeks_dated.week_end_date >= project_first_months.first_reporting_month
        and (
            projects.closed_from_month is null
            or weeks_dated.week_start < projects.closed_from_month
        )

)

select * from final
