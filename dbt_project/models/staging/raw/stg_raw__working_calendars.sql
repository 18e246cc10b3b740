with

source as (

    select * from {{ source('raw', 'working_calendars') }}

),

renamed as (

    select

        ----------  ids
        project_code,
        project_code is null as is_every_project,
        calendar_name,

        ----------  week (Monday first)
        is_monday_working,
        is_tuesday_working,
        is_wednesday_working,
        is_thursday_working,
        is_friday_working,
        is_saturday_working,
        is_sunday_working,
        hours_per_day,

        ----------  dates
        snapshot_date,

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
