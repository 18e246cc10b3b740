-- One row per project, baseline version and period: the cumulative planned value (PV) at the end
-- of the period if that version were the baseline, over the project's whole period range (the
-- earned-schedule search needs the curve beyond the as-of month).
--
-- Two kinds of curve:
-- * budget: each baseline version's time-phased budget, cumulated (a re-baseline that plans the
--   remaining work only already carries the earlier plan's months: int_budgets_current_baseline).
--   Budget lines dated before the project's start month count in period 1. A budget curve is
--   complete by construction: it ends at the version's budget at completion.
-- * earned_value_import: the planned value a scheduling tool exported (cumulative already; the
--   latest status date in each month wins). Only months with a status date are points: between
--   two status months the curve is unknown (earned schedule interpolates over the gap), and
--   before the first one too. After the last point the curve is carried flat only when it has
--   reached the budget at completion (the plan is finished); an import whose PV stops short of
--   BAC has no curve beyond its last point, so nothing is invented from other projects' dates.
--
-- curve_finish_period is the baseline's planned duration (PD for earned schedule): the first
-- period whose cumulative PV reaches the curve's end, on a complete curve; NULL when the curve
-- stops short of BAC (the project's planned finish is used then).
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
        {{ folded_into_start('budget_lines.budget_month', 'periods.start_month') }} as period_month,
        sum(budget_lines.budget_amount) as planned_amount

    from budget_lines
    inner join periods
        on budget_lines.project_code = periods.project_code
        and periods.period_number = 1
    group by
        budget_lines.project_code,
        budget_lines.baseline_version,
        {{ folded_into_start('budget_lines.budget_month', 'periods.start_month') }}

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
        status_month,
        planned_value

    from import_points_ranked
    where recency_rank = 1

),

import_budgets_ranked as (

    select
        project_code,
        budget_at_completion,
        row_number() over (
            partition by project_code
            order by status_date desc
        ) as recency_rank

    from earned_value_imports
    where budget_at_completion is not null

),

import_curve_ends as (

    select
        import_points.project_code,
        max(import_points.status_month) as last_point_month,
        max(import_points.planned_value) as final_planned_value,
        max(import_budgets_ranked.budget_at_completion) as budget_at_completion

    from import_points
    left join import_budgets_ranked
        on import_points.project_code = import_budgets_ranked.project_code
        and import_budgets_ranked.recency_rank = 1
    group by import_points.project_code

),

import_curve_spans as (

    select
        project_code,
        last_point_month,
        final_planned_value,
        (
            budget_at_completion is null
            or final_planned_value >= budget_at_completion - 0.005
        ) as is_complete_curve

    from import_curve_ends

),

import_curves as (

    select
        periods.project_code,
        'earned_value_import' as baseline_version,
        'earned_value_import' as curve_source,
        periods.period_number,
        periods.period_month,
        coalesce(import_points.planned_value, import_curve_spans.final_planned_value)
            as cumulative_planned_value,
        import_curve_spans.is_complete_curve

    from periods
    inner join import_curve_spans
        on periods.project_code = import_curve_spans.project_code
    left join import_points
        on periods.project_code = import_points.project_code
        and periods.period_month = import_points.status_month
    where
        import_points.project_code is not null
        or (
            import_curve_spans.is_complete_curve
            and periods.period_month > import_curve_spans.last_point_month
        )

),

curves as (

    select
        *,
        true as is_complete_curve
    from budget_curves

    union all

    select * from import_curves

),

curve_ends as (

    select
        project_code,
        baseline_version,
        max(cumulative_planned_value) as final_planned_value
    from curves
    where is_complete_curve
    group by project_code, baseline_version

),

curve_finishes as (

    select
        curves.project_code,
        curves.baseline_version,
        min(
            case
                when curves.cumulative_planned_value >= curve_ends.final_planned_value - 0.005
                    then curves.period_number
            end
        ) as curve_finish_period

    from curves
    inner join curve_ends
        on curves.project_code = curve_ends.project_code
        and curves.baseline_version = curve_ends.baseline_version
    group by
        curves.project_code,
        curves.baseline_version

),

final as (

    select
        curves.project_code,
        curves.baseline_version,
        curves.curve_source,
        curves.period_number,
        curves.period_month,
        curves.cumulative_planned_value,
        curves.is_complete_curve,
        curve_finishes.curve_finish_period

    from curves
    left join curve_finishes
        on curves.project_code = curve_finishes.project_code
        and curves.baseline_version = curve_finishes.baseline_version

)

select * from final
