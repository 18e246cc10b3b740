-- One row per project per reporting month: what the dashboards show for a project - its
-- attributes (dim_projects), its earned-value figures (fct_earned_value_monthly) and its health
-- (rpt_project_health_monthly). Thin on purpose: no KPI is computed here, only joined.

with

earned_value as (

    select * from {{ ref('fct_earned_value_monthly') }}

),

projects as (

    select * from {{ ref('dim_projects') }}

),

project_health as (

    select * from {{ ref('rpt_project_health_monthly') }}

),

final as (

    select

        ----------  ids
        earned_value.project_code,
        earned_value.reporting_month,

        ----------  dates
        earned_value.status_date,
        earned_value.forecast_finish_date,
        projects.start_date,
        projects.planned_finish_date,
        projects.closed_from_month,

        ----------  text
        projects.project_name,
        projects.portfolio,
        projects.program,
        projects.business_unit,
        projects.sponsor,
        projects.project_manager,
        projects.methodology,
        projects.project_status,
        project_health.overall_status,
        project_health.schedule_status,
        project_health.cost_status,
        project_health.scope_status,
        project_health.risk_status,
        project_health.resources_status,
        project_health.data_quality_status,
        project_health.health_reason,
        earned_value.baseline_version,
        projects.current_baseline_version,
        earned_value.evm_confidence,
        earned_value.evm_confidence_reason,
        earned_value.forecast_confidence,
        earned_value.forecast_confidence_reason,

        ----------  numerics
        earned_value.planned_value,
        earned_value.earned_value,
        earned_value.actual_cost,
        earned_value.budget_at_completion,
        earned_value.estimate_at_completion,
        earned_value.variance_at_completion,
        earned_value.schedule_performance_index,
        earned_value.cost_performance_index,
        earned_value.schedule_performance_index_time,
        earned_value.percent_complete,
        earned_value.percent_spent,

        ----------  booleans
        coalesce(
            projects.closed_from_month is not null
            and projects.closed_from_month <= earned_value.reporting_month,
            false
        ) as is_closed,
        earned_value.is_earned_schedule_lower_bound

    from earned_value
    inner join projects
        on earned_value.project_code = projects.project_code
    left join project_health
        on earned_value.project_code = project_health.project_code
        and earned_value.reporting_month = project_health.reporting_month

)

select * from final
