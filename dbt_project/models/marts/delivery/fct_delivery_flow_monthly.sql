-- One row per project per calendar month, from the month its first issue was created or started
-- to the as-of month: throughput (issues and points resolved in the month), issues created, and
-- the median and 85th-percentile cycle time of the issues resolved in the month. Months with no
-- resolution are kept (throughput 0, cycle times NULL) so a throughput chart shows the gaps.

with

flow_issues as (

    select * from {{ ref('int_task_flow_issues') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

----------  one row per project and month

project_bounds as (

    select
        flow_issues.project_code,
        {{ month_start(
            'min(case when flow_issues.resolved_date < flow_issues.flow_start_date'
            ~ ' then flow_issues.resolved_date'
            ~ ' else coalesce(flow_issues.flow_start_date, flow_issues.resolved_date) end)'
        ) }} as first_month,
        max(reporting_period.as_of_month) as last_month

    from flow_issues
    cross join reporting_period
    group by flow_issues.project_code

),

month_numbers as (

    {{ dbt.generate_series(1200) }}

),

project_months as (

    select
        project_bounds.project_code,
        {{ add_months('project_bounds.first_month', 'month_numbers.generated_number - 1') }}
            as flow_month

    from project_bounds
    inner join month_numbers
        on month_numbers.generated_number
        <= {{ months_between('project_bounds.first_month', 'project_bounds.last_month') }} + 1  -- noqa: LT05

),

----------  what happened in each month

resolutions as (

    select
        project_code,
        {{ month_start('resolved_date') }} as flow_month,
        count(*) as resolved_issue_count,
        sum(story_points) as resolved_story_points,
        percentile_cont(0.5) within group (order by cycle_time_days) as cycle_time_median_days,
        percentile_cont(0.85) within group (order by cycle_time_days) as cycle_time_p85_days

    from flow_issues
    where is_resolved
    group by
        project_code,
        {{ month_start('resolved_date') }}

),

creations as (

    select
        project_code,
        {{ month_start('created_date') }} as flow_month,
        count(*) as created_issue_count

    from flow_issues
    where created_date is not null
    group by
        project_code,
        {{ month_start('created_date') }}

),

final as (

    select
        project_months.project_code,
        project_months.flow_month,
        coalesce(resolutions.resolved_issue_count, 0) as resolved_issue_count,
        coalesce(resolutions.resolved_story_points, 0) as resolved_story_points,
        coalesce(creations.created_issue_count, 0) as created_issue_count,
        resolutions.cycle_time_median_days,
        resolutions.cycle_time_p85_days

    from project_months
    left join resolutions
        on project_months.project_code = resolutions.project_code
        and project_months.flow_month = resolutions.flow_month
    left join creations
        on project_months.project_code = creations.project_code
        and project_months.flow_month = creations.flow_month

)

select * from final
