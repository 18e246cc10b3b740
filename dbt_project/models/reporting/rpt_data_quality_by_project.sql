-- One row per project at the as-of date: how complete and fresh its data is, what the loader
-- refused, and a 0-100 score a KPI built on it can be judged by (a project's KPIs are flagged,
-- not hidden, when its inputs are poor).
--
-- Score = 100 x sum(weight x check score) / sum(weight) over the checks that apply to the
-- project, weights from the data_quality_weights seed. A check scores 1 (pass) or 0 (fail),
-- except estimated_stories (the share of stories estimated) and fresh_exports (the share of
-- checked exports that are fresh). Checks that do not apply: has_baseline for a proposed
-- project, estimated_stories with no stories, fresh_exports when the project is not expected to
-- report (see fct_export_freshness).
--
-- The facts a data test warns about without stopping the refresh (one project's data, not the
-- product, is wrong) are checks here too, so the warning lands on the project it concerns:
-- earned value above the budget at completion, budget lines dated twice in one month, several
-- status notes for one month, sprints that finish before they start.

{%- set freshness_columns = [
    ('timesheets', 'days_since_latest_timesheet'),
    ('tasks', 'days_since_latest_task_snapshot'),
    ('risks', 'days_since_latest_risk_snapshot'),
    ('status_notes', 'days_since_latest_status_note'),
    ('milestones', 'days_since_latest_milestone_snapshot'),
    ('earned_value', 'days_since_latest_earned_value_import'),
] %}
{%- set text = dbt.type_string() %}

with

projects as (

    select * from {{ ref('dim_projects') }}

),

tasks as (

    select * from {{ ref('stg_raw__tasks') }}

),

story_task_types as (

    select * from {{ ref('story_task_types') }}

),

export_freshness as (

    select * from {{ ref('fct_export_freshness') }}

),

quarantine as (

    select * from {{ ref('int_quality_quarantine_attributed') }}

),

timesheet_entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

),

fx_rate_gaps as (

    select * from {{ ref('fct_fx_rate_gaps') }}

),

earned_value as (

    select * from {{ ref('fct_earned_value_monthly') }}

),

budgets as (

    select * from {{ ref('stg_raw__budgets') }}

),

status_notes as (

    select * from {{ ref('stg_raw__status_notes') }}

),

sprint_velocity as (

    select * from {{ ref('fct_sprint_velocity') }}

),

