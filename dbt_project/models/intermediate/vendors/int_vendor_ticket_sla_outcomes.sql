-- One row per service-desk ticket and ticket SLA term it falls under (response_hours or
-- resolution_hours of its priority): the hours it took, or has been waiting, in calendar hours,
-- and whether it met the target. A ticket falls under its own contract, else under the vendor's
-- contract in force on the day it was opened that has a term for its priority (the latest
-- started, when several have). A ticket counts in the month it was opened.
--
-- Response is the first response, else the resolution (a resolved ticket was answered). A ticket
-- not yet responded to / resolved at the end of the as-of date has breached once its waiting
-- time exceeds the target; until then it is pending and not counted.

with

tickets as (

    select * from {{ ref('stg_raw__service_tickets') }}

),

contracts as (

    select * from {{ ref('int_vendor_contracts_converted') }}

),

sla_terms as (

    select * from {{ ref('stg_raw__sla_terms') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

as_of as (

    select
        cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as {{ dbt.type_timestamp() }})
            as cut_off_at

    from reporting_period

),

ticket_terms as (

    select
        contract_id,
        metric,
        priority,
        target,
        compliance_target_pct

    from sla_terms
    where metric in ('response_hours', 'resolution_hours')

),

candidates as (

    select
        tickets.ticket_id,
        tickets.vendor_key,
        tickets.priority,
        tickets.created_at,
        tickets.responded_at,
        tickets.resolved_at,
        contracts.contract_id,
        contracts.start_date,
        ticket_terms.metric,
        ticket_terms.target,
        ticket_terms.compliance_target_pct,
        row_number() over (
            partition by tickets.ticket_id, ticket_terms.metric
            order by contracts.start_date desc, contracts.contract_id asc
        ) as contract_rank

    from tickets
    cross join as_of
    inner join contracts
        on (
            tickets.contract_id = contracts.contract_id
            or (
                tickets.contract_id is null
                and tickets.vendor_key = contracts.vendor_key
                and cast(tickets.created_at as date) between contracts.start_date
                and contracts.end_date
            )
        )
    inner join ticket_terms
        on contracts.contract_id = ticket_terms.contract_id
        and tickets.priority = ticket_terms.priority
    where tickets.created_at < as_of.cut_off_at

),

timed as (

    select
        candidates.*,
        case
            when candidates.metric = 'response_hours'
                then coalesce(candidates.responded_at, candidates.resolved_at)
            else candidates.resolved_at
        end as event_at,
        as_of.cut_off_at

    from candidates
    cross join as_of
    where candidates.contract_rank = 1

),

measured as (

    select
        timed.*,
        (timed.event_at is not null and timed.event_at < timed.cut_off_at) as is_done,
        {{ dbt.datediff(
            'timed.created_at',
            'case when timed.event_at is not null and timed.event_at < timed.cut_off_at'
            ~ ' then timed.event_at else timed.cut_off_at end',
            'second',
        ) }} / 3600.0 as elapsed_hours

    from timed

),

final as (

    select

        ----------  ids
        ticket_id,
        contract_id,
        metric,
        priority,

        ----------  numerics
        target,
        compliance_target_pct,
        elapsed_hours,

        ----------  booleans
        is_done,
        (elapsed_hours <= target and is_done) as is_met,
        (elapsed_hours > target) as is_breached,

        ----------  timestamps / dates
        created_at,
        event_at,
        {{ month_start('created_at') }} as reporting_month

    from measured

)

select * from final
