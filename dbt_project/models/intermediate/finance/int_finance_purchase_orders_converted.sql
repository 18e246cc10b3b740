-- One row per purchase order dated on or before the as-of date, converted to the reporting
-- currency at the rate of the PO month, with what was invoiced against it by the as-of date
-- (invoiced_amount: each invoice at the rate of its own month, as in actual cost) and the
-- commitment still open. The order is a promise in its own currency, so the open commitment and
-- the over-invoicing flag are worked out in it: an invoice in the order's currency counts its own
-- amount, one in another currency its reporting-currency amount at the order's rate. Open = order
-- - invoiced, never below 0, converted at the order's rate; over-invoiced when the invoices exceed
-- the order by half a unit of its currency or more (less is instalments rounding, as in
-- rpt_vendor_invoice_checks) - an exchange-rate move between order and invoice is neither.
--
-- Classification shared with the vendor actuals: the cost category is the vendor's in the
-- vendor_cost_categories seed (vendor name compared case-insensitively), else 'vendor'; the
-- expense type is the order's, else opex.

with

purchase_orders as (

    select * from {{ ref('stg_raw__purchase_orders') }}

),

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

projects as (

    select * from {{ ref('stg_raw__projects') }}

),

vendor_cost_categories as (

    select * from {{ ref('vendor_cost_categories') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

vendor_categories as (

    select
        lower(trim(vendor)) as vendor_key,
        min(lower(trim(cost_category))) as cost_category

    from vendor_cost_categories
    group by lower(trim(vendor))

),

orders_with_currency as (

    {{ with_amount_currency(
        'purchase_orders', 'po_date', 'po_month', currency_column='currency', up_to_as_of=true
    ) }}

),

orders_with_rate as (

    {{ with_reporting_rate('orders_with_currency', 'po_month') }}

),

invoiced as (

    select
        orders_with_rate.po_number,
        count(*) as invoice_count,
        sum(invoices.invoice_amount) as invoiced_amount,
        sum(
            case
                when invoices.original_currency = orders_with_rate.original_currency
                    then invoices.original_amount
                else {{ safe_divide(
                    'invoices.invoice_amount', 'orders_with_rate.fx_rate_to_reporting_currency'
                ) }}
            end
        ) as invoiced_in_po_currency

    from invoices
    cross join reporting_period
    inner join orders_with_rate
        on invoices.po_number = orders_with_rate.po_number
    where invoices.invoice_date <= reporting_period.as_of_date
    group by orders_with_rate.po_number

),

converted as (

    select

        ----------  ids
        orders_with_rate.po_number,
        orders_with_rate.project_code,

        ----------  text
        orders_with_rate.vendor,
        coalesce(vendor_categories.cost_category, 'vendor') as cost_category,
        coalesce(orders_with_rate.expense_type, 'opex') as expense_type,
        orders_with_rate.original_currency,

        ----------  numerics
        orders_with_rate.po_amount as original_amount,
        orders_with_rate.fx_rate_to_reporting_currency,
        orders_with_rate.po_amount * orders_with_rate.fx_rate_to_reporting_currency as po_amount,
        coalesce(invoiced.invoice_count, 0) as invoice_count,
        coalesce(invoiced.invoiced_amount, 0) as invoiced_amount,
        coalesce(invoiced.invoiced_in_po_currency, 0) as invoiced_in_po_currency,

        ----------  booleans
        (orders_with_rate.fx_rate_to_reporting_currency is null) as is_fx_rate_missing,

        ----------  dates
        orders_with_rate.po_date,
        orders_with_rate.po_month,

        ----------  lineage
        orders_with_rate.source_file,
        orders_with_rate.source_sha256,
        orders_with_rate.source_line

    from orders_with_rate
    left join invoiced
        on orders_with_rate.po_number = invoiced.po_number
    left join vendor_categories
        on lower(trim(orders_with_rate.vendor)) = vendor_categories.vendor_key

),

final as (

    select
        converted.*,
        case
            when original_amount - invoiced_in_po_currency < 0 then cast(0 as {{ type_double() }})
            else (original_amount - invoiced_in_po_currency) * fx_rate_to_reporting_currency
        end as open_commitment_amount,
        (invoiced_in_po_currency - original_amount >= 0.5) as is_over_invoiced

    from converted

)

select * from final
