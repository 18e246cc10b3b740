"""The Dagster layer, one package per concern: each holds its assets, checks, jobs, schedules and
sensors and gives them as one ``Definitions`` (``defs()``), which ``pipelines.definitions`` merges
with the resources. The library code they run (loading, dbt's project, snapshots, report
builders) lives outside this package.

- ``ingest``: the landing scan and one asset per raw entity, their expectation checks, and the
  sensor on the landing folder;
- ``transform``: the dbt models (dbt tests are their checks);
- ``publish``: the published snapshot, and the refresh job that ends in it with its daily
  schedule;
- ``reports``: the month-end and weekly packs, their jobs and schedules.
"""
