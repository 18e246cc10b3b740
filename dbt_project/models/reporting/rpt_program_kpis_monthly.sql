-- One row per programme of a portfolio per reporting month, plus one per programme across all
-- portfolios ('All portfolios', for a programme that spans portfolios): the same roll-up as
-- rpt_portfolio_kpis_monthly over the programme's projects: int_kpi_rollup_monthly's programme
-- level. Projects without a programme belong to no row here; they still count in their
-- portfolio's totals.

select {{ star_except(['rollup_level']) }}
from {{ ref('int_kpi_rollup_monthly') }}
where rollup_level = 'program'
