-- One row per project per status date of an earned_value import, its cumulative amounts
-- converted from the project's currency to the reporting currency at the rate of the status
-- month (future rows carrying planned value only use the latest known rate).

with

earned_value_imports as (

    select * from {{ ref('stg_raw__earned_value') }}

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

imports_with_currency as (

    {{ with_amount_currency('earned_value_imports', 'status_date', 'status_month') }}

),

imports_with_rate as (

    {{ with_reporting_rate('imports_with_currency', 'status_month') }}

),

converted as (

    select

        ----------  ids
        project_code,

        ----------  text
        original_currency,

        ----------  numerics
        fx_rate_to_reporting_currency,
        planned_value * fx_rate_to_reporting_currency as planned_value,
        earned_value * fx_rate_to_reporting_currency as earned_value,
        actual_cost * fx_rate_to_reporting_currency as actual_cost,
        budget_at_completion * fx_rate_to_reporting_currency as budget_at_completion,

        ----------  booleans
        (fx_rate_to_reporting_currency is null) as is_fx_rate_missing,

        ----------  dates
        status_date,
        status_month,

        ----------  lineage
        source_file,
        source_sha256,
        source_line

    from imports_with_rate

)

select * from converted
