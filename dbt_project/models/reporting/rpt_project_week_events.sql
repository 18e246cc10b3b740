-- One row per project per ISO week per event: what changed in the week, the way a steering
-- committee reads it in the weekly pack. For every week a project reports (int_project_weeks),
-- from the events dated in it up to its Sunday or the as-of date:
--
-- * health: a colour of the project's health dimensions that differs from the month before,
--   in the week the month ends (colours are measured at month ends; a dimension measured for
--   the first time is left out, as in the MSR's "colour changes");
-- * milestone: reached in the week (actual date), or its forecast moved by a milestones
--   snapshot dated in the week (a reached milestone's forecast no longer counts);
-- * risk: raised or closed in the week (raised / closed dates of the latest register row on or
--   before the as-of date), or materialised: the first snapshot in the week that shows the risk
--   occurred when the one before did not;
-- * issue: raised or resolved in the week (issue logs, and tracker issues and impediments);
-- * decision: taken (or withdrawn) in the week; and with actions, every decision or action still
--   open at the week's end that is overdue then or due within weekly_due_horizon_days
--   (delivery_settings) after it. These are standing items: an overdue action is listed every
--   week until it is done, with event_date its due date.
--
-- detail says in plain words what happened ("forecast moved 12 days later to 17 Dec 2026");
-- amounts in it are in the reporting currency. event_order numbers a project's events of the
-- week: health, milestones, risks, issues, decisions, actions, then by kind, date and reference.

with

project_weeks as (

    select * from {{ ref('int_project_weeks') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

delivery_settings as (

    select * from {{ ref('delivery_settings') }}

),

health_changes as (

    select * from {{ ref('rpt_project_health_changes_monthly') }}

),

milestone_history as (

    select * from {{ ref('int_milestone_forecast_history') }}

),

milestones as (

    select * from {{ ref('fct_milestone_slippage') }}

),

risks as (

    select * from {{ ref('stg_raw__risks') }}

),

risk_register as (

    select * from {{ ref('int_risk_register_monthly') }}

),

raid_items as (

    select * from {{ ref('int_raid_log_items') }}

),

settings as (

    select
        cast(
            max(case when setting_name = 'weekly_due_horizon_days' then setting_value end)
            as integer
        ) as due_horizon_days

    from delivery_settings

),

----------  health: colour changes, dated at the month end they were measured

health_events as (

    select
        health_changes.project_code,
        'health' as event_type,
        1 as type_order,
        'changed' as event_kind,
        health_changes.dimension_order as kind_order,
        health_changes.dimension as reference,
        health_changes.dimension || ' health' as title,
        health_changes.previous_status || ' → ' || health_changes.current_status
        || ' at the month end ('
        || {{ date_text(month_end('health_changes.reporting_month')) }} || ')'
        || case
            when health_changes.dimension = 'Overall'
                then ': ' || health_changes.health_reason
            else ''
        end as detail,
        {{ month_end('health_changes.reporting_month') }} as event_date,
        cast(null as {{ dbt.type_string() }}) as owner

    from health_changes
    cross join reporting_period
    where not health_changes.is_first_measured
        and {{ month_end('health_changes.reporting_month') }} <= reporting_period.as_of_date

),

----------  milestones: reached, or forecast moved by a snapshot

milestone_reached as (

    select
        project_code,
        'milestone' as event_type,
        2 as type_order,
        'reached' as event_kind,
        1 as kind_order,
        cast(null as {{ dbt.type_string() }}) as reference,
        milestone_name as title,
        case
            when baseline_date is null then 'reached; it has no baseline date'
            when slippage_days > 0
                then 'reached ' || {{ days_text('slippage_days') }}
                    || ' after its baseline date (' || {{ date_text('baseline_date') }} || ')'
            when slippage_days < 0
                then 'reached ' || {{ days_text('-slippage_days') }}
                    || ' before its baseline date (' || {{ date_text('baseline_date') }} || ')'
            else 'reached on its baseline date'
        end as detail,
        actual_date as event_date,
        cast(null as {{ dbt.type_string() }}) as owner

    from milestones
    where actual_date is not null

),

milestone_moves as (

    select
        project_code,
        'milestone' as event_type,
        2 as type_order,
        'forecast moved' as event_kind,
        2 as kind_order,
        cast(null as {{ dbt.type_string() }}) as reference,
        milestone_name as title,
        case
            when forecast_date is null
                then 'forecast removed (was ' || {{ date_text('previous_forecast_date') }} || ')'
            when previous_forecast_date is null
                then 'forecast set to ' || {{ date_text('forecast_date') }}
            when forecast_move_days > 0
                then 'forecast moved ' || {{ days_text('forecast_move_days') }} || ' later to '
                    || {{ date_text('forecast_date') }}
            else 'forecast moved ' || {{ days_text('-forecast_move_days') }} || ' earlier to '
                || {{ date_text('forecast_date') }}
        end
        || case
            when baseline_date is not null
                then ' (baseline ' || {{ date_text('baseline_date') }} || ')'
            else ''
        end as detail,
        snapshot_date as event_date,
        cast(null as {{ dbt.type_string() }}) as owner

    from milestone_history
    where is_forecast_moved
        and actual_date is null

),

----------  risks: the latest known row of each risk, and the snapshots that saw it occur

risk_snapshots as (

    select
        risks.project_code,
        risks.risk_id,
        risks.title,
        risks.owner,
        risks.risk_status,
        risks.raised_date,
        risks.closed_date,
        risks.snapshot_date,
        lag(risks.risk_status) over (
            partition by risks.project_code, risks.risk_id
            order by risks.snapshot_date
        ) as previous_risk_status,
        row_number() over (
            partition by risks.project_code, risks.risk_id
            order by risks.snapshot_date desc
        ) as recency

    from risks
    cross join reporting_period
    where risks.snapshot_date <= reporting_period.as_of_date

),

latest_assessments as (

    select
        project_code,
        risk_id,
        severity,
        exposure_amount,
        impact_cost,
        row_number() over (
            partition by project_code, risk_id
            order by reporting_month desc
        ) as recency

    from risk_register

),

risks_assessed as (

    select
        risk_snapshots.*,
        latest_assessments.severity,
        latest_assessments.exposure_amount,
        latest_assessments.impact_cost,
        reporting_period.reporting_currency

    from risk_snapshots
    cross join reporting_period
    left join latest_assessments
        on risk_snapshots.project_code = latest_assessments.project_code
        and risk_snapshots.risk_id = latest_assessments.risk_id
        and latest_assessments.recency = 1

),

risk_raised as (

    select
        project_code,
        'risk' as event_type,
        3 as type_order,
        'raised' as event_kind,
        1 as kind_order,
        risk_id as reference,
        title,
        'raised'
        || case when severity is not null then '; severity ' || severity else '' end
        || case
            when exposure_amount is not null
                then ', exposure ' || {{ format_money('exposure_amount', 'reporting_currency') }}
            else ''
        end as detail,
        raised_date as event_date,
        owner

    from risks_assessed
    where recency = 1
        and raised_date is not null

),

risk_closed as (

    select
        project_code,
        'risk' as event_type,
        3 as type_order,
        'closed' as event_kind,
        3 as kind_order,
        risk_id as reference,
        title,
        case
            when raised_date is not null and closed_date >= raised_date
                then 'closed after '
                    || {{ days_text(dbt.datediff('raised_date', 'closed_date', 'day')) }}
                    || ' on the register'
            else 'closed'
        end as detail,
        closed_date as event_date,
        owner

    from risks_assessed
    where recency = 1
        and closed_date is not null

),

risk_materialised as (

    select
        project_code,
        'risk' as event_type,
        3 as type_order,
        'materialised' as event_kind,
        2 as kind_order,
        risk_id as reference,
        title,
        'occurred: now an issue'
        || case
            when impact_cost is not null
                then '; impact ' || {{ format_money('impact_cost', 'reporting_currency') }}
            else ''
        end as detail,
        snapshot_date as event_date,
        owner

    from risks_assessed
    where risk_status = 'occurred'
        and previous_risk_status is distinct from 'occurred'

),

----------  issues and decisions: raised, resolved, decided in the week

issue_raised as (

    select
        project_code,
        'issue' as event_type,
        4 as type_order,
        'raised' as event_kind,
        1 as kind_order,
        item_id as reference,
        title,
        'raised'
        || case when priority is not null then ', priority ' || priority else '' end
        || case
            when escalation_level is not null and escalation_level <> 'project'
                then ', escalated to the ' || escalation_level
            else ''
        end
        || case when due_date is not null then ', due ' || {{ date_text('due_date') }} else '' end
            as detail,
        raised_date as event_date,
        owner

    from raid_items
    where item_type = 'issue'

),

issue_resolved as (

    select
        project_code,
        'issue' as event_type,
        4 as type_order,
        'resolved' as event_kind,
        2 as kind_order,
        item_id as reference,
        title,
        case
            when closed_date > raised_date
                then 'resolved after '
                    || {{ days_text(dbt.datediff('raised_date', 'closed_date', 'day')) }}
            else 'resolved the day it was raised'
        end as detail,
        closed_date as event_date,
        owner

    from raid_items
    where item_type = 'issue'
        and closed_date is not null

),

decision_taken as (

    select
        project_code,
        'decision' as event_type,
        5 as type_order,
        case when item_status = 'withdrawn' then 'withdrawn' else 'decided' end as event_kind,
        1 as kind_order,
        item_id as reference,
        title,
        case when item_status = 'withdrawn' then 'withdrawn' else 'decided' end
        || case when outcome is not null then ': ' || outcome else '' end
        || case
            when due_date is not null
                then ' (needed by ' || {{ date_text('due_date') }} || ')'
            else ''
        end as detail,
        closed_date as event_date,
        owner

    from raid_items
    where item_type = 'decision'
        and closed_date is not null

),

dated_events as (

    select * from health_events
    union all
    select * from milestone_reached
    union all
    select * from milestone_moves
    union all
    select * from risk_raised
    union all
    select * from risk_closed
    union all
    select * from risk_materialised
    union all
    select * from issue_raised
    union all
    select * from issue_resolved
    union all
    select * from decision_taken

),

events_in_weeks as (

    select
        project_weeks.project_code,
        project_weeks.week_start,
        dated_events.event_type,
        dated_events.type_order,
        dated_events.event_kind,
        dated_events.kind_order,
        dated_events.reference,
        dated_events.title,
        dated_events.detail,
        dated_events.event_date,
        dated_events.owner

    from project_weeks
    inner join dated_events
        on project_weeks.project_code = dated_events.project_code
        and dated_events.event_date >= project_weeks.week_start
        and dated_events.event_date <= project_weeks.measured_to_date

),

----------  decisions and actions open at the week's end: overdue, or due soon after it

standing_items as (

    select
        project_weeks.project_code,
        project_weeks.week_start,
        raid_items.item_type as event_type,
        case raid_items.item_type when 'decision' then 5 else 6 end as type_order,
        case
            when raid_items.due_date < project_weeks.measured_to_date then 'overdue' else 'due'
        end as event_kind,
        case when raid_items.due_date < project_weeks.measured_to_date then 2 else 3 end
            as kind_order,
        raid_items.item_id as reference,
        raid_items.title,
        case
            when raid_items.due_date < project_weeks.measured_to_date
                then 'overdue by ' || {{ days_text(dbt.datediff(
                    'raid_items.due_date', 'project_weeks.measured_to_date', 'day'
                )) }}
            when raid_items.due_date = project_weeks.measured_to_date
                then 'due on the last day of the week'
            else 'due ' || {{ days_text(dbt.datediff(
                'project_weeks.measured_to_date', 'raid_items.due_date', 'day'
            )) }} || ' after the week'
        end
        || case raid_items.item_type when 'decision' then ' (needed by ' else ' (due ' end
        || {{ date_text('raid_items.due_date') }} || ')'
        || case
            when raid_items.forum = 'steering committee' then '; for the steering committee'
            else ''
        end as detail,
        raid_items.due_date as event_date,
        raid_items.owner

    from project_weeks
    cross join settings
    inner join raid_items
        on project_weeks.project_code = raid_items.project_code
        and raid_items.item_type in ('decision', 'action')
        and raid_items.raised_date <= project_weeks.measured_to_date
        and (
            raid_items.closed_date is null
            or raid_items.closed_date > project_weeks.measured_to_date
        )
        and raid_items.due_date
        <= {{ dbt.dateadd('day', 'settings.due_horizon_days', 'project_weeks.measured_to_date') }}

),

week_events as (

    select * from events_in_weeks
    union all
    select * from standing_items

),

final as (

    select

        ----------  ids
        week_events.project_code,
        week_events.week_start,
        row_number() over (
            partition by week_events.project_code, week_events.week_start
            order by
                week_events.type_order,
                week_events.kind_order,
                week_events.event_date,
                week_events.reference,
                week_events.title
        ) as event_order,

        ----------  week and project
        project_weeks.iso_week,
        project_weeks.week_end_date,
        project_weeks.project_name,

        ----------  the event
        week_events.event_type,
        week_events.event_kind,
        week_events.reference,
        week_events.title,
        week_events.detail,
        week_events.event_date,
        week_events.owner

    from week_events
    inner join project_weeks
        on week_events.project_code = project_weeks.project_code
        and week_events.week_start = project_weeks.week_start

)

select * from final
