-- Every roll-up level of rpt_financials_rollup_monthly adds up to the month's 'all' row and to
-- the lines of fct_project_financials_monthly, for the amounts the FSR prints (to the cent):
-- totals always equal the sum of their parts. Fails with one row per month, level and amount
-- that does not.

{%- set amounts = ['cumulative_actual_cost', 'budget_at_completion', 'forecast_at_completion',
    'cumulative_open_commitment_amount', 'logged_hours'] %}

with

rolled as (

    select * from {{ ref('rpt_financials_rollup_monthly') }}

),

lines as (

    select * from {{ ref('fct_project_financials_monthly') }}

),

line_totals as (

    select
        reporting_month,
        -- noqa: disable=LT02
        {% for amount in amounts -%}
        coalesce(sum({{ amount }}), 0) as {{ amount }}{{ "," if not loop.last }}
        {% endfor %}
    -- noqa: enable=LT02

    from lines
    group by reporting_month

),

level_totals as (

    select
        reporting_month,
        rollup_level,
        -- noqa: disable=LT02
        {% for amount in amounts -%}
        coalesce(sum({{ amount }}), 0) as {{ amount }}{{ "," if not loop.last }}
        {% endfor %}
    -- noqa: enable=LT02

    from rolled
    group by reporting_month, rollup_level

)

{% for amount in amounts %}
select
    level_totals.reporting_month,
    level_totals.rollup_level,
    '{{ amount }}' as amount,
    level_totals.{{ amount }} as level_total,
    line_totals.{{ amount }} as line_total

from level_totals
left join line_totals
    on level_totals.reporting_month = line_totals.reporting_month
where line_totals.reporting_month is null
    or abs(level_totals.{{ amount }} - line_totals.{{ amount }}) >= 0.005
{{ "union all" if not loop.last }}
{% endfor %}
