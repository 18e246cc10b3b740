{#-
    The raw layer on engines that do not read the DuckDB warehouse (on-run-start).

    On DuckDB the sources are the loader's raw tables: nothing to do. On Spark each source of
    _raw__sources.yml becomes the table raw.<table> over the loader's Parquet copy of it,
    <PMO_RAW_PARQUET_DIR>/<table> (pipelines/ingest/lake.py writes it, one or more files): the
    lake as Spark addresses it (engine.lake_uri: file://, s3a://, abfss://, hdfs://...). Each
    is dropped and declared again every run, which touches metadata only and lets a changed
    schema through.
-#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'pmo_pulse')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
    {{ return('') }}
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- set folder = env_var('PMO_RAW_PARQUET_DIR') -%}
        {%- set sources = graph.sources.values() | selectattr('source_name', 'equalto', 'raw')
            | list -%}
        {%- do run_query('create schema if not exists raw') -%}
        {%- for source in sources | sort(attribute='name') -%}
            {%- set table = 'raw.' ~ source.identifier -%}
            {%- do run_query('drop table if exists ' ~ table) -%}
            {%- do run_query(
                'create table ' ~ table ~ ' using parquet location '
                ~ "'" ~ folder.rstrip('/') ~ '/' ~ source.identifier ~ "'"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
