-- One row per item of the projects' RAID logs other than risks: issues (the issue log, plus Jira
-- issues of type Issue or Impediment in the latest task snapshot up to the as-of date),
-- decisions and actions, in one shape. due_date is an issue's or action's due date and a
-- decision's needed-by date; closed_date when it was resolved, decided or done (or withdrawn,
-- cancelled). An item marked closed without a date counts as closed since it was raised: it is
-- never reported open.

with

issues_log as (

    select * from {{ ref('stg_raw__issues_log') }}

),

decisions as (

    select * from {{ ref('stg_raw__decisions') }}

),

actions as (

    select * from {{ ref('stg_raw__actions') }}

),

tasks as (

    select * from {{ ref('stg_raw__tasks') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

latest_task_snapshots as (

    select
        tasks.project_code,
        max(tasks.snapshot_date) as snapshot_date
    from tasks
    cross join reporting_period
    where tasks.snapshot_date <= reporting_period.as_of_date
    group by tasks.project_code

),

logged_issues as (

    select
        project_code,
        'issue' as item_type,
        issue_id as item_id,
        title,
        owner,
        priority,
        escalation_level,
        cast(null as {{ dbt.type_string() }}) as forum,
        raised_date,
        due_date,
        case
            when resolved_date is not null then resolved_date
            when issue_status in ('resolved', 'closed') then raised_date
        end as closed_date,
        issue_status as item_status,
        cast(null as {{ dbt.type_string() }}) as outcome,
        cast(null as {{ dbt.type_string() }}) as related_id,
        'issue log' as item_source,
        source_file,
        source_line

    from issues_log

),

tracker_issues as (

    -- issues and impediments raised in Jira or Azure DevOps, where the project tracks them
    select
        tasks.project_code,
        'issue' as item_type,
        tasks.task_key as item_id,
        tasks.task_name as title,
        tasks.assignee as owner,
        'medium' as priority,
        'project' as escalation_level,
        cast(null as {{ dbt.type_string() }}) as forum,
        cast(coalesce(tasks.created_at, tasks.planned_start, tasks.snapshot_date) as date)
            as raised_date,
        tasks.planned_finish as due_date,
        case
            when tasks.resolved_at is not null then cast(tasks.resolved_at as date)
            when tasks.status_category = 'done'
                then cast(coalesce(tasks.created_at, tasks.snapshot_date) as date)
        end as closed_date,
        coalesce(lower(tasks.task_status), tasks.status_category) as item_status,
        cast(null as {{ dbt.type_string() }}) as outcome,
        cast(null as {{ dbt.type_string() }}) as related_id,
        'task tracker' as item_source,
        tasks.source_file,
        tasks.source_line

    from tasks
    inner join latest_task_snapshots
        on tasks.project_code = latest_task_snapshots.project_code
        and tasks.snapshot_date = latest_task_snapshots.snapshot_date
    where lower(tasks.task_type) in ('issue', 'impediment')
        and not coalesce(tasks.is_summary, false)

),

logged_decisions as (

    select
        project_code,
        'decision' as item_type,
        decision_id as item_id,
        title,
        owner,
        cast(null as {{ dbt.type_string() }}) as priority,
        cast(null as {{ dbt.type_string() }}) as escalation_level,
        forum,
        raised_date,
        needed_by_date as due_date,
        case
            when decided_date is not null then decided_date
            when decision_status in ('decided', 'withdrawn') then raised_date
        end as closed_date,
        decision_status as item_status,
        outcome,
        cast(null as {{ dbt.type_string() }}) as related_id,
        'decision log' as item_source,
        source_file,
        source_line

    from decisions

),

logged_actions as (

    select
        project_code,
        'action' as item_type,
        action_id as item_id,
        title,
        owner,
        cast(null as {{ dbt.type_string() }}) as priority,
        cast(null as {{ dbt.type_string() }}) as escalation_level,
        cast(null as {{ dbt.type_string() }}) as forum,
        raised_date,
        due_date,
        case
            when completed_date is not null then completed_date
            when action_status in ('done', 'cancelled') then raised_date
        end as closed_date,
        action_status as item_status,
        cast(null as {{ dbt.type_string() }}) as outcome,
        related_id,
        'action log' as item_source,
        source_file,
        source_line

    from actions

)

select * from logged_issues
union all
select * from tracker_issues
union all
select * from logged_decisions
union all
select * from logged_actions
