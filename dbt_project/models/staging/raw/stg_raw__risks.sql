with

source as (

    select * from {{ source('raw', 'risks') }}

),

renamed as (

    select

        ----------  ids
        project_code,
        risk_id,

        ----------  text
        title,
        category,
        status as risk_status,
        owner,

        ----------  numerics
        probability as probability_ratio,
        impact_cost,
        impact_days,

        ----------  dates
        raised_date,
        closed_date,
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
