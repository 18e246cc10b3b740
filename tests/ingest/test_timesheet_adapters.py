"""Time-tracking exports (Tempo, Harvest, Toggl Track, Clockify) read through real detection.

Each fixture under tests/fixtures/timesheets is a hand-written export in the vendor's layout,
with the locale quirks formats.md §1.2/§1.5 lists: ``;`` separators, decimal commas, day-first and
dotted dates, BOMs, CRLF, multi-line notes, negative and over-24 h entries, an impossible date and
a spreadsheet formula in a comment.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.adapters import clockify, harvest, tempo, toggl
from pipelines.ingest.adapters.base import Adapter
from pipelines.ingest.contracts import ENTITIES
from pipelines.ingest.detect import detect, probe_file
from pipelines.ingest.errors import FileRejected
from tests.conftest import FIXTURES

HERE = FIXTURES / "timesheets"
COLUMNS = ENTITIES["timesheets"].column_names

OURS: dict[str, Adapter] = {
    "tempo_worklogs": tempo.ADAPTERS[0],
    "harvest_time": harvest.ADAPTERS[0],
    "toggl_detailed": toggl.ADAPTERS[0],
    "clockify_detailed": clockify.ADAPTERS[0],
}

FIXTURE_FORMAT = {
    "tempo_worklogs.csv": "tempo_worklogs",
    "tempo_worklogs_de.csv": "tempo_worklogs",
    "harvest_detailed.csv": "harvest_time",
    "harvest_detailed_fi.csv": "harvest_time",
    "harvest_detailed_eu.csv": "harvest_time",
    "toggl_detailed.csv": "toggl_detailed",
    "toggl_detailed_eu.csv": "toggl_detailed",
    "clockify_detailed.csv": "clockify_detailed",
    "clockify_detailed_eu.csv": "clockify_detailed",
}


def load(path: Path) -> tuple[str, pl.DataFrame]:
    probe = probe_file(path)
    adapter = detect(probe)
    frames = adapter.read(probe)
    assert list(frames) == ["timesheets"]
    return adapter.name, frames["timesheets"]


def rows(frame: pl.DataFrame) -> list[dict[str, object]]:
    return frame.to_dicts()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- every fixture ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FIXTURE_FORMAT))
def test_fixture_detected_as_its_format_with_the_canonical_shape(name: str) -> None:
    adapter_name, frame = load(HERE / name)
    assert adapter_name == FIXTURE_FORMAT[name]
    assert frame.columns == [*COLUMNS, "source_line"]
    assert all(frame.schema[column] == pl.String for column in COLUMNS)
    assert frame.schema["source_line"] == pl.Int64


def test_every_fixture_is_listed() -> None:
    assert {path.name for path in HERE.glob("*.csv")} == set(FIXTURE_FORMAT)


@pytest.mark.parametrize("name", sorted(FIXTURE_FORMAT))
def test_only_the_own_sniffer_matches(name: str) -> None:
    probe = probe_file(HERE / name)
    matching = {adapter_name for adapter_name, adapter in OURS.items() if adapter.sniff(probe)}
    assert matching == {FIXTURE_FORMAT[name]}


# --- Tempo ------------------------------------------------------------------------------------


def test_tempo_worklogs() -> None:
    _, frame = load(HERE / "tempo_worklogs.csv")
    got = rows(frame)
    assert len(got) == 5
    assert got[0] == {
        "employee_id": "jdoe",
        "project_code": "PAY",
        "task_key": "PAY-142",
        "work_date": "2016-08-01",
        "hours": "7.5",
        "is_billable": "true",
        "comment": "API contract review",
        "source_line": 2,
    }
    # The multi-line description keeps its line break; the next record starts two lines later.
    assert got[1]["comment"] == "Reviewed the migration plan\nwith the DBA team"
    assert got[1]["work_date"] == "2016-08-02"
    assert got[1]["is_billable"] == "false"  # Billed Hours 0
    assert [row["source_line"] for row in got] == [2, 3, 5, 6, 7]
    # Negative hours stay negative so the loader quarantines the row.
    assert got[2]["hours"] == "-1.5"
    # Blank Project Key: the Jira project key is the issue key's prefix.
    assert got[3]["project_code"] == "OPS"
    # Unparseable date and hours are passed on as found.
    assert got[3]["work_date"] == "Aug 4th"
    assert got[4]["hours"] == "n/a"
    assert got[4]["work_date"] == "2016-12-31"
    # Blank Billed Hours: billability unknown, not false.
    assert got[3]["is_billable"] is None
    # A spreadsheet formula is text, kept verbatim.
    assert got[3]["comment"] == '=HYPERLINK("https://intranet.example.com/runbook","runbook")'


def test_tempo_german_locale_without_billed_hours() -> None:
    _, frame = load(HERE / "tempo_worklogs_de.csv")
    got = rows(frame)
    assert [(r["work_date"], r["hours"]) for r in got] == [
        ("2017-03-13", "7.5"),
        ("2017-04-02", "-0.5"),
    ]
    assert [r["is_billable"] for r in got] == [None, None]
    assert got[0]["comment"] == "Schnittstelle; Abstimmung"


def test_tempo_real_header(shared_samples: Path, tmp_path: Path) -> None:
    """The real Tempo header (repeated Epic Link, custom fields appended) with one worklog."""
    header = (shared_samples / "tempo" / "tempo_worklog_header.csv").read_text().strip()
    names = header.split(",")
    cells = [""] * len(names)
    values = {
        "Issue Key": "ABC-1",
        "Hours": "3,25",
        "Work date": "2016-8-1 14:33",
        "Username": "jdoe",
        "Project Key": "ABC",
        "Work Description": "Pairing, review",
        "Billed Hours": "3,25",
        "Epic Link": "ABC-0",
    }
    for name, value in values.items():
        cells[names.index(name)] = f'"{value}"'
    cells[len(names) - 1 - names[::-1].index("Epic Link")] = "CUSTOM-EPIC"
    path = write(tmp_path, "worklogs.csv", header + "\n" + ",".join(cells) + "\n")

    adapter_name, frame = load(path)
    assert adapter_name == "tempo_worklogs"
    assert rows(frame) == [
        {
            "employee_id": "jdoe",
            "project_code": "ABC",
            "task_key": "ABC-1",
            "work_date": "2016-08-01",
            "hours": "3.25",
            "is_billable": "true",
            "comment": "Pairing, review",
            "source_line": 2,
        }
    ]


def test_tempo_real_header_alone_reads_no_rows(shared_samples: Path) -> None:
    adapter_name, frame = load(shared_samples / "tempo" / "tempo_worklog_header.csv")
    assert adapter_name == "tempo_worklogs"
    assert frame.height == 0
    assert frame.columns == [*COLUMNS, "source_line"]


def test_tempo_blank_username_falls_back_to_full_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "worklogs.csv",
        "Issue Key,Hours,Work date,Username,Full name,Project Key\n"
        "A-1,1,2016-8-1 8:00,,Anna Smith,A\n"
        "A-2,2,2016-8-2 8:00,jdoe,John Doe,A\n",
    )
    _, frame = load(path)
    assert frame["employee_id"].to_list() == ["Anna Smith", "jdoe"]
    assert frame["is_billable"].to_list() == [None, None]  # no Billed Hours column


def test_tempo_columns_it_does_not_read_still_count_for_lines_and_blank_records(
    tmp_path: Path,
) -> None:
    """Only the columns a time export's reader uses are parsed, but a newline inside another
    column's cell still moves the line numbers of the records after it, and a record with text
    only in such a column is not blank: it reaches the contract check (and its quarantine)."""
    header = "Issue Key,Issue summary,Hours,Work date,Username,Project Key\n"
    spanning = write(
        tmp_path,
        "spanning.csv",
        header + 'A-1,"Cut over\nthe ledger",1,2016-8-1 8:00,jdoe,A\n'
        "A-2,Reconcile,2,2016-8-2 8:00,jdoe,A\n",
    )
    assert load(spanning)[1].select("task_key", "hours", "source_line").rows() == [
        ("A-1", "1.0", 2),
        ("A-2", "2.0", 4),
    ]
    summary_only = write(
        tmp_path,
        "summary_only.csv",
        header + "A-1,Cut over,1,2016-8-1 8:00,jdoe,A\n,a summary and nothing else,,,,\n,,,,,\n",
    )
    assert load(summary_only)[1].select("task_key", "hours", "source_line").rows() == [
        ("A-1", "1.0", 2),
        (None, None, 3),
    ]


def test_tempo_without_a_person_column_is_rejected(tmp_path: Path) -> None:
    path = write(
        tmp_path, "worklogs.csv", "Issue Key,Hours,Work date,Project Key\nA-1,1,2016-8-1,A\n"
    )
    probe = probe_file(path)
    with pytest.raises(FileRejected) as error:
        detect(probe).read(probe)
    message = str(error.value)
    assert message.startswith("worklogs.csv: ")
    assert "'Username' or 'Full name'" in message
    assert "Issue Key, Hours, Work date, Project Key" in message


# --- Harvest ----------------------------------------------------------------------------------


def test_harvest_us_account() -> None:
    _, frame = load(HERE / "harvest_detailed.csv")
    got = rows(frame)
    assert len(got) == 4
    assert got[0] == {
        "employee_id": "E0001",
        "project_code": "PRJ-001",
        "task_key": "Development",
        "work_date": "2015-01-26",
        "hours": "7.5",  # Hours, not Hours Rounded
        "is_billable": "true",
        "comment": "API contract review",
        "source_line": 2,
    }
    # No Employee Id / Project Code: the full name and the project name are the references.
    assert got[1]["employee_id"] == "Ravi Menon"
    assert got[1]["project_code"] == "Payments platform renewal"
    assert got[1]["hours"] == "1.25"
    assert got[1]["comment"] == '=HYPERLINK("https://example.com/spec","spec")'
    # 01/13/2015 proves month-first for the whole file.
    assert got[1]["work_date"] == "2015-01-13"
    assert got[2]["hours"] == "-2.0"
    # January 32nd and "Maybe" are passed on as found; a lone first name is still a name.
    assert got[3]["work_date"] == "01/32/2015"
    assert got[3]["is_billable"] == "Maybe"
    assert got[3]["employee_id"] == "Chen"
    assert got[3]["comment"] == "Regression run\ntwo environments"
    assert got[3]["source_line"] == 5


def test_harvest_finnish_account() -> None:
    """The real 2015 Finnish export: dotted dates, quoted decimal commas, CRLF, Department."""
    _, frame = load(HERE / "harvest_detailed_fi.csv")
    got = rows(frame)
    assert [(r["employee_id"], r["work_date"], r["hours"], r["is_billable"]) for r in got] == [
        ("Matti Virtanen", "2015-01-26", "7.5", "true"),
        ("Matti Virtanen", "2015-02-05", "-1.0", "false"),
        ("Liisa Korhonen", "31.02.2015", "8.0", "true"),
    ]
    assert got[2]["project_code"] == "Verkkokauppa"
    assert [r["source_line"] for r in got] == [2, 3, 4]


def test_harvest_semicolon_file_with_ambiguous_dates_is_day_first() -> None:
    _, frame = load(HERE / "harvest_detailed_eu.csv")
    got = rows(frame)
    assert [r["work_date"] for r in got] == ["2015-02-03", "2015-02-04"]
    assert [r["hours"] for r in got] == ["7.5", "0.75"]
    assert [r["is_billable"] for r in got] == ["true", "false"]  # Oui / Non
    assert got[1]["comment"] == ('=HYPERLINK("https://intranet.example.fr/cr";"compte rendu")')


def test_harvest_comma_file_with_ambiguous_dates_is_month_first(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "harvest.csv",
        "Date,Client,Project,Project Code,Task,Notes,Hours,Billable?,First Name,Last Name\n"
        "03/02/2015,C,P,,Dev,,1,Yes,A,B\n",
    )
    _, frame = load(path)
    assert frame["work_date"].to_list() == ["2015-03-02"]


def test_harvest_iso_dates(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "harvest.csv",
        "Date,Project,Task,Hours,Billable?,First Name,Last Name\n2015-01-26,P,Dev,7.5,No,A,B\n",
    )
    _, frame = load(path)
    assert frame["work_date"].to_list() == ["2015-01-26"]


def test_harvest_without_date_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "h.csv", "Project,Task,Hours,Billable?,First Name\nP,Dev,1,Yes,A\n")
    probe = probe_file(path)
    with pytest.raises(FileRejected, match="no 'Date' column, which gives the date"):
        detect(probe).read(probe)


# --- Toggl Track ------------------------------------------------------------------------------


def test_toggl_detailed() -> None:
    _, frame = load(HERE / "toggl_detailed.csv")
    got = rows(frame)
    assert len(got) == 5
    assert got[0]["employee_id"] == "ana.souza@example.com"
    assert got[0]["project_code"] == "Payments platform renewal"
    assert got[0]["task_key"] == "Settlement API"
    assert got[0]["work_date"] == "2021-04-01"
    assert float(got[0]["hours"]) == pytest.approx(238 / 3600)  # 00:03:58
    # Blank e-mail: the user's display name is the reference.
    assert got[1]["employee_id"] == "Ravi Menon"
    # A timer left running: 25:30:00 is converted, not capped (the loader flags > 24 h).
    assert got[1]["hours"] == "25.5"
    assert got[1]["is_billable"] == "false"
    assert got[2]["comment"] == '=HYPERLINK("https://example.com/pr/42","PR 42")'
    # The minus sign applies to the whole duration: -00:30:00 is -0.5 h.
    assert got[3]["hours"] == "-0.5"
    # April 31st does not exist: passed on as found.
    assert got[4]["work_date"] == "2021-04-31"
    assert [r["source_line"] for r in got] == [2, 3, 4, 5, 6]


def test_toggl_member_header_decimal_durations_and_day_first_dates() -> None:
    _, frame = load(HERE / "toggl_detailed_eu.csv")
    got = rows(frame)
    assert [(r["employee_id"], r["work_date"], r["hours"], r["is_billable"]) for r in got] == [
        ("lukas.schmidt@example.de", "2026-09-23", "1.25", "true"),
        ("Lukas Schmidt", "2026-10-05", "-0.5", "false"),
    ]
    assert got[1]["comment"] == '=HYPERLINK("https://wiki.example.de/x";"Protokoll")'


def test_toggl_without_project_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "User,Start date,Duration\nAna,2021-04-01,01:00:00\n")
    probe = probe_file(path)
    with pytest.raises(FileRejected, match="Toggl Track detailed report export has no 'Project'"):
        detect(probe).read(probe)


# --- Clockify ---------------------------------------------------------------------------------


def test_clockify_us_settings() -> None:
    _, frame = load(HERE / "clockify_detailed.csv")
    got = rows(frame)
    assert len(got) == 5
    assert got[0] == {
        "employee_id": "ana.souza@example.com",
        "project_code": "Payments platform renewal",
        "task_key": "Settlement API",
        "work_date": "2026-09-23",
        "hours": "1.5",
        "is_billable": "true",
        "comment": "API contract review",
        "source_line": 2,
    }
    # No e-mail and no Duration (decimal): the user name and Duration (h) fill in.
    assert got[1]["employee_id"] == "Ravi Menon"
    assert got[1]["hours"] == "2.25"
    assert got[2]["comment"] == '=HYPERLINK("https://example.com/doc","design doc")'
    assert got[3]["hours"] == "-0.75"
    assert got[4]["work_date"] == "09/31/2026"


def test_clockify_european_settings() -> None:
    _, frame = load(HERE / "clockify_detailed_eu.csv")
    got = rows(frame)
    assert [(r["work_date"], r["hours"], r["is_billable"]) for r in got] == [
        ("2026-09-23", "1.5", "true"),
        ("2026-10-01", "-0.75", "false"),
        ("gestern", "1.0", "true"),
    ]
    assert got[1]["comment"] == '=HYPERLINK("https://wiki.example.de/x";"Protokoll")'


def test_clockify_with_only_clock_durations(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.csv",
        "Project,Description,User,Email,Billable,Start Date,Duration (h),Billable Amount (GBP)\n"
        "P,Work,Ana,,Yes,23/09/2026,07:45:00,10.00\n"
        "P,Work,Ana,,Yes,24/09/2026,-01:15:00,\n",
    )
    _, frame = load(path)
    assert frame["hours"].to_list() == ["7.75", "-1.25"]
    assert frame["work_date"].to_list() == ["2026-09-23", "2026-09-24"]
    assert frame["employee_id"].to_list() == ["Ana", "Ana"]


def test_clockify_without_person_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "Project,Start Date,Duration (h)\nP,09/23/2026,01:00:00\n")
    probe = probe_file(path)
    with pytest.raises(FileRejected, match="no 'Email' or 'User' column"):
        detect(probe).read(probe)


def test_clockify_workbook(tmp_path: Path) -> None:
    """The XLSX export goes through the same reader (numbers arrive as workbook numbers)."""
    source = pl.read_csv(HERE / "clockify_detailed.csv", infer_schema=False)
    source = source.with_columns(pl.col("Duration (decimal)").cast(pl.Float64))
    path = tmp_path / "clockify.xlsx"
    source.write_excel(path)
    adapter_name, frame = load(path)
    assert adapter_name == "clockify_detailed"
    assert frame["hours"].to_list() == ["1.5", "2.25", "0.75", "-0.75", "1.0"]
    assert frame["source_line"].to_list() == [2, 3, 4, 5, 6]


# --- what the loader's contract check makes of them ----------------------------------------

QUARANTINED = {
    "tempo_worklogs.csv": [(5, "hours"), (6, "work_date"), (7, "hours")],
    "tempo_worklogs_de.csv": [(3, "hours")],
    "harvest_detailed.csv": [(4, "hours"), (5, "is_billable"), (5, "work_date")],
    "harvest_detailed_fi.csv": [(3, "hours"), (4, "work_date")],
    "harvest_detailed_eu.csv": [],
    "toggl_detailed.csv": [(3, "hours"), (5, "hours"), (6, "work_date")],
    "toggl_detailed_eu.csv": [(3, "hours")],
    "clockify_detailed.csv": [(5, "hours"), (6, "work_date")],
    "clockify_detailed_eu.csv": [(3, "hours"), (4, "work_date")],
}


@pytest.mark.parametrize("name", sorted(QUARANTINED))
def test_contract_check_quarantines_exactly_the_bad_rows(name: str) -> None:
    """Negative, over-24 h and unparsed values reach the contract check and fail there."""
    from pipelines.ingest.validate import validate

    _, frame = load(HERE / name)
    good, bad = validate(frame, ENTITIES["timesheets"])
    flagged = sorted(zip(bad["source_line"].to_list(), bad["column_name"].to_list(), strict=True))
    assert flagged == QUARANTINED[name]
    assert good.height == frame.height - len({line for line, _ in flagged})


# --- the sniffers leave other formats alone ---------------------------------------------------

OTHER_HEADERS = {
    "jira_cloud": "Summary,Issue key,Issue id,Issue Type,Status,Project key,Project name,"
    "Assignee,Created,Updated,Original estimate,Time Spent,Sprint,Sprint,Parent key",
    "jira_log_work": "Summary,Issue key,Project key,Log Work,Log Work,Time Spent,Σ Time Spent",
    "ado": "ID,Work Item Type,Title,Assigned To,State,Tags,Iteration Path,Completed Work",
    "canonical_timesheets": "employee_id,project_code,task_key,work_date,hours,is_billable,comment",
    "openproject": "Date,Start time,End time,User,Activity,Work package,Comment,Project,Units,"
    "Cost type,Costs",
    "toggl_summary": "Description,Duration,Hours (decimal),Member,Project,Tags",
    "harvest_expenses": "Date,Client,Project,Project Code,Category,Notes,Amount,Billable?,"
    "First Name,Last Name",
}


@pytest.mark.parametrize("kind", sorted(OTHER_HEADERS))
def test_sniffers_ignore_other_formats(kind: str, tmp_path: Path) -> None:
    path = write(tmp_path, f"{kind}.csv", OTHER_HEADERS[kind] + "\n")
    probe = probe_file(path)
    assert [name for name, adapter in OURS.items() if adapter.sniff(probe)] == []


def test_sniffers_ignore_the_real_jira_export(shared_samples: Path) -> None:
    probe = probe_file(shared_samples / "jira_csv" / "jira_cloud_en_INFO380.csv")
    assert [name for name, adapter in OURS.items() if adapter.sniff(probe)] == []


OTHER_FIXTURES = sorted(
    path
    for path in FIXTURES.rglob("*")
    if path.is_file() and path.parent != HERE and path.suffix in (".csv", ".xml", ".xlsx")
)


@pytest.mark.parametrize("path", OTHER_FIXTURES, ids=lambda path: path.name)
def test_sniffers_ignore_other_teams_fixtures(path: Path) -> None:
    try:
        probe = probe_file(path)
    except FileRejected:
        pytest.skip("not a readable export (a rejection fixture)")
    assert [name for name, adapter in OURS.items() if adapter.sniff(probe)] == []
