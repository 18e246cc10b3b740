-- One row per project and reporting month with a status note: the project manager's word for
-- the month, the one every page and pack reads (steering view, MSR, project page), with the
-- measured overall health of the month beside the manager's colour.
--
-- Two notes for one project and month (a warn-level staging test reports them): the one loaded
-- last, then the later file and line, is the manager's word; note_count says how many there
-- were. Text as written; blank texts are NULL.

with

status_notes as (

    select * from {{ ref('stg_raw__status_notes') }}

),

project_health as (

    select * from {{ ref('rpt_project_health_monthly') }}

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
        ranked.project_code,
        ranked.reporting_month,
        ranked.author,
        ranked.overall_status,
        project_health.overall_status as measured_overall_status,
        nullif(trim(ranked.summary), '') as summary,
        nullif(trim(ranked.accomplishments), '') as accomplishments,
        nullif(trim(ranked.next_steps), '') as next_steps,
        nullif(trim(ranked.decisions_needed), '') as decisions_needed,
        nullif(trim(ranked.decision_owner), '') as decision_owner,
        ranked.decision_due_date,
        ranked.note_count,
        ranked.source_file,
        ranked.source_line

    from ranked
    left join project_health
        on ranked.project_code = project_health.project_code
        and ranked.reporting_month = project_health.reporting_month
    where ranked.note_order = 1

)

select * from final
