-- One row per scheduled project per month with a task snapshot: its critical path as the pass
-- computes it (finish, length in working days of the project's calendar, critical and
-- near-critical tasks), the move against the project's
-- previous snapshot month (finish drift, tasks that became critical, float consumed) and the links
-- that could not be scheduled.

with

network as (

    select * from {{ ref('fct_schedule_network_monthly') }}

),

links as (

    select * from {{ ref('fct_schedule_links_monthly') }}

),

projects as (

    select * from {{ ref('int_project_attributes') }}

),

tasks as (

    select
        network.*,
        lag(network.total_float_days) over (
            partition by network.project_code, network.task_key
            order by network.network_month
        ) as previous_total_float_days,
        lag(network.is_critical) over (
            partition by network.project_code, network.task_key
            order by network.network_month
        ) as was_critical,
        lag(network.network_month) over (
            partition by network.project_code, network.task_key
            order by network.network_month
        ) as previous_task_month

    from network
    where network.is_snapshot_month

),

by_project as (

    select
        project_code,
        network_month,
        max(snapshot_date) as snapshot_date,
        max(data_date) as data_date,
        max(project_early_finish) as critical_path_finish_date,
        max(calendar_name) as calendar_name,
        greatest(max(project_finish_workday) - max(data_date_workday), 0)
            as critical_path_remaining_days,
        count(*) filter (where task_state <> 'Done') as open_task_count,
        count(*) filter (where is_critical) as critical_task_count,
        count(*) filter (where is_near_critical) as near_critical_task_count,
        count(*) filter (
            where is_critical and not coalesce(was_critical, true)
        ) as tasks_became_critical_count,
        count(*) filter (
            where task_state <> 'Done' and total_float_days < previous_total_float_days
        ) as tasks_losing_float_count,
        coalesce(
            max(previous_total_float_days - total_float_days) filter (
                where task_state <> 'Done' and total_float_days < previous_total_float_days
            ),
            0
        ) as max_float_consumed_days,
        min(total_float_days) filter (where task_state <> 'Done') as lowest_total_float_days,
        -- working days of this month's calendar from the previous snapshot month's finish
        max(project_finish_drift_days) as finish_drift_days

    from tasks
    group by project_code, network_month

),

link_counts as (

    select
        project_code,
        network_month,
        count(*) filter (where link_issue = 'loop') as loop_link_count,
        count(*) filter (where link_issue in ('missing_predecessor', 'missing_successor'))
            as missing_link_count,
        count(*) filter (where is_cross_project and link_issue is null) as cross_project_link_count,
        count(*) filter (where is_cross_project and is_driving) as driving_cross_project_link_count

    from links
    group by project_code, network_month

),

compared as (

    select
        by_project.*,
        lag(by_project.critical_path_finish_date) over (
            partition by by_project.project_code order by by_project.network_month
        ) as previous_critical_path_finish_date

    from by_project

)

select
    compared.project_code,
    projects.project_name,
    projects.portfolio,
    compared.network_month as reporting_month,
    compared.snapshot_date,
    compared.data_date,
    compared.critical_path_finish_date,
    compared.previous_critical_path_finish_date,
    compared.finish_drift_days,
    projects.planned_finish_date,
    {{ dbt.datediff(
        'projects.planned_finish_date', 'compared.critical_path_finish_date', 'day'
    ) }} as finish_vs_plan_calendar_days,
    compared.critical_path_remaining_days,
    compared.calendar_name,
    compared.open_task_count,
    compared.critical_task_count,
    compared.near_critical_task_count,
    compared.lowest_total_float_days,
    compared.tasks_became_critical_count,
    compared.tasks_losing_float_count,
    compared.max_float_consumed_days,
    coalesce(link_counts.cross_project_link_count, 0) as cross_project_link_count,
    coalesce(link_counts.driving_cross_project_link_count, 0)
        as driving_cross_project_link_count,
    coalesce(link_counts.loop_link_count, 0) as loop_link_count,
    coalesce(link_counts.missing_link_count, 0) as missing_link_count

from compared
left join projects
    on compared.project_code = projects.project_code
left join link_counts
    on compared.project_code = link_counts.project_code
    and compared.network_month = link_counts.network_month
