{#-
    The model's grain and its invariants: `key` identifies a row (the combination is unique; a
    NULL counts as a value), none of the `not_null` columns holds a NULL, each column of
    `accepted_values` holds only the values listed for it, each column of `references` holds
    only values its parent model has in the column of the same name (`project_code:
    "ref('dim_projects')"`), and every row keeps each of the named `rules` (a SQL expression). A
    NULL is neither an unexpected value nor an unknown reference, and a row where a rule is NULL
    keeps it: an unknown value is not a broken invariant (`not_null` says where it is one).

    One test and one Dagster check per model, the key, the nulls, the values and the rules in
    one pass over the model (a join per parent for the references), instead of a uniqueness, a
    not-null, an accepted-values, a relationships and an expression test each: every test costs
    a refresh ~40 ms of dbt and Dagster whatever the data. A rule that only warns stays an
    `expression_is_true` test of its own, with `severity: warn`.

    The key's columns are grouped as they are (a NULL is one group), and only a repeated key is
    written out as text: casting every row's key to text first cost seconds a test on ten million
    rows.

    Fails with one row per problem: a key value found on several rows (`problem` 'repeated key',
    `found` the value, `rows` how many rows carry it), a column with NULLs (`problem` 'nulls',
    `column_name`, `rows`), a column with values not listed (`problem` 'unexpected value',
    `column_name`, `found` the first of them in sort order, `rows` how many rows hold one), a
    column with values its parent lacks (`problem` 'unknown reference', `column_name`, `found`
    the first of them in sort order, `rows` how many rows hold one) or a broken rule (`problem`
    'broken rule', `column_name` the rule's name, `rows` how many rows break it).
-#}
{% test grain(model, key, not_null=[], accepted_values={}, references={}, rules={}) %}

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

){% if not_null or accepted_values or rules %},

row_problems as (

    select
        {% for column in not_null -%}
        sum(case when {{ column }} is null then 1 else 0 end) as null_rows_{{ loop.index }},
        {% endfor -%}
        {% for column, values in accepted_values.items() -%}
        {%- set unexpected -%}
            {{ column }} not in (
                {%- for value in values -%}
                {{ "'" ~ value | replace("'", "''") ~ "'" if value is string else value }}{{ ", " if not loop.last }}
                {%- endfor -%}
            )
        {%- endset %}
        sum(case when {{ unexpected }} then 1 else 0 end) as unexpected_rows_{{ loop.index }},
        min(case when {{ unexpected }} then cast({{ column }} as {{ dbt.type_string() }}) end)
            as unexpected_value_{{ loop.index }},
        {% endfor -%}
        {% for expression in rules.values() -%}
        sum(case when not ({{ expression }}) then 1 else 0 end) as broken_rows_{{ loop.index }},
        {% endfor -%}
        count(*) as row_count  {#- ends the list: each column above ends with a comma #}
    from {{ model }}

){% endif %}{% for column, parent in references.items() %},

unknown_references_{{ loop.index }} as (

    select
        min(cast(child.{{ column }} as {{ dbt.type_string() }})) as found,
        count(*) as row_count
    from {{ model }} as child
    left join {{ parent }} as parent
        on child.{{ column }} = parent.{{ column }}
    where child.{{ column }} is not null and parent.{{ column }} is null

){% endfor %}

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
{% for column in accepted_values -%}
union all
select 'unexpected value', '{{ column }}', unexpected_value_{{ loop.index }}, unexpected_rows_{{ loop.index }}
from row_problems
where unexpected_rows_{{ loop.index }} > 0
{% endfor -%}
{% for column in references -%}
union all
select 'unknown reference', '{{ column }}', found, row_count
from unknown_references_{{ loop.index }}
where row_count > 0
{% endfor -%}
{% for name in rules -%}
union all
select 'broken rule', '{{ name }}', null, broken_rows_{{ loop.index }}
from row_problems
where broken_rows_{{ loop.index }} > 0
{% endfor %}

{% endtest %}
