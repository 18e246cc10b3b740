-- One row per purchase order dated on or before the as-of date, converted to the reporting
-- currency at the rate of the PO month, with what was invoiced against it by the as-of date and
-- the commitment still open (PO amount - invoiced, never below 0: an over-invoiced order commits
-- nothing more and is flagged). Invoices count at the rate of their own month.
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

    select
        purchase_orders.*,
        {{ month_start('purchase_orders.po_date') }} as po_month,
        coalesce(
            purchase_orders.currency, projects.currency, reporting_period.reporting_currency
        ) as original_currency,
        reporting_period.reporting_currency

    from purchase_orders
    cross join reporting_period
    left join projects
        on purchase_orders.project_code = projects.project_code
    where purchase_orders.po_date <= reporting_period.as_of_date

),

orders_with_rate as (

    select
        orders_with_currency.*,
        case
            when orders_with_currency.original_currency = orders_with_currency.reporting_currency
                then cast(1 as {{ type_double() }})
            else fx_rates.rate_to_reporting_currency
        end as fx_rate_to_reporting_currency

    from orders_with_currency
    left join fx_rates
        on orders_with_currency.original_currency = fx_rates.currency
        and orders_with_currency.original_currency <> orders_with_currency.reporting_currency
        and orders_with_currency.po_month = fx_rates.amount_month

),

invoiced as (

    select
        invoices.po_number,
        count(*) as invoice_count,
        sum(invoices.invoice_amount) as invoiced_amount

    from invoices
    cross join reporting_period
    where
        invoices.po_number is not null
        and invoices.invoice_date <= reporting_period.as_of_date
    group by invoices.po_number

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
            when po_amount - invoiced_amount < 0 then cast(0 as {{ type_double() }})
            else po_amount - invoiced_amount
        end as open_commitment_amount,
        (invoiced_amount > po_amount) as is_over_invoiced

    from converted

)

select * from final
