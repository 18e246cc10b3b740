with

source as (

    select * from {{ source('raw', 'sla_measurements') }}

),

renamed as (

    select

        ----------  ids
        contract_id,
        replace(lower(trim(metric)), ' ', '_') as metric,
        trim(vendor) as vendor,

        ----------  numerics
        actual,

        ----------  dates
        period_start,

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
