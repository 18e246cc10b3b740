-- One row per project per month with actual cost up to the as-of date: labour (costed timesheet
-- hours) and vendor cost (invoices by invoice date), in the reporting currency, not cumulative.

with

timesheet_entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

),

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

labour as (

    select
        timesheet_entries.project_code,
        timesheet_entries.work_month as cost_month,
        sum(timesheet_entries.logged_hours) as logged_hours,
        coalesce(sum(timesheet_entries.labour_cost), 0) as labour_cost,
        cast(0 as {{ type_double() }}) as vendor_cost,
        sum(case when timesheet_entries.is_cost_missing then 1 else 0 end) as uncosted_entry_count

    from timesheet_entries
    cross join reporting_period
    where timesheet_entries.work_date <= reporting_period.as_of_date
    group by
        timesheet_entries.project_code,
        timesheet_entries.work_month

),

vendor as (

    select
        invoices.project_code,
        invoices.invoice_month as cost_month,
        cast(0 as {{ type_double() }}) as logged_hours,
        cast(0 as {{ type_double() }}) as labour_cost,
        coalesce(sum(invoices.invoice_amount), 0) as vendor_cost,
        sum(case when invoices.is_fx_rate_missing then 1 else 0 end) as uncosted_entry_count

    from invoices
    cross join reporting_period
    where invoices.invoice_date <= reporting_period.as_of_date
    group by
        invoices.project_code,
        invoices.invoice_month

),

unioned as (

    select * from labour

    union all

    select * from vendor

),

monthly as (

    select
        project_code,
        cost_month,
        sum(logged_hours) as logged_hours,
        sum(labour_cost) as labour_cost,
        sum(vendor_cost) as vendor_cost,
        sum(labour_cost) + sum(vendor_cost) as actual_cost,
        sum(uncosted_entry_count) as uncosted_entry_count

    from unioned
    group by
        project_code,
        cost_month

)

select * from monthly
