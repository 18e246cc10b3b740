-- One row per project, reporting month and health dimension whose colour is not the one of the
-- month before: what the MSR's "what changed" section lists. The month before is the previous
-- calendar month; a dimension with no colour then (no report, or not measured) is measured for
-- the first time (is_first_measured), a change between two colours is a colour change.

with

project_health as (

    select * from {{ ref('rpt_project_health_monthly') }}

),

dimension_status as (

    {% set dimensions = [
        ('overall_status', 'Overall'),
        ('schedule_status', 'Schedule'),
        ('cost_status', 'Cost'),
        ('scope_status', 'Scope'),
        ('risk_status', 'Risk'),
        ('resources_status', 'Resources'),
        ('data_quality_status', 'Data quality'),
    ] %}
    {% for column, label in dimensions %}
    select
        project_code,
        reporting_month,
        {{ loop.index0 }} as dimension_order,
        '{{ label }}' as dimension,
        {{ column }} as status,
        health_reason
    from project_health
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        current_month.project_code,
        current_month.reporting_month,
        current_month.dimension,
        current_month.dimension_order,
        previous_month.status as previous_status,
        current_month.status as current_status,
        current_month.health_reason,
        coalesce(previous_month.status not in ('red', 'amber', 'green'), true)
            as is_first_measured

    from dimension_status as current_month
    left join dimension_status as previous_month
        on current_month.project_code = previous_month.project_code
        and current_month.dimension = previous_month.dimension
        and previous_month.reporting_month
        = {{ dbt.dateadd('month', -1, 'current_month.reporting_month') }}
    where previous_month.status is distinct from current_month.status

)

select * from final
