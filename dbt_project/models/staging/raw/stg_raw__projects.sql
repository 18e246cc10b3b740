with

source as (

    select * from {{ source('raw', 'projects') }}

),

renamed as (

    select

        ----------  ids
        project_code,

        ----------  text
        project_name,
        portfolio,
        program,
        business_unit,
        sponsor,
        project_manager,
        methodology,
        status as project_status,
        upper(trim(currency)) as currency,

        ----------  dates
        start_date,
        planned_finish_date,

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
