{#-
    The table and view materialisations on DuckDB, in one statement each.

    dbt's own build a model under a temporary name, rename the old relation to a backup, rename
    the new one into place and drop the backup: five statements and, for each rename and drop,
    a fresh Jinja context of every macro in the project. That is ~30 ms of dbt's Python per
    model, the largest part of a model's cost when the SQL itself takes a few milliseconds.
    DuckDB replaces a relation atomically (`create or replace`, inside the model's
    transaction), so readers see the old relation or the new one, never none, just as before.

    The old relation is dropped first only where `create or replace` cannot take its place: it is
    of the other kind (a table becoming a view or the other way), or the model is built by
    statements that create, not replace (a Python model, an enforced contract). Hooks, grants
    and persisted docs run as in dbt's materialisations when a model configures them.
-#}

{% macro pmo_drop_unless_replaceable(existing_relation, kind, replaceable) %}
    {%- if existing_relation is not none
        and (existing_relation.type != kind or not replaceable) -%}
        {% do adapter.drop_relation(existing_relation) %}
    {%- endif -%}
{% endmacro %}

{% macro pmo_finish_model(target_relation, existing_relation) %}
    {%- set grant_config = config.get('grants') -%}
    {%- if grant_config -%}
        {% do apply_grants(
            target_relation,
            grant_config,
            should_revoke=should_revoke(existing_relation, full_refresh_mode=True)
        ) %}
    {%- endif -%}
    {%- if config.persist_relation_docs() or config.persist_column_docs() -%}
        {% do persist_docs(target_relation, model) %}
    {%- endif -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
{% endmacro %}

{% materialization table, adapter='duckdb', supported_languages=['sql', 'python'] %}
    {%- set language = model['language'] -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set enforced = config.get('contract').enforced -%}
    {%- set plain = language == 'sql' and not enforced
        and not config.get('partitioned_by') and not config.get('sorted_by') -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    -- `BEGIN` happens here:
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {{ pmo_drop_unless_replaceable(existing_relation, 'table', plain) }}

    {% call statement('main', language=language) -%}
        {%- if plain -%}
            {%- set sql_header = config.get('sql_header', none) -%}
            {{ sql_header if sql_header is not none }}
            create or replace table {{ target_relation }} as (
                {{ compiled_code }}
            );
        {%- else -%}
            {{ create_table_as(False, target_relation, compiled_code, language) }}
        {%- endif %}
    {%- endcall %}

    {%- if config.get('indexes') -%}
        {% do create_indexes(target_relation) %}
    {%- endif -%}
    {{ pmo_finish_model(target_relation, existing_relation) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{% materialization view, adapter='duckdb' %}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='view') -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    -- `BEGIN` happens here:
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {{ pmo_drop_unless_replaceable(existing_relation, 'view', true) }}

    {% call statement('main') -%}
        {%- if config.get('contract').enforced -%}
            {{ get_assert_columns_equivalent(sql) }}
        {%- endif -%}
        {%- set sql_header = config.get('sql_header', none) -%}
        {{ sql_header if sql_header is not none }}
        create or replace view {{ target_relation }} as (
            {{ sql }}
        );
    {%- endcall %}

    {{ pmo_finish_model(target_relation, existing_relation) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
