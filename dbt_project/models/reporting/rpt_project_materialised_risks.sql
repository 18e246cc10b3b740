-- One row per project and risk that materialised: a register in force in some month up to the
-- as-of date showed it 'occurred'. The risk as the latest of those months states it (title,
-- owner, cost and schedule impact at that month's rate), the month it was first seen occurred,
-- and its status in the latest register that lists it (it may have been closed since).

with

risks as (

    select * from {{ ref('int_risk_register_monthly') }}

),

occurred as (

    select
        project_code,
        risk_id,
        reporting_month,
        title,
        category,
        owner,
        impact_cost,
        impact_days,
        raised_date,
        min(reporting_month) over (partition by project_code, risk_id) as first_occurred_month,
        row_number() over (
            partition by project_code, risk_id order by reporting_month desc
        ) as recency

    from risks
    where risk_status = 'occurred'

),

latest as (

    select
        project_code,
        risk_id,
        reporting_month,
        risk_status,
        closed_date,
        row_number() over (
            partition by project_code, risk_id order by reporting_month desc
        ) as recency

    from risks

),

final as (

    select
        occurred.project_code,
        occurred.risk_id,
        occurred.title,
        occurred.category,
        occurred.owner,
        occurred.raised_date,
        occurred.first_occurred_month,
        occurred.reporting_month as last_occurred_month,
        occurred.impact_cost,
        occurred.impact_days,
        latest.risk_status as latest_status,
        latest.reporting_month as latest_register_month,
        latest.closed_date

    from occurred
    inner join latest
        on occurred.project_code = latest.project_code
        and occurred.risk_id = latest.risk_id
        and latest.recency = 1
    where occurred.recency = 1

)

select * from final
