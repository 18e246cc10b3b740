{#-
    ISO-week helpers for the weekly models, built on dbt's cross-database macros like the month
    helpers: weeks start on Monday, and the week's Thursday decides its ISO year and number
    (so 29 Dec 2025 - 4 Jan 2026 is 2026-W01).
-#}

{# Monday of the ISO week of a date or timestamp, as a DATE. #}
{% macro week_start(date_expression) -%}
    cast({{ dbt.date_trunc('week', date_expression) }} as date)
{%- endmacro %}

{# ISO week number (1-53) of the week starting on a Monday. #}
{% macro iso_week_number(week_start_expression) -%}
    {%- set thursday = dbt.dateadd('day', 3, week_start_expression) -%}
    cast(floor(
        {{ dbt.datediff(dbt.date_trunc('year', thursday), thursday, 'day') }} / 7.0
    ) as integer) + 1
{%- endmacro %}

{# ISO week label of the week starting on a Monday: '2026-W44'. #}
{% macro iso_week_label(week_start_expression) -%}
    {%- set thursday = dbt.dateadd('day', 3, week_start_expression) -%}
    {{ dbt.concat([
        "cast(cast(extract(year from " ~ thursday ~ ") as integer) as " ~ dbt.type_string() ~ ")",
        "'-W'",
        dbt.right(dbt.concat([
            "'0'",
            "cast(" ~ iso_week_number(week_start_expression) ~ " as " ~ dbt.type_string() ~ ")",
        ]), 2),
    ]) }}
{%- endmacro %}

{#-
    A date as a reader writes it in a sentence: '17 Dec 2026' (NULL for a NULL date). Display
    only, like format_number: the date itself stays a DATE column beside the sentence.
-#}
{% macro date_text(date_expression) -%}
    case when {{ date_expression }} is not null then {{ dbt.concat([
        "cast(cast(extract(day from " ~ date_expression ~ ") as integer) as "
            ~ dbt.type_string() ~ ")",
        "' '",
        "case cast(extract(month from " ~ date_expression ~ ") as integer)"
            ~ " when 1 then 'Jan' when 2 then 'Feb' when 3 then 'Mar' when 4 then 'Apr'"
            ~ " when 5 then 'May' when 6 then 'Jun' when 7 then 'Jul' when 8 then 'Aug'"
            ~ " when 9 then 'Sep' when 10 then 'Oct' when 11 then 'Nov' else 'Dec' end",
        "' '",
        "cast(cast(extract(year from " ~ date_expression ~ ") as integer) as "
            ~ dbt.type_string() ~ ")",
    ]) }} end
{%- endmacro %}

{# '1 day' or '12 days': a count of days in a sentence. #}
{% macro days_text(days_expression) -%}
    {{ dbt.concat([
        "cast(" ~ days_expression ~ " as " ~ dbt.type_string() ~ ")",
        "case when abs(" ~ days_expression ~ ") = 1 then ' day' else ' days' end",
    ]) }}
{%- endmacro %}
