-- One row per item of an open project's RIDAC log in a reporting month: its risks, issues,
-- decisions, actions and changes, the way a steering committee reads them (MSR project pages).
--
-- * Risks: the three open risks of the register in force with the largest exposure.
-- * Issues: the register's risks that have occurred (materialised), largest impact first.
-- * Decision: the decision the month's status note asks for, with its owner (the sponsor when
--   the note names nobody) and due date; overdue when due before the as-of date.
-- * Action: the note's next steps, owned by the note's author.
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
                    else risk_register.impact_cost end desc nulls last,
                risk_register.risk_id
        ) as item_order,
        risk_register.risk_id as reference,
        risk_register.title,
        risk_register.owner,
        cast(null as date) as due_date,
        case when risk_register.is_open then risk_register.severity else 'occurred' end
            as status,
        case when risk_register.is_open then risk_register.exposure_amount
            else risk_register.impact_cost end as amount

    from steering
    inner join risk_register
        on steering.project_code = risk_register.project_code
        and steering.reporting_month = risk_register.reporting_month
        and (risk_register.is_open or risk_register.risk_status = 'occurred')

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

    select * from register_items where item_type = 'issue' or item_order <= 3
    union all
    select * from decisions
    union all
    select * from actions
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
