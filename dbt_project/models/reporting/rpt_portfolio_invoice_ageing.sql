-- One row per age bucket over every project, and one 'All ages' row: the vendor invoices unpaid
-- at the as-of date and their total (reporting currency) - the sum over projects of
-- rpt_invoice_ageing, the FSR's ageing totals and its "unpaid invoices" figure.

with

invoice_ageing as (

    select * from {{ ref('rpt_invoice_ageing') }}

),

by_bucket as (

    select
        age_bucket,
        bucket_order,
        false as is_all_ages,
        sum(unpaid_invoice_count)::bigint as unpaid_invoice_count,
        sum(unpaid_amount)::double as unpaid_amount

    from invoice_ageing
    group by age_bucket, bucket_order

),

all_ages as (

    select
        'All ages' as age_bucket,
        coalesce(max(bucket_order), 0) + 1 as bucket_order,  -- last, buckets or none
        true as is_all_ages,
        coalesce(sum(unpaid_invoice_count), 0)::bigint as unpaid_invoice_count,
        coalesce(sum(unpaid_amount), 0)::double as unpaid_amount

    from by_bucket

),

final as (

    select * from by_bucket
    union all
    select * from all_ages

)

select * from final
