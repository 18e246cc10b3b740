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

        ----------  timestamps
        quarantined_at

    from source

)

select * from renamed
