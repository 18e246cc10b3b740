-- One row per project and reporting month with a status note: the project manager's word for
-- the month, the one every page and pack reads (steering view, MSR, project page).
--
-- Two notes for one project and month (a warn-level staging test reports them): the one loaded
-- last, then the later file and line, is the manager's word; note_count says how many there
-- were. Text as written; blank texts are NULL.

with

status_notes as (

    select * from {{ ref('stg_raw__status_notes') }}

),

ranked as (

    select
        status_notes.*,
        row_number() over (
            partition by project_code, reporting_month
            order by loaded_at desc, source_file desc, source_line desc
        ) as note_order,
        count(*) over (partition by project_code, reporting_month) as note_count

    from status_notes

),

final as (

    select
        project_code,
        reporting_month,
        author,
        overall_status,
        nullif(trim(summary), '') as summary,
        nullif(trim(accomplishments), '') as accomplishments,
        nullif(trim(next_steps), '') as next_steps,
        nullif(trim(decisions_needed), '') as decisions_needed,
        nullif(trim(decision_owner), '') as decision_owner,
        decision_due_date,
        note_count,
        source_file,
        source_line

    from ranked
    where note_order = 1

)

select * from final
