-- One row per project, reporting month and measure (actual cost, planned value / budget to date,
-- budget at completion, estimate at completion): the figure the MSR shows (earned value,
-- fct_earned_value_monthly) beside the one the FSR shows (the sum of the project's lines in
-- fct_project_financials_monthly), their difference and what it is made of. Amounts in the
-- reporting currency; nothing rounded. A NULL figure counts as 0, as in the portfolio sums.
--
-- Two definitions legitimately differ, and each difference is named:
-- * earned_value_import_amount: the project's EVM figure comes from an earned_value import (the
--   scheduling tool's PV, AC, BAC and the EAC built on them), the FSR's from the budget baseline
--   and the booked cost (costed timesheet hours + invoices).
-- * baseline_in_force_amount: PV and BAC measured against the baseline in force in the month
--   (EVM) while the FSR plans every month by the baseline in force at the as-of date: a month
--   before a re-baseline differs by the change.
-- * unexplained_amount: the rest, 0 by construction of the marts (AC from timesheets and
--   invoices equals booked cost, the FSR's forecast lines add up to EAC, the same baseline gives
--   the same PV and BAC); a data test guards it.

{%- set text = dbt.type_string() %}
{%- set import_source = "'earned_value_import'" %}

with

earned_value as (

    select * from {{ ref('fct_earned_value_monthly') }}

),

financials as (

    select * from {{ ref('fct_project_financials_monthly') }}

),

----------  the FSR's figures: the sum of the project's lines

finance_months as (

    select
        project_code,
        reporting_month,
        max(baseline_version) as baseline_version,
        sum(cumulative_actual_cost) as cumulative_actual_cost,
        sum(cumulative_budget_amount) as cumulative_budget_amount,
        sum(budget_at_completion) as budget_at_completion,
        sum(forecast_at_completion) as forecast_at_completion

    from financials
    group by
        project_code,
        reporting_month

),

project_months as (

    select
        earned_value.project_code,
        earned_value.reporting_month,
        earned_value.baseline_version as msr_baseline_version,
        finance_months.baseline_version as fsr_baseline_version,
        earned_value.actual_cost_source,
        earned_value.earned_value_source,
        earned_value.actual_cost,
        earned_value.planned_value,
        earned_value.budget_at_completion,
        earned_value.estimate_at_completion,
        finance_months.cumulative_actual_cost as fsr_actual_cost,
        finance_months.cumulative_budget_amount as fsr_budget_to_date,
        finance_months.budget_at_completion as fsr_budget_at_completion,
        finance_months.forecast_at_completion as fsr_forecast_at_completion,
        earned_value.baseline_version = {{ import_source }} as is_planned_by_import,
        coalesce(
            earned_value.baseline_version <> {{ import_source }}
            and earned_value.baseline_version <> finance_months.baseline_version,
            false
        ) as is_on_earlier_baseline

    from earned_value
    left join finance_months
        on earned_value.project_code = finance_months.project_code
        and earned_value.reporting_month = finance_months.reporting_month

),

----------  one row per measure, with the reason its two figures may differ

