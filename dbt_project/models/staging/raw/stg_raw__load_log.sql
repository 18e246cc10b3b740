with

source as (

    select * from {{ source('raw', 'load_log') }}

),

renamed as (

    select

        ----------  ids
        load_id,
        source_sha256,

        ----------  text
        source_file,
        source_format,
        entity,
        status as load_status,
        error as error_message,

        ----------  numerics
        rows_read,
        rows_loaded,
        rows_quarantined,
        rows_replaced,

        ----------  dates
        snapshot_date,

        ----------  timestamps
        file_modified_at,
        loaded_at

    from source

)

select * from renamed
