-- One row per project per milestone on the project's latest milestones snapshot on or before the
-- as-of date: baseline vs forecast vs actual, slippage in days, on time or not, upcoming or
-- overdue, and how the forecast moved over the earlier snapshots.
--
-- Slippage = (actual, else forecast) - baseline, in calendar days (positive = late). On time:
-- actual <= baseline once reached, else forecast <= baseline; unknown without a baseline (or,
-- when not reached, without a forecast). Due date of an open milestone: its forecast, else its
-- baseline. Upcoming: due within `upcoming_milestone_days` (delivery_settings) from the as-of
-- date; overdue: due before the as-of date and not reached.

with

forecast_history as (

    select * from {{ ref('int_milestone_forecast_history') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

delivery_settings as (

    select * from {{ ref('delivery_settings') }}

),

settings as (

    select
        {{- settings_columns(['upcoming_milestone_days'], as_type='integer') }}

    from delivery_settings

),

latest_project_snapshots as (

    select
        project_code,
        max(snapshot_date) as snapshot_date

    from forecast_history
    group by project_code

),

forecast_moves as (

    select
        project_code,
        milestone_name,
        count(case when is_forecast_moved then 1 end) as forecast_change_count

    from forecast_history
    group by
        project_code,
        milestone_name

),

first_forecasts as (

    select
        project_code,
        milestone_name,
        min(snapshot_sequence) as first_forecast_sequence

    from forecast_history
    where forecast_date is not null
    group by
        project_code,
        milestone_name

),

current_milestones as (

    select
        forecast_history.*,
        first_forecast_rows.forecast_date as first_forecast_date,
        forecast_moves.forecast_change_count,
        case
            when forecast_history.actual_date is null
                then coalesce(forecast_history.forecast_date, forecast_history.baseline_date)
        end as due_date,
        reporting_period.as_of_date,
        settings.upcoming_milestone_days

    from forecast_history
    inner join latest_project_snapshots
        on forecast_history.project_code = latest_project_snapshots.project_code
        and forecast_history.snapshot_date = latest_project_snapshots.snapshot_date
    cross join reporting_period
    cross join settings
    left join forecast_moves
        on forecast_history.project_code = forecast_moves.project_code
        and forecast_history.milestone_name = forecast_moves.milestone_name
    left join first_forecasts
        on forecast_history.project_code = first_forecasts.project_code
        and forecast_history.milestone_name = first_forecasts.milestone_name
    left join forecast_history as first_forecast_rows
        on first_forecasts.project_code = first_forecast_rows.project_code
        and first_forecasts.milestone_name = first_forecast_rows.milestone_name
        and first_forecasts.first_forecast_sequence = first_forecast_rows.snapshot_sequence

),

final as (

    select

        ----------  ids
        project_code,
        milestone_name,

        ----------  dates
        baseline_date,
        forecast_date,
        actual_date,
        due_date,
        first_forecast_date,
        snapshot_date,
        as_of_date,

        ----------  slippage
        {{ dbt.datediff('baseline_date', 'coalesce(actual_date, forecast_date)', 'day') }}
            as slippage_days,
        {{ dbt.datediff('first_forecast_date', 'forecast_date', 'day') }}
            as forecast_drift_days,
        forecast_change_count,

        ----------  flags
        actual_date is not null as is_completed,
        case
            when actual_date is not null then actual_date <= baseline_date
            else forecast_date <= baseline_date
        end as is_on_time,
        coalesce(
            due_date >= as_of_date
            and due_date <= {{ dbt.dateadd('day', 'upcoming_milestone_days', 'as_of_date') }},
            false
        ) as is_upcoming,
        coalesce(due_date < as_of_date, false) as is_overdue

    from current_milestones

)

select * from final
