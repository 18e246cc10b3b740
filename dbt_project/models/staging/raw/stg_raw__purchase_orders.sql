with

source as (

    select * from {{ source('raw', 'purchase_orders') }}

),

renamed as (

    select

        ----------  ids
        po_number,
        project_code,

        ----------  text
        vendor,
        expense_type,
        upper(trim(currency)) as currency,

        ----------  numerics
        po_amount,

        ----------  dates
        po_date,

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
