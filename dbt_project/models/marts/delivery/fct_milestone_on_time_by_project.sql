-- One row per project with milestones on its latest milestones snapshot: how many milestones are
-- on time, late, reached, upcoming and overdue, the on-time rates and the slippage.
--
-- on_time_ratio counts every milestone with an on-time verdict (reached: actual vs baseline;
-- open: forecast vs baseline); completed_on_time_ratio counts reached milestones only (the
-- classic delivery record). Both are counts over counts, never averages of ratios.

with

milestone_slippage as (

    select * from {{ ref('fct_milestone_slippage') }}

),

project_milestones as (

    select
        project_code,
        max(snapshot_date) as snapshot_date,
        count(*) as milestone_count,
        count(case when is_completed then 1 end) as completed_count,
        count(case when is_on_time then 1 end) as on_time_count,
        count(case when not is_on_time then 1 end) as late_count,
        count(case when is_completed and is_on_time then 1 end) as completed_on_time_count,
        count(case when is_completed and is_on_time is not null then 1 end)
            as completed_with_baseline_count,
        count(case when is_upcoming then 1 end) as upcoming_count,
        count(case when is_overdue then 1 end) as overdue_count,
        avg(slippage_days) as mean_slippage_days,
        max(slippage_days) as max_slippage_days

    from milestone_slippage
    group by project_code

),

final as (

    select
        project_code,
        snapshot_date,
        milestone_count,
        completed_count,
        on_time_count,
        late_count,
        completed_on_time_count,
        upcoming_count,
        overdue_count,
        {{ safe_divide('on_time_count', 'on_time_count + late_count') }} as on_time_ratio,
        {{ safe_divide('completed_on_time_count', 'completed_with_baseline_count') }}
            as completed_on_time_ratio,
        mean_slippage_days,
        max_slippage_days

    from project_milestones

)

select * from final
