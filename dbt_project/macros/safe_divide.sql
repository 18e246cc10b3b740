{#-
    numerator / denominator, NULL when the denominator is zero or NULL.

    A KPI divided by zero is unknown, not 0 and not an error: an SPI with no planned value yet
    must show as blank, never as a perfect or a failed score. The numerator is cast to the
    project's double type so integer inputs never truncate on engines with integer division.
    Adding 0 turns IEEE negative zero (0 / -60) into 0, so no report ever shows "-0.00"; it
    changes no other value.
-#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ type_double() }}) / nullif({{ denominator }}, 0) + 0)
{%- endmacro %}
