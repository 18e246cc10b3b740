-- One row per team per sprint started by the as-of date (a sprint is identified by its project
-- and name; the team is the sprint's team, else the project code): committed and completed story
-- points, say/do ratio and the rolling 3-sprint velocity.
--
-- Committed: points of the (non-summary) issues in the sprint on its commitment snapshot.
-- Completed: points of the issues in the sprint that are done on its completion snapshot and were
-- resolved by the sprint's finish (complete date, else planned end) when the export says when.
-- Say/do and the rolling velocity exist for closed sprints only: an open sprint's completed points
-- are progress so far, not a result. Snapshot choice: see int_sprint_windows.

with

sprint_windows as (

    select * from {{ ref('int_sprint_windows') }}

),

tasks as (

    select * from {{ ref('stg_raw__tasks') }}

),

issues as (

    select
        project_code,
        sprint as sprint_name,
        snapshot_date,
        status_category,
        story_points,
        coalesce(cast(resolved_at as date), actual_finish) as resolved_date

    from tasks
    where
        sprint is not null
        and not coalesce(is_summary, false)

),

----------  what the sprint held at its start and what was done by its finish

committed as (

    select
        sprint_windows.project_code,
        sprint_windows.sprint_name,
        count(*) as committed_issue_count,
        coalesce(sum(issues.story_points), 0) as committed_story_points

    from sprint_windows
    inner join issues
        on sprint_windows.project_code = issues.project_code
        and sprint_windows.sprint_name = issues.sprint_name
        and sprint_windows.commitment_snapshot_date = issues.snapshot_date
    group by
        sprint_windows.project_code,
        sprint_windows.sprint_name

),

completed as (

    select
        sprint_windows.project_code,
        sprint_windows.sprint_name,
        count(*) as completed_issue_count,
        coalesce(sum(issues.story_points), 0) as completed_story_points

    from sprint_windows
    inner join issues
        on sprint_windows.project_code = issues.project_code
        and sprint_windows.sprint_name = issues.sprint_name
        and sprint_windows.completion_snapshot_date = issues.snapshot_date
    where
        issues.status_category = 'done'
        and (
            issues.resolved_date is null
            or sprint_windows.finish_date is null
            or issues.resolved_date <= sprint_windows.finish_date
        )
    group by
        sprint_windows.project_code,
        sprint_windows.sprint_name

),

sprint_points as (

    select
        sprint_windows.*,
        case
            when sprint_windows.commitment_snapshot_date is not null
                then coalesce(committed.committed_issue_count, 0)
        end as committed_issue_count,
        case
            when sprint_windows.commitment_snapshot_date is not null
                then coalesce(
                        committed.committed_story_points, cast(0 as {{ type_double() }})
                    )
        end as committed_story_points,
        case
            when sprint_windows.completion_snapshot_date is not null
                then coalesce(completed.completed_issue_count, 0)
        end as completed_issue_count,
        case
            when sprint_windows.completion_snapshot_date is not null
                then coalesce(
                        completed.completed_story_points, cast(0 as {{ type_double() }})
                    )
        end as completed_story_points

    from sprint_windows
    left join committed
        on sprint_windows.project_code = committed.project_code
        and sprint_windows.sprint_name = committed.sprint_name
    left join completed
        on sprint_windows.project_code = completed.project_code
        and sprint_windows.sprint_name = completed.sprint_name

),

----------  rolling velocity over the team's closed sprints on the project

closed_sprints as (

    select
        project_code,
        sprint_name,
        avg(completed_story_points) over (
            partition by project_code, team
            order by sprint_sequence
            rows between 2 preceding and current row
        ) as rolling_3_sprint_velocity_story_points,
        count(*) over (
            partition by project_code, team
            order by sprint_sequence
            rows between 2 preceding and current row
        ) as rolling_velocity_sprint_count

    from sprint_points
    where
        is_closed
        and completed_story_points is not null

),

final as (

    select

        ----------  ids
        sprint_points.team,
        sprint_points.project_code,
        sprint_points.sprint_name,
        sprint_points.sprint_sequence,

        ----------  points
        sprint_points.committed_issue_count,
        sprint_points.committed_story_points,
        sprint_points.completed_issue_count,
        sprint_points.completed_story_points,
        case
            when sprint_points.is_closed
                then {{ safe_divide(
                    'sprint_points.completed_story_points',
                    'sprint_points.committed_story_points'
                ) }}
        end as say_do_ratio,
        closed_sprints.rolling_3_sprint_velocity_story_points,
        closed_sprints.rolling_velocity_sprint_count,

        ----------  state
        sprint_points.is_closed,
        sprint_points.is_completion_measured_after_finish,

        ----------  dates
        sprint_points.start_date as sprint_start_date,
        sprint_points.end_date as sprint_end_date,
        sprint_points.complete_date as sprint_complete_date,
        sprint_points.finish_date as sprint_finish_date,
        sprint_points.sprint_length_days,
        sprint_points.commitment_snapshot_date,
        sprint_points.completion_snapshot_date

    from sprint_points
    left join closed_sprints
        on sprint_points.project_code = closed_sprints.project_code
        and sprint_points.sprint_name = closed_sprints.sprint_name

)

select * from final
