-- One row per project per sprint started by the as-of date: its team, dates, order, whether it
-- is closed, and the two task snapshots its velocity is measured on.
--
-- Task exports are snapshots, not sprint reports, so commitment and completion are approximated:
-- * commitment snapshot: the first snapshot on or after the sprint start that shows issues in the
--   sprint; when none does, the last snapshot before the start that shows them (sprint planning);
--   an undated sprint takes the first snapshot that shows it.
-- * completion snapshot: the first snapshot of the project on or after the sprint's finish
--   (complete date, else planned end), else the latest snapshot by the as-of date (the sprint is
--   then still open, or its completion is measured early: is_completion_measured_after_finish).
-- A sprint is known from the sprints export or from the sprint field of the issues (ADO and some
-- Jira exports carry names only); undated sprints are closed once no open issue shows them.

with

sprints as (

    select * from {{ ref('stg_raw__sprints') }}

),

tasks as (

    select * from {{ ref('stg_raw__tasks') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

----------  what the snapshots show

project_snapshots as (

    select distinct
        tasks.project_code,
        tasks.snapshot_date

    from tasks
    cross join reporting_period
    where tasks.snapshot_date <= reporting_period.as_of_date

),

latest_project_snapshots as (

    select
        project_code,
        max(snapshot_date) as latest_snapshot_date

    from project_snapshots
    group by project_code

),

sprint_sightings as (

    select
        tasks.project_code,
        tasks.sprint as sprint_name,
        tasks.snapshot_date,
        sum(case when tasks.status_category = 'done' then 0 else 1 end) as open_issue_count

    from tasks
    cross join reporting_period
    where
        tasks.snapshot_date <= reporting_period.as_of_date
        and tasks.sprint is not null
        and not coalesce(tasks.is_summary, false)
    group by
        tasks.project_code,
        tasks.sprint,
        tasks.snapshot_date

),

----------  every sprint, dated where the export says when

sprint_names as (

    select
        project_code,
        sprint_name

    from sprints

    union

    select
        project_code,
        sprint_name

    from sprint_sightings

),

sprints_dated as (

    select
        sprint_names.project_code,
        sprint_names.sprint_name,
        coalesce(sprints.team, sprint_names.project_code) as team,
        sprints.start_date,
        sprints.end_date,
        sprints.complete_date,
        coalesce(sprints.complete_date, sprints.end_date) as finish_date

    from sprint_names
    left join sprints
        on sprint_names.project_code = sprints.project_code
        and sprint_names.sprint_name = sprints.sprint_name

),

sighting_bounds as (

    select
        sprints_dated.project_code,
        sprints_dated.sprint_name,
        min(sprint_sightings.snapshot_date) as first_seen_snapshot_date,
        min(
            case
                when sprint_sightings.snapshot_date >= sprints_dated.start_date
                    then sprint_sightings.snapshot_date
            end
        ) as first_sighting_from_start_date,
        max(
            case
                when sprint_sightings.snapshot_date < sprints_dated.start_date
                    then sprint_sightings.snapshot_date
            end
        ) as last_sighting_before_start_date

    from sprints_dated
    left join sprint_sightings
        on sprints_dated.project_code = sprint_sightings.project_code
        and sprints_dated.sprint_name = sprint_sightings.sprint_name
    group by
        sprints_dated.project_code,
        sprints_dated.sprint_name

),

finish_snapshots as (

    select
        sprints_dated.project_code,
        sprints_dated.sprint_name,
        min(project_snapshots.snapshot_date) as first_snapshot_from_finish_date

    from sprints_dated
    inner join project_snapshots
        on sprints_dated.project_code = project_snapshots.project_code
        and project_snapshots.snapshot_date >= sprints_dated.finish_date
    group by
        sprints_dated.project_code,
        sprints_dated.sprint_name

),

----------  the two measuring points and the sprint's state at the as-of date

sprints_measured as (

    select
        sprints_dated.project_code,
        sprints_dated.sprint_name,
        sprints_dated.team,
        sprints_dated.start_date,
        sprints_dated.end_date,
        sprints_dated.complete_date,
        sprints_dated.finish_date,
        sighting_bounds.first_seen_snapshot_date,
        case
            when sprints_dated.start_date is null then sighting_bounds.first_seen_snapshot_date
            else coalesce(
                    sighting_bounds.first_sighting_from_start_date,
                    sighting_bounds.last_sighting_before_start_date
                )
        end as commitment_snapshot_date,
        coalesce(
            finish_snapshots.first_snapshot_from_finish_date,
            latest_project_snapshots.latest_snapshot_date
        ) as completion_snapshot_date,
        case
            when sprints_dated.finish_date is not null
                then sprints_dated.finish_date <= reporting_period.as_of_date
            else coalesce(latest_sightings.open_issue_count, 0) = 0
        end as is_closed,
        reporting_period.as_of_date

    from sprints_dated
    cross join reporting_period
    left join sighting_bounds
        on sprints_dated.project_code = sighting_bounds.project_code
        and sprints_dated.sprint_name = sighting_bounds.sprint_name
    left join finish_snapshots
        on sprints_dated.project_code = finish_snapshots.project_code
        and sprints_dated.sprint_name = finish_snapshots.sprint_name
    left join latest_project_snapshots
        on sprints_dated.project_code = latest_project_snapshots.project_code
    left join sprint_sightings as latest_sightings
        on sprints_dated.project_code = latest_sightings.project_code
        and sprints_dated.sprint_name = latest_sightings.sprint_name
        and latest_project_snapshots.latest_snapshot_date = latest_sightings.snapshot_date
    where coalesce(sprints_dated.start_date, sighting_bounds.first_seen_snapshot_date)
        <= reporting_period.as_of_date

),

final as (

    select
        project_code,
        sprint_name,
        team,
        row_number() over (
            partition by project_code
            order by
                coalesce(start_date, first_seen_snapshot_date),
                finish_date,
                sprint_name
        ) as sprint_sequence,
        start_date,
        end_date,
        complete_date,
        finish_date,
        case
            when finish_date >= start_date
                then {{ dbt.datediff('start_date', 'finish_date', 'day') }} + 1  -- noqa: LT05
        end as sprint_length_days,
        commitment_snapshot_date,
        completion_snapshot_date,
        is_closed,
        coalesce(completion_snapshot_date >= finish_date, false)
            as is_completion_measured_after_finish

    from sprints_measured

)

select * from final
