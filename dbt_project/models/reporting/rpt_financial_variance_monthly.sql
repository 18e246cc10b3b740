-- One row per project per reporting month with financial lines: the forecast at completion
-- against the budget, favourable or unfavourable, whether it is over the commentary threshold
-- (finance_settings), what drives the variance to date and the commentary the FSR prints.
--
-- Sign convention (as every variance of the marts): budget minus cost, so positive is
-- favourable (under budget) and negative unfavourable (over budget).
-- * Forecast: fct_project_financials_monthly's lines (they add up to the project's EAC of the
--   method in finance_settings, fct_earned_value_monthly.estimate_at_completion).
-- * Drivers of the variance to date (budget to date minus booked cost to date): the labour
--   hours (volume) and rate effects of rpt_labour_cost_variance_monthly (they add up to the
--   labour lines' variance) and the invoiced costs (vendor, software, hardware lines).
-- * Approved change requests effective by the month end, the re-baseline that took effect in
--   the month (fct_project_rebaselines) and the purchase orders not yet invoiced.
-- Amounts in the reporting currency, nothing rounded; the commentary rounds for reading only
-- and leaves out a driver under a thousandth of the budget at completion.

with

financials as (

    select * from {{ ref('fct_project_financials_monthly') }}

),

earned_value as (

    select * from {{ ref('fct_earned_value_monthly') }}

),

labour_variance as (

    select * from {{ ref('rpt_labour_cost_variance_monthly') }}

),

projects as (

    select * from {{ ref('dim_projects') }}

),

rebaselines as (

    select * from {{ ref('fct_project_rebaselines') }}

),

change_requests as (

    select * from {{ ref('int_finance_change_requests_converted') }}

),

settings as (

    select * from {{ ref('finance_settings') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

thresholds as (

    select
        max(case when setting_name = 'variance_threshold_pct'
                then cast(setting_value as {{ type_double() }})
        end) as threshold_pct,
        max(case when setting_name = 'variance_threshold_amount'
                then cast(setting_value as {{ type_double() }})
        end) as threshold_amount

    from settings

),

----------  the project's lines of the month, summed

project_months as (

    select
        project_code,
        reporting_month,
        sum(budget_at_completion) as budget_at_completion,
        sum(forecast_at_completion) as forecast_at_completion,
        sum(cumulative_budget_amount) as cumulative_budget_amount,
        sum(cumulative_actual_cost) as cumulative_actual_cost,
        sum(case when cost_category <> 'labour' then cumulative_budget_amount end)
            as cumulative_invoiced_budget_amount,
        sum(case when cost_category <> 'labour' then cumulative_actual_cost end)
            as cumulative_invoiced_cost,
        sum(cumulative_open_commitment_amount) as open_commitment_amount

    from financials
    group by project_code, reporting_month

),

approved_changes as (

    select
        project_months.project_code,
        project_months.reporting_month,
        count(*) as approved_change_count,
        sum(change_requests.cost_impact) as approved_change_cost

    from project_months
    inner join change_requests
        on project_months.project_code = change_requests.project_code
        and change_requests.change_request_status = 'approved'
        and change_requests.effective_month <= project_months.reporting_month
    group by project_months.project_code, project_months.reporting_month

),

measured as (

    select
        project_months.*,
        earned_value.estimate_at_completion_method as forecast_method,
        earned_value.forecast_confidence,
        earned_value.forecast_confidence_reason,
        project_months.budget_at_completion - project_months.forecast_at_completion
            as variance_at_completion,
        {{ safe_divide(
            '100 * (project_months.budget_at_completion - project_months.forecast_at_completion)',
            'project_months.budget_at_completion'
        ) }} as variance_at_completion_pct,
        project_months.cumulative_budget_amount - project_months.cumulative_actual_cost
            as cumulative_cost_variance,
        labour_variance.cumulative_hours_variance as cumulative_labour_hours_effect,
        labour_variance.cumulative_rate_variance as cumulative_labour_rate_effect,
        coalesce(project_months.cumulative_invoiced_budget_amount, 0)
        - coalesce(project_months.cumulative_invoiced_cost, 0)
            as cumulative_invoiced_cost_variance,
        coalesce(approved_changes.approved_change_count, 0) as approved_change_count,
        coalesce(approved_changes.approved_change_cost, 0) as approved_change_cost,
        rebaselines.budget_at_completion_change as rebaseline_budget_change,
        rebaselines.previous_budget_at_completion as rebaseline_previous_budget,
        rebaselines.rebaseline_reason,
        thresholds.threshold_pct,
        thresholds.threshold_amount,
        reporting_period.reporting_currency

    from project_months
    cross join thresholds
    cross join reporting_period
    left join earned_value
        on project_months.project_code = earned_value.project_code
        and project_months.reporting_month = earned_value.reporting_month
    left join labour_variance
        on project_months.project_code = labour_variance.project_code
        and project_months.reporting_month = labour_variance.reporting_month
    left join approved_changes
        on project_months.project_code = approved_changes.project_code
        and project_months.reporting_month = approved_changes.reporting_month
    left join rebaselines
        on project_months.project_code = rebaselines.project_code
        and project_months.reporting_month = rebaselines.effective_month

),

judged as (

    select
        measured.*,
        case
            when variance_at_completion is null then null
            when abs(variance_at_completion) < 0.5 then 'on budget'
            when variance_at_completion > 0 then 'favourable'
            else 'unfavourable'
        end as variance_direction,
        coalesce(
            abs(variance_at_completion) >= threshold_amount
            and (
                abs(variance_at_completion_pct) > threshold_pct
                -- a forecast with no budget at all is always explained
                or (coalesce(budget_at_completion, 0) = 0 and abs(variance_at_completion) >= 0.5)
            ),
            false
        ) as is_over_variance_threshold,
        -- a driver below a thousandth of the budget is left out of the words (not the columns)
        greatest(0.5, 0.001 * abs(coalesce(budget_at_completion, 0))) as material_amount

    from measured

),

----------  the commentary: one sentence per driver that moved, in reading order

sentences as (

    select
        judged.*,
        case
            when forecast_at_completion is null then 'No forecast at completion this month.'
            when coalesce(budget_at_completion, 0) = 0 then {{ dbt.concat([
                "'Forecast at completion '",
                format_money('forecast_at_completion', 'reporting_currency'),
                "' with no budget at completion on file.'",
            ]) }}
            when variance_direction = 'on budget' then {{ dbt.concat([
                "'Forecast at completion '",
                format_money('forecast_at_completion', 'reporting_currency'),
                "', on budget.'",
            ]) }}
            else {{ dbt.concat([
                "'Forecast at completion '",
                format_money('forecast_at_completion', 'reporting_currency'),
                "' against a budget of '",
                format_money('budget_at_completion', 'reporting_currency'),
                "': '",
                format_money('variance_at_completion', 'reporting_currency'),
                "case when variance_at_completion < 0 then ' over' else ' under' end",
                "' budget ('",
                format_number('abs(variance_at_completion_pct)', 1),
                "'%), '",
                "variance_direction",
                "'.'",
            ]) }}
        end as forecast_sentence,
        case
            when cumulative_actual_cost is null or abs(cumulative_cost_variance) < 0.5 then null
            else {{ dbt.concat([
                "'To date '",
                format_money('cumulative_actual_cost', 'reporting_currency'),
                "' booked against '",
                format_money('cumulative_budget_amount', 'reporting_currency'),
                "' budgeted ('",
                format_money('cumulative_cost_variance', 'reporting_currency'),
                "case when cumulative_cost_variance < 0 then ' over' else ' under' end",
                "').'",
            ]) }}
        end as to_date_sentence,
        case
            when abs(coalesce(cumulative_labour_hours_effect, 0)) < material_amount then null
            else {{ dbt.concat([
                "case when cumulative_labour_hours_effect < 0"
                ~ " then 'More hours than planned cost ' else 'Fewer hours than planned saved ' end",
                format_money('cumulative_labour_hours_effect', 'reporting_currency'),
                "'.'",
            ]) }}
        end as hours_sentence,
        case
            when abs(coalesce(cumulative_labour_rate_effect, 0)) < material_amount then null
            else {{ dbt.concat([
                "case when cumulative_labour_rate_effect < 0"
                ~ " then 'Labour rates above standard cost '"
                ~ " else 'Labour rates below standard saved ' end",
                format_money('cumulative_labour_rate_effect', 'reporting_currency'),
                "'.'",
            ]) }}
        end as rate_sentence,
        case
            when abs(cumulative_invoiced_cost_variance) < material_amount then null
            else {{ dbt.concat([
                "'Invoiced costs (vendors, software, hardware) '",
                format_money('cumulative_invoiced_cost_variance', 'reporting_currency'),
                "case when cumulative_invoiced_cost_variance < 0"
                ~ " then ' over' else ' under' end",
                "' budget to date.'",
            ]) }}
        end as invoiced_sentence,
        case
            when approved_change_count = 0 then null
            else {{ dbt.concat([
                "cast(approved_change_count as " ~ dbt.type_string() ~ ")",
                "case when approved_change_count = 1 then ' approved change request '"
                ~ " else ' approved change requests ' end",
                "case when abs(approved_change_cost) < 0.5 then"
                ~ " case when approved_change_count = 1 then 'has' else 'have' end"
                ~ " when approved_change_cost < 0 then 'take '"
                ~ " when approved_change_count = 1 then 'adds ' else 'add ' end",
                "case when abs(approved_change_cost) < 0.5 then ''"
                ~ " else " ~ format_money('approved_change_cost', 'reporting_currency') ~ " end",
                "case when abs(approved_change_cost) < 0.5 then ' no cost impact.'"
                ~ " when approved_change_cost < 0 then ' off the cost.'"
                ~ " else ' to the cost.' end",
            ]) }}
        end as change_sentence,
        case
            when rebaseline_budget_change is null then null
            else {{ dbt.concat([
                "'Re-baselined this month: budget '",
                format_money('rebaseline_previous_budget', 'reporting_currency'),
                "' to '",
                format_money('budget_at_completion', 'reporting_currency'),
                "coalesce(' (' || rebaseline_reason || ')', '')",
                "'.'",
            ]) }}
        end as rebaseline_sentence,
        case
            when coalesce(open_commitment_amount, 0) < 0.5 then null
            else {{ dbt.concat([
                "'Purchase orders not yet invoiced: '",
                format_money('open_commitment_amount', 'reporting_currency'),
                "'.'",
            ]) }}
        end as commitment_sentence,
        case
            when forecast_confidence = 'low' then {{ dbt.concat([
                "'Forecast of low confidence: '",
                "coalesce(forecast_confidence_reason, 'see the data caveats')",
                "'.'",
            ]) }}
        end as confidence_sentence

    from judged

),

final as (

    select
        sentences.project_code,
        projects.project_name,
        sentences.reporting_month,
        sentences.budget_at_completion,
        sentences.forecast_at_completion,
        sentences.forecast_method,
        sentences.variance_at_completion,
        sentences.variance_at_completion_pct,
        sentences.variance_direction,
        sentences.is_over_variance_threshold,
        sentences.threshold_pct as variance_threshold_pct,
        sentences.threshold_amount as variance_threshold_amount,
        sentences.cumulative_budget_amount,
        sentences.cumulative_actual_cost,
        sentences.cumulative_cost_variance,
        sentences.cumulative_labour_hours_effect,
        sentences.cumulative_labour_rate_effect,
        sentences.cumulative_invoiced_cost_variance,
        sentences.approved_change_count,
        sentences.approved_change_cost,
        sentences.rebaseline_budget_change,
        sentences.open_commitment_amount,
        concat_ws(
            ' ',
            sentences.forecast_sentence,
            sentences.confidence_sentence,
            sentences.to_date_sentence,
            sentences.hours_sentence,
            sentences.rate_sentence,
            sentences.invoiced_sentence,
            sentences.change_sentence,
            sentences.rebaseline_sentence,
            sentences.commitment_sentence
        ) as variance_commentary

    from sentences
    left join projects
        on sentences.project_code = projects.project_code

)

select * from final
