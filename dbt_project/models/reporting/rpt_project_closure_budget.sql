-- One row per closed (or cancelled) project and line of its budget outcome at closure, from its
-- financials of the month it closed from (fct_project_financials_monthly): each expense type
-- (CAPEX, OPEX) and cost category, each expense type's subtotal, and the project's total.
-- Budget is the budget at completion of the baseline in force then; actual the cost to date;
-- variance = budget - actual (+ = under budget); open commitments are purchase orders not yet
-- invoiced at closure. line_order orders the lines: per expense type its categories then its
-- subtotal, the project total last.

with

projects as (

    select * from {{ ref('dim_projects') }}
    where is_closed and closed_from_month is not null

),

financials as (

    select * from {{ ref('fct_project_financials_monthly') }}

),

final_month as (

    select
        financials.project_code,
        projects.closed_from_month,
        coalesce(financials.expense_type, 'unclassified') as expense_type,
        financials.cost_category,
        financials.budget_at_completion,
        financials.cumulative_actual_cost as actual_cost,
        financials.cumulative_actual_labour_cost as actual_labour_cost,
        financials.cumulative_actual_vendor_cost as actual_vendor_cost,
        financials.cumulative_open_commitment_amount as open_commitment_amount

    from financials
    inner join projects
        on financials.project_code = projects.project_code
        and financials.reporting_month = projects.closed_from_month

),

lines as (

    select
        project_code,
        closed_from_month,
        'category' as line_level,
        expense_type,
        cost_category,
        sum(budget_at_completion) as budget_at_completion,
        sum(actual_cost) as actual_cost,
        sum(actual_labour_cost) as actual_labour_cost,
        sum(actual_vendor_cost) as actual_vendor_cost,
        sum(open_commitment_amount) as open_commitment_amount

    from final_month
    group by project_code, closed_from_month, expense_type, cost_category

    union all

    select
        project_code,
        closed_from_month,
        'expense type' as line_level,
        expense_type,
        cast(null as {{ dbt.type_string() }}) as cost_category,
        sum(budget_at_completion) as budget_at_completion,
        sum(actual_cost) as actual_cost,
        sum(actual_labour_cost) as actual_labour_cost,
        sum(actual_vendor_cost) as actual_vendor_cost,
        sum(open_commitment_amount) as open_commitment_amount

    from final_month
    group by project_code, closed_from_month, expense_type

    union all

    select
        project_code,
        closed_from_month,
        'total' as line_level,
        cast(null as {{ dbt.type_string() }}) as expense_type,
        cast(null as {{ dbt.type_string() }}) as cost_category,
        sum(budget_at_completion) as budget_at_completion,
        sum(actual_cost) as actual_cost,
        sum(actual_labour_cost) as actual_labour_cost,
        sum(actual_vendor_cost) as actual_vendor_cost,
        sum(open_commitment_amount) as open_commitment_amount

    from final_month
    group by project_code, closed_from_month

),

final as (

    select
        project_code,
        row_number() over (
            partition by project_code
            order by
                case when line_level = 'total' then 1 else 0 end,
                expense_type,
                case when line_level = 'expense type' then 1 else 0 end,
                cost_category
        ) as line_order,
        closed_from_month,
        line_level,
        expense_type,
        cost_category,
        case
            when line_level = 'total' then 'All'
            when expense_type in ('capex', 'opex') then upper(expense_type)
            else expense_type
        end as expense_type_label,
        case
            when line_level = 'category' then cost_category
            else 'all categories'
        end as cost_category_label,
        line_level <> 'category' as is_subtotal,
        budget_at_completion,
        actual_cost,
        actual_labour_cost,
        actual_vendor_cost,
        budget_at_completion - actual_cost as budget_variance_amount,
        {{ safe_divide('(budget_at_completion - actual_cost) * 100', 'budget_at_completion') }}
            as budget_variance_pct,
        open_commitment_amount

    from lines

)

select * from final
