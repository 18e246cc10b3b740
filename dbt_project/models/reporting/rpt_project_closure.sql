-- One row per closed (or cancelled) project: its closure report in figures. The final month's
-- earned value and earned schedule figures (rpt_project_kpis_monthly and
-- fct_earned_value_monthly at the month it closed from) against the original baseline, the
-- finish against the plan, the milestone record, the re-baselines and approved changes, the
-- risks that materialised over its life (rpt_project_materialised_risks) and the lessons it
-- recorded. The actual finish is the latest milestone reached, else the end of the month it
-- closed from. The earned-schedule delay is SV(t) at closure (earned schedule - actual time,
-- in months: negative = behind).

with

projects as (

    select * from {{ ref('dim_projects') }}
    where is_closed and closed_from_month is not null

),

kpis as (

    select * from {{ ref('rpt_project_kpis_monthly') }}

),

earned_value as (

    select * from {{ ref('fct_earned_value_monthly') }}

),

rebaselines as (

    select * from {{ ref('fct_project_rebaselines') }}

),

milestones as (

    select * from {{ ref('fct_milestone_on_time_by_project') }}

),

milestone_dates as (

    select
        project_code,
        max(actual_date) as last_milestone_date
    from {{ ref('fct_milestone_slippage') }}
    group by project_code

),

materialised_risks as (

    select * from {{ ref('rpt_project_materialised_risks') }}

),

changes as (

    select * from {{ ref('int_finance_change_requests_converted') }}

),

lessons as (

    -- the lessons recorded by the as-of date, as the Lessons page and the packs list them
    select * from {{ ref('rpt_lessons_learned') }}

),

first_baselines as (

    select
        project_code,
        count(*) over (partition by project_code) as rebaseline_count,
        previous_budget_at_completion as original_budget_at_completion,
        row_number() over (partition by project_code order by effective_month) as baseline_order

    from rebaselines

),

materialised as (

    -- each materialised risk once, as its latest 'occurred' register month states it
    select
        project_code,
        count(*) as materialised_risk_count,
        sum(impact_cost) as materialised_risk_impact

    from materialised_risks
    group by project_code

),

approved_changes as (

    select
        project_code,
        count(*) as approved_change_count,
        sum(cost_impact) as approved_change_cost

    from changes
    where is_approved_by_as_of
    group by project_code

),

lesson_counts as (

    select
        project_code,
        count(*) as lesson_count
    from lessons
    group by project_code

)

select
    projects.project_code,
    projects.project_name,
    projects.portfolio,
    projects.methodology,
    projects.program,
    projects.sponsor,
    projects.project_manager,
    projects.project_status,
    projects.closed_from_month,
    kpis.status_date,
    projects.start_date,
    projects.planned_finish_date,
    coalesce(
        milestone_dates.last_milestone_date, {{ month_end('projects.closed_from_month') }}
    ) as actual_finish_date,
    {{ dbt.datediff(
        'projects.planned_finish_date',
        'coalesce(milestone_dates.last_milestone_date, ' ~ month_end('projects.closed_from_month') ~ ')',
        'day'
    ) }} as finish_variance_days,
    coalesce(first_baselines.original_budget_at_completion, kpis.budget_at_completion)
        as original_budget_at_completion,
    kpis.budget_at_completion,
    kpis.actual_cost,
    kpis.planned_value,
    kpis.earned_value,
    kpis.estimate_at_completion,
    earned_value.estimate_at_completion_method,
    kpis.variance_at_completion,
    kpis.actual_cost
    / nullif(
        coalesce(first_baselines.original_budget_at_completion, kpis.budget_at_completion), 0
    ) as cost_to_original_budget_ratio,
    kpis.cost_performance_index,
    kpis.schedule_performance_index,
    kpis.schedule_performance_index_time,
    earned_value.planned_duration_months,
    earned_value.actual_time_months,
    earned_value.earned_schedule_months,
    earned_value.schedule_variance_time_months,
    kpis.percent_complete,
    coalesce(first_baselines.rebaseline_count, 0) as rebaseline_count,
    coalesce(approved_changes.approved_change_count, 0) as approved_change_count,
    coalesce(approved_changes.approved_change_cost, 0) as approved_change_cost,
    coalesce(milestones.milestone_count, 0) as milestone_count,
    milestones.on_time_ratio as milestone_on_time_ratio,
    milestones.max_slippage_days as max_milestone_slippage_days,
    coalesce(materialised.materialised_risk_count, 0) as materialised_risk_count,
    coalesce(materialised.materialised_risk_impact, 0) as materialised_risk_impact,
    coalesce(lesson_counts.lesson_count, 0) as lesson_count,
    kpis.overall_status as last_overall_status

from projects
left join kpis
    on projects.project_code = kpis.project_code
    and projects.closed_from_month = kpis.reporting_month
left join earned_value
    on projects.project_code = earned_value.project_code
    and projects.closed_from_month = earned_value.reporting_month
left join first_baselines
    on projects.project_code = first_baselines.project_code
    and first_baselines.baseline_order = 1
left join milestones
    on projects.project_code = milestones.project_code
left join milestone_dates
    on projects.project_code = milestone_dates.project_code
left join materialised
    on projects.project_code = materialised.project_code
left join approved_changes
    on projects.project_code = approved_changes.project_code
left join lesson_counts
    on projects.project_code = lesson_counts.project_code
