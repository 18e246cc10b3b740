with

source as (

    select * from {{ source('raw', 'dependencies') }}

),

renamed as (

    select

        ----------  ids
        project_code,
        task_key,
        coalesce(predecessor_project_code, project_code) as predecessor_project_code,
        predecessor_key,

        ----------  link
        upper(coalesce(link_type, 'fs')) as link_type,
        coalesce(lag_days, 0) as lag_days,

        ----------  booleans
        coalesce(predecessor_project_code, project_code) <> project_code as is_cross_project,

        ----------  dates
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
