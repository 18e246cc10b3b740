-- report_month becomes reporting_month, the first day of the month.

with

source as (

    select * from {{ source('raw', 'status_notes') }}

),

renamed as (

    select

        ----------  ids
        project_code,

        ----------  text
        author,
        overall_status,
        summary,
        accomplishments,
        next_steps,
        decisions_needed,
        decision_owner,

        ----------  dates
        {{ month_start('report_month') }} as reporting_month,
        decision_due_date,

        ----------  lineage
        source_file,
        source_sha256,
        source_line,
        source_format,
        load_id,
        loaded_at

    from source

)

select * from renamed
