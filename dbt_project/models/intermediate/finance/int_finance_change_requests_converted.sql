-- One row per change request, its cost impact converted from the project's currency to the
-- reporting currency at the rate of the month it took effect: the decision month, else (no
-- decision date) the month it was raised. is_approved_by_as_of says whether it counts as an
-- approved scope change at the as-of date.

with

change_requests as (

    select * from {{ ref('stg_raw__change_requests') }}

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

with_currency as (

    select
        change_requests.*,
        coalesce(change_requests.decision_date, change_requests.raised_date) as effective_date,
        {{ month_start('coalesce(change_requests.decision_date, change_requests.raised_date)') }}
            as effective_month,
        coalesce(projects.currency, reporting_period.reporting_currency) as original_currency,
        reporting_period.reporting_currency,
        reporting_period.as_of_date

    from change_requests
    cross join reporting_period
    left join projects
        on change_requests.project_code = projects.project_code

),

with_rate as (

    {{ with_reporting_rate('with_currency', 'effective_month') }}

),

converted as (

    select

        ----------  ids
        change_id,
        project_code,

        ----------  text
        title,
        change_request_status,
        original_currency,

        ----------  numerics
        cost_impact as original_cost_impact,
        fx_rate_to_reporting_currency,
        cost_impact * fx_rate_to_reporting_currency as cost_impact,
        schedule_impact_days,

        ----------  booleans
        (
            change_request_status = 'approved' and effective_date <= as_of_date
        ) as is_approved_by_as_of,
        (fx_rate_to_reporting_currency is null) as is_fx_rate_missing,

        ----------  dates
        raised_date,
        decision_date,
        effective_date,
        effective_month

    from with_rate

)

select * from converted
