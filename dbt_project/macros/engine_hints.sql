{#-
    A select's rows spread over the engine's workers by the given columns, written right after
    `select`. DuckDB schedules its own threads: nothing. Spark keeps a generated series (and
    what is joined to it) in one partition, so one core would compute it all: a REPARTITION
    hint into spark.sql.shuffle.partitions parts (profiles.yml), hashed on the columns. The
    count is given: adaptive execution coalesces a shuffle of few bytes into one partition
    unless its count is the user's, and the rows spread here are few but grow in later joins.
-#}
{% macro spread_rows(columns) -%}
    {{ return(adapter.dispatch('spread_rows', 'pmo_pulse')(columns)) }}
{%- endmacro %}

{% macro default__spread_rows(columns) -%}
    {{ return('') }}
{%- endmacro %}

{% macro spark__spread_rows(columns) -%}
    /*+ REPARTITION({{ env_var('PMO_SPARK_SHUFFLE_PARTITIONS', '4') }}, {{ columns | join(', ') }}) */
{%- endmacro %}
