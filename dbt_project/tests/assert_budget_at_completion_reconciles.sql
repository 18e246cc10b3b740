-- Reconciliation that can fail: for every project-month measured against a budget baseline, BAC
-- equals the sum of that baseline version's budget lines (to the cent). Returns the months that
-- do not reconcile.

-- Shown in Dagster as a check on the earned-value mart, the number it protects.
{{ config(meta={'dagster': {'asset_key': ['fct_earned_value_monthly']}}) }}

with

earned_value as (

    select * from {{ ref('fct_earned_value_monthly') }}
    where baseline_version <> 'earned_value_import'

),

budget_lines as (

    select * from {{ ref('int_budgets_current_baseline') }}

),

baseline_totals as (

    select
        project_code,
        baseline_version,
        sum(budget_amount) as budget_total

    from budget_lines
    group by
        project_code,
        baseline_version

),

compared as (

    select
        earned_value.project_code,
        earned_value.reporting_month,
        earned_value.baseline_version,
        earned_value.budget_at_completion,
        baseline_totals.budget_total

    from earned_value
    left join baseline_totals
        on earned_value.project_code = baseline_totals.project_code
        and earned_value.baseline_version = baseline_totals.baseline_version

)

select *
from compared
where
    budget_total is null
    or budget_at_completion is null
    or abs(budget_at_completion - budget_total) >= 0.005
