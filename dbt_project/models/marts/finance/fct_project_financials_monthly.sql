-- One row per project, reporting month (start month to as-of month), cost category and expense
-- type (capex/opex): budget, actual labour and vendor cost, open commitments and the EAC-based
-- forecast, with running totals and a 3-month burn rate. Amounts in the reporting currency;
-- nothing rounded; every line of a project appears in every month (0 where nothing happened),
-- so running totals and sums over lines are always complete.
--
-- * Budget: the baseline in force at the as-of date (current baseline), by budget month.
-- * Actuals: int_finance_actual_costs_categorised (the same costs as AC in
--   fct_earned_value_monthly, classified by category and expense type).
-- * Commitments: each purchase order's open amount (PO - invoiced by the as-of date) in the
--   month of its PO date.
-- * Money dated before the start month counts in the start month, as in earned value.
-- * Forecast at completion per line = its actual cost to date + its share of what the project
--   still has to spend (EAC of the month - actual cost to date of all lines). The share is the
--   line's remaining budget (budget after the month; under half a cent counts as none) over the
--   project's: the remaining budget re-scaled so the project total equals the month's EAC. When
--   nothing remains budgeted the
--   share follows the lines' total budget, and with no budget at all their actual cost
--   (forecast_allocation_basis says which). EAC NULL (no CPI yet) -> forecast NULL.

with

earned_value as (

    select * from {{ ref('fct_earned_value_monthly') }}

),

budget_lines as (

    select * from {{ ref('int_budgets_current_baseline') }}

),

actual_costs as (

    select * from {{ ref('int_finance_actual_costs_categorised') }}

),

purchase_orders as (

    select * from {{ ref('int_finance_purchase_orders_converted') }}

),

----------  the project's reporting months

project_frames as (

    select
        project_code,
        min(reporting_month) as start_month

    from earned_value
    group by project_code

),

----------  money by line and month (earlier months folded into the start month)

current_budget as (

    select
        project_code,
        baseline_version,
        lower(trim(cost_category)) as cost_category,
        expense_type,
        budget_month,
        budget_amount

    from budget_lines
    where is_current_baseline

),