{#- Each measure once: its labels, its two figures, whether it comes from an earned-value
    import or a baseline no longer current, and the reason given for either. -#}
{%- set no_baseline_reason = "cast(null as " ~ text ~ ")" %}
{%- set fsr_baseline = "coalesce(" ~ dbt.concat(["'baseline '", "fsr_baseline_version"])
    ~ ", 'no baseline')" %}
{%- set measures = [
    {
        'measure': 'actual_cost',
        'msr_label': 'Actual cost (AC, earned value)',
        'fsr_label': 'Booked cost to date (timesheets + invoices)',
        'msr_amount': 'actual_cost',
        'fsr_amount': 'fsr_actual_cost',
        'is_from_import': 'actual_cost_source = ' ~ import_source,
        'is_on_earlier_baseline': 'false',
        'import_reason': "'AC is the actual cost the earned-value import reports "
            ~ "(scheduling tool); the FSR books costed timesheet hours and invoices'",
        'baseline_reason': no_baseline_reason,
    },
    {
        'measure': 'planned_value',
        'msr_label': 'Planned value (PV, earned value)',
        'fsr_label': 'Budget to date (current baseline)',
        'msr_amount': 'planned_value',
        'fsr_amount': 'fsr_budget_to_date',
        'is_from_import': 'is_planned_by_import',
        'is_on_earlier_baseline': 'is_on_earlier_baseline',
        'import_reason': dbt.concat([
            "'PV is the plan of the earned-value import (scheduling tool); "
                ~ "the FSR budgets to date by '",
            fsr_baseline,
        ]),
        'baseline_reason': dbt.concat([
            "'PV is measured against baseline '", "msr_baseline_version",
            "', in force in the month; the FSR budgets every month by the current baseline '",
            "fsr_baseline_version",
        ]),
    },
    {
        'measure': 'budget_at_completion',
        'msr_label': 'Budget at completion (BAC, earned value)',
        'fsr_label': 'Budget at completion (current baseline)',
        'msr_amount': 'budget_at_completion',
        'fsr_amount': 'fsr_budget_at_completion',
        'is_from_import': 'is_planned_by_import',
        'is_on_earlier_baseline': 'is_on_earlier_baseline',
        'import_reason': dbt.concat([
            "'BAC is the budget the earned-value import reports (scheduling tool); "
                ~ "the FSR totals '",
            fsr_baseline,
        ]),
        'baseline_reason': dbt.concat([
            "'BAC is baseline '", "msr_baseline_version",
            "', in force in the month; the FSR totals the current baseline '",
            "fsr_baseline_version",
        ]),
    },
    {
        'measure': 'estimate_at_completion',
        'msr_label': 'Estimate at completion (EAC, earned value)',
        'fsr_label': 'Forecast at completion',
        'msr_amount': 'estimate_at_completion',
        'fsr_amount': 'fsr_forecast_at_completion',
        'is_from_import': 'earned_value_source = ' ~ import_source,
        'is_on_earlier_baseline': 'false',
        'import_reason': "'EAC is built on the earned-value import (scheduling tool); "
            ~ "the FSR has no forecast lines to spread it over'",
        'baseline_reason': no_baseline_reason,
    },
] %}

measures as (

    {% for measure in measures %}
    select
        project_code,
        reporting_month,
        '{{ measure.measure }}' as measure,
        {{ loop.index }} as measure_order,
        '{{ measure.msr_label }}' as msr_measure_label,
        '{{ measure.fsr_label }}' as fsr_measure_label,
        msr_baseline_version,
        fsr_baseline_version,
        {{ measure.msr_amount }} as msr_amount,
        {{ measure.fsr_amount }} as fsr_amount,
        {{ measure.is_from_import }} as is_from_earned_value_import,
        {{ measure.is_on_earlier_baseline }} as is_on_earlier_baseline,
        {{ measure.import_reason }} as import_reason,
        {{ measure.baseline_reason }} as baseline_reason

    from project_months
    {% if not loop.last %}
    union all
    {% endif %}
    {%- endfor %}

),

differences as (

    select
        measures.*,
        coalesce(msr_amount, 0) - coalesce(fsr_amount, 0) as difference_amount

    from measures

),

components as (

    select
        differences.*,
        case when is_from_earned_value_import then difference_amount else 0 end
            as earned_value_import_amount,
        case
            when is_on_earlier_baseline and not is_from_earned_value_import
                then difference_amount
            else 0
        end as baseline_in_force_amount

    from differences

),

final as (

    select

        ----------  ids
        project_code,
        reporting_month,
        measure,

        ----------  text
        msr_measure_label,
        fsr_measure_label,
        msr_baseline_version,
        fsr_baseline_version,
        case
            when abs(difference_amount) < 0.005 then null
            when abs(earned_value_import_amount) >= 0.005 then import_reason
            when abs(baseline_in_force_amount) >= 0.005 then baseline_reason
            else 'Not explained by an earned-value import or a re-baseline'
        end as reconciliation_reason,

        ----------  numerics
        measure_order,
        msr_amount,
        fsr_amount,
        difference_amount,
        earned_value_import_amount,
        baseline_in_force_amount,
        difference_amount - earned_value_import_amount - baseline_in_force_amount
            as unexplained_amount

    from components

)

select * from final
