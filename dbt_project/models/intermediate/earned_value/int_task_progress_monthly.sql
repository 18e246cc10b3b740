-- One row per project per month that has a task snapshot on or before the as-of date: the
-- progress shown by the latest snapshot of that month, over its non-summary tasks (a summary
-- task rolls its children up; counting it too would double-count their cost and points).
--
-- Two progress measures, and the method the snapshot supports:
-- * task_baseline_cost: earned value = sum of baseline_cost x percent_complete / 100. A task with
--   no percent complete counts 100 % when its status category is done, else 0 %. Baseline costs
--   are in the project's currency and converted at the rate of the snapshot month.
-- * story_points (agile work: no baseline cost on any task, story points on some): the share of
--   planned points that are done; the earned value is that share of BAC, applied downstream where
--   the baseline in force is known.

with

tasks as (

    select * from {{ ref('stg_raw__tasks') }}

),

projects as (

    select * from {{ ref('stg_raw__projects') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

snapshots as (

    select
        tasks.project_code,
        {{ month_start('tasks.snapshot_date') }} as snapshot_month,
        max(tasks.snapshot_date) as snapshot_date

    from tasks
    cross join reporting_period
    where tasks.snapshot_date <= reporting_period.as_of_date
    group by
        tasks.project_code,
        {{ month_start('tasks.snapshot_date') }}

),

leaf_tasks as (

    select
        snapshots.snapshot_month,
        tasks.*,
        coalesce(
            tasks.percent_complete,
            case when tasks.status_category = 'done' then 100 else 0 end
        ) as effective_percent_complete

    from tasks
    inner join snapshots
        on tasks.project_code = snapshots.project_code
        and tasks.snapshot_date = snapshots.snapshot_date
    where not coalesce(tasks.is_summary, false)

),

progress as (

    select
        project_code,
        snapshot_month,
        snapshot_date,
        count(*) as task_count,
        sum(baseline_cost) as total_baseline_cost,
        sum(baseline_cost * effective_percent_complete / 100) as earned_baseline_cost,
        sum(story_points) as planned_story_points,
        sum(case when status_category = 'done' then story_points else 0 end) as done_story_points

    from leaf_tasks
    group by
        project_code,
        snapshot_month,
        snapshot_date

),

progress_with_currency as (

    select
        progress.*,
        coalesce(projects.currency, reporting_period.reporting_currency) as original_currency,
        reporting_period.reporting_currency

    from progress
    cross join reporting_period
    left join projects
        on progress.project_code = projects.project_code

),

progress_with_rate as (

    {{ with_reporting_rate('progress_with_currency', 'snapshot_month') }}

),

progress_measured as (

    select
        project_code,
        snapshot_month,
        snapshot_date,
        task_count,
        total_baseline_cost,
        earned_baseline_cost,
        fx_rate_to_reporting_currency,
        case
            when total_baseline_cost > 0
                then earned_baseline_cost * fx_rate_to_reporting_currency
        end as earned_value,
        planned_story_points,
        done_story_points,
        {{ safe_divide('done_story_points', 'planned_story_points') }} as story_points_done_ratio,
        case
            when total_baseline_cost > 0 then 'task_baseline_cost'
            when planned_story_points > 0 then 'story_points'
        end as progress_method

    from progress_with_rate

)

select * from progress_measured
