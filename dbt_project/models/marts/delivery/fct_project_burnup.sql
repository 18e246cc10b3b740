-- One row per project per task snapshot (on or before the as-of date) that carries story points:
-- the burn-up chart - scope points against done points - over the project's non-summary issues
-- (an epic or summary task rolls its children up; counting it too would double-count).
-- Per project only: the canonical tasks carry no fix-version/release field.

with

tasks as (

    select * from {{ ref('stg_raw__tasks') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

snapshot_points as (

    select
        tasks.project_code,
        tasks.snapshot_date,
        count(*) as issue_count,
        count(case when tasks.status_category = 'done' then 1 end) as done_issue_count,
        count(case when tasks.story_points is null then 1 end) as unestimated_issue_count,
        sum(tasks.story_points) as scope_story_points,
        sum(
            case when tasks.status_category = 'done' then tasks.story_points else 0 end
        ) as done_story_points

    from tasks
    cross join reporting_period
    where
        tasks.snapshot_date <= reporting_period.as_of_date
        and not coalesce(tasks.is_summary, false)
        and not coalesce(tasks.is_milestone, false)
    group by
        tasks.project_code,
        tasks.snapshot_date
    having count(tasks.story_points) > 0

),

final as (

    select
        project_code,
        snapshot_date,
        {{ month_start('snapshot_date') }} as snapshot_month,
        scope_story_points,
        done_story_points,
        scope_story_points - done_story_points as remaining_story_points,
        {{ safe_divide('done_story_points', 'scope_story_points') }} as story_points_done_ratio,
        issue_count,
        done_issue_count,
        unestimated_issue_count,
        snapshot_date = max(snapshot_date) over (partition by project_code)
            as is_latest_snapshot

    from snapshot_points

)

select * from final
