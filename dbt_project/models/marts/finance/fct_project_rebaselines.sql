-- One row per re-baseline: a project's budget baseline version that took over from an earlier
-- one (int_budgets_current_baseline), when it took over, the budget at completion before and
-- after, and the approved change requests decided in its approval month - the why. The S-curve
-- marks these months and the MSR says when and why each happened.

with

budget_lines as (

    select * from {{ ref('int_budgets_current_baseline') }}

),

change_requests as (

    select * from {{ ref('int_finance_change_requests_converted') }}

),

versions as (

    select
        project_code,
        baseline_version,
        baseline_sequence,
        approved_on,
        valid_from_month,
        sum(budget_amount) as budget_at_completion,
        max(case when is_carried_from_earlier_baseline then 1 else 0 end) as carries_history

    from budget_lines
    group by
        project_code,
        baseline_version,
        baseline_sequence,
        approved_on,
        valid_from_month

),

versions_sequenced as (

    select
        versions.*,
        lag(baseline_version) over (
            partition by project_code order by baseline_sequence
        ) as previous_baseline_version,
        lag(budget_at_completion) over (
            partition by project_code order by baseline_sequence
        ) as previous_budget_at_completion

    from versions

),

rebaselines as (

    select * from versions_sequenced
    where valid_from_month is not null and previous_baseline_version is not null

),

reasons as (

    select
        rebaselines.project_code,
        rebaselines.baseline_version,
        {{ dbt.listagg('change_requests.change_id', "', '", 'order by change_requests.change_id') }}
            as change_ids,
        {{ dbt.listagg(
            dbt.concat(['change_requests.change_id', "': '", "coalesce(change_requests.title, '')"]),
            "'; '",
            'order by change_requests.change_id',
        ) }} as change_titles,
        sum(change_requests.cost_impact) as approved_change_cost

    from rebaselines
    inner join change_requests
        on rebaselines.project_code = change_requests.project_code
        and change_requests.change_request_status = 'approved'
        and {{ month_start('change_requests.decision_date') }}
        = {{ month_start('rebaselines.approved_on') }}
    group by
        rebaselines.project_code,
        rebaselines.baseline_version

),

final as (

    select

        ----------  ids
        rebaselines.project_code,
        rebaselines.baseline_version,
        rebaselines.previous_baseline_version,

        ----------  text
        reasons.change_ids,
        coalesce(
            reasons.change_titles, 'no approved change request decided in the approval month'
        ) as rebaseline_reason,
        case
            when rebaselines.carries_history = 1 then 'remaining work'
            else 'complete plan'
        end as rebaseline_shape,

        ----------  numerics
        rebaselines.previous_budget_at_completion,
        rebaselines.budget_at_completion,
        rebaselines.budget_at_completion - rebaselines.previous_budget_at_completion
            as budget_at_completion_change,
        reasons.approved_change_cost,

        ----------  dates
        rebaselines.approved_on,
        rebaselines.valid_from_month as effective_month

    from rebaselines
    left join reasons
        on rebaselines.project_code = reasons.project_code
        and rebaselines.baseline_version = reasons.baseline_version

)

select * from final
