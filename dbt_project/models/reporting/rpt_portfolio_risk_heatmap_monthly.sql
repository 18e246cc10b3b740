-- One row per reporting month and cell of the probability x impact grid, over every project:
-- the open risks and their exposure in the cell (the MSR's portfolio heat map). The sum over
-- projects of rpt_risk_heatmap; exposure in the reporting currency.

with

risk_heatmap as (

    select * from {{ ref('rpt_risk_heatmap') }}

),

final as (

    select
        reporting_month,
        probability_band,
        impact_band,
        any_value(probability_band_label) as probability_band_label,
        any_value(impact_band_label) as impact_band_label,
        any_value(severity) as severity,
        sum(open_risk_count)::bigint as open_risk_count,
        sum(open_risk_exposure_amount)::double as open_risk_exposure_amount

    from risk_heatmap
    group by reporting_month, probability_band, impact_band

)

select * from final
