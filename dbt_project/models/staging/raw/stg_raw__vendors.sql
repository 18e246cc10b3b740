with

source as (

    select * from {{ source('raw', 'vendors') }}

),

renamed as (

    select

        ----------  ids
        trim(vendor) as vendor,
        lower(trim(vendor)) as vendor_key,

        ----------  text
        vendor_category,
        relationship_owner,
        coalesce(status, 'active') as vendor_status,
        country,

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
