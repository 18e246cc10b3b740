-- One row per loaded vendor row that counts in no SLA result or scorecard because what it names
-- is not there: a service-desk ticket, SLA measurement, deliverable or SLA term naming a contract
-- the contracts files do not list; an SLA measurement of a metric its contract has no reported
-- term for (or of response_hours / resolution_hours, which are measured from tickets); a ticket
-- term without a priority or a reported term with one (never measured). Each row keeps its file
-- and line, and its reason in words, for the data-quality page.
--
-- Checked here rather than at load: whether a contract or term exists depends on other files,
-- which may arrive later or be replaced; this list is worked out again at every build, so a row
-- counts as soon as its contract or term is loaded. Rows dated after the as-of date (tickets
-- opened, measurement periods starting, deliverables due or accepted) are not yet listed.

{%- set ticket_metrics = "('response_hours', 'resolution_hours')" %}

with

contracts as (

    select * from {{ ref('stg_raw__contracts') }}

),

sla_terms as (

    select * from {{ ref('stg_raw__sla_terms') }}

),

measurements as (

    select * from {{ ref('stg_raw__sla_measurements') }}

),

deliverables as (

    select * from {{ ref('stg_raw__vendor_deliverables') }}

),

tickets as (

    select * from {{ ref('stg_raw__service_tickets') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

known_contracts as (

    select
        contract_id,
        min(vendor) as vendor,
        min(project_code) as project_code

    from contracts
    group by contract_id

),

reported_terms as (

    select
        contract_id,
        metric

    from sla_terms
    where priority is null and metric not in {{ ticket_metrics }}

),

reported_term_lists as (

    select
        contract_id,
        {{ dbt.listagg('metric', "', '", 'order by metric') }} as metrics

    from (
        select distinct
            contract_id,
            metric
        from reported_terms
    ) as distinct_terms
    group by contract_id

),

----------  the rows, each with what it names

ticket_rows as (

    select
        'service_tickets' as entity,
        tickets.ticket_id as record_key,
        tickets.contract_id,
        tickets.vendor,
        'contract_id' as column_name,
        tickets.contract_id as found_value,
        'the ticket counts in no SLA result' as consequence,
        tickets.source_file,
        tickets.source_line

    from tickets
    cross join reporting_period
    left join known_contracts
        on tickets.contract_id = known_contracts.contract_id
    where
        tickets.contract_id is not null
        and known_contracts.contract_id is null
        and cast(tickets.created_at as date) <= reporting_period.as_of_date

),

dated_measurements as (

    select
        measurements.*,
        {{ dbt.concat([
            "measurements.contract_id", "' / '", "measurements.metric", "' / '",
            "cast(measurements.period_start as " ~ dbt.type_string() ~ ")",
        ]) }} as record_key

    from measurements
    cross join reporting_period
    where measurements.period_start <= reporting_period.as_of_date

),

measurement_rows as (

    select
        'sla_measurements' as entity,
        dated_measurements.record_key,
        dated_measurements.contract_id,
        dated_measurements.vendor,
        'contract_id' as column_name,
        dated_measurements.contract_id as found_value,
        'the measurement counts in no SLA result' as consequence,
        dated_measurements.source_file,
        dated_measurements.source_line

    from dated_measurements
    left join known_contracts
        on dated_measurements.contract_id = known_contracts.contract_id
    where known_contracts.contract_id is null

),

measurement_without_term_rows as (

    select
        'sla_measurements' as entity,
        dated_measurements.record_key,
        dated_measurements.contract_id,
        coalesce(dated_measurements.vendor, known_contracts.vendor) as vendor,
        known_contracts.project_code,
        'metric' as column_name,
        dated_measurements.metric as found_value,
        case
            when dated_measurements.metric in {{ ticket_metrics }}
                then {{ dbt.concat([
                    "'metric: '''", "dated_measurements.metric",
                    "''' is measured from service-desk tickets of contract '",
                    "dated_measurements.contract_id",
                    "', not from a reported value; the measurement counts in no SLA result'",
                ]) }}
            else {{ dbt.concat([
                "'metric: contract '", "dated_measurements.contract_id",
                "' has no SLA term for '''", "dated_measurements.metric", "''' (its terms: '",
                "coalesce(reported_term_lists.metrics, 'none')",
                "'), expected a metric named in sla_terms; the measurement counts in no SLA"
                ~ " result'",
            ]) }}
        end as reason,
        dated_measurements.source_file,
        dated_measurements.source_line

    from dated_measurements
    inner join known_contracts
        on dated_measurements.contract_id = known_contracts.contract_id
    left join reported_terms
        on dated_measurements.contract_id = reported_terms.contract_id
        and dated_measurements.metric = reported_terms.metric
    left join reported_term_lists
        on dated_measurements.contract_id = reported_term_lists.contract_id
    where reported_terms.contract_id is null

),

deliverable_rows as (

    select
        'vendor_deliverables' as entity,
        {{ dbt.concat(["deliverables.contract_id", "' / '", "deliverables.deliverable_id"]) }}
            as record_key,
        deliverables.contract_id,
        deliverables.vendor,
        'contract_id' as column_name,
        deliverables.contract_id as found_value,
        'the deliverable is on no scorecard' as consequence,
        deliverables.source_file,
        deliverables.source_line

    from deliverables
    cross join reporting_period
    left join known_contracts
        on deliverables.contract_id = known_contracts.contract_id
    where
        known_contracts.contract_id is null
        and (
            deliverables.due_date <= reporting_period.as_of_date
            or deliverables.accepted_date <= reporting_period.as_of_date
        )

),

term_keys as (

    select
        sla_terms.*,
        {{ dbt.concat([
            "sla_terms.contract_id", "' / '", "sla_terms.metric", "' / '",
            "coalesce(sla_terms.priority, '-')",
        ]) }} as record_key

    from sla_terms

),

term_rows as (

    select
        'sla_terms' as entity,
        term_keys.record_key,
        term_keys.contract_id,
        known_contracts.vendor,
        known_contracts.project_code,
        case
            when known_contracts.contract_id is null then 'contract_id'
            else 'priority'
        end as column_name,
        case
            when known_contracts.contract_id is null then term_keys.contract_id
            else term_keys.priority
        end as found_value,
        case
            when known_contracts.contract_id is null
                then {{ dbt.concat([
                    "'contract_id: unknown contract '''", "term_keys.contract_id",
                    "''', expected a contract listed in contracts; the term is never measured'",
                ]) }}
            when term_keys.metric in {{ ticket_metrics }}
                then {{ dbt.concat([
                    "'priority: a '", "term_keys.metric",
                    "' term is measured from tickets of one priority, expected p1-p5; the term"
                    ~ " is never measured'",
                ]) }}
            else {{ dbt.concat([
                "'priority: found '''", "term_keys.priority", "''' on '", "term_keys.metric",
                "', a reported metric, expected none (only response_hours and resolution_hours"
                ~ " take a priority); the term is never measured'",
            ]) }}
        end as reason,
        term_keys.source_file,
        term_keys.source_line

    from term_keys
    left join known_contracts
        on term_keys.contract_id = known_contracts.contract_id
    where
        known_contracts.contract_id is null
        or (term_keys.metric in {{ ticket_metrics }} and term_keys.priority is null)
        or (term_keys.metric not in {{ ticket_metrics }} and term_keys.priority is not null)

),

unknown_contract_rows as (

    select
        entity,
        record_key,
        contract_id,
        vendor,
        cast(null as {{ dbt.type_string() }}) as project_code,
        column_name,
        found_value,
        {{ dbt.concat([
            "'contract_id: unknown contract '''", "found_value",
            "''', expected a contract listed in contracts; '", "consequence",
        ]) }} as reason,
        source_file,
        source_line

    from (
        select * from ticket_rows
        union all
        select * from measurement_rows
        union all
        select * from deliverable_rows
    ) as unknown_contracts

),

final as (

    select * from unknown_contract_rows

    union all

    select * from measurement_without_term_rows

    union all

    select * from term_rows

)

select * from final
