-- One row per lesson category: how many lessons and projects name it, how many of them were
-- negative, the phases they come from, and whether it recurs (two projects or more): the themes
-- a PMO turns into standards for the next project.

with

lessons as (

    select * from {{ ref('rpt_lessons_learned') }}

),

category_phases as (

    select distinct
        category,
        phase
    from lessons

),

phase_lists as (

    select
        category,
        {{ dbt.listagg('phase', "', '", 'order by phase') }} as phases

    from category_phases
    group by category

),

counts as (

    select
        category,
        count(*) as lesson_count,
        count(distinct project_code) as project_count,
        count(*) filter (where impact = 'negative') as negative_lesson_count,
        count(*) filter (where impact = 'positive') as positive_lesson_count,
        count(distinct project_code) >= 2 as is_recurring_theme,
        max(recorded_date) as latest_recorded_date

    from lessons
    group by category

)

select
    counts.category,
    counts.lesson_count,
    counts.project_count,
    counts.negative_lesson_count,
    counts.positive_lesson_count,
    phase_lists.phases,
    counts.is_recurring_theme,
    counts.latest_recorded_date

from counts
left join phase_lists
    on counts.category = phase_lists.category
