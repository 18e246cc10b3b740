-- One row per vendor per month, from the vendor's first contract, order or invoice month to the
-- as-of month: the vendor scorecard. Vendors are those of the vendors master and of contracts
-- (names compared case-insensitively, shown as the master writes them).
-- * SLA attainment: SLA results met / measured in the month (rpt_vendor_sla_results_monthly),
--   over the last three months, and its change from the month before, in points.
-- * Deliverables due in the month (rpt_vendor_deliverables): on time, late, overdue; on-time
--   share of those with an outcome.
-- * Spend: invoices to date against the value of the contracts signed to date and against the
--   purchase orders raised to date; the month's invoices checked against their purchase order
--   (rpt_vendor_invoice_checks). Amounts in the reporting currency.
-- * Spend against the contracts is compared in the contracts' own currency when the vendor's
--   contracts signed to date are all in one: invoices in that currency at their amount, others
--   at the contracts' rate (their value in the reporting currency over their own value). A dollar
--   contract invoiced exactly is neither over nor under, whatever the dollar did between its
--   signature and the invoices: remaining 0, spend / contract 100 %. The remaining amount is then
--   in the reporting currency at the contracts' rate. Over contract means more than half a unit
--   over (0.50, rounding of instalments). Contracts in several currencies are compared in the
--   reporting currency.
-- * A vendor with no contract signed by the month has no contract value, no contract remaining
--   and no spend / contract share (empty, not 0 or a negative remainder): its spend to date is
--   uncontracted spend, and flagged.

with

vendors as (

    select * from {{ ref('stg_raw__vendors') }}

),

contracts as (

    select * from {{ ref('int_vendor_contracts_converted') }}

),

sla_results as (

    select * from {{ ref('rpt_vendor_sla_results_monthly') }}

),

deliverables as (

    select * from {{ ref('rpt_vendor_deliverables') }}

),

invoice_checks as (

    select * from {{ ref('rpt_vendor_invoice_checks') }}

),

