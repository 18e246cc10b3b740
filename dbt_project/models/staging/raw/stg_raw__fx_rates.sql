-- rate_month is normalised to the first day of its month.

with

source as (

    select * from {{ source('raw', 'fx_rates') }}

),

renamed as (

    select

        ----------  ids
        upper(trim(currency)) as currency,

        ----------  numerics
        rate_to_reporting_currency,

        ----------  dates
        {{ month_start('rate_month') }} as rate_month,

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
