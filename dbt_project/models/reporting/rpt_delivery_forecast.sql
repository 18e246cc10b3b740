-- One row per project with story points or sprints: Monte Carlo forecast of how many more sprints
-- (and by which date) the remaining scope needs, at 50 %, 85 % and 95 % confidence.
--
-- Method (the settings come from the delivery_settings seed):
-- * remaining points = scope - done on the project's latest snapshot by the as-of date
--   (fct_project_burnup); the forecast starts on the as-of date (int_reporting_period), also
--   when that snapshot is older: the work still open on it is still to do on the as-of date;
-- * history = completed points of the project's last `forecast_history_sprints` closed sprints;
-- * each of `forecast_trial_count` trials draws one history sprint per future sprint, uniformly
--   with replacement, until the drawn points cover the remaining points; the last sprint counts
--   by the share of its points the trial still needed (6 of 10 points: 0.6 sprint), so a trial
--   finishes part-way through a sprint; a trial unfinished after `forecast_horizon_sprints`
--   sprints is beyond the horizon;
-- * P50/P85/P95 = the trial outcome (sprints, fractional) that share of trials has finished by;
--   sprints to finish = the sprint it falls in (rounded up); a date is the forecast start + that
--   fractional number of sprints of the history's mean length (whole days, rounded up).
-- The draws are pseudo-random but fixed: the md5 hash of 'seed|trial|step' picks the sprint, so
-- the same inputs and seed always give the same forecast, on any engine (md5 is dbt.hash).
-- A project without usable throughput (no closed sprint, no completed points, or closed or
-- cancelled with points still open) gets NULL forecasts and says why (forecast_status/_reason).

with

sprint_velocity as (

    select * from {{ ref('fct_sprint_velocity') }}

),

burnup as (

    select * from {{ ref('fct_project_burnup') }}

),

projects as (

    select * from {{ ref('int_project_attributes') }}

),

