-- One row per project and exported entity of the data_freshness_cadence seed, at the as-of
-- date: the date of the latest export for the project (snapshot date; the latest work date for
-- timesheets; the month end of the latest status note, capped at the as-of date; the latest
-- earned-value status date carrying progress or cost), days since it, and whether it is stale.
--
-- Stale: older than the seed's max_age_days, or never exported when the entity is required -
-- only for a project that should be producing data at the as-of date (started, and not
-- proposed, closed or cancelled). A project that should not has is_stale false throughout.

with

projects as (

    select * from {{ ref('dim_projects') }}

),

timesheets as (

    select * from {{ ref('stg_raw__timesheets') }}

),

tasks as (

    select * from {{ ref('stg_raw__tasks') }}

),

risks as (

    select * from {{ ref('stg_raw__risks') }}

),

milestones as (

    select * from {{ ref('stg_raw__milestones') }}

),

status_notes as (

    select * from {{ ref('stg_raw__status_notes') }}

),

earned_value_imports as (

    select * from {{ ref('stg_raw__earned_value') }}

),

data_freshness_cadence as (

    select * from {{ ref('data_freshness_cadence') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

latest_exports as (

    {# the exports dated by one column: the latest date on or before the as-of date -#}
    {% for entity, date_column in [
        ('timesheets', 'work_date'),
        ('tasks', 'snapshot_date'),
        ('risks', 'snapshot_date'),
        ('milestones', 'snapshot_date'),
    ] -%}
    select
        '{{ entity }}' as entity,
        {{ entity }}.project_code,
        max({{ entity }}.{{ date_column }}) as latest_export_date
    from {{ entity }}
    cross join reporting_period
    where {{ entity }}.{{ date_column }} <= reporting_period.as_of_date
    group by {{ entity }}.project_code

    union all

    {% endfor -%}
    select
        'status_notes' as entity,
        status_notes.project_code,
        max(
            case
                when {{ month_end('status_notes.reporting_month') }} > reporting_period.as_of_date
                    then reporting_period.as_of_date
                else {{ month_end('status_notes.reporting_month') }}
            end
        ) as latest_export_date
    from status_notes
    cross join reporting_period
    where status_notes.reporting_month <= reporting_period.as_of_month
    group by status_notes.project_code

    union all

    select
        'earned_value' as entity,
        earned_value_imports.project_code,
        max(earned_value_imports.status_date) as latest_export_date
    from earned_value_imports
    cross join reporting_period
    where
        earned_value_imports.status_date <= reporting_period.as_of_date
        and (
            earned_value_imports.earned_value is not null
            or earned_value_imports.actual_cost is not null
        )
    group by earned_value_imports.project_code

),

project_entities as (

    select
        projects.project_code,
        lower(trim(data_freshness_cadence.entity)) as entity,
        data_freshness_cadence.max_age_days,
        data_freshness_cadence.is_required,
        reporting_period.as_of_date,
        coalesce(
            projects.start_date <= reporting_period.as_of_date
            and coalesce(projects.project_status, 'active')
            not in ('proposed', 'closed', 'cancelled'),
            false
        ) as is_expected_to_report

    from projects
    cross join data_freshness_cadence
    cross join reporting_period

),

measured as (

    select
        project_entities.*,
        latest_exports.latest_export_date,
        {{ dbt.datediff(
            'latest_exports.latest_export_date', 'project_entities.as_of_date', 'day'
        ) }} as days_since_latest_export

    from project_entities
    left join latest_exports
        on project_entities.project_code = latest_exports.project_code
        and project_entities.entity = latest_exports.entity

),

final as (

    select

        ----------  ids
        project_code,
        entity,

        ----------  dates
        as_of_date,
        latest_export_date,

        ----------  numerics
        days_since_latest_export,
        max_age_days,

        ----------  booleans
        is_required,
        is_expected_to_report,
        (
            is_expected_to_report and (is_required or latest_export_date is not null)
        ) as is_checked,
        case
            when not is_expected_to_report then false
            when latest_export_date is null then is_required
            else days_since_latest_export > max_age_days
        end as is_stale

    from measured

)

select * from final
