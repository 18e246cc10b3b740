-- One row per invoice loaded: the rows behind invoiced actual cost and the invoice ageing, in the
-- invoice's own currency and in the reporting currency at its month's rate, with the file and line
-- it came from. A view: a drill-down reads one project's invoices of it.

with

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

final as (

    select

        ----------  ids
        project_code,
        vendor,
        invoice_number,
        po_number,

        ----------  text
        original_currency,

        ----------  numerics
        original_amount,
        fx_rate_to_reporting_currency,
        invoice_amount,

        ----------  booleans
        is_fx_rate_missing,

        ----------  dates
        invoice_date,
        invoice_month,
        paid_date,

        ----------  lineage
        source_file,
        source_line

    from invoices

)

select * from final
