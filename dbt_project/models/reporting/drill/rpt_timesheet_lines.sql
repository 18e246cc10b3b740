-- One row per timesheet line loaded: the rows behind labour actual cost, with the hours, the rate
-- and cost they were costed at (reporting currency), the person's name and the file and line they
-- came from. A view: a drill-down reads one project's month of it; nothing copies the lines.

with

entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

),

people as (

    select * from {{ ref('stg_raw__people') }}

),

final as (

    select

        ----------  ids
        entries.project_code,
        entries.employee_id,
        entries.task_key,

        ----------  text
        people.full_name,
        entries.role,
        entries.comment,

        ----------  numerics
        entries.logged_hours,
        entries.hourly_cost_rate,
        entries.labour_cost,

        ----------  booleans
        entries.is_billable,
        entries.is_cost_missing,

        ----------  dates
        entries.work_date,
        entries.work_month,

        ----------  lineage
        entries.source_file,
        entries.source_line

    from entries
    left join people
        on entries.employee_id = people.employee_id

)

select * from final
