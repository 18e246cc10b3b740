{#-
    The column lists of the portfolio and programme KPI roll-ups (rpt_portfolio_kpis_monthly,
    rpt_program_kpis_monthly), so a total means the same at every level. Both models read the
    project months of int_kpi_project_months, add their level columns and group by them:

    * kpi_rollup_totals(): the sums and counts of the project months of a group (aggregate
      expressions for the select list of a `group by`).
    * kpi_rollup_indices(): the columns computed from those totals - indices as ratios of sums,
      never averages of project ratios.

    Trust rules: the headline indices (CPI, SPI, SPI(t)) count only projects whose month is of
    high EVM confidence (fct_earned_value_monthly.evm_confidence); the low-confidence ones are
    counted and their CPI shown beside (cost_performance_index_with_low_confidence). Money
    totals add up every project, so a total always equals the sum of its projects, and VAC is
    shown both ways: the overruns, the underruns and the net. Health counts leave out the
    projects closed by the month (dim_projects.closed_from_month); they are counted apart.
-#}

{% macro kpi_rollup_totals() -%}

        count(*) as project_count,
        count(case when earned_value is not null then 1 end) as measured_project_count,
        count(case when is_low_confidence then 1 end) as low_confidence_project_count,
        sum(planned_value) as planned_value,
        sum(earned_value) as earned_value,
        sum(actual_cost) as actual_cost,
        sum(budget_at_completion) as budget_at_completion,
        sum(estimate_at_completion) as estimate_at_completion,
        sum(case when variance_at_completion < 0 then -variance_at_completion else 0 end)
            as overrun_at_completion,
        sum(case when variance_at_completion > 0 then variance_at_completion else 0 end)
            as underrun_at_completion,
        count(case when variance_at_completion < 0 then 1 end) as overrun_project_count,
        count(case when variance_at_completion > 0 then 1 end) as underrun_project_count,
        sum(case when is_low_forecast_confidence then variance_at_completion else 0 end)
            as low_confidence_variance_at_completion,
        sum(all_measured_earned_value) as all_measured_earned_value,
        sum(all_measured_actual_cost) as all_measured_actual_cost,
        sum(measured_earned_value) as measured_earned_value,
        sum(measured_actual_cost) as measured_actual_cost,
        sum(scheduled_earned_value) as scheduled_earned_value,
        sum(scheduled_planned_value) as scheduled_planned_value,
        sum(timed_earned_schedule_months) as timed_earned_schedule_months,
        sum(timed_actual_time_months) as timed_actual_time_months,
        count(case when not is_closed and overall_status = 'red' then 1 end) as red_project_count,
        count(case when not is_closed and overall_status = 'amber' then 1 end)
            as amber_project_count,
        count(case when not is_closed and overall_status = 'green' then 1 end)
            as green_project_count,
        count(
            case
                when not is_closed and (overall_status = 'grey' or overall_status is null)
                    then 1
            end
        ) as grey_project_count,
        count(case when is_closed then 1 end) as closed_project_count,
        cast(coalesce(sum(open_risk_count), 0) as {{ dbt.type_bigint() }}) as open_risk_count,
        cast(coalesce(sum(open_high_risk_count), 0) as {{ dbt.type_bigint() }})
            as open_high_risk_count,
        coalesce(sum(open_risk_exposure_amount), 0) as open_risk_exposure_amount

{%- endmacro %}


{% macro kpi_rollup_indices() -%}

        project_count,
        measured_project_count,
        planned_value,
        earned_value,
        actual_cost,
        budget_at_completion,
        estimate_at_completion,
        budget_at_completion - estimate_at_completion as variance_at_completion,
        overrun_at_completion,
        underrun_at_completion,
        overrun_project_count,
        underrun_project_count,
        low_confidence_variance_at_completion,
        low_confidence_project_count,
        {{ safe_divide('measured_earned_value', 'measured_actual_cost') }}
            as cost_performance_index,
        {{ safe_divide('all_measured_earned_value', 'all_measured_actual_cost') }}
            as cost_performance_index_with_low_confidence,
        {{ safe_divide('scheduled_earned_value', 'scheduled_planned_value') }}
            as schedule_performance_index,
        {{ safe_divide('timed_earned_schedule_months', 'timed_actual_time_months') }}
            as schedule_performance_index_time,
        red_project_count,
        amber_project_count,
        green_project_count,
        grey_project_count,
        closed_project_count,
        open_risk_count,
        open_high_risk_count,
        open_risk_exposure_amount

{%- endmacro %}
