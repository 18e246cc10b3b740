with

source as (

    select * from {{ source('raw', 'service_tickets') }}

),

renamed as (

    select

        ----------  ids
        ticket_id,
        trim(vendor) as vendor,
        lower(trim(vendor)) as vendor_key,
        contract_id,

        ----------  text
        priority,
        assignment_group,
        short_description,

        ----------  timestamps
        created_at,
        responded_at,
        resolved_at,

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
