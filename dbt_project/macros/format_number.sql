{#-
    A number rounded as its decimal digits read, the same on every engine: 3.15 to one decimal
    is 3.2 (halves away from zero). DuckDB's round() of a double works on its binary value
    (3.15 is 3.14999…, so 3.1) where Spark's works on its decimal text (3.2): going through a
    decimal of scale 9 first gives both the digits a person reads, and drops the last bits in
    which two engines' sums of the same amounts may differ. Returns a decimal of `decimals`
    places (|value| below 10^29). `decimals` is a number.
-#}
{% macro round_decimal(expression, decimals) -%}
    round(cast({{ expression }} as decimal(38, 9)), {{ decimals }})
{%- endmacro %}


{#-
    A number as text with a fixed count of decimals (0 to 4), for sentences such as a health
    reason ("CPI 0.82 below 0.90"). Rounding happens here, for display only: the value itself is
    never rounded in a model. `decimals` may be a column (e.g. a seed's display_decimals); a
    value outside 0-4 falls back to 2. Casting through a fixed-scale decimal keeps trailing
    zeros (0.90, not 0.9) on every engine; halves round away from zero (round_decimal).
-#}
{% macro format_number(expression, decimals) -%}
    {%- if decimals is number -%}
    cast(cast({{ round_decimal(expression, decimals) }} as decimal(38, {{ decimals }}))
        as {{ dbt.type_string() }})
    {%- else -%}
    case {{ decimals }}
        {%- for scale in range(0, 5) %}
        when {{ scale }} then cast(
            cast({{ round_decimal(expression, scale) }} as decimal(38, {{ scale }}))
            as {{ dbt.type_string() }}
        )
        {%- endfor %}
        else cast(cast({{ round_decimal(expression, 2) }} as decimal(38, 2)) as {{ dbt.type_string() }})
    end
    {%- endif -%}
{%- endmacro %}


{#-
    An amount as short text for a sentence ("€697k over budget", "$1.2M", "CHF 450"): the
    currency's symbol where it has a common one, else its code; thousands as k (one decimal below
    10k), millions as M with one decimal. Sign is dropped: the sentence says over or under. Display only.
-#}
{% macro format_money(expression, currency) -%}
    {{ dbt.concat([
        "case upper(" ~ currency ~ ") when 'EUR' then '€' when 'USD' then '$' when 'GBP' then '£'"
        ~ " when 'JPY' then '¥' else " ~ dbt.concat([currency, "' '"]) ~ " end",
        "case"
        ~ " when abs(" ~ expression ~ ") >= 999500 then "
        ~ dbt.concat([format_number('abs(' ~ expression ~ ') / 1000000', 1), "'M'"])
        ~ " when abs(" ~ expression ~ ") >= 9999.5 then "
        ~ dbt.concat([format_number('abs(' ~ expression ~ ') / 1000', 0), "'k'"])
        ~ " when abs(" ~ expression ~ ") >= 999.5 then "
        ~ dbt.concat([format_number('abs(' ~ expression ~ ') / 1000', 1), "'k'"])
        ~ " else " ~ format_number('abs(' ~ expression ~ ')', 0) ~ " end",
    ]) }}
{%- endmacro %}
