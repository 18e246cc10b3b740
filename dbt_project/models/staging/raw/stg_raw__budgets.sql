-- budget_month is normalised to the first day of its month.

with

source as (

    select * from {{ source('raw', 'budgets') }}

),

renamed as (

    select

        ----------  ids
        project_code,
        baseline_version,

        ----------  text
        cost_category,
        expense_type,
        upper(trim(currency)) as currency,

        ----------  numerics
        amount as budget_amount,

        ----------  dates
        {{ month_start('budget_month') }} as budget_month,
        approved_on,

        ----------  lineage
        source_file,
        source_sha256,
        source_line,
        source_format,
        load_id,
        loaded_at

    from source

)

select * from renamed
