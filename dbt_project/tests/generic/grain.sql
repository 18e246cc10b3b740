{#-
    The model's grain and its invariants: `key` identifies a row (the combination is unique; a
    NULL counts as a value), none of the `not_null` columns holds a NULL, and every row keeps each
    of the named `rules` (a SQL expression; a row where it is NULL keeps it: an unknown value is
    not a broken invariant). One test, one Dagster check and one pass over the model per model
    instead of a uniqueness, a not-null and an expression test each (every test costs a refresh
    ~40 ms of dbt and Dagster whatever the data). A rule that only warns stays an
    `expression_is_true` test of its own, with `severity: warn`.

    The key's columns are grouped as they are (a NULL is one group), and only a repeated key is
    written out as text: casting every row's key to text first cost seconds a test on ten million
    rows.

    Fails with one row per problem: a key value found on several rows (`problem` 'repeated key',
    `found` the value, `rows` how many rows carry it), a column with NULLs (`problem` 'nulls',
    `column_name`, `rows`) or a broken rule (`problem` 'broken rule', `column_name` the rule's
    name, `rows` how many rows break it).
-#}
{% test grain(model, key, not_null=[], rules={}) %}

with repeated_keys as (

    select
        {% for column in key -%}
        {{ column }},
        {% endfor -%}
        count(*) as row_count
    from {{ model }}
    group by
        {% for column in key -%}
        {{ column }}{{ "," if not loop.last }}
        {% endfor %}
    having count(*) > 1

){% if not_null or rules %},

row_problems as (

    select
        {% for column in not_null -%}
        sum(case when {{ column }} is null then 1 else 0 end) as null_rows_{{ loop.index }}{{ "," if not loop.last or rules }}
        {% endfor -%}
        {% for expression in rules.values() -%}
        sum(case when not ({{ expression }}) then 1 else 0 end) as broken_rows_{{ loop.index }}{{ "," if not loop.last }}
        {% endfor %}
    from {{ model }}

){% endif %}

select
    'repeated key' as problem,
    '{{ key | join(", ") }}' as column_name,
    concat_ws(' | ', {% for column in key -%}
        coalesce(cast({{ column }} as {{ dbt.type_string() }}), 'NULL'){{ "," if not loop.last }}
    {%- endfor %}) as found,
    row_count as rows
from repeated_keys
{% for column in not_null -%}
union all
select 'nulls', '{{ column }}', null, null_rows_{{ loop.index }}
from row_problems
where null_rows_{{ loop.index }} > 0
{% endfor -%}
{% for name in rules -%}
union all
select 'broken rule', '{{ name }}', null, broken_rows_{{ loop.index }}
from row_problems
where broken_rows_{{ loop.index }} > 0
{% endfor %}

{% endtest %}
