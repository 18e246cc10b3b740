-- One row per project per reporting month (start month to as-of month): the open risks of the
-- register in force at the status date (the latest snapshot on or before it), their severity,
-- exposure (probability x cost impact) and age, and the month's flows (risks raised, closed and
-- materialised). Amounts in the reporting currency; nothing rounded.

{%- set aged_after_days = 90 %}

with

periods as (

    select * from {{ ref('int_project_periods') }}

),

register as (

    select * from {{ ref('int_risk_register_monthly') }}

),

risks as (

    select * from {{ ref('stg_raw__risks') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

reporting_periods as (

    select
        project_code,
        period_month as reporting_month,
        status_date,
        start_month

    from periods
    where is_reporting_period

),

----------  the register in force: what is open, how severe, how exposed, how old

register_stocks as (

    select
        project_code,
        reporting_month,
        max(register_snapshot_date) as register_snapshot_date,
        count(*) as register_risk_count,
        count(case when is_open then 1 end) as open_risk_count,
        count(case when is_open and severity = 'high' then 1 end) as open_high_risk_count,
        count(case when is_open and severity = 'medium' then 1 end) as open_medium_risk_count,
        count(case when is_open and severity = 'low' then 1 end) as open_low_risk_count,
        count(case when is_open and severity is null then 1 end) as open_unrated_risk_count,
        coalesce(sum(case when is_open then exposure_amount end), 0) as open_risk_exposure_amount,
        coalesce(sum(case when is_open then impact_cost end), 0) as open_risk_impact_amount,
        count(
            case when is_open and age_days > {{ aged_after_days }} then 1 end
        ) as aged_open_risk_count,
        count(case when risk_status = 'occurred' then 1 end) as occurred_risk_count

    from register
    group by
        project_code,
        reporting_month

),

----------  flows, dated by each risk's latest known state (snapshots up to the as-of date)

risk_history as (

    select risks.*
    from risks
    cross join reporting_period
    where risks.snapshot_date <= reporting_period.as_of_date

),

risk_latest as (

    select
        project_code,
        risk_id,
        risk_status,
        raised_date,
        closed_date,
        row_number() over (
            partition by project_code, risk_id
            order by snapshot_date desc
        ) as recency_rank

    from risk_history

),

risk_milestones as (

    select
        project_code,
        risk_id,
        min(snapshot_date) as first_seen_date,
        min(case when risk_status = 'closed' then snapshot_date end) as first_closed_snapshot_date,
        min(case when risk_status = 'occurred' then snapshot_date end)
            as first_occurred_snapshot_date

    from risk_history
    group by
        project_code,
        risk_id

),

risk_events as (

    select
        risk_latest.project_code,
        risk_latest.risk_id,
        'raised' as event_type,
        coalesce(risk_latest.raised_date, risk_milestones.first_seen_date) as event_date

    from risk_latest
    inner join risk_milestones
        on risk_latest.project_code = risk_milestones.project_code
        and risk_latest.risk_id = risk_milestones.risk_id
    where risk_latest.recency_rank = 1

    union all

    select
        risk_latest.project_code,
        risk_latest.risk_id,
        'closed' as event_type,
        coalesce(risk_latest.closed_date, risk_milestones.first_closed_snapshot_date)
            as event_date

    from risk_latest
    inner join risk_milestones
        on risk_latest.project_code = risk_milestones.project_code
        and risk_latest.risk_id = risk_milestones.risk_id
    where risk_latest.recency_rank = 1 and risk_latest.risk_status = 'closed'

    union all

    select
        project_code,
        risk_id,
        'materialised' as event_type,
        first_occurred_snapshot_date as event_date

    from risk_milestones
    where first_occurred_snapshot_date is not null

),

-- an event before the project's start month counts in the start month
risk_event_months as (

    select
        risk_events.project_code,
        case
            when {{ month_start('risk_events.event_date') }} < first_periods.start_month
                then first_periods.start_month
            else {{ month_start('risk_events.event_date') }}
        end as reporting_month,
        risk_events.event_type

    from risk_events
    inner join reporting_periods as first_periods
        on risk_events.project_code = first_periods.project_code
        and first_periods.reporting_month = first_periods.start_month
    cross join reporting_period
    where risk_events.event_date <= reporting_period.as_of_date

),

risk_flows as (

    select
        project_code,
        reporting_month,
        count(case when event_type = 'raised' then 1 end) as new_risk_count,
        count(case when event_type = 'closed' then 1 end) as closed_risk_count,
        count(case when event_type = 'materialised' then 1 end) as materialised_risk_count

    from risk_event_months
    group by
        project_code,
        reporting_month

),

monthly as (

    select

        ----------  ids
        reporting_periods.project_code,
        reporting_periods.reporting_month,

        ----------  dates
        reporting_periods.status_date,
        register_stocks.register_snapshot_date,

        ----------  numerics
        register_stocks.open_risk_count,
        register_stocks.open_high_risk_count,
        register_stocks.open_medium_risk_count,
        register_stocks.open_low_risk_count,
        register_stocks.open_unrated_risk_count,
        register_stocks.open_risk_exposure_amount,
        register_stocks.open_risk_exposure_amount
        - lag(register_stocks.open_risk_exposure_amount) over (
            partition by reporting_periods.project_code
            order by reporting_periods.reporting_month
        ) as open_risk_exposure_change_amount,
        register_stocks.open_risk_impact_amount,
        register_stocks.aged_open_risk_count,
        register_stocks.occurred_risk_count,
        coalesce(risk_flows.new_risk_count, 0) as new_risk_count,
        coalesce(risk_flows.closed_risk_count, 0) as closed_risk_count,
        coalesce(risk_flows.materialised_risk_count, 0) as materialised_risk_count,

        ----------  booleans
        (register_stocks.project_code is not null) as has_risk_register

    from reporting_periods
    left join register_stocks
        on reporting_periods.project_code = register_stocks.project_code
        and reporting_periods.reporting_month = register_stocks.reporting_month
    left join risk_flows
        on reporting_periods.project_code = risk_flows.project_code
        and reporting_periods.reporting_month = risk_flows.reporting_month

)

select * from monthly
