-- One row per programme of a portfolio per reporting month, plus one per programme across all
-- portfolios ('All portfolios', for a programme that spans portfolios): the same roll-up as
-- rpt_portfolio_kpis_monthly (the project months of int_kpi_project_months, the column lists of
-- macros/kpi_rollup.sql) over the programme's projects. Projects without a programme belong to no
-- row here; they still count in their portfolio's totals.

{%- set all_portfolios = "'All portfolios'" %}

with

project_months as (

    select * from {{ ref('int_kpi_project_months') }}

),

in_programs as (

    select * from project_months
    where program is not null

),

levels as (

    select
        false as is_all_portfolios,
        in_programs.*

    from in_programs

    union all

    select
        true as is_all_portfolios,
        in_programs.* replace ({{ all_portfolios }} as portfolio)

    from in_programs

),

totals as (

    select
        portfolio,
        program,
        is_all_portfolios,
        reporting_month,
        {{ kpi_rollup_totals() }}

    from levels
    group by
        portfolio,
        program,
        is_all_portfolios,
        reporting_month

),

final as (

    select

        ----------  ids
        portfolio,
        program,
        reporting_month,

        ----------  booleans
        is_all_portfolios,

        ----------  numerics
        {{ kpi_rollup_indices() }}

    from totals

)

select * from final