data_quality_weights as (

    select * from {{ ref('data_quality_weights') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

----------  stories of the latest backlog snapshot

latest_task_snapshots as (

    select
        tasks.project_code,
        max(tasks.snapshot_date) as snapshot_date

    from tasks
    cross join reporting_period
    where tasks.snapshot_date <= reporting_period.as_of_date
    group by tasks.project_code

),

stories as (

    select
        tasks.project_code,
        count(*) as story_count,
        count(
            case when tasks.story_points is null and tasks.estimate_hours is null then 1 end
        ) as unestimated_story_count

    from tasks
    inner join latest_task_snapshots
        on tasks.project_code = latest_task_snapshots.project_code
        and tasks.snapshot_date = latest_task_snapshots.snapshot_date
    inner join story_task_types
        on lower(trim(tasks.task_type)) = lower(trim(story_task_types.task_type))
    where not coalesce(tasks.is_summary, false) and not coalesce(tasks.is_milestone, false)
    group by tasks.project_code

),

----------  freshness per entity

freshness as (

    select
        project_code,
        {% for entity, column in freshness_columns -%}
        max(case when entity = '{{ entity }}' then days_since_latest_export end) as {{ column }},
        {% endfor -%}
        count(case when is_checked then 1 end) as checked_export_count,
        count(case when is_stale then 1 end) as stale_export_count,
        {{ dbt.listagg(
            "case when is_stale then " ~ dbt.concat([
                "entity",
                "' ('",
                "coalesce(" ~ dbt.concat([
                    "cast(days_since_latest_export as " ~ text ~ ")", "' days'"
                ]) ~ ", 'never')",
                "')'",
            ]) ~ " end",
            "', '",
            "order by entity",
        ) }} as stale_exports

    from export_freshness
    group by project_code

),

----------  what the loader refused, and timesheet entries without a cost

quarantined as (

    select
        project_code,
        cast(sum(rows_represented) as {{ dbt.type_bigint() }}) as quarantined_row_count,
        cast(coalesce(sum(
            case when entity = 'timesheets' and is_unknown_project then rows_represented end
        ), 0) as {{ dbt.type_bigint() }}) as unknown_project_timesheet_row_count

    from quarantine
    where project_code is not null
    group by project_code

),

uncosted as (

    select
        timesheet_entries.project_code,
        count(*) as uncosted_timesheet_entry_count

    from timesheet_entries
    cross join reporting_period
    where
        timesheet_entries.is_cost_missing
        and timesheet_entries.work_date <= reporting_period.as_of_date
    group by timesheet_entries.project_code

),

----------  amounts left unconverted: no exchange rate for their currency and month

unconverted as (

    select
        project_code,
        cast(sum(row_count) as {{ dbt.type_bigint() }}) as fx_rate_gap_row_count,
        {{ dbt.listagg(
            dbt.concat([
                "currency", "' '", "entity", "' '",
                "substring(cast(amount_month as " ~ text ~ "), 1, 7)",
            ]),
            "', '",
            "order by currency, amount_month, entity",
        ) }} as fx_rate_gaps

    from fx_rate_gaps
    group by project_code

),

----------  facts a data test warns about: counted on the project they concern

earned_value_over_budget as (

    select
        earned_value.project_code,
        count(*) as earned_value_month_count,
        count(case when earned_value.is_earned_value_over_budget then 1 end)
            as earned_value_over_budget_month_count,
        max(
            case
                when earned_value.is_earned_value_over_budget then earned_value.reporting_month
            end
        ) as latest_earned_value_over_budget_month

    from earned_value
    cross join reporting_period
    where earned_value.reporting_month <= reporting_period.as_of_date
    group by earned_value.project_code

),

budget_line_groups as (

    select
        project_code,
        budget_month,
        count(*) as line_count

    from budgets
    group by project_code, budget_month, cost_category, expense_type, baseline_version

),

duplicated_budget_lines as (

    select
        project_code,
        count(*) as budget_line_group_count,
        count(case when line_count > 1 then 1 end) as duplicated_budget_line_count,
        max(case when line_count > 1 then budget_month end) as latest_duplicated_budget_month

    from budget_line_groups
    group by project_code

),

status_note_months as (

    select
        project_code,
        reporting_month,
        count(*) as note_count

    from status_notes
    group by project_code, reporting_month

),

duplicated_status_notes as (

    select
        project_code,
        count(*) as status_note_month_count,
        count(case when note_count > 1 then 1 end) as duplicated_status_note_month_count,
        max(case when note_count > 1 then reporting_month end)
            as latest_duplicated_status_note_month

    from status_note_months
    group by project_code

),

inverted_sprints as (

    select
        project_code,
        count(*) as sprint_count,
        count(case when sprint_finish_date < sprint_start_date then 1 end)
            as inverted_sprint_count,
        {{ dbt.listagg(
            'case when sprint_finish_date < sprint_start_date then sprint_name end',
            "', '",
            'order by sprint_start_date, sprint_name',
        ) }} as inverted_sprints

    from sprint_velocity
    group by project_code

),

----------  one row per project with every finding

findings as (

    select
        projects.project_code,
        reporting_period.as_of_date,
        projects.project_status,
        (projects.has_baseline or projects.has_earned_value_import) as has_baseline,
        (
            projects.project_manager is not null and trim(projects.project_manager) <> ''
        ) as has_manager,
        coalesce(stories.story_count, 0) as story_count,
        coalesce(stories.unestimated_story_count, 0) as unestimated_story_count,
        {{ safe_divide('100 * stories.unestimated_story_count', 'stories.story_count') }}
            as unestimated_story_pct,
        {% for entity, column in freshness_columns -%}
        freshness.{{ column }},
        {% endfor -%}
        coalesce(freshness.checked_export_count, 0) as checked_export_count,
        coalesce(freshness.stale_export_count, 0) as stale_export_count,
        freshness.stale_exports,
        coalesce(quarantined.quarantined_row_count, 0) as quarantined_row_count,
        coalesce(quarantined.unknown_project_timesheet_row_count, 0)
            as unknown_project_timesheet_row_count,
        coalesce(uncosted.uncosted_timesheet_entry_count, 0) as uncosted_timesheet_entry_count,
        coalesce(unconverted.fx_rate_gap_row_count, 0) as fx_rate_gap_row_count,
        unconverted.fx_rate_gaps,
        coalesce(earned_value_over_budget.earned_value_month_count, 0)
            as earned_value_month_count,
        coalesce(earned_value_over_budget.earned_value_over_budget_month_count, 0)
            as earned_value_over_budget_month_count,
        earned_value_over_budget.latest_earned_value_over_budget_month,
        coalesce(duplicated_budget_lines.budget_line_group_count, 0) as budget_line_group_count,
        coalesce(duplicated_budget_lines.duplicated_budget_line_count, 0)
            as duplicated_budget_line_count,
        duplicated_budget_lines.latest_duplicated_budget_month,
        coalesce(duplicated_status_notes.status_note_month_count, 0) as status_note_month_count,
        coalesce(duplicated_status_notes.duplicated_status_note_month_count, 0)
            as duplicated_status_note_month_count,
        duplicated_status_notes.latest_duplicated_status_note_month,
        coalesce(inverted_sprints.sprint_count, 0) as sprint_count,
        coalesce(inverted_sprints.inverted_sprint_count, 0) as inverted_sprint_count,
        inverted_sprints.inverted_sprints

    from projects
    cross join reporting_period
    left join stories
        on projects.project_code = stories.project_code
    left join freshness
        on projects.project_code = freshness.project_code
    left join quarantined
        on projects.project_code = quarantined.project_code
    left join uncosted
        on projects.project_code = uncosted.project_code
    left join unconverted
        on projects.project_code = unconverted.project_code
    left join earned_value_over_budget
        on projects.project_code = earned_value_over_budget.project_code
    left join duplicated_budget_lines
        on projects.project_code = duplicated_budget_lines.project_code
    left join duplicated_status_notes
        on projects.project_code = duplicated_status_notes.project_code
    left join inverted_sprints
        on projects.project_code = inverted_sprints.project_code

),

----------  the checks, scored 0-1 (NULL: does not apply), with what failed in words

{#- Each check once: its name, when it does not apply, when it passes (or its score: the two
    shares), and the words for a failure. The order of the list is the order of the issues. -#}
{%- set checks = [
    {
        'name': 'has_baseline',
        'not_applicable': "project_status = 'proposed'",
        'passes': 'has_baseline',
        'issue': ["'no baseline'"],
    },
    {
        'name': 'has_manager',
        'passes': 'has_manager',
        'issue': ["'no project manager'"],
    },
    {
        'name': 'estimated_stories',
        'score': '1 - ' ~ safe_divide('unestimated_story_count', 'story_count'),
        'issue': [
            "'stories unestimated: '",
            "cast(unestimated_story_count as " ~ text ~ ")",
            "' of '",
            "cast(story_count as " ~ text ~ ")",
        ],
    },
    {
        'name': 'fresh_exports',
        'score': '1 - ' ~ safe_divide('stale_export_count', 'checked_export_count'),
        'issue': ["'stale exports: '", "stale_exports"],
    },
    {
        'name': 'no_quarantined_rows',
        'passes': 'quarantined_row_count = 0',
        'issue': ["'rows quarantined: '", "cast(quarantined_row_count as " ~ text ~ ")"],
    },
    {
        'name': 'no_unknown_project_timesheets',
        'passes': 'unknown_project_timesheet_row_count = 0',
        'issue': [
            "'timesheet rows on unknown project codes: '",
            "cast(unknown_project_timesheet_row_count as " ~ text ~ ")",
        ],
    },
    {
        'name': 'fully_costed_timesheets',
        'passes': 'uncosted_timesheet_entry_count = 0',
        'issue': [
            "'timesheet entries without a cost rate: '",
            "cast(uncosted_timesheet_entry_count as " ~ text ~ ")",
        ],
    },
    {
        'name': 'all_amounts_converted',
        'passes': 'fx_rate_gap_row_count = 0',
        'issue': [
            "'amounts without an exchange rate (left out of totals): '",
            "cast(fx_rate_gap_row_count as " ~ text ~ ")",
            "' rows ('", "fx_rate_gaps", "')'",
        ],
    },
    {
        'name': 'earned_value_within_budget',
        'not_applicable': 'earned_value_month_count = 0',
        'passes': 'earned_value_over_budget_month_count = 0',
        'issue': [
            "'earned value above the budget at completion in '",
            "cast(earned_value_over_budget_month_count as " ~ text ~ ")",
            "' month(s), latest '",
            "substring(cast(latest_earned_value_over_budget_month as " ~ text ~ "), 1, 7)",
            "' (progress or baseline out of date)'",
        ],
    },
    {
        'name': 'one_budget_line_per_month',
        'not_applicable': 'budget_line_group_count = 0',
        'passes': 'duplicated_budget_line_count = 0',
        'issue': [
            "'budget lines dated twice in one month (added up): '",
            "cast(duplicated_budget_line_count as " ~ text ~ ")",
            "', latest '",
            "substring(cast(latest_duplicated_budget_month as " ~ text ~ "), 1, 7)",
        ],
    },
    {
        'name': 'one_status_note_per_month',
        'not_applicable': 'status_note_month_count = 0',
        'passes': 'duplicated_status_note_month_count = 0',
        'issue': [
            "'several status notes for one month (the latest loaded is reported): '",
            "cast(duplicated_status_note_month_count as " ~ text ~ ")",
            "' month(s), latest '",
            "substring(cast(latest_duplicated_status_note_month as " ~ text ~ "), 1, 7)",
        ],
    },
    {
        'name': 'sprints_finish_after_start',
        'not_applicable': 'sprint_count = 0',
        'passes': 'inverted_sprint_count = 0',
        'issue': ["'sprints that finish before they start: '", "inverted_sprints"],
    },
] %}

checks as (

    {% for check in checks %}
    select
        project_code,
        {{ loop.index }} as check_order,
        '{{ check.name }}' as check_name,
        {% if check.score -%}
        {{ check.score }} as check_score,
        {% else -%}
        case
            {% if check.not_applicable -%}
            when {{ check.not_applicable }} then null
            {% endif -%}
            when {{ check.passes }} then 1.0
            else 0.0
        end as check_score,
        {% endif -%}
        {{ dbt.concat(check.issue) }} as issue_text
    from findings
    {% if not loop.last %}
    union all
    {% endif %}
    {%- endfor %}

),

weighted as (

    select
        checks.*,
        data_quality_weights.weight

    from checks
    left join data_quality_weights
        on checks.check_name = lower(trim(data_quality_weights.check_name))

),

scores as (

    select
        project_code,
        {{ safe_divide(
            '100 * sum(weight * check_score)',
            'sum(case when check_score is not null then weight end)'
        ) }} as data_quality_score,
        count(case when check_score < 1 then 1 end) as failed_check_count,
        {{ dbt.listagg(
            'case when check_score < 1 then issue_text end', "'; '", 'order by check_order'
        ) }} as data_quality_issues

    from weighted
    group by project_code

),

final as (

    select

        ----------  ids
        findings.project_code,

        ----------  dates
        findings.as_of_date,

        ----------  booleans
        findings.has_baseline,
        findings.has_manager,

        ----------  numerics
        findings.story_count,
        findings.unestimated_story_count,
        findings.unestimated_story_pct,
        {% for entity, column in freshness_columns -%}
        findings.{{ column }},
        {% endfor -%}
        findings.checked_export_count,
        findings.stale_export_count,
        findings.quarantined_row_count,
        findings.unknown_project_timesheet_row_count,
        findings.uncosted_timesheet_entry_count,
        findings.fx_rate_gap_row_count,
        findings.earned_value_over_budget_month_count,
        findings.duplicated_budget_line_count,
        findings.duplicated_status_note_month_count,
        findings.inverted_sprint_count,
        scores.data_quality_score,
        coalesce(scores.failed_check_count, 0) as failed_check_count,

        ----------  text
        findings.stale_exports,
        findings.fx_rate_gaps,
        findings.inverted_sprints,
        scores.data_quality_issues

    from findings
    left join scores
        on findings.project_code = scores.project_code

)

select * from final
