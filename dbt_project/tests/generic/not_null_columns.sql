{#-
    None of the given columns holds a NULL: dbt's not_null for several columns in one scan of
    the model (one test, one query and one Dagster check per model instead of one per column;
    a column-level not_null costs the refresh ~40 ms of dbt and Dagster whatever the data).

    Fails with one row per column that has NULLs: the column's name and how many rows.
-#}
{% test not_null_columns(model, columns) %}

with null_counts as (

    select
        {% for column in columns -%}
        sum(case when {{ column }} is null then 1 else 0 end) as null_rows_{{ loop.index }}{{ "," if not loop.last }}
        {% endfor %}
    from {{ model }}

)

{% for column in columns -%}
select '{{ column }}' as column_name, null_rows_{{ loop.index }} as null_rows
from null_counts
where null_rows_{{ loop.index }} > 0
{{ "union all" if not loop.last }}
{% endfor %}

{% endtest %}
