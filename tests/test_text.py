"""What a user reads of a failed step: the error's lines that say something."""

from __future__ import annotations

from pipelines.text import failure_summary

# the shape dagster-dbt gives a failed dbt build: a heading, then dbt's error lines
DBT_FAILURE = """

Errors parsed from dbt logs:

Failure in test dim_projects_grain (models/marts/core/_core__models.yml)

  Got 1 result, configured to fail if != 0"""


def test_a_failed_dbt_build_shows_what_dbt_said_not_its_heading() -> None:
    assert failure_summary(DBT_FAILURE) == "Got 1 result, configured to fail if != 0"


def test_a_heading_with_nothing_under_it_says_where_the_details_are() -> None:
    assert failure_summary("\n\nErrors parsed from dbt logs:") == (
        "no details in the error (the run's log in the data directory has them)"
    )


def test_an_exception_shows_its_message_without_the_class_name() -> None:
    message = 'Traceback (most recent call last):\n  File "x.py", line 1\nOSError: disk full'
    assert failure_summary(message) == "disk full"
