-- One row per project per reporting month, from the project's start month to the as-of month:
-- cumulative earned-value measures, their indices and forecasts, and earned schedule.
-- Definitions: the docs blocks in _finance__docs.md. Amounts are in the reporting currency;
-- nothing is rounded here (round for display only); a division by zero gives NULL.

with

earned_value_inputs as (

    select * from {{ ref('int_earned_value_inputs_monthly') }}

),

planned_value_curves as (

    select * from {{ ref('int_planned_value_curves') }}

),

fx_rate_gaps as (

    select * from {{ ref('fct_fx_rate_gaps') }}

),

credibility_settings as (

    select * from {{ ref('evm_credibility_settings') }}

),

finance_settings as (

    select * from {{ ref('finance_settings') }}

),

forecast_method as (

    select max(setting_value) as forecast_eac_method
    from finance_settings
    where setting_name = 'forecast_eac_method'

),

----------  the PV curve each month is measured against, with period 0 (nothing planned yet)

curve_points as (

    select
        project_code,
        baseline_version,
        period_number,
        cumulative_planned_value

    from planned_value_curves

    union all

    select distinct
        project_code,
        baseline_version,
        0 as period_number,
        cast(0 as {{ type_double() }}) as cumulative_planned_value

    from planned_value_curves

),

----------  EVM status of each month

status as (

    select
        earned_value_inputs.*,
        coalesce(
            earned_value_inputs.budget_at_completion > 0
            and earned_value_inputs.earned_value >= earned_value_inputs.budget_at_completion,
            false
        ) as is_completed,
        coalesce(
            earned_value_inputs.earned_value > earned_value_inputs.budget_at_completion,
            false
        ) as is_earned_value_over_budget

    from earned_value_inputs

),

----------  earned schedule: C = the last period whose cumulative PV <= EV

schedule_positions as (

    select
        status.project_code,
        status.reporting_month,
        status.baseline_version,
        max(
            case
                when curve_points.cumulative_planned_value <= status.earned_value
                    then curve_points.period_number
            end
        ) as completed_periods

    from status
    inner join curve_points
        on status.project_code = curve_points.project_code
        and status.baseline_version = curve_points.baseline_version
    group by
        status.project_code,
        status.reporting_month,
        status.baseline_version

),

-- the next period with a PV point after C: C + 1 on a complete curve
next_periods as (

    select
        schedule_positions.project_code,
        schedule_positions.reporting_month,
        schedule_positions.baseline_version,
        schedule_positions.completed_periods,
        min(curve_points.period_number) as next_period

    from schedule_positions
    left join curve_points
        on schedule_positions.project_code = curve_points.project_code
        and schedule_positions.baseline_version = curve_points.baseline_version
        and curve_points.period_number > schedule_positions.completed_periods
    group by
        schedule_positions.project_code,
        schedule_positions.reporting_month,
        schedule_positions.baseline_version,
        schedule_positions.completed_periods

),

schedule_brackets as (

    select
        next_periods.project_code,
        next_periods.reporting_month,
        next_periods.completed_periods,
        completed_points.cumulative_planned_value as completed_planned_value,
        next_periods.next_period,
        next_points.cumulative_planned_value as next_planned_value

    from next_periods
    left join curve_points as completed_points
        on next_periods.project_code = completed_points.project_code
        and next_periods.baseline_version = completed_points.baseline_version
        and next_periods.completed_periods = completed_points.period_number
    left join curve_points as next_points
        on next_periods.project_code = next_points.project_code
        and next_periods.baseline_version = next_points.baseline_version
        and next_periods.next_period = next_points.period_number

),

-- ES never exceeds the planned duration PD (the plan cannot be more than finished). When EV is
-- at or above the last point of a PV curve that stops short of BAC (an import that exports PV
-- only to its status date), where EV sits on the plan beyond that point is unknown: ES is then
-- the last known period, a lower bound (is_earned_schedule_lower_bound), and SPI(t) with it.
earned_schedule_raw as (

    select
        status.*,
        case
            when status.earned_value is null then null
            when status.is_completed
                then cast(status.planned_duration_months as {{ type_double() }})
            when schedule_brackets.completed_periods is null then null
            when schedule_brackets.next_period is null
                then cast(schedule_brackets.completed_periods as {{ type_double() }})
            else schedule_brackets.completed_periods
                + {{ safe_divide(
                    'status.earned_value - schedule_brackets.completed_planned_value',
                    'schedule_brackets.next_planned_value - schedule_brackets.completed_planned_value'
                ) }}
                * (schedule_brackets.next_period - schedule_brackets.completed_periods)
        end as uncapped_earned_schedule_months,
        coalesce(
            status.earned_value is not null
            and not status.is_completed
            and schedule_brackets.completed_periods is not null
            and schedule_brackets.next_period is null,
            false
        ) as is_earned_schedule_lower_bound

    from status
    left join schedule_brackets
        on status.project_code = schedule_brackets.project_code
        and status.reporting_month = schedule_brackets.reporting_month

),

