with

source as (

    select * from {{ source('raw', 'people') }}

),

renamed as (

    select

        ----------  ids
        employee_id,

        ----------  text
        full_name,
        email,
        team,
        role,
        employment_type,
        vendor,

        ----------  numerics
        capacity_hours_per_week,

        ----------  dates
        start_date,
        end_date,

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
