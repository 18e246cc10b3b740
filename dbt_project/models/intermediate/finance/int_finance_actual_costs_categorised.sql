-- One row per project, cost month, cost category and expense type (capex/opex): the actual cost
-- dated on or before the as-of date, in the reporting currency, not cumulative. The same costs
-- as int_actual_costs_monthly (so the lines of a month add up to its AC), classified:
--
-- * labour (costed timesheet entries) is category 'labour'. Its expense type follows the
--   project's labour budget in the current baseline: split in proportion to the capex and opex
--   labour lines of the work month; a month without labour budget uses the proportions of the
--   whole labour budget; a project with no labour budget books it all as opex. With one labour
--   line (the usual case) the split is simply that line's expense type.
-- * vendor cost (invoices by invoice date) takes the vendor's category from the
--   vendor_cost_categories seed (else 'vendor') and the expense type of its purchase order
--   (else opex).

with

timesheet_entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

),

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

purchase_orders as (

    select * from {{ ref('stg_raw__purchase_orders') }}

),

budget_lines as (

    select * from {{ ref('int_budgets_current_baseline') }}

),

vendor_cost_categories as (

    select * from {{ ref('vendor_cost_categories') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

----------  labour: costed hours per project and month

labour_monthly as (

    select
        timesheet_entries.project_code,
        timesheet_entries.work_month as cost_month,
        sum(timesheet_entries.logged_hours) as logged_hours,
        coalesce(sum(timesheet_entries.labour_cost), 0) as labour_cost

    from timesheet_entries
    cross join reporting_period
    where timesheet_entries.work_date <= reporting_period.as_of_date
    group by
        timesheet_entries.project_code,
        timesheet_entries.work_month

),

----------  the capex/opex split of the labour budget (current baseline)

labour_budget as (

    select
        project_code,
        budget_month,
        expense_type,
        sum(budget_amount) as budget_amount

    from budget_lines
    where is_current_baseline and lower(trim(cost_category)) = 'labour'
    group by
        project_code,
        budget_month,
        expense_type

),

labour_budget_month_totals as (

    select
        project_code,
        budget_month,
        sum(budget_amount) as budget_amount

    from labour_budget
    group by
        project_code,
        budget_month

),

labour_budget_project_totals as (

    select
        project_code,
        sum(budget_amount) as budget_amount

    from labour_budget
    group by project_code

),

labour_shares as (

    select
        labour_budget.project_code,
        'month' as share_basis,
        labour_budget.budget_month as share_month,
        labour_budget.expense_type,
        {{ safe_divide('labour_budget.budget_amount', 'labour_budget_month_totals.budget_amount') }}
            as expense_type_share

    from labour_budget
    inner join labour_budget_month_totals
        on labour_budget.project_code = labour_budget_month_totals.project_code
        and labour_budget.budget_month = labour_budget_month_totals.budget_month
    where labour_budget_month_totals.budget_amount > 0

    union all

    select
        labour_budget.project_code,
        'project' as share_basis,
        cast(null as date) as share_month,
        labour_budget.expense_type,
        {{ safe_divide(
            'sum(labour_budget.budget_amount)', 'max(labour_budget_project_totals.budget_amount)'
        ) }} as expense_type_share

    from labour_budget
    inner join labour_budget_project_totals
        on labour_budget.project_code = labour_budget_project_totals.project_code
    where labour_budget_project_totals.budget_amount > 0
    group by
        labour_budget.project_code,
        labour_budget.expense_type

),

labour_with_basis as (

    select
        labour_monthly.*,
        case
            when labour_budget_month_totals.budget_amount > 0 then 'month'
            when labour_budget_project_totals.budget_amount > 0 then 'project'
            else 'none'
        end as share_basis

    from labour_monthly
    left join labour_budget_month_totals
        on labour_monthly.project_code = labour_budget_month_totals.project_code
        and labour_monthly.cost_month = labour_budget_month_totals.budget_month
    left join labour_budget_project_totals
        on labour_monthly.project_code = labour_budget_project_totals.project_code

),

labour as (

    select
        labour_with_basis.project_code,
        labour_with_basis.cost_month,
        'labour' as cost_category,
        coalesce(labour_shares.expense_type, 'opex') as expense_type,
        labour_with_basis.logged_hours * coalesce(labour_shares.expense_type_share, 1)
            as logged_hours,
        labour_with_basis.labour_cost * coalesce(labour_shares.expense_type_share, 1)
            as labour_cost,
        cast(0 as {{ type_double() }}) as vendor_cost

    from labour_with_basis
    left join labour_shares
        on labour_with_basis.project_code = labour_shares.project_code
        and labour_with_basis.share_basis = labour_shares.share_basis
        and (
            labour_shares.share_basis = 'project'
            or labour_with_basis.cost_month = labour_shares.share_month
        )
    where labour_shares.expense_type_share is null or labour_shares.expense_type_share <> 0

),

----------  vendor: invoices, classified by vendor and purchase order

vendor_categories as (

    select
        lower(trim(vendor)) as vendor_key,
        min(lower(trim(cost_category))) as cost_category

    from vendor_cost_categories
    group by lower(trim(vendor))

),

vendor as (

    select
        invoices.project_code,
        invoices.invoice_month as cost_month,
        coalesce(vendor_categories.cost_category, 'vendor') as cost_category,
        coalesce(purchase_orders.expense_type, 'opex') as expense_type,
        cast(0 as {{ type_double() }}) as logged_hours,
        cast(0 as {{ type_double() }}) as labour_cost,
        coalesce(sum(invoices.invoice_amount), 0) as vendor_cost

    from invoices
    cross join reporting_period
    left join purchase_orders
        on invoices.po_number = purchase_orders.po_number
    left join vendor_categories
        on lower(trim(invoices.vendor)) = vendor_categories.vendor_key
    where invoices.invoice_date <= reporting_period.as_of_date
    group by
        invoices.project_code,
        invoices.invoice_month,
        coalesce(vendor_categories.cost_category, 'vendor'),
        coalesce(purchase_orders.expense_type, 'opex')

),

unioned as (

    select * from labour

    union all

    select * from vendor

),

categorised as (

    select
        project_code,
        cost_month,
        cost_category,
        expense_type,
        sum(logged_hours) as logged_hours,
        sum(labour_cost) as labour_cost,
        sum(vendor_cost) as vendor_cost,
        sum(labour_cost) + sum(vendor_cost) as actual_cost

    from unioned
    group by
        project_code,
        cost_month,
        cost_category,
        expense_type

)

select * from categorised
