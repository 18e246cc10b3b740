-- One row per project per reporting month, from the project's start month to the as-of month:
-- cumulative earned-value measures, their indices and forecasts, and earned schedule.
-- Definitions: the docs blocks in _finance__docs.md. Amounts are in the reporting currency;
-- nothing is rounded here (round for display only); a division by zero gives NULL.

with

earned_value_inputs as (

    select * from {{ ref('int_earned_value_inputs_monthly') }}

),

planned_value_curves as (

    select * from {{ ref('int_planned_value_curves') }}

),

----------  the PV curve each month is measured against, with period 0 (nothing planned yet)

curve_points as (

    select
        project_code,
        baseline_version,
        period_number,
        cumulative_planned_value

    from planned_value_curves

    union all

    select distinct
        project_code,
        baseline_version,
        0 as period_number,
        cast(0 as {{ type_double() }}) as cumulative_planned_value

    from planned_value_curves

),

----------  EVM status of each month

status as (

    select
        earned_value_inputs.*,
        coalesce(
            earned_value_inputs.budget_at_completion > 0
            and earned_value_inputs.earned_value >= earned_value_inputs.budget_at_completion,
            false
        ) as is_completed,
        coalesce(
            earned_value_inputs.earned_value > earned_value_inputs.budget_at_completion,
            false
        ) as is_earned_value_over_budget

    from earned_value_inputs

),

----------  earned schedule: C = the last period whose cumulative PV <= EV

schedule_positions as (

    select
        status.project_code,
        status.reporting_month,
        status.baseline_version,
        max(
            case
                when curve_points.cumulative_planned_value <= status.earned_value
                    then curve_points.period_number
            end
        ) as completed_periods

    from status
    inner join curve_points
        on status.project_code = curve_points.project_code
        and status.baseline_version = curve_points.baseline_version
    group by
        status.project_code,
        status.reporting_month,
        status.baseline_version

),

-- the next period with a PV point after C: C + 1 on a complete curve
next_periods as (

    select
        schedule_positions.project_code,
        schedule_positions.reporting_month,
        schedule_positions.baseline_version,
        schedule_positions.completed_periods,
        min(curve_points.period_number) as next_period

    from schedule_positions
    left join curve_points
        on schedule_positions.project_code = curve_points.project_code
        and schedule_positions.baseline_version = curve_points.baseline_version
        and curve_points.period_number > schedule_positions.completed_periods
    group by
        schedule_positions.project_code,
        schedule_positions.reporting_month,
        schedule_positions.baseline_version,
        schedule_positions.completed_periods

),

schedule_brackets as (

    select
        next_periods.project_code,
        next_periods.reporting_month,
        next_periods.completed_periods,
        completed_points.cumulative_planned_value as completed_planned_value,
        next_periods.next_period,
        next_points.cumulative_planned_value as next_planned_value

    from next_periods
    left join curve_points as completed_points
        on next_periods.project_code = completed_points.project_code
        and next_periods.baseline_version = completed_points.baseline_version
        and next_periods.completed_periods = completed_points.period_number
    left join curve_points as next_points
        on next_periods.project_code = next_points.project_code
        and next_periods.baseline_version = next_points.baseline_version
        and next_periods.next_period = next_points.period_number

),

earned_schedule as (

    select
        status.*,
        case
            when status.earned_value is null then null
            when status.is_completed
                then cast(status.planned_duration_months as {{ type_double() }})
            when schedule_brackets.completed_periods is null then null
            when schedule_brackets.next_period is null
                then cast(schedule_brackets.completed_periods as {{ type_double() }})
            else schedule_brackets.completed_periods
                + {{ safe_divide(
                    'status.earned_value - schedule_brackets.completed_planned_value',
                    'schedule_brackets.next_planned_value - schedule_brackets.completed_planned_value'
                ) }}
                * (schedule_brackets.next_period - schedule_brackets.completed_periods)
        end as earned_schedule_months

    from status
    left join schedule_brackets
        on status.project_code = schedule_brackets.project_code
        and status.reporting_month = schedule_brackets.reporting_month

),

----------  cost and schedule indices

