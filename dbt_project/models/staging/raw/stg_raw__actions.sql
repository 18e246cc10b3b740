with

source as (

    select * from {{ source('raw', 'actions') }}

),

renamed as (

    select

        ----------  ids
        project_code,
        action_id,
        related_id,

        ----------  text
        title,
        owner,
        replace(coalesce(
            status,
            case when completed_date is not null then 'done' else 'open' end
        ), '_', ' ') as action_status,

        ----------  dates
        raised_date,
        due_date,
        completed_date,

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
