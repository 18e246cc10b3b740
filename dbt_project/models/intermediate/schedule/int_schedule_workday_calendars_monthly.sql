-- One row per project per month of the schedule network: its working calendar as the critical
-- path pass and the link requirements count working days on it (numpy business-day calendars):
-- the week as a weekmask (Monday first, '1' a working day), the days off (days its non-working
-- exceptions cover and no working one does) and the catch-up days (days a working exception
-- covers on a weekday its week does not work), each sorted. Projects of a month with the same
-- week, days off and catch-up days share a calendar_number (0, 1, … within the month), so each
-- distinct calendar is built once.

with

weeks as (

    select * from {{ ref('int_schedule_calendars_monthly') }}

),

exceptions as (

    select * from {{ ref('int_schedule_calendar_exceptions_monthly') }}

),

weekmasks as (

    select
        network_month,
        project_code,
        calendar_name,
        concat(
            {% for day in ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday',
                'sunday'] -%}
            cast(cast(is_{{ day }}_working as integer) as {{ dbt.type_string() }})
            {{- ", " if not loop.last }}
            {%- endfor %}
        ) as weekmask

    from weeks

),

exception_days as (

    select distinct
        network_month,
        project_code,
        is_working,
        {{ each_day('start_date', 'end_date') }} as exception_day

    from exceptions
    where end_date >= start_date

),

worked_days as (

    select * from exception_days
    where is_working

),

days_off as (

    select
        exception_days.network_month,
        exception_days.project_code,
        {{ sorted_list('exception_days.exception_day') }}
            as holiday_dates

    from exception_days
    anti join worked_days
        on exception_days.network_month = worked_days.network_month
        and exception_days.project_code = worked_days.project_code
        and exception_days.exception_day = worked_days.exception_day
    where not exception_days.is_working
    group by exception_days.network_month, exception_days.project_code

),

catch_up_days as (

    select
        worked_days.network_month,
        worked_days.project_code,
        {{ sorted_list('worked_days.exception_day') }} as catch_up_dates

    from worked_days
    inner join weekmasks
        on worked_days.network_month = weekmasks.network_month
        and worked_days.project_code = weekmasks.project_code
    -- the week's flag of the day's weekday (isodow: Monday 1 .. Sunday 7)
    where substring(weekmasks.weekmask, {{ iso_day_of_week('worked_days.exception_day') }}, 1) = '0'
    group by worked_days.network_month, worked_days.project_code

),

calendars as (

    select
        weekmasks.network_month,
        weekmasks.project_code,
        weekmasks.calendar_name,
        weekmasks.weekmask,
        coalesce(days_off.holiday_dates, {{ empty_list('date') }}) as holiday_dates,
        coalesce(catch_up_days.catch_up_dates, {{ empty_list('date') }}) as catch_up_dates

    from weekmasks
    left join days_off
        on weekmasks.network_month = days_off.network_month
        and weekmasks.project_code = days_off.project_code
    left join catch_up_days
        on weekmasks.network_month = catch_up_days.network_month
        and weekmasks.project_code = catch_up_days.project_code

),

final as (

    select
        calendars.*,
        dense_rank() over (
            partition by calendars.network_month
            order by calendars.weekmask, calendars.holiday_dates, calendars.catch_up_dates
        ) - 1 as calendar_number

    from calendars

)

select * from final