indices as (

    select
        earned_schedule.*,
        earned_value - planned_value as schedule_variance,
        earned_value - actual_cost as cost_variance,
        {{ safe_divide('earned_value', 'planned_value') }} as schedule_performance_index,
        {{ safe_divide('earned_value', 'actual_cost') }} as cost_performance_index,
        earned_schedule_months - actual_time_months as schedule_variance_time_months,
        {{ safe_divide('earned_schedule_months', 'actual_time_months') }}
            as schedule_performance_index_time

    from earned_schedule

),

----------  forecasts (a completed project's estimates collapse to what it actually cost)

estimates as (

    select
        indices.*,
        case
            when is_completed then actual_cost
            else {{ safe_divide('budget_at_completion', 'cost_performance_index') }}
        end as estimate_at_completion,
        case
            when is_completed then actual_cost
            else actual_cost + (budget_at_completion - earned_value)
        end as estimate_at_completion_atypical,
        case
            when is_completed then actual_cost
            else actual_cost + {{ safe_divide(
                'budget_at_completion - earned_value',
                'cost_performance_index * schedule_performance_index'
            ) }}
        end as estimate_at_completion_cpi_spi,
        {{ safe_divide('planned_duration_months', 'schedule_performance_index_time') }}
            as independent_eac_time_months

    from indices

),

forecasts as (

    select
        estimates.*,
        estimate_at_completion - actual_cost as estimate_to_complete,
        budget_at_completion - estimate_at_completion as variance_at_completion,
        {{ safe_divide('budget_at_completion - earned_value', 'budget_at_completion - actual_cost') }}
            as to_complete_performance_index,
        {{ safe_divide('budget_at_completion - earned_value', 'estimate_at_completion - actual_cost') }}
            as to_complete_performance_index_eac,
        {{ safe_divide('100 * earned_value', 'budget_at_completion') }} as percent_complete,
        {{ safe_divide('100 * actual_cost', 'budget_at_completion') }} as percent_spent,
        -- beyond 100 years a forecast date means nothing (and would overflow the date type)
        case
            when independent_eac_time_months <= 1200 then
                {{ add_months('start_month', 'cast(floor(independent_eac_time_months) as integer)') }}
        end as forecast_finish_month

    from estimates

),

----------  forecast finish: start month + IEAC(t) months. The whole months land on the first
----------  day of a month; the fraction is that share of the month's days, rounded up to a
----------  whole day (a tolerance of 1e-6 day absorbs floating-point noise: IEAC(t) = 12 exactly
----------  finishes on the last day of period 12, not on the first day of period 13).

forecast_offsets as (

    select
        forecasts.*,
        cast(
            ceiling(
                (independent_eac_time_months - floor(independent_eac_time_months))
                * {{ days_in_month('forecast_finish_month') }}
                - 0.000001
            ) as integer
        ) as forecast_finish_day_of_month

    from forecasts

),

forecast_dates as (

    select
        forecast_offsets.*,
        {{ dbt.dateadd('day', 'forecast_finish_day_of_month - 1', 'forecast_finish_month') }}
            as forecast_finish_timestamp

    from forecast_offsets

),

final as (

    select
        project_code,
        reporting_month,
        status_date,
        planned_value,
        earned_value,
        actual_cost,
        budget_at_completion,
        schedule_variance,
        cost_variance,
        schedule_performance_index,
        cost_performance_index,
        estimate_at_completion,
        estimate_at_completion_atypical,
        estimate_at_completion_cpi_spi,
        estimate_to_complete,
        variance_at_completion,
        to_complete_performance_index,
        to_complete_performance_index_eac,
        planned_duration_months,
        actual_time_months,
        earned_schedule_months,
        schedule_variance_time_months,
        schedule_performance_index_time,
        independent_eac_time_months,
        cast(forecast_finish_timestamp as date) as forecast_finish_date,
        percent_complete,
        percent_spent,
        earned_value_source,
        actual_cost_source,
        baseline_version,
        progress_snapshot_date,
        is_completed,
        is_earned_value_over_budget

    from forecast_dates

)

select * from final
