with

source as (

    select * from {{ source('raw', 'calendar_exceptions') }}

),

renamed as (

    select

        ----------  ids
        project_code,
        project_code is null as is_every_project,
        exception_name,

        ----------  booleans
        coalesce(is_working, false) as is_working,

        ----------  dates
        start_date,
        end_date,
        snapshot_date,

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
