-- One row per rate scope ('person' or 'role'), key (employee_id or role_key) and validity
-- period: the hourly cost rate valid from its effective_from until the next rate of the same
-- key (valid_to_date exclusive; NULL = still in force). The rate in force on a date d is the
-- row with valid_from_date <= d and (valid_to_date is null or d < valid_to_date); a person rate
-- wins over the rate of the person's role (the readers apply that rule).
--
-- A rate row with an employee_id is a person rate even when it also names a role. Roles are
-- compared case-insensitively (role_key = lower(trim(role))). Two rates for one key and date:
-- a person rate that names no role wins over one that does, then the first role, then the
-- higher rate. currency is kept as loaded: NULL means the reporting currency.

with

cost_rates as (

    select * from {{ ref('stg_raw__cost_rates') }}

),

-- one person rate per person and date (a duplicate that also names a role loses to the one
-- that does not), valid until the person's next rate
person_rates_deduplicated as (

    select
        employee_id,
        effective_from,
        hourly_cost_rate,
        currency,
        row_number() over (
            partition by employee_id, effective_from
            order by
                case when role is null then 0 else 1 end,
                role asc,
                hourly_cost_rate desc
        ) as duplicate_rank

    from cost_rates
    where employee_id is not null

),

person_rates as (

    select
        'person' as rate_scope,
        employee_id,
        cast(null as {{ dbt.type_string() }}) as role_key,
        effective_from as valid_from_date,
        lead(effective_from) over (
            partition by employee_id
            order by effective_from
        ) as valid_to_date,
        hourly_cost_rate,
        currency

    from person_rates_deduplicated
    where duplicate_rank = 1

),

role_rates_deduplicated as (

    select
        lower(trim(role)) as role_key,
        effective_from,
        hourly_cost_rate,
        currency,
        row_number() over (
            partition by lower(trim(role)), effective_from
            order by role asc, hourly_cost_rate desc
        ) as duplicate_rank

    from cost_rates
    where employee_id is null and role is not null

),

role_rates as (

    select
        'role' as rate_scope,
        cast(null as {{ dbt.type_string() }}) as employee_id,
        role_key,
        effective_from as valid_from_date,
        lead(effective_from) over (
            partition by role_key
            order by effective_from
        ) as valid_to_date,
        hourly_cost_rate,
        currency

    from role_rates_deduplicated
    where duplicate_rank = 1

),

rates_valid as (

    select * from person_rates
    union all
    select * from role_rates

)

select * from rates_valid
