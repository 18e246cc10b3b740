with

source as (

    select * from {{ source('raw', 'invoices') }}

),

renamed as (

    select

        ----------  ids
        invoice_number,
        po_number,
        project_code,

        ----------  text
        vendor,
        upper(trim(currency)) as currency,

        ----------  numerics
        amount as invoice_amount,

        ----------  dates
        invoice_date,
        paid_date,

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
