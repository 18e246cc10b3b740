-- One row per contract, SLA term and month measured: the target, the actual and whether it
-- was met, with the vendor and the project the contract serves; a breach carries its
-- description in words ("availability 98.20% against at least 99.50%"). The Vendors page's and
-- the packs' breach list, and the scorecard's attainment. From int_vendor_sla_results_monthly.

with

results as (

    select * from {{ ref('int_vendor_sla_results_monthly') }}

),

contracts as (

    select * from {{ ref('int_vendor_contracts_converted') }}

),

projects as (

    select * from {{ ref('int_project_attributes') }}

),

described as (

    select
        results.*,
        contracts.vendor,
        contracts.vendor_key,
        contracts.project_code,
        projects.project_name,
        case
            when results.priority is not null
                then {{ dbt.concat([
                    "upper(results.priority)", "' '",
                    "replace(replace(results.metric, '_hours', ''), '_', ' ')",
                    "' within '", format_number('results.target', 1), "' h'",
                ]) }}
            else replace(results.metric, '_', ' ')
        end as sla_name

    from results
    inner join contracts
        on results.contract_id = contracts.contract_id
    left join projects
        on contracts.project_code = projects.project_code

),

final as (

    select

        ----------  ids
        contract_id,
        metric,
        priority,
        reporting_month,

        ----------  text
        vendor,
        vendor_key,
        project_code,
        project_name,
        sla_name,
        measured_from,
        direction,
        case
            when is_met then null
            when ticket_count is not null
                then {{ dbt.concat([
                    "sla_name", "': '", format_number('actual', 1), "'% of '",
                    "cast(ticket_count as " ~ dbt.type_string() ~ ")",
                    "case when ticket_count = 1 then ' ticket' else ' tickets' end",
                    "' within target, against at least '",
                    format_number('compliance_target_pct', 1), "'%'",
                ]) }}
            else {{ dbt.concat([
                "sla_name", "' '", format_number('actual', 2),
                "case when direction = 'higher_is_better' then ' against at least '"
                ~ " else ' against at most ' end",
                format_number('target', 2),
            ]) }}
        end as breach_description,

        ----------  numerics
        target,
        compliance_target_pct,
        actual,
        ticket_count,
        tickets_within_target_count,

        ----------  booleans
        is_met,
        not is_met as is_breach

    from described

)

select * from final
