-- One row per project per reporting month: the RAG status of each health dimension (schedule,
-- cost, scope, risk, resources, data quality), the overall status and the reason in words.
-- A dimension takes the worst status of its metrics; overall is the worst of the dimensions.
-- grey means not measurable (no value yet, or no threshold in the seed) and never outweighs a
-- measured colour: overall is grey only when nothing could be measured. The metrics, their
-- thresholds and statuses: rpt_project_health_metrics_monthly.

{%- set dimensions = ['schedule', 'cost', 'scope', 'risk', 'resources', 'data_quality'] %}
{%- set metric_columns = [
    'schedule_performance_index', 'schedule_performance_index_time', 'forecast_slip_months',
    'cost_performance_index',
    'variance_at_completion_pct', 'approved_change_cost_pct',
    'risk_exposure_pct_of_bac', 'open_high_risk_count', 'labour_cost_to_plan_pct',
    'data_quality_score', 'sla_breach_count',
] %}

{#- a status rank (3 red, 2 amber, 1 green, 0 or NULL grey) back to its colour -#}
{%- set status_of_rank = "case RANK when 3 then 'red' when 2 then 'amber' when 1 then 'green'"
    ~ " else 'grey' end" %}

with

health_metrics as (

    select * from {{ ref('rpt_project_health_metrics_monthly') }}

),

dimension_ranks as (

    select
        project_code,
        reporting_month,
        dimension,
        max(status_rank) as status_rank

    from health_metrics
    group by
        project_code,
        reporting_month,
        dimension

),

project_months as (

    select
        health_metrics.project_code,
        health_metrics.reporting_month,
        max(health_metrics.status_date) as status_date,
        {% for metric in metric_columns -%}
        max(case when health_metrics.metric = '{{ metric }}' then health_metrics.metric_value end)
            as {{ metric }},
        {% endfor -%}
        max(health_metrics.status_rank) as overall_rank,
        {{ dbt.listagg(
            'health_metrics.health_reason',
            "'; '",
            'order by health_metrics.status_rank desc, health_metrics.dimension_order,'
            ~ ' health_metrics.metric_order',
        ) }} as breached_thresholds

    from health_metrics
    group by
        health_metrics.project_code,
        health_metrics.reporting_month

),

dimension_statuses as (

    select
        project_code,
        reporting_month,
        {% for dimension in dimensions -%}
        max(case when dimension = '{{ dimension }}' then status_rank end)
            as {{ dimension }}_rank,
        {% endfor -%}
        count(case when status_rank = 3 then 1 end) as red_dimension_count,
        count(case when status_rank = 2 then 1 end) as amber_dimension_count

    from dimension_ranks
    group by
        project_code,
        reporting_month

),

final as (

    select

        ----------  ids
        project_months.project_code,
        project_months.reporting_month,

        ----------  dates
        project_months.status_date,

        ----------  text
        {{ status_of_rank | replace('RANK', 'project_months.overall_rank') }} as overall_status,
        {% for dimension in dimensions -%}
        {{ status_of_rank | replace('RANK', 'dimension_statuses.' ~ dimension ~ '_rank') }}
            as {{ dimension }}_status,
        {% endfor -%}
        coalesce(
            project_months.breached_thresholds,
            case
                when project_months.overall_rank = 1
                    then 'all measured dimensions within thresholds'
                else 'not enough data to assess health'
            end
        ) as health_reason,

        ----------  numerics
        dimension_statuses.red_dimension_count,
        dimension_statuses.amber_dimension_count,
    {% for metric in metric_columns -%}
        {% if metric in ('open_high_risk_count', 'sla_breach_count') -%}
        cast(project_months.{{ metric }} as {{ dbt.type_bigint() }}) as {{ metric }}
        {%- else -%}
        project_months.{{ metric }}
        {%- endif %}{{ "," if not loop.last }}
    {% endfor %}

    from project_months
    inner join dimension_statuses
        on project_months.project_code = dimension_statuses.project_code
        and project_months.reporting_month = dimension_statuses.reporting_month

)

select * from final
