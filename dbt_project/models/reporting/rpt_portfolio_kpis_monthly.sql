-- One row per portfolio per reporting month, plus an 'All portfolios' row per month: the
-- earned-value totals of the projects reporting in the month, portfolio indices computed from
-- those totals (never averages of project ratios), the projects' overall health counts and the
-- open risk exposure. Amounts in the reporting currency; nothing rounded.
--
-- * CPI = sum(EV) / sum(AC) and SPI = sum(EV) / sum(PV), over the projects whose EV is known in
--   the month (and, for SPI, whose PV is known): a project with no progress evidence yet would
--   otherwise add cost without value.
-- * SPI(t) = sum(ES) / sum(AT) over the projects whose earned schedule is known: each project's
--   SPI(t) weighted by the months it has run.
-- * EAC: sum of the projects' EAC, a project without one (no CPI yet) counting its BAC - with no
--   performance data the budget is the forecast. VAC = sum(BAC) - EAC.
-- The project months come from int_kpi_project_months, the column lists from macros/kpi_rollup.sql;
-- the same roll-up, per programme: rpt_program_kpis_monthly.

{%- set all_portfolios = "'All portfolios'" %}

with

project_months as (

    select * from {{ ref('int_kpi_project_months') }}

),

levels as (

    select
        false as is_all_portfolios,
        project_months.*

    from project_months

    union all

    select
        true as is_all_portfolios,
        project_months.* replace ({{ all_portfolios }} as portfolio)

    from project_months

),

totals as (

    select
        portfolio,
        is_all_portfolios,
        reporting_month,
        {{ kpi_rollup_totals() }}

    from levels
    group by
        portfolio,
        is_all_portfolios,
        reporting_month

),

final as (

    select

        ----------  ids
        portfolio,
        reporting_month,

        ----------  booleans
        is_all_portfolios,

        ----------  numerics
        {{ kpi_rollup_indices() }}

    from totals

)

select * from final
