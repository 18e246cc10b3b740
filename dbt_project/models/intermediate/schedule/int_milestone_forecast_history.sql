-- One row per project per milestone per milestones snapshot on or before the as-of date: the
-- dates the snapshot shows and how the forecast moved since the milestone's previous snapshot
-- (positive days = later). An actual date after the as-of date is not yet an actual.

with

milestones as (

    select * from {{ ref('stg_raw__milestones') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

milestone_snapshots as (

    select
        milestones.project_code,
        milestones.milestone_name,
        milestones.snapshot_date,
        milestones.baseline_date,
        milestones.forecast_date,
        case
            when milestones.actual_date <= reporting_period.as_of_date
                then milestones.actual_date
        end as actual_date,
        lag(milestones.forecast_date) over (
            partition by milestones.project_code, milestones.milestone_name
            order by milestones.snapshot_date
        ) as previous_forecast_date,
        row_number() over (
            partition by milestones.project_code, milestones.milestone_name
            order by milestones.snapshot_date
        ) as snapshot_sequence

    from milestones
    cross join reporting_period
    where milestones.snapshot_date <= reporting_period.as_of_date

),

final as (

    select
        project_code,
        milestone_name,
        snapshot_date,
        snapshot_sequence,
        baseline_date,
        forecast_date,
        actual_date,
        previous_forecast_date,
        {{ dbt.datediff('previous_forecast_date', 'forecast_date', 'day') }}
            as forecast_move_days,
        snapshot_sequence > 1
        and case
            when forecast_date is null and previous_forecast_date is null then false
            when forecast_date is null or previous_forecast_date is null then true
            else forecast_date <> previous_forecast_date
        end as is_forecast_moved

    from milestone_snapshots

)

select * from final
