-- One row per vendor contract starting on or before the as-of date, its value converted to the
-- reporting currency at the rate of its start month (as purchase orders are at their order
-- month). A contract without a currency is in its project's currency, else the reporting
-- currency. The vendor is named as the vendors master names it (names compared
-- case-insensitively), else as the contract does.

with

contracts as (

    select * from {{ ref('stg_raw__contracts') }}

),

vendors as (

    select * from {{ ref('stg_raw__vendors') }}

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

contracts_with_currency as (

    {{ with_amount_currency(
        'contracts', 'start_date', 'start_month', currency_column='currency', up_to_as_of=true
    ) }}

),

contracts_with_rate as (

    {{ with_reporting_rate('contracts_with_currency', 'start_month') }}

),

converted as (

    select

        ----------  ids
        contracts_with_rate.contract_id,
        contracts_with_rate.vendor_key,
        contracts_with_rate.project_code,

        ----------  text
        coalesce(vendors.vendor, contracts_with_rate.vendor) as vendor,
        contracts_with_rate.contract_type,
        contracts_with_rate.sow_reference,
        contracts_with_rate.po_number,
        contracts_with_rate.owner,
        contracts_with_rate.original_currency,

        ----------  numerics
        contracts_with_rate.contract_value as original_contract_value,
        contracts_with_rate.fx_rate_to_reporting_currency,
        contracts_with_rate.contract_value * contracts_with_rate.fx_rate_to_reporting_currency
            as contract_value,

        ----------  booleans
        (contracts_with_rate.fx_rate_to_reporting_currency is null) as is_fx_rate_missing,
        (vendors.vendor_key is not null) as is_listed_vendor,

        ----------  dates
        contracts_with_rate.start_date,
        contracts_with_rate.end_date,
        contracts_with_rate.start_month,
        {{ month_start('contracts_with_rate.end_date') }} as end_month,

        ----------  lineage
        contracts_with_rate.source_file,
        contracts_with_rate.source_line

    from contracts_with_rate
    left join vendors
        on contracts_with_rate.vendor_key = vendors.vendor_key

)

select * from converted
