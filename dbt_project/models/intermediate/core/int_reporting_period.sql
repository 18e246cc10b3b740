{#-
    One row: the as-of date every model cuts off at, its month, and the reporting currency.

    var('as_of_date') wins when set; otherwise the month end of the latest date found in
    timesheets, task snapshots and earned-value imports. Import rows that carry planned value
    only are the future baseline curve, not evidence of progress, so they do not move the date.
    The staging models are always referenced (even with the var set) so the DAG does not depend
    on the vars a run was given.
-#}
{%- set as_of_var = var('as_of_date', none) -%}
{%- set has_as_of_var = as_of_var is not none and (as_of_var | string | trim) != '' -%}

with

timesheets as (

    select * from {{ ref('stg_raw__timesheets') }}

),

tasks as (

    select * from {{ ref('stg_raw__tasks') }}

),

earned_value_imports as (

    select * from {{ ref('stg_raw__earned_value') }}

),

latest_dates as (

    select max(work_date) as latest_date from timesheets

    union all

    select max(snapshot_date) as latest_date from tasks

    union all

    select max(status_date) as latest_date
    from earned_value_imports
    where earned_value is not null or actual_cost is not null

),

latest as (

    select max(latest_date) as latest_date
    from latest_dates

),

as_of as (

    select
            {% if has_as_of_var -%}
        cast('{{ as_of_var }}' as date) as as_of_date
        {%- else -%}
        {{ month_end('latest_date') }} as as_of_date
        {%- endif %}
    from latest

),

reporting_period as (

    select
        as_of_date,
        {{ month_start('as_of_date') }} as as_of_month,
        '{{ var("reporting_currency") | upper | trim }}' as reporting_currency
    from as_of

)

select * from reporting_period
