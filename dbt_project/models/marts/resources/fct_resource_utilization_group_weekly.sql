-- One row per group of people per ISO week: the person-weeks of fct_resource_utilization_weekly
-- rolled up by team (the person's team in the people master) and by role (the person's role,
-- lower-cased), in one grouping-sets pass. grouped_by names the grouping ('team' or 'role'),
-- group_name the team or role ('unassigned' when the people master leaves it empty).
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
        {{- settings_columns(['over_allocation_ratio', 'under_allocation_ratio']) }}

    from delivery_settings

),

person_weeks_grouped as (

    select
        person_weeks.*,
        coalesce(person_weeks.team, 'unassigned') as team_name,
        coalesce(lower(person_weeks.role), 'unassigned') as role_name

    from person_weeks

),

group_weeks as (

    select
        case when grouping(team_name) = 0 then 'team' else 'role' end as grouped_by,
        -- the grouping's own key; the other one is rolled up (NULL) in this row
        coalesce(team_name, role_name) as group_name,
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

    from person_weeks_grouped
    -- sqlfluff's duckdb dialect does not parse grouping sets, hence its parse check is off here
    group by grouping sets (  -- noqa: PRS
        (team_name, week_start_date),
        (role_name, week_start_date)
    )

),

final as (

    select
        group_weeks.grouped_by,
        group_weeks.group_name,
        group_weeks.week_start_date,
        group_weeks.iso_year,
        group_weeks.iso_week,
        group_weeks.person_count,
        group_weeks.capacity_hours,
        group_weeks.logged_hours,
        {{ safe_divide('group_weeks.logged_hours_with_capacity', 'group_weeks.capacity_hours') }}
            as utilization_ratio,
        coalesce(
            group_weeks.logged_hours_with_capacity
            > group_weeks.capacity_hours * settings.over_allocation_ratio,
            false
        ) as is_over_allocated,
        coalesce(
            group_weeks.capacity_hours > 0
            and group_weeks.logged_hours_with_capacity
            < group_weeks.capacity_hours * settings.under_allocation_ratio,
            false
        ) as is_under_allocated,
        group_weeks.over_allocated_person_count,
        group_weeks.under_allocated_person_count,
        group_weeks.expected_working_days,
        group_weeks.missing_timesheet_days,
        {{ safe_divide(
            'group_weeks.expected_working_days - group_weeks.missing_timesheet_days',
            'group_weeks.expected_working_days'
        ) }} as timesheet_compliance_ratio

    from group_weeks
    cross join settings

)

select * from final
