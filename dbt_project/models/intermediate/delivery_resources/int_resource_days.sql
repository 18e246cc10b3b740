-- One row per person per calendar day from the Monday of the first timesheet week to the as-of
-- date, on the days the person is employed or logged time: whether the day is an expected working
-- day (Monday to Friday within the employment dates) and the hours logged on it (all projects).
--
-- The window starts with the first logged week so capacity and compliance are only measured
-- while timesheets are kept; it spans at most the 4 000 days (about 11 years) up to the as-of
-- date.
-- An empty start date means employed since before the window, an empty end date still employed.

with

people as (

    select * from {{ ref('stg_raw__people') }}

),

timesheets as (

    select * from {{ ref('stg_raw__timesheets') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

logged_days as (

    select
        timesheets.employee_id,
        timesheets.work_date,
        sum(timesheets.logged_hours) as logged_hours

    from timesheets
    cross join reporting_period
    where timesheets.work_date <= reporting_period.as_of_date
    group by
        timesheets.employee_id,
        timesheets.work_date

),

calendar_window as (

    select
        cast({{ dbt.date_trunc('week', 'min(logged_days.work_date)') }} as date)
            as window_start_date,
        max(reporting_period.as_of_date) as window_end_date

    from logged_days
    cross join reporting_period

),

day_numbers as (

    {{ dbt.generate_series(4000) }}

),

-- counted back from the as-of date, so a window longer than the series loses its oldest days
calendar_days as (

    select
        cast({{ dbt.dateadd(
            'day', '1 - day_numbers.generated_number', 'calendar_window.window_end_date'
        ) }} as date) as calendar_date

    from calendar_window
    inner join day_numbers
        on day_numbers.generated_number
        <= {{ dbt.datediff(
            'calendar_window.window_start_date', 'calendar_window.window_end_date', 'day'
        ) }} + 1

),

calendar_weekdays as (

    select
        calendar_date,
        cast({{ dbt.date_trunc('week', 'calendar_date') }} as date) as week_start_date,
        -- 0 = Monday ... 6 = Sunday (ISO weeks start on Monday)
        {{ dbt.datediff(
            'cast(' ~ dbt.date_trunc('week', 'calendar_date') ~ ' as date)', 'calendar_date', 'day'
        ) }} as weekday_index

    from calendar_days

),

person_days as (

    select
        people.employee_id,
        calendar_weekdays.calendar_date,
        calendar_weekdays.week_start_date,
        calendar_weekdays.weekday_index < 5 as is_weekday,
        (people.start_date is null or calendar_weekdays.calendar_date >= people.start_date)
        and (people.end_date is null or calendar_weekdays.calendar_date <= people.end_date)
            as is_employed,
        logged_days.logged_hours

    from people
    cross join calendar_weekdays
    left join logged_days
        on people.employee_id = logged_days.employee_id
        and calendar_weekdays.calendar_date = logged_days.work_date

),

final as (

    select
        employee_id,
        calendar_date,
        week_start_date,
        is_weekday,
        is_employed,
        is_weekday and is_employed as is_expected_working_day,
        coalesce(logged_hours, 0) as logged_hours,
        coalesce(logged_hours > 0, false) as has_time_logged

    from person_days
    where
        is_employed
        or logged_hours is not null

)

select * from final