earned_schedule as (

    select
        earned_schedule_raw.*,
        case
            when uncapped_earned_schedule_months > planned_duration_months
                then cast(planned_duration_months as {{ type_double() }})
            else uncapped_earned_schedule_months
        end as earned_schedule_months

    from earned_schedule_raw

),

----------  cost and schedule indices

indices as (

    select
        earned_schedule.*,
        earned_value - planned_value as schedule_variance,
        earned_value - actual_cost as cost_variance,
        {{ safe_divide('earned_value', 'planned_value') }} as schedule_performance_index,
        {{ safe_divide('earned_value', 'actual_cost') }} as cost_performance_index,
        earned_schedule_months - actual_time_months as schedule_variance_time_months,
        {{ safe_divide('earned_schedule_months', 'actual_time_months') }}
            as schedule_performance_index_time

    from earned_schedule

),

----------  forecasts (a completed or closed project's estimates collapse to what it actually
----------  cost, and a closed one finished in the month it closed: IEAC(t) = its actual time)

estimate_variants as (

    select
        indices.*,
        case
            when is_completed or is_closed then actual_cost
            else {{ safe_divide('budget_at_completion', 'cost_performance_index') }}
        end as estimate_at_completion_typical,
        case
            when is_completed or is_closed then actual_cost
            else actual_cost + (budget_at_completion - earned_value)
        end as estimate_at_completion_atypical,
        case
            when is_completed or is_closed then actual_cost
            else actual_cost + {{ safe_divide(
                'budget_at_completion - earned_value',
                'cost_performance_index * schedule_performance_index'
            ) }}
        end as estimate_at_completion_cpi_spi,
        case
            when is_closed then cast(actual_time_months as {{ type_double() }})
            else {{ safe_divide('planned_duration_months', 'schedule_performance_index_time') }}
        end as independent_eac_time_months

    from indices

),

----------  the forecast: the variant finance_settings names (typical when it names none)

estimates as (

    select
        estimate_variants.*,
        case coalesce(forecast_method.forecast_eac_method, 'typical')
            when 'atypical' then estimate_variants.estimate_at_completion_atypical
            when 'cpi_spi' then estimate_variants.estimate_at_completion_cpi_spi
            else estimate_variants.estimate_at_completion_typical
        end as estimate_at_completion,
        -- a completed or closed project's EAC is what it actually cost, whatever the setting
        case
            when estimate_variants.is_closed then 'Actual cost (closed)'
            when estimate_variants.is_completed then 'Actual cost (complete)'
            when forecast_method.forecast_eac_method = 'atypical' then 'AC + (BAC − EV)'
            when forecast_method.forecast_eac_method = 'cpi_spi'
                then 'AC + (BAC − EV) / (CPI × SPI)'
            else 'BAC / CPI'
        end as estimate_at_completion_method

    from estimate_variants
    cross join forecast_method

),

forecasts as (

    select
        estimates.*,
        estimate_at_completion - actual_cost as estimate_to_complete,
        budget_at_completion - estimate_at_completion as variance_at_completion,
        -- nothing is left to complete once a project has closed
        case
            when is_closed then null
            else {{ safe_divide(
                'budget_at_completion - earned_value', 'budget_at_completion - actual_cost'
            ) }}
        end as to_complete_performance_index,
        case
            when is_closed then null
            else {{ safe_divide(
                'budget_at_completion - earned_value', 'estimate_at_completion - actual_cost'
            ) }}
        end as to_complete_performance_index_eac,
        {{ safe_divide('100 * earned_value', 'budget_at_completion') }} as percent_complete,
        {{ safe_divide('100 * actual_cost', 'budget_at_completion') }} as percent_spent,
        -- beyond 100 years a forecast date means nothing (and would overflow the date type)
        case
            when independent_eac_time_months <= 1200 then
                {{ add_months(
                    'start_month', 'cast(floor(independent_eac_time_months) as integer)'
                ) }}
        end as forecast_finish_month

    from estimates

),

