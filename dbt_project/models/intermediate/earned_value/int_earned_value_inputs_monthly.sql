-- One row per project per reporting month (start month to as-of month): the cumulative planned
-- value, earned value, actual cost and budget at completion that fct_earned_value_monthly turns
-- into indices and forecasts, with where each came from.
--
-- Source precedence for a project:
-- 1. an earned_value import (any row for the project): PV / EV / AC / BAC from its latest status
--    date on or before the month (carried forward through months without one; future rows with
--    PV only are the baseline curve and never a month's status). A month before the import's
--    first status with actual cost takes AC from timesheets + invoices (actual_cost_source says
--    which, month by month); BAC falls back to the end of the import's PV curve when the import
--    never carries BAC. Months before its first status have PV and EV NULL (not yet reported).
-- 2. otherwise PV and BAC from the budget baseline in force in the month; EV from the latest task
--    snapshot on or before the month: baseline cost x % complete, or for agile work BAC x done
--    points / planned points; AC = costed timesheet hours + invoices, cumulative.
-- A month with no progress evidence yet has EV NULL (unknown), not 0; AC is 0 until money is
-- spent. A closed project (int_project_closures) is closed from the month it closed on
-- (is_closed); its actual time stops there.

{%- set import_measures = [
    'planned_value', 'earned_value', 'actual_cost', 'budget_at_completion'
] %}

with

periods as (

    select * from {{ ref('int_project_periods') }}

),

budget_lines as (

    select * from {{ ref('int_budgets_current_baseline') }}

),

planned_value_curves as (

    select * from {{ ref('int_planned_value_curves') }}

),

task_progress as (

    select * from {{ ref('int_task_progress_monthly') }}

),

actual_costs as (

    select * from {{ ref('int_actual_costs_monthly') }}

),

earned_value_imports as (

    select * from {{ ref('int_earned_value_imports_converted') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

closures as (

    select * from {{ ref('int_project_closures') }}

),

reporting_periods as (

    select * from periods
    where is_reporting_period

),

----------  budget baseline in force in each month

baseline_versions as (

    select
        project_code,
        baseline_version,
        valid_from_month,
        valid_to_month,
        sum(budget_amount) as budget_at_completion

    from budget_lines
    group by
        project_code,
        baseline_version,
        valid_from_month,
        valid_to_month

),

budget_measures as (

    select
        reporting_periods.project_code,
        reporting_periods.period_number,
        baseline_versions.baseline_version,
        baseline_versions.budget_at_completion,
        planned_value_curves.cumulative_planned_value as planned_value

    from reporting_periods
    inner join baseline_versions
        on reporting_periods.project_code = baseline_versions.project_code
        and (
            baseline_versions.valid_from_month is null
            or baseline_versions.valid_from_month <= reporting_periods.period_month
        )
        and (
            baseline_versions.valid_to_month is null
            or reporting_periods.period_month < baseline_versions.valid_to_month
        )
    left join planned_value_curves
        on baseline_versions.project_code = planned_value_curves.project_code
        and baseline_versions.baseline_version = planned_value_curves.baseline_version
        and reporting_periods.period_number = planned_value_curves.period_number

),

----------  task progress: the latest snapshot on or before the month

task_progress_ranged as (

    select
        task_progress.*,
        lead(snapshot_month) over (
            partition by project_code
            order by snapshot_month
        ) as next_snapshot_month

    from task_progress

),

progress_measures as (

    select
        reporting_periods.project_code,
        reporting_periods.period_number,
        task_progress_ranged.snapshot_date as progress_snapshot_date,
        task_progress_ranged.progress_method,
        task_progress_ranged.earned_value as baseline_cost_earned_value,
        task_progress_ranged.story_points_done_ratio

    from reporting_periods
    inner join task_progress_ranged
        on reporting_periods.project_code = task_progress_ranged.project_code
        and task_progress_ranged.snapshot_month <= reporting_periods.period_month
        and (
            task_progress_ranged.next_snapshot_month is null
            or reporting_periods.period_month < task_progress_ranged.next_snapshot_month
        )

),

----------  actual cost, cumulative (costs dated before the start month count in period 1)

actual_costs_by_period as (

    select
        actual_costs.project_code,
        {{ folded_into_start('actual_costs.cost_month', 'periods.start_month') }} as period_month,
        sum(actual_costs.actual_cost) as actual_cost

    from actual_costs
    inner join periods
        on actual_costs.project_code = periods.project_code
        and periods.period_number = 1
    group by
        actual_costs.project_code,
        {{ folded_into_start('actual_costs.cost_month', 'periods.start_month') }}

),

cost_measures as (

    select
        reporting_periods.project_code,
        reporting_periods.period_number,
        sum(coalesce(actual_costs_by_period.actual_cost, 0)) over (
            partition by reporting_periods.project_code
            order by reporting_periods.period_number
            rows between unbounded preceding and current row
        ) as actual_cost

    from reporting_periods
    left join actual_costs_by_period
        on reporting_periods.project_code = actual_costs_by_period.project_code
        and reporting_periods.period_month = actual_costs_by_period.period_month

),

----------  earned value import: latest value on or before each month, per measure

import_projects as (

    select distinct earned_value_imports.project_code
    from earned_value_imports

),

-- the baseline's planned duration: where its PV curve reaches its end (complete curves only)
curve_finishes as (

    select distinct
        project_code,
        baseline_version,
        curve_finish_period

    from planned_value_curves

),

import_curve_ends as (

    select
        project_code,
        max(cumulative_planned_value) as final_planned_value

    from planned_value_curves
    where curve_source = 'earned_value_import'
    group by project_code

),

{% for measure in import_measures %}
import_{{ measure }}_ranked as (

    select
        earned_value_imports.project_code,
        {{ month_start('earned_value_imports.status_date') }} as status_month,
        earned_value_imports.{{ measure }},
        row_number() over (
            partition by
                earned_value_imports.project_code,
                {{ month_start('earned_value_imports.status_date') }}
            order by earned_value_imports.status_date desc
        ) as recency_rank

    from earned_value_imports
    cross join reporting_period
    where
        earned_value_imports.{{ measure }} is not null
        and earned_value_imports.status_date <= reporting_period.as_of_date

),

import_{{ measure }}_ranged as (

    select
        project_code,
        status_month,
        lead(status_month) over (
            partition by project_code
            order by status_month
        ) as next_status_month,
        {{ measure }}

    from import_{{ measure }}_ranked
    where recency_rank = 1

),

import_{{ measure }}_by_period as (

    select
        reporting_periods.project_code,
        reporting_periods.period_number,
        import_{{ measure }}_ranged.{{ measure }}

    from reporting_periods
    inner join import_{{ measure }}_ranged
        on reporting_periods.project_code = import_{{ measure }}_ranged.project_code
        and import_{{ measure }}_ranged.status_month <= reporting_periods.period_month
        and (
            import_{{ measure }}_ranged.next_status_month is null
            or reporting_periods.period_month < import_{{ measure }}_ranged.next_status_month
        )

),

{% endfor %}
----------  one row per project and reporting month, sources applied in order

combined as (

    select
        reporting_periods.project_code,
        reporting_periods.period_month as reporting_month,
        reporting_periods.status_date,
        -- a closed project's clock stops in the month it closed
        case
            when closures.closed_from_month < reporting_periods.start_month then 1
            when closures.closed_from_month < reporting_periods.period_month
                then {{ months_between(
                    'reporting_periods.start_month', 'closures.closed_from_month'
                ) }} + 1
            else reporting_periods.period_number
        end as actual_time_months,
        closures.closed_from_month,
        reporting_periods.start_month,
        reporting_periods.planned_finish_month,
        reporting_periods.planned_duration_months,
        import_projects.project_code is not null as has_earned_value_import,
        import_actual_cost_by_period.actual_cost is not null as has_import_actual_cost,
        budget_finishes.curve_finish_period as budget_curve_finish_period,
        import_finishes.curve_finish_period as import_curve_finish_period,
        budget_measures.baseline_version as budget_baseline_version,
        budget_measures.planned_value as budget_planned_value,
        budget_measures.budget_at_completion as budget_budget_at_completion,
        progress_measures.progress_snapshot_date,
        progress_measures.progress_method,
        progress_measures.baseline_cost_earned_value,
        progress_measures.story_points_done_ratio,
        cost_measures.actual_cost as costed_actual_cost,
        import_planned_value_by_period.planned_value as import_planned_value,
        import_earned_value_by_period.earned_value as import_earned_value,
        import_actual_cost_by_period.actual_cost as import_actual_cost,
        coalesce(
            import_budget_at_completion_by_period.budget_at_completion,
            import_curve_ends.final_planned_value
        ) as import_budget_at_completion

    from reporting_periods
    left join closures
        on reporting_periods.project_code = closures.project_code
    left join budget_measures
        on reporting_periods.project_code = budget_measures.project_code
        and reporting_periods.period_number = budget_measures.period_number
    left join progress_measures
        on reporting_periods.project_code = progress_measures.project_code
        and reporting_periods.period_number = progress_measures.period_number
    left join cost_measures
        on reporting_periods.project_code = cost_measures.project_code
        and reporting_periods.period_number = cost_measures.period_number
    left join import_projects
        on reporting_periods.project_code = import_projects.project_code
    left join import_curve_ends
        on reporting_periods.project_code = import_curve_ends.project_code
    left join curve_finishes as budget_finishes
        on budget_measures.project_code = budget_finishes.project_code
        and budget_measures.baseline_version = budget_finishes.baseline_version
    left join curve_finishes as import_finishes
        on reporting_periods.project_code = import_finishes.project_code
        and import_finishes.baseline_version = 'earned_value_import'
    {%- for measure in import_measures %}
    left join import_{{ measure }}_by_period
        on reporting_periods.project_code = import_{{ measure }}_by_period.project_code
        and reporting_periods.period_number = import_{{ measure }}_by_period.period_number
    {%- endfor %}

),

inputs as (

    select
        project_code,
        reporting_month,
        status_date,
        actual_time_months,
        coalesce(closed_from_month <= reporting_month, false) as is_closed,
        start_month,
        planned_finish_month,
        coalesce(
            case
                when has_earned_value_import then import_curve_finish_period
                else budget_curve_finish_period
            end,
            planned_duration_months
        ) as planned_duration_months,
        planned_duration_months as project_planned_duration_months,

        case
            when has_earned_value_import then 'earned_value_import'
            else budget_baseline_version
        end as baseline_version,

        case
            when has_earned_value_import then import_planned_value
            else budget_planned_value
        end as planned_value,

        case
            when has_earned_value_import then import_earned_value
            when progress_method = 'task_baseline_cost' then baseline_cost_earned_value
            when progress_method = 'story_points'
                then budget_budget_at_completion * story_points_done_ratio
        end as earned_value,

        case
            when has_import_actual_cost then import_actual_cost
            else costed_actual_cost
        end as actual_cost,

        case
            when has_earned_value_import then import_budget_at_completion
            else budget_budget_at_completion
        end as budget_at_completion,

        case
            when has_earned_value_import then 'earned_value_import'
            when progress_method is not null then progress_method
            else 'none'
        end as earned_value_source,

        case
            when has_import_actual_cost then 'earned_value_import'
            else 'timesheets_and_invoices'
        end as actual_cost_source,

        case when not has_earned_value_import then progress_snapshot_date end
            as progress_snapshot_date

    from combined

)

select * from inputs
