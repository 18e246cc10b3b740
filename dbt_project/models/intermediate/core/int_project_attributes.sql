-- One row per project in the projects master: dim_projects without the month a closed project
-- counts as closed from. That month comes from the project's last actual cost, so it changes
-- with every timesheet or invoice; the models that need only who owns a project, how it is run,
-- its dates and its baseline read this one and are not rebuilt when a timesheet export changes.

with

projects as (

    select * from {{ ref('stg_raw__projects') }}

),

budget_lines as (

    select * from {{ ref('int_budgets_current_baseline') }}

),

earned_value_imports as (

    select * from {{ ref('stg_raw__earned_value') }}

),

current_baselines as (

    select
        project_code,
        baseline_version,
        approved_on,
        sum(budget_amount) as budget_at_completion

    from budget_lines
    where is_current_baseline
    group by
        project_code,
        baseline_version,
        approved_on

),

baseline_counts as (

    select
        project_code,
        count(distinct baseline_version) as baseline_version_count

    from budget_lines
    group by project_code

),

import_projects as (

    select distinct project_code
    from earned_value_imports

),

final as (

    select

        ----------  ids
        projects.project_code,

        ----------  text
        projects.project_name,
        projects.portfolio,
        projects.program,
        projects.business_unit,
        projects.sponsor,
        projects.project_manager,
        projects.methodology,
        projects.project_status,
        projects.currency as project_currency,
        current_baselines.baseline_version as current_baseline_version,

        ----------  numerics
        current_baselines.budget_at_completion as current_budget_at_completion,
        coalesce(baseline_counts.baseline_version_count, 0) as baseline_version_count,
        case
            when projects.planned_finish_date >= projects.start_date
                then {{ months_between('projects.start_date', 'projects.planned_finish_date') }} + 1  -- noqa: LT05
        end as planned_duration_months,

        ----------  booleans
        current_baselines.project_code is not null as has_baseline,
        import_projects.project_code is not null as has_earned_value_import,
        coalesce(projects.project_status in ('closed', 'cancelled'), false) as is_closed,

        ----------  dates
        projects.start_date,
        projects.planned_finish_date,
        {{ month_start('projects.start_date') }} as start_month,
        {{ month_start('projects.planned_finish_date') }} as planned_finish_month,
        current_baselines.approved_on as current_baseline_approved_on

    from projects
    left join current_baselines
        on projects.project_code = current_baselines.project_code
    left join baseline_counts
        on projects.project_code = baseline_counts.project_code
    left join import_projects
        on projects.project_code = import_projects.project_code

)

select * from final
