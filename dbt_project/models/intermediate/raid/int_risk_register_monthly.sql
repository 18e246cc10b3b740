-- One row per project, reporting month and risk in the register in force at the month's status
-- date: the project's latest register snapshot on or before it (a month without a new export
-- keeps the previous register; a risk missing from the latest snapshot has left the register).
-- Impact converted to the reporting currency at the rate of the reporting month; probability
-- and impact banded 1-5 and the severity of probability band x impact band, all from seeds.

{%- set open_statuses = "('open', 'monitoring', 'mitigating')" %}

with

periods as (

    select * from {{ ref('int_project_periods') }}

),

risks as (

    select * from {{ ref('stg_raw__risks') }}

),

projects as (

    select * from {{ ref('stg_raw__projects') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

risk_scoring_bands as (

    select * from {{ ref('risk_scoring_bands') }}

),

risk_severity_bands as (

    select * from {{ ref('risk_severity_bands') }}

),

reporting_periods as (

    select
        project_code,
        period_month as reporting_month,
        status_date

    from periods
    where is_reporting_period

),

risks_known as (

    select risks.*
    from risks
    cross join reporting_period
    where risks.snapshot_date <= reporting_period.as_of_date

),

register_snapshots as (

    select distinct
        project_code,
        snapshot_date

    from risks_known

),

registers_in_force as (

    select
        reporting_periods.project_code,
        reporting_periods.reporting_month,
        reporting_periods.status_date,
        max(register_snapshots.snapshot_date) as register_snapshot_date

    from reporting_periods
    inner join register_snapshots
        on reporting_periods.project_code = register_snapshots.project_code
        and register_snapshots.snapshot_date <= reporting_periods.status_date
    group by
        reporting_periods.project_code,
        reporting_periods.reporting_month,
        reporting_periods.status_date

),

----------  band ranges: a band runs from its lower bound to the next band's

band_ranges as (

    select
        lower(trim(scale)) as scale,
        band,
        lower_bound,
        lead(lower_bound) over (
            partition by lower(trim(scale))
            order by lower_bound
        ) as upper_bound

    from risk_scoring_bands

),

severity_ranges as (

    select
        severity,
        severity_rank,
        min_score,
        lead(min_score) over (order by min_score) as next_min_score

    from risk_severity_bands

),

register_rows as (

    select
        registers_in_force.project_code,
        registers_in_force.reporting_month,
        registers_in_force.status_date,
        registers_in_force.register_snapshot_date,
        risks_known.risk_id,
        risks_known.title,
        coalesce(nullif(trim(risks_known.category), ''), 'Uncategorised') as category,
        risks_known.owner,
        risks_known.risk_status,
        risks_known.probability_ratio,
        risks_known.impact_cost as original_impact_cost,
        risks_known.impact_days,
        risks_known.raised_date,
        risks_known.closed_date,
        case
            when risks_known.risk_status in {{ open_statuses }} then true
            when risks_known.risk_status is not null then false
            else risks_known.closed_date is null
        end as is_open,
        coalesce(projects.currency, reporting_period.reporting_currency) as original_currency,
        reporting_period.reporting_currency

    from registers_in_force
    inner join risks_known
        on registers_in_force.project_code = risks_known.project_code
        and registers_in_force.register_snapshot_date = risks_known.snapshot_date
    cross join reporting_period
    left join projects
        on registers_in_force.project_code = projects.project_code

),

converted as (

    select
        register_rows.*,
        register_rows.original_impact_cost
        * case
            when register_rows.original_currency = register_rows.reporting_currency
                then cast(1 as {{ type_double() }})
            else fx_rates.rate_to_reporting_currency
        end as impact_cost

    from register_rows
    left join fx_rates
        on register_rows.original_currency = fx_rates.currency
        and register_rows.original_currency <> register_rows.reporting_currency
        and register_rows.reporting_month = fx_rates.amount_month

),

banded as (

    select
        converted.*,
        probability_bands.band as probability_band,
        impact_bands.band as impact_band

    from converted
    left join band_ranges as probability_bands
        on probability_bands.scale = 'probability'
        and converted.probability_ratio >= probability_bands.lower_bound
        and (
            probability_bands.upper_bound is null
            or converted.probability_ratio < probability_bands.upper_bound
        )
    left join band_ranges as impact_bands
        on impact_bands.scale = 'impact'
        and converted.impact_cost >= impact_bands.lower_bound
        and (impact_bands.upper_bound is null or converted.impact_cost < impact_bands.upper_bound)

),

scored as (

    select
        banded.*,
        banded.probability_band * banded.impact_band as severity_score

    from banded

),

final as (

    select

        ----------  ids
        scored.project_code,
        scored.reporting_month,
        scored.risk_id,

        ----------  text
        scored.title,
        scored.category,
        scored.owner,
        scored.risk_status,
        severity_ranges.severity,

        ----------  numerics
        scored.probability_ratio,
        scored.impact_cost,
        scored.probability_ratio * scored.impact_cost as exposure_amount,
        scored.impact_days,
        scored.probability_band,
        scored.impact_band,
        scored.severity_score,
        severity_ranges.severity_rank,
        {{ dbt.datediff('scored.raised_date', 'scored.status_date', 'day') }} as age_days,  -- noqa: LT05

        ----------  booleans
        scored.is_open,

        ----------  dates
        scored.status_date,
        scored.register_snapshot_date,
        scored.raised_date,
        scored.closed_date

    from scored
    left join severity_ranges
        on scored.severity_score >= severity_ranges.min_score
        and (
            severity_ranges.next_min_score is null
            or scored.severity_score < severity_ranges.next_min_score
        )

)

select * from final
