{#-
    One column per named setting of a settings seed (setting_name, setting_value rows), each
    named as the setting: the select list of a one-row settings CTE.
-#}
{% macro settings_columns(names) -%}
    {%- for name in names %}
        max(case when setting_name = '{{ name }}' then setting_value end) as {{ name }}
        {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
