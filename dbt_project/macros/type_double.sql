{#-
    The 8-byte floating type for amounts and ratios.

    dbt.type_float() is a 4-byte float on DuckDB and Spark (7 significant digits: not enough to
    hold a budget to the cent), and `double` is not a Postgres type, hence this dispatch.
-#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'pmo_pulse')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

