{#-
    The text value of a top-level key of a JSON document held in a text column (NULL when the
    key is absent or the document is NULL).

    JSON access has no cross-database macro in dbt, hence this dispatch: the quarantine keeps
    each refused record as JSON text and the data-quality models read its project_code.
-#}
{% macro json_extract_text(json_column, key) -%}
    {{ return(adapter.dispatch('json_extract_text', 'pmo_pulse')(json_column, key)) }}
{%- endmacro %}

{% macro default__json_extract_text(json_column, key) -%}
    json_extract_path_text({{ json_column }}, '{{ key }}')
{%- endmacro %}

{% macro duckdb__json_extract_text(json_column, key) -%}
    json_extract_string({{ json_column }}, '$.{{ key }}')
{%- endmacro %}

{% macro postgres__json_extract_text(json_column, key) -%}
    (cast({{ json_column }} as json) ->> '{{ key }}')
{%- endmacro %}

{% macro spark__json_extract_text(json_column, key) -%}
    get_json_object({{ json_column }}, '$.{{ key }}')
{%- endmacro %}
