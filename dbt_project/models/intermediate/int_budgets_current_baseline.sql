-- One row per budget line of every baseline version approved by the as-of date, with the months
-- that version is the baseline in force (history is kept: earlier versions stay, closed by
-- valid_to_month). Amounts converted to the reporting currency at the rate of the budget month.
--
-- Which version is in force: versions are ordered by approval date (undated versions first, then
-- by version name). The first version is the original baseline and is in force from the start;
-- each later dated version - the re-baseline an approved change request triggers, dated with the
-- decision - takes over from the first day of its approval month. Two versions approved in the
-- same month: the later one wins the whole month. A version approved after the as-of date did
-- not exist yet and is left out.

{%- set since_the_start = "cast('1900-01-01' as date)" %}

with

budgets as (

    select * from {{ ref('stg_raw__budgets') }}

),

projects as (

    select * from {{ ref('stg_raw__projects') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_carried_forward') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

versions as (

    select
        project_code,
        baseline_version,
        max(approved_on) as approved_on

    from budgets
    group by
        project_code,
        baseline_version

),

versions_known as (

    select versions.*
    from versions
    cross join reporting_period
    where versions.approved_on is null or versions.approved_on <= reporting_period.as_of_date

),

versions_ordered as (

    select
        project_code,
        baseline_version,
        approved_on,
        row_number() over (
            partition by project_code
            order by
                case when approved_on is null then 0 else 1 end,
                approved_on,
                baseline_version
        ) as baseline_sequence

    from versions_known

),

versions_effective as (

    select
        versions_ordered.*,
        case
            when baseline_sequence = 1 or approved_on is null then {{ since_the_start }}
            else {{ month_start('approved_on') }}
        end as effective_from_month

    from versions_ordered

),

versions_ranged as (

    select
        versions_effective.*,
        lead(effective_from_month) over (
            partition by project_code
            order by baseline_sequence
        ) as valid_to_month

    from versions_effective

),

versions_in_force as (

    select
        versions_ranged.project_code,
        versions_ranged.baseline_version,
        versions_ranged.approved_on,
        versions_ranged.baseline_sequence,
        case
            when versions_ranged.effective_from_month <> {{ since_the_start }}
                then versions_ranged.effective_from_month
        end as valid_from_month,
        versions_ranged.valid_to_month,
        (
            versions_ranged.effective_from_month <= reporting_period.as_of_month
            and (
                versions_ranged.valid_to_month is null
                or reporting_period.as_of_month < versions_ranged.valid_to_month
            )
        ) as is_current_baseline

    from versions_ranged
    cross join reporting_period
    -- a version superseded within its own approval month was never in force
    where
        versions_ranged.valid_to_month is null
        or versions_ranged.valid_to_month > versions_ranged.effective_from_month

),

lines as (

    select
        budgets.*,
        coalesce(
            budgets.currency, projects.currency, reporting_period.reporting_currency
        ) as original_currency,
        reporting_period.reporting_currency

    from budgets
    cross join reporting_period
    left join projects
        on budgets.project_code = projects.project_code

),

lines_with_rate as (

    select
        lines.*,
        case
            when lines.original_currency = lines.reporting_currency
                then cast(1 as {{ type_double() }})
            else fx_rates.rate_to_reporting_currency
        end as fx_rate_to_reporting_currency

    from lines
    left join fx_rates
        on lines.original_currency = fx_rates.currency
        and lines.original_currency <> lines.reporting_currency
        and lines.budget_month >= fx_rates.valid_from_month
        and (fx_rates.valid_to_month is null or lines.budget_month < fx_rates.valid_to_month)

),

baseline_lines as (

    select

        ----------  ids
        versions_in_force.project_code,
        versions_in_force.baseline_version,
        versions_in_force.baseline_sequence,

        ----------  text
        lines_with_rate.cost_category,
        lines_with_rate.expense_type,
        lines_with_rate.original_currency,

        ----------  numerics
        lines_with_rate.budget_amount as original_amount,
        lines_with_rate.fx_rate_to_reporting_currency,
        lines_with_rate.budget_amount
        * lines_with_rate.fx_rate_to_reporting_currency as budget_amount,

        ----------  booleans
        versions_in_force.is_current_baseline,
        (lines_with_rate.fx_rate_to_reporting_currency is null) as is_fx_rate_missing,

        ----------  dates
        lines_with_rate.budget_month,
        versions_in_force.approved_on,
        versions_in_force.valid_from_month,
        versions_in_force.valid_to_month,

        ----------  lineage
        lines_with_rate.source_file,
        lines_with_rate.source_sha256,
        lines_with_rate.source_line

    from versions_in_force
    inner join lines_with_rate
        on versions_in_force.project_code = lines_with_rate.project_code
        and versions_in_force.baseline_version = lines_with_rate.baseline_version

)

select * from baseline_lines
