-- One row per project, milestone and milestones snapshot (on or before the as-of date) that
-- changed the milestone's dates: the first snapshot that lists it (planned), one that moves its
-- baseline (re-baselined), one that first gives its actual date (reached), or one that moves
-- its forecast before it is reached (forecast moved). A snapshot that does several says the
-- first of those. detail words the change ("forecast moved 14 days later to 29 May 2026");
-- slip_days is how far the snapshot put the milestone (its actual, else its forecast) after its
-- baseline (+ = late). milestone_order numbers a project's milestones by their latest dates
-- (actual, else forecast, else baseline), the order of fct_milestone_slippage's table.

with

history as (

    select * from {{ ref('int_milestone_forecast_history') }}

),

with_previous as (

    select
        history.*,
        lag(baseline_date) over (
            partition by project_code, milestone_name order by snapshot_date
        ) as previous_baseline_date,
        lag(actual_date) over (
            partition by project_code, milestone_name order by snapshot_date
        ) as previous_actual_date

    from history

),

latest_dates as (

    select
        project_code,
        milestone_name,
        coalesce(actual_date, forecast_date, baseline_date) as latest_date,
        row_number() over (
            partition by project_code, milestone_name order by snapshot_date desc
        ) as recency

    from history

),

milestone_orders as (

    select
        project_code,
        milestone_name,
        row_number() over (
            partition by project_code order by latest_date nulls last, milestone_name
        ) as milestone_order

    from latest_dates
    where recency = 1

),

changes as (

    select
        *,
        case
            when snapshot_sequence = 1 and actual_date is not null then 'reached'
            when snapshot_sequence = 1 then 'planned'
            when actual_date is not null and previous_actual_date is null then 'reached'
            when baseline_date <> previous_baseline_date
                or (baseline_date is null) <> (previous_baseline_date is null)
                then 're-baselined'
            when is_forecast_moved and actual_date is null then 'forecast moved'
        end as change_kind

    from with_previous

),

final as (

    select
        changes.project_code,
        changes.milestone_name,
        milestone_orders.milestone_order,
        changes.snapshot_date,
        changes.snapshot_sequence,
        changes.change_kind,
        case
            when changes.change_kind = 'planned'
                then
                    'planned for ' || coalesce({{ date_text('changes.forecast_date') }}, 'no date')
                    || case
                        when changes.baseline_date is not null
                            then ' (baseline ' || {{ date_text('changes.baseline_date') }} || ')'
                        else ''
                    end
            when changes.change_kind = 'reached'
                then
                    'reached on ' || {{ date_text('changes.actual_date') }}
            when changes.change_kind = 're-baselined'
                then
                    'baseline moved from '
                    || coalesce({{ date_text('changes.previous_baseline_date') }}, 'none')
                    || ' to ' || coalesce({{ date_text('changes.baseline_date') }}, 'none')
            when changes.forecast_date is null
                then 'forecast removed (was '
                    || {{ date_text('changes.previous_forecast_date') }} || ')'
            when changes.previous_forecast_date is null
                then 'forecast set to ' || {{ date_text('changes.forecast_date') }}
            when changes.forecast_move_days > 0
                then 'forecast moved ' || {{ days_text('changes.forecast_move_days') }}
                    || ' later to ' || {{ date_text('changes.forecast_date') }}
            else 'forecast moved ' || {{ days_text('-changes.forecast_move_days') }}
                || ' earlier to ' || {{ date_text('changes.forecast_date') }}
        end as detail,
        changes.baseline_date,
        changes.previous_forecast_date,
        changes.forecast_date,
        changes.actual_date,
        changes.forecast_move_days,
        {{ dbt.datediff(
            'changes.baseline_date', 'coalesce(changes.actual_date, changes.forecast_date)', 'day'
        ) }}
            as slip_days

    from changes
    inner join milestone_orders
        on changes.project_code = milestone_orders.project_code
        and changes.milestone_name = milestone_orders.milestone_name
    where changes.change_kind is not null

)

select * from final
