with

source as (

    select * from {{ source('raw', 'lessons_learned') }}

),

renamed as (

    select

        ----------  ids
        project_code,
        lesson_id,

        ----------  text
        coalesce(replace(phase, '_', ' '), 'not stated') as phase,
        replace(category, '_', ' ') as category,
        what_happened,
        coalesce(impact, 'neutral') as impact,
        recommendation,
        owner,

        ----------  dates
        recorded_date,

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
