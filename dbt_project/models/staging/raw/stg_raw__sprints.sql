with

source as (

    select * from {{ source('raw', 'sprints') }}

),

renamed as (

    select

        ----------  ids
        project_code,
        sprint_name,

        ----------  text
        team,

        ----------  dates
        start_date,
        end_date,
        complete_date,

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
