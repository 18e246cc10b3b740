-- One row per open project per reporting month: whether a steering committee needs to look at
-- it, why in plain words, how its colour moved over three months, the decision its manager asks
-- for (with owner and due date) and where the manager's colour and the measured one disagree.
--
-- Needs attention: measured red or amber, or the manager's colour worse than the measured one,
-- or a decision asked for in the month's status note. Attention rank (1 = first): by the worse
-- of the measured and the manager's colour (red, amber, then the rest), then worse than last
-- month first, then more red dimensions, then the bigger forecast overrun, then project code.
--
-- The reason: the plain-words reasons of the amber and red metrics (rpt_project_health_metrics_
-- monthly), red first, at most three; a decision owner not named in the note is the sponsor
-- (decision_owner_source says so). Overdue milestones are counted on the as-of month only (the
-- milestone model is the latest snapshot, not a history).

with

project_kpis as (

    select * from {{ ref('rpt_project_kpis_monthly') }}

),

project_health as (

    select * from {{ ref('rpt_project_health_monthly') }}

),

health_metrics as (

    select * from {{ ref('rpt_project_health_metrics_monthly') }}

),

project_changes as (

    select * from {{ ref('rpt_project_changes_monthly') }}

),

latest_notes as (

    -- the manager's word for each month: one note per project and month
    select * from {{ ref('rpt_status_notes_monthly') }}

),

