-- The working week of every project in each month's schedule network: the project's own
-- calendar (an MS Project plan's project calendar, or a canonical working_calendars row for
-- it), else the calendar given for every project (no project_code), else Monday to Friday.
-- Of a project's calendars, the latest snapshot on or before the month's end is in force; a
-- month before the first snapshot takes the first one (a calendar describes dates, so a list
-- dropped later still holds for the months before it). Nothing dated after the as-of date counts.

with

calendars as (

    select * from {{ ref('stg_raw__working_calendars') }}

),

network_projects as (

    select distinct
        network_month,
        project_code
    from {{ ref('int_schedule_tasks_monthly') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

candidates as (

    select
        network_projects.network_month,
        network_projects.project_code,
        calendars.calendar_name,
        calendars.is_every_project,
        calendars.is_monday_working,
        calendars.is_tuesday_working,
        calendars.is_wednesday_working,
        calendars.is_thursday_working,
        calendars.is_friday_working,
        calendars.is_saturday_working,
        calendars.is_sunday_working,
        calendars.hours_per_day,
        calendars.snapshot_date,
        calendars.source_file,
        row_number() over (
            partition by network_projects.network_month, network_projects.project_code
            order by
                calendars.is_every_project asc,
                {{ in_force_first('calendars.snapshot_date', 'network_projects.network_month') }}
        ) as preference

    from network_projects
    inner join calendars
        on calendars.project_code = network_projects.project_code
        or calendars.is_every_project
    cross join reporting_period
    where calendars.snapshot_date <= reporting_period.as_of_date

),

chosen as (

    select * from candidates
    where preference = 1

)

select
    network_projects.network_month,
    network_projects.project_code,
    coalesce(chosen.calendar_name, 'Monday to Friday') as calendar_name,
    case
        when chosen.calendar_name is null then 'default'
        when chosen.is_every_project then 'every_project'
        else 'project'
    end as calendar_source,
    coalesce(chosen.is_monday_working, true) as is_monday_working,
    coalesce(chosen.is_tuesday_working, true) as is_tuesday_working,
    coalesce(chosen.is_wednesday_working, true) as is_wednesday_working,
    coalesce(chosen.is_thursday_working, true) as is_thursday_working,
    coalesce(chosen.is_friday_working, true) as is_friday_working,
    coalesce(chosen.is_saturday_working, false) as is_saturday_working,
    coalesce(chosen.is_sunday_working, false) as is_sunday_working,
    chosen.hours_per_day,
    chosen.snapshot_date as calendar_snapshot_date,
    chosen.source_file

from network_projects
left join chosen
    on chosen.network_month = network_projects.network_month
    and chosen.project_code = network_projects.project_code
