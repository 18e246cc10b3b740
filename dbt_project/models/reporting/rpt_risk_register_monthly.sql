-- One row per project, reporting month and risk of the register in force at the month's status
-- date (the project's latest risk snapshot on or before it): the register the MSR's risk tables,
-- the RIDAC log and the month-on-month risk changes read. Impact in the reporting currency at the
-- month's rate.

select
    project_code,
    reporting_month,
    risk_id,
    title,
    category,
    owner,
    risk_status,
    severity,
    probability_band,
    impact_band,
    probability_ratio,
    impact_cost,
    exposure_amount,
    impact_days,
    age_days,
    is_open,
    -- 1 for the open risk of the project's largest exposure in the month (then by risk id);
    -- NULL for a closed risk
    case
        when is_open
            then row_number() over (
                    partition by project_code, reporting_month, is_open
                    order by exposure_amount desc nulls last, risk_id asc
                )
    end as open_exposure_rank,
    raised_date,
    closed_date,
    register_snapshot_date

from {{ ref('int_risk_register_monthly') }}
