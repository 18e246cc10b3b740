-- One row per project per reporting month (start month to as-of month): labour cost variance
-- against the current baseline, split into an hours (volume) effect and a rate effect by
-- standard costing. Amounts in the reporting currency; nothing rounded; a division by zero
-- gives NULL. Definitions: the column descriptions in _labour_variance.yml.
--
-- * Planned and actual labour cost and the hours logged come from the labour lines of
--   fct_project_financials_monthly (capex + opex), the FSR's own budget-vs-actual table, so the
--   two reconcile by construction: current baseline, costed timesheets up to the as-of date,
--   money dated before the start month in the start month.
-- * Standard hourly rate (one per project): the cost rate in force on the standard-rate date
--   (the current baseline's approval date, else the project start date) of every person who
--   logged time on the project up to the as-of date, averaged weighted by their hours on the
--   project. Person rate, else role rate (as int_timesheet_entries_costed), converted at the
--   exchange rate of the standard-rate date's month. People with no rate then are left out of
--   the average and flagged (is_standard_rate_incomplete).
-- * hours_variance = (planned_hours - actual_hours) x standard rate and rate_variance =
--   (standard rate - actual rate) x actual_hours are computed in their expanded forms
--   (planned cost - standard rate x hours; standard rate x hours - actual cost): the same
--   values without a round trip through a division, so they add up to the labour cost
--   variance and the rate effect of a month without hours is 0, not NULL.

{%- set since_the_start = "partition by project_code order by reporting_month"
    ~ " rows between unbounded preceding and current row" %}

with

periods as (

    select * from {{ ref('int_project_periods') }}

),

project_financials as (

    select * from {{ ref('fct_project_financials_monthly') }}

),

budget_lines as (

    select * from {{ ref('int_budgets_current_baseline') }}

),

projects as (

    select * from {{ ref('stg_raw__projects') }}

),

timesheet_entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

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

----------  the project's reporting months and its standard-rate date

reporting_months as (

    select
        project_code,
        period_month as reporting_month,
        status_date,
        start_month

    from periods
    where is_reporting_period

),

project_frames as (

    select
        project_code,
        min(start_month) as start_month

    from reporting_months
    group by project_code

),

current_baselines as (

    select distinct
        project_code,
        baseline_version,
        approved_on

    from budget_lines
    where is_current_baseline

),

standard_rate_dates as (

    select
        project_frames.project_code,
        project_frames.start_month,
        current_baselines.baseline_version,
        coalesce(current_baselines.approved_on, projects.start_date) as standard_rate_date

    from project_frames
    left join projects
        on project_frames.project_code = projects.project_code
    left join current_baselines
        on project_frames.project_code = current_baselines.project_code

),

----------  the timesheet entries of the reporting window (earlier months in the start month)

window_entries as (

    select
        timesheet_entries.project_code,
        timesheet_entries.employee_id,
        lower(trim(timesheet_entries.role)) as role_key,
        {{ folded_into_start('timesheet_entries.work_month', 'project_frames.start_month') }}
            as reporting_month,
        timesheet_entries.logged_hours,
        timesheet_entries.is_cost_missing

    from timesheet_entries
    inner join project_frames
        on timesheet_entries.project_code = project_frames.project_code
    cross join reporting_period
    where timesheet_entries.work_date <= reporting_period.as_of_date

),

uncosted_monthly as (

    select
        project_code,
        reporting_month,
        sum(logged_hours) as uncosted_hours

    from window_entries
    where is_cost_missing
    group by
        project_code,
        reporting_month

),

people_hours as (

    select
        project_code,
        employee_id,
        role_key,
        sum(logged_hours) as logged_hours

    from window_entries
    group by
        project_code,
        employee_id,
        role_key

),

----------  cost rates and their validity (shared with int_timesheet_entries_costed)

person_rates as (

    select * from cost_rates_valid
    where rate_scope = 'person'

),

role_rates as (

    select * from cost_rates_valid
    where rate_scope = 'role'

),

----------  each person's rate on the standard-rate date, in the reporting currency

people_rated as (

    select
        people_hours.project_code,
        people_hours.employee_id,
        people_hours.logged_hours,
        {{ month_start('standard_rate_dates.standard_rate_date') }} as standard_rate_month,
        {{ person_or_role_rate() }},
        reporting_period.reporting_currency

    from people_hours
    inner join standard_rate_dates
        on people_hours.project_code = standard_rate_dates.project_code
    cross join reporting_period
    left join person_rates
        on people_hours.employee_id = person_rates.employee_id
        and standard_rate_dates.standard_rate_date >= person_rates.valid_from_date
        and (
            person_rates.valid_to_date is null
            or standard_rate_dates.standard_rate_date < person_rates.valid_to_date
        )
    left join role_rates
        on people_hours.role_key = role_rates.role_key
        and standard_rate_dates.standard_rate_date >= role_rates.valid_from_date
        and (
            role_rates.valid_to_date is null
            or standard_rate_dates.standard_rate_date < role_rates.valid_to_date
        )

),

people_converted as (

    select
        people_rated.project_code,
        people_rated.employee_id,
        people_rated.logged_hours,
        people_rated.hourly_cost_rate * case
            when people_rated.cost_rate_currency = people_rated.reporting_currency
                then cast(1 as {{ type_double() }})
            else fx_rates.rate_to_reporting_currency
        end as standard_hourly_rate

    from people_rated
    left join fx_rates
        on people_rated.cost_rate_currency = fx_rates.currency
        and people_rated.cost_rate_currency <> people_rated.reporting_currency
        and people_rated.standard_rate_month = fx_rates.amount_month

),

standard_rates as (

    select
        project_code,
        {{ safe_divide(
            'sum(case when standard_hourly_rate is not null'
            ~ ' then standard_hourly_rate * logged_hours end)',
            'sum(case when standard_hourly_rate is not null then logged_hours end)'
        ) }} as standard_hourly_rate,
        coalesce(
            sum(case when standard_hourly_rate is null then logged_hours end), 0
        ) <> 0 as is_standard_rate_incomplete

    from people_converted
    group by project_code

),

----------  planned and actual labour of the month: the labour lines of the finance mart

labour_monthly as (

    select
        project_code,
        reporting_month,
        sum(budget_amount) as planned_labour_cost,
        sum(actual_labour_cost) as actual_labour_cost,
        sum(logged_hours) as actual_hours

    from project_financials
    where cost_category = 'labour'
    group by
        project_code,
        reporting_month

),

monthly as (

    select
        reporting_months.project_code,
        reporting_months.reporting_month,
        reporting_months.status_date,
        standard_rate_dates.baseline_version,
        standard_rate_dates.standard_rate_date,
        coalesce(labour_monthly.planned_labour_cost, 0) as planned_labour_cost,
        coalesce(labour_monthly.actual_labour_cost, 0) as actual_labour_cost,
        coalesce(labour_monthly.actual_hours, 0) as actual_hours,
        standard_rates.standard_hourly_rate,
        coalesce(standard_rates.is_standard_rate_incomplete, false)
            as is_standard_rate_incomplete,
        coalesce(uncosted_monthly.uncosted_hours, 0) <> 0 as has_uncosted_hours

    from reporting_months
    inner join standard_rate_dates
        on reporting_months.project_code = standard_rate_dates.project_code
    left join standard_rates
        on reporting_months.project_code = standard_rates.project_code
    left join labour_monthly
        on reporting_months.project_code = labour_monthly.project_code
        and reporting_months.reporting_month = labour_monthly.reporting_month
    left join uncosted_monthly
        on reporting_months.project_code = uncosted_monthly.project_code
        and reporting_months.reporting_month = uncosted_monthly.reporting_month

),

running as (

    select
        monthly.*,
        sum(planned_labour_cost) over ({{ since_the_start }}) as cumulative_planned_labour_cost,
        sum(actual_labour_cost) over ({{ since_the_start }}) as cumulative_actual_labour_cost,
        sum(actual_hours) over ({{ since_the_start }}) as cumulative_actual_hours

    from monthly

),

final as (

    select

        ----------  ids
        project_code,
        reporting_month,

        ----------  dates and text
        status_date,
        baseline_version,
        standard_rate_date,

        {% for prefix in ['', 'cumulative_'] -%}
        ----------  numerics: {{ 'to date' if prefix else 'the month' }}
        {{ prefix }}planned_labour_cost,
        {{ prefix }}actual_labour_cost,
        {{ prefix }}planned_labour_cost - {{ prefix }}actual_labour_cost
            as {{ prefix }}labour_cost_variance,
        {{ safe_divide(prefix ~ 'planned_labour_cost', 'standard_hourly_rate') }}
            as {{ prefix }}planned_hours,
        {{ prefix }}actual_hours,
        {% if not prefix -%}
        standard_hourly_rate,
        {{ safe_divide('actual_labour_cost', 'actual_hours') }} as actual_hourly_rate,
        {% endif -%}
        case
            when standard_hourly_rate <> 0
                then {{ prefix }}planned_labour_cost
                    - standard_hourly_rate * {{ prefix }}actual_hours
        end as {{ prefix }}hours_variance,
        case
            when standard_hourly_rate <> 0
                then standard_hourly_rate * {{ prefix }}actual_hours
                    - {{ prefix }}actual_labour_cost
        end as {{ prefix }}rate_variance,

        {% endfor -%}
        ----------  booleans
        is_standard_rate_incomplete,
        has_uncosted_hours

    from running

)

select * from final
