{#-
    Calendar-month arithmetic used by every monthly model, built on dbt's cross-database macros
    and always returning a DATE (date_trunc and interval arithmetic return timestamps on some
    engines, which would break joins on month keys).
-#}

{# First day of the month of a date or timestamp. #}
{% macro month_start(date_expression) -%}
    cast({{ dbt.date_trunc('month', date_expression) }} as date)
{%- endmacro %}

{# Last day of the month of a date or timestamp. #}
{% macro month_end(date_expression) -%}
    cast({{ dbt.last_day(month_start(date_expression), 'month') }} as date)
{%- endmacro %}

{# A date shifted by a whole number of months (an integer expression or column). #}
{% macro add_months(date_expression, months) -%}
    cast({{ dbt.dateadd('month', months, date_expression) }} as date)
{%- endmacro %}

{# Whole calendar months from the first month to the second (0 when both are in one month). #}
{% macro months_between(first_date, second_date) -%}
    {{ dbt.datediff(month_start(first_date), month_start(second_date), 'month') }}
{%- endmacro %}

{# Number of days in the month of a date. #}
{% macro days_in_month(date_expression) -%}
    {{ dbt.datediff(
        month_start(date_expression),
        add_months(month_start(date_expression), 1),
        'day'
    ) }}
{%- endmacro %}

{# A month, or the start month when it falls before it: what is dated before a project's first
   reporting month counts in that month. #}
{% macro folded_into_start(month_expression, start_month) -%}
    case
        when {{ month_expression }} < {{ start_month }} then {{ start_month }}
        else {{ month_expression }}
    end
{%- endmacro %}

{# The order that puts first, for a month, the snapshot in force at its end (the latest on or
   before the month's last day) and, when none is that old, the earliest after it. #}
{% macro in_force_first(snapshot_date, month) -%}
    {{ snapshot_date }} > {{ month_end(month) }},
    case when {{ snapshot_date }} <= {{ month_end(month) }} then {{ snapshot_date }} end desc,
    {{ snapshot_date }}
{%- endmacro %}
