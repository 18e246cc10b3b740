{#-
    The raw layer on engines that do not read the DuckDB warehouse (on-run-start).

    On DuckDB the sources are the loader's raw tables: nothing to do. On Spark each source of
    _raw__sources.yml becomes the table raw.<table> over the loader's Parquet copy of it,
    <PMO_RAW_PARQUET_DIR>/<table> (pipelines/ingest/lake.py writes it, one or more files): the
    lake as Spark addresses it (engine.lake_uri: file://, s3a://, abfss://, hdfs://...).

    Spark keeps a table's columns in its metastore, and each statement there costs ~0.5 s (a
    drop and a create for each of 33 sources: ~32 s a build). A table is declared with a mark
    of its columns and folder (PMO_RAW_SCHEMAS, from the loader's tables): one listing finds
    the tables already declared with this run's mark, which are kept (a rewritten folder is
    read afresh by each build's session); any other is dropped and declared again, so a raw
    table that gained a column is read with it. Without marks, every table is declared again.
-#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'pmo_pulse')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
    {{ return('') }}
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- set folder = env_var('PMO_RAW_PARQUET_DIR').rstrip('/') -%}
        {#- per table, a hash of its columns and folder (pipelines/ingest/lake.py) -#}
        {%- set marks = fromjson(env_var('PMO_RAW_SCHEMAS', '{}')) -%}
        {%- set sources = graph.sources.values() | selectattr('source_name', 'equalto', 'raw')
            | list -%}
        {%- do run_query('create schema if not exists raw') -%}
        {%- set declared = {} -%}
        {%- if marks -%}
            {%- for row in run_query("show table extended in raw like '*'") -%}
                {%- do declared.update({row['tableName']: row['information']}) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- set counts = namespace(kept=0, declared=0) -%}
        {%- for source in sources | sort(attribute='name') -%}
            {%- set name = source.identifier -%}
            {%- set mark = marks.get(name) -%}
            {%- if mark and ('pmo_raw_mark=' ~ mark) in declared.get(name, '') -%}
                {%- set counts.kept = counts.kept + 1 -%}
            {%- else -%}
                {%- do run_query('drop table if exists raw.' ~ name) -%}
                {%- do run_query(
                    'create table raw.' ~ name ~ " using parquet location '" ~ folder ~ '/'
                    ~ name ~ "'" ~ (" tblproperties ('pmo_raw_mark' = '" ~ mark ~ "')"
                    if mark else '')
                ) -%}
                {%- set counts.declared = counts.declared + 1 -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do log(
            'raw sources: ' ~ counts.declared ~ ' declared, ' ~ counts.kept
            ~ ' kept as declared (same columns and folder)', info=True
        ) -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
