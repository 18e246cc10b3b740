-- One row per vendor invoice, its amount converted to the reporting currency at the rate of the
-- invoice month. An invoice without a currency is in its project's currency (else the reporting
-- currency). Invoices are vendor actual cost on their invoice date.

with

invoices as (

    select * from {{ ref('stg_raw__invoices') }}

),

projects as (

    select * from {{ ref('stg_raw__projects') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

invoices_with_currency as (

    {{ with_amount_currency(
        'invoices', 'invoice_date', 'invoice_month', currency_column='currency'
    ) }}

),

invoices_with_rate as (

    {{ with_reporting_rate('invoices_with_currency', 'invoice_month') }}

),

converted as (

    select

        ----------  ids
        vendor,
        invoice_number,
        po_number,
        project_code,

        ----------  text
        original_currency,

        ----------  numerics
        invoice_amount as original_amount,
        fx_rate_to_reporting_currency,
        invoice_amount * fx_rate_to_reporting_currency as invoice_amount,

        ----------  booleans
        (fx_rate_to_reporting_currency is null) as is_fx_rate_missing,

        ----------  dates
        invoice_date,
        invoice_month,
        paid_date,

        ----------  lineage
        source_file,
        source_sha256,
        source_line

    from invoices_with_rate

)

select * from converted