purchase_orders as (

    select * from {{ ref('int_finance_purchase_orders_converted') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

month_numbers as (

    {{ dbt.generate_series(600) }}

),

vendor_keys as (

    select
        vendor_key,
        vendor,
        1 as name_rank
    from vendors

    union all

    select
        vendor_key,
        vendor,
        2 as name_rank
    from contracts

),

vendor_names as (

    select
        vendor_key,
        min(case when name_rank = 1 then vendor end) as listed_name,
        min(vendor) as any_name

    from vendor_keys
    group by vendor_key

),

first_months as (

    select
        vendor_key,
        start_month as first_month
    from contracts

    union all

    select
        lower(trim(vendor)) as vendor_key,
        po_month as first_month
    from purchase_orders

    union all

    select
        vendor_key,
        invoice_month
    from invoice_checks

),

vendor_bounds as (

    select
        vendor_names.vendor_key,
        coalesce(vendor_names.listed_name, vendor_names.any_name) as vendor,
        min(first_months.first_month) as first_month

    from vendor_names
    inner join first_months
        on vendor_names.vendor_key = first_months.vendor_key
    group by
        vendor_names.vendor_key,
        coalesce(vendor_names.listed_name, vendor_names.any_name)

),

vendor_months as (

    select
        vendor_bounds.vendor_key,
        vendor_bounds.vendor,
        {{ add_months('vendor_bounds.first_month', 'month_numbers.generated_number - 1') }}
            as reporting_month

    from vendor_bounds
    cross join reporting_period
    inner join month_numbers
        on month_numbers.generated_number
        <= {{ months_between('vendor_bounds.first_month', 'reporting_period.as_of_month') }} + 1  -- noqa: LT05

),

----------  per vendor and month

contract_months as (

    select
        vendor_months.vendor_key,
        vendor_months.reporting_month,
        sum(
            case
                when contracts.start_month <= vendor_months.reporting_month
                    and contracts.end_month >= vendor_months.reporting_month
                    then 1
                else 0
            end
        ) as active_contract_count,
        count(*) as signed_contract_count,
        sum(contracts.contract_value) as contract_value,
        count(distinct contracts.original_currency) as contract_currency_count,
        min(contracts.original_currency) as contract_currency,
        sum(contracts.original_contract_value) as contract_value_in_contract_currency

    from vendor_months
    inner join contracts
        on vendor_months.vendor_key = contracts.vendor_key
        and contracts.start_month <= vendor_months.reporting_month
    group by
        vendor_months.vendor_key,
        vendor_months.reporting_month

),

sla_months as (

    select
        vendor_key,
        reporting_month,
        count(*) as sla_result_count,
        sum(case when is_met then 1 else 0 end) as sla_met_count

    from sla_results
    group by
        vendor_key,
        reporting_month

),

deliverable_months as (

    select
        vendor_key,
        due_month as reporting_month,
        count(*) as deliverable_due_count,
        sum(case when delivery_status = 'accepted on time' then 1 else 0 end)
            as deliverable_on_time_count,
        sum(case when delivery_status = 'accepted late' then 1 else 0 end)
            as deliverable_late_count,
        sum(case when delivery_status = 'overdue' then 1 else 0 end)
            as deliverable_overdue_count

    from deliverables
    group by
        vendor_key,
        due_month

),

invoice_months as (

    select
        vendor_key,
        invoice_month as reporting_month,
        count(*) as invoice_count,
        sum(case when is_accurate then 0 else 1 end) as inaccurate_invoice_count,
        sum(invoice_amount) as invoiced_amount

    from invoice_checks
    group by
        vendor_key,
        invoice_month

),

invoice_currency_months as (

    select
        vendor_key,
        invoice_month,
        original_currency,
        sum(original_amount) as original_amount,
        sum(invoice_amount) as invoice_amount

    from invoice_checks
    group by
        vendor_key,
        invoice_month,
        original_currency

),

----------  spend to date in the contracts' currency, where the vendor's contracts share one

contract_currency_spend as (

    select
        contract_months.vendor_key,
        contract_months.reporting_month,
        sum(
            case
                when invoice_currency_months.original_currency = contract_months.contract_currency
                    then invoice_currency_months.original_amount
                else invoice_currency_months.invoice_amount
                    * contract_months.contract_value_in_contract_currency
                    / contract_months.contract_value
            end
        ) as invoiced_to_date_in_contract_currency

    from contract_months
    inner join invoice_currency_months
        on contract_months.vendor_key = invoice_currency_months.vendor_key
        and invoice_currency_months.invoice_month <= contract_months.reporting_month
    where contract_months.contract_currency_count = 1
        and contract_months.contract_value > 0
    group by
        contract_months.vendor_key,
        contract_months.reporting_month

),

order_months as (

    select
        lower(trim(vendor)) as vendor_key,
        po_month as reporting_month,
        sum(po_amount) as po_amount

    from purchase_orders
    group by
        lower(trim(vendor)),
        po_month

),

joined as (

    select
        vendor_months.vendor_key,
        vendor_months.vendor,
        vendor_months.reporting_month,
        coalesce(contract_months.active_contract_count, 0) as active_contract_count,
        coalesce(contract_months.signed_contract_count, 0) > 0 as has_contract,
        contract_months.contract_value,
        (
            contract_months.contract_currency_count = 1
            and contract_months.contract_value > 0
        ) as is_compared_in_contract_currency,
        contract_months.contract_value_in_contract_currency,
        contract_months.contract_value / contract_months.contract_value_in_contract_currency
            as contract_fx_rate,
        coalesce(contract_currency_spend.invoiced_to_date_in_contract_currency, 0)
            as invoiced_to_date_in_contract_currency,
        coalesce(sla_months.sla_result_count, 0) as sla_result_count,
        coalesce(sla_months.sla_met_count, 0) as sla_met_count,
        coalesce(deliverable_months.deliverable_due_count, 0) as deliverable_due_count,
        coalesce(deliverable_months.deliverable_on_time_count, 0) as deliverable_on_time_count,
        coalesce(deliverable_months.deliverable_late_count, 0) as deliverable_late_count,
        coalesce(deliverable_months.deliverable_overdue_count, 0) as deliverable_overdue_count,
        coalesce(invoice_months.invoice_count, 0) as invoice_count,
        coalesce(invoice_months.inaccurate_invoice_count, 0) as inaccurate_invoice_count,
        coalesce(invoice_months.invoiced_amount, 0) as invoiced_in_month_amount,
        sum(coalesce(invoice_months.invoiced_amount, 0)) over (
            partition by vendor_months.vendor_key
            order by vendor_months.reporting_month
            rows between unbounded preceding and current row
        ) as invoiced_to_date_amount,
        sum(coalesce(order_months.po_amount, 0)) over (
            partition by vendor_months.vendor_key
            order by vendor_months.reporting_month
            rows between unbounded preceding and current row
        ) as po_committed_amount,
        sum(coalesce(sla_months.sla_result_count, 0)) over (
            partition by vendor_months.vendor_key
            order by vendor_months.reporting_month
            rows between 2 preceding and current row
        ) as sla_result_count_3m,
        sum(coalesce(sla_months.sla_met_count, 0)) over (
            partition by vendor_months.vendor_key
            order by vendor_months.reporting_month
            rows between 2 preceding and current row
        ) as sla_met_count_3m

    from vendor_months
    left join contract_months
        on vendor_months.vendor_key = contract_months.vendor_key
        and vendor_months.reporting_month = contract_months.reporting_month
    left join contract_currency_spend
        on vendor_months.vendor_key = contract_currency_spend.vendor_key
        and vendor_months.reporting_month = contract_currency_spend.reporting_month
    left join sla_months
        on vendor_months.vendor_key = sla_months.vendor_key
        and vendor_months.reporting_month = sla_months.reporting_month
    left join deliverable_months
        on vendor_months.vendor_key = deliverable_months.vendor_key
        and vendor_months.reporting_month = deliverable_months.reporting_month
    left join invoice_months
        on vendor_months.vendor_key = invoice_months.vendor_key
        and vendor_months.reporting_month = invoice_months.reporting_month
    left join order_months
        on vendor_months.vendor_key = order_months.vendor_key
        and vendor_months.reporting_month = order_months.reporting_month

),

rated as (

    select
        joined.*,
        {{ safe_divide('100.0 * sla_met_count', 'sla_result_count') }} as sla_attainment_pct,
        {{ safe_divide('100.0 * sla_met_count_3m', 'sla_result_count_3m') }}
            as sla_attainment_3m_pct,
        {{ safe_divide(
            '100.0 * deliverable_on_time_count',
            'deliverable_on_time_count + deliverable_late_count + deliverable_overdue_count',
        ) }} as deliverable_on_time_pct,
        case
            when is_compared_in_contract_currency
                then 100.0 * invoiced_to_date_in_contract_currency
                    / contract_value_in_contract_currency
            when has_contract
                then {{ safe_divide('100.0 * invoiced_to_date_amount', 'contract_value') }}
        end as spend_to_contract_pct,
        case
            when is_compared_in_contract_currency
                then contract_value_in_contract_currency - invoiced_to_date_in_contract_currency
            when has_contract then contract_value - invoiced_to_date_amount
        end as contract_remaining_compared,
        {{ safe_divide('100.0 * invoiced_to_date_amount', 'po_committed_amount') }}
            as spend_to_po_pct,
        {{ safe_divide('100.0 * (invoice_count - inaccurate_invoice_count)', 'invoice_count') }}
            as invoice_accuracy_pct

    from joined

),

final as (

    select

        ----------  ids
        vendor_key,
        reporting_month,

        ----------  text
        vendor,

        ----------  numerics
        active_contract_count,
        sla_result_count,
        sla_met_count,
        sla_result_count - sla_met_count as sla_breach_count,
        sla_attainment_pct,
        sla_attainment_3m_pct,
        sla_attainment_pct - lag(sla_attainment_pct) over (
            partition by vendor_key order by reporting_month
        ) as sla_attainment_change_pts,
        deliverable_due_count,
        deliverable_on_time_count,
        deliverable_late_count,
        deliverable_overdue_count,
        deliverable_on_time_pct,
        contract_value,
        po_committed_amount,
        invoiced_in_month_amount,
        invoiced_to_date_amount,
        case
            when is_compared_in_contract_currency
                then contract_remaining_compared * contract_fx_rate
            when has_contract then contract_remaining_compared
        end as contract_remaining_amount,
        case
            when has_contract then cast(0 as {{ type_double() }})
            else invoiced_to_date_amount
        end as uncontracted_spend_amount,
        spend_to_contract_pct,
        spend_to_po_pct,
        invoice_count,
        inaccurate_invoice_count,
        invoice_accuracy_pct,

        ----------  booleans
        has_contract,
        (not has_contract and invoiced_to_date_amount > 0) as has_uncontracted_spend,
        (sla_result_count > sla_met_count) as has_sla_breach,
        coalesce(
            has_contract and contract_value > 0 and contract_remaining_compared <= -0.5,
            false
        ) as is_over_contract_value

    from rated

)

select * from final
