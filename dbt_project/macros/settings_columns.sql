{#-
    One column per named setting of a settings seed (setting_name, setting_value rows), each
    named as the setting and cast to as_type when given: the select list of a one-row settings
    CTE.
-#}
{% macro settings_columns(names, as_type=none) -%}
    {%- for name in names %}
        {%- set value = "max(case when setting_name = '" ~ name ~ "' then setting_value end)" %}
        {{ "cast(" ~ value ~ " as " ~ as_type ~ ")" if as_type else value }} as {{ name }}
        {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
