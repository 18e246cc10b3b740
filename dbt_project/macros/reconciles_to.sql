{#-
    A reconciliation that can fail: the sum of `column_name` over the model's rows equals the
    `to_column` of the `to` relation for every key (to 0.005, i.e. to the cent), e.g. the cost
    lines of a project-month add up to that month's EAC in fct_earned_value_monthly.

    Only keys present in both relations with a non-NULL target are compared (a NULL target is
    unknown, not a mismatch); `where` (model side) and `to_where` (target side) narrow them.
    Fails with one row per key that does not reconcile.
-#}
{% test reconciles_to(model, column_name, to, to_column, keys, to_where=none) %}

with

model_sums as (

    select
        {% for key in keys -%}
        {{ key }},
        {% endfor -%}
        sum({{ column_name }}) as model_total

    from {{ model }}
    group by
        {% for key in keys -%}
        {{ key }}{{ "," if not loop.last }}
        {% endfor %}

),

targets as (

    select
        {% for key in keys -%}
        {{ key }},
        {% endfor -%}
        {{ to_column }} as target_total

    from {{ to }}
    where {{ to_column }} is not null
    {%- if to_where %}
        and ({{ to_where }})
    {%- endif %}

),

compared as (

    select
        targets.*,
        model_sums.model_total

    from targets
    inner join model_sums
        on {% for key in keys -%}
        targets.{{ key }} = model_sums.{{ key }}{{ " and " if not loop.last }}
        {%- endfor %}

)

select *
from compared
where model_total is null or abs(model_total - target_total) >= 0.005

{% endtest %}
