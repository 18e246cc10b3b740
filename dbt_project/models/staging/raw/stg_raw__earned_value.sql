with

source as (

    select * from {{ source('raw', 'earned_value') }}

),

renamed as (

    select

        ----------  ids
        project_code,

        ----------  numerics
        planned_value,
        earned_value,
        actual_cost,
        budget_at_completion,

        ----------  dates
        status_date,

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