-- every amount of a line in the month it is dated: budget, actual cost, purchase orders (by
-- name: each source brings its own amounts, the others' are NULL)
dated_amounts as (
{{ union_all_by_name([
    ('current_budget', [
        'project_code', 'cost_category', 'expense_type', 'budget_month as amount_month',
        'budget_amount',
    ]),
    ('actual_costs', [
        'project_code', 'cost_category', 'expense_type', 'cost_month as amount_month',
        'labour_cost', 'vendor_cost', 'logged_hours',
    ]),
    ('purchase_orders', [
        'project_code', 'cost_category', 'expense_type', 'po_month as amount_month',
        'po_amount', 'open_commitment_amount',
    ]),
]) }}
),

folded_amounts as (

    select
        dated_amounts.*,
        {{ folded_into_start('dated_amounts.amount_month', 'project_frames.start_month') }}
            as period_month

    from dated_amounts
    inner join project_frames
        on dated_amounts.project_code = project_frames.project_code

),

line_months as (

    select
        project_code,
        cost_category,
        expense_type,
        period_month,
        sum(budget_amount) as budget_amount,
        sum(labour_cost) as actual_labour_cost,
        sum(vendor_cost) as actual_vendor_cost,
        sum(logged_hours) as logged_hours,
        sum(po_amount) as po_amount,
        sum(open_commitment_amount) as open_commitment_amount

    from folded_amounts
    group by
        project_code,
        cost_category,
        expense_type,
        period_month

),

budget_totals as (

    select
        project_code,
        cost_category,
        expense_type,
        sum(budget_amount) as budget_at_completion

    from current_budget
    group by
        project_code,
        cost_category,
        expense_type

),

baseline_versions as (

    select distinct
        project_code,
        baseline_version

    from current_budget

),

----------  every line of the project in every reporting month

lines as (

    select distinct
        project_code,
        cost_category,
        expense_type

    from line_months

),

grid as (

    select
        earned_value.project_code,
        earned_value.reporting_month,
        earned_value.status_date,
        lines.cost_category,
        lines.expense_type

    from earned_value
    inner join lines
        on earned_value.project_code = lines.project_code

),

monthly as (

    select
        grid.*,
        baseline_versions.baseline_version,
        coalesce(line_months.budget_amount, 0) as budget_amount,
        coalesce(budget_totals.budget_at_completion, 0) as budget_at_completion,
        coalesce(line_months.actual_labour_cost, 0) as actual_labour_cost,
        coalesce(line_months.actual_vendor_cost, 0) as actual_vendor_cost,
        coalesce(line_months.actual_labour_cost, 0)
        + coalesce(line_months.actual_vendor_cost, 0) as actual_cost,
        coalesce(line_months.logged_hours, 0) as logged_hours,
        coalesce(line_months.po_amount, 0) as po_amount,
        coalesce(line_months.open_commitment_amount, 0) as open_commitment_amount

    from grid
    left join baseline_versions
        on grid.project_code = baseline_versions.project_code
    left join line_months
        on grid.project_code = line_months.project_code
        and grid.cost_category = line_months.cost_category
        and grid.expense_type = line_months.expense_type
        and grid.reporting_month = line_months.period_month
    left join budget_totals
        on grid.project_code = budget_totals.project_code
        and grid.cost_category = budget_totals.cost_category
        and grid.expense_type = budget_totals.expense_type

),

{%- set line_window =
    "partition by project_code, cost_category, expense_type order by reporting_month" %}

running as (

    select
        monthly.*,
        sum(budget_amount) over (
            {{ line_window }} rows between unbounded preceding and current row
        ) as cumulative_budget_amount,
        sum(actual_labour_cost) over (
            {{ line_window }} rows between unbounded preceding and current row
        ) as cumulative_actual_labour_cost,
        sum(actual_vendor_cost) over (
            {{ line_window }} rows between unbounded preceding and current row
        ) as cumulative_actual_vendor_cost,
        sum(actual_cost) over (
            {{ line_window }} rows between unbounded preceding and current row
        ) as cumulative_actual_cost,
        sum(po_amount) over (
            {{ line_window }} rows between unbounded preceding and current row
        ) as cumulative_po_amount,
        sum(open_commitment_amount) over (
            {{ line_window }} rows between unbounded preceding and current row
        ) as cumulative_open_commitment_amount,
        avg(actual_cost) over (
            {{ line_window }} rows between 2 preceding and current row
        ) as burn_rate_amount

    from monthly

),

with_remaining as (

    select
        running.*,
        -- under half a cent is nothing: the total and the running sum of the same budget lines,
        -- added in different orders, differ in the last bits, and that residue (1e-10) must not
        -- decide how the forecast is shared between the lines
        case
            when abs(budget_at_completion - cumulative_budget_amount) < 0.005 then 0
            else budget_at_completion - cumulative_budget_amount
        end as remaining_budget_amount

    from running

),

----------  EAC-based forecast: what is left to spend, shared over the lines

project_months as (

    select
        with_remaining.project_code,
        with_remaining.reporting_month,
        max(earned_value.estimate_at_completion) as estimate_at_completion,
        sum(with_remaining.cumulative_actual_cost) as cumulative_actual_cost,
        sum(with_remaining.remaining_budget_amount) as remaining_budget_amount,
        sum(with_remaining.budget_at_completion) as budget_at_completion

    from with_remaining
    inner join earned_value
        on with_remaining.project_code = earned_value.project_code
        and with_remaining.reporting_month = earned_value.reporting_month
    group by
        with_remaining.project_code,
        with_remaining.reporting_month

),

allocation_bases as (

    select
        project_months.*,
        project_months.estimate_at_completion - project_months.cumulative_actual_cost
            as amount_to_allocate,
        case
            when project_months.estimate_at_completion is null then null
            when project_months.remaining_budget_amount > 0 then 'remaining_budget'
            when project_months.budget_at_completion > 0 then 'budget_at_completion'
            when project_months.cumulative_actual_cost > 0 then 'actual_cost'
        end as forecast_allocation_basis

    from project_months

),

forecasts as (

    select
        with_remaining.*,
        allocation_bases.forecast_allocation_basis,
        case allocation_bases.forecast_allocation_basis
            when 'remaining_budget' then {{ safe_divide(
                'allocation_bases.amount_to_allocate', 'allocation_bases.remaining_budget_amount'
            ) }}
            when 'budget_at_completion' then {{ safe_divide(
                'allocation_bases.amount_to_allocate', 'allocation_bases.budget_at_completion'
            ) }}
            when 'actual_cost' then {{ safe_divide(
                'allocation_bases.amount_to_allocate', 'allocation_bases.cumulative_actual_cost'
            ) }}
        end as forecast_scale_ratio

    from with_remaining
    inner join allocation_bases
        on with_remaining.project_code = allocation_bases.project_code
        and with_remaining.reporting_month = allocation_bases.reporting_month

),

forecasts_allocated as (

    select
        forecasts.*,
        forecast_scale_ratio * case forecast_allocation_basis
            when 'remaining_budget' then remaining_budget_amount
            when 'budget_at_completion' then budget_at_completion
            when 'actual_cost' then cumulative_actual_cost
        end as forecast_remaining_amount

    from forecasts

),

final as (

    select

        ----------  ids
        project_code,
        reporting_month,
        cost_category,
        expense_type,

        ----------  dates
        status_date,

        ----------  text
        baseline_version,
        forecast_allocation_basis,

        ----------  numerics: the month
        budget_amount,
        actual_labour_cost,
        actual_vendor_cost,
        actual_cost,
        logged_hours,
        po_amount,
        open_commitment_amount,
        burn_rate_amount,

        ----------  numerics: to date
        cumulative_budget_amount,
        cumulative_actual_labour_cost,
        cumulative_actual_vendor_cost,
        cumulative_actual_cost,
        cumulative_budget_amount - cumulative_actual_cost as cumulative_budget_variance_amount,
        cumulative_po_amount,
        cumulative_open_commitment_amount,

        ----------  numerics: at completion
        budget_at_completion,
        remaining_budget_amount,
        forecast_scale_ratio,
        forecast_remaining_amount,
        cumulative_actual_cost + forecast_remaining_amount as forecast_at_completion,
        budget_at_completion - (cumulative_actual_cost + forecast_remaining_amount)
            as forecast_variance_at_completion

    from forecasts_allocated

)

select * from final
