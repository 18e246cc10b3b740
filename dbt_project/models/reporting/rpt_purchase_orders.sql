-- One row per purchase order: its amount in the reporting currency, what was invoiced against it
-- by the as-of date and the commitment still open - the FSR's purchase-order table.

select
    po_number,
    project_code,
    vendor,
    cost_category,
    expense_type,
    po_date,
    po_month,
    original_currency,
    original_amount,
    po_amount,
    invoice_count,
    invoiced_amount,
    open_commitment_amount,
    is_over_invoiced,
    is_fx_rate_missing,
    source_file,
    source_line

from {{ ref('int_finance_purchase_orders_converted') }}