----------  forecast finish: start month + IEAC(t) months. The whole months land on the first
----------  day of a month; the fraction is that share of the month's days, rounded up to a
----------  whole day (a tolerance of 1e-6 day absorbs floating-point noise: IEAC(t) = 12 exactly
----------  finishes on the last day of period 12, not on the first day of period 13).

forecast_offsets as (

    select
        forecasts.*,
        cast(
            ceiling(
                (independent_eac_time_months - floor(independent_eac_time_months))
                * {{ days_in_month('forecast_finish_month') }}
                - 0.000001
            ) as integer
        ) as forecast_finish_day_of_month

    from forecasts

),

forecast_dates as (

    select
        forecast_offsets.*,
        {{ dbt.dateadd('day', 'forecast_finish_day_of_month - 1', 'forecast_finish_month') }}
            as forecast_finish_timestamp

    from forecast_offsets

),

----------  credibility: can an executive act on this month's indices? (settings: the
----------  evm_credibility_settings seed). Low when the work measured is too small a share of
----------  BAC, EV runs past BAC, an index is implausible or amounts lack an exchange rate;
----------  each reason in words. not_measured: no EV or no BAC yet. The forecast (EAC, TCPI)
----------  has its own confidence: low also when TCPI is out of range - AC already above BAC,
----------  or the rest would need an efficiency never seen - while the indices stay credible
----------  (an overrunning project's CPI is exactly what the portfolio headline must show).

guard_settings as (

    select
        {{- settings_columns([
            'min_share_of_bac_pct', 'min_index', 'max_index', 'min_tcpi', 'max_tcpi'
        ]) }}

    from credibility_settings

),

unconverted_months as (

    select
        forecast_dates.project_code,
        forecast_dates.reporting_month,
        sum(fx_rate_gaps.row_count) as fx_rate_gap_row_count

    from forecast_dates
    inner join fx_rate_gaps
        on forecast_dates.project_code = fx_rate_gaps.project_code
        and fx_rate_gaps.amount_month <= forecast_dates.reporting_month
    group by
        forecast_dates.project_code,
        forecast_dates.reporting_month

),

credibility_checks as (

    select
        forecast_dates.*,
        coalesce(unconverted_months.fx_rate_gap_row_count, 0) > 0 as is_fx_rate_missing,
        case
            when not forecast_dates.is_completed
                and not coalesce(forecast_dates.is_closed, false)
                and (
                    forecast_dates.percent_spent < guard_settings.min_share_of_bac_pct
                    or forecast_dates.percent_complete < guard_settings.min_share_of_bac_pct
                )
                then {{ dbt.concat([
                    "'early: '",
                    "cast(cast(" ~ round_decimal("forecast_dates.percent_spent", 0) ~ " as integer) as " ~ dbt.type_string() ~ ")",
                    "'% of BAC spent, '",
                    "cast(cast(" ~ round_decimal("forecast_dates.percent_complete", 0) ~ " as integer) as " ~ dbt.type_string() ~ ")",
                    "'% earned'",
                ]) }}
        end as early_work_reason,
        case
            when forecast_dates.is_earned_value_over_budget
                then {{ dbt.concat([
                    "'EV above BAC ('",
                    "cast(cast(" ~ round_decimal("forecast_dates.percent_complete", 0) ~ " as integer) as " ~ dbt.type_string() ~ ")",
                    "'% complete)'",
                ]) }}
        end as over_budget_reason,
        {% for label, index in [('CPI', 'cost'), ('SPI', 'schedule')] -%}
        case
            when forecast_dates.{{ index }}_performance_index < guard_settings.min_index
                or forecast_dates.{{ index }}_performance_index > guard_settings.max_index
                then {{ dbt.concat([
                    "'" ~ label ~ " '",
                    "cast(cast(" ~ round_decimal("forecast_dates." ~ index ~ "_performance_index", 2)
                    ~ " as " ~ type_double() ~ ") as "
                    ~ dbt.type_string() ~ ")",
                    "' outside '",
                    "cast(guard_settings.min_index as " ~ dbt.type_string() ~ ")",
                    "'-'",
                    "cast(guard_settings.max_index as " ~ dbt.type_string() ~ ")",
                ]) }}
        end as {{ index }}_index_reason,
        {% endfor -%}
        case
            when forecast_dates.percent_complete < 99.5
                and forecast_dates.to_complete_performance_index < guard_settings.min_tcpi
                then {{ dbt.concat([
                    "'AC above BAC with work left: TCPI '",
                    "cast(cast(" ~ round_decimal("forecast_dates.to_complete_performance_index", 2)
                    ~ " as " ~ type_double() ~ ") as " ~ dbt.type_string() ~ ")",
                    "', a new estimate is needed'",
                ]) }}
            when forecast_dates.percent_complete < 99.5
                and forecast_dates.to_complete_performance_index > guard_settings.max_tcpi
                then {{ dbt.concat([
                    "'TCPI '",
                    "cast(cast(" ~ round_decimal("forecast_dates.to_complete_performance_index", 2)
                    ~ " as " ~ type_double() ~ ") as " ~ dbt.type_string() ~ ")",
                    "' above '",
                    "cast(guard_settings.max_tcpi as " ~ dbt.type_string() ~ ")",
                    "': the rest cannot be done within BAC'",
                ]) }}
        end as to_complete_index_reason,
        case
            when unconverted_months.fx_rate_gap_row_count > 0
                then 'amounts without an exchange rate left out'
        end as fx_rate_reason

    from forecast_dates
    cross join guard_settings
    left join unconverted_months
        on forecast_dates.project_code = unconverted_months.project_code
        and forecast_dates.reporting_month = unconverted_months.reporting_month

),

credibility as (

    select
        credibility_checks.*,
        {{ dbt.concat([
            "coalesce(early_work_reason || '; ', '')",
            "coalesce(over_budget_reason || '; ', '')",
            "coalesce(cost_index_reason || '; ', '')",
            "coalesce(schedule_index_reason || '; ', '')",
            "coalesce(fx_rate_reason || '; ', '')",
        ]) }} as joined_reasons

    from credibility_checks

),

final as (

    select
        project_code,
        reporting_month,
        status_date,
        planned_value,
        earned_value,
        actual_cost,
        budget_at_completion,
        schedule_variance,
        cost_variance,
        schedule_performance_index,
        cost_performance_index,
        estimate_at_completion,
        estimate_at_completion_method,
        estimate_at_completion_typical,
        estimate_at_completion_atypical,
        estimate_at_completion_cpi_spi,
        estimate_to_complete,
        variance_at_completion,
        to_complete_performance_index,
        to_complete_performance_index_eac,
        planned_duration_months,
        actual_time_months,
        earned_schedule_months,
        schedule_variance_time_months,
        schedule_performance_index_time,
        independent_eac_time_months,
        cast(forecast_finish_timestamp as date) as forecast_finish_date,
        percent_complete,
        percent_spent,
        earned_value_source,
        actual_cost_source,
        baseline_version,
        progress_snapshot_date,
        is_completed,
        coalesce(is_closed, false) as is_closed,
        is_earned_value_over_budget,
        is_earned_schedule_lower_bound,
        is_fx_rate_missing,
        case
            when earned_value is null or budget_at_completion is null
                or budget_at_completion <= 0 then 'not_measured'
            when joined_reasons <> '' then 'low'
            else 'high'
        end as evm_confidence,
        case
            when earned_value is null then 'no progress reported yet'
            when budget_at_completion is null or budget_at_completion <= 0
                then 'no budget at completion'
            when joined_reasons <> ''
                then substring(joined_reasons, 1, length(joined_reasons) - 2)
        end as evm_confidence_reason,
        case
            when earned_value is null or budget_at_completion is null
                or budget_at_completion <= 0 then 'not_measured'
            when joined_reasons <> '' or to_complete_index_reason is not null then 'low'
            else 'high'
        end as forecast_confidence,
        case
            when earned_value is null or budget_at_completion is null
                or budget_at_completion <= 0 then null
            when to_complete_index_reason is not null then to_complete_index_reason
            when joined_reasons <> '' then 'rests on low-confidence indices'
        end as forecast_confidence_reason

    from credibility

)

select * from final
