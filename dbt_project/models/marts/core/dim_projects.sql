-- One row per project in the projects master: its descriptive attributes, its monthly period
-- frame (start month, planned-finish month, planned duration) and the baseline in force at the
-- as-of date (int_project_attributes). A closed or cancelled project is closed from the month of
-- its last actual cost (its planned-finish month when it never booked any): from then on it
-- leaves the current health counts and is reported in a closed section.

with

attributes as (

    select * from {{ ref('int_project_attributes') }}

),

closures as (

    select * from {{ ref('int_project_closures') }}

),

final as (

    select
        attributes.*,
        closures.closed_from_month

    from attributes
    left join closures
        on attributes.project_code = closures.project_code

)

select * from final
