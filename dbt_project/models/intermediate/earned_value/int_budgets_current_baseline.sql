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
--
-- Two shapes of re-baseline, told apart by the version's own lines:
-- * a complete plan: it has lines dated before the month it takes over (it restates the whole
--   project); its lines are the baseline as they are;
-- * a plan of the remaining work: every line is dated from its effective month on (what finance
--   tools export after a re-plan). The months before it keep the plan that was in force then:
--   those lines are carried into the version (is_carried_from_earlier_baseline, planned_in_version
--   names the version they come from), so its total is the budget at completion of the whole
--   project and its cumulative curve keeps the planned-value history, as EVM practice requires.

{%- set since_the_start = "cast('1900-01-01' as date)" %}

with

budgets as (

    select * from {{ ref('stg_raw__budgets') }}

),

projects as (

    select * from {{ ref('stg_raw__projects') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

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

    {{ with_reporting_rate('lines', 'budget_month') }}

),

own_lines as (

    select

        ----------  ids
        versions_in_force.project_code,
        versions_in_force.baseline_version,
        versions_in_force.baseline_sequence,
        versions_in_force.baseline_version as planned_in_version,

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
        false as is_carried_from_earlier_baseline,

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

),

----------  re-baselines that plan the remaining work only: carry the earlier plan's months

version_shapes as (

    select
        versions_in_force.project_code,
        versions_in_force.baseline_version,
        versions_in_force.baseline_sequence,
        versions_in_force.valid_from_month,
        (
            versions_in_force.valid_from_month is null
            or min(own_lines.budget_month) < versions_in_force.valid_from_month
        ) as is_complete_plan

    from versions_in_force
    inner join own_lines
        on versions_in_force.project_code = own_lines.project_code
        and versions_in_force.baseline_version = own_lines.baseline_version
    group by
        versions_in_force.project_code,
        versions_in_force.baseline_version,
        versions_in_force.baseline_sequence,
        versions_in_force.valid_from_month

),

planned_months as (

    select distinct
        project_code,
        budget_month

    from own_lines

),

-- for each month before a remaining-work version takes over: the latest earlier version whose
-- own plan covers that month (a complete plan covers every month, a remaining-work plan the
-- months from its effective month on)
carried_sources as (

    select
        target_versions.project_code,
        target_versions.baseline_version,
        planned_months.budget_month,
        max(source_versions.baseline_sequence) as source_sequence

    from version_shapes as target_versions
    inner join planned_months
        on target_versions.project_code = planned_months.project_code
        and planned_months.budget_month < target_versions.valid_from_month
    inner join version_shapes as source_versions
        on target_versions.project_code = source_versions.project_code
        and source_versions.baseline_sequence < target_versions.baseline_sequence
        and (
            source_versions.is_complete_plan
            or planned_months.budget_month >= source_versions.valid_from_month
        )
    where not target_versions.is_complete_plan
    group by
        target_versions.project_code,
        target_versions.baseline_version,
        planned_months.budget_month

),

carried_lines as (

    select
        target_lines.project_code,
        target_lines.baseline_version,
        target_lines.baseline_sequence,
        own_lines.planned_in_version,
        own_lines.cost_category,
        own_lines.expense_type,
        own_lines.original_currency,
        own_lines.original_amount,
        own_lines.fx_rate_to_reporting_currency,
        own_lines.budget_amount,
        target_lines.is_current_baseline,
        own_lines.is_fx_rate_missing,
        true as is_carried_from_earlier_baseline,
        own_lines.budget_month,
        target_lines.approved_on,
        target_lines.valid_from_month,
        target_lines.valid_to_month,
        own_lines.source_file,
        own_lines.source_sha256,
        own_lines.source_line

    from carried_sources
    inner join versions_in_force as target_lines
        on carried_sources.project_code = target_lines.project_code
        and carried_sources.baseline_version = target_lines.baseline_version
    inner join own_lines
        on carried_sources.project_code = own_lines.project_code
        and carried_sources.source_sequence = own_lines.baseline_sequence
        and carried_sources.budget_month = own_lines.budget_month

),

baseline_lines as (

    select * from own_lines

    union all

    select * from carried_lines

)

select * from baseline_lines
