-- One row per project per issue (non-summary, non-milestone task) seen in a snapshot on or before
-- the as-of date: its latest known state, when its flow started and ended, and its cycle time.
--
-- The latest row of each issue is used (not the project's latest snapshot), so an issue that a
-- later, filtered export no longer lists keeps its resolution. Flow start: created_at, else
-- actual_start (scheduling tools have no creation time); flow end: resolved_at, else
-- actual_finish. Cycle time counts calendar days between the two dates; a resolution dated
-- before the start is a data error and gets no cycle time.

with

tasks as (

    select * from {{ ref('stg_raw__tasks') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

issue_rows as (

    select
        tasks.project_code,
        tasks.task_key,
        tasks.task_type,
        tasks.status_category,
        tasks.story_points,
        tasks.is_summary,
        tasks.is_milestone,
        tasks.snapshot_date,
        cast(tasks.created_at as date) as created_date,
        coalesce(cast(tasks.created_at as date), tasks.actual_start) as flow_start_date,
        coalesce(cast(tasks.resolved_at as date), tasks.actual_finish) as resolved_date,
        reporting_period.as_of_date,
        row_number() over (
            partition by tasks.project_code, tasks.task_key
            order by tasks.snapshot_date desc
        ) as recency_rank

    from tasks
    cross join reporting_period
    where tasks.snapshot_date <= reporting_period.as_of_date

),

latest_issue_rows as (

    select
        project_code,
        task_key,
        task_type,
        status_category,
        story_points,
        snapshot_date,
        created_date,
        flow_start_date,
        resolved_date,
        coalesce(
            resolved_date <= as_of_date and coalesce(status_category, 'done') = 'done',
            false
        ) as is_resolved

    from issue_rows
    where
        recency_rank = 1
        and not coalesce(is_summary, false)
        and not coalesce(is_milestone, false)

),

final as (

    select
        project_code,
        task_key,
        task_type,
        status_category,
        story_points,
        snapshot_date,
        created_date,
        flow_start_date,
        case when is_resolved then resolved_date end as resolved_date,
        is_resolved,
        case
            when is_resolved and resolved_date >= flow_start_date
                then {{ dbt.datediff('flow_start_date', 'resolved_date', 'day') }}
        end as cycle_time_days

    from latest_issue_rows

)

select * from final
