-- One row per vendor invoice dated by the as-of date, checked against its purchase order:
-- 'no PO' (none quoted), 'unknown PO' (a number no purchase order dated by the as-of date
-- carries), 'PO of another vendor', 'exceeds PO remaining' (its amount is more than the order's
-- amount less what earlier invoices against it took: invoices in date order, then by number),
-- else 'matches PO'. Amounts in the reporting currency (invoices at their month's rate, orders
-- at theirs).
--
-- The remaining amount is compared in the order's own currency when the invoice and the earlier
-- invoices against the order are in it (an order fully invoiced in its currency matches, however
-- the exchange rate moved between the order's month and the invoice's), else in the reporting
-- currency; to the cent, and an excess below half a unit of that currency (0.50) is rounding
-- (instalments that add up to a cent more than the order), not an overrun. po_excess_amount is
-- the excess of an invoice over the order's remaining amount, in the reporting currency (at the
-- invoice's rate when compared in the order's currency).

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
        ) as invoiced_before_amount,
        coalesce(
            sum(dated_invoices.original_amount) over (
                partition by dated_invoices.po_number, dated_invoices.original_currency
                order by dated_invoices.invoice_date, dated_invoices.invoice_number
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as invoiced_before_original_amount,
        count(*) over (
            partition by dated_invoices.po_number
            order by dated_invoices.invoice_date, dated_invoices.invoice_number
            rows between unbounded preceding and 1 preceding
        ) as invoices_before_count,
        count(*) over (
            partition by dated_invoices.po_number, dated_invoices.original_currency
            order by dated_invoices.invoice_date, dated_invoices.invoice_number
            rows between unbounded preceding and 1 preceding
        ) as invoices_before_in_currency_count

    from dated_invoices

),

compared as (

    select
        running.*,
        purchase_orders.po_number as matched_po_number,
        purchase_orders.vendor as po_vendor,
        purchase_orders.po_amount,
        purchase_orders.po_amount - running.invoiced_before_amount as po_remaining_before_amount,
        (
            running.original_currency = purchase_orders.original_currency
            and running.invoices_before_count = running.invoices_before_in_currency_count
        ) as is_compared_in_po_currency,
        cast({{ round_decimal(
            'running.original_amount'
            ~ ' - (purchase_orders.original_amount - running.invoiced_before_original_amount)',
            2
        ) }} as {{ type_double() }}) as excess_in_po_currency,
        cast({{ round_decimal(
            'running.invoice_amount'
            ~ ' - (purchase_orders.po_amount - running.invoiced_before_amount)',
            2
        ) }} as {{ type_double() }}) as excess_in_reporting_currency

    from running
    left join purchase_orders
        on running.po_number = purchase_orders.po_number

),

checked as (

    select
        compared.*,
        case
            when compared.is_compared_in_po_currency
                then compared.excess_in_po_currency >= 0.5
            else compared.excess_in_reporting_currency >= 0.5
        end as is_over_po_remaining

    from compared

),

classified as (

    select
        checked.*,
        case
            when checked.po_number is null then 'no PO'
            when checked.matched_po_number is null then 'unknown PO'
            when lower(trim(checked.po_vendor)) <> lower(trim(checked.vendor))
                then 'PO of another vendor'
            when checked.is_over_po_remaining then 'exceeds PO remaining'
            else 'matches PO'
        end as po_check

    from checked

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
        case
            when po_check <> 'exceeds PO remaining' then null
            when is_compared_in_po_currency
                then excess_in_po_currency * fx_rate_to_reporting_currency
            else excess_in_reporting_currency
        end as po_excess_amount,

        ----------  booleans
        (po_check = 'matches PO') as is_accurate,
        is_fx_rate_missing,

        ----------  dates
        invoice_date,
        invoice_month,

        ----------  lineage
        source_file,
        source_line

    from classified

)

select * from final
