{#-
    A select's rows spread over the engine's workers by the given columns, written right after
    `select`. DuckDB schedules its own threads: nothing. Spark keeps a generated series (and
    what is joined to it) in one partition, so one core would compute it all: a REPARTITION
    hint (spark.sql.shuffle.partitions parts, hashed on the columns).
-#}
{% macro spread_rows(columns) -%}
    {{ return(adapter.dispatch('spread_rows', 'pmo_pulse')(columns)) }}
{%- endmacro %}

{% macro default__spread_rows(columns) -%}
    {{ return('') }}
{%- endmacro %}

{% macro spark__spread_rows(columns) -%}
    /*+ REPARTITION({{ columns | join(', ') }}) */
{%- endmacro %}
