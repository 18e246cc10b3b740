-- One row per currency and rate month: the rate and the months it stays in force (until the next
-- published rate of that currency). A month with no published rate uses the latest earlier one,
-- so a late finance upload never blanks a month's actuals; fx_rate_month on the converted rows
-- says which rate was used. Two rates for one month (e.g. dated the 1st and the 31st): the one
-- loaded last wins, so a correction file replaces the rate it corrects.

with

fx_rates as (

    select * from {{ ref('stg_raw__fx_rates') }}

),

deduplicated as (

    select
        currency,
        rate_month,
        rate_to_reporting_currency,
        row_number() over (
            partition by currency, rate_month
            order by loaded_at desc, source_sha256 desc, source_line desc
        ) as recency_rank

    from fx_rates

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

    from deduplicated
    where recency_rank = 1

)

select * from carried_forward
