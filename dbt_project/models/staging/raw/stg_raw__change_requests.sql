with

source as (

    select * from {{ source('raw', 'change_requests') }}

),

renamed as (

    select

        ----------  ids
        change_id,
        project_code,

        ----------  text
        title,
        status as change_request_status,

        ----------  numerics
        cost_impact,
        schedule_impact_days,

        ----------  dates
        raised_date,
        decision_date,

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
