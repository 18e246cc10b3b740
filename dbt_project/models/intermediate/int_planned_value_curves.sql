-- One row per project, baseline version and period: the cumulative planned value (PV) at the end
-- of the period if that version were the baseline, over the project's whole period range (the
-- earned-schedule search needs the curve beyond the as-of month).
--
-- Two kinds of curve:
-- * budget: each baseline version's time-phased budget, cumulated. Budget lines dated before the
--   project's start month count in period 1.
-- * earned_value_import: the planned value a scheduling tool exported (cumulative already; the
--   latest status date in each month wins and a month without one keeps the previous value).
--   Periods before the import's first status month have no point: their PV is unknown.

with

periods as (

    select * from {{ ref('int_project_periods') }}

),

budget_lines as (

    select * from {{ ref('int_budgets_current_baseline') }}

),

earned_value_imports as (

    select * from {{ ref('int_earned_value_imports_converted') }}

),

budget_months as (

    select
        budget_lines.project_code,
        budget_lines.baseline_version,
        case
            when budget_lines.budget_month < periods.start_month then periods.start_month
            else budget_lines.budget_month
        end as period_month,
        sum(budget_lines.budget_amount) as planned_amount

    from budget_lines
    inner join periods
        on budget_lines.project_code = periods.project_code
        and periods.period_number = 1
    group by
        budget_lines.project_code,
        budget_lines.baseline_version,
        case
            when budget_lines.budget_month < periods.start_month then periods.start_month
            else budget_lines.budget_month
        end

),

budget_versions as (

    select distinct
        project_code,
        baseline_version

    from budget_lines

),

budget_curves as (

    select
        periods.project_code,
        budget_versions.baseline_version,
        'budget' as curve_source,
        periods.period_number,
        periods.period_month,
        sum(coalesce(budget_months.planned_amount, 0)) over (
            partition by periods.project_code, budget_versions.baseline_version
            order by periods.period_number
            rows between unbounded preceding and current row
        ) as cumulative_planned_value

    from periods
    inner join budget_versions
        on periods.project_code = budget_versions.project_code
    left join budget_months
        on budget_versions.project_code = budget_months.project_code
        and budget_versions.baseline_version = budget_months.baseline_version
        and periods.period_month = budget_months.period_month

),

import_points_ranked as (

    select
        project_code,
        {{ month_start('status_date') }} as status_month,
        planned_value,
        row_number() over (
            partition by project_code, {{ month_start('status_date') }}
            order by status_date desc
        ) as recency_rank

    from earned_value_imports
    where planned_value is not null

),

import_points as (

    select
        project_code,
        status_month as valid_from_month,
        lead(status_month) over (
            partition by project_code
            order by status_month
        ) as valid_to_month,
        planned_value

    from import_points_ranked
    where recency_rank = 1

),

import_curves as (

    select
        periods.project_code,
        'earned_value_import' as baseline_version,
        'earned_value_import' as curve_source,
        periods.period_number,
        periods.period_month,
        import_points.planned_value as cumulative_planned_value

    from periods
    inner join import_points
        on periods.project_code = import_points.project_code
        and periods.period_month >= import_points.valid_from_month
        and (
            import_points.valid_to_month is null
            or periods.period_month < import_points.valid_to_month
        )

),

curves as (

    select * from budget_curves

    union all

    select * from import_curves

)

select * from curves
