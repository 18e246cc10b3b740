-- One row per currency and rate month: the rate and the months it stays in force (until the next
-- published rate of that currency). A month with no published rate uses the latest earlier one,
-- so a late finance upload never blanks a month's actuals; fx_rate_month on the converted rows
-- says which rate was used.

with

fx_rates as (

    select * from {{ ref('stg_raw__fx_rates') }}

),

carried_forward as (

    select
        currency,
        rate_month as valid_from_month,
        lead(rate_month) over (
            partition by currency
            order by rate_month
        ) as valid_to_month,
        rate_to_reporting_currency

    from fx_rates

)

select * from carried_forward
