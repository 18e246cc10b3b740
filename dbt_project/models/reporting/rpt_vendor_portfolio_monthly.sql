-- One row per month of the vendor scorecard (from the first vendor's first month to the as-of
-- month): the whole vendor base in figures, summed from rpt_vendor_scorecard_monthly. The
-- Vendors page's tiles.
-- * Active vendors: a contract in force or an invoice in the month. Active contracts: in force.
-- * SLA attainment: results met / measured in the month, over every vendor (a ratio of sums,
--   never an average of vendors' percentages); breaches in the month.
-- * Spend to date against contract value: spend of the vendors under contract against the
--   value of their contracts; the spend of vendors without one is uncontracted spend, apart.
-- * Invoices of the month not matching their purchase order.

with

scorecard as (

    select * from {{ ref('rpt_vendor_scorecard_monthly') }}

),

rolled_up as (

    select
        reporting_month,
        count(distinct vendor_key) as vendor_count,
        sum(
            case when active_contract_count > 0 or invoice_count > 0 then 1 else 0 end
        ) as active_vendor_count,
        sum(active_contract_count) as active_contract_count,
        sum(sla_result_count) as sla_result_count,
        sum(sla_met_count) as sla_met_count,
        sum(sla_breach_count) as sla_breach_count,
        sum(case when has_sla_breach then 1 else 0 end) as vendors_with_sla_breach_count,
        sum(contract_value) as contract_value,
        sum(invoiced_to_date_amount) as invoiced_to_date_amount,
        sum(case when has_contract then invoiced_to_date_amount else 0 end)
            as contracted_spend_amount,
        sum(uncontracted_spend_amount) as uncontracted_spend_amount,
        sum(case when has_uncontracted_spend then 1 else 0 end) as uncontracted_vendor_count,
        sum(case when is_over_contract_value then 1 else 0 end) as over_contract_vendor_count,
        sum(invoice_count) as invoice_count,
        sum(inaccurate_invoice_count) as inaccurate_invoice_count

    from scorecard
    group by reporting_month

),

final as (

    select

        ----------  ids
        reporting_month,

        ----------  numerics
        vendor_count,
        active_vendor_count,
        active_contract_count,
        sla_result_count,
        sla_met_count,
        sla_breach_count,
        {{ safe_divide('100.0 * sla_met_count', 'sla_result_count') }} as sla_attainment_pct,
        vendors_with_sla_breach_count,
        contract_value,
        invoiced_to_date_amount,
        contracted_spend_amount,
        {{ safe_divide('100.0 * contracted_spend_amount', 'contract_value') }}
            as spend_to_contract_pct,
        uncontracted_spend_amount,
        uncontracted_vendor_count,
        over_contract_vendor_count,
        invoice_count,
        inaccurate_invoice_count,
        {{ safe_divide('100.0 * (invoice_count - inaccurate_invoice_count)', 'invoice_count') }}
            as invoice_accuracy_pct

    from rolled_up

)

select * from final
