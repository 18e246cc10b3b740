{#-
    The combination of the given columns is unique (a composite primary key).

    NULLs count as a value: two cost-rate rows for the same role, no person and the same
    effective date are duplicates. Fails with one row per repeated combination.
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with grouped as (

    select
        {% for column in combination_of_columns -%}
        {{ column }},
        {% endfor -%}
        count(*) as row_count
    from {{ model }}
    group by
        {% for column in combination_of_columns -%}
        {{ column }}{{ "," if not loop.last }}
        {% endfor %}

)

select *
from grouped
where row_count > 1

{% endtest %}
