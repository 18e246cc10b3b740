{#-
    An invariant every row must satisfy, e.g. `earned_value <= budget_at_completion`.

    Rows where the expression is NULL pass: an unknown value is not a broken invariant (use
    not_null for that). Fails with the offending rows. `where` in the test config narrows it.
-#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
