with

source as (

    select * from {{ source('raw', 'milestones') }}

),

renamed as (

    select

        ----------  ids
        project_code,
        milestone_name,

        ----------  dates
        baseline_date,
        forecast_date,
        actual_date,
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
