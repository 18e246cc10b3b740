-- One row per ISO week with a reporting project: the weekly pack's portfolio summary, summed
-- over rpt_project_week_status: projects reporting and with events, events by type, and the
-- projects by the health colour in force at the week's end.

with

project_weeks as (

    select * from {{ ref('rpt_project_week_status') }}

),

final as (

    select
        week_start,
        iso_week,
        week_end_date,
        max(measured_to_date) as measured_to_date,
        count(*) as project_count,
        count(case when has_events then 1 end) as projects_with_events_count,
        sum(event_count) as event_count,
        {% for event_type in ['health', 'milestone', 'risk', 'issue', 'decision', 'action'] -%}
        sum({{ event_type }}_event_count) as {{ event_type }}_event_count,
        {% endfor -%}
        -- noqa: disable=LT02
        {% for colour in ['red', 'amber', 'green', 'grey'] -%}
        count(case when overall_status = '{{ colour }}' then 1 end)
            as {{ colour }}_project_count{{ "," if not loop.last }}
        {% endfor %}
    -- noqa: enable=LT02

    from project_weeks
    group by
        week_start,
        iso_week,
        week_end_date

)

select * from final
