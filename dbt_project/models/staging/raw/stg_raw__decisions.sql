with

source as (

    select * from {{ source('raw', 'decisions') }}

),

renamed as (

    select

        ----------  ids
        project_code,
        decision_id,

        ----------  text
        title,
        owner,
        replace(coalesce(forum, 'project'), '_', ' ') as forum,
        replace(coalesce(
            status,
            case when decided_date is not null then 'decided' else 'open' end
        ), '_', ' ') as decision_status,
        outcome,

        ----------  dates
        raised_date,
        needed_by_date,
        decided_date,

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
