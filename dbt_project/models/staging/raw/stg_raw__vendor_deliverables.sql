with

source as (

    select * from {{ source('raw', 'vendor_deliverables') }}

),

renamed as (

    select

        ----------  ids
        contract_id,
        deliverable_id,

        ----------  text
        deliverable_name,
        trim(vendor) as vendor,

        ----------  dates
        due_date,
        accepted_date,

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
