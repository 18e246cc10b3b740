-- One row per project, reporting month and health metric: the metric's value, the thresholds of
-- the health_thresholds seed, its RAG status and, when amber or red, the reason in words (the
-- seed's reason_template with {value}, {direction} and {threshold} filled in) and the same for a
-- steering committee (plain_template: {percent} is the value x 100, {overspend} the cost above
-- plan that a CPI means, 100 / CPI - 100). The drill-down behind rpt_project_health_monthly.
--
-- Status: grey when the value is unknown (or the metric has no row in the seed); red when it is
-- below red_below or above red_above; amber when below amber_below or above amber_above; else
-- green. The threshold in the reason is the one crossed. Values are never rounded; the reason
-- shows them with the seed's display_decimals (one more, up to 4, while the value would print
-- as the threshold itself).
--
-- Metrics (% are 0-100):
-- * schedule: SPI, SPI(t) (fct_earned_value_monthly); forecast slip = whole months from the
--   baseline's planned finish month (start + PD - 1) to the forecast finish month
-- * cost: CPI; VAC % = 100 x VAC / BAC (the reason names the overrun amount)
-- * scope: approved change requests' cost impact (decided by the status date) as % of BAC
-- * risk: open risk exposure as % of BAC (against the budget left, a nearly finished project
--   with a small residual exposure read as red); open high-severity risks
--   (fct_risk_exposure_monthly; NULL without a risk register)
--
-- A month whose EVM figures are of low confidence (fct_earned_value_monthly.evm_confidence)
-- has its earned-value metrics grey - not measurable - so an implausible CPI paints a project
-- neither green nor red; the doubt itself is a data-quality finding (evm_low_confidence: 1 when
-- low, 0 when high) whose reason says why ({detail}). Reasons in words may also name an amount
-- ({amount}, in the reporting currency).
-- * resources: labour spend to date as % of the labour budget planned to date (costed timesheet
--   hours vs the current baseline's labour lines, fct_project_financials_monthly) - a proxy until
--   a utilisation model feeds it; vendor SLAs missed in the month by the contracts that serve
--   the project (rpt_vendor_sla_results_monthly; NULL when none of its contracts was measured
--   that month, a vendor-level contract serves no project), the reason naming each breach
-- * data_quality: the data-quality score, measured at the as-of date, so on the as-of month only

{%- set metrics = [
    ('schedule', 1, 'schedule_performance_index', 1),
    ('schedule', 1, 'schedule_performance_index_time', 2),
    ('schedule', 1, 'forecast_slip_months', 3),
    ('cost', 2, 'cost_performance_index', 1),
    ('cost', 2, 'variance_at_completion_pct', 2),
    ('scope', 3, 'approved_change_cost_pct', 1),
    ('risk', 4, 'risk_exposure_pct_of_bac', 1),
    ('risk', 4, 'open_high_risk_count', 2),
    ('resources', 5, 'labour_cost_to_plan_pct', 1),
    ('resources', 5, 'sla_breach_count', 2),
    ('data_quality', 6, 'data_quality_score', 1),
    ('data_quality', 6, 'evm_low_confidence', 2),
] %}
{%- set evm_metrics = [
    'schedule_performance_index', 'schedule_performance_index_time', 'forecast_slip_months',
    'cost_performance_index', 'variance_at_completion_pct',
] %}

with

earned_value as (

    select * from {{ ref('fct_earned_value_monthly') }}

),

projects as (

    select * from {{ ref('dim_projects') }}

),

financials as (

    select * from {{ ref('fct_project_financials_monthly') }}

),

risk_exposure as (

    select * from {{ ref('fct_risk_exposure_monthly') }}

),

change_requests as (

    select * from {{ ref('int_finance_change_requests_converted') }}

),

data_quality as (

    select * from {{ ref('rpt_data_quality_by_project') }}

),

health_thresholds as (

    select * from {{ ref('health_thresholds') }}

),

vendor_sla_results as (

    select * from {{ ref('rpt_vendor_sla_results_monthly') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

----------  the inputs of each metric, per project and month

approved_changes as (

    select
        earned_value.project_code,
        earned_value.reporting_month,
        sum(change_requests.cost_impact) as approved_change_cost

    from earned_value
    inner join change_requests
        on earned_value.project_code = change_requests.project_code
        and change_requests.change_request_status = 'approved'
        and change_requests.effective_date <= earned_value.status_date
    group by
        earned_value.project_code,
        earned_value.reporting_month

),

labour as (

    select
        project_code,
        reporting_month,
        sum(cumulative_actual_labour_cost) as cumulative_actual_labour_cost,
        sum(
            case when cost_category = 'labour' then cumulative_budget_amount else 0 end
        ) as cumulative_labour_budget

    from financials
    group by
        project_code,
        reporting_month

),

sla_breaches as (

    select
        project_code,
        reporting_month,
        sum(case when is_breach then 1 else 0 end) as sla_breach_count,
        {{ dbt.listagg(
            "case when is_breach then " ~ dbt.concat([
                'vendor', "' '", 'contract_id', "': '", 'breach_description'
            ]) ~ " end",
            "'; '",
            'order by vendor, contract_id, metric, priority',
        ) }} as sla_breach_detail

    from vendor_sla_results
    where project_code is not null
    group by
        project_code,
        reporting_month

),

metric_values as (

    select
        earned_value.project_code,
        earned_value.reporting_month,
        earned_value.status_date,
        earned_value.evm_confidence,
        earned_value.evm_confidence_reason,
        earned_value.variance_at_completion,
        risk_exposure.open_risk_exposure_amount,
        reporting_period.reporting_currency,
        earned_value.schedule_performance_index,
        earned_value.schedule_performance_index_time,
        case
            when earned_value.forecast_finish_date is not null
                and earned_value.planned_duration_months is not null
                then {{ months_between(
                    add_months('projects.start_month', 'earned_value.planned_duration_months - 1'),
                    month_start('earned_value.forecast_finish_date'),
                ) }}
        end as forecast_slip_months,
        earned_value.cost_performance_index,
        {{ safe_divide(
            '100 * earned_value.variance_at_completion', 'earned_value.budget_at_completion'
        ) }} as variance_at_completion_pct,
        {{ safe_divide(
            '100 * coalesce(approved_changes.approved_change_cost, 0)',
            'earned_value.budget_at_completion'
        ) }} as approved_change_cost_pct,
        case
            when earned_value.budget_at_completion > 0
                then {{ safe_divide(
                    '100 * risk_exposure.open_risk_exposure_amount',
                    'earned_value.budget_at_completion'
                ) }}
        end as risk_exposure_pct_of_bac,
        cast(risk_exposure.open_high_risk_count as {{ type_double() }}) as open_high_risk_count,
        {{ safe_divide(
            '100 * labour.cumulative_actual_labour_cost', 'labour.cumulative_labour_budget'
        ) }} as labour_cost_to_plan_pct,
        case
            when earned_value.reporting_month = reporting_period.as_of_month
                then data_quality.data_quality_score
        end as data_quality_score,
        case earned_value.evm_confidence when 'low' then 1 when 'high' then 0 end
            as evm_low_confidence,
        cast(sla_breaches.sla_breach_count as {{ type_double() }}) as sla_breach_count,
        sla_breaches.sla_breach_detail

    from earned_value
    cross join reporting_period
    left join projects
        on earned_value.project_code = projects.project_code
    left join approved_changes
        on earned_value.project_code = approved_changes.project_code
        and earned_value.reporting_month = approved_changes.reporting_month
    left join risk_exposure
        on earned_value.project_code = risk_exposure.project_code
        and earned_value.reporting_month = risk_exposure.reporting_month
    left join labour
        on earned_value.project_code = labour.project_code
        and earned_value.reporting_month = labour.reporting_month
    left join data_quality
        on earned_value.project_code = data_quality.project_code
    left join sla_breaches
        on earned_value.project_code = sla_breaches.project_code
        and earned_value.reporting_month = sla_breaches.reporting_month

),

----------  one row per metric

metrics as (

    {% for dimension, dimension_order, metric, metric_order in metrics -%}
    select
        project_code,
        reporting_month,
        status_date,
        '{{ dimension }}' as dimension,
        {{ dimension_order }} as dimension_order,
        '{{ metric }}' as metric,
        {{ metric_order }} as metric_order,
        cast({{ metric }} as {{ type_double() }}) as metric_value,
        {% if metric == 'variance_at_completion_pct' -%}
        variance_at_completion
        {%- elif metric == 'risk_exposure_pct_of_bac' -%}
        open_risk_exposure_amount
        {%- else -%}
        cast(null as {{ type_double() }})
        {%- endif %} as metric_amount,
        {% if metric == 'evm_low_confidence' -%}
        evm_confidence_reason
        {%- elif metric == 'sla_breach_count' -%}
        sla_breach_detail
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as metric_detail,
        reporting_currency,
        {{ 'true' if metric in evm_metrics else 'false' }} as is_earned_value_metric,
        evm_confidence,
        evm_confidence_reason
    from metric_values
    {% if not loop.last %}
    union all

    {% endif %}
    {%- endfor %}

),

evaluated as (

    select
        metrics.*,
        health_thresholds.amber_below,
        health_thresholds.red_below,
        health_thresholds.amber_above,
        health_thresholds.red_above,
        health_thresholds.display_decimals,
        health_thresholds.reason_template,
        health_thresholds.plain_template,
        case
            when metrics.is_earned_value_metric and metrics.evm_confidence = 'low' then 'grey'
            when metrics.metric_value is null or health_thresholds.metric is null then 'grey'
            when metrics.metric_value < health_thresholds.red_below then 'red'
            when metrics.metric_value > health_thresholds.red_above then 'red'
            when metrics.metric_value < health_thresholds.amber_below then 'amber'
            when metrics.metric_value > health_thresholds.amber_above then 'amber'
            else 'green'
        end as metric_status

    from metrics
    left join health_thresholds
        on metrics.dimension = lower(trim(health_thresholds.dimension))
        and metrics.metric = lower(trim(health_thresholds.metric))

),

crossed as (

    select
        evaluated.*,
        case metric_status
            when 'red' then 3
            when 'amber' then 2
            when 'green' then 1
            else 0
        end as status_rank,
        case
            when metric_status = 'red' and metric_value < red_below then 'below'
            when metric_status = 'red' then 'above'
            when metric_status = 'amber' and metric_value < amber_below then 'below'
            when metric_status = 'amber' then 'above'
        end as crossed_direction,
        case
            when metric_status = 'red' and metric_value < red_below then red_below
            when metric_status = 'red' then red_above
            when metric_status = 'amber' and metric_value < amber_below then amber_below
            when metric_status = 'amber' then amber_above
        end as crossed_threshold

    from evaluated

),

-- the reason shows the seed's decimals, or more when the value would otherwise print as the
-- threshold it crossed (0.897 below 0.900, never "0.90 below 0.90")
displayed as (

    select
        crossed.*,
        case
            {% for scale in range(0, 5) -%}
            when {{ scale }} >= display_decimals
                and {{ format_number('metric_value', scale) }}
                <> {{ format_number('crossed_threshold', scale) }}
                then {{ scale }}
            {% endfor -%}
            else display_decimals
        end as shown_decimals

    from crossed

),

final as (

    select

        ----------  ids
        project_code,
        reporting_month,
        metric,

        ----------  dates
        status_date,

        ----------  text
        dimension,
        metric_status,
        crossed_direction,
        {%- set placeholders = [
            ('{value}', format_number('metric_value', 'shown_decimals')),
            ('{threshold}', format_number('crossed_threshold', 'shown_decimals')),
            ('{direction}', 'crossed_direction'),
            ('{amount}', "coalesce(" ~ format_money('metric_amount', 'reporting_currency') ~ ", '')"),
            ('{detail}', "coalesce(metric_detail, '')"),
            ('{percent}', format_number('metric_value * 100', 0)),
            ('{overspend}', "coalesce(" ~ format_number(
                safe_divide('100', 'metric_value') ~ ' - 100', 0) ~ ", '')"),
        ] %}
        {%- for template, reason in [
            ('reason_template', 'health_reason'), ('plain_template', 'plain_reason')
        ] %}
        case
            when
                metric_status in ('red', 'amber') then
            {%- set built = namespace(reason=template) %}
            {%- for placeholder, text in placeholders %}
            {%- set built.reason = dbt.replace(built.reason, "'" ~ placeholder ~ "'", text) %}
            {%- endfor %}
                {{ built.reason }}
        end as {{ reason }},
        {%- endfor %}

        ----------  numerics
        metric_value,
        amber_below,
        red_below,
        amber_above,
        red_above,
        crossed_threshold,
        status_rank,
        dimension_order,
        metric_order

    from displayed

)

select * from final
