-- One row per project, reporting month and risk that is new in the month (raised in it, or in
-- the register for the first time when no raised date is given) or materialised in it (occurred
-- now, not the month before): the MSR's "new and materialised risks". Amounts in the reporting
-- currency, from the register in force each month.

with

risk_register as (

    select * from {{ ref('rpt_risk_register_monthly') }}

),

final as (

    select
        current_month.project_code,
        current_month.reporting_month,
        current_month.risk_id,
        current_month.title,
        case
            -- in parentheses: sqlfluff parses `is distinct from` in a CASE only so
            when current_month.risk_status = 'occurred'
                and (previous_month.risk_status is distinct from 'occurred')
                then 'materialised'
            else 'new'
        end as risk_change,
        previous_month.risk_status as previous_risk_status,
        current_month.risk_status,
        current_month.severity,
        current_month.exposure_amount,
        current_month.impact_cost,
        current_month.owner,
        current_month.raised_date

    from risk_register as current_month
    left join risk_register as previous_month
        on current_month.project_code = previous_month.project_code
        and current_month.risk_id = previous_month.risk_id
        and previous_month.reporting_month
        = {{ dbt.dateadd('month', -1, 'current_month.reporting_month') }}
    where
        (
            current_month.risk_status = 'occurred'
            and previous_month.risk_status is distinct from 'occurred'
        )
        or date_trunc('month', current_month.raised_date) = current_month.reporting_month
        or (current_month.raised_date is null and previous_month.risk_id is null)

)

select * from final
