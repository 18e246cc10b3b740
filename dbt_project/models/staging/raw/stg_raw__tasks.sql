with

source as (

    select * from {{ source('raw', 'tasks') }}

),

renamed as (

    select

        ----------  ids
        project_code,
        task_key,
        parent_key,

        ----------  text
        task_name,
        task_type,
        status as task_status,
        status_category,
        sprint,
        assignee,

        ----------  numerics
        story_points,
        estimate_hours,
        baseline_cost,
        percent_complete,

        ----------  booleans
        is_summary,
        is_milestone,

        ----------  dates
        planned_start,
        planned_finish,
        coalesce(forecast_start, planned_start) as forecast_start,
        coalesce(forecast_finish, planned_finish) as forecast_finish,
        actual_start,
        actual_finish,
        snapshot_date,

        ----------  timestamps
        created_at,
        resolved_at,

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
