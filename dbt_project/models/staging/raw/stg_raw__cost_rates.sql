with

source as (

    select * from {{ source('raw', 'cost_rates') }}

),

renamed as (

    select

        ----------  ids
        employee_id,
        role,

        ----------  text
        upper(trim(currency)) as currency,

        ----------  numerics
        hourly_cost_rate,

        ----------  dates
        effective_from,

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
