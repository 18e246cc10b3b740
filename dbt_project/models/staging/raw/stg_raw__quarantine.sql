with

source as (

    select * from {{ source('raw', 'quarantine') }}

),

renamed as (

    select

        ----------  ids
        load_id,
        source_sha256,

        ----------  text
        entity,
        source_file,
        column_name,
        found_value,
        reason,
        record_json,

        ----------  numerics
        source_line,
        last_source_line,
        coalesce(rows_represented, 1) as rows_represented,

        ----------  timestamps
        quarantined_at

    from source

)

select * from renamed
