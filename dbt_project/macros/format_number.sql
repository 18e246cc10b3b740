{#-
    A number as text with a fixed count of decimals (0 to 4), for sentences such as a health
    reason ("CPI 0.82 below 0.90"). Rounding happens here, for display only: the value itself is
    never rounded in a model. `decimals` may be a column (e.g. a seed's display_decimals); a
    value outside 0-4 falls back to 2. Casting through a fixed-scale decimal keeps trailing
    zeros (0.90, not 0.9) on every engine.
-#}
{% macro format_number(expression, decimals) -%}
    {%- if decimals is number -%}
    cast(cast(round({{ expression }}, {{ decimals }}) as decimal(38, {{ decimals }}))
        as {{ dbt.type_string() }})
    {%- else -%}
    case {{ decimals }}
        {%- for scale in range(0, 5) %}
        when {{ scale }} then cast(
            cast(round({{ expression }}, {{ scale }}) as decimal(38, {{ scale }}))
            as {{ dbt.type_string() }}
        )
        {%- endfor %}
        else cast(cast(round({{ expression }}, 2) as decimal(38, 2)) as {{ dbt.type_string() }})
    end
    {%- endif -%}
{%- endmacro %}
