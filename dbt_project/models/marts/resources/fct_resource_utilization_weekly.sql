-- One row per person per ISO week (Monday start) in which the person is employed or logged time,
-- from the first timesheet week to the as-of date: capacity, logged hours, utilisation, over- and
-- under-allocation, and timesheet compliance (expected working days with no time logged).
--
-- Capacity = contracted hours per week x expected working days in the week / 5, so it is 0
-- outside the employment dates and pro-rated in the weeks employment starts or ends (and in the
-- as-of week, cut at the as-of date). Thresholds come from the delivery_settings seed.

with

resource_days as (

    select * from {{ ref('int_resource_days') }}

),

people as (

    select * from {{ ref('stg_raw__people') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

delivery_settings as (

    select * from {{ ref('delivery_settings') }}

),

settings as (

    select
        {{- settings_columns(['over_allocation_ratio', 'under_allocation_ratio']) }}

    from delivery_settings

),

person_weeks as (

    select
        employee_id,
        week_start_date,
        count(case when is_expected_working_day then 1 end) as expected_working_days,
        count(
            case when is_expected_working_day and not has_time_logged then 1 end
        ) as missing_timesheet_days,
        sum(logged_hours) as logged_hours

    from resource_days
    group by
        employee_id,
        week_start_date

),

person_weeks_with_capacity as (

    select
        person_weeks.*,
        people.full_name,
        people.team,
        people.role,
        people.employment_type,
        people.capacity_hours_per_week,
        people.capacity_hours_per_week * person_weeks.expected_working_days / 5.0
            as capacity_hours,
        {{ dbt.dateadd('day', 3, 'person_weeks.week_start_date') }} as iso_thursday,
        cast({{ dbt.dateadd('day', 6, 'person_weeks.week_start_date') }} as date)
        > reporting_period.as_of_date as is_partial_week

    from person_weeks
    cross join reporting_period
    left join people
        on person_weeks.employee_id = people.employee_id

),

final as (

    select

        ----------  ids
        person_weeks_with_capacity.employee_id,
        person_weeks_with_capacity.week_start_date,

        ----------  person
        person_weeks_with_capacity.full_name,
        person_weeks_with_capacity.team,
        person_weeks_with_capacity.role,
        person_weeks_with_capacity.employment_type,

        ----------  ISO week (the week's Thursday decides its year)
        cast(extract(year from person_weeks_with_capacity.iso_thursday) as integer) as iso_year,
        cast(floor(
            {{ dbt.datediff(
                dbt.date_trunc('year', 'person_weeks_with_capacity.iso_thursday'),
                'person_weeks_with_capacity.iso_thursday',
                'day'
            ) }} / 7.0
        ) as integer) + 1 as iso_week,
        person_weeks_with_capacity.is_partial_week,

        ----------  hours
        person_weeks_with_capacity.capacity_hours_per_week,
        person_weeks_with_capacity.capacity_hours,
        person_weeks_with_capacity.logged_hours,
        {{ safe_divide(
            'person_weeks_with_capacity.logged_hours', 'person_weeks_with_capacity.capacity_hours'
        ) }} as utilization_ratio,
        coalesce(
            person_weeks_with_capacity.logged_hours
            > person_weeks_with_capacity.capacity_hours * settings.over_allocation_ratio,
            false
        ) as is_over_allocated,
        coalesce(
            person_weeks_with_capacity.capacity_hours > 0
            and person_weeks_with_capacity.logged_hours
            < person_weeks_with_capacity.capacity_hours * settings.under_allocation_ratio,
            false
        ) as is_under_allocated,
        person_weeks_with_capacity.capacity_hours_per_week is null as is_capacity_missing,

        ----------  timesheet compliance
        person_weeks_with_capacity.expected_working_days,
        person_weeks_with_capacity.missing_timesheet_days,
        {{ safe_divide(
            'person_weeks_with_capacity.expected_working_days'
            ~ ' - person_weeks_with_capacity.missing_timesheet_days',
            'person_weeks_with_capacity.expected_working_days'
        ) }} as timesheet_compliance_ratio

    from person_weeks_with_capacity
    cross join settings

)

select * from final
