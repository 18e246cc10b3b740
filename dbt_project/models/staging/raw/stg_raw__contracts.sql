with

source as (

    select * from {{ source('raw', 'contracts') }}

),

renamed as (

    select

        ----------  ids
        contract_id,
        trim(vendor) as vendor,
        lower(trim(vendor)) as vendor_key,
        project_code,

        ----------  text
        coalesce(replace(contract_type, '_', ' '), 'not stated') as contract_type,
        sow_reference,
        po_number,
        upper(trim(currency)) as currency,
        owner,

        ----------  numerics
        contract_value,

        ----------  dates
        start_date,
        end_date,

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
