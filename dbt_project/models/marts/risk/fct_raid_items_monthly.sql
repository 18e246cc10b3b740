-- One row per issue, decision and action per reporting month in which it was open at some point
-- (raised by the month's end, not closed before the month started): its age, whether it is
-- overdue at the month's end, how far an issue is escalated, whether a decision awaits the
-- steering committee. The month's end is the as-of date in the as-of month.

with

items as (

    select * from {{ ref('int_raid_log_items') }}

),

periods as (

    select * from {{ ref('int_project_periods') }}
    where is_reporting_period

),

monthly as (

    select
        periods.project_code,
        periods.period_month as reporting_month,
        periods.status_date as month_end_date,
        {{ star_except(['project_code'], 'items') }}

    from periods
    inner join items
        on items.project_code = periods.project_code
        and items.raised_date <= periods.status_date
        and (items.closed_date is null or items.closed_date >= periods.period_month)

)

select
    project_code,
    reporting_month,
    item_type,
    item_id,
    item_source,
    title,
    owner,
    priority,
    escalation_level,
    case escalation_level
        when 'project' then 0
        when 'programme' then 1
        when 'portfolio' then 2
        when 'steering committee' then 3
    end as escalation_rank,
    forum,
    item_status,
    outcome,
    related_id,
    raised_date,
    due_date,
    closed_date,
    closed_date is null or closed_date > month_end_date as is_open_at_month_end,
    coalesce(closed_date between reporting_month and month_end_date, false) as is_closed_in_month,
    raised_date >= reporting_month as is_new_in_month,
    {{ dbt.datediff(
        'raised_date', 'least(coalesce(closed_date, month_end_date), month_end_date)', 'day'
    ) }}
        as age_days,
    coalesce(
        (closed_date is null or closed_date > month_end_date) and due_date < month_end_date,
        false
    ) as is_overdue,
    case
        when (closed_date is null or closed_date > month_end_date) and due_date < month_end_date
            then {{ dbt.datediff('due_date', 'month_end_date', 'day') }}
    end as days_overdue,
    coalesce(
        item_type = 'decision'
        and forum = 'steering committee'
        and (closed_date is null or closed_date > month_end_date),
        false
    ) as is_awaiting_steering,
    coalesce(
        item_type = 'issue' and escalation_level <> 'project'
        and (closed_date is null or closed_date > month_end_date),
        false
    ) as is_escalated,
    source_file,
    source_line

from monthly
