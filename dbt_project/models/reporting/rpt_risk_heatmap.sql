-- One row per project, reporting month, probability band (1-5) and impact band (1-5) for every
-- month a risk register is in force: the 5 x 5 heat map, every cell present (0 when empty), with
-- the open risks that fall in it and their exposure. Bands and cell severity from the seeds;
-- open risks with no cost impact have no impact band and stay out of the map.

with

risk_exposure as (

    select * from {{ ref('fct_risk_exposure_monthly') }}

),

register as (

    select * from {{ ref('int_risk_register_monthly') }}

),

risk_scoring_bands as (

    select * from {{ ref('risk_scoring_bands') }}

),

risk_severity_bands as (

    select * from {{ ref('risk_severity_bands') }}

),

probability_bands as (

    select
        band as probability_band,
        band_label as probability_band_label

    from risk_scoring_bands
    where lower(trim(scale)) = 'probability'

),

impact_bands as (

    select
        band as impact_band,
        band_label as impact_band_label

    from risk_scoring_bands
    where lower(trim(scale)) = 'impact'

),

severity_ranges as (

    select
        severity,
        min_score,
        lead(min_score) over (order by min_score) as next_min_score

    from risk_severity_bands

),

cells as (

    select
        risk_exposure.project_code,
        risk_exposure.reporting_month,
        risk_exposure.status_date,
        probability_bands.probability_band,
        probability_bands.probability_band_label,
        impact_bands.impact_band,
        impact_bands.impact_band_label,
        probability_bands.probability_band * impact_bands.impact_band as severity_score

    from risk_exposure
    cross join probability_bands
    cross join impact_bands
    where risk_exposure.has_risk_register

),

cell_counts as (

    select
        project_code,
        reporting_month,
        probability_band,
        impact_band,
        count(*) as open_risk_count,
        sum(exposure_amount) as open_risk_exposure_amount

    from register
    where is_open
    group by
        project_code,
        reporting_month,
        probability_band,
        impact_band

),

final as (

    select

        ----------  ids
        cells.project_code,
        cells.reporting_month,
        cells.probability_band,
        cells.impact_band,

        ----------  dates
        cells.status_date,

        ----------  text
        cells.probability_band_label,
        cells.impact_band_label,
        severity_ranges.severity,

        ----------  numerics
        cells.severity_score,
        coalesce(cell_counts.open_risk_count, 0) as open_risk_count,
        coalesce(cell_counts.open_risk_exposure_amount, 0) as open_risk_exposure_amount

    from cells
    left join cell_counts
        on cells.project_code = cell_counts.project_code
        and cells.reporting_month = cell_counts.reporting_month
        and cells.probability_band = cell_counts.probability_band
        and cells.impact_band = cell_counts.impact_band
    left join severity_ranges
        on cells.severity_score >= severity_ranges.min_score
        and (
            severity_ranges.next_min_score is null
            or cells.severity_score < severity_ranges.next_min_score
        )

)

select * from final
