-- One row per issue, decision and action raised on or before the as-of date (risks are in
-- rpt_risk_register_monthly): the projects' whole logs as they stand at the as-of date, the
-- items closed long ago included (fct_raid_items_monthly keeps a month's open items). Closed:
-- resolved, decided or done on or before the as-of date (a later date is not yet known).
-- days_open runs from the raised date to the closed date, else to the as-of date.

with

items as (

    select * from {{ ref('int_raid_log_items') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

as_of_items as (

    select
        items.*,
        case
            when items.closed_date <= reporting_period.as_of_date then items.closed_date
        end as closed_by_as_of_date,
        reporting_period.as_of_date

    from items
    cross join reporting_period
    where items.raised_date <= reporting_period.as_of_date

),

final as (

    select
        project_code,
        item_type,
        item_source,
        item_id,
        case item_type when 'issue' then 1 when 'decision' then 2 else 3 end as type_order,
        title,
        owner,
        priority,
        escalation_level,
        forum,
        item_status,
        outcome,
        related_id,
        raised_date,
        due_date,
        closed_by_as_of_date as closed_date,
        closed_by_as_of_date is null as is_open,
        {{ dbt.datediff('raised_date', 'coalesce(closed_by_as_of_date, as_of_date)', 'day') }}
            as days_open,
        source_file,
        source_line

    from as_of_items

)

select * from final
