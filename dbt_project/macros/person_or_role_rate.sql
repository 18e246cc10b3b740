{#-
    The hourly cost rate of an hour of work and its currency: the person's own rate in force,
    else their role's; a rate that names no currency is in the reporting currency. The model
    joins the person's and the role's rates in force on the day the hour is costed at. Two
    columns of a select list, indented as they compile there.
-#}
{% macro person_or_role_rate(
    person_rates='person_rates',
    role_rates='role_rates',
    reporting_currency='reporting_period.reporting_currency'
) -%}
    case
            when {{ person_rates }}.hourly_cost_rate is not null
                then {{ person_rates }}.hourly_cost_rate
            else {{ role_rates }}.hourly_cost_rate
        end as hourly_cost_rate,
        case
            when {{ person_rates }}.hourly_cost_rate is not null
                then coalesce({{ person_rates }}.currency, {{ reporting_currency }})
            when {{ role_rates }}.hourly_cost_rate is not null
                then coalesce({{ role_rates }}.currency, {{ reporting_currency }})
        end as cost_rate_currency
{%- endmacro %}
