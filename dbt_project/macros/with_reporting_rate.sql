{#-
    The body of a `<rows>_with_rate` CTE: every column of `relation` (a CTE whose rows carry
    `currency_column`, the currency of their amounts, and `reporting_currency`) and
    `fx_rate_to_reporting_currency`, the rate in force in the row's `month_column` month from
    `fx_rates` (the model's CTE over int_fx_rates_monthly, a plain equality join): 1 for amounts
    already in the reporting currency, NULL where no rate is in force (fct_fx_rate_gaps lists
    those).
-#}
{% macro with_reporting_rate(relation, month_column, currency_column='original_currency',
    fx_rates='fx_rates') %}
    select
        {{ relation }}.*,
        case
            when {{ relation }}.{{ currency_column }} = {{ relation }}.reporting_currency
                then cast(1 as {{ type_double() }})
            else {{ fx_rates }}.rate_to_reporting_currency
        end as fx_rate_to_reporting_currency

    from {{ relation }}
    left join {{ fx_rates }}
        on {{ relation }}.{{ currency_column }} = {{ fx_rates }}.currency
        and {{ relation }}.{{ currency_column }} <> {{ relation }}.reporting_currency
        and {{ relation }}.{{ month_column }} = {{ fx_rates }}.amount_month
{% endmacro %}
