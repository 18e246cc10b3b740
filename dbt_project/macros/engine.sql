{#-
    SQL that DuckDB and Spark spell differently, one dispatched macro each (DuckDB's spelling is
    the one the models had; the Spark one returns the same rows). dbt's own cross-database
    macros (dateadd, datediff, date_trunc, listagg, ...) cover the rest; where dbt-spark's version
    of one differs from DuckDB's in result, it is overridden here too.
-#}

{# `<prefix>.* ` without the named columns (DuckDB: exclude, Spark: except). #}
{% macro star_except(columns, prefix=none) -%}
    {{ return(adapter.dispatch('star_except', 'pmo_pulse')(columns, prefix)) }}
{%- endmacro %}

{% macro default__star_except(columns, prefix) -%}
    {{ prefix ~ '.' if prefix }}* exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__star_except(columns, prefix) -%}
    {{ prefix ~ '.' if prefix }}* except ({{ columns | join(', ') }})
{%- endmacro %}


{#-
    Selects stacked by column name, each branch a (from, [select items]) pair; a column a branch
    does not select is NULL in its rows. DuckDB: `union all by name`. Spark has no such union:
    every branch selects every column (in the order they first appear), NULL where it has none.
-#}
{% macro union_all_by_name(branches) -%}
    {{ return(adapter.dispatch('union_all_by_name', 'pmo_pulse')(branches)) }}
{%- endmacro %}

{% macro pmo_selected_name(item) -%}
    {{ return(item.split(' as ')[-1].split('.')[-1].strip()) }}
{%- endmacro %}

{% macro default__union_all_by_name(branches) -%}
    {%- for relation, items in branches %}
    select
        {{ items | join(',\n        ') }}

    from {{ relation }}
    {%- if not loop.last %}

    union all by name
    {%- endif %}
    {% endfor -%}
{%- endmacro %}

{% macro spark__union_all_by_name(branches) -%}
    {%- set names = [] -%}
    {%- for relation, items in branches -%}
        {%- for item in items -%}
            {%- set name = pmo_selected_name(item) -%}
            {%- if name not in names -%}{%- do names.append(name) -%}{%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for relation, items in branches %}
    {%- set own = {} -%}
    {%- for item in items -%}{%- do own.update({pmo_selected_name(item): item}) -%}{%- endfor %}
    select
        {% for name in names -%}
        {{ own[name] if name in own else 'null as ' ~ name }}{{ ',' if not loop.last }}
        {% endfor %}
    from {{ relation }}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {% endfor -%}
{%- endmacro %}


{#-
    `left join <right>` keeping, for each left row, the right row with the latest `right_date`
    on or before `left_date` among those equal on `keys` (NULLs when none is). DuckDB: an asof
    join. Spark: a range join on each right row's validity (its date up to the next one's).
    The right relation is read as `right` in the select list either way.
-#}
{% macro asof_left_join(left, right, keys, left_date, right_date) -%}
    {{ return(adapter.dispatch('asof_left_join', 'pmo_pulse')(
        left, right, keys, left_date, right_date)) }}
{%- endmacro %}

{% macro default__asof_left_join(left, right, keys, left_date, right_date) -%}
    asof left join {{ right }}
        on {% for key in keys -%}
        {{ left }}.{{ key }} = {{ right }}.{{ key }}
        and {% endfor -%}
        {{ left }}.{{ left_date }} >= {{ right }}.{{ right_date }}
{%- endmacro %}

{% macro spark__asof_left_join(left, right, keys, left_date, right_date) -%}
    left join (
        select
            *,
            lead({{ right_date }}) over (
                partition by {{ keys | join(', ') }} order by {{ right_date }}
            ) as pmo_next_{{ right_date }}
        from {{ right }}
    ) as {{ right }}
        on {% for key in keys -%}
        {{ left }}.{{ key }} = {{ right }}.{{ key }}
        and {% endfor -%}
        {{ left }}.{{ left_date }} >= {{ right }}.{{ right_date }}
        and ({{ right }}.pmo_next_{{ right_date }} is null
            or {{ left }}.{{ left_date }} < {{ right }}.pmo_next_{{ right_date }})
{%- endmacro %}


{# The values of a group as a list, sorted (an aggregate; NULLs left out). #}
{% macro sorted_list(expression) -%}
    {{ return(adapter.dispatch('sorted_list', 'pmo_pulse')(expression)) }}
{%- endmacro %}

{% macro default__sorted_list(expression) -%}
    list({{ expression }} order by {{ expression }} asc)
{%- endmacro %}

{% macro spark__sorted_list(expression) -%}
    array_sort(collect_list({{ expression }}))
{%- endmacro %}


{# One row per day from start to end (both included), a DATE: a set-returning select item. #}
{% macro each_day(start_date, end_date) -%}
    {{ return(adapter.dispatch('each_day', 'pmo_pulse')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__each_day(start_date, end_date) -%}
    cast(unnest(generate_series({{ start_date }}, {{ end_date }}, interval 1 day)) as date)
{%- endmacro %}

{% macro spark__each_day(start_date, end_date) -%}
    explode(sequence({{ start_date }}, {{ end_date }}, interval 1 day))
{%- endmacro %}


{# ISO day of the week: Monday 1 .. Sunday 7. #}
{% macro iso_day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'pmo_pulse')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expression) -%}
    isodow({{ date_expression }})
{%- endmacro %}

{% macro spark__iso_day_of_week(date_expression) -%}
    extract(dayofweek_iso from {{ date_expression }})
{%- endmacro %}


{#-
    dbt-spark's listagg drops the order (a warning) and its datediff fails on a NULL date;
    DuckDB orders the list and returns NULL. These return what DuckDB does.
-#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error('listagg with a limit is not ported to Spark') }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }})
    {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}

{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- if datepart == 'day' -%}
        datediff({{ second_date }}, {{ first_date }})
    {%- elif datepart == 'month' -%}
        ((year({{ second_date }}) - year({{ first_date }})) * 12
            + month({{ second_date }}) - month({{ first_date }}))
    {%- elif datepart == 'year' -%}
        (year({{ second_date }}) - year({{ first_date }}))
    {%- else -%}
        {{ dbt.spark__datediff(first_date, second_date, datepart) }}
    {%- endif -%}
{%- endmacro %}


{# An empty list of the given element type (a literal). #}
{% macro empty_list(element_type) -%}
    {{ return(adapter.dispatch('empty_list', 'pmo_pulse')(element_type)) }}
{%- endmacro %}

{% macro default__empty_list(element_type) -%}
    cast([] as {{ element_type }}[])
{%- endmacro %}

{% macro spark__empty_list(element_type) -%}
    cast(array() as array<{{ element_type }}>)
{%- endmacro %}


{#-
    dbt's generate_series cross-joins a two-row select once per power of two: Spark plans each
    join and shuffles the rows of every one; a sequence exploded is one step.
-#}
{% macro spark__generate_series(upper_bound) -%}
    select explode(sequence(cast(1 as bigint), {{ upper_bound }})) as generated_number
{%- endmacro %}


{#-
    `<prefix>.*` with some columns replaced by expressions, in place: `replacements` is a list
    of (column, expression) pairs. DuckDB: `* replace`. Spark has none: every column of
    `relation` (the relation the prefix reads every column of) is listed, the replaced ones as
    their expression.
-#}
{% macro star_replace(relation, replacements, prefix) -%}
    {{ return(adapter.dispatch('star_replace', 'pmo_pulse')(relation, replacements, prefix)) }}
{%- endmacro %}

{% macro default__star_replace(relation, replacements, prefix) -%}
    {{ prefix }}.* replace (
        {%- for column, expression in replacements -%}
        {{ expression }} as {{ column }}{{ ', ' if not loop.last }}
        {%- endfor -%}
    )
{%- endmacro %}

{% macro spark__star_replace(relation, replacements, prefix) -%}
    {%- set replaced = dict(replacements) -%}
    {%- if execute -%}
        {%- set columns = adapter.get_columns_in_relation(pmo_relation_with_columns(relation)) -%}
        {%- if not columns -%}
            {{ exceptions.raise_compiler_error('star_replace: no columns found in ' ~ relation) }}
        {%- endif -%}
        {%- for column in columns -%}
        {{ replaced.get(column.name, prefix ~ '.' ~ column.name) }} as {{ column.name }}
        {{- ',\n        ' if not loop.last }}
        {%- endfor -%}
    {%- else -%}
        {{ prefix }}.*
    {%- endif -%}
{%- endmacro %}

{#-
    The relation whose columns `relation` has. In a unit test a ref is the test's fixture, a CTE
    with every column of the model it stands for (dbt fills the ones the test leaves out): that
    model's relation then, in the target's schema where every model is built. Any other relation
    is itself.
-#}
{% macro pmo_relation_with_columns(relation) -%}
    {%- set cte_prefix = api.Relation.add_ephemeral_prefix('') -%}
    {%- if relation.type == 'cte' and relation.identifier.startswith(cte_prefix) -%}
        {{ return(api.Relation.create(
            schema=target.schema, identifier=relation.identifier[cte_prefix | length:])) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
