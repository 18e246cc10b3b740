-- One row per vendor deliverable due by the as-of date or accepted by then, with its contract's
-- vendor and project and its state at the as-of date: accepted on time (accepted on or before
-- its due date), accepted late, overdue (due before the as-of date, not accepted), or due (due
-- on the as-of date, not yet accepted). days_late: accepted (or, while overdue, the as-of date)
-- minus due, in calendar days; 0 when on time.

with

deliverables as (

    select * from {{ ref('stg_raw__vendor_deliverables') }}

),

contracts as (

    select * from {{ ref('int_vendor_contracts_converted') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

known as (

    select
        deliverables.*,
        case
            when deliverables.accepted_date <= reporting_period.as_of_date
                then deliverables.accepted_date
        end as accepted_by_as_of_date,
        reporting_period.as_of_date

    from deliverables
    cross join reporting_period
    where
        deliverables.due_date <= reporting_period.as_of_date
        or deliverables.accepted_date <= reporting_period.as_of_date

),

final as (

    select

        ----------  ids
        known.contract_id,
        known.deliverable_id,

        ----------  text
        known.deliverable_name,
        contracts.vendor,
        contracts.vendor_key,
        contracts.project_code,
        case
            when known.accepted_by_as_of_date <= known.due_date then 'accepted on time'
            when known.accepted_by_as_of_date is not null then 'accepted late'
            when known.due_date < known.as_of_date then 'overdue'
            else 'due'
        end as delivery_status,

        ----------  dates
        known.due_date,
        known.accepted_by_as_of_date as accepted_date,
        {{ month_start('known.due_date') }} as due_month,

        ----------  numerics
        case
            when known.accepted_by_as_of_date is not null
                then greatest(
                        {{ dbt.datediff('known.due_date', 'known.accepted_by_as_of_date', 'day') }},
                        0
                    )
            else greatest({{ dbt.datediff('known.due_date', 'known.as_of_date', 'day') }}, 0)
        end as days_late,

        ----------  booleans
        coalesce(known.accepted_by_as_of_date <= known.due_date, false) as is_on_time,
        (known.accepted_by_as_of_date is null and known.due_date < known.as_of_date)
            as is_overdue

    from known
    inner join contracts
        on known.contract_id = contracts.contract_id

)

select * from final
