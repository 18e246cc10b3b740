-- One row per project per ISO week in which it reports (int_project_weeks): the health colour in
-- force at the week's end (the latest month-end measurement on or before it: colours are
-- measured monthly), the month of the status note the weekly pack quotes (the latest note on or
-- before the week's end), and how many events of each type the week has in
-- rpt_project_week_events.

with

project_weeks as (

    select * from {{ ref('int_project_weeks') }}

),

project_health as (

    select * from {{ ref('rpt_project_health_monthly') }}

),

status_notes as (

    select * from {{ ref('rpt_status_notes_monthly') }}

),

week_events as (

    select * from {{ ref('rpt_project_week_events') }}

),

event_counts as (

    select
        project_code,
        week_start,
        count(*) as event_count,
        -- noqa: disable=LT02
        {% for event_type in ['health', 'milestone', 'risk', 'issue', 'decision', 'action'] -%}
        count(case when event_type = '{{ event_type }}' then 1 end)
            as {{ event_type }}_event_count{{ "," if not loop.last }}
        {% endfor %}
    -- noqa: enable=LT02

    from week_events
    group by
        project_code,
        week_start

),

final as (

    select

        ----------  ids
        project_weeks.project_code,
        project_weeks.week_start,

        ----------  week and project
        project_weeks.iso_week,
        project_weeks.week_end_date,
        project_weeks.measured_to_date,
        project_weeks.is_partial_week,
        project_weeks.project_name,
        project_weeks.portfolio,

        ----------  health in force and the note quoted
        coalesce(project_health.overall_status, 'grey') as overall_status,
        project_health.reporting_month as health_month,
        project_health.health_reason,
        status_notes.reporting_month as status_note_month,

        ----------  events of the week
        coalesce(event_counts.event_count, 0) as event_count,
        {% for event_type in ['health', 'milestone', 'risk', 'issue', 'decision', 'action'] -%}
        coalesce(event_counts.{{ event_type }}_event_count, 0) as {{ event_type }}_event_count,
        {% endfor -%}
        coalesce(event_counts.event_count, 0) > 0 as has_events

    from project_weeks
    -- asof: the latest measurement, and the latest note, on or before the week's end
    {{ asof_left_join(
        'project_weeks', 'project_health', ['project_code'], 'measured_to_date', 'status_date'
    ) }}
    {{ asof_left_join(
        'project_weeks', 'status_notes', ['project_code'], 'measured_to_date', 'reporting_month'
    ) }}
    left join event_counts
        on project_weeks.project_code = event_counts.project_code
        and project_weeks.week_start = event_counts.week_start

)

select * from final
