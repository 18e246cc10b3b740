-- Reconciliation that can fail: for every project-month whose actual cost comes from timesheets
-- and invoices, AC equals the costed timesheet entries plus the invoices dated on or before the
-- status date (to the cent). Returns the months that do not reconcile.

-- Shown in Dagster as a check on the earned-value mart, the number it protects.
{{ config(meta={'dagster': {'asset_key': ['fct_earned_value_monthly']}}) }}

with

earned_value as (

    select * from {{ ref('fct_earned_value_monthly') }}
    where actual_cost_source = 'timesheets_and_invoices'

),

timesheet_entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

),

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

labour as (

    select
        earned_value.project_code,
        earned_value.reporting_month,
        sum(timesheet_entries.labour_cost) as labour_cost

    from earned_value
    inner join timesheet_entries
        on earned_value.project_code = timesheet_entries.project_code
        and timesheet_entries.work_date <= earned_value.status_date
    group by
        earned_value.project_code,
        earned_value.reporting_month

),

vendor as (

    select
        earned_value.project_code,
        earned_value.reporting_month,
        sum(invoices.invoice_amount) as vendor_cost

    from earned_value
    inner join invoices
        on earned_value.project_code = invoices.project_code
        and invoices.invoice_date <= earned_value.status_date
    group by
        earned_value.project_code,
        earned_value.reporting_month

),

compared as (

    select
        earned_value.project_code,
        earned_value.reporting_month,
        earned_value.actual_cost,
        coalesce(labour.labour_cost, 0) + coalesce(vendor.vendor_cost, 0) as expected_actual_cost

    from earned_value
    left join labour
        on earned_value.project_code = labour.project_code
        and earned_value.reporting_month = labour.reporting_month
    left join vendor
        on earned_value.project_code = vendor.project_code
        and earned_value.reporting_month = vendor.reporting_month

)

select *
from compared
where abs(actual_cost - expected_actual_cost) >= 0.005
