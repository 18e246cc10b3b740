-- One row per reporting month and roll-up group of the project financial lines: all
-- portfolios, each portfolio, each project, each cost category, each expense type (CAPEX /
-- OPEX), each project and expense type, and each project and cost category - the FSR's
-- budget-vs-actual, CAPEX/OPEX, commitment and labour tables. Plain sums of the additive line
-- amounts of fct_project_financials_monthly (one grouping-sets pass), nothing else; a group's
-- columns that are not its key are NULL (a project's row also names its portfolio and its
-- name). rollup_level names the group; is_total marks the 'all' row.

{%- set amounts = [
    'budget_amount', 'actual_labour_cost', 'actual_vendor_cost', 'actual_cost', 'logged_hours',
    'po_amount', 'open_commitment_amount', 'burn_rate_amount', 'cumulative_budget_amount',
    'cumulative_actual_labour_cost', 'cumulative_actual_vendor_cost', 'cumulative_actual_cost',
    'cumulative_budget_variance_amount', 'cumulative_po_amount',
    'cumulative_open_commitment_amount', 'budget_at_completion', 'remaining_budget_amount',
    'forecast_remaining_amount', 'forecast_at_completion', 'forecast_variance_at_completion',
] %}

with

financials as (

    select * from {{ ref('fct_project_financials_monthly') }}

),

projects as (

    select * from {{ ref('dim_projects') }}

),

lines as (

    select
        financials.*,
        projects.portfolio

    from financials
    inner join projects
        on financials.project_code = projects.project_code

),

rolled_up as (

    select
        reporting_month,
        case
            when grouping(project_code) = 0 and grouping(expense_type) = 0
                then 'project_expense_type'
            when grouping(project_code) = 0 and grouping(cost_category) = 0
                then 'project_cost_category'
            when grouping(project_code) = 0 then 'project'
            when grouping(portfolio) = 0 then 'portfolio'
            when grouping(cost_category) = 0 then 'cost_category'
            when grouping(expense_type) = 0 then 'expense_type'
            else 'all'
        end as rollup_level,
        portfolio,
        project_code,
        cost_category,
        expense_type,
        count(distinct project_code) as project_count,
        -- noqa: disable=LT02
        {% for amount in amounts -%}
        sum({{ amount }}) as {{ amount }}{{ "," if not loop.last }}
        {% endfor %}
    -- noqa: enable=LT02

    from lines
    -- sqlfluff's duckdb dialect does not parse grouping sets, hence its parse check is off here
    group by grouping sets (  -- noqa: PRS
        (reporting_month),
        (reporting_month, portfolio),
        -- a project's row names its portfolio (a project is in one)
        (reporting_month, portfolio, project_code),
        (reporting_month, cost_category),
        (reporting_month, expense_type),
        (reporting_month, project_code, expense_type),
        (reporting_month, project_code, cost_category)
    )

),

final as (

    select
        rolled_up.*,
        projects.project_name,
        rolled_up.rollup_level = 'all' as is_total

    from rolled_up
    left join projects
        on rolled_up.project_code = projects.project_code

)

select * from final
