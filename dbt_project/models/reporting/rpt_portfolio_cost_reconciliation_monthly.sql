-- One row per portfolio, reporting month and measure, plus an 'All portfolios' row per month and
-- measure: the MSR's headline figure (rpt_portfolio_kpis_monthly) beside the FSR's total (the sum
-- of fct_project_financials_monthly's lines of the portfolio's projects), their difference and
-- what it is made of - the projects' differences (rpt_cost_reconciliation_monthly) summed, plus
-- the MSR headline's own adjustments (the headline minus the sum of its projects' figures: a
-- project without an EAC yet counts at its BAC there). The difference always equals the sum of
-- its parts. Amounts in the reporting currency; nothing rounded.

{%- set all_portfolios = "'All portfolios'" %}
{%- set measures = [
    'actual_cost', 'planned_value', 'budget_at_completion', 'estimate_at_completion'
] %}

with

portfolio_kpis as (

    select * from {{ ref('rpt_portfolio_kpis_monthly') }}

),

project_reconciliation as (

    select * from {{ ref('rpt_cost_reconciliation_monthly') }}

),

financials as (

    select * from {{ ref('fct_project_financials_monthly') }}

),

projects as (

    select * from {{ ref('dim_projects') }}

),

----------  each project counts in its portfolio and in all portfolios

portfolio_levels as (

    select
        project_code,
        portfolio,
        false as is_all_portfolios

    from projects

    union all

    select
        project_code,
        {{ all_portfolios }} as portfolio,
        true as is_all_portfolios

    from projects

),

----------  the MSR's headline figures, one row per measure

headlines as (

    {% for measure in measures %}
    select
        portfolio,
        is_all_portfolios,
        reporting_month,
        '{{ measure }}' as measure,
        {{ measure }} as msr_amount

    from portfolio_kpis
    {% if not loop.last %}
    union all
    {% endif %}
    {%- endfor %}

),

----------  the FSR's totals, straight from the lines

finance_levels as (

    select
        portfolio_levels.portfolio,
        portfolio_levels.is_all_portfolios,
        financials.reporting_month,
        financials.cumulative_actual_cost,
        financials.cumulative_budget_amount,
        financials.budget_at_completion,
        financials.forecast_at_completion

    from financials
    inner join portfolio_levels
        on financials.project_code = portfolio_levels.project_code

),

finance_totals as (

    select
        portfolio,
        is_all_portfolios,
        reporting_month,
        coalesce(sum(cumulative_actual_cost), 0) as actual_cost,
        coalesce(sum(cumulative_budget_amount), 0) as planned_value,
        coalesce(sum(budget_at_completion), 0) as budget_at_completion,
        coalesce(sum(forecast_at_completion), 0) as estimate_at_completion

    from finance_levels
    group by
        portfolio,
        is_all_portfolios,
        reporting_month

),

finance_measures as (

    {% for measure in measures %}
    select
        portfolio,
        is_all_portfolios,
        reporting_month,
        '{{ measure }}' as measure,
        {{ measure }} as fsr_amount

    from finance_totals
    {% if not loop.last %}
    union all
    {% endif %}
    {%- endfor %}

),

----------  the projects' differences, summed per portfolio and for all portfolios

project_levels as (

    select
        portfolio_levels.portfolio,
        portfolio_levels.is_all_portfolios,
        project_reconciliation.*

    from project_reconciliation
    inner join portfolio_levels
        on project_reconciliation.project_code = portfolio_levels.project_code

),

project_sums as (

    select
        portfolio,
        is_all_portfolios,
        reporting_month,
        measure,
        max(msr_measure_label) as msr_measure_label,
        max(fsr_measure_label) as fsr_measure_label,
        min(measure_order) as measure_order,
        count(*) as project_count,
        coalesce(sum(msr_amount), 0) as project_msr_amount,
        sum(earned_value_import_amount) as earned_value_import_amount,
        sum(baseline_in_force_amount) as baseline_in_force_amount,
        sum(unexplained_amount) as unexplained_amount,
        {{ dbt.listagg(
            "case when abs(earned_value_import_amount) >= 0.005 then project_code end",
            "', '",
            "order by project_code",
        ) }} as earned_value_import_projects,
        {{ dbt.listagg(
            "case when abs(baseline_in_force_amount) >= 0.005 then project_code end",
            "', '",
            "order by project_code",
        ) }} as baseline_in_force_projects,
        {{ dbt.listagg(
            "case when msr_amount is null then project_code end",
            "', '",
            "order by project_code",
        ) }} as projects_without_figure,
        {{ dbt.listagg(
            "case when abs(unexplained_amount) >= 0.005 then project_code end",
            "', '",
            "order by project_code",
        ) }} as unexplained_projects

    from project_levels
    group by
        portfolio,
        is_all_portfolios,
        reporting_month,
        measure

),

