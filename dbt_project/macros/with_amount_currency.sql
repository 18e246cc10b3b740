{#-
    The body of a `<rows>_with_currency` CTE, the step before `with_reporting_rate`: every column
    of `relation`, the month of its `date_column` (as `month_column`), the currency its amounts
    are in (`original_currency`: the row's own `currency_column`, else its project's currency,
    else the reporting currency; without `currency_column`, the project's) and the
    `reporting_currency`. Reads the model's `projects` (stg_raw__projects) and
    `reporting_period` (int_reporting_period) CTEs; `up_to_as_of` keeps the rows dated on or
    before the as-of date.
-#}
{% macro with_amount_currency(relation, date_column, month_column, currency_column=none,
    up_to_as_of=false) %}
    select
        {{ relation }}.*,
        {{ month_start(relation ~ '.' ~ date_column) }} as {{ month_column }},
        coalesce(
            {% if currency_column -%}
            {{ relation }}.{{ currency_column }},
            {% endif -%}
            projects.currency,
            reporting_period.reporting_currency
        ) as original_currency,
        reporting_period.reporting_currency

    from {{ relation }}
    cross join reporting_period
    left join projects
        on {{ relation }}.project_code = projects.project_code
    {% if up_to_as_of -%}
    where {{ relation }}.{{ date_column }} <= reporting_period.as_of_date
    {%- endif %}
{% endmacro %}