milestones as (

    select * from {{ ref('fct_milestone_slippage') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

ranked_reasons as (

    select
        project_code,
        reporting_month,
        plain_reason,
        status_rank,
        dimension_order,
        metric_order,
        row_number() over (
            partition by project_code, reporting_month
            order by status_rank desc, dimension_order asc, metric_order asc
        ) as reason_order,
        count(*) over (partition by project_code, reporting_month) as reason_count

    from health_metrics
    where plain_reason is not null

),

plain_reasons as (

    select
        project_code,
        reporting_month,
        {{ dbt.listagg(
            'plain_reason',
            "'; '",
            'order by status_rank desc, dimension_order, metric_order',
        ) }} as top_reasons,
        max(reason_count) as reason_count

    from ranked_reasons
    where reason_order <= 3
    group by
        project_code,
        reporting_month

),

overdue_milestones as (

    select
        milestones.project_code,
        {{ month_start('reporting_period.as_of_date') }} as reporting_month,
        count(*) as overdue_milestone_count

    from milestones
    cross join reporting_period
    where milestones.is_overdue
    group by
        milestones.project_code,
        reporting_period.as_of_date

),

joined as (

    select
        project_kpis.project_code,
        project_kpis.reporting_month,
        project_kpis.project_name,
        project_kpis.portfolio,
        project_kpis.program,
        project_kpis.sponsor,
        project_kpis.project_manager,
        coalesce(project_kpis.overall_status, 'grey') as overall_status,
        latest_notes.overall_status as manager_status,
        coalesce(earlier_health.overall_status, 'none') as status_2_months_before,
        coalesce(previous_health.overall_status, 'none') as status_1_month_before,
        plain_reasons.top_reasons,
        plain_reasons.reason_count,
        project_kpis.health_reason,
        latest_notes.summary as manager_summary,
        latest_notes.next_steps as manager_next_steps,
        latest_notes.author as manager_note_author,
        latest_notes.decisions_needed,
        latest_notes.decision_owner,
        latest_notes.decision_due_date,
        project_kpis.budget_at_completion,
        project_kpis.estimate_at_completion,
        project_kpis.variance_at_completion,
        project_changes.estimate_at_completion_change_amount,
        coalesce(project_health.red_dimension_count, 0) as red_dimension_count,
        overdue_milestones.overdue_milestone_count,
        reporting_period.as_of_date,
        -- noqa: disable=LT02
        {% for who, column in [
            ('measured', 'project_kpis.overall_status'),
            ('manager', 'latest_notes.overall_status'),
            ('previous', 'previous_health.overall_status'),
        ] -%}
        case {{ column }} when 'red' then 3 when 'amber' then 2 when 'green' then 1 else 0 end
            as {{ who }}_rank{{ "," if not loop.last }}
        {% endfor %}
    -- noqa: enable=LT02

    from project_kpis
    cross join reporting_period
    left join project_health
        on project_kpis.project_code = project_health.project_code
        and project_kpis.reporting_month = project_health.reporting_month
    left join project_health as previous_health
        on project_kpis.project_code = previous_health.project_code
        and previous_health.reporting_month = {{ add_months('project_kpis.reporting_month', -1) }}
    left join project_health as earlier_health
        on project_kpis.project_code = earlier_health.project_code
        and earlier_health.reporting_month = {{ add_months('project_kpis.reporting_month', -2) }}
    left join latest_notes
        on project_kpis.project_code = latest_notes.project_code
        and project_kpis.reporting_month = latest_notes.reporting_month
    left join plain_reasons
        on project_kpis.project_code = plain_reasons.project_code
        and project_kpis.reporting_month = plain_reasons.reporting_month
    left join project_changes
        on project_kpis.project_code = project_changes.project_code
        and project_kpis.reporting_month = project_changes.reporting_month
    left join overdue_milestones
        on project_kpis.project_code = overdue_milestones.project_code
        and project_kpis.reporting_month = overdue_milestones.reporting_month
    where not project_kpis.is_closed

),

assessed as (

    select
        joined.*,
        greatest(measured_rank, manager_rank) as attention_status_rank,
        measured_rank > previous_rank and previous_rank > 0 as is_worse_than_last_month,
        manager_rank > 0 and measured_rank > 0 and manager_rank <> measured_rank
            as is_colour_disputed,
        measured_rank >= 2
        or manager_rank > measured_rank
        or nullif(trim(decisions_needed), '') is not null
            as needs_attention

    from joined

),

final as (

    select

        ----------  ids
        project_code,
        reporting_month,

        ----------  dates
        decision_due_date,
        as_of_date,

        ----------  text
        project_name,
        portfolio,
        program,
        sponsor,
        project_manager,
        overall_status,
        manager_status,
        status_2_months_before,
        status_1_month_before,
        case
            when needs_attention and top_reasons is not null
                then top_reasons
                    || case
                        when reason_count > 3
                            then ' (and ' || cast(reason_count - 3 as {{ dbt.type_string() }})
                                || ' more)'
                        else ''
                    end
            when needs_attention and manager_rank > measured_rank
                then 'the project manager reports ' || manager_status
                    || ' while the figures show no breach'
            when needs_attention then 'a decision is asked for'
        end as attention_reason,
        health_reason,
        case
            when is_colour_disputed
                then 'the project manager reports ' || manager_status || ', the figures say '
                    || overall_status
        end as colour_disagreement,
        manager_summary,
        nullif(trim(manager_next_steps), '') as manager_next_steps,
        manager_note_author,
        nullif(trim(decisions_needed), '') as decision_needed,
        case
            when nullif(trim(decisions_needed), '') is null then null
            else coalesce(nullif(trim(decision_owner), ''), sponsor)
        end as decision_owner,
        case
            when nullif(trim(decisions_needed), '') is null then null
            when nullif(trim(decision_owner), '') is not null then 'status note'
            when sponsor is not null then 'sponsor (no owner named)'
        end as decision_owner_source,

        ----------  numerics
        case
            when needs_attention then row_number() over (
                    partition by reporting_month, needs_attention
                    order by
                        attention_status_rank desc,
                        is_worse_than_last_month desc,
                        red_dimension_count desc,
                        coalesce(least(variance_at_completion, 0), 0),
                        project_code asc
                )
        end as attention_rank,
        red_dimension_count,
        overdue_milestone_count,
        budget_at_completion,
        estimate_at_completion,
        variance_at_completion,
        estimate_at_completion_change_amount,

        ----------  booleans
        needs_attention,
        is_worse_than_last_month,
        is_colour_disputed,
        coalesce(decision_due_date < as_of_date, false) as is_decision_overdue

    from assessed

)

select * from final