delivery_settings as (

    select * from {{ ref('delivery_settings') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

settings as (

    select
        cast(
            max(case when setting_name = 'forecast_history_sprints' then setting_value end)
            as integer
        ) as history_sprints_setting,
        cast(
            max(case when setting_name = 'forecast_trial_count' then setting_value end)
            as integer
        ) as trial_count,
        cast(
            max(case when setting_name = 'forecast_random_seed' then setting_value end)
            as {{ dbt.type_bigint() }}
        ) as random_seed,
        cast(
            max(case when setting_name = 'forecast_horizon_sprints' then setting_value end)
            as integer
        ) as horizon_sprints,
        cast(
            max(case when setting_name = 'default_sprint_length_days' then setting_value end)
            as integer
        ) as default_sprint_length_days

    from delivery_settings

),

----------  the projects, their remaining scope and their velocity history

forecast_projects as (

    select project_code from sprint_velocity

    union

    select project_code from burnup

),

latest_scope as (

    select
        project_code,
        snapshot_date as scope_snapshot_date,
        scope_story_points,
        done_story_points,
        remaining_story_points

    from burnup
    where is_latest_snapshot

),

history_ranked as (

    select
        project_code,
        sprint_name,
        sprint_sequence,
        completed_story_points,
        sprint_length_days,
        row_number() over (
            partition by project_code
            order by sprint_sequence desc
        ) as recency_rank

    from sprint_velocity
    where
        is_closed
        and completed_story_points is not null

),

history as (

    select history_ranked.*
    from history_ranked
    cross join settings
    where history_ranked.recency_rank <= settings.history_sprints_setting

),

history_summary as (

    select
        project_code,
        count(*) as history_sprint_count,
        avg(completed_story_points) as mean_velocity_story_points,
        min(completed_story_points) as min_velocity_story_points,
        max(completed_story_points) as max_velocity_story_points,
        avg(sprint_length_days) as mean_sprint_length_days,
        max(sprint_sequence) as last_closed_sprint_sequence,
        max(case when recency_rank = 1 then sprint_name end) as last_closed_sprint_name

    from history
    group by project_code

),

project_inputs as (

    select
        forecast_projects.project_code,
        projects.planned_finish_date,
        projects.project_status,
        latest_scope.scope_snapshot_date,
        reporting_period.as_of_date,
        -- the later of the two: a snapshot is never after the as-of date (fct_project_burnup),
        -- so this is the as-of date for every project with story points
        case
            when latest_scope.scope_snapshot_date < reporting_period.as_of_date
                then reporting_period.as_of_date
            else latest_scope.scope_snapshot_date
        end as forecast_start_date,
        latest_scope.scope_story_points,
        latest_scope.done_story_points,
        latest_scope.remaining_story_points,
        coalesce(history_summary.history_sprint_count, 0) as history_sprint_count,
        history_summary.mean_velocity_story_points,
        history_summary.min_velocity_story_points,
        history_summary.last_closed_sprint_sequence,
        history_summary.last_closed_sprint_name,
        coalesce(
            history_summary.mean_sprint_length_days,
            settings.default_sprint_length_days
        ) as sprint_length_days,
        settings.random_seed,
        settings.trial_count,
        settings.horizon_sprints,
        case
            when latest_scope.project_code is null then 'no_story_points'
            when latest_scope.remaining_story_points <= 0 then 'scope_complete'
            -- closed or cancelled with points still open: no sprint will burn them down
            when coalesce(projects.is_closed, false) then 'project_closed'
            when history_summary.project_code is null then 'no_velocity_history'
            when history_summary.max_velocity_story_points <= 0 then 'zero_velocity'
            else 'simulated'
        end as input_status

    from forecast_projects
    cross join settings
    cross join reporting_period
    left join projects
        on forecast_projects.project_code = projects.project_code
    left join latest_scope
        on forecast_projects.project_code = latest_scope.project_code
    left join history_summary
        on forecast_projects.project_code = history_summary.project_code

),

----------  the trials: one row per project, trial and future sprint

simulated_projects as (

    select
        project_inputs.*,
        -- when every history sprint completed some points, no trial can need more sprints
        -- than remaining / smallest velocity (+ 1 against floating-point sums): skip the steps
        -- no trial reaches
        case
            when project_inputs.min_velocity_story_points > 0
                and project_inputs.remaining_story_points
                / project_inputs.min_velocity_story_points + 1 < project_inputs.horizon_sprints
                then cast(ceiling(
                        project_inputs.remaining_story_points
                        / project_inputs.min_velocity_story_points
                    ) as integer) + 1
            else project_inputs.horizon_sprints
        end as step_limit

    from project_inputs
    where project_inputs.input_status = 'simulated'

),

trial_numbers as (

    {{ dbt.generate_series(100000) }}

),

step_numbers as (

    {{ dbt.generate_series(1000) }}

),

trials as (

    -- one row per project and trial, spread over the engine's workers by trial (DuckDB
    -- parallelises on its own; on Spark the generated numbers are one partition otherwise, and
    -- every draw of every project would run on one core)
    select
        {{ spread_rows(['project_code', 'trial_number']) }}
        simulated_projects.project_code,
        simulated_projects.history_sprint_count,
        simulated_projects.remaining_story_points,
        simulated_projects.random_seed,
        simulated_projects.step_limit,
        trial_numbers.generated_number as trial_number

    from simulated_projects
    inner join trial_numbers
        on trial_numbers.generated_number <= simulated_projects.trial_count

),

draws as (

    select
        trials.project_code,
        trials.history_sprint_count,
        trials.remaining_story_points,
        trials.trial_number,
        step_numbers.generated_number as step_number,
        -- the draw's key, e.g. '20260101|17|3'; its md5 is the random number
        {{ dbt.hash(dbt.concat([
            "cast(trials.random_seed as " ~ dbt.type_string() ~ ")",
            "'|'",
            "cast(trials.trial_number as " ~ dbt.type_string() ~ ")",
            "'|'",
            "cast(step_numbers.generated_number as " ~ dbt.type_string() ~ ")",
        ])) }} as draw_hash

    from trials
    inner join step_numbers
        on step_numbers.generated_number <= trials.step_limit

),

draws_ranked as (

    select
        project_code,
        remaining_story_points,
        trial_number,
        step_number,
        -- the first 6 hex digits as an integer u in [0, 2^24): rank = floor(u x n / 2^24) + 1
        -- picks one of the n history sprints uniformly (hex digits read with position() so the
        -- conversion is plain SQL on every engine)
        cast(floor(
            (
                {% for digit in range(6) -%}
                ({{ dbt.position(
                    "substring(draw_hash, " ~ (digit + 1) ~ ", 1)", "'0123456789abcdef'"
                ) }} - 1) * {{ 16 ** (5 - digit) }}{{ " +" if not loop.last }}
                {% endfor -%}
            ) * history_sprint_count / 16777216.0
        ) as integer) + 1 as drawn_recency_rank

    from draws

),

trial_steps as (

    select
        draws_ranked.project_code,
        draws_ranked.remaining_story_points,
        draws_ranked.trial_number,
        draws_ranked.step_number,
        history.completed_story_points as drawn_story_points,
        sum(history.completed_story_points) over (
            partition by draws_ranked.project_code, draws_ranked.trial_number
            order by draws_ranked.step_number
            rows between unbounded preceding and current row
        ) as cumulative_story_points

    -- every draw finds its sprint (the rank is 1..n over the project's n history sprints,
    -- numbered by row_number), so a left join keeps the same rows as an inner one. It is left
    -- for Spark: an inner join makes its optimiser infer "rank is not null" and push that into
    -- the join of trials and step numbers below it, a nested loop where it evaluated the draw's
    -- six md5 digits for every trial and step number, taken or not (108 M pairs at the large
    -- bench scale: 245 s, against 18 s with the left join)
    from draws_ranked
    left join history
        on draws_ranked.project_code = history.project_code
        and draws_ranked.drawn_recency_rank = history.recency_rank

),

trial_finish_steps as (

    select
        trial_steps.*,
        -- the sprint whose drawn points first cover the remaining points (NULL: none within
        -- the horizon)
        min(
            case
                when trial_steps.cumulative_story_points >= trial_steps.remaining_story_points
                    then trial_steps.step_number
            end
        ) over (
            partition by trial_steps.project_code, trial_steps.trial_number
        ) as finish_step_number

    from trial_steps

),

trial_results as (

    select
        trial_finish_steps.project_code,
        trial_finish_steps.trial_number,
        -- the finishing sprint counts by the share of its drawn points the trial still needed:
        -- 10 points after one sprint, 12 remaining, 10 drawn -> 1 + (12 - 10) / 10 = 1.2
        -- sprints (the share is kept within 0-1 against floating-point sums). Unfinished
        -- within the horizon: horizon + 1, so it sorts after every finished trial
        case
            when trial_finish_steps.finish_step_number is null
                then simulated_projects.horizon_sprints + 1
            when trial_finish_steps.drawn_story_points > 0
                then trial_finish_steps.step_number - 1 + least(
                        1.0,
                        greatest(
                            0.0,
                            (
                                trial_finish_steps.remaining_story_points
                                - trial_finish_steps.cumulative_story_points
                                + trial_finish_steps.drawn_story_points
                            ) / trial_finish_steps.drawn_story_points
                        )
                    )
            -- drew nothing yet covered the points: only a floating-point tie with the sprint
            -- before; the whole sprint counts
            else trial_finish_steps.step_number
        end as sprints_to_finish

    from trial_finish_steps
    inner join simulated_projects
        on trial_finish_steps.project_code = simulated_projects.project_code
    -- one row per trial: its finishing sprint, or its first when it never finishes (every
    -- trial draws a first sprint); the steps are read once, so no engine computes them twice
    where trial_finish_steps.step_number = coalesce(trial_finish_steps.finish_step_number, 1)

),

trial_finish_dates as (

    select
        trial_results.project_code,
        trial_results.sprints_to_finish,
        case
            when trial_results.sprints_to_finish <= simulated_projects.horizon_sprints
                then cast({{ dbt.dateadd(
                    'day',
                    'cast(ceiling(trial_results.sprints_to_finish'
                    ~ ' * simulated_projects.sprint_length_days) as integer)',
                    'simulated_projects.forecast_start_date'
                ) }} as date)
        end as finish_date,
        simulated_projects.planned_finish_date

    from trial_results
    inner join simulated_projects
        on trial_results.project_code = simulated_projects.project_code

),

percentiles as (

    select
        project_code,
        count(*) as simulated_trial_count,
        percentile_disc(0.5) within group (order by sprints_to_finish) as p50_sprints,
        percentile_disc(0.85) within group (order by sprints_to_finish) as p85_sprints,
        percentile_disc(0.95) within group (order by sprints_to_finish) as p95_sprints,
        {{ safe_divide(
            'sum(case when finish_date is not null then 1 else 0 end)', 'count(*)'
        ) }} as finish_within_horizon_probability_ratio,
        {{ safe_divide(
            'sum(case when finish_date <= planned_finish_date then 1 else 0 end)',
            'count(case when planned_finish_date is not null then 1 end)'
        ) }} as finish_by_planned_date_probability_ratio

    from trial_finish_dates
    group by project_code

),

----------  one row per project: the forecast, or why there is none

forecasts as (

    select
        project_inputs.*,
        percentiles.finish_within_horizon_probability_ratio,
        percentiles.finish_by_planned_date_probability_ratio,
        -- noqa: disable=LT02
        {% for level in ['p50', 'p85', 'p95'] -%}
        -- fractional sprints (dates) and the sprint they fall in
        case
            when project_inputs.input_status = 'scope_complete' then 0
            when percentiles.{{ level }}_sprints <= project_inputs.horizon_sprints
                then percentiles.{{ level }}_sprints
        end as {{ level }}_sprints_exact,
        case
            when project_inputs.input_status = 'scope_complete' then 0
            when percentiles.{{ level }}_sprints <= project_inputs.horizon_sprints
                then cast(ceiling(percentiles.{{ level }}_sprints) as integer)
        end as {{ level }}_sprints_to_finish{{ "," if not loop.last }}
        {% endfor %}
    -- noqa: enable=LT02

    from project_inputs
    left join percentiles
        on project_inputs.project_code = percentiles.project_code

),

forecasts_explained as (

    select
        forecasts.*,
        case
            when input_status = 'simulated' and p50_sprints_to_finish is null
                then 'beyond_horizon'
            when input_status = 'simulated' then 'forecast'
            else input_status
        end as forecast_status,
        case
            when input_status = 'no_story_points'
                then 'No snapshot with story points: nothing to forecast.'
            when input_status = 'scope_complete'
                then 'All scope is done on the latest snapshot.'
            when input_status = 'project_closed'
                then {{ dbt.concat([
                    "'The project is marked '",
                    "coalesce(project_status, 'closed')",
                    "': no finish date is forecast for the points still open.'",
                ]) }}
            when input_status = 'no_velocity_history'
                then 'No closed sprint with measured completed points yet.'
            when input_status = 'zero_velocity'
                then 'The sprints in the history completed no points.'
            when p50_sprints_to_finish is null
                then 'Half of the trials need more sprints than the forecast horizon.'
            when p95_sprints_to_finish is null
                then 'Some trials need more sprints than the forecast horizon (P95 or P85 unknown).'
        end as forecast_reason

    from forecasts

),

final as (

    select

        ----------  ids
        project_code,

        ----------  forecast
        forecast_status,
        forecast_reason,
        p50_sprints_to_finish,
        p85_sprints_to_finish,
        p95_sprints_to_finish,
        last_closed_sprint_sequence + p50_sprints_to_finish as p50_finish_sprint_sequence,
        last_closed_sprint_sequence + p85_sprints_to_finish as p85_finish_sprint_sequence,
        last_closed_sprint_sequence + p95_sprints_to_finish as p95_finish_sprint_sequence,
        {% for level in ['p50', 'p85', 'p95'] -%}
        cast({{ dbt.dateadd(
            'day',
            'cast(ceiling(' ~ level ~ '_sprints_exact * sprint_length_days) as integer)',
            'forecast_start_date'
        ) }} as date) as {{ level }}_finish_date,
        {% endfor -%}
        finish_within_horizon_probability_ratio,
        finish_by_planned_date_probability_ratio,

        ----------  inputs
        scope_story_points,
        done_story_points,
        remaining_story_points,
        history_sprint_count,
        mean_velocity_story_points,
        last_closed_sprint_name,
        last_closed_sprint_sequence,
        sprint_length_days,
        planned_finish_date,
        scope_snapshot_date,
        as_of_date,
        forecast_start_date,

        ----------  reproducibility
        random_seed,
        trial_count,
        horizon_sprints

    from forecasts_explained

)

select * from final
