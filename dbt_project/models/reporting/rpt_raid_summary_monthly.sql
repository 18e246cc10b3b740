-- One row per project per reporting month with a RAID log (issues, decisions or actions, from
-- the logs or the task tracker): what is open at the month's end, what is overdue, how far issues
-- are escalated, the decisions awaiting the steering committee, and the month's flow (new,
-- closed). Counts only; the items are in fct_raid_items_monthly.

with

items as (

    select * from {{ ref('fct_raid_items_monthly') }}

),

projects as (

    select * from {{ ref('int_project_attributes') }}

),

summary as (

    select
        project_code,
        reporting_month,
        count(*) filter (where item_type = 'issue' and is_open_at_month_end) as open_issue_count,
        count(*) filter (where item_type = 'issue' and is_new_in_month) as new_issue_count,
        count(*) filter (where item_type = 'issue' and is_closed_in_month)
            as resolved_issue_count,
        count(*) filter (where item_type = 'issue' and is_overdue) as overdue_issue_count,
        count(*) filter (where is_escalated) as escalated_issue_count,
        count(*) filter (where is_escalated and escalation_level = 'programme')
            as programme_escalation_count,
        count(*) filter (where is_escalated and escalation_level = 'portfolio')
            as portfolio_escalation_count,
        count(*) filter (where is_escalated and escalation_level = 'steering committee')
            as steering_escalation_count,
        max(age_days) filter (where item_type = 'issue' and is_open_at_month_end)
            as oldest_open_issue_days,
        cast(
            median(age_days) filter (where item_type = 'issue' and is_open_at_month_end)
            as {{ type_double() }}
        ) as median_open_issue_age_days,
        count(*) filter (where item_type = 'decision' and is_open_at_month_end)
            as open_decision_count,
        count(*) filter (where is_awaiting_steering) as decisions_awaiting_steering_count,
        count(*) filter (where item_type = 'decision' and is_overdue) as overdue_decision_count,
        count(*) filter (where item_type = 'decision' and is_closed_in_month)
            as decisions_made_count,
        count(*) filter (where item_type = 'action' and is_open_at_month_end)
            as open_action_count,
        count(*) filter (where item_type = 'action' and is_overdue) as overdue_action_count,
        count(*) filter (where item_type = 'action' and is_closed_in_month)
            as completed_action_count

    from items
    group by project_code, reporting_month

)

select
    summary.project_code,
    projects.project_name,
    projects.portfolio,
    summary.reporting_month,
    summary.open_issue_count,
    summary.new_issue_count,
    summary.resolved_issue_count,
    summary.overdue_issue_count,
    summary.escalated_issue_count,
    summary.programme_escalation_count,
    summary.portfolio_escalation_count,
    summary.steering_escalation_count,
    summary.oldest_open_issue_days,
    summary.median_open_issue_age_days,
    summary.open_decision_count,
    summary.decisions_awaiting_steering_count,
    summary.overdue_decision_count,
    summary.decisions_made_count,
    summary.open_action_count,
    summary.overdue_action_count,
    summary.completed_action_count

from summary
left join projects
    on summary.project_code = projects.project_code
