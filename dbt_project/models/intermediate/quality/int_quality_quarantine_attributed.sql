-- One row per quarantined input row (raw.quarantine; past a file's first 1,000, one row per kind
-- stands for rows_represented rows), attributed to a project where that can be
-- done, so the data-quality report can show each project its refused rows:
-- 1. the refused record's own project_code (record_json), matched to the projects master by
--    code, else by name (case-insensitive; a name shared by two projects matches neither) - this
--    also attributes a row refused for an unknown code once that project has been added;
-- 2. else the file's project, when every row loaded from the same file (same sha256) belongs to
--    one project.
-- Rows attributable by neither keep project_code NULL (they show in the quarantine listing only).

{%- set project_entities = [
    'stg_raw__timesheets', 'stg_raw__budgets', 'stg_raw__tasks', 'stg_raw__sprints',
    'stg_raw__milestones', 'stg_raw__risks', 'stg_raw__change_requests',
    'stg_raw__purchase_orders', 'stg_raw__invoices', 'stg_raw__status_notes',
    'stg_raw__earned_value',
] %}

with

quarantine as (

    select * from {{ ref('stg_raw__quarantine') }}

),

projects as (

    select * from {{ ref('stg_raw__projects') }}

),

{% for entity_model in project_entities %}
{{ entity_model }} as (

    select * from {{ ref(entity_model) }}

),

{% endfor %}
project_codes as (

    select
        lower(trim(project_code)) as reference_key,
        project_code

    from projects

),

project_names as (

    select
        lower(trim(project_name)) as reference_key,
        min(project_code) as project_code

    from projects
    group by lower(trim(project_name))
    having count(*) = 1

),

file_projects as (

    {% for entity_model in project_entities -%}
    select distinct
        source_sha256,
        project_code
    from {{ entity_model }}
    {% if not loop.last %}
    union
    {% endif %}
    {%- endfor %}

),

single_project_files as (

    select
        source_sha256,
        min(project_code) as project_code

    from file_projects
    group by source_sha256
    having count(distinct project_code) = 1

),

quarantine_references as (

    select
        quarantine.*,
        {{ json_extract_text('quarantine.record_json', 'project_code') }}
            as recorded_project_reference

    from quarantine

),

attributed as (

    select

        ----------  ids
        quarantine_references.load_id,
        quarantine_references.source_sha256,
        quarantine_references.source_line,
        quarantine_references.last_source_line,
        coalesce(
            project_codes.project_code,
            project_names.project_code,
            single_project_files.project_code
        ) as project_code,

        ----------  text
        quarantine_references.entity,
        quarantine_references.source_file,
        quarantine_references.column_name,
        quarantine_references.found_value,
        quarantine_references.reason,
        quarantine_references.recorded_project_reference,
        case
            when project_codes.project_code is not null then 'record_code'
            when project_names.project_code is not null then 'record_name'
            when single_project_files.project_code is not null then 'file'
        end as attribution_method,

        ----------  numerics
        quarantine_references.rows_represented,

        ----------  booleans
        (lower(quarantine_references.reason) like '%unknown project%') as is_unknown_project,

        ----------  timestamps
        quarantine_references.quarantined_at

    from quarantine_references
    left join project_codes
        on lower(trim(quarantine_references.recorded_project_reference))
        = project_codes.reference_key
    left join project_names
        on lower(trim(quarantine_references.recorded_project_reference))
        = project_names.reference_key
    left join single_project_files
        on quarantine_references.source_sha256 = single_project_files.source_sha256

)

select * from attributed
