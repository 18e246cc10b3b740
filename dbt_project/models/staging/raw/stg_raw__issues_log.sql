with

source as (

    select * from {{ source('raw', 'issues_log') }}

),

renamed as (

    select

        ----------  ids
        project_code,
        issue_id,

        ----------  text
        title,
        owner,
        coalesce(priority, 'medium') as priority,
        replace(coalesce(escalation_level, 'project'), '_', ' ') as escalation_level,
        replace(coalesce(
            status,
            case when resolved_date is not null then 'resolved' else 'open' end
        ), '_', ' ') as issue_status,

        ----------  dates
        raised_date,
        due_date,
        resolved_date,

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
