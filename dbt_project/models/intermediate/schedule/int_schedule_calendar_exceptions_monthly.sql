-- The calendar exceptions of every project in each month's schedule network: the project's own
-- (from each source: its MS Project plan, a canonical file naming it) and those of every
-- project (a PMO's holiday list without project_code). Per project (or every project) and
-- source, the latest snapshot on or before the month's end is in force, else the first one (a
-- holiday list dropped later still holds for the months before it). A day is off when a
-- non-working exception covers it and no working one does (the critical path pass reads it so).

with

exceptions as (

    select * from {{ ref('stg_raw__calendar_exceptions') }}

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

snapshots as (

    select distinct
        exceptions.project_code,
        exceptions.is_every_project,
        exceptions.source_format,
        exceptions.snapshot_date
    from exceptions
    cross join reporting_period
    where exceptions.snapshot_date <= reporting_period.as_of_date

),

in_force as (

    select
        network_projects.network_month,
        network_projects.project_code,
        snapshots.is_every_project,
        snapshots.source_format,
        snapshots.snapshot_date,
        row_number() over (
            partition by
                network_projects.network_month,
                network_projects.project_code,
                snapshots.is_every_project,
                snapshots.source_format
            order by
                {{ in_force_first('snapshots.snapshot_date', 'network_projects.network_month') }}
        ) as preference

    from network_projects
    inner join snapshots
        on snapshots.project_code = network_projects.project_code
        or snapshots.is_every_project

)

select
    in_force.network_month,
    in_force.project_code,
    exceptions.exception_name,
    exceptions.start_date,
    exceptions.end_date,
    exceptions.is_working,
    exceptions.is_every_project,
    exceptions.snapshot_date,
    exceptions.source_file,
    exceptions.source_line

from in_force
inner join exceptions
    on exceptions.is_every_project = in_force.is_every_project
    and (exceptions.project_code = in_force.project_code or exceptions.is_every_project)
    and exceptions.source_format = in_force.source_format
    and exceptions.snapshot_date = in_force.snapshot_date
where in_force.preference = 1
