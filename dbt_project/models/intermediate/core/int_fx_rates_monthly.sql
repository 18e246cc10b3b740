-- One row per currency and calendar month from the currency's first published rate on: the rate
-- in force that month (the month's own rate, else the latest earlier one; see
-- int_fx_rates_carried_forward) and the month that rate was published for. Every conversion joins
-- it on currency and month. A month before a currency's first rate has no row: its amounts stay
-- unconverted (NULL) and fct_fx_rate_gaps lists them. The latest rate stays in force for 1,200
-- months (the horizon int_project_periods also uses).

{{ config(materialized='table') }}

with

rate_ranges as (

    select * from {{ ref('int_fx_rates_carried_forward') }}

),

month_numbers as (

    {{ dbt.generate_series(1200) }}

),

months_in_force as (

    select
        rate_ranges.currency,
        {{ add_months('rate_ranges.valid_from_month', 'month_numbers.generated_number - 1') }}
            as amount_month,
        rate_ranges.valid_from_month as rate_month,
        rate_ranges.rate_to_reporting_currency

    from rate_ranges
    inner join month_numbers
        on month_numbers.generated_number <= coalesce(
            {{ months_between('rate_ranges.valid_from_month', 'rate_ranges.valid_to_month') }},
            1200
        )

)

select * from months_in_force
