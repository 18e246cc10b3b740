-- One row per lesson learned, with the project it comes from (name, portfolio, methodology,
-- whether it is closed) so the portfolio can search them by category, phase and words, and
-- whether its category recurs across projects (rpt_lesson_themes).

with

lessons as (

    select * from {{ ref('stg_raw__lessons_learned') }}

),

projects as (

    select * from {{ ref('int_project_attributes') }}

),

reporting_period as (

    select * from {{ ref('int_reporting_period') }}

),

recurring as (

    select
        category,
        count(distinct project_code) >= 2 as is_recurring_theme
    from lessons
    group by category

)

select
    lessons.project_code,
    lessons.lesson_id,
    projects.project_name,
    projects.portfolio,
    projects.methodology,
    coalesce(projects.is_closed, false) as is_project_closed,
    lessons.recorded_date,
    lessons.phase,
    lessons.category,
    lessons.impact,
    lessons.what_happened,
    lessons.recommendation,
    lessons.owner,
    recurring.is_recurring_theme,
    lessons.source_file,
    lessons.source_line

from lessons
cross join reporting_period
left join projects
    on lessons.project_code = projects.project_code
left join recurring
    on lessons.category = recurring.category
where lessons.recorded_date <= reporting_period.as_of_date
