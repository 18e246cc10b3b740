with

source as (

    select * from {{ source('raw', 'timesheets') }}

),

renamed as (

    select

        ----------  ids
        employee_id,
        project_code,
        task_key,

        ----------  text
        comment,

        ----------  numerics
        hours as logged_hours,

        ----------  booleans
        is_billable,

        ----------  dates
        work_date,

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
