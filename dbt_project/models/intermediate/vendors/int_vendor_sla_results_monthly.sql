-- One row per contract, SLA term and month: the month's actual against the term's target and
-- whether it was met. Two sources:
-- * the vendor's sla_measurements: the period's actual, met when at or above the target
--   (higher_is_better) or at or below it (lower_is_better); a quarterly period counts in its
--   last month. Periods ending after the as-of month are left out, and so are measurements of
--   a metric the contract has no term for (a priority only qualifies ticket terms: a reported
--   metric's term has none).
-- * service-desk tickets (int_vendor_ticket_sla_outcomes) for response_hours /
--   resolution_hours per priority: the actual is the share of the month's counted tickets (met
--   or breached; pending ones wait) within the target hours, as a percentage, met when at or
--   above the term's compliance_target_pct.

with

sla_terms as (

    select * from {{ ref('stg_raw__sla_terms') }}

),

measurements as (

    select * from {{ ref('stg_raw__sla_measurements') }}

),

ticket_outcomes as (

    select * from {{ ref('int_vendor_ticket_sla_outcomes') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

reported as (

    select
        measurements.contract_id,
        measurements.metric,
        sla_terms.priority,
        {{ add_months(
            month_start('measurements.period_start'),
            "case when sla_terms.sla_period = 'quarterly' then 2 else 0 end",
        ) }} as reporting_month,
        'vendor report' as measured_from,
        sla_terms.direction,
        sla_terms.target,
        cast(null as {{ type_double() }}) as compliance_target_pct,
        measurements.actual,
        cast(null as {{ dbt.type_bigint() }}) as ticket_count,
        cast(null as {{ dbt.type_bigint() }}) as tickets_within_target_count,
        case
            when sla_terms.direction = 'higher_is_better'
                then measurements.actual >= sla_terms.target
            else measurements.actual <= sla_terms.target
        end as is_met

    from measurements
    inner join sla_terms
        on measurements.contract_id = sla_terms.contract_id
        and measurements.metric = sla_terms.metric
        and sla_terms.metric not in ('response_hours', 'resolution_hours')
        and sla_terms.priority is null

),

ticketed as (

    select
        contract_id,
        metric,
        priority,
        reporting_month,
        max(target) as target,
        max(compliance_target_pct) as compliance_target_pct,
        count(*) as ticket_count,
        sum(case when is_met then 1 else 0 end) as tickets_within_target_count

    from ticket_outcomes
    where is_done or is_breached
    group by
        contract_id,
        metric,
        priority,
        reporting_month

),

from_tickets as (

    select
        contract_id,
        metric,
        priority,
        reporting_month,
        'service desk' as measured_from,
        'lower_is_better' as direction,
        target,
        compliance_target_pct,
        100.0 * tickets_within_target_count / ticket_count as actual,
        ticket_count,
        tickets_within_target_count,
        100.0 * tickets_within_target_count / ticket_count >= compliance_target_pct as is_met

    from ticketed

),

unioned as (

    select * from reported

    union all

    select * from from_tickets

),

final as (

    select unioned.*
    from unioned
    cross join reporting_period
    where unioned.reporting_month <= reporting_period.as_of_month

)

select * from final
