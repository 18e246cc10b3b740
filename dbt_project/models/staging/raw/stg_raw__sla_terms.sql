with

source as (

    select * from {{ source('raw', 'sla_terms') }}

),

renamed as (

    select

        ----------  ids
        contract_id,
        replace(lower(trim(metric)), ' ', '_') as metric,
        priority,

        ----------  text
        direction,
        coalesce(period, 'monthly') as sla_period,
        unit,

        ----------  numerics
        target,
        coalesce(compliance_target_pct, 100) as compliance_target_pct,

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
