-- One row per project and age bucket (0-30, 31-60, 61-90, >90 days; from the
-- invoice_age_buckets seed): the invoices unpaid at the as-of date - dated on or before it and
-- not paid by then - by days from invoice date to the as-of date. Every bucket of every project
-- is present (0 when empty). Amounts in the reporting currency.

with

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

projects as (

    select * from {{ ref('int_project_attributes') }}

),

invoice_age_buckets as (

    select * from {{ ref('invoice_age_buckets') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

unpaid_invoices as (

    select
        invoices.project_code,
        invoices.invoice_date,
        invoices.invoice_amount,
        {{ dbt.datediff('invoices.invoice_date', 'reporting_period.as_of_date', 'day') }}
            as age_days

    from invoices
    cross join reporting_period
    where
        invoices.invoice_date <= reporting_period.as_of_date
        and (invoices.paid_date is null or invoices.paid_date > reporting_period.as_of_date)

),

bucketed as (

    select
        unpaid_invoices.project_code,
        invoice_age_buckets.age_bucket,
        count(*) as unpaid_invoice_count,
        coalesce(sum(unpaid_invoices.invoice_amount), 0) as unpaid_amount,
        min(unpaid_invoices.invoice_date) as oldest_invoice_date,
        max(unpaid_invoices.age_days) as oldest_invoice_age_days

    from unpaid_invoices
    inner join invoice_age_buckets
        on unpaid_invoices.age_days >= invoice_age_buckets.min_age_days
        and (
            invoice_age_buckets.max_age_days is null
            or unpaid_invoices.age_days <= invoice_age_buckets.max_age_days
        )
    group by
        unpaid_invoices.project_code,
        invoice_age_buckets.age_bucket

),

final as (

    select

        ----------  ids
        projects.project_code,
        invoice_age_buckets.age_bucket,

        ----------  dates
        reporting_period.as_of_date,
        bucketed.oldest_invoice_date,

        ----------  numerics
        invoice_age_buckets.bucket_order,
        invoice_age_buckets.min_age_days,
        invoice_age_buckets.max_age_days as bucket_max_age_days,
        coalesce(bucketed.unpaid_invoice_count, 0) as unpaid_invoice_count,
        coalesce(bucketed.unpaid_amount, 0) as unpaid_amount,
        bucketed.oldest_invoice_age_days

    from projects
    cross join invoice_age_buckets
    cross join reporting_period
    left join bucketed
        on projects.project_code = bucketed.project_code
        and invoice_age_buckets.age_bucket = bucketed.age_bucket

)

select * from final
