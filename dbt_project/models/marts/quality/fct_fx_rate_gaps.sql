-- One row per project, entity, currency and month in which an amount could not be converted to
-- the reporting currency because fx_rates has no rate for that currency in or before that month.
-- Such amounts are left out of every total (they are NULL, never a guess): this model is what
-- makes the blank visible, in the data-quality report, `pmo status`, the dashboards and the
-- packs. Only amounts dated on or before the as-of date are listed (a future planned-value row
-- without a rate is not yet a gap in anything reported).

with

budget_lines as (

    select * from {{ ref('int_budgets_current_baseline') }}

),

timesheet_entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

),

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

purchase_orders as (

    select * from {{ ref('int_finance_purchase_orders_converted') }}

),

change_requests as (

    select * from {{ ref('int_finance_change_requests_converted') }}

),

earned_value_imports as (

    select * from {{ ref('int_earned_value_imports_converted') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

unconverted as (

    select
        project_code,
        'budgets' as entity,
        original_currency as currency,
        budget_month as amount_month,
        original_amount
    from budget_lines
    where is_fx_rate_missing and not is_carried_from_earlier_baseline

    union all

    select
        project_code,
        'timesheets' as entity,
        cost_rate_currency as currency,
        work_month as amount_month,
        logged_hours * hourly_cost_rate as original_amount
    from timesheet_entries
    where hourly_cost_rate is not null and fx_rate_to_reporting_currency is null

    union all

    select
        project_code,
        'invoices' as entity,
        original_currency as currency,
        invoice_month as amount_month,
        original_amount
    from invoices
    where is_fx_rate_missing

    union all

    select
        project_code,
        'purchase_orders' as entity,
        original_currency as currency,
        po_month as amount_month,
        original_amount
    from purchase_orders
    where is_fx_rate_missing

    union all

    select
        project_code,
        'change_requests' as entity,
        original_currency as currency,
        effective_month as amount_month,
        original_cost_impact as original_amount
    from change_requests
    where is_fx_rate_missing

    union all

    select
        project_code,
        'earned_value' as entity,
        original_currency as currency,
        status_month as amount_month,
        -- the import keeps no unconverted amounts: the row count tells the gap
        cast(null as {{ type_double() }}) as original_amount
    from earned_value_imports
    where is_fx_rate_missing

),

gaps as (

    select

        ----------  ids
        unconverted.project_code,
        unconverted.entity,
        unconverted.currency,
        unconverted.amount_month,

        ----------  text
        reporting_period.reporting_currency,

        ----------  numerics
        count(*) as row_count,
        sum(unconverted.original_amount) as original_amount

    from unconverted
    cross join reporting_period
    where unconverted.amount_month <= reporting_period.as_of_month
    group by
        unconverted.project_code,
        unconverted.entity,
        unconverted.currency,
        unconverted.amount_month,
        reporting_period.reporting_currency

)

select * from gaps
