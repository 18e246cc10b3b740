-- One row per schedule link of each month's network: its two tasks' dates from the critical path
-- pass, the link's slack (working days of the successor's calendar the predecessor can slip
-- before it moves the successor; fct_schedule_link_requirements_monthly counts them)
-- and what is wrong with it, if anything: a predecessor or successor missing from the network (a
-- task deleted from the plan, a summary task, a key mistyped), a loop across files, or a task
-- without dates (undated: a tracker's backlog item, not an error). Such links are left out of
-- the pass.

with

links as (

    select * from {{ ref('int_schedule_links_monthly') }}

),

network as (

    select * from {{ ref('fct_schedule_network_monthly') }}

),

planned_tasks as (

    select * from {{ ref('int_schedule_tasks_monthly') }}

),

requirements as (

    select * from {{ ref('fct_schedule_link_requirements_monthly') }}

),

joined as (

    select
        links.network_month,
        links.project_code,
        links.task_key,
        links.predecessor_project_code,
        links.predecessor_key,
        links.link_type,
        links.lag_days,
        links.is_cross_project,
        links.snapshot_date,
        links.source_file,
        links.source_line,
        successor.is_snapshot_month,
        predecessor.task_name as predecessor_task_name,
        successor.task_name,
        predecessor.early_start as predecessor_early_start,
        predecessor.early_finish as predecessor_early_finish,
        successor.early_start,
        successor.early_finish,
        predecessor.is_critical as is_predecessor_critical,
        successor.is_critical,
        successor.task_state,
        case
            when predecessor.task_key is null and undated_predecessor.task_key is not null
                or successor.task_key is null and undated_successor.task_key is not null
                then 'undated'
            when predecessor.task_key is null then 'missing_predecessor'
            when successor.task_key is null then 'missing_successor'
            when predecessor.loop_tasks is not null
                and predecessor.loop_tasks = successor.loop_tasks then 'loop'
        end as link_issue,
        -- the start the link asks of the successor, in working-day positions of its calendar
        requirements.required_start_workday,
        successor.early_start_workday

    from links
    left join network as successor
        on successor.network_month = links.network_month
        and successor.project_code = links.project_code
        and successor.task_key = links.task_key
    left join network as predecessor
        on predecessor.network_month = links.network_month
        and predecessor.project_code = links.predecessor_project_code
        and predecessor.task_key = links.predecessor_key
    left join requirements
        on requirements.network_month = links.network_month
        and requirements.project_code = links.project_code
        and requirements.task_key = links.task_key
        and requirements.predecessor_project_code = links.predecessor_project_code
        and requirements.predecessor_key = links.predecessor_key
    left join planned_tasks as undated_successor
        on undated_successor.network_month = links.network_month
        and undated_successor.project_code = links.project_code
        and undated_successor.task_key = links.task_key
        and not undated_successor.has_dates
    left join planned_tasks as undated_predecessor
        on undated_predecessor.network_month = links.network_month
        and undated_predecessor.project_code = links.predecessor_project_code
        and undated_predecessor.task_key = links.predecessor_key
        and not undated_predecessor.has_dates

)

select
    network_month,
    project_code,
    task_key,
    task_name,
    predecessor_project_code,
    predecessor_key,
    predecessor_task_name,
    link_type,
    lag_days,
    is_cross_project,
    coalesce(is_snapshot_month, false) as is_snapshot_month,
    link_issue,
    task_state,
    predecessor_early_start,
    predecessor_early_finish,
    early_start,
    early_finish,
    case
        when link_issue is null then early_start_workday - required_start_workday
    end as link_slack_days,
    -- the link sets the successor's start: slipping the predecessor moves the successor
    coalesce(
        link_issue is null
        and task_state = 'Not started'
        and early_start_workday - required_start_workday <= 0,
        false
    ) as is_driving,
    coalesce(is_predecessor_critical and is_critical, false) as is_on_critical_path,
    snapshot_date,
    source_file,
    source_line

from joined
