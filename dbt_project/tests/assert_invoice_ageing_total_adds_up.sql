-- The FSR's unpaid-invoices figure is the sum of its parts: the 'All ages' row of
-- rpt_portfolio_invoice_ageing equals its buckets and every project's ageing rows (count exact,
-- amount to the cent). Fails with a row saying which total disagrees.

with

portfolio as (

    select * from {{ ref('rpt_portfolio_invoice_ageing') }}

),

projects as (

    select
        coalesce(sum(unpaid_invoice_count), 0) as unpaid_invoice_count,
        coalesce(sum(unpaid_amount), 0) as unpaid_amount
    from {{ ref('rpt_invoice_ageing') }}

),

buckets as (

    select
        coalesce(sum(unpaid_invoice_count), 0) as unpaid_invoice_count,
        coalesce(sum(unpaid_amount), 0) as unpaid_amount
    from portfolio
    where not is_all_ages

),

total as (

    select
        unpaid_invoice_count,
        unpaid_amount
    from portfolio
    where is_all_ages

),

compared as (

    select
        'buckets' as against,
        total.*,
        buckets.unpaid_invoice_count as parts_count,
        buckets.unpaid_amount as parts_amount
    from total cross join buckets
    union all
    select
        'projects' as against,
        total.*,
        projects.unpaid_invoice_count as parts_count,
        projects.unpaid_amount as parts_amount
    from total cross join projects

)

select * from compared
where unpaid_invoice_count <> parts_count or abs(unpaid_amount - parts_amount) >= 0.01
