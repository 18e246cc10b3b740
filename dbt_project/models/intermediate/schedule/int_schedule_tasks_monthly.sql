-- The schedule network of each month: for every month with a task snapshot (up to the as-of
-- date), each scheduled project's latest task snapshot on or before that month's end, summary
-- tasks left out (they roll their children up and carry no logic of their own). A project is
-- scheduled when links name it (as successor or predecessor); a backlog without links has no
-- network to compute. has_dates says whether the task can be scheduled: a start and a finish
-- (a milestone: its date). Tracker stories without dates (a Jira "blocks" link between two
-- backlog items) stay out of the pass; their links are reported as undated. Projects without a
-- snapshot in the month take part through their latest earlier one, so cross-project links
-- always meet a task; only the projects whose snapshot is in the month (is_snapshot_month) are
-- reported for it.

with

tasks as (

    select * from {{ ref('stg_raw__tasks') }}

),

dependencies as (

    select * from {{ ref('stg_raw__dependencies') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

scheduled_projects as (

    select project_code from dependencies
    union
    select predecessor_project_code from dependencies

),

scheduled_tasks as (

    select tasks.*
    from tasks
    inner join scheduled_projects
        on tasks.project_code = scheduled_projects.project_code
    cross join reporting_period
    where tasks.snapshot_date <= reporting_period.as_of_date

),

network_months as (

    select distinct {{ month_start('snapshot_date') }} as network_month
    from scheduled_tasks

),

-- each project's snapshot dates, a few rows a project: the month-by-date comparison below is
-- not an equality, so it is made on these rather than on every task row (on Spark a join
-- without an equality runs as a nested loop over both sides)
project_snapshots as (

    select distinct
        project_code,
        snapshot_date
    from scheduled_tasks

),

latest_snapshots as (

    select
        network_months.network_month,
        project_snapshots.project_code,
        max(project_snapshots.snapshot_date) as snapshot_date

    from network_months
    inner join project_snapshots
        on project_snapshots.snapshot_date <= {{ month_end('network_months.network_month') }}
    group by
        network_months.network_month,
        project_snapshots.project_code

)

select
    latest_snapshots.network_month,
    scheduled_tasks.project_code,
    scheduled_tasks.task_key,
    scheduled_tasks.task_name,
    scheduled_tasks.snapshot_date,
    {{ month_start('scheduled_tasks.snapshot_date') }} = latest_snapshots.network_month
        as is_snapshot_month,
    coalesce(scheduled_tasks.is_milestone, false) as is_milestone,
    scheduled_tasks.status_category,
    scheduled_tasks.percent_complete,
    scheduled_tasks.planned_start,
    scheduled_tasks.planned_finish,
    scheduled_tasks.forecast_start,
    scheduled_tasks.forecast_finish,
    scheduled_tasks.actual_start,
    scheduled_tasks.actual_finish,
    scheduled_tasks.forecast_finish is not null
    and (
        scheduled_tasks.forecast_start is not null
        or coalesce(scheduled_tasks.is_milestone, false)
    )
        as has_dates

from latest_snapshots
inner join scheduled_tasks
    on scheduled_tasks.project_code = latest_snapshots.project_code
    and scheduled_tasks.snapshot_date = latest_snapshots.snapshot_date
where not coalesce(scheduled_tasks.is_summary, false)
