-- One row per team per ISO week: the person-weeks of fct_resource_utilization_weekly rolled up
-- by team (the person's team in the people master; 'unassigned' when empty).
-- Every ratio is computed from sums (sum of logged hours / sum of capacity), never as an average
-- of the people's ratios, so a part-timer weighs what their hours weigh. Utilisation counts the
-- hours of people whose capacity is known; logged_hours counts everyone.

with

person_weeks as (

    select * from {{ ref('fct_resource_utilization_weekly') }}

),

delivery_settings as (

    select * from {{ ref('delivery_settings') }}

),

settings as (

    select
        max(case when setting_name = 'over_allocation_ratio' then setting_value end)
            as over_allocation_ratio,
        max(case when setting_name = 'under_allocation_ratio' then setting_value end)
            as under_allocation_ratio

    from delivery_settings

),

team_weeks as (

    select
        coalesce(team, 'unassigned') as team,
        week_start_date,
        max(iso_year) as iso_year,
        max(iso_week) as iso_week,
        count(*) as person_count,
        sum(capacity_hours) as capacity_hours,
        sum(logged_hours) as logged_hours,
        sum(case when capacity_hours is not null then logged_hours end)
            as logged_hours_with_capacity,
        count(case when is_over_allocated then 1 end) as over_allocated_person_count,
        count(case when is_under_allocated then 1 end) as under_allocated_person_count,
        cast(sum(expected_working_days) as {{ dbt.type_bigint() }}) as expected_working_days,
        cast(sum(missing_timesheet_days) as {{ dbt.type_bigint() }}) as missing_timesheet_days

    from person_weeks
    group by
        coalesce(team, 'unassigned'),
        week_start_date

),

final as (

    select
        team_weeks.team,
        team_weeks.week_start_date,
        team_weeks.iso_year,
        team_weeks.iso_week,
        team_weeks.person_count,
        team_weeks.capacity_hours,
        team_weeks.logged_hours,
        {{ safe_divide('team_weeks.logged_hours_with_capacity', 'team_weeks.capacity_hours') }}
            as utilization_ratio,
        coalesce(
            team_weeks.logged_hours_with_capacity
            > team_weeks.capacity_hours * settings.over_allocation_ratio,
            false
        ) as is_over_allocated,
        coalesce(
            team_weeks.capacity_hours > 0
            and team_weeks.logged_hours_with_capacity
            < team_weeks.capacity_hours * settings.under_allocation_ratio,
            false
        ) as is_under_allocated,
        team_weeks.over_allocated_person_count,
        team_weeks.under_allocated_person_count,
        team_weeks.expected_working_days,
        team_weeks.missing_timesheet_days,
        {{ safe_divide(
            'team_weeks.expected_working_days - team_weeks.missing_timesheet_days',
            'team_weeks.expected_working_days'
        ) }} as timesheet_compliance_ratio

    from team_weeks
    cross join settings

)

select * from final
