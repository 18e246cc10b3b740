-- One row per vendor invoice dated by the as-of date, checked against its purchase order:
-- 'no PO' (none quoted), 'unknown PO' (a number no purchase order dated by the as-of date
-- carries), 'PO of another vendor', 'exceeds PO remaining' (its amount is more than the order's
-- amount less what earlier invoices against it took: invoices in date order, then by number),
-- else 'matches PO'. Amounts in the reporting currency (invoices at their month's rate, orders
-- at theirs); a cent of rounding is tolerated.

with

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

purchase_orders as (

    select * from {{ ref('int_finance_purchase_orders_converted') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

dated_invoices as (

    select invoices.*
    from invoices
    cross join reporting_period
    where invoices.invoice_date <= reporting_period.as_of_date

),

running as (

    select
        dated_invoices.*,
        coalesce(
            sum(dated_invoices.invoice_amount) over (
                partition by dated_invoices.po_number
                order by dated_invoices.invoice_date, dated_invoices.invoice_number
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as invoiced_before_amount

    from dated_invoices

),

checked as (

    select
        running.*,
        purchase_orders.po_number as matched_po_number,
        purchase_orders.vendor as po_vendor,
        purchase_orders.po_amount,
        purchase_orders.po_amount - running.invoiced_before_amount as po_remaining_before_amount,
        case
            when running.po_number is null then 'no PO'
            when purchase_orders.po_number is null then 'unknown PO'
            when lower(trim(purchase_orders.vendor)) <> lower(trim(running.vendor))
                then 'PO of another vendor'
            when running.invoice_amount
                > purchase_orders.po_amount - running.invoiced_before_amount + 0.005
                then 'exceeds PO remaining'
            else 'matches PO'
        end as po_check

    from running
    left join purchase_orders
        on running.po_number = purchase_orders.po_number

),

final as (

    select

        ----------  ids
        vendor,
        invoice_number,
        lower(trim(vendor)) as vendor_key,
        po_number,
        project_code,

        ----------  text
        po_check,
        original_currency,

        ----------  numerics
        original_amount,
        invoice_amount,
        po_amount,
        invoiced_before_amount,
        po_remaining_before_amount,

        ----------  booleans
        (po_check = 'matches PO') as is_accurate,
        is_fx_rate_missing,

        ----------  dates
        invoice_date,
        invoice_month,

        ----------  lineage
        source_file,
        source_line

    from checked

)

select * from final