----------  the three sides together

compared as (

    select
        headlines.portfolio,
        headlines.is_all_portfolios,
        headlines.reporting_month,
        headlines.measure,
        project_sums.msr_measure_label,
        project_sums.fsr_measure_label,
        project_sums.measure_order,
        project_sums.project_count,
        headlines.msr_amount,
        coalesce(finance_measures.fsr_amount, 0) as fsr_amount,
        coalesce(headlines.msr_amount, 0) - coalesce(finance_measures.fsr_amount, 0)
            as difference_amount,
        project_sums.earned_value_import_amount,
        project_sums.baseline_in_force_amount,
        coalesce(headlines.msr_amount, 0) - project_sums.project_msr_amount
            as headline_adjustment_amount,
        project_sums.unexplained_amount,
        project_sums.earned_value_import_projects,
        project_sums.baseline_in_force_projects,
        project_sums.projects_without_figure,
        project_sums.unexplained_projects

    from headlines
    inner join project_sums
        on headlines.is_all_portfolios = project_sums.is_all_portfolios
        and headlines.reporting_month = project_sums.reporting_month
        and headlines.measure = project_sums.measure
        and headlines.portfolio is not distinct from project_sums.portfolio
    left join finance_measures
        on headlines.is_all_portfolios = finance_measures.is_all_portfolios
        and headlines.reporting_month = finance_measures.reporting_month
        and headlines.measure = finance_measures.measure
        and headlines.portfolio is not distinct from finance_measures.portfolio

),

----------  the difference in words: one part per item that is not 0

{#- Each item once: the amount that names it when it is not 0, and its words. -#}
{%- set note_items = [
    (
        'earned_value_import_amount',
        dbt.concat(["'earned-value import: '", "earned_value_import_projects"]),
    ),
    (
        'baseline_in_force_amount',
        dbt.concat([
            "'baseline in force in the month, not the current one: '",
            "baseline_in_force_projects",
        ]),
    ),
    (
        'headline_adjustment_amount',
        "case when measure = 'estimate_at_completion' and projects_without_figure is not null"
        ~ " then " ~ dbt.concat([
            "'MSR headline counts projects without an EAC yet at their BAC: '",
            "projects_without_figure",
        ])
        ~ " else 'MSR headline differs from the sum of its projects' end",
    ),
    (
        'unexplained_amount',
        dbt.concat(["'not explained: '", "coalesce(unexplained_projects, 'rounding')"]),
    ),
] %}

note_parts as (

    {% for amount, part in note_items %}
    select
        portfolio,
        is_all_portfolios,
        reporting_month,
        measure,
        {{ loop.index }} as part_order,
        {{ part }} as part

    from compared
    where abs({{ amount }}) >= 0.005
    {% if not loop.last %}
    union all
    {% endif %}
    {%- endfor %}

),

notes as (

    select
        portfolio,
        is_all_portfolios,
        reporting_month,
        measure,
        {{ dbt.listagg("part", "'; '", "order by part_order") }} as reconciliation_note

    from note_parts
    group by
        portfolio,
        is_all_portfolios,
        reporting_month,
        measure

),

final as (

    select

        ----------  ids
        compared.portfolio,
        compared.reporting_month,
        compared.measure,

        ----------  text
        compared.msr_measure_label,
        compared.fsr_measure_label,
        notes.reconciliation_note,

        ----------  booleans
        compared.is_all_portfolios,

        ----------  numerics
        compared.measure_order,
        compared.project_count,
        compared.msr_amount,
        compared.fsr_amount,
        compared.difference_amount,
        compared.earned_value_import_amount,
        compared.baseline_in_force_amount,
        compared.headline_adjustment_amount,
        compared.unexplained_amount

    from compared
    left join notes
        on compared.is_all_portfolios = notes.is_all_portfolios
        and compared.reporting_month = notes.reporting_month
        and compared.measure = notes.measure
        and compared.portfolio is not distinct from notes.portfolio

)

select * from final
