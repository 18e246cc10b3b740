-- One row per project, reporting month and risk category of the register in force at the
-- month's status date: its open risks, high risks and exposure (probability x cost impact) in
-- the reporting currency. A category whose risks are all closed keeps its row with zero
-- exposure, so a trend shows the drop; a risk without a category is 'Uncategorised'
-- (int_risk_register_monthly).
-- The categories of a project-month add up to fct_risk_exposure_monthly.

with

register as (

    select * from {{ ref('int_risk_register_monthly') }}

),

final as (

    select

        ----------  ids
        project_code,
        reporting_month,
        category,

        ----------  numerics
        count(case when is_open then 1 end) as open_risk_count,
        count(case when is_open and severity = 'high' then 1 end) as open_high_risk_count,
        coalesce(sum(case when is_open then exposure_amount end), 0) as open_risk_exposure_amount,
        coalesce(sum(case when is_open then impact_cost end), 0) as open_risk_impact_amount

    from register
    group by
        project_code,
        reporting_month,
        category

)

select * from final
