-- The links of each month's schedule network (int_schedule_tasks_monthly): for every successor
-- project and every source format, the links of its latest dependency snapshot on or before the
-- month's end. Each source keeps its own history: the links a plan (MS Project) carries inside a
-- project and a PMO's cross-project register (a canonical file) are dated apart. A link is
-- kept whether or not both its tasks are in the network; fct_schedule_links_monthly says which
-- ones name a task that is missing.

with

dependencies as (

    select * from {{ ref('stg_raw__dependencies') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

network_months as (

    select distinct network_month from {{ ref('int_schedule_tasks_monthly') }}

),

latest_snapshots as (

    select
        network_months.network_month,
        dependencies.project_code,
        dependencies.source_format,
        max(dependencies.snapshot_date) as snapshot_date

    from network_months
    inner join dependencies
        on dependencies.snapshot_date <= {{ month_end('network_months.network_month') }}
    cross join reporting_period
    where dependencies.snapshot_date <= reporting_period.as_of_date
    group by
        network_months.network_month,
        dependencies.project_code,
        dependencies.source_format

)

select
    latest_snapshots.network_month,
    dependencies.project_code,
    dependencies.task_key,
    dependencies.predecessor_project_code,
    dependencies.predecessor_key,
    dependencies.link_type,
    dependencies.lag_days,
    dependencies.is_cross_project,
    dependencies.snapshot_date,
    dependencies.source_format,
    dependencies.source_file,
    dependencies.source_line

from latest_snapshots
inner join dependencies
    on dependencies.project_code = latest_snapshots.project_code
    and dependencies.source_format = latest_snapshots.source_format
    and dependencies.snapshot_date = latest_snapshots.snapshot_date
