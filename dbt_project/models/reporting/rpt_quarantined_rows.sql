-- One row per stored quarantine row (a refused source line, or one row standing for many past a
-- file's first 1,000), attributed to its project where the file or the record names one: what the
-- MSR's data caveats list, with the file and line to fix.

select
    project_code,
    entity,
    source_file,
    source_line,
    last_source_line,
    rows_represented,
    column_name,
    found_value,
    reason,
    is_unknown_project,
    attribution_method

from {{ ref('int_quality_quarantine_attributed') }}
