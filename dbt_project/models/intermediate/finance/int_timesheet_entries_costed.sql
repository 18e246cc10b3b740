-- One row per timesheet entry: its hours costed at the rate in force on the work date and
-- converted to the reporting currency at the rate of the work month.
--
-- Rate in force: the person's rate with the greatest effective_from on or before the work date;
-- when the person has none in force, the rate of the person's role (people.role, compared
-- case-insensitively) chosen the same way. A rate row with an employee_id is a person rate even
-- when it also names a role. A rate with no currency is in the reporting currency. The rates
-- and their validity periods (de-duplicated) come from int_cost_rates_valid.

with

timesheets as (

    select * from {{ ref('stg_raw__timesheets') }}

),

people as (

    select * from {{ ref('stg_raw__people') }}

),

cost_rates_valid as (

    select * from {{ ref('int_cost_rates_valid') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

person_rates as (

    select * from cost_rates_valid
    where rate_scope = 'person'

),

role_rates as (

    select * from cost_rates_valid
    where rate_scope = 'role'

),

entries as (

    select
        timesheets.*,
        people.role,
        lower(trim(people.role)) as role_key,
        {{ month_start('timesheets.work_date') }} as work_month

    from timesheets
    left join people
        on timesheets.employee_id = people.employee_id

),

entries_rated as (

    select
        entries.*,
        case
            when person_rates.hourly_cost_rate is not null then 'person'
            when role_rates.hourly_cost_rate is not null then 'role'
        end as cost_rate_source,
        {{ person_or_role_rate() }},
        reporting_period.reporting_currency

    from entries
    cross join reporting_period
    left join person_rates
        on entries.employee_id = person_rates.employee_id
        and entries.work_date >= person_rates.valid_from_date
        and (person_rates.valid_to_date is null or entries.work_date < person_rates.valid_to_date)
    left join role_rates
        on entries.role_key = role_rates.role_key
        and entries.work_date >= role_rates.valid_from_date
        and (role_rates.valid_to_date is null or entries.work_date < role_rates.valid_to_date)

),

entries_converted as (

    select
        entries_rated.*,
        case
            when entries_rated.cost_rate_currency = entries_rated.reporting_currency
                then cast(1 as {{ type_double() }})
            else fx_rates.rate_to_reporting_currency
        end as fx_rate_to_reporting_currency,
        case
            when entries_rated.cost_rate_currency <> entries_rated.reporting_currency
                then fx_rates.rate_month
        end as fx_rate_month

    from entries_rated
    left join fx_rates
        on entries_rated.cost_rate_currency = fx_rates.currency
        and entries_rated.cost_rate_currency <> entries_rated.reporting_currency
        and entries_rated.work_month = fx_rates.amount_month

),

costed as (

    select

        ----------  ids
        source_sha256,
        source_line,
        employee_id,
        project_code,
        task_key,

        ----------  text
        role,
        cost_rate_source,
        cost_rate_currency,
        comment,

        ----------  numerics
        logged_hours,
        hourly_cost_rate,
        fx_rate_to_reporting_currency,
        logged_hours * hourly_cost_rate * fx_rate_to_reporting_currency as labour_cost,

        ----------  booleans
        is_billable,
        (hourly_cost_rate is null or fx_rate_to_reporting_currency is null) as is_cost_missing,

        ----------  dates
        work_date,
        work_month,
        fx_rate_month,

        ----------  lineage
        source_file,
        source_format,
        load_id,
        loaded_at

    from entries_converted

)

select * from costed
