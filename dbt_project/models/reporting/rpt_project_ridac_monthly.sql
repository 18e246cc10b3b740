-- One row per item of an open project's RIDAC log in a reporting month: its risks, issues,
-- decisions, actions and changes, the way a steering committee reads them (MSR project pages).
--
-- * Risks: the three open risks of the register in force with the largest exposure.
-- * Issues: the issue log's open issues (and the tracker's issues and impediments), escalated and
--   overdue first, and the register's risks that have occurred (materialised), largest impact
--   first: at most five.
-- * Decisions: where the project keeps a decision log, its decisions still open at the month's
--   end (at most three, the soonest needed first; overdue or awaiting the steering committee);
--   otherwise the decision the month's status note asks for, with its owner (the sponsor when
--   the note names nobody) and due date, overdue when due before the as-of date.
-- * Actions: where the project keeps an action log, its open actions (at most three, overdue
--   first); otherwise the note's next steps, owned by the note's author.
-- * Changes: change requests raised by the month end and still undecided then, or decided in
--   the month, largest cost impact first.
-- Open projects only (as rpt_steering_attention_monthly); amounts in the reporting currency.

with

steering as (

    select * from {{ ref('rpt_steering_attention_monthly') }}

),

risk_register as (

    select * from {{ ref('int_risk_register_monthly') }}

),

change_requests as (

    select * from {{ ref('int_finance_change_requests_converted') }}

),

raid_items as (

    select * from {{ ref('fct_raid_items_monthly') }}

),

-- the logs a project keeps (a decision or action log replaces what its status note says)
kept_logs as (

    select distinct
        project_code,
        item_type
    from raid_items
    where item_source <> 'task tracker'

),

open_log_items as (

    select
        steering.project_code,
        steering.reporting_month,
        raid_items.item_type,
        raid_items.item_id as reference,
        raid_items.title,
        raid_items.owner,
        raid_items.due_date,
        case
            when raid_items.is_escalated then 'escalated: ' || raid_items.escalation_level
            when raid_items.is_overdue then 'overdue'
            when raid_items.is_awaiting_steering then 'awaiting steering'
            else raid_items.item_status
        end as status,
        raid_items.escalation_rank,
        raid_items.is_overdue

    from steering
    inner join raid_items
        on steering.project_code = raid_items.project_code
        and steering.reporting_month = raid_items.reporting_month
        and raid_items.is_open_at_month_end

),

-- the register's open risks and occurred ones (issues), each type largest amount first
register_items as (

    select
        steering.project_code,
        steering.reporting_month,
        case when risk_register.is_open then 'risk' else 'issue' end as item_type,
        case when risk_register.is_open then 1 else 2 end as type_order,
        row_number() over (
            partition by steering.project_code, steering.reporting_month, risk_register.is_open
            order by
                case when risk_register.is_open then risk_register.exposure_amount
                    else risk_register.impact_cost
                end desc nulls last,
                risk_register.risk_id
        ) as item_order,
        risk_register.risk_id as reference,
        risk_register.title,
        risk_register.owner,
        cast(null as date) as due_date,
        case when risk_register.is_open then risk_register.severity else 'occurred' end
            as status,
        case when risk_register.is_open then risk_register.exposure_amount
            else risk_register.impact_cost
        end as amount

    from steering
    inner join risk_register
        on steering.project_code = risk_register.project_code
        and steering.reporting_month = risk_register.reporting_month
        and (risk_register.is_open or risk_register.risk_status = 'occurred')

),

issues as (

    select
        project_code,
        reporting_month,
        'issue' as item_type,
        2 as type_order,
        row_number() over (
            partition by project_code, reporting_month
            order by
                escalation_rank desc nulls last, is_overdue desc, amount desc nulls last,
                reference asc
        ) as item_order,
        reference,
        title,
        owner,
        due_date,
        status,
        amount

    from (
        select
            project_code,
            reporting_month,
            reference,
            title,
            owner,
            due_date,
            status,
            amount,
            cast(null as integer) as escalation_rank,
            false as is_overdue
        from register_items
        where item_type = 'issue'
        union all
        select
            project_code,
            reporting_month,
            reference,
            title,
            owner,
            due_date,
            status,
            cast(null as {{ type_double() }}) as amount,
            escalation_rank,
            is_overdue
        from open_log_items
        where item_type = 'issue'
    ) as all_issues

),

-- the open decisions and actions of a project's own logs, each type in the order it reads
logged_items as (

    select
        project_code,
        reporting_month,
        item_type,
        case item_type when 'decision' then 3 else 4 end as type_order,
        row_number() over (
            partition by project_code, reporting_month, item_type
            order by is_overdue desc, due_date asc nulls last, reference asc
        ) as item_order,
        reference,
        title,
        owner,
        due_date,
        status,
        cast(null as {{ type_double() }}) as amount

    from open_log_items
    where item_type in ('decision', 'action')

),

decisions as (

    select
        project_code,
        reporting_month,
        'decision' as item_type,
        3 as type_order,
        1 as item_order,
        cast(null as {{ dbt.type_string() }}) as reference,
        decision_needed as title,
        decision_owner as owner,
        decision_due_date as due_date,
        case when is_decision_overdue then 'overdue' else 'open' end as status,
        cast(null as {{ type_double() }}) as amount

    from steering
    where decision_needed is not null
        and project_code not in (
            select kept_logs.project_code from kept_logs
            where kept_logs.item_type = 'decision'
        )

),

actions as (

    select
        project_code,
        reporting_month,
        'action' as item_type,
        4 as type_order,
        1 as item_order,
        cast(null as {{ dbt.type_string() }}) as reference,
        manager_next_steps as title,
        manager_note_author as owner,
        cast(null as date) as due_date,
        'planned' as status,
        cast(null as {{ type_double() }}) as amount

    from steering
    where manager_next_steps is not null
        and project_code not in (
            select kept_logs.project_code from kept_logs
            where kept_logs.item_type = 'action'
        )

),

changes as (

    select
        steering.project_code,
        steering.reporting_month,
        'change' as item_type,
        5 as type_order,
        row_number() over (
            partition by steering.project_code, steering.reporting_month
            order by abs(change_requests.cost_impact) desc nulls last, change_requests.change_id
        ) as item_order,
        change_requests.change_id as reference,
        change_requests.title,
        cast(null as {{ dbt.type_string() }}) as owner,
        cast(null as date) as due_date,
        case
            when change_requests.decision_date is null
                or change_requests.decision_date > {{ month_end('steering.reporting_month') }}
                then 'awaiting decision'
            else change_requests.change_request_status
        end as status,
        change_requests.cost_impact as amount

    from steering
    inner join change_requests
        on steering.project_code = change_requests.project_code
        and change_requests.raised_date <= {{ month_end('steering.reporting_month') }}
        and (
            change_requests.decision_date is null
            or change_requests.decision_date >= steering.reporting_month
        )
        and change_requests.change_request_status <> 'withdrawn'

),

items as (

    select * from register_items
    where item_type = 'risk' and item_order <= 3
    union all
    select * from issues
    where item_order <= 5
    union all
    select * from decisions
    union all
    select * from actions
    union all
    select * from logged_items
    where item_order <= 3
    union all
    select * from changes

)

select
    project_code,
    reporting_month,
    item_type,
    type_order,
    item_order,
    reference,
    title,
    owner,
    due_date,
    status,
    amount

from items
